package resultfmt

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

func sampleResult(t *testing.T) *Result {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "eventName", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "eventTime", Type: &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}, Nullable: true},
		{Name: "requestParameters", Type: arrow.MapOf(arrow.BinaryTypes.String, arrow.BinaryTypes.String), Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	b.Field(0).(*array.StringBuilder).AppendValues([]string{"GetObject", "say \"hi\""}, nil)
	b.Field(1).(*array.Int64Builder).AppendValues([]int64{412, 0}, []bool{true, false})
	ts := time.Date(2024, 5, 1, 13, 45, 7, 120e6, time.UTC).UnixNano()
	b.Field(2).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{arrow.Timestamp(ts), 0}, []bool{true, false})
	mb := b.Field(3).(*array.MapBuilder)
	mb.Append(true)
	mb.KeyBuilder().(*array.StringBuilder).Append("bucketName")
	mb.ItemBuilder().(*array.StringBuilder).Append("logs")
	mb.AppendNull()
	return &Result{Names: []string{"eventName", "n", "eventTime", "requestParameters"}, Records: []arrow.Record{b.NewRecord()}}
}

func TestResultFormats(t *testing.T) {
	rs := sampleResult(t)
	var out bytes.Buffer
	if err := Write(&out, "json", rs); err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(out.Bytes(), &rows); err != nil {
		t.Fatalf("json output does not parse: %v\n%s", err, out.String())
	}
	if len(rows) != 2 || rows[0]["n"] != float64(412) || rows[0]["eventTime"] != "2024-05-01 13:45:07.120" ||
		rows[1]["n"] != nil || rows[0]["requestParameters"].(map[string]any)["bucketName"] != "logs" || rows[1]["eventName"] != `say "hi"` {
		t.Fatalf("json rows: %v", rows)
	}
	// Keys keep the result's column order.
	if i, j := strings.Index(out.String(), `"eventName"`), strings.Index(out.String(), `"n"`); i > j {
		t.Fatal("column order lost")
	}
	out.Reset()
	Write(&out, "ndjson", rs)
	if lines := strings.Split(strings.TrimSpace(out.String()), "\n"); len(lines) != 2 {
		t.Fatalf("ndjson: %q", out.String())
	}
	out.Reset()
	Write(&out, "csv", rs)
	want := "eventName,n,eventTime,requestParameters\nGetObject,412,2024-05-01 13:45:07.120,\"{\"\"bucketName\"\":\"\"logs\"\"}\"\n\"say \"\"hi\"\"\",,,\n"
	if out.String() != want {
		t.Fatalf("csv:\n%s\nwant\n%s", out.String(), want)
	}
	out.Reset()
	Write(&out, "table", rs)
	if !strings.Contains(out.String(), "NULL") || !strings.HasSuffix(out.String(), "(2 rows)\n") {
		t.Fatalf("table:\n%s", out.String())
	}
	if err := Write(&out, "xml", rs); err == nil {
		t.Fatal("unknown format accepted")
	}
}
