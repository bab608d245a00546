package ingest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// TestStrColRecycle: a large string column's buffer goes to the record
// uncopied, comes back through recycleStrings, and the next batch built in
// it holds exactly its own values.
func TestStrColRecycle(t *testing.T) {
	for i := range strBufPools { // start from empty pools
		for len(strBufPools[i]) > 0 {
			<-strBufPools[i]
		}
	}
	c := newStrCol()
	batch := func(tag string, n int) []string {
		var want []string
		for i := 0; i < n; i++ {
			if i%7 == 3 {
				c.appendNull()
				want = append(want, "<null>")
				continue
			}
			v := fmt.Sprintf("%s-%d-%s", tag, i, strings.Repeat("x", i%300))
			c.appendString(v)
			want = append(want, v)
		}
		return want
	}
	check := func(a *array.String, want []string) {
		t.Helper()
		if a.Len() != len(want) {
			t.Fatalf("%d rows, want %d", a.Len(), len(want))
		}
		for i, w := range want {
			got := "<null>"
			if a.IsValid(i) {
				got = a.Value(i)
			}
			if got != w {
				t.Fatalf("row %d: %q, want %q", i, got, w)
			}
		}
	}
	record := func(d arrow.ArrayData) arrow.Record {
		a := array.MakeFromData(d)
		schema := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
		return array.NewRecord(schema, []arrow.Array{a}, int64(a.Len()))
	}

	want1 := batch("a", 5000)
	if cap(c.data) < recycleMinCap {
		t.Fatalf("test batch too small: %d bytes", cap(c.data))
	}
	builderBuf := &c.data[:1][0]
	rec1 := record(c.finish())
	data1 := rec1.Column(0).Data().Buffers()[2].Buf()
	if &data1[0] != builderBuf {
		t.Fatal("a large column's buffer was copied, not handed over")
	}
	check(rec1.Column(0).(*array.String), want1)
	if c.data != nil {
		t.Fatal("an idle builder holds a buffer (it takes one with its next value)")
	}

	// Batch 2 fills a fresh buffer; rec1 goes back to the pool.
	want2 := batch("b", 5000)
	if cap(c.data) < len(data1) || &c.data[:1][0] == builderBuf {
		t.Fatalf("batch 2's buffer: %d bytes of capacity, want a fresh one of %d or more", cap(c.data), len(data1))
	}
	recycleStrings(rec1)
	rec1.Release()
	rec2 := record(c.finish())
	check(rec2.Column(0).(*array.String), want2)
	// Batch 3 takes rec1's old buffer from the pool and overwrites it;
	// rec2 is unaffected.
	want3 := batch("c", 5000)
	if &c.data[:1][0] != &data1[0] {
		t.Fatal("the builder did not take the recycled buffer")
	}
	rec3 := record(c.finish())
	check(rec3.Column(0).(*array.String), want3)
	check(rec2.Column(0).(*array.String), want2)

	// A small column is copied exactly and keeps its buffer.
	small := newStrCol()
	small.appendString("tiny")
	keep := &small.data[:1][0]
	rec4 := record(small.finish())
	if got := rec4.Column(0).Data().Buffers()[2].Buf(); len(got) != 4 || &got[0] == keep || &small.data[:1][0] != keep {
		t.Fatal("a small column was not copied exactly")
	}
	for _, r := range []arrow.Record{rec2, rec3, rec4} {
		r.Release()
	}
}
