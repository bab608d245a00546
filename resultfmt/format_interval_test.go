package resultfmt

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
)

// intervalResult is a result as exec hands it out for
// SELECT max(eventTime) - min(eventTime), INTERVAL '14' MONTH,
// eventTime AT TIME ZONE 'America/New_York', to_utf8('hi'),
// ARRAY[INTERVAL '1' SECOND].
func intervalResult(t *testing.T) *Result {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "span", Type: arrow.FixedWidthTypes.Duration_ns, Nullable: true},
		{Name: "ym", Type: arrow.FixedWidthTypes.MonthInterval, Nullable: true},
		{Name: "ny", Type: &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "America/New_York"}, Nullable: true},
		{Name: "b", Type: arrow.BinaryTypes.Binary, Nullable: true},
		{Name: "list", Type: arrow.ListOf(arrow.FixedWidthTypes.Duration_ns), Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	b.Field(0).(*array.DurationBuilder).AppendValues([]arrow.Duration{3332000000000, -90 * 60e9}, nil)
	b.Field(1).(*array.MonthIntervalBuilder).AppendValues([]arrow.MonthInterval{14, -3}, nil)
	ts := time.Date(2024, 5, 3, 10, 20, 30, 0, time.UTC).UnixNano()
	b.Field(2).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{arrow.Timestamp(ts), 0}, []bool{true, false})
	b.Field(3).(*array.BinaryBuilder).AppendValues([][]byte{[]byte("hi"), nil}, []bool{true, false})
	lb := b.Field(4).(*array.ListBuilder)
	lb.Append(true)
	lb.ValueBuilder().(*array.DurationBuilder).Append(1e9)
	lb.AppendNull()
	return &Result{Names: []string{"span", "ym", "ny", "b", "list"}, Records: []arrow.Record{b.NewRecord()}}
}

// Intervals print as Trino prints them in every text format, timestamps
// with time zone with their zone, varbinary as hex (base64 in JSON).
func TestIntervalFormats(t *testing.T) {
	rs := intervalResult(t)
	defer rs.Records[0].Release()
	var out bytes.Buffer
	if err := Write(&out, "table", rs); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"0 00:55:32.000", "-0 01:30:00.000", "1-2", "-0-3", "2024-05-03 06:20:30.000 America/New_York", "68 69", `["0 00:00:01.000"]`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := Write(&out, "csv", rs); err != nil {
		t.Fatal(err)
	}
	if want := "0 00:55:32.000,1-2,2024-05-03 06:20:30.000 America/New_York,68 69,"; !strings.Contains(out.String(), want) {
		t.Errorf("csv lacks %q:\n%s", want, out.String())
	}
	for _, format := range []string{"json", "ndjson"} {
		out.Reset()
		if err := Write(&out, format, rs); err != nil {
			t.Fatal(err)
		}
		text := strings.TrimSpace(out.String())
		var rows []map[string]any
		if format == "json" {
			if err := json.Unmarshal([]byte(text), &rows); err != nil {
				t.Fatalf("%s: %v\n%s", format, err, text)
			}
		} else {
			for _, line := range strings.Split(text, "\n") {
				var row map[string]any
				if err := json.Unmarshal([]byte(line), &row); err != nil {
					t.Fatalf("%s: %v\n%s", format, err, line)
				}
				rows = append(rows, row)
			}
		}
		r := rows[0]
		if r["span"] != "0 00:55:32.000" || r["ym"] != "1-2" || r["ny"] != "2024-05-03 06:20:30.000 America/New_York" || r["b"] != "aGk=" {
			t.Errorf("%s row: %v", format, r)
		}
		if l, ok := r["list"].([]any); !ok || len(l) != 1 || l[0] != "0 00:00:01.000" {
			t.Errorf("%s list: %v", format, r["list"])
		}
	}
}

// Exports keep the types: the Arrow file has duration and month_interval
// columns; the Parquet file stores their integers and embeds the Arrow
// schema, from which Arrow readers get the types back.
func TestIntervalExports(t *testing.T) {
	rs := intervalResult(t)
	defer rs.Records[0].Release()
	var buf bytes.Buffer
	if err := Write(&buf, "arrow", rs); err != nil {
		t.Fatal(err)
	}
	r, err := ipc.NewFileReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Schema().Field(0).Type; got.ID() != arrow.DURATION {
		t.Errorf("arrow export: span is %s", got)
	}
	if got := r.Schema().Field(1).Type; got.ID() != arrow.INTERVAL_MONTHS {
		t.Errorf("arrow export: ym is %s", got)
	}
	rec, err := r.Record(0)
	if err != nil {
		t.Fatal(err)
	}
	if v := rec.Column(0).(*array.Duration).Value(0); v != 3332000000000 {
		t.Errorf("arrow export: span value %d", v)
	}
	r.Close()

	buf.Reset()
	if err := Write(&buf, "parquet", rs); err != nil {
		t.Fatal(err)
	}
	pf, err := file.NewParquetReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	kv := pf.MetaData().KeyValueMetadata()
	if kv.FindValue("ARROW:schema") == nil {
		t.Fatal("parquet export has no ARROW:schema")
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	span := tbl.Column(0).Data().Chunk(0)
	switch a := span.(type) {
	case *array.Duration:
		if a.Value(0) != 3332000000000 {
			t.Errorf("parquet span %d", a.Value(0))
		}
	case *array.Int64:
		if a.Value(0) != 3332000000000 {
			t.Errorf("parquet span %d", a.Value(0))
		}
	default:
		t.Errorf("parquet span read back as %s", span.DataType())
	}
	t.Logf("parquet read back by Arrow Go: span %s, ym %s, ny %s", tbl.Schema().Field(0).Type, tbl.Schema().Field(1).Type, tbl.Schema().Field(2).Type)
}
