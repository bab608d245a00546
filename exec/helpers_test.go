package exec

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/planner"
)

// Test stand-ins for the function library, written independently of it:
// lower, count(*), sum(bigint).
var lowerFn = &fn.Scalar{FName: "lower", Ps: []planner.Type{planner.Varchar}, Ret: planner.Varchar,
	Kernel: func(ctx *fn.Context, args []fn.Vec, n int) (arrow.Array, error) {
		b := array.NewStringBuilder(ctx.Mem)
		defer b.Release()
		a := args[0]
		for i := 0; i < n; i++ {
			if a.IsConst {
				if a.Const.Null {
					b.AppendNull()
				} else {
					b.Append(strings.ToLower(a.Const.Str))
				}
				continue
			}
			s := a.Arr.(*array.String)
			if s.IsNull(i) {
				b.AppendNull()
			} else {
				b.Append(strings.ToLower(s.Value(i)))
			}
		}
		return b.NewArray(), nil
	}}

type countAcc struct{ n []int64 }

func (c *countAcc) Grow(n int) {
	for len(c.n) < n {
		c.n = append(c.n, 0)
	}
}
func (c *countAcc) Update(groups []uint32, args []arrow.Array) error {
	for i, g := range groups {
		if len(args) == 0 || args[0].IsValid(i) {
			c.n[g]++
		}
	}
	return nil
}
func (c *countAcc) Result(mem memory.Allocator) (arrow.Array, error) {
	b := array.NewInt64Builder(mem)
	defer b.Release()
	b.AppendValues(c.n, nil)
	return b.NewArray(), nil
}
func (c *countAcc) Bytes() int64 { return int64(8 * len(c.n)) }

type sumAcc struct {
	s   []int64
	any []bool
}

func (c *sumAcc) Grow(n int) {
	for len(c.s) < n {
		c.s = append(c.s, 0)
		c.any = append(c.any, false)
	}
}
func (c *sumAcc) Update(groups []uint32, args []arrow.Array) error {
	a, ok := args[0].(*array.Int64)
	if !ok {
		return fmt.Errorf("sum: got %s", args[0].DataType())
	}
	for i, g := range groups {
		if a.IsValid(i) {
			c.s[g] += a.Value(i)
			c.any[g] = true
		}
	}
	return nil
}
func (c *sumAcc) Result(mem memory.Allocator) (arrow.Array, error) {
	b := array.NewInt64Builder(mem)
	defer b.Release()
	b.AppendValues(c.s, c.any)
	return b.NewArray(), nil
}
func (c *sumAcc) Bytes() int64 { return int64(9 * len(c.s)) }

var (
	countStar = &fn.Aggregate{FName: "count", Ret: planner.Bigint, New: func() fn.Accumulator { return &countAcc{} }}
	sumBigint = &fn.Aggregate{FName: "sum", Ps: []planner.Type{planner.Bigint}, Ret: planner.Bigint, New: func() fn.Accumulator { return &sumAcc{} }}
)

// source yields fixed batches and counts how it is used.
type source struct {
	schema  *arrow.Schema
	batches []Batch
	i       int
	nexts   int
	closed  int
}

func (s *source) Schema() *arrow.Schema { return s.schema }
func (s *source) Next(ctx context.Context) (Batch, error) {
	s.nexts++
	if err := ctx.Err(); err != nil {
		return Batch{}, err
	}
	if s.i >= len(s.batches) {
		return Batch{}, nil
	}
	s.i++
	return s.batches[s.i-1], nil
}
func (s *source) Close() error { s.closed++; return nil }

// col describes a test column: a name and values (nil = NULL) of one Go
// type: int64, string, bool, float64, or ts (timestamps).
type col struct {
	name string
	typ  planner.Type
	dict bool // strings: dictionary-encode
	vals []any
}

func mkArray(c col) arrow.Array {
	mem := memory.DefaultAllocator
	if c.typ.Kind == planner.KindVarchar && c.dict {
		dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
		b := array.NewDictionaryBuilder(mem, dt).(*array.BinaryDictionaryBuilder)
		defer b.Release()
		for _, v := range c.vals {
			if v == nil {
				b.AppendNull()
			} else if err := b.AppendString(v.(string)); err != nil {
				panic(err)
			}
		}
		return b.NewArray()
	}
	b := array.NewBuilder(mem, c.typ.Arrow())
	defer b.Release()
	for _, v := range c.vals {
		if v == nil {
			b.AppendNull()
			continue
		}
		var pv planner.Value
		switch v := v.(type) {
		case int64:
			pv.Int = v
		case int:
			pv.Int = int64(v)
		case string:
			pv.Str = v
		case bool:
			pv.Bool = v
		case float64:
			pv.Float = v
		}
		if err := appendValue(b, pv); err != nil {
			panic(err)
		}
	}
	return b.NewArray()
}

