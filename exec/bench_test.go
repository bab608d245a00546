package exec

import (
	"context"
	"fmt"
	"math/rand"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/planner"
)

// Benchmarks run over sel=on/off (input batches carry a selection of a
// random half of their rows) x nulls=on/off (10% NULL) and, for filters,
// selectivity 1%/50%/99%. Rows per batch: benchRows. Run with
//   go test ./exec -run '^$' -bench . -benchtime 3x

const (
	benchTotal = 1 << 20
	benchRows  = 1 << 14
)

var mem = memory.DefaultAllocator

// genStrings: value "target" with probability p, else one of 300 services.
func genStrings(rng *rand.Rand, n int, p float64, nulls, dict bool) arrow.Array {
	vocab := make([]string, 300)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("service%03d.amazonaws.com", i)
	}
	var b array.Builder
	if dict {
		b = array.NewDictionaryBuilder(mem, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String})
	} else {
		b = array.NewStringBuilder(mem)
	}
	defer b.Release()
	for i := 0; i < n; i++ {
		var s string
		switch {
		case nulls && rng.Intn(10) == 0:
			b.AppendNull()
			continue
		case rng.Float64() < p:
			s = "target.amazonaws.com"
		default:
			s = vocab[rng.Intn(len(vocab))]
		}
		if dict {
			b.(*array.BinaryDictionaryBuilder).AppendString(s)
		} else {
			b.(*array.StringBuilder).Append(s)
		}
	}
	return b.NewArray()
}

// genTimes: uniform in [0, 1e12) ns.
func genTimes(rng *rand.Rand, n int, nulls bool) arrow.Array {
	b := array.NewTimestampBuilder(mem, &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"})
	defer b.Release()
	for i := 0; i < n; i++ {
		if nulls && rng.Intn(10) == 0 {
			b.AppendNull()
		} else {
			b.Append(arrow.Timestamp(rng.Int63n(1e12)))
		}
	}
	return b.NewArray()
}

type benchData struct {
	batches []Batch
	schema  *arrow.Schema
	bytes   int64
}

// makeBench builds benchTotal rows of columns (eventSource, eventTime, id).
func makeBench(p float64, withSel, nulls, dict bool) benchData {
	rng := rand.New(rand.NewSource(1))
	var d benchData
	for off := 0; off < benchTotal; off += benchRows {
		s := genStrings(rng, benchRows, p, nulls, dict)
		ts := genTimes(rng, benchRows, nulls)
		ib := array.NewInt64Builder(mem)
		for i := 0; i < benchRows; i++ {
			ib.Append(int64(off + i))
		}
		id := ib.NewArray()
		ib.Release()
		sch := arrow.NewSchema([]arrow.Field{{Name: "eventSource", Type: s.DataType(), Nullable: true}, {Name: "eventTime", Type: ts.DataType(), Nullable: true}, {Name: "id", Type: id.DataType()}}, nil)
		rec := array.NewRecord(sch, []arrow.Array{s, ts, id}, benchRows)
		s.Release()
		ts.Release()
		id.Release()
		var sel []int32
		if withSel {
			for i := 0; i < benchRows; i++ {
				if rng.Intn(2) == 0 {
					sel = append(sel, int32(i))
				}
			}
		}
		d.batches = append(d.batches, Batch{Rec: rec, Sel: sel})
		d.bytes += liveBytes(Batch{Rec: rec})
	}
	d.schema = arrow.NewSchema([]arrow.Field{{Name: "eventSource", Type: arrow.BinaryTypes.String, Nullable: true}, {Name: "eventTime", Type: planner.Timestamp.Arrow(), Nullable: true}, {Name: "id", Type: arrow.PrimitiveTypes.Int64}}, nil)
	return d
}

func (d benchData) source() *source { return &source{schema: d.schema, batches: d.batches} }

func (d benchData) release() {
	for _, b := range d.batches {
		b.Rec.Release()
	}
}

// drain pulls op to the end, touching nothing.
func drain(b *testing.B, op Operator) int {
	rows := 0
	for {
		bt, err := op.Next(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if bt.Rec == nil {
			return rows
		}
		rows += bt.Len()
	}
}

func forSelNulls(b *testing.B, fn func(b *testing.B, withSel, nulls bool)) {
	for _, withSel := range []bool{false, true} {
		for _, nulls := range []bool{false, true} {
			b.Run(fmt.Sprintf("sel=%v/nulls=%v", onOff(withSel), onOff(nulls)), func(b *testing.B) { fn(b, withSel, nulls) })
		}
	}
}

func onOff(v bool) string {
	if v {
		return "on"
	}
	return "off"
}

func BenchmarkFilterStringEq(b *testing.B) {
	for _, dict := range []bool{false, true} {
		for _, p := range []float64{0.01, 0.5, 0.99} {
			b.Run(fmt.Sprintf("dict=%v/selectivity=%g%%", onOff(dict), p*100), func(b *testing.B) {
				forSelNulls(b, func(b *testing.B, withSel, nulls bool) {
					d := makeBench(p, withSel, nulls, dict)
					defer d.release()
					cond := &planner.Compare{Op: planner.OpEq, L: ref(0, "eventSource", planner.Varchar), R: lit("target.amazonaws.com")}
					sel, err := CompileSelector(cond, d.schema, &Env{})
					if err != nil {
						b.Fatal(err)
					}
					b.SetBytes(d.bytes)
					b.ReportAllocs()
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						drain(b, NewFilter(d.source(), sel, &Env{}))
					}
				})
			})
		}
	}
}

func BenchmarkFilterTimestampRange(b *testing.B) {
	for _, p := range []float64{0.01, 0.5, 0.99} {
		b.Run(fmt.Sprintf("selectivity=%g%%", p*100), func(b *testing.B) {
			forSelNulls(b, func(b *testing.B, withSel, nulls bool) {
				d := makeBench(0, withSel, nulls, false)
				defer d.release()
				t := ref(1, "eventTime", planner.Timestamp)
				lo := &planner.Literal{V: planner.Value{Int: 0}, T: planner.Timestamp}
				hi := &planner.Literal{V: planner.Value{Int: int64(p * 1e12)}, T: planner.Timestamp}
				cond := &planner.Logic{Args: []planner.Expr{&planner.Compare{Op: planner.OpGe, L: t, R: lo}, &planner.Compare{Op: planner.OpLt, L: t, R: hi}}}
				sel, err := CompileSelector(cond, d.schema, &Env{})
				if err != nil {
					b.Fatal(err)
				}
				b.SetBytes(d.bytes)
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					drain(b, NewFilter(d.source(), sel, &Env{}))
				}
			})
		})
	}
}

