package orcfile

import (
	"bytes"
	"fmt"
	"math"
	"math/big"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
)

// wtCollect lists, per column ID, the values each column's streams hold for
// rows (canonical form): children of a NULL struct, list or map get nothing,
// as in ORC.
func wtCollect(root *Column, rows [][]any) map[int][]any {
	out := map[int][]any{}
	var visit func(c *Column, v any)
	visit = func(c *Column, v any) {
		out[c.ID] = append(out[c.ID], v)
		if v == nil {
			return
		}
		switch c.Kind {
		case orcproto.Type_STRUCT:
			m := v.(map[string]any)
			for _, ch := range c.Children {
				visit(ch, m[ch.Name])
			}
		case orcproto.Type_LIST:
			for _, e := range v.([]any) {
				visit(c.Children[0], e)
			}
		case orcproto.Type_MAP:
			for _, e := range v.([]any) {
				kv := e.([2]any)
				visit(c.Children[0], kv[0])
				visit(c.Children[1], kv[1])
			}
		}
	}
	for _, c := range root.Columns()[1:] {
		out[c.ID] = []any{}
	}
	for _, r := range rows {
		for i, ch := range root.Children {
			visit(ch, r[i])
		}
	}
	return out
}

// wtFloorDiv is floor division for the millisecond statistics.
func wtFloorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// wtCheckStats compares got with statistics computed by plain loops over
// vals.
func wtCheckStats(t *testing.T, where string, c *Column, vals []any, got *orcproto.ColumnStatistics) {
	t.Helper()
	var n uint64
	hasNull := false
	for _, v := range vals {
		if v == nil {
			hasNull = true
		} else {
			n++
		}
	}
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf("%s column %d %q: %s", where, c.ID, c.Path, fmt.Sprintf(format, args...))
	}
	if got.GetNumberOfValues() != n {
		fail("numberOfValues %d, want %d", got.GetNumberOfValues(), n)
	}
	if got.GetHasNull() != hasNull || got.HasNull == nil {
		fail("hasNull %v, want %v", got.HasNull, hasNull)
	}
	switch c.Kind {
	case orcproto.Type_BYTE, orcproto.Type_SHORT, orcproto.Type_INT, orcproto.Type_LONG:
		is := got.GetIntStatistics()
		if is == nil {
			fail("no intStatistics")
			return
		}
		sum := new(big.Int)
		var mn, mx *int64
		for _, v := range vals {
			if v == nil {
				continue
			}
			x := v.(int64)
			sum.Add(sum, big.NewInt(x))
			if mn == nil || x < *mn {
				mn = &x
			}
			if mx == nil || x > *mx {
				mx = &x
			}
		}
		if !wtEqPtr(is.Minimum, mn) || !wtEqPtr(is.Maximum, mx) {
			fail("int min/max %v/%v, want %v/%v", wtDeref(is.Minimum), wtDeref(is.Maximum), wtDeref(mn), wtDeref(mx))
		}
		if sum.IsInt64() {
			if is.Sum == nil || *is.Sum != sum.Int64() {
				fail("int sum %v, want %v", wtDeref(is.Sum), sum)
			}
		} else if is.Sum != nil {
			fail("int sum %v written although it overflows (%v)", *is.Sum, sum)
		}
	case orcproto.Type_FLOAT, orcproto.Type_DOUBLE:
		ds := got.GetDoubleStatistics()
		if ds == nil {
			fail("no doubleStatistics")
			return
		}
		var sum float64
		var mn, mx *float64
		for _, v := range vals {
			if v == nil {
				continue
			}
			x := v.(float64)
			sum += x
			if mn == nil || x < *mn {
				mn = &x
			}
			if mx == nil || x > *mx {
				mx = &x
			}
		}
		if !wtEqPtr(ds.Minimum, mn) || !wtEqPtr(ds.Maximum, mx) {
			fail("double min/max %v/%v, want %v/%v", wtDeref(ds.Minimum), wtDeref(ds.Maximum), wtDeref(mn), wtDeref(mx))
		}
		if ds.Sum == nil || math.Abs(*ds.Sum-sum) > 1e-9*math.Max(1, math.Abs(sum)) {
			fail("double sum %v, want %v", wtDeref(ds.Sum), sum)
		}
	case orcproto.Type_STRING:
		ss := got.GetStringStatistics()
		if ss == nil {
			fail("no stringStatistics")
			return
		}
		var sum int64
		var mn, mx *string
		long := false
		for _, v := range vals {
			if v == nil {
				continue
			}
			x := v.(string)
			sum += int64(len(x))
			long = long || len(x) > 1024
			if mn == nil || x < *mn {
				mn = &x
			}
			if mx == nil || x > *mx {
				mx = &x
			}
		}
		if long {
			mn, mx = nil, nil
		}
		if !wtEqPtr(ss.Minimum, mn) || !wtEqPtr(ss.Maximum, mx) {
			fail("string min/max %q/%q, want %q/%q", wtDeref(ss.Minimum), wtDeref(ss.Maximum), wtDeref(mn), wtDeref(mx))
		}
		if ss.Sum == nil || *ss.Sum != sum {
			fail("string sum %v, want %d", wtDeref(ss.Sum), sum)
		}
	case orcproto.Type_BINARY:
		var sum int64
		for _, v := range vals {
			if v != nil {
				sum += int64(len(v.([]byte)))
			}
		}
		if bs := got.GetBinaryStatistics(); bs == nil || bs.GetSum() != sum {
			fail("binary statistics %v, want sum %d", bs, sum)
		}
	case orcproto.Type_BOOLEAN:
		var trues uint64
		for _, v := range vals {
			if v == true {
				trues++
			}
		}
		bs := got.GetBucketStatistics()
		if bs == nil || len(bs.Count) != 1 || bs.Count[0] != trues {
			fail("bucket statistics %v, want [%d]", bs, trues)
		}
	case orcproto.Type_DATE:
		var mn, mx *int32
		for _, v := range vals {
			if v == nil {
				continue
			}
			x := int32(v.(wtDate).days)
			if mn == nil || x < *mn {
				mn = &x
			}
			if mx == nil || x > *mx {
				mx = &x
			}
		}
		ds := got.GetDateStatistics()
		if ds == nil || !wtEqPtr(ds.Minimum, mn) || !wtEqPtr(ds.Maximum, mx) {
			fail("date statistics %v, want %v/%v", ds, wtDeref(mn), wtDeref(mx))
		}
	case orcproto.Type_TIMESTAMP:
		var mn, mx *int64
		for _, v := range vals {
			if v == nil {
				continue
			}
			x := wtFloorDiv(v.(wtTS).ns, 1e6)
			if mn == nil || x < *mn {
				mn = &x
			}
			if mx == nil || x > *mx {
				mx = &x
			}
		}
		ts := got.GetTimestampStatistics()
		if ts == nil || !wtEqPtr(ts.Minimum, mn) || !wtEqPtr(ts.Maximum, mx) || !wtEqPtr(ts.MinimumUtc, mn) || !wtEqPtr(ts.MaximumUtc, mx) {
			fail("timestamp statistics %v, want %v/%v ms", ts, wtDeref(mn), wtDeref(mx))
		}
	case orcproto.Type_STRUCT, orcproto.Type_LIST, orcproto.Type_MAP:
		if got.IntStatistics != nil || got.StringStatistics != nil || got.BucketStatistics != nil {
			fail("unexpected typed statistics %v", got)
		}
	}
}

func wtEqPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func wtDeref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// wtCheckAllStats checks file, stripe and row-group statistics of a file
// written from rows.
func wtCheckAllStats(t *testing.T, file []byte, schema *arrow.Schema, rows [][]any) *wtTail {
	t.Helper()
	root, _, err := ColumnsFromArrow(schema)
	if err != nil {
		t.Fatal(err)
	}
	cols := root.Columns()
	tl := wtReadTail(t, file)
	if got := tl.footer.GetNumberOfRows(); got != uint64(len(rows)) {
		t.Fatalf("numberOfRows %d, want %d", got, len(rows))
	}
	if len(tl.footer.Statistics) != len(cols) {
		t.Fatalf("%d file statistics for %d columns", len(tl.footer.Statistics), len(cols))
	}
	check := func(where string, part [][]any, stats []*orcproto.ColumnStatistics) {
		vals := wtCollect(root, part)
		if len(stats) != len(cols) {
			t.Fatalf("%s: %d statistics for %d columns", where, len(stats), len(cols))
		}
		if stats[0].GetNumberOfValues() != uint64(len(part)) || stats[0].GetHasNull() {
			t.Errorf("%s column 0: %v, want %d rows", where, stats[0], len(part))
		}
		for _, c := range cols[1:] {
			wtCheckStats(t, where, c, vals[c.ID], stats[c.ID])
		}
	}
	check("file", rows, tl.footer.Statistics)
	if len(tl.meta.StripeStats) != len(tl.stripes) {
		t.Fatalf("%d stripe statistics for %d stripes", len(tl.meta.StripeStats), len(tl.stripes))
	}
	stride := int(tl.footer.GetRowIndexStride())
	first := 0
	for si, st := range tl.stripes {
		n := int(st.info.GetNumberOfRows())
		if n == 0 {
			t.Fatalf("stripe %d has no rows", si)
		}
		part := rows[first : first+n]
		check(fmt.Sprintf("stripe %d", si), part, tl.meta.StripeStats[si].ColStats)
		if stride > 0 {
			groups := (n + stride - 1) / stride
			for _, c := range cols {
				ri := st.index[c.ID]
				if ri == nil || len(ri.Entry) != groups {
					t.Fatalf("stripe %d column %d: row index %v, want %d entries", si, c.ID, ri, groups)
				}
			}
			for g := 0; g < groups; g++ {
				rg := part[g*stride : min(n, (g+1)*stride)]
				var stats []*orcproto.ColumnStatistics
				for _, c := range cols {
					stats = append(stats, st.index[c.ID].Entry[g].Statistics)
				}
				check(fmt.Sprintf("stripe %d row group %d", si, g), rg, stats)
			}
		}
		first += n
	}
	if first != len(rows) {
		t.Fatalf("stripes hold %d rows, want %d", first, len(rows))
	}
	return tl
}

