package ingest

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

// framedTrace renders everything a Framer produced, for comparing the fast
// (validating) path with the structural one.
func framedTrace(t testing.TB, data []byte, maxSize int, oneByte bool) string {
	t.Helper()
	var r io.Reader = bytes.NewReader(data)
	if oneByte {
		r = iotest.OneByteReader(r)
	}
	res := frameAll(t, r, maxSize)
	var b strings.Builder
	for _, ev := range res.events {
		fmt.Fprintf(&b, "event line %d offset %d: %q\n", ev.Line, ev.Offset, ev.Data)
		if ev.checked {
			hasWS, err := checkJSON(ev.Data)
			if err != nil || hasWS != ev.hasWS {
				t.Errorf("event at offset %d marked checked (hasWS %v), checkJSON says %v, %v", ev.Offset, ev.hasWS, hasWS, err)
			}
		}
	}
	for _, rej := range res.rejects {
		fmt.Fprintf(&b, "reject %s:%d offset %d %q: %q\n", rej.File, rej.Line, rej.Offset, rej.Reason, rej.Raw)
	}
	fmt.Fprintf(&b, "order %s, end %v\n", strings.Join(res.order, ""), res.err)
	return b.String()
}

// checkFastPathSame frames data with and without the fast path and fails
// if the events, rejects, locations or the end differ in any way.
func checkFastPathSame(t testing.TB, name string, data []byte, maxSize int) {
	t.Helper()
	defer func(old bool) { framerFastPath = old }(framerFastPath)
	for _, oneByte := range []bool{false, true} {
		framerFastPath = false
		slow := framedTrace(t, data, maxSize, oneByte)
		framerFastPath = true
		fast := framedTrace(t, data, maxSize, oneByte)
		if slow != fast {
			t.Fatalf("%s (onebyte=%v): fast path differs\nstructural:\n%s\nfast:\n%s", name, oneByte, slow, fast)
		}
	}
}

func TestFramerFastPathSame(t *testing.T) {
	ins := append([]string(nil), fuzzSeeds...)
	ins = append(ins,
		`{"Records":[`+e1+`,`+e2+`,`+e3+`]}`,
		"{\n  \"Records\": [\n    "+e1+",\n    "+e2+"\n  ]\n}\n",
		`{"x":{"Records":[1]},"Records":[`+e1+`]}`,
		`{"Records" : [`+e1+`]}`,
		`{"Records":"x","eventTime":"2023-07-10T11:45:03Z"}`+"\n"+e1,
		`{"Recordz":[`+e1+`]}`+"\n"+`{"Record\u0073":[1]}`,
		e1+"\n"+`{"a":NaN}`+"\n"+e2,
		e1+"\n"+"{\"a\":\"\xff\"}\n"+e2,
		e1+"\n"+"{\"a\":\"tab\there\"}\n"+e2,
		e1+"\n"+`{"a":"\x"}`+"\n"+e2,
		e1+`{"a":1}{"b":[1,2]}`+"\n[1]\n"+e3,
		`[`+e1+e2+`,`+e3+`]`,
		"[\n  "+e1+",\n  {\n    \"a\": 1,\n    \"b\": ]\n  },\n  "+e2+"\n]\n",
		`{"Records":[`+e1+`,42,"str",[1,2],null,`+e2+`]}`,
		strings.Repeat("[", 400)+e1,
		`{"a":`+strings.Repeat("[", 350)+strings.Repeat("]", 350)+"}\n"+e1,
		`{"Records":[`+e1+`,{"big":"`+strings.Repeat("x", 300)+`"},`+e2+`]}`,
	)
	files, _ := filepath.Glob("testdata/*.json*")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ins = append(ins, string(b))
	}
	for i, in := range ins {
		for _, maxSize := range []int{0, 100} {
			checkFastPathSame(t, fmt.Sprintf("input %d, max %d", i, maxSize), []byte(in), maxSize)
		}
	}
	if len(ins) < 25 {
		t.Fatalf("only %d inputs", len(ins))
	}
}
