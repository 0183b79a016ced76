// Package compress is Tako's HTTP response compression: gzip, deflate,
// brotli and zstd encoders pooled per codec and level, content-coding
// negotiation with real q-values, a streaming net/http middleware, and
// size-limited decoders for compressed request bodies. It imports nothing of
// the Tako facade and works with any net/http server:
//
//	mux := http.NewServeMux()
//	mux.HandleFunc("/", index)
//	http.ListenAndServe(":8080", compress.Middleware(compress.Config{})(mux))
//
// The zero Config compresses bodies of 1 KiB or more with the coding the
// client weighs highest, preferring zstd, then brotli, gzip and deflate when
// it weighs several equally.
//
// # Layers
//
//   - Writer: an io.Writer that compresses into another, with Reset(dst,
//     encoding, level), Flush and Close. Encoders come from a sync.Pool per
//     codec and level and are Reset, never rebuilt, so a response costs no
//     encoder allocation in steady state. Engine adapters (the Tako
//     middleware in middleware/compress) drive it directly.
//   - Reader: decodes a compressed request body and stops with ErrTooLarge
//     past a decompressed-size limit (DefaultMaxDecodedSize, 8 MiB, by
//     default), the defence against decompression bombs.
//   - Negotiator and Policy: the decisions, engine-neutral. Policy.Request
//     negotiates on the Accept-Encoding grammar of the parse package
//     (q-values, "identity", "*", q=0); Policy.Decide applies the skip rules
//     to a response's status and headers.
//   - Middleware/Handler: net/http middleware built on the three.
//
// # What is compressed
//
// A response is sent as it is when the request is HEAD or has a Range header;
// when the status is 1xx, 204, 206 or 304; when it already has a
// Content-Encoding; when Cache-Control says no-transform; when its
// Content-Type is already compressed (images other than SVG, BMP and ICO,
// audio, video, WOFF fonts, archives: see CompressibleType); and when the
// body is smaller than Config.MinSize. Every response gets
// "Vary: Accept-Encoding". A compressed response loses Content-Length and
// Accept-Ranges, and a strong ETag is weakened (or suffixed, or dropped: see
// ETagMode), since the compressed body is a different representation.
//
// # Streaming
//
// The middleware buffers the body until Config.MinSize bytes (default
// 1 KiB) are written or a declared Content-Length settles the question, then
// compresses as the handler writes. Flush passes through: it ends a
// compressed block (a sync flush) and flushes the connection, so Server-Sent
// Events and other streamed responses reach the client compressed, event by
// event, never buffered whole. A Flush before MinSize decides at once: a
// compressible Content-Type is compressed from there on. A missing
// Content-Type is sniffed from the identity body (http.DetectContentType)
// before compression, since nobody could sniff it afterwards.
//
// # Levels
//
// Levels are codec-native: gzip -3 (stateless), -2 (Huffman only), 0
// (stored) and 1..9; deflate -2, 0 and 1..9; brotli quality 0..11; zstd 1..4
// (the zstd.EncoderLevel values: fastest, default, better, best).
// DefaultLevel asks for the package default. The defaults, chosen from the
// table below, are gzip 5, deflate 5, brotli 4 and zstd 2, each the level
// after which ratio gains cost more than half the speed. The "deflate" coding
// is the zlib format, as RFC 9110 defines it; the Reader also accepts raw
// deflate, which some clients send. Zstd uses a 1 MiB window (RFC 9659 caps
// HTTP at 8 MiB) and no frame checksum.
//
// # Measurements
//
// 100 KB of JSON (twitter.json) and of HTML (the Go specification),
// compressed by a pooled Writer; best of three runs on a shared 2-core AMD
// EPYC (go1.26.8, klauspost/compress v1.20.3, andybalholm/brotli v1.3.0).
// Size is the compressed size as a percentage of the input, so lower is
// better; speed is input MB/s on one core.
//
//	go test ./compress -run XXX -bench 'Codec' -benchtime 200ms -count 3
//
//	MEASUREMENTS_TABLE
//
// Zstd 2 compresses JSON to within a point of brotli 4 at several times the
// speed; brotli 4 wins on HTML. Hence the default preference zstd, brotli,
// gzip, deflate for clients that accept several codings equally. Brotli
// above 5 and gzip above 6 are for precompressed static files, not for
// responses made per request.
//
// # Allocations
//
// With the pools warm, a response through the middleware allocates nothing
// (TestHandlerAllocs, with a do-nothing ResponseWriter), nor does a Writer
// or a gzip, deflate or zstd Reader. Two library costs remain and are
// asserted by the tests: a zstd stream written in more than one block
// (bodies over 128 KiB, or any Flush) allocates its 18-byte frame header
// once, and the brotli decoder allocates its context maps per meta-block.
package compress