func mkRecord(cols ...col) arrow.Record {
	arrs := make([]arrow.Array, len(cols))
	fs := make([]arrow.Field, len(cols))
	for i, c := range cols {
		arrs[i] = mkArray(c)
		fs[i] = arrow.Field{Name: c.name, Type: arrs[i].DataType(), Nullable: true}
	}
	n := 0
	if len(cols) > 0 {
		n = len(cols[0].vals)
	}
	rec := array.NewRecord(arrow.NewSchema(fs, nil), arrs, int64(n))
	for _, a := range arrs {
		a.Release()
	}
	return rec
}

// logicalSchema is the operator schema for cols (strings plain).
func logicalSchema(cols ...col) *arrow.Schema {
	fs := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fs[i] = arrow.Field{Name: c.name, Type: c.typ.Arrow(), Nullable: true}
	}
	return arrow.NewSchema(fs, nil)
}

// cell reads a value of a result column as a Go value (nil for NULL).
func cell(a arrow.Array, i int) any {
	if !validAt(a, i) {
		return nil
	}
	switch a := a.(type) {
	case *array.Int64:
		return a.Value(i)
	case *array.String:
		return a.Value(i)
	case *array.Boolean:
		return a.Value(i)
	case *array.Float64:
		return a.Value(i)
	case *array.Timestamp:
		return int64(a.Value(i))
	case *array.Dictionary:
		return a.Dictionary().(*array.String).Value(a.GetValueIndex(i))
	}
	return a.ValueStr(i)
}

// rowsOf runs op to completion and returns its rows.
func rowsOf(op Operator) ([][]any, error) {
	res, err := Run(context.Background(), op, nil, &Env{})
	if err != nil {
		return nil, err
	}
	defer res.Release()
	var out [][]any
	for _, rec := range res.Records {
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]any, rec.NumCols())
			for j := range row {
				row[j] = cell(rec.Column(j), i)
			}
			out = append(out, row)
		}
	}
	return out, nil
}

func ref(i int, name string, t planner.Type) *planner.InputRef {
	return &planner.InputRef{Index: i, Name: name, T: t}
}

func lit(v any) *planner.Literal {
	switch v := v.(type) {
	case nil:
		return &planner.Literal{V: planner.Value{Null: true}, T: planner.Unknown}
	case int:
		return &planner.Literal{V: planner.Value{Int: int64(v)}, T: planner.Bigint}
	case int64:
		return &planner.Literal{V: planner.Value{Int: v}, T: planner.Bigint}
	case string:
		return &planner.Literal{V: planner.Value{Str: v}, T: planner.Varchar}
	case bool:
		return &planner.Literal{V: planner.Value{Bool: v}, T: planner.Boolean}
	}
	panic(fmt.Sprintf("lit %T", v))
}

type arrowArray = arrow.Array

func validity(v ...bool) *memory.Buffer {
	bits := make([]byte, (len(v)+7)/8)
	for i, ok := range v {
		if ok {
			bits[i/8] |= 1 << (i % 8)
		}
	}
	return memory.NewBufferBytes(bits)
}

func recordOf(name string, a arrow.Array) arrow.Record {
	return array.NewRecord(arrow.NewSchema([]arrow.Field{{Name: name, Type: a.DataType(), Nullable: true}}, nil), []arrow.Array{a}, int64(a.Len()))
}

func mapBuilder() *array.MapBuilder {
	return array.NewMapBuilder(memory.DefaultAllocator, arrow.BinaryTypes.String, arrow.BinaryTypes.String, false)
}

func addMap(b *array.MapBuilder, kv ...string) {
	b.Append(true)
	kb := b.KeyBuilder().(*array.StringBuilder)
	ib := b.ItemBuilder().(*array.StringBuilder)
	for i := 0; i < len(kv); i += 2 {
		kb.Append(kv[i])
		ib.Append(kv[i+1])
	}
}

func arrowSchemaOf(name string, t planner.Type) *arrow.Schema {
	return arrow.NewSchema([]arrow.Field{{Name: name, Type: t.Arrow(), Nullable: true}}, nil)
}