// TestWriteStatistics checks every statistic at file, stripe and row-group
// level against plain loops over the input.
func TestWriteStatistics(t *testing.T) {
	cases := map[string]struct {
		rows  []int
		opts  WriterOptions
		nulls float64
	}{
		"one row":         {rows: []int{1}, nulls: 0},
		"stride 10000":    {rows: []int{10000}, nulls: 0.2},
		"several stripes": {rows: []int{7000, 8000}, nulls: 0.2, opts: WriterOptions{StripeSize: 300 << 10, RowIndexStride: 1000}},
		"all nulls":       {rows: []int{500}, nulls: 1},
		"no index":        {rows: []int{3000}, nulls: 0.1, opts: WriterOptions{RowIndexStride: -1}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			g := wtNewGen(int64(len(name))*31, c.nulls)
			g.mapNullValues, g.negTimes = true, true
			var recs []arrow.Record
			for _, n := range c.rows {
				recs = append(recs, g.record(wtAllTypes, n))
			}
			file := wtWrite(t, wtAllTypes, c.opts, recs...)
			tl := wtCheckAllStats(t, file, wtAllTypes, wtRows(recs...))
			if name == "several stripes" && len(tl.stripes) < 2 {
				t.Errorf("expected several stripes, got %d", len(tl.stripes))
			}
		})
	}
}

// TestWriteStatisticsEdges covers integer sum overflow, long strings, NaN
// and pre-1970 timestamps with sub-second parts.
func TestWriteStatisticsEdges(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	ib := b.Field(0).(*array.Int64Builder)
	sb := b.Field(1).(*array.StringBuilder)
	tb := b.Field(2).(*array.TimestampBuilder)
	ib.AppendValues([]int64{math.MaxInt64, 5, -3}, nil)
	sb.AppendValues([]string{"b", string(bytes.Repeat([]byte("x"), 2000)), "a"}, nil)
	tb.AppendValues([]arrow.Timestamp{-1_500_000_000, -2_000_000_001, 1_700_000_000_123_456_789}, nil)
	rec := b.NewRecord()
	file := wtWrite(t, schema, WriterOptions{}, rec)
	tl := wtCheckAllStats(t, file, schema, wtRows(rec))
	if tl.footer.Statistics[1].GetIntStatistics().Sum != nil {
		t.Errorf("overflowing int sum written")
	}
	if ts := tl.footer.Statistics[3].GetTimestampStatistics(); ts.GetMinimum() != -2001 || ts.GetMaximum() != 1_700_000_000_123 {
		t.Errorf("timestamp min/max %d/%d ms, want -2001/1700000000123", ts.GetMinimum(), ts.GetMaximum())
	}
}
