package tako

import (
	"strconv"
	"testing"
	"testing/fstest"
	"time"
)

// TestStaticCacheEntryBound requests more distinct missing paths than the cache holds: the
// cache stays at its bound, and lookups go on answering.
func TestStaticCacheEntryBound(t *testing.T) {
	s := &staticServer{
		fsys: fstest.MapFS{"a.txt": {Data: []byte("a"), ModTime: time.Unix(1e9, 0)}},
		cfg:  StaticConfig{CacheDuration: time.Hour, MaxCacheFileSize: 1 << 10, MaxCacheBytes: 1 << 20},
	}
	for i := range staticMaxEntries + 1000 {
		if e := s.lookup("missing-" + strconv.Itoa(i)); !e.missing {
			t.Fatalf("missing-%d found", i)
		}
	}
	if n := s.entries.Load(); n > staticMaxEntries {
		t.Errorf("cache holds %d paths, bound %d", n, staticMaxEntries)
	}
	if e := s.lookup("a.txt"); e.missing || string(e.data) != "a" {
		t.Errorf("a.txt once the cache is full: %+v", e)
	}
}
