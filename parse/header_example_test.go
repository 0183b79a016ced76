package parse_test

import (
	"fmt"
	"net/netip"

	"github.com/tako-go/tako/parse"
)

func ExampleNegotiateAccept() {
	accept := "text/html;q=0.9, application/json, */*;q=0.1"
	best, ok := parse.NegotiateAccept(accept, "text/html", "application/json")
	fmt.Println(best, ok)
	// Output: application/json true
}

func ExampleParseAccept() {
	it := parse.ParseAccept("text/*;q=0.3, text/html;level=1, */*;q=0.5")
	for r, ok := it.Next(); ok; r, ok = it.Next() {
		fmt.Printf("%s/%s params=%q q=%.1f\n", r.Type, r.Subtype, r.RawParams, r.Weight())
	}
	// Output:
	// text/* params="" q=0.3
	// text/html params="level=1" q=1.0
	// */* params="" q=0.5
}

func ExampleAcceptIter_All() {
	it := parse.ParseAccept("application/json, text/html;q=0.5, bad")
	for r := range it.All() {
		fmt.Println(r.Type+"/"+r.Subtype, r.Q)
	}
	fmt.Println(it.Err())
	// Output:
	// application/json 1000
	// text/html 500
	// parse: accept: bad media range at offset 35
}

func ExampleNegotiateLanguage() {
	lang, ok := parse.NegotiateLanguage("de-CH, fr;q=0.8, en;q=0.5", "en", "fr", "de")
	fmt.Println(lang, ok)
	lang, ok = parse.NegotiateLanguage("ja", "en", "fr", "de")
	fmt.Println(lang, ok) // no match: the default, offers[0]
	// Output:
	// de true
	// en false
}

func ExampleNegotiateEncoding() {
	enc, _ := parse.NegotiateEncoding("gzip, deflate, br;q=0.9", "zstd", "br", "gzip")
	fmt.Println(enc)
	enc, ok := parse.NegotiateEncoding("identity;q=0, gzip;q=0", "br", "gzip")
	fmt.Println(enc == "", ok)
	// Output:
	// gzip
	// true false
}

func ExampleParseRange() {
	const size = 10000
	rs, err := parse.ParseRange("bytes=0-499, -500", size, parse.RangeLimits{})
	if err == parse.ErrRangeUnsatisfiable {
		fmt.Println("416", string(parse.AppendContentRangeUnsatisfied(nil, size)))
		return
	} else if err != nil {
		fmt.Println("ignore the header, serve 200:", err)
		return
	}
	for _, r := range rs.Slice() {
		fmt.Println(string(r.AppendContentRange(nil, size)))
	}
	// Output:
	// bytes 0-499/10000
	// bytes 9500-9999/10000
}

func ExampleParseCookie() {
	it := parse.ParseCookie(`session=abc123; theme="dark"; bad name=x`)
	for c, ok := it.Next(); ok; c, ok = it.Next() {
		fmt.Println(c.Name, c.Value, c.Quoted)
	}
	fmt.Println("skipped", it.Skipped())
	v, _ := parse.CookieValue("a=1; session=abc123", "session")
	fmt.Println(v)
	// Output:
	// session abc123 false
	// theme dark true
	// skipped 1
	// abc123
}

func ExampleParseBasicInto() {
	var buf [128]byte // decoding into a stack buffer allocates nothing
	user, pass, ok := parse.ParseBasicInto(buf[:0], "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
	fmt.Printf("%s %s %v\n", user, pass, ok)
	// Output: Aladdin open sesame true
}

func ExampleParseBearer() {
	token, ok := parse.ParseBearer("Bearer mF_9.B5f-4.1JqM")
	fmt.Println(token, ok)
	// Output: mF_9.B5f-4.1JqM true
}

func ExampleParseMediaType() {
	m, err := parse.ParseMediaType(`multipart/form-data; boundary="----abc"; charset=UTF-8`)
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Is("multipart/form-data"), m.Boundary(), m.Charset())
	// Output: true ----abc UTF-8
}

func ExampleClientFromXForwardedFor() {
	proxies := netip.MustParsePrefix("10.0.0.0/8")
	// The left part is whatever the client claimed; walk from the right,
	// skipping our own proxies.
	client, ok := parse.ClientFromXForwardedFor("1.2.3.4, 203.0.113.7, 10.0.0.2, 10.0.0.1", proxies.Contains)
	fmt.Println(client, ok)
	// Output: 203.0.113.7 true
}

func ExampleParseForwarded() {
	it := parse.ParseForwarded(`for=192.0.2.60;proto=https, for="[2001:db8:cafe::17]:4711"`)
	for e, ok := it.Next(); ok; e, ok = it.Next() {
		host, port := parse.SplitNode(e.For)
		fmt.Printf("host=%s port=%q proto=%q\n", host, port, e.Proto)
	}
	// Output:
	// host=192.0.2.60 port="" proto="https"
	// host=2001:db8:cafe::17 port="4711" proto=""
}
