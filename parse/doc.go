// Package parse holds Tako's zero-copy parsers: JSON decoding and encoding
// that accept exactly what encoding/json accepts at several times its speed,
// allocation-free iterators over HTTP header grammars, and the PROXY
// protocol v1/v2 header.
//
// Every parser here is usable on its own, allocates nothing in steady state
// where its result can be a slice of its input, and has a fuzz target.
//
//	var u User
//	if err := parse.Unmarshal(body, &u); err != nil {
//		var je *parse.JSONError
//		errors.As(err, &je) // je.Offset, je.Field ("user.id")
//	}
//	best, ok := parse.NegotiateAccept(r.Header.Get("Accept"), "application/json", "text/html")
//
// # JSON
//
// [Unmarshal], [Marshal], [AppendJSON], [ValidJSON], [GetJSON] and
// [JSONDecoder] accept, reject and produce exactly what encoding/json does;
// differential fuzzing checks it. Decoding and encoding use bytedance/sonic's
// JIT where it is compiled in (amd64 and arm64 on the Go versions its build
// tags allow; a test fails on linux/amd64 if it is not). Validation of inputs
// from 1 KiB up uses minio/simdjson-go (AVX2 and CLMUL). encoding/json is used
// everywhere else, and whenever a fast backend rejects an input or is known
// to differ from it, so every error is encoding/json's, returned as a
// [*JSONError] with the byte offset and, for type errors, the field path.
//
// Measured on the standard corpora: sonic decodes into structs 3 to 7 times
// faster than encoding/json at every size from 100 B, and 1.5 to 3 times
// faster into interface{} values (where every backend spends its time
// allocating maps); simdjson-go validates 1.2 to 3 times faster than
// encoding/json from 1 KB, but is slower at 100 B. parse/README.md has the
// table and the command that made it.
//
// A [JSON] value chooses the backend per use, as Tako does per route:
// JSONAuto (the default), JSONAlways, JSONNever (encoding/json only), or
// JSONThreshold with a size in bytes. It also sets ZeroCopy, UseNumber and
// DisallowUnknownFields. Decoded strings never alias the input unless
// ZeroCopy is set; with it they are valid until the buffer is reused.
// [GetJSON] reads only as far as the value it returns, so it does not
// validate the rest of the document.
//
// # HTTP header grammars
//
// Accept, Accept-Language, Accept-Encoding, Range, Cookie, Authorization,
// Content-Type parameters, Forwarded and X-Forwarded-For are parsed by
// iterators over a string header value that return sub-strings of it. Those
// results are valid as long as the header value is: on Tako's fasthttp
// engine, until the handler returns. Every iterator has Next and an All
// method for range-over-func loops; neither allocates.
//
// The negotiation helpers [NegotiateAccept] (RFC 9110 specificity and
// q-values), [NegotiateLanguage] (RFC 4647 lookup) and [NegotiateEncoding]
// (identity, "*" and q=0 exclusions) pick the best of the server's offers.
// [ParseRange] applies RFC 9110 byte ranges with limits on their count and
// overlap; [ParseMediaType], [ParseCookie], [ParseBasicInto], [ParseBearer],
// [ParseForwarded] and [ClientFromXForwardedFor] cover the rest.
// parse/HEADERS.md lists the deliberate differences from the standard
// library and the benchmark table against it.
//
// # PROXY protocol
//
// [ParseProxy] and [ReadProxy] decode PROXY protocol v1 (text) and v2
// (binary) headers from a byte slice or a bufio.Reader, with a zero-copy TLV
// iterator and CRC32c verification; [AppendProxyV1] and [AppendProxyV2]
// encode them.
package parse
