//go:build !race

package bind_test

const raceOn = false
