package orcfile

import (
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
)

// TestWriteDirectColumns checks that DirectColumns forces DIRECT_V2 on a
// column that would otherwise be dictionary-encoded (few distinct values),
// leaves its neighbour alone, round-trips through scritchley's reader, and
// rejects a path that is not a string column.
func TestWriteDirectColumns(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "a", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "b", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	rb := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer rb.Release()
	for i := 0; i < 2500; i++ {
		v := []string{"x", "y", "z"}[i%3]
		if i%7 == 0 {
			rb.Field(0).AppendNull()
		} else {
			rb.Field(0).(*array.StringBuilder).Append(v)
		}
		rb.Field(1).(*array.StringBuilder).Append(v)
	}
	rec := rb.NewRecord()
	defer rec.Release()
	file := wtWrite(t, schema, WriterOptions{Compression: CompressionSnappy, RowIndexStride: 1000, StripeSize: 8 << 10, DirectColumns: []string{"A"}}, rec)
	tl := wtCheckAllStats(t, file, schema, wtRows(rec))
	if len(tl.stripes) == 0 {
		t.Fatal("no stripes")
	}
	for si, st := range tl.stripes {
		if k := st.footer.Columns[1].GetKind(); k != orcproto.ColumnEncoding_DIRECT_V2 {
			t.Errorf("stripe %d: column a is %v, want DIRECT_V2", si, k)
		}
		if k := st.footer.Columns[2].GetKind(); k != orcproto.ColumnEncoding_DICTIONARY_V2 {
			t.Errorf("stripe %d: column b is %v, want DICTIONARY_V2", si, k)
		}
	}
	got := wtReadScritchley(t, file, schema)
	wtCompareRows(t, got, wtRows(rec), schema)
	wtCheckPositions(t, file, schema, wtRows(rec))

	for _, bad := range []string{"nope", ""} {
		if _, err := NewWriter(new(wtDiscard), schema, WriterOptions{DirectColumns: []string{bad}}); err == nil {
			t.Errorf("DirectColumns %q accepted", bad)
		}
	}
}

type wtDiscard struct{}

func (wtDiscard) Write(p []byte) (int, error) { return len(p), nil }