func BenchmarkProject(b *testing.B) {
	for _, dict := range []bool{false, true} {
		b.Run("dict="+onOff(dict), func(b *testing.B) {
			forSelNulls(b, func(b *testing.B, withSel, nulls bool) {
				d := makeBench(0.1, withSel, nulls, dict)
				defer d.release()
				es := ref(0, "eventSource", planner.Varchar)
				exprs := []planner.Expr{es, &planner.Call{Name: "lower", Fn: fnLower(b), Args: []planner.Expr{es}, T: planner.Varchar}, ref(1, "eventTime", planner.Timestamp)}
				evs, types, err := compileAll(exprs, d.schema, &Env{})
				if err != nil {
					b.Fatal(err)
				}
				b.SetBytes(d.bytes)
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					drain(b, NewProject(d.source(), evs, []string{"a", "b", "c"}, types, &Env{}))
				}
			})
		})
	}
}

func BenchmarkHashAggCountGroupBy(b *testing.B) {
	for _, dict := range []bool{false, true} {
		b.Run("dict="+onOff(dict), func(b *testing.B) {
			forSelNulls(b, func(b *testing.B, withSel, nulls bool) {
				d := makeBench(0, withSel, nulls, dict)
				defer d.release()
				k, _ := Compile(ref(0, "eventSource", planner.Varchar), d.schema, &Env{})
				b.SetBytes(d.bytes)
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					h := NewHashAggregate(d.source(), []Evaluator{k}, []planner.Type{planner.Varchar}, []AggSpec{{New: countStar.New}}, []string{"s", "c"}, []planner.Type{planner.Bigint}, &Env{})
					if n := drain(b, h); n < 300 {
						b.Fatalf("%d groups", n)
					}
					h.Close()
				}
			})
		})
	}
}

func BenchmarkSortTimestamps(b *testing.B) {
	for _, limit := range []int64{-1, 100} {
		name := "sort"
		if limit >= 0 {
			name = fmt.Sprintf("top-%d", limit)
		}
		b.Run(name, func(b *testing.B) {
			forSelNulls(b, func(b *testing.B, withSel, nulls bool) {
				d := makeBench(0, withSel, nulls, false)
				defer d.release()
				k, _ := Compile(ref(1, "eventTime", planner.Timestamp), d.schema, &Env{})
				keys := []SortKey{{Ev: k, T: planner.Timestamp, Desc: true}}
				b.SetBytes(d.bytes)
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					var op Operator
					if limit < 0 {
						op = NewSort(d.source(), keys, &Env{})
					} else {
						op = NewTopN(d.source(), keys, limit, &Env{})
					}
					drain(b, op)
					op.Close()
				}
			})
		})
	}
}

// fnLower is the function library's lower.
func fnLower(b *testing.B) planner.ScalarFunc {
	f, err := fn.NewCatalog().Scalar("lower", []planner.Type{planner.Varchar})
	if err != nil {
		b.Fatal(err)
	}
	return f
}

// BenchmarkFilterCompaction measures filter -> project(eventSource,
// lower(eventSource), eventTime) with compaction after the filter forced
// off (never) and on (always), at several selectivities, to place
// compactBelow.
func BenchmarkFilterCompaction(b *testing.B) {
	for _, p := range []float64{0.01, 0.05, 0.1, 0.25, 0.5} {
		for _, on := range []bool{false, true} {
			b.Run(fmt.Sprintf("selectivity=%g%%/compact=%v", p*100, onOff(on)), func(b *testing.B) {
				d := makeBench(p, false, false, false)
				defer d.release()
				cond := &planner.Compare{Op: planner.OpEq, L: ref(0, "eventSource", planner.Varchar), R: lit("target.amazonaws.com")}
				sel, _ := CompileSelector(cond, d.schema, &Env{})
				es := ref(0, "eventSource", planner.Varchar)
				exprs := []planner.Expr{es, &planner.Call{Name: "lower", Fn: lowerFn, Args: []planner.Expr{es}, T: planner.Varchar}, ref(1, "eventTime", planner.Timestamp)}
				evs, types, _ := compileAll(exprs, d.schema, &Env{})
				b.SetBytes(d.bytes)
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					f := NewFilter(d.source(), sel, &Env{})
					f.compactBelow = 0
					if on {
						f.compactBelow = 1.01
					}
					drain(b, NewProject(f, evs, []string{"a", "b", "c"}, types, &Env{}))
				}
			})
		}
	}
}
