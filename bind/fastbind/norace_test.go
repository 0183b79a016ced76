//go:build !race

package fastbind_test

const race = false
