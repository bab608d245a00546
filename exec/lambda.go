package exec

import (
	"context"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/bitutil"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// Higher-order functions run their lambda once per batch over all the
// elements of the batch's arrays (or maps), not once per row: the arrays'
// elements are laid end to end (flatten), each element remembers its outer
// row (parents), the lambda's captured outer values are repeated per
// element with take(parents), and the body is evaluated over that record
// like any expression. The function then folds the body's values back per
// row (transform: new list offsets; any_match: an OR per row; …).

// compiledLambda is a planner.Lambda compiled once per query.
type compiledLambda struct {
	l        *planner.Lambda
	body     Evaluator
	captures []Evaluator
	capTypes []planner.Type
	names    []string
	env      *Env
}

func (c *compiler) lambda(e planner.Expr) (*compiledLambda, error) {
	l, ok := e.(*planner.Lambda)
	if !ok {
		return nil, exprErr(e, fmt.Errorf("expected a lambda, got %s", e.String()))
	}
	cl := &compiledLambda{l: l, env: c.env}
	for _, x := range l.Captures {
		ev, err := c.expr(x)
		if err != nil {
			return nil, err
		}
		cl.captures = append(cl.captures, ev)
		cl.capTypes = append(cl.capTypes, x.Type())
	}
	cols := l.BodySchema()
	types := make([]arrow.DataType, len(cols))
	for i, col := range cols {
		cl.names = append(cl.names, fmt.Sprintf("$%d", i))
		types[i] = col.T.Arrow()
	}
	body, err := Compile(l.Body, schemaOf(cl.names, types), c.env)
	if err != nil {
		return nil, err
	}
	cl.body = body
	return cl, nil
}

// frame evaluates the captures over the outer batch: one array of b.Len()
// values each. The caller releases them.
func (cl *compiledLambda) frame(ctx context.Context, b Batch) ([]arrow.Array, error) {
	out := make([]arrow.Array, 0, len(cl.captures))
	for i, ev := range cl.captures {
		v, err := ev.Eval(ctx, b)
		if err != nil {
			releaseAll(out)
			return nil, err
		}
		a, err := materialize(cl.env.mem(), v, cl.capTypes[i], b.Len())
		v.Release()
		if err != nil {
			releaseAll(out)
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// apply evaluates the body over m elements: params are the parameters'
// values (one per element), parents gives the outer row of each element
// (asked for only when the lambda captures outer values), caps the frame.
// The result is a plain array of m values (constants broadcast,
// dictionaries decoded); the caller releases it.
func (cl *compiledLambda) apply(ctx context.Context, params []arrow.Array, m int, parents func() []int32, caps []arrow.Array) (arrow.Array, error) {
	mem := cl.env.mem()
	cols := make([]arrow.Array, 0, len(params)+len(caps))
	for _, p := range params {
		p.Retain()
		cols = append(cols, p)
	}
	for _, c := range caps {
		t, err := take(mem, c, parents())
		if err != nil {
			releaseAll(cols)
			return nil, err
		}
		cols = append(cols, t)
	}
	rec := makeRecord(schemaOf(cl.names, arrayTypes(cols)), cols, m)
	defer rec.Release()
	v, err := cl.body.Eval(ctx, Batch{Rec: rec})
	if err != nil {
		return nil, err
	}
	defer v.Release()
	out, err := materialize(mem, v, cl.l.Body.Type(), m)
	if err != nil {
		return nil, err
	}
	return plainNested(mem, out, cl.l.Body.Type())
}

func arrayTypes(as []arrow.Array) []arrow.DataType {
	out := make([]arrow.DataType, len(as))
	for i, a := range as {
		out[i] = a.DataType()
	}
	return out
}

// plainNested returns a with every dictionary inside decoded, so that a
// lambda's values can become the children of a new list or map of the
// plan's type. It takes over the caller's reference to a.
func plainNested(mem memory.Allocator, a arrow.Array, t planner.Type) (arrow.Array, error) {
	want := t.Arrow()
	if arrow.TypeEqual(a.DataType(), want) || t.Kind == planner.KindUnknown {
		return a, nil
	}
	defer a.Release()
	b := array.NewBuilder(mem, want)
	defer b.Release()
	if err := appendRowsTo(b, a, identity(a.Len())); err != nil {
		return nil, err
	}
	return b.NewArray(), nil
}

// flat is the elements of a list (or map) array laid end to end: row i's
// elements are starts[i]..starts[i+1] (none for a NULL row).
type flat struct {
	elems    []arrow.Array // one array per part: the values, or a map's keys and items
	starts   []int32
	nullBits []byte // the array's validity bitmap (nil: no NULL row)
	nullOff  int
	parents  []int32 // the outer row of each element, made on first use
}

// valid reports row i not NULL. (A row with elements is never NULL.)
func (f *flat) valid(i int) bool {
	return f.nullBits == nil || bitutil.BitIsSet(f.nullBits, f.nullOff+i)
}

func (f *flat) release() { releaseAll(f.elems) }

// rowLen is the number of elements of row i.
func (f *flat) rowLen(i int) int { return int(f.starts[i+1] - f.starts[i]) }

// count is the number of elements of all rows.
func (f *flat) count() int { return int(f.starts[len(f.starts)-1]) }

// parentsOf is the outer row of each element: only a lambda that captures
// outer values needs them (to repeat those per element).
func (f *flat) parentsOf() []int32 {
	if f.parents == nil {
		f.parents = make([]int32, 0, f.count())
		for i := 0; i+1 < len(f.starts); i++ {
			for k := f.starts[i]; k < f.starts[i+1]; k++ {
				f.parents = append(f.parents, int32(i))
			}
		}
	}
	return f.parents
}

// flatten lays out the elements of a list array (parts: its values) or a
// map array (parts: keys, items). The element arrays are zero-copy slices
// when the rows' ranges are contiguous (NULL rows empty), else gathered.
func flatten(mem memory.Allocator, a arrow.Array) (*flat, error) {
	var offs []int32
	var parts []arrow.Array
	switch x := a.(type) {
	case *array.Map:
		offs, parts = x.Offsets(), []arrow.Array{x.Keys(), x.Items()}
	case *array.List:
		offs, parts = x.Offsets(), []arrow.Array{x.ListValues()}
	default:
		return nil, fmt.Errorf("expected an array or a map, got %s", a.DataType())
	}
	n := a.Len()
	off := a.Data().Offset()
	offs = offs[off : off+n+1] // Offsets() is the whole buffer
	f := &flat{starts: make([]int32, n+1)}
	contiguous := true
	if a.NullN() == 0 {
		for i := range n {
			f.starts[i+1] = offs[i+1] - offs[0]
		}
	} else {
		f.nullBits, f.nullOff = a.NullBitmapBytes(), off
		for i := 0; i < n; i++ {
			l := offs[i+1] - offs[i]
			if !f.valid(i) {
				if l != 0 {
					contiguous = false
				}
				l = 0
			}
			f.starts[i+1] = f.starts[i] + l
		}
	}
	if contiguous {
		lo, hi := int64(offs[0]), int64(offs[n])
		for _, p := range parts {
			f.elems = append(f.elems, array.NewSlice(p, lo, hi))
		}
		return f, nil
	}
	idx := make([]int32, 0, f.count())
	for i := 0; i < n; i++ {
		if f.valid(i) {
			for k := offs[i]; k < offs[i+1]; k++ {
				idx = append(idx, k)
			}
		}
	}
	for _, p := range parts {
		t, err := take(mem, p, idx)
		if err != nil {
			f.release()
			return nil, err
		}
		f.elems = append(f.elems, t)
	}
	return f, nil
}

// listFrom builds a list array of n rows over values: row i holds
// values[starts[i]:starts[i+1]], NULL where valid says so.
func listFrom(values arrow.Array, starts []int32, valid func(int) bool) arrow.Array {
	n := len(starts) - 1
	offsets := memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(append([]int32(nil), starts...)))
	bits, nulls := validityOf(n, valid)
	lt := arrow.ListOfField(arrow.Field{Name: "item", Type: values.DataType(), Nullable: true})
	d := array.NewData(lt, n, []*memory.Buffer{bits, offsets}, []arrow.ArrayData{values.Data()}, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// mapFrom builds a map array of n rows over keys and items.
func mapFrom(keys, items arrow.Array, starts []int32, valid func(int) bool) arrow.Array {
	n := len(starts) - 1
	mt := arrow.MapOf(keys.DataType(), items.DataType())
	entries := array.NewData(mt.Elem(), keys.Len(), []*memory.Buffer{nil}, []arrow.ArrayData{keys.Data(), items.Data()}, 0, 0)
	defer entries.Release()
	offsets := memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(append([]int32(nil), starts...)))
	bits, nulls := validityOf(n, valid)
	d := array.NewData(mt, n, []*memory.Buffer{bits, offsets}, []arrow.ArrayData{entries}, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// validityOf builds a validity bitmap of n rows (nil when all are valid).
func validityOf(n int, valid func(int) bool) (*memory.Buffer, int) {
	nulls := 0
	for i := 0; i < n; i++ {
		if !valid(i) {
			nulls++
		}
	}
	if nulls == 0 {
		return nil, 0
	}
	bits := make([]byte, (n+7)/8)
	for i := 0; i < n; i++ {
		if valid(i) {
			bits[i/8] |= 1 << (i % 8)
		}
	}
	return memory.NewBufferBytes(bits), nulls
}

// takeOrNull is take where index -1 gives NULL (zip_with pads the shorter
// array).
func takeOrNull(mem memory.Allocator, a arrow.Array, idx []int32) (arrow.Array, error) {
	pad := false
	for _, i := range idx {
		if i < 0 {
			pad = true
			break
		}
	}
	if !pad {
		return take(mem, a, idx)
	}
	b := array.NewBuilder(mem, plainType(a.DataType()))
	defer b.Release()
	for k := 0; k < len(idx); {
		if idx[k] < 0 {
			b.AppendNull()
			k++
			continue
		}
		e := k
		for e < len(idx) && idx[e] >= 0 {
			e++
		}
		if err := appendRowsTo(b, a, idx[k:e]); err != nil {
			return nil, err
		}
		k = e
	}
	return b.NewArray(), nil
}

// lambdaCallEval evaluates a higher-order function.
type lambdaCallEval struct {
	e       *planner.LambdaCall
	args    []Evaluator // nil at lambda positions
	lambdas []*compiledLambda
	env     *Env
}

func (c *compiler) lambdaCall(e *planner.LambdaCall) (Evaluator, error) {
	ev := &lambdaCallEval{e: e, args: make([]Evaluator, len(e.Args)), env: c.env}
	for i, a := range e.Args {
		if _, ok := a.(*planner.Lambda); ok {
			cl, err := c.lambda(a)
			if err != nil {
				return nil, err
			}
			ev.lambdas = append(ev.lambdas, cl)
			continue
		}
		x, err := c.expr(a)
		if err != nil {
			return nil, err
		}
		ev.args[i] = x
	}
	if _, ok := lambdaFuncs[e.Name]; !ok {
		return nil, exprErr(e, fmt.Errorf("%s is not implemented", e.Name))
	}
	return ev, nil
}

// lambdaRun is what a higher-order function's implementation gets: the
// batch's value arguments (n rows each, plain), the lambdas and their
// frames.
type lambdaRun struct {
	ctx     context.Context
	mem     memory.Allocator
	n       int
	args    []arrow.Array // nil at lambda positions
	lambdas []*compiledLambda
	frames  [][]arrow.Array
	ret     planner.Type
}

var lambdaFuncs = map[string]func(r *lambdaRun) (arrow.Array, error){}

func (ev *lambdaCallEval) Eval(ctx context.Context, b Batch) (Vec, error) {
	r := &lambdaRun{ctx: ctx, mem: ev.env.mem(), n: b.Len(), args: make([]arrow.Array, len(ev.args)),
		lambdas: ev.lambdas, ret: ev.e.T}
	defer func() {
		releaseAll(r.args)
		for _, f := range r.frames {
			releaseAll(f)
		}
	}()
	for i, a := range ev.args {
		if a == nil {
			continue
		}
		v, err := a.Eval(ctx, b)
		if err != nil {
			return Vec{}, err
		}
		arr, err := materialize(r.mem, v, ev.e.Args[i].Type(), r.n)
		v.Release()
		if err != nil {
			return Vec{}, err
		}
		r.args[i] = arr
	}
	for _, l := range ev.lambdas {
		f, err := l.frame(ctx, b)
		if err != nil {
			return Vec{}, err
		}
		r.frames = append(r.frames, f)
	}
	out, err := lambdaFuncs[ev.e.Name](r)
	if err != nil {
		return Vec{}, exprErr(ev.e, err)
	}
	return Vec{Arr: out}, nil
}

// call applies lambda k to params for elements of the given parents.
func (r *lambdaRun) call(k int, params []arrow.Array, parents []int32) (arrow.Array, error) {
	return r.lambdas[k].apply(r.ctx, params, len(parents), func() []int32 { return parents }, r.frames[k])
}

// callFlat applies lambda k to the elements of f.
func (r *lambdaRun) callFlat(k int, f *flat) (arrow.Array, error) {
	return r.lambdas[k].apply(r.ctx, f.elems, f.count(), f.parentsOf, r.frames[k])
}
