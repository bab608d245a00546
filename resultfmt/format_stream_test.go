package resultfmt

import (
	"bytes"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// countedRecord counts the records a stream has handed out and not yet
// had released.
type countedRecord struct {
	arrow.Record
	live *atomic.Int64
	once atomic.Bool
}

func (r *countedRecord) Release() {
	if r.once.CompareAndSwap(false, true) {
		r.live.Add(-1)
	}
	r.Record.Release()
}

// streamedResult yields n records of rows rows each, one at a time, and
// records the most that were ever live at once.
func streamedResult(n, rows int) (*Result, *atomic.Int64, *int64) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "eventID", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}, nil)
	var live atomic.Int64
	var peak int64
	i := 0
	next := func() (arrow.Record, error) {
		if i == n {
			return nil, nil
		}
		b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
		defer b.Release()
		for r := 0; r < rows; r++ {
			b.Field(0).(*array.StringBuilder).Append(fmt.Sprintf("id-%d-%d", i, r))
			b.Field(1).(*array.Int64Builder).Append(int64(i*rows + r))
		}
		i++
		if v := live.Add(1); v > peak {
			peak = v
		}
		return &countedRecord{Record: b.NewRecord(), live: &live}, nil
	}
	return &Result{Names: []string{"eventID", "n"}, Schema: schema, Next: next}, &live, &peak
}

// Every format writes a streamed result record by record: no format holds
// more than one record at a time, except the table, which holds its first
// tableBufferRows rows to size its columns. Every record is released.
func TestFormatsStream(t *testing.T) {
	const records, rows = 40, 1000 // 40,000 rows: past the table's buffer
	for _, f := range Formats {
		rs, live, peak := streamedResult(records, rows)
		var out bytes.Buffer
		if err := Write(&out, f, rs); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		want := int64(1)
		if f == "table" {
			want = tableBufferRows/rows + 1
		}
		if *peak > want {
			t.Errorf("%s: %d records live at once, want at most %d", f, *peak, want)
		}
		if live.Load() != 0 {
			t.Errorf("%s: %d records never released", f, live.Load())
		}
		if out.Len() == 0 {
			t.Errorf("%s: no output", f)
		}
	}
}

// A table's rows past the buffer keep the widths of the first rows, cutting
// longer values with …, and the footer counts every row.
func TestTableStreamsPastBuffer(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "v", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
	vals := make([]string, tableBufferRows+2)
	for i := range vals {
		vals[i] = "ab"
	}
	vals[len(vals)-1] = "a much longer value"
	b := array.NewStringBuilder(memory.DefaultAllocator)
	b.AppendValues(vals, nil)
	col := b.NewArray()
	rec := array.NewRecord(schema, []arrow.Array{col}, int64(len(vals)))
	col.Release()
	var out bytes.Buffer
	if err := WriteTable(&out, &Result{Names: []string{"v"}, Records: []arrow.Record{rec}}, 60); err != nil {
		t.Fatal(err)
	}
	rec.Release()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if got := lines[len(lines)-2]; got != "a…" {
		t.Errorf("last row printed %q, want the value cut to the column's width: %q", got, "a…")
	}
	if got := lines[len(lines)-1]; got != fmt.Sprintf("(%d rows)", len(vals)) {
		t.Errorf("footer %q", got)
	}
}
