package compress

import (
	"fmt"

	"github.com/tako-go/tako/parse"
)

// Encoding is an HTTP content coding this package can produce and decode.
type Encoding uint8

// The content codings, in no particular order. Identity means no coding.
const (
	Identity Encoding = iota
	Gzip              // "gzip" (RFC 1952)
	Deflate           // "deflate": the zlib format (RFC 1950), as RFC 9110 §8.4.1.2 defines it
	Brotli            // "br" (RFC 7932)
	Zstd              // "zstd" (RFC 8878, window at most 8 MiB as RFC 9659 requires)

	numEncodings
)

var encodingNames = [numEncodings]string{"identity", "gzip", "deflate", "br", "zstd"}

// String returns the content-coding token: "identity", "gzip", "deflate", "br" or "zstd".
func (e Encoding) String() string {
	if e < numEncodings {
		return encodingNames[e]
	}
	return fmt.Sprintf("compress.Encoding(%d)", uint8(e))
}

// ParseEncoding returns the Encoding named by a content-coding token, compared
// case-insensitively; "x-gzip" is "gzip". It reports false for unknown names.
func ParseEncoding(name string) (Encoding, bool) {
	for e := Identity; e < numEncodings; e++ {
		if parse.EqualFold(name, encodingNames[e]) {
			return e, true
		}
	}
	if parse.EqualFold(name, "x-gzip") {
		return Gzip, true
	}
	return Identity, false
}

// DefaultLevel asks for the package's default level of a codec, chosen by
// measurement (see the package documentation): gzip 5, deflate 5, brotli 4,
// zstd 2 (zstd.SpeedDefault).
const DefaultLevel = -1

// Levels are codec-native:
//   - gzip: -3 (stateless), -2 (Huffman only), 0 (stored) and 1..9;
//   - deflate: -2 (Huffman only), 0 (stored) and 1..9;
//   - brotli: quality 0..11;
//   - zstd: 1..4, the zstd.EncoderLevel values (1 fastest, 2 default, 3 better, 4 best).
//
// DefaultLevel (-1) picks the package default for every codec.
const (
	minLevel   = -3
	maxLevel   = 11
	levelSlots = maxLevel - minLevel + 1
)

var defaultLevels = [numEncodings]int{Identity: 0, Gzip: 5, Deflate: 5, Brotli: 4, Zstd: 2}

// resolveLevel maps DefaultLevel to the codec default and validates the level.
func resolveLevel(e Encoding, level int) (int, error) {
	if level == DefaultLevel && e < numEncodings {
		return defaultLevels[e], nil
	}
	ok := false
	switch e {
	case Identity:
		return 0, nil
	case Gzip:
		ok = level >= -3 && level <= 9
	case Deflate:
		ok = level >= -2 && level <= 9
	case Brotli:
		ok = level >= 0 && level <= 11
	case Zstd:
		ok = level >= 1 && level <= 4
	default:
		return 0, fmt.Errorf("compress: unknown encoding %d", uint8(e))
	}
	if !ok {
		return 0, fmt.Errorf("compress: level %d is out of range for %s", level, e)
	}
	return level, nil
}
