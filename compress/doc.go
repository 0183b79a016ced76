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
// table below, are gzip 5 and deflate 5 (the big ratio step over level 4 on
// JSON for little speed; level 6 costs a quarter of the speed for 0.2
// points), zstd 2 (0.7 points smaller than zstd 1 on JSON and 2.2 on HTML,
// at two thirds to three quarters of its speed), and brotli 4 (the last quality before HTML speed halves; also
// fasthttp's and Fiber's default). The "deflate" coding
// is the zlib format, as RFC 9110 defines it; the Reader also accepts raw
// deflate, which some clients send. Zstd uses a 1 MiB window (RFC 9659 caps
// HTTP at 8 MiB) and no frame checksum.
//
// # Measurements
//
// 100 KB of JSON (twitter.json) and of HTML (the Go specification),
// compressed by a pooled Writer on a 2-core AMD EPYC shared with other
// builds (go1.26.8, klauspost/compress v1.20.3, andybalholm/brotli v1.3.0).
// Size is the compressed size as a percentage of the input (lower is better;
// exact). MB/s is input bytes per second of process CPU time, best of three
// runs: the machine was loaded, so read the speeds as ratios between rows
// rather than as absolute figures. Deflate shares gzip's compressor and
// figures. The defaults are marked *.
//
//	go test ./compress -run XXX -bench 'Codec/(json|html)/(gzip-[124569]|br-[0-6]|zstd-[1-4])$' -benchtime 300ms -count 3
//
//	codec-level  JSON size  JSON MB/s  HTML size  HTML MB/s
//	gzip-1           18.1%        347      34.0%        170
//	gzip-2           17.3%        397      32.8%        175
//	gzip-4           16.8%        341      30.7%        106
//	gzip-5           14.5%        325      29.3%         98 *
//	gzip-6           14.3%        238      28.9%         89
//	gzip-9           12.4%         20      27.6%         17
//	br-0             17.1%        302      34.1%        121
//	br-1             15.7%        170      32.6%         98
//	br-2             16.2%         67      30.1%         57
//	br-3             14.0%         81      29.6%         52
//	br-4             12.8%         54      28.6%         34 *
//	br-5             11.5%         47      26.9%         20
//	br-6             11.4%         45      26.5%         18
//	zstd-1           14.9%        529      32.4%        147
//	zstd-2           14.2%        393      30.2%         93 *
//	zstd-3           13.2%        254      28.9%         70
//	zstd-4           12.5%         48      27.3%         11
//
// Zstd 2 matches gzip 6 on size at well above its speed, and is several
// times faster than brotli 4, which is 1.5 points smaller. Per-request
// compression is paid in CPU on every response, so the default preference,
// for clients that weigh several codings equally, is zstd, then brotli,
// gzip, deflate; a server that pays more for bandwidth than for CPU can put
// Brotli first in Config.Preference. Brotli above 5, gzip 9 and zstd 4 are for
// precompressed static files, not for responses made per request.
//
// # Allocations
//
// With the pools warm, a response through the middleware allocates nothing
// (TestHandlerAllocs, with a do-nothing ResponseWriter), nor does a Writer
// or a gzip, deflate or zstd Reader. Two library costs remain and are
// asserted by the tests: a zstd stream written in more than one block
// (bodies over one block, 64 KiB at level 1 and 128 KiB above, or any Flush)
// allocates its 18-byte frame header once (klauspost/compress v1.20.3 passes
// a stack array to io.Writer.Write), and the brotli decoder allocates its
// context maps per meta-block.
package compress
