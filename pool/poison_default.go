//go:build !takopoison

package pool

// poisonDefault is false: build with -tags takopoison to start with
// poisoning on.
const poisonDefault = false
