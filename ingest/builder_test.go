package ingest

import (
	"bytes"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/ctlake/ctlake/orcstore"
)

// TestBuilderRecordsAreWellFormed checks the records the Builder assembles
// from its own buffers against Arrow's builders: copying every column row
// by row with orcstore.AppendRows (which goes through Arrow's accessors and
// builders) must give equal arrays, across several records from one
// Builder (buffers are handed over and restarted at each NewRecord).
func TestBuilderRecordsAreWellFormed(t *testing.T) {
	data := benchRecords(300)
	data = append(data, '\n')
	data = append(data, []byte(`{"eventTime":"2023-07-10T11:45:03Z","userIdentity":null,"resources":[],"requestParameters":{},"readOnly":"x","tlsDetails":{}}`)...)
	b := NewBuilder()
	fr := NewFramer(bytes.NewReader(data), "t")
	d := NewDecoder(Options{})
	for round := 0; round < 3; round++ {
		for i := 0; i < 101; i++ {
			raw, err := fr.Next()
			if err != nil {
				break
			}
			ev, err := d.Parse(raw.Data)
			if err != nil {
				t.Fatal(err)
			}
			b.Append(ev)
		}
		rec := b.NewRecord()
		if b.Len() != 0 || rec.NumRows() == 0 {
			t.Fatalf("round %d: %d rows, builder left with %d", round, rec.NumRows(), b.Len())
		}
		rows := make([]int, rec.NumRows())
		for i := range rows {
			rows[i] = i
		}
		for c, col := range rec.Columns() {
			if col.Len() != int(rec.NumRows()) {
				t.Fatalf("column %s: %d rows, record has %d", rec.ColumnName(c), col.Len(), rec.NumRows())
			}
			ab := array.NewBuilder(memory.DefaultAllocator, orcstore.EventSchema.Field(c).Type)
			if err := orcstore.AppendRows(ab, col, rows); err != nil {
				t.Fatal(err)
			}
			copied := ab.NewArray()
			if !array.Equal(copied, col) {
				t.Errorf("round %d: column %s differs after a copy through Arrow's builders", round, rec.ColumnName(c))
			}
			copied.Release()
			ab.Release()
		}
		rec.Release()
	}
}

// TestDecodersInParallel runs one Decoder and Builder per goroutine, as the
// pipeline's workers do; run with -race to check they share nothing mutable.
func TestDecodersInParallel(t *testing.T) {
	data := benchRecords(400)
	done := make(chan int)
	for w := 0; w < 4; w++ {
		go func() {
			n, err := ReadInto(bytes.NewReader(data), "w", Options{}, NewBuilder(), nil)
			if err != nil {
				t.Error(err)
			}
			done <- n
		}()
	}
	for w := 0; w < 4; w++ {
		if n := <-done; n != 400 {
			t.Errorf("worker decoded %d events, want 400", n)
		}
	}
}
