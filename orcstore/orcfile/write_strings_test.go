package orcfile

import (
	"bytes"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// TestWriteRunsKeepsNoRecord: after WriteRuns returns, the writer holds no
// reference into the records it wrote (ingest recycles their buffers, and
// a writer lives for many files): their string data can be collected while
// the writer is still open.
func TestWriteRunsKeepsNoRecord(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
	var freed atomic.Int32
	record := func(tag byte) arrow.Record {
		const n = 1000
		data := make([]byte, n*8)
		for i := range data {
			data[i] = 'a' + tag
		}
		runtime.SetFinalizer(&data[0], func(*byte) { freed.Add(1) })
		offs := make([]int32, n+1)
		for i := range offs {
			offs[i] = int32(8 * i)
		}
		d := array.NewData(arrow.BinaryTypes.String, n, []*memory.Buffer{nil,
			memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(offs)), memory.NewBufferBytes(data)}, nil, 0, 0)
		a := array.MakeFromData(d)
		d.Release()
		rec := array.NewRecord(schema, []arrow.Array{a}, n)
		a.Release()
		return rec
	}
	var out bytes.Buffer
	w, err := NewWriter(&out, schema, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	func() {
		a, b := record(0), record(1)
		var runs []Run
		for i := 0; i < 1000; i++ { // interleaved: the raw-buffer path
			runs = append(runs, Run{a, i, i + 1}, Run{b, i, i + 1})
		}
		if err := w.WriteRuns(runs); err != nil {
			t.Fatal(err)
		}
		a.Release()
		b.Release()
	}()
	deadline := time.Now().Add(5 * time.Second)
	for freed.Load() < 2 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := freed.Load(); got < 2 {
		t.Fatalf("%d of 2 records' string data collected while the writer is open", got)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}
