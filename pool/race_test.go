//go:build race

package pool

// raceEnabled: under the race detector sync.Pool drops a random share of
// Puts on purpose, so allocation counts are meaningless there.
const raceEnabled = true
