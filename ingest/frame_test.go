package ingest

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/klauspost/compress/gzip"
)

// frameResult is what a Framer produced from one input, in order.
type frameResult struct {
	events  []RawEvent // Data copied
	rejects []*Reject
	order   []string // "e" or "r", interleaving of events and rejects
	err     error    // the terminal error (io.EOF for a good input)
}

func frameAll(t testing.TB, r io.Reader, maxSize int) frameResult {
	t.Helper()
	fr := NewFramer(r, "in.json")
	fr.MaxEventSize = maxSize
	defer fr.Close()
	var res frameResult
	for i := 0; ; i++ {
		if i > 1e6 {
			t.Fatal("framer does not terminate")
		}
		ev, err := fr.Next()
		var rej *Reject
		switch {
		case errors.As(err, &rej):
			res.rejects = append(res.rejects, rej)
			res.order = append(res.order, "r")
		case err != nil:
			res.err = err
			return res
		default:
			ev.Data = bytes.Clone(ev.Data)
			res.events = append(res.events, ev)
			res.order = append(res.order, "e")
		}
	}
}

func gz(t testing.TB, parts ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	for _, p := range parts { // one gzip member per part
		w := gzip.NewWriter(&buf)
		if _, err := w.Write([]byte(p)); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// Events used by the shape tests. e2's strings hold braces, brackets,
// escaped quotes and backslashes to exercise the string scanner.
const (
	e1 = `{"eventVersion":"1.08","eventTime":"2023-07-10T11:45:03Z","eventName":"A"}`
	e2 = `{"eventTime":"2023-07-10T11:45:04Z","s":"}{][\"\\","n":[1,{"x":null}],"t":true}`
	e3 = `{"eventTime":"2023-07-10T11:45:05Z","eventName":"C","empty":{},"arr":[]}`
)

func TestFramerShapes(t *testing.T) {
	want := []string{e1, e2, e3}
	cases := []struct {
		name string
		in   string
		want []string
	}{
		{"records", `{"Records":[` + e1 + `,` + e2 + `,` + e3 + `]}`, want},
		{"records not first, other keys", `{"x":{"Records":[1]},"y":[{"a":1}],"Records":[` + e1 + ",\n" + e2 + `, ` + e3 + `],"z":"]}"}`, want},
		{"records pretty", "{\n  \"Records\": [\n    " + e1 + ",\n    " + e2 + ",\n    " + e3 + "\n  ]\n}\n", want},
		{"two records objects", `{"Records":[` + e1 + `]}` + "\n" + `{"Records":[` + e2 + `,` + e3 + `]}`, want},
		{"empty records", `{"Records":[]}`, nil},
		{"ndjson", e1 + "\n" + e2 + "\n" + e3 + "\n", want},
		{"ndjson crlf blank lines", "\r\n" + e1 + "\r\n\r\n\n" + e2 + "\r\n  \t" + e3, want},
		{"concatenated objects", e1 + e2 + e3, want},
		{"array", `[` + e1 + `,` + e2 + `,` + e3 + `]`, want},
		{"array pretty", "[\n   " + e1 + ",\n   " + e2 + ",\n   " + e3 + "\n]\n", want},
		{"empty array", `[]`, nil},
		{"single event", "  " + e2 + "\n", []string{e2}},
		{"whitespace only", " \n\t ", nil},
		{"byte order mark", "\xEF\xBB\xBF" + `{"Records":[` + e1 + `,` + e2 + `,` + e3 + `]}`, want},
		{"empty", "", nil},
		{"event with Records key not an array", `{"Records":"x","eventTime":"2023-07-10T11:45:03Z"}`, []string{`{"Records":"x","eventTime":"2023-07-10T11:45:03Z"}`}},
	}
	for _, c := range cases {
		inputs := map[string][]byte{"plain": []byte(c.in), "gzip": gz(t, c.in)}
		if len(c.in) > 10 {
			// Two gzip members split mid-input must read as one stream.
			inputs["gzip multi-member"] = gz(t, c.in[:len(c.in)/2], c.in[len(c.in)/2:])
		}
		for enc, data := range inputs {
			for _, oneByte := range []bool{false, true} {
				var r io.Reader = bytes.NewReader(data)
				if oneByte {
					r = iotest.OneByteReader(r)
				}
				res := frameAll(t, r, 0)
				if res.err != io.EOF || len(res.rejects) > 0 {
					t.Errorf("%s/%s/onebyte=%v: err %v, rejects %v", c.name, enc, oneByte, res.err, res.rejects)
					continue
				}
				var got []string
				for _, ev := range res.events {
					got = append(got, string(ev.Data))
					// Location: the bytes at Offset are the event, and Line
					// counts the newlines before it.
					if !strings.HasPrefix(c.in[ev.Offset:], string(ev.Data)) {
						t.Errorf("%s/%s: offset %d does not point at the event", c.name, enc, ev.Offset)
					}
					if wl := strings.Count(c.in[:ev.Offset], "\n") + 1; ev.Line != wl {
						t.Errorf("%s/%s: line %d, want %d", c.name, enc, ev.Line, wl)
					}
				}
				if strings.Join(got, "|") != strings.Join(c.want, "|") {
					t.Errorf("%s/%s/onebyte=%v:\n got %q\nwant %q", c.name, enc, oneByte, got, c.want)
				}
			}
		}
	}
}

func TestFramerDamage(t *testing.T) {
	cases := []struct {
		name      string
		in        string
		order     string // e = event, r = reject
		events    []string
		rejectAt  []int64 // offsets of the rejects
		fatal     bool    // terminal error is an *InputError, not io.EOF
		maxSize   int
		rejReason string // substring of the first reject's reason
	}{
		{name: "missing brace mid-array",
			in:     `{"Records":[` + e1 + `,{"a":1,"b":{"x":1},` + e3 + `,` + e2 + `]}`,
			order:  "eree", // e1, reject, e3, e2
			events: []string{e1, e3, e2}, rejectAt: []int64{12 + int64(len(e1)) + 1}, rejReason: "unexpected '{'"},
		{name: "garbage inside an event",
			in:    `{"Records":[` + e1 + `,{"a":1 oops 2},` + e3 + `]}`,
			order: "ere", events: []string{e1, e3}, rejReason: "invalid JSON"},
		{name: "missing comma between events",
			in:    `[` + e1 + e2 + `,` + e3 + `]`,
			order: "eree", events: []string{e1, e2, e3}},
		{name: "broken event in a pretty array",
			in:    "[\n  " + e1 + ",\n  {\n    \"a\": 1,\n    \"b\": ]\n  },\n  " + e2 + "\n]\n",
			order: "ere", events: []string{e1, e2}},
		{name: "non-object elements",
			in:    `{"Records":[` + e1 + `,42,"str",[1,2],null,` + e2 + `]}`,
			order: "errrre", events: []string{e1, e2}, rejReason: "not a JSON object"},
		{name: "broken ndjson line",
			in:    e1 + "\n" + `{"a":1,` + "\n" + e2 + "\n" + `{"b":]` + "\n" + e3 + "\n",
			order: "erere", events: []string{e1, e2, e3}},
		{name: "top-level scalar",
			in:    e1 + "\n123\n" + e2,
			order: "ere", events: []string{e1, e2}},
		{name: "truncated records file",
			in:    `{"Records":[` + e1 + `,` + e2 + `,{"eventTime":"2023-`,
			order: "eer", events: []string{e1, e2}, fatal: true, rejReason: "input ends inside the event"},
		{name: "truncated after an event",
			in:    `{"Records":[` + e1 + `,`,
			order: "e", events: []string{e1}, fatal: true},
		{name: "stray closer at top",
			in:    e1 + "]\n" + e2,
			order: "ere", events: []string{e1, e2}},
		{name: "oversized event is skipped",
			in:    `[` + e1 + `,{"big":"` + strings.Repeat("x", 5000) + `"},` + e2 + `]`,
			order: "ere", events: []string{e1, e2}, maxSize: 1000, rejReason: "MaxEventSize"},
		{name: "oversized ndjson line",
			in:    e1 + "\n" + `{"big":"` + strings.Repeat("x", 5000) + "\"}\n" + e2,
			order: "ere", events: []string{e1, e2}, maxSize: 1000},
	}
	for _, c := range cases {
		for _, oneByte := range []bool{false, true} {
			var r io.Reader = strings.NewReader(c.in)
			if oneByte {
				r = iotest.OneByteReader(r)
			}
			res := frameAll(t, r, c.maxSize)
			var got []string
			for _, ev := range res.events {
				got = append(got, string(ev.Data))
			}
			if strings.Join(got, "|") != strings.Join(c.events, "|") || strings.Join(res.order, "") != c.order {
				t.Errorf("%s/onebyte=%v: order %v, events\n got %q\nwant %q; rejects %v", c.name, oneByte, res.order, got, c.events, res.rejects)
			}
			var ie *InputError
			if c.fatal != errors.As(res.err, &ie) {
				t.Errorf("%s: terminal error %v, want fatal=%v", c.name, res.err, c.fatal)
			}
			if !c.fatal && res.err != io.EOF {
				t.Errorf("%s: terminal error %v, want io.EOF", c.name, res.err)
			}
			for i, at := range c.rejectAt {
				if i < len(res.rejects) && res.rejects[i].Offset != at {
					t.Errorf("%s: reject %d at offset %d, want %d", c.name, i, res.rejects[i].Offset, at)
				}
			}
			for _, rej := range res.rejects {
				if rej.File != "in.json" || rej.Line < 1 || rej.Offset < 0 || rej.Offset > int64(len(c.in)) {
					t.Errorf("%s: bad reject location %+v", c.name, rej)
				}
				if wl := strings.Count(c.in[:rej.Offset], "\n") + 1; rej.Line != wl {
					t.Errorf("%s: reject at line %d, want %d", c.name, rej.Line, wl)
				}
				if !strings.HasPrefix(c.in[rej.Offset:], string(rej.Raw)) {
					t.Errorf("%s: reject raw %q is not the input at its offset", c.name, rej.Raw)
				}
			}
			if c.rejReason != "" && (len(res.rejects) == 0 || !strings.Contains(res.rejects[0].Reason, c.rejReason)) {
				t.Errorf("%s: first reject %v, want reason containing %q", c.name, res.rejects, c.rejReason)
			}
		}
	}
}

func TestFramerTruncatedGzip(t *testing.T) {
	var sb strings.Builder
	sb.WriteString(`{"Records":[`)
	for i := 0; i < 2000; i++ {
		if i > 0 {
			sb.WriteString(",")
		}
		sb.WriteString(e2)
	}
	sb.WriteString(`]}`)
	full := gz(t, sb.String())
	res := frameAll(t, bytes.NewReader(full[:len(full)/2]), 0)
	var ie *InputError
	if !errors.As(res.err, &ie) || !strings.Contains(ie.Error(), "in.json") || !strings.Contains(ie.Error(), "truncated gzip") {
		t.Fatalf("terminal error %v, want a truncated-gzip InputError naming the file", res.err)
	}
	if len(res.events) == 0 || len(res.events) >= 2000 {
		t.Fatalf("delivered %d events before the damage, want some but not all", len(res.events))
	}
	for _, ev := range res.events {
		if string(ev.Data) != e2 {
			t.Fatalf("damaged event delivered: %q", ev.Data)
		}
	}
	if ie.Offset < int64(len(res.events)*len(e2)) {
		t.Errorf("error offset %d is before the delivered events' end", ie.Offset)
	}
}

func TestFramerLargeEvent(t *testing.T) {
	big := `{"eventTime":"2023-07-10T11:45:03Z","blob":"` + strings.Repeat("ab\\\"", 1<<18) + `"}` // 1 MB
	in := `{"Records":[` + e1 + `,` + big + `,` + e3 + `]}`
	res := frameAll(t, gzReader(t, in), 0)
	if res.err != io.EOF || len(res.events) != 3 || string(res.events[1].Data) != big {
		t.Fatalf("1 MB event: err %v, %d events, rejects %v", res.err, len(res.events), res.rejects)
	}
}

func gzReader(t testing.TB, s string) io.Reader { return bytes.NewReader(gz(t, s)) }
