package ingest

import (
	"strings"
	"testing"
	"testing/iotest"
)

// A line of text where an event belongs is one reject, not one per word
// ("not json at all" used to become four rejected "events").
func TestFramerTextLineIsOneReject(t *testing.T) {
	cases := []struct {
		name, in, order string
		raws            []string // the rejects' raw text
		reason          string
	}{
		{"text between events", e1 + "\nnot json at all\n" + e2 + "\n", "ere", []string{"not json at all"}, "not JSON"},
		{"text at the end without newline", e1 + "\nnot json at all", "er", []string{"not json at all"}, "not JSON"},
		{"two lines of text", "hello world\r\nsecond line here\n" + e3, "rre", []string{"hello world\r", "second line here"}, "not JSON"},
		{"a bare number is still a value", e1 + "\n123\n" + e2, "ere", []string{"123"}, "not a JSON object"},
		{"text then an event on the same line", "junk " + e1 + "\n" + e2, "re", []string{"junk " + e1}, "not JSON"},
	}
	for _, c := range cases {
		for _, oneByte := range []bool{false, true} {
			r := iotest.OneByteReader(strings.NewReader(c.in))
			if !oneByte {
				r = strings.NewReader(c.in)
			}
			res := frameAll(t, r, 0)
			if got := strings.Join(res.order, ""); got != c.order {
				t.Errorf("%s/onebyte=%v: order %s, want %s; rejects %v", c.name, oneByte, got, c.order, res.rejects)
				continue
			}
			for i, rej := range res.rejects {
				if string(rej.Raw) != c.raws[i] || !strings.Contains(rej.Reason, c.reason) {
					t.Errorf("%s: reject %d raw %q reason %q, want %q, %q", c.name, i, rej.Raw, rej.Reason, c.raws[i], c.reason)
				}
				if wl := strings.Count(c.in[:rej.Offset], "\n") + 1; rej.Line != wl {
					t.Errorf("%s: reject at line %d, want %d", c.name, rej.Line, wl)
				}
			}
		}
	}
}

// Through the whole pipeline: the garbage line is exactly one reject, the
// events around it are stored.
func TestIngestTextLineIsOneReject(t *testing.T) {
	s := newTestStore(t)
	in := testEventJSON(1, 1) + "\nnot json at all\n" + testEventJSON(2, 2) + "\n"
	sum, err := ingestDir(t, s, writeInputs(t, map[string][]byte{"x.ndjson": []byte(in)}), Config{})
	if err != nil {
		t.Fatal(err)
	}
	rejects := readRejects(t, s)
	if sum.Rejected != 1 || sum.Ingested != 2 || len(rejects) != 1 {
		t.Fatalf("rejected %d, ingested %d, reject file %v", sum.Rejected, sum.Ingested, rejects)
	}
	if r := rejects[0]; r.Raw != "not json at all" || r.Line != 2 || !strings.Contains(r.Reason, "not JSON") {
		t.Fatalf("reject %+v", r)
	}
}
