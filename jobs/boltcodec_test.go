package jobs

import (
	"reflect"
	"testing"
	"time"
)

func TestRecordRoundTrip(t *testing.T) {
	j := Job{
		ID: 42, Kind: "mail", Payload: []byte(`{"a":1}`), Priority: -3, UniqueKey: "u",
		Timeout: time.Second, State: Scheduled, CreatedAt: t0, RunAt: t0.Add(time.Hour),
		Attempt: 2, LeaseToken: 9, LeaseUntil: t0.Add(time.Minute), LastError: "boom",
		Errors: []AttemptError{{Attempt: 1, At: t0, Error: "x"}, {Attempt: 2, At: t0.Add(time.Second), Error: "boom"}},
	}
	var got Job
	if err := decodeRecord(encodeRecord(nil, &j), &got, nil); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, j) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, j)
	}
	var zero Job
	if err := decodeRecord(encodeRecord(nil, &Job{}), &got, nil); err != nil || !reflect.DeepEqual(got, Job{Payload: []byte{}}) && !reflect.DeepEqual(got, zero) {
		t.Errorf("zero job: %+v %v", got, err)
	}
	for _, bad := range [][]byte{nil, {1}, {2, 1}, {1, 1, 0x80}} {
		if err := decodeRecord(bad, &got, nil); err == nil {
			t.Errorf("decodeRecord(%x): no error", bad)
		}
	}
}

// FuzzDecodeRecord: arbitrary bytes never panic, and whatever decodes
// re-encodes to the same bytes.
func FuzzDecodeRecord(f *testing.F) {
	j := Job{ID: 1, Kind: "k", Payload: []byte("p"), State: Dead, CreatedAt: t0, LastError: "e",
		Errors: []AttemptError{{Attempt: 1, At: t0, Error: "e"}}}
	f.Add(encodeRecord(nil, &j))
	f.Add(encodeRecord(nil, &Job{}))
	f.Fuzz(func(t *testing.T, b []byte) {
		var j Job
		if err := decodeRecord(b, &j, nil); err != nil {
			return
		}
		again := encodeRecord(nil, &j)
		var j2 Job
		if err := decodeRecord(again, &j2, nil); err != nil || !reflect.DeepEqual(j, j2) {
			t.Fatalf("re-decode differs: %v\n%+v\n%+v", err, j, j2)
		}
	})
}
