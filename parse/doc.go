// Package parse holds Tako's zero-copy parsers: JSON decoding and encoding
// dispatched by input size to the fastest backend, allocation-free iterators
// over HTTP header grammars, and the PROXY protocol v1/v2 header.
//
// Every parser here is usable on its own, allocates nothing in steady state
// (results are slices of the input), and has a fuzz target.
//
// # JSON
//
// [Unmarshal] and [Marshal] choose between bytedance/sonic (where its native
// path runs), minio/simdjson-go (where its tape wins) and encoding/json (the
// portable fallback) by the size of the input. The thresholds were chosen by
// measurement; see parse/README.md for the table and the command that made
// it. Decoded strings never alias the input unless the caller asks for it.
//
// # HTTP header grammars
//
// Accept, Accept-Language, Accept-Encoding, Range, Cookie, Authorization,
// Content-Type parameters, Forwarded and X-Forwarded-For are parsed by
// iterators that return sub-slices of the header value. Those slices are
// valid as long as the header value is.
//
// # PROXY protocol
//
// [ParseProxy] and [ReadProxy] decode PROXY protocol v1 (text) and v2
// (binary) headers from a byte slice or a bufio.Reader.
package parse
