package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/array"
)

// Fuzz targets: go test -run XXX -fuzz FuzzFramer ./ingest (or FuzzDecode).
// Without -fuzz they run their seeds as ordinary tests.

var fuzzSeeds = []string{
	`{"Records":[` + e1 + `,` + e2 + `]}`,
	e1 + "\n" + e2 + "\n",
	"[\n " + e3 + ",\n " + e1 + "\n]",
	`{"x":1,"Records":[{"a":"\"}"},1,"s",[],{]}`,
	`{"Records":[{"a":1,{"b":2}]}`,
	"{\"a\":\"\\",
	"]]]}}}{{{[[[",
	"\x1f\x8b\x08\x00",
	`{"eventTime":"2023-07-10 11:45:03","requestParameters":{"a":[1,{"b":null}],"A":"x"},"userIdentity":{"TYPE":1,"type":"t"},"resources":[1,{"arn":2}]}`,
}

func FuzzFramer(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, small bool) {
		if small {
			checkFastPathSame(t, "fuzz", data, 16)
		} else {
			checkFastPathSame(t, "fuzz", data, 0)
		}
		fr := NewFramer(bytes.NewReader(data), "fuzz")
		if small {
			fr.MaxEventSize = 16
		}
		gzipped := len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b
		// Every Next consumes at least one byte or ends the input.
		for i := 0; ; i++ {
			if i > 2*len(data)+4 {
				t.Fatal("too many results: the framer does not make progress")
			}
			ev, err := fr.Next()
			var rej *Reject
			switch {
			case errors.As(err, &rej):
				if rej.Offset < 0 || rej.Line < 1 || !gzipped && (rej.Offset > int64(len(data)) || !bytes.HasPrefix(data[rej.Offset:], rej.Raw)) {
					t.Fatalf("reject %+v is not located in the input", rej)
				}
				continue
			case err != nil:
				var ie *InputError
				if err != io.EOF && !errors.As(err, &ie) {
					t.Fatalf("terminal error of unexpected type: %v", err)
				}
				if _, again := fr.Next(); again != err {
					t.Fatalf("Next after the end returned %v, then %v", err, again)
				}
				return
			}
			if len(ev.Data) < 2 || ev.Data[0] != '{' || ev.Data[len(ev.Data)-1] != '}' || ev.Line < 1 || ev.Offset < 0 {
				t.Fatalf("bad event %+v", ev)
			}
			if small && len(ev.Data) > 16 {
				t.Fatalf("event of %d bytes over MaxEventSize", len(ev.Data))
			}
			if !gzipped && (ev.Offset+int64(len(ev.Data)) > int64(len(data)) || !bytes.Equal(data[ev.Offset:ev.Offset+int64(len(ev.Data))], ev.Data)) {
				t.Fatalf("event at offset %d is not the input's bytes there", ev.Offset)
			}
		}
	})
}

func FuzzDecode(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Add([]byte(e2))
	d := NewDecoder(Options{TimeField: "@timestamp"})
	b := NewBuilder()
	f.Fuzz(func(t *testing.T, raw []byte) {
		ev, err := d.Parse(raw)
		if err != nil {
			return
		}
		b.Append(ev)
		rec := b.NewRecord()
		defer rec.Release()
		js := rec.Column(rec.Schema().FieldIndices("eventJson")[0]).(*array.String).Value(0)
		if !json.Valid([]byte(js)) {
			t.Fatalf("eventJson is not valid JSON: %s", js)
		}
		if !reflect.DeepEqual(unmarshalNumber(t, []byte(js)), unmarshalNumber(t, raw)) {
			t.Fatalf("eventJson %s differs from the source %s", js, raw)
		}
		for c := 0; c < int(rec.NumCols()); c++ {
			if rec.Column(c).Len() != 1 {
				t.Fatalf("column %s has %d rows", rec.ColumnName(c), rec.Column(c).Len())
			}
		}
	})
}
