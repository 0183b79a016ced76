package signals

import (
	"strings"
	"testing"
)

// refMatch is the obvious reference: split both on dots and compare
// segment by segment.
func refMatch(pattern, topic string) bool {
	ps, ts := strings.Split(pattern, "."), strings.Split(topic, ".")
	for i, p := range ps {
		if p == ">" {
			return len(ts) > i
		}
		if i >= len(ts) || (p != "*" && p != ts[i]) {
			return false
		}
	}
	return len(ps) == len(ts)
}

// FuzzMatch checks Match against refMatch on valid names and that the
// validators never panic on anything.
func FuzzMatch(f *testing.F) {
	for _, s := range [][2]string{{"a.b", "a.b"}, {"a.*", "a.b"}, {"a.>", "a.b.c"}, {">", "x"}, {"*.b.>", "a.b"}, {"a..b", "a"}, {"a.>.b", "a.b.c"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, topic string) {
		pe, te := validPattern(pattern), validTopic(topic)
		if te == nil && validPattern(topic) != nil {
			t.Fatalf("valid topic %q is not a valid pattern", topic)
		}
		if pe != nil || te != nil {
			return
		}
		if got, want := Match(pattern, topic), refMatch(pattern, topic); got != want {
			t.Fatalf("Match(%q, %q) = %v, reference says %v", pattern, topic, got, want)
		}
	})
}
