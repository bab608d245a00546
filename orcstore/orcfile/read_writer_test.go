package orcfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	orc "github.com/scritchley/orc"
)

// readTestRow is one row the module's writer gets, in its value forms.
type readTestRow []any

const readTestSchema = "struct<i:int,s:string,ts:timestamp,b:boolean,d:double,nested:struct<x:bigint,y:string>,l:array<int>,m:map<string,int>,u:string>"

// readWriteModuleFile writes rows with github.com/scritchley/orc's writer,
// an independent encoder, so that our decoding can be checked against the
// values it was given.
func readWriteModuleFile(t testing.TB, n int, opts ...orc.WriterConfigFunc) ([]byte, []readTestRow) {
	t.Helper()
	schema, err := orc.ParseSchema(readTestSchema)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := orc.NewWriter(&buf, append([]orc.WriterConfigFunc{orc.SetSchema(schema)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(42))
	base := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	words := []string{"alpha", "beta", "gamma", "delta", "épsilon", "with \"quote\"", ""}
	var rows []readTestRow
	for r := 0; r < n; r++ {
		row := readTestRow{
			int64(rng.Int31()) - 1<<30,
			words[rng.Intn(len(words))],
			base.Add(time.Duration(r)*time.Second + time.Duration(rng.Intn(1000))*time.Microsecond),
			rng.Intn(3) == 0,
			rng.NormFloat64(),
			[]any{int64(r) * 1000003, fmt.Sprintf("y%d", r%97)},
			[]any{int64(r), int64(-r), int64(r * r)},
			map[string]any{"k1": int64(r % 5), fmt.Sprintf("k%d", r%13): int64(r)},
			fmt.Sprintf("unique-%d-%d", r, rng.Int63()),
		}
		// Nulls in every column now and then (the module's writer cannot
		// write a null struct; its fields can be null).
		for c := range row {
			if c == 5 {
				if rng.Intn(11) == 0 {
					row[c].([]any)[1] = nil
				}
				continue
			}
			if rng.Intn(11) == 0 {
				row[c] = nil
			}
		}
		if row[6] != nil && r%7 == 0 {
			row[6] = []any{}
		}
		if err := w.Write(row...); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, row)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), rows
}

// readGoValue turns an Arrow value back into the writer's value forms.
func readGoValue(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch a := a.(type) {
	case *array.Int32:
		return int64(a.Value(i))
	case *array.Int64:
		return a.Value(i)
	case *array.String:
		return a.Value(i)
	case *array.Dictionary:
		return readGoValue(a.Dictionary(), a.GetValueIndex(i))
	case *array.Timestamp:
		return time.Unix(0, int64(a.Value(i))).UTC()
	case *array.Boolean:
		return a.Value(i)
	case *array.Float64:
		return a.Value(i)
	case *array.Struct:
		out := []any{}
		for f := 0; f < a.NumField(); f++ {
			out = append(out, readGoValue(a.Field(f), i))
		}
		return out
	case *array.Map:
		s, e := a.ValueOffsets(i)
		out := map[string]any{}
		for k := s; k < e; k++ {
			out[readGoValue(a.Keys(), int(k)).(string)] = readGoValue(a.Items(), int(k))
		}
		return out
	case *array.List:
		s, e := a.ValueOffsets(i)
		out := []any{}
		for k := s; k < e; k++ {
			out = append(out, readGoValue(a.ListValues(), int(k)))
		}
		return out
	}
	return fmt.Sprintf("unhandled %T", a)
}

// readNormalize maps the writer's quirks onto what a reader sees: it
// writes empty maps as null.
func readNormalize(row readTestRow) readTestRow {
	out := append(readTestRow(nil), row...)
	if m, ok := out[7].(map[string]any); ok && len(m) == 0 {
		out[7] = nil
	}
	return out
}

// readAll scans everything with opts and returns the rows as Go values.
func readAll(t testing.TB, data []byte, opts ScanOptions) ([]readTestRow, *Scanner) {
	t.Helper()
	f, err := Open(bytes.NewReader(data), int64(len(data)), "mod.orc")
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.Scan(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out []readTestRow
	for {
		rec, err := s.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			row := readTestRow{}
			for c := 0; c < int(rec.NumCols()); c++ {
				row = append(row, readGoValue(rec.Column(c), i))
			}
			out = append(out, row)
		}
		rec.Release()
	}
	return out, s
}

func TestReadModuleWriter(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []orc.WriterConfigFunc
	}{
		{"zlib", nil},
		{"none", []orc.WriterConfigFunc{orc.SetCompression(orc.CompressionNone{})}},
		{"zlib small stripes", []orc.WriterConfigFunc{orc.SetStripeTargetSize(64 << 10)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, rows := readWriteModuleFile(t, 25000, tc.opts...)
			for _, plain := range []bool{false, true} {
				got, _ := readAll(t, data, ScanOptions{BatchSize: 1000 + 7, PlainStrings: plain})
				if len(got) != len(rows) {
					t.Fatalf("got %d rows, wrote %d", len(got), len(rows))
				}
				for r := range rows {
					if want := readNormalize(rows[r]); !reflect.DeepEqual(got[r], want) {
						t.Fatalf("row %d:\n got %v\nwant %v", r, got[r], want)
					}
				}
			}
		})
	}
}

func TestReadProjection(t *testing.T) {
	data, rows := readWriteModuleFile(t, 3000)
	got, s := readAll(t, data, ScanOptions{Columns: []string{"NESTED.Y", "ts", "m"}})
	// File order, struct narrowed to the named field.
	wantSchema := "ts: timestamp[ns, tz=UTC], nested: struct<y: utf8>, m: map<utf8, int32, items_nullable>"
	if gs := readSchemaString(s.Schema()); gs != wantSchema {
		t.Fatalf("schema %s, want %s", gs, wantSchema)
	}
	for r, row := range rows {
		row = readNormalize(row)
		var nested any
		if row[5] != nil {
			nested = []any{row[5].([]any)[1]}
		}
		want := readTestRow{row[2], nested, row[7]}
		if !reflect.DeepEqual(got[r], want) {
			t.Fatalf("row %d: got %v want %v", r, got[r], want)
		}
	}
	f, _ := Open(bytes.NewReader(data), int64(len(data)), "mod.orc")
	if _, err := f.Scan(ScanOptions{Columns: []string{"ts", "nope", "nested.zz"}}); err == nil ||
		!bytes.Contains([]byte(err.Error()), []byte(`"nope", "nested.zz"`)) {
		t.Fatalf("unknown columns: %v", err)
	}
}

func readSchemaString(s *arrow.Schema) string {
	var parts []string
	for _, f := range s.Fields() {
		parts = append(parts, f.Name+": "+f.Type.String())
	}
	sort.SliceStable(parts, func(a, b int) bool { return false })
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += ", "
		}
		out += p
	}
	return out
}
