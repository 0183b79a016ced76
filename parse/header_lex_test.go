package parse

import "testing"

func TestHasToken(t *testing.T) {
	for _, tc := range []struct {
		list, tok string
		want      bool
	}{
		{"Accept-Encoding", "Accept-Encoding", true},
		{"Origin, accept-encoding", "Accept-Encoding", true},
		{"Origin,\tACCEPT-ENCODING\t, Cookie", "Accept-Encoding", true},
		{"Origin, Accept-Encodings", "Accept-Encoding", false},
		{"Accept", "Accept-Encoding", false},
		{"", "Accept-Encoding", false},
		{",,", "*", false},
		{"Origin, *", "*", true},
		{"keep-alive, Upgrade", "upgrade", true},
		{"websoc\u212Aet", "websocket", false}, // ASCII folding only: no Kelvin sign
	} {
		if got := HasToken(tc.list, tc.tok); got != tc.want {
			t.Errorf("HasToken(%q, %q) = %v, want %v", tc.list, tc.tok, got, tc.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { HasToken("Origin, Accept-Encoding", "accept-encoding") }); n != 0 {
		t.Errorf("HasToken allocates %v times", n)
	}
}
