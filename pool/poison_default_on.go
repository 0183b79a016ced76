//go:build takopoison

package pool

// poisonDefault is true because the takopoison build tag is set.
const poisonDefault = true
