//go:build race

package tako_test

const raceEnabled = true
