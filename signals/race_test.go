//go:build race

package signals

// raceEnabled: the race detector adds allocations of its own.
const raceEnabled = true
