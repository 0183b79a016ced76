//go:build !race

package tako_test

const raceEnabled = false
