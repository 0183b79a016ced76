package parse

import (
	"encoding/json"
	"testing"

	"github.com/bytedance/sonic"
	"github.com/minio/simdjson-go"
)

// The benchmark grid behind README.md's table: every size bucket of
// jsonBuckets, decoded into its typed struct and into any, encoded from the
// typed struct, and validated, by the dispatcher and by each backend alone.
// Each benchmark runs its function once before timing, so sonic's one-time
// JIT compilation of a type is not measured. README.md's table is the best
// of five interleaved runs of
//
//	go test ./parse -run '^$' -bench 'BenchmarkJSON' -benchtime 100ms -count 1

func BenchmarkJSONDecode(b *testing.B) {
	for _, bk := range jsonBuckets(b) {
		targets := []struct {
			name string
			mk   func() any
		}{{"any", func() any { return new(any) }}}
		if bk.typed != nil {
			targets = append([]struct {
				name string
				mk   func() any
			}{{"typed", bk.typed}}, targets...)
		}
		for _, tg := range targets {
			backends := []struct {
				name string
				fn   func([]byte, any) error
			}{
				{"dispatch", Unmarshal},
				{"sonic", sonic.ConfigStd.Unmarshal},
				{"std", json.Unmarshal},
			}
			for _, be := range backends {
				b.Run(bk.name+"/"+tg.name+"/"+be.name, func(b *testing.B) {
					_ = be.fn(bk.data, tg.mk()) // JIT-compile the type outside the timing
					b.ReportAllocs()
					b.SetBytes(int64(len(bk.data)))
					for b.Loop() {
						if err := be.fn(bk.data, tg.mk()); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
			if tg.name == "any" && jsonSimdSupported {
				// simdjson-go has no struct decoder; its tape can be turned
				// into an interface{} tree for comparison.
				b.Run(bk.name+"/any/simdjson", func(b *testing.B) {
					b.ReportAllocs()
					b.SetBytes(int64(len(bk.data)))
					var pj *simdjson.ParsedJson
					for b.Loop() {
						var err error
						pj, err = simdjson.Parse(bk.data, pj)
						if err != nil {
							b.Skip("simdjson-go:", err)
						}
						it := pj.Iter()
						if _, err := it.Interface(); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}

func BenchmarkJSONEncode(b *testing.B) {
	for _, bk := range jsonBuckets(b) {
		v := new(any)
		if bk.typed != nil {
			v2 := bk.typed()
			if err := json.Unmarshal(bk.data, v2); err != nil {
				b.Fatal(err)
			}
			v = &[]any{v2}[0]
		} else if err := json.Unmarshal(bk.data, v); err != nil {
			b.Fatal(err)
		}
		val := *v
		out, _ := json.Marshal(val)
		b.Run(bk.name+"/append", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(out)))
			dst := make([]byte, 0, 2*len(out))
			dst, _ = AppendJSON(dst, val)
			for b.Loop() {
				var err error
				if dst, err = AppendJSON(dst[:0], val); err != nil {
					b.Fatal(err)
				}
			}
		})
		backends := []struct {
			name string
			fn   func(any) ([]byte, error)
		}{
			{"dispatch", Marshal},
			{"sonic", sonic.ConfigStd.Marshal},
			{"std", json.Marshal},
		}
		for _, be := range backends {
			b.Run(bk.name+"/"+be.name, func(b *testing.B) {
				_, _ = be.fn(val) // JIT-compile the type outside the timing
				b.ReportAllocs()
				b.SetBytes(int64(len(out)))
				for b.Loop() {
					if _, err := be.fn(val); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkJSONValid(b *testing.B) {
	for _, bk := range jsonBuckets(b) {
		backends := []struct {
			name string
			fn   func([]byte) bool
		}{
			{"dispatch", ValidJSON},
			{"simdjson", JSON{Mode: JSONAlways}.Valid},
			{"std", json.Valid},
		}
		for _, be := range backends {
			b.Run(bk.name+"/"+be.name, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(bk.data)))
				for b.Loop() {
					if !be.fn(bk.data) {
						b.Fatal("invalid")
					}
				}
			})
		}
	}
}

func BenchmarkJSONGet(b *testing.B) {
	data := jsonLoad(b, "twitter")
	for _, c := range []struct {
		name string
		cfg  JSON
	}{{"dispatch", JSON{}}, {"std", JSON{Mode: JSONNever}}} {
		for _, p := range []struct {
			name string
			path []any
		}{{"first", []any{"statuses", 0, "id"}}, {"last", []any{"search_metadata", "count"}}} {
			b.Run(p.name+"/"+c.name, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					if _, err := c.cfg.Get(data, p.path...); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkJSONAppendSmall(b *testing.B) {
	v := &jsonTweet{ID: 505874924095815681, IDStr: "505874924095815681", Text: "hello <world> & friends", Lang: "en"}
	for _, c := range []struct {
		name string
		cfg  JSON
	}{{"dispatch", JSON{}}, {"std", JSON{Mode: JSONNever}}} {
		b.Run(c.name, func(b *testing.B) {
			dst := make([]byte, 0, 1024)
			dst, _ = c.cfg.AppendJSON(dst, v)
			b.ReportAllocs()
			for b.Loop() {
				dst, _ = c.cfg.AppendJSON(dst[:0], v)
			}
			b.SetBytes(int64(len(dst)))
		})
	}
}
