package compress

import (
	"github.com/tako-go/tako/parse"
)

// StatusAllowsBody reports whether a response with this status may be
// compressed: 1xx, 204, 304 have no body and 206 carries a byte range of the
// identity body, so none of them is compressed.
func StatusAllowsBody(status int) bool {
	return status >= 200 && status != 204 && status != 206 && status != 304
}

// CompressibleType reports whether a response with this Content-Type is
// worth compressing. It denies types that are already compressed: images
// (except SVG and BMP/ICO-style raw formats), audio, video, font/woff and
// font/woff2, and archive or compressed application types (zip, gzip, zstd,
// brotli, 7z, rar, xz, bzip2, pdf, octet-streams of unknown content are
// allowed). An empty or unparsable type is compressible (the body may be
// sniffed by the caller).
func CompressibleType(contentType string) bool {
	if contentType == "" {
		return true
	}
	mt, err := parse.ParseMediaType(contentType)
	if err != nil && mt.Type == "" {
		return true
	}
	t, s := mt.Type, mt.Subtype
	switch {
	case parse.EqualFold(t, "image"):
		return parse.EqualFold(s, "svg+xml") || parse.EqualFold(s, "bmp") ||
			parse.EqualFold(s, "x-icon") || parse.EqualFold(s, "vnd.microsoft.icon") ||
			parse.EqualFold(s, "x-ms-bmp")
	case parse.EqualFold(t, "audio"), parse.EqualFold(t, "video"):
		return parse.EqualFold(s, "wav") || parse.EqualFold(s, "x-wav")
	case parse.EqualFold(t, "font"):
		return !parse.EqualFold(s, "woff") && !parse.EqualFold(s, "woff2")
	case parse.EqualFold(t, "application"):
		for _, deny := range compressedApplicationTypes {
			if parse.EqualFold(s, deny) {
				return false
			}
		}
	case parse.EqualFold(t, "multipart"):
		// multipart/byteranges is a range response; multipart/x-mixed-replace
		// is usually a JPEG stream.
		return !parse.EqualFold(s, "byteranges") && !parse.EqualFold(s, "x-mixed-replace")
	}
	return true
}

var compressedApplicationTypes = []string{
	"zip", "gzip", "x-gzip", "zstd", "x-brotli", "brotli",
	"x-7z-compressed", "vnd.rar", "x-rar-compressed", "x-xz", "x-bzip2",
	"x-bzip", "x-compress", "x-lzip", "x-lzma", "java-archive",
	"vnd.android.package-archive", "x-apple-diskimage", "font-woff",
	"x-font-woff", "wasm+gzip", "pdf", "ogg", "vnd.ms-cab-compressed",
	"x-tar+gzip", "epub+zip", "x-shockwave-flash",
	"vnd.openxmlformats-officedocument.wordprocessingml.document",
	"vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"vnd.openxmlformats-officedocument.presentationml.presentation",
}

// NoTransform reports whether a Cache-Control header value carries the
// no-transform directive, which forbids intermediaries (and this package)
// from changing the content coding.
func NoTransform(cacheControl string) bool {
	for i := 0; i+len("no-transform") <= len(cacheControl); i++ {
		if (i == 0 || cacheControl[i-1] == ',' || cacheControl[i-1] == ' ' || cacheControl[i-1] == '\t') &&
			parse.EqualFold(cacheControl[i:i+len("no-transform")], "no-transform") {
			j := i + len("no-transform")
			if j == len(cacheControl) || cacheControl[j] == ',' || cacheControl[j] == ' ' || cacheControl[j] == '\t' {
				return true
			}
		}
	}
	return false
}
