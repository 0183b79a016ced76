package parse

import (
	"sync"

	"github.com/minio/simdjson-go"
)

// jsonSimdSupported reports whether simdjson-go can run here (amd64 with
// AVX2 and CLMUL). On other platforms simdjson-go compiles to stubs that
// always fail.
var jsonSimdSupported = simdjson.SupportedCPU()

// jsonDefaultValidThreshold is the input size from which JSONAuto validates
// with simdjson-go rather than encoding/json. At 100 B encoding/json's
// scanner is faster than building a tape; from 1 KB on simdjson-go won by
// 1.7-6× on the twitter and citm buckets and tied on number-heavy canada
// (README.md).
const jsonDefaultValidThreshold = 1 << 10

// jsonSimdPool holds *simdjson.ParsedJson values for reuse: simdjson-go is
// about ten times slower when it must allocate its tape for every call.
// Tapes that grew past jsonSimdMaxPooled input bytes are not kept.
var jsonSimdPool sync.Pool

const jsonSimdMaxPooled = 8 << 20

// jsonSimdValid reports whether simdjson-go parses data. simdjson-go is
// stricter than encoding/json in places (it refuses top-level scalars and
// numbers out of float64 range), so false only means "ask encoding/json";
// FuzzJSONValid checks that true always agrees with json.Valid.
func jsonSimdValid(data []byte) bool {
	reuse, _ := jsonSimdPool.Get().(*simdjson.ParsedJson)
	pj, err := simdjson.Parse(data, reuse, simdjson.WithCopyStrings(false))
	if err != nil {
		// On failure simdjson-go does not hand back its buffers; keep the
		// old ones.
		if reuse != nil {
			jsonSimdPool.Put(reuse)
		}
		return false
	}
	ok := jsonTapeDepthOK(pj.Tape)
	pj.Message = nil // do not pin the caller's buffer from the pool
	if len(data) <= jsonSimdMaxPooled {
		jsonSimdPool.Put(pj)
	}
	return ok
}

// jsonMaxDepth is encoding/json's nesting limit; simdjson-go has none.
const jsonMaxDepth = 10000

// jsonTapeDepthOK reports whether a simdjson-go tape nests no deeper than
// encoding/json allows (found by TestJSONValid). Strings and numbers take
// two tape words; the second is a payload whose top byte could look like a
// tag, so it is skipped.
func jsonTapeDepthOK(tape []uint64) bool {
	depth := 0
	for i := 0; i < len(tape); {
		switch simdjson.Tag(tape[i] >> simdjson.JSONTAGOFFSET) {
		case simdjson.TagObjectStart, simdjson.TagArrayStart:
			depth++
			if depth > jsonMaxDepth {
				return false
			}
			i++
		case simdjson.TagObjectEnd, simdjson.TagArrayEnd:
			depth--
			i++
		case simdjson.TagString, simdjson.TagInteger, simdjson.TagUint, simdjson.TagFloat:
			i += 2
		default:
			i++
		}
	}
	return true
}
