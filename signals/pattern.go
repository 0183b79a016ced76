package signals

import (
	"fmt"
	"strings"
)

// Topic names are dot-separated segments ("jobs.enqueued", "app.stopping").
// A subscription pattern is a topic name in which a segment may be a
// wildcard:
//
//	"jobs.enqueued"  exact: that topic only
//	"jobs.*"         "*" matches exactly one segment: "jobs.enqueued", not "jobs.a.b"
//	"jobs.>"         ">" as the last segment matches one or more segments (a prefix)
//	">"              every topic
//
// This is the NATS subject syntax, chosen because it is the common one and it
// keeps matching a per-segment comparison with no regular expressions.

// validTopic reports why name is not a valid topic name, or "".
func validTopic(name string) error {
	if name == "" {
		return fmt.Errorf("signals: empty topic name")
	}
	off := 0
	for seg := range strings.SplitSeq(name, ".") {
		switch {
		case seg == "":
			return fmt.Errorf("signals: topic %q has an empty segment at offset %d", name, off)
		case strings.ContainsAny(seg, "*> \t\r\n"):
			return fmt.Errorf("signals: topic %q has a wildcard or space in segment %q at offset %d", name, seg, off)
		}
		off += len(seg) + 1
	}
	return nil
}

// validPattern checks a subscription pattern.
func validPattern(p string) error {
	if p == "" {
		return fmt.Errorf("signals: empty pattern")
	}
	off := 0
	segs := strings.Split(p, ".")
	for i, seg := range segs {
		switch {
		case seg == "":
			return fmt.Errorf("signals: pattern %q has an empty segment at offset %d", p, off)
		case seg == ">" && i != len(segs)-1:
			return fmt.Errorf("signals: pattern %q: \">\" must be the last segment (offset %d)", p, off)
		case seg != "*" && seg != ">" && strings.ContainsAny(seg, "*> \t\r\n"):
			return fmt.Errorf("signals: pattern %q: wildcard or space inside segment %q at offset %d", p, seg, off)
		}
		off += len(seg) + 1
	}
	return nil
}

// isExact reports whether pattern has no wildcard segment.
func isExact(p string) bool {
	for seg := range strings.SplitSeq(p, ".") {
		if seg == "*" || seg == ">" {
			return false
		}
	}
	return true
}

// Match reports whether the topic name matches the subscription pattern.
// Both are assumed valid.
func Match(pattern, topic string) bool {
	for {
		var ps, ts string
		pi := strings.IndexByte(pattern, '.')
		if pi < 0 {
			ps, pattern = pattern, ""
		} else {
			ps, pattern = pattern[:pi], pattern[pi+1:]
		}
		if ps == ">" {
			return topic != ""
		}
		if topic == "" {
			return false
		}
		ti := strings.IndexByte(topic, '.')
		if ti < 0 {
			ts, topic = topic, ""
		} else {
			ts, topic = topic[:ti], topic[ti+1:]
		}
		if ps != "*" && ps != ts {
			return false
		}
		if pi < 0 {
			return ti < 0
		}
		if ti < 0 {
			// Pattern has more segments; only a lone ">" could match nothing more, and ">" needs one.
			return false
		}
	}
}
