package bind_test

import (
	"reflect"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/tako-go/tako/bind"
)

// bufSource serves every value, key and the body out of one mutable
// buffer, like a server that reuses its request buffers.
type bufSource struct {
	buf   []byte
	pairs [][2][2]int // query: key and value as buf[from:to]
	body  [2]int
}

func (s *bufSource) str(r [2]int) string {
	return unsafe.String(&s.buf[r[0]], r[1]-r[0])
}

func (s *bufSource) Value(loc bind.Location, name string, i int) (string, bool) {
	if loc != bind.InQuery {
		return "", false
	}
	for _, kv := range s.pairs {
		if s.str(kv[0]) == name {
			if i == 0 {
				return s.str(kv[1]), true
			}
			i--
		}
	}
	return "", false
}

func (s *bufSource) Visit(loc bind.Location, fn func(k, v string) bool) {
	if loc == bind.InQuery {
		for _, kv := range s.pairs {
			if !fn(s.str(kv[0]), s.str(kv[1])) {
				return
			}
		}
	}
}

func (s *bufSource) Body() ([]byte, error) { return s.buf[s.body[0]:s.body[1]], nil }
func (s *bufSource) ContentType() string   { return "application/json" }

func newBufSource(query [][2]string, body string) *bufSource {
	s := &bufSource{}
	add := func(v string) [2]int {
		from := len(s.buf)
		s.buf = append(s.buf, v...)
		return [2]int{from, len(s.buf)}
	}
	for _, kv := range query {
		s.pairs = append(s.pairs, [2][2]int{add(kv[0]), add(kv[1])})
	}
	s.body = add(body)
	return s
}

type CopyIn struct {
	S     string            `query:"s"`
	Long  string            `query:"long"`
	B     []byte            `query:"b"`
	L     []string          `query:"l,split"`
	M     map[string]string `query:"*"`
	P     *string           `query:"p"`
	Name  string            `json:"name"`
	Inner struct {
		City string `json:"city"`
	} `json:"inner"`
}

type CopyInSlice struct {
	CopyIn
	Tags []string `json:"tags"` // a JSON slice: the decoder copies
}

// TestSafeModeCopies overwrites the source's buffer after Bind: in safe
// mode nothing bound may change; in zero-copy mode the strings alias it.
func TestSafeModeCopies(t *testing.T) {
	long := strings.Repeat("x", 300)
	query := [][2]string{{"s", "short"}, {"long", long}, {"b", "bytes"}, {"l", "a,b"}, {"p", "ptr"}}
	body := `{"name":"Ada","inner":{"city":"Paris"},"tags":["t1","t2"]}`
	for _, target := range []func() any{func() any { return new(CopyIn) }, func() any { return new(CopyInSlice) }} {
		src := newBufSource(query, body)
		v := target()
		if err := bind.Bind(src, v); err != nil {
			t.Fatal(err)
		}
		want := reflect.ValueOf(v).Elem().Interface()
		snapshot := deepCopy(t, v)
		for i := range src.buf {
			src.buf[i] = '#'
		}
		if !reflect.DeepEqual(reflect.ValueOf(v).Elem().Interface(), snapshot) {
			t.Errorf("safe mode: bound values changed with the buffer:\n%+v", want)
		}
		// The []byte field must not share capacity with other copies.
		in := reflect.ValueOf(v).Elem().FieldByName("B").Bytes()
		_ = append(in, "!!!!"...)
		if !reflect.DeepEqual(reflect.ValueOf(v).Elem().Interface(), snapshot) {
			t.Errorf("appending to a []byte field changed other fields")
		}
	}
	// Zero-copy really aliases.
	src := newBufSource(query, body)
	var z CopyIn
	o := bind.Options{ZeroCopy: true}
	if err := o.Bind(src, &z); err != nil {
		t.Fatal(err)
	}
	for i := range src.buf {
		src.buf[i] = '#'
	}
	if z.S != "#####" || z.Name != "###" {
		t.Errorf("zero-copy: %q %q, want aliases of the buffer", z.S, z.Name)
	}
}

// deepCopy returns a copy of *v that shares no memory with it.
func deepCopy(t *testing.T, v any) any {
	t.Helper()
	rv := reflect.ValueOf(v).Elem()
	c := reflect.New(rv.Type()).Elem()
	copyValue(c, rv)
	return c.Interface()
}

func copyValue(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.String:
		dst.SetString(strings.Clone(src.String()))
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		dst.Set(reflect.MakeSlice(src.Type(), src.Len(), src.Len()))
		for i := 0; i < src.Len(); i++ {
			copyValue(dst.Index(i), src.Index(i))
		}
	case reflect.Map:
		if src.IsNil() {
			return
		}
		dst.Set(reflect.MakeMap(src.Type()))
		for _, k := range src.MapKeys() {
			kc := reflect.New(k.Type()).Elem()
			copyValue(kc, k)
			vc := reflect.New(src.Type().Elem()).Elem()
			copyValue(vc, src.MapIndex(k))
			dst.SetMapIndex(kc, vc)
		}
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		dst.Set(reflect.New(src.Type().Elem()))
		copyValue(dst.Elem(), src.Elem())
	case reflect.Struct:
		for i := 0; i < src.NumField(); i++ {
			if dst.Field(i).CanSet() {
				copyValue(dst.Field(i), src.Field(i))
			}
		}
	default:
		dst.Set(src)
	}
}

// TestSafeModeConcurrent shares the pooled copier chunks between
// goroutines; run with -race.
func TestSafeModeConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 300; i++ {
				src := newBufSource([][2]string{{"s", "value"}, {"l", "a,b,c"}}, `{"name":"Ada"}`)
				var v CopyIn
				if err := bind.Bind(src, &v); err != nil {
					t.Error(err)
					return
				}
				for j := range src.buf {
					src.buf[j] = '#'
				}
				if v.S != "value" || v.Name != "Ada" || len(v.L) != 3 || v.L[2] != "c" || v.M["s"] != "value" {
					t.Errorf("%+v", v)
					return
				}
			}
		}()
	}
	wg.Wait()
}
