// Package bind fills Go structs from HTTP requests: path parameters, query,
// headers, cookies, urlencoded and multipart forms (fields and files) and
// JSON bodies, with validation and errors that name every failing field by
// its wire name.
//
//	type ListUsers struct {
//		OrgID   int64     `path:"org"`
//		Page    int       `query:"page" default:"1" validate:"min=1"`
//		Tags    []string  `query:"tag"`
//		Since   time.Time `query:"since" layout:"2006-01-02"`
//		TraceID string    `header:"X-Trace-Id"`
//		Session string    `cookie:"sid" validate:"required"`
//		Email   string    `json:"email" validate:"required,email"`
//	}
//
//	in, err := bind.Into[ListUsers](bind.Request{R: r}) // a *http.Request
//
// bind works on any request that implements the small [Source] interface:
// [Request] and [RequestParams] adapt a *http.Request, fastbind.Source (in
// bind/fastbind, so that bind imports no HTTP engine) a
// *fasthttp.RequestCtx, [QueryString] a raw query string, and Tako's Ctx
// implements it on its own request.
//
// # Implementing Source
//
// A Source answers four questions, none of which needs to allocate:
//
//   - Value(loc, name, i): the i-th value of a key in the path parameters,
//     query, headers or cookies, as a string that may alias the request's
//     buffers. Return ok=false past the last value; bind never asks for
//     InForm or InBody here (it parses forms and JSON from Body itself).
//     Header names arrive canonical ("X-Trace-Id"); percent-decoding of
//     the query is the Source's job ([QueryValue] does it in place).
//   - Visit(loc, fn): every key and value at loc, for `query:"*"` maps.
//   - Body(): the whole body, already bounded by the server's limit.
//   - ContentType(): the Content-Type header.
//
// Implement it on a pointer type (or a struct holding one pointer) so that
// converting it to a Source does not allocate. A server that parses
// multipart bodies itself (with temporary files and limits) also
// implements [MultipartSource]; bind then takes form values and files from
// that form.
//
// # Plans
//
// The first Bind of a struct type compiles a plan: a flat list of fields
// (embedded and untagged nested structs flattened) with their offsets,
// sources, wire names, converters, defaults and validation rules. Plans are
// cached per type, safe for concurrent use; after the first call, binding
// does no reflection walk, and tag mistakes (an unsupported field type, a
// bad default, a bad pattern) are reported by the first Bind rather than
// per request.
//
// # Tags
//
//   - `path:"name"`, `query:"name"`, `header:"Name"`, `cookie:"name"`,
//     `form:"name"` choose the source and the wire name (the Go field name
//     when the name is empty; "-" skips the field). `query:"*"` (and the
//     same for header, cookie, form) on a map[string]T or map[string][]T
//     field collects every key.
//   - `json:"name"` fields come from the JSON body, decoded by
//     parse.JSON.Unmarshal (sonic where native, exactly encoding/json's
//     result). Untagged fields are left to encoding/json's own rules.
//   - `default:"..."` is used when the value is absent (or empty, for a
//     non-string type).
//   - `layout:"2006-01-02"` is a time.Time field's layout (RFC 3339 by
//     default).
//   - `validate:"required,min=3,max=50,email"`: see Validation.
//   - `pattern:"^[a-z]+$"`: the value must match the regular expression.
//
// Field types: string, []byte, bool, every int, uint and float,
// time.Time, time.Duration, encoding.TextUnmarshaler implementations,
// pointers to those (nil when absent: optional values), slices of those
// (repeated keys, ?id=1&id=2, and comma lists, ?id=1,2; comma lists are
// split for every element type but string, where the tag option ",split"
// asks for it), maps as above, *multipart.FileHeader and
// []*multipart.FileHeader for `form` files.
//
// # Validation
//
// The built-in rules use go-playground/validator's names and meaning:
// required (not the zero value), omitempty (skip the other rules when
// zero), min, max, len, gt, gte, lt, lte (a number's value; a string's
// length in runes; a slice's or map's length), oneof (space-separated
// values), email, url; plus the `pattern` tag. bind/playground's
// FuzzRulesAgree checks that both accept and reject the same values; the
// one known difference is email, which bind checks without validator's
// regular expression: they agree on ASCII addresses, but a quoted local
// part ("john doe"@example.com) passes only validator, and non-ASCII
// addresses are not compared. They run on the bound value,
// through a pointer when the field is one (a nil pointer passes every rule
// but required). A rule bind does not know is an error unless
// [Options.Validator] is set, which replaces the built-in rules with any
// whole-struct validator, such as go-playground/validator (see the
// example).
//
// # Errors
//
// Client mistakes come back as one *[Errors] listing every failing field:
// its wire name ("user_id", not UserID), its [Location], the rule (a
// validation rule, or RuleType for a value that does not convert, RuleSyntax
// for a malformed body) and a message. [Errors.Malformed] tells a server to
// answer 400 (malformed input) rather than 422 (a validation rule failed).
//
// # Strings and zero-copy
//
// A Source's strings may alias its request buffers, which a server reuses
// after the handler returns. By default bind copies every string it stores,
// JSON-decoded ones included; short copies share pooled 512-byte chunks, so
// safe mode usually allocates nothing for them either (a long-lived string
// keeps its chunk alive). With [Options.ZeroCopy] bound strings alias the
// request and are valid only until the handler returns. A [StableSource]
// (net/http, a query string) is never copied from. Either way, binding
// allocates only what the target itself needs: slice backing arrays, maps,
// pointed-to values, multipart forms.
//
// # Limits
//
// Slice fields hold at most [Options.MaxValues] elements (256); multipart
// bodies bind parses are bounded by [Options.MaxMultipartSize] and
// [Options.MaxPartSize]; the Source bounds its body ([Request]: 4 MiB).
// Struct nesting is limited to 16 levels.
package bind
