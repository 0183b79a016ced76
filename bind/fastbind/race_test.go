//go:build race

package fastbind_test

// raceOn: the race detector makes sync.Pool drop items at random, so
// pooled-chunk allocation counts are not exact.
const race = true
