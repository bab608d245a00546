package exec

import (
	"cmp"
	"context"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/planner"
)

// valuePred tests the non-NULL values of one array against constants: a
// comparison with a literal, an IN list, a LIKE pattern.
type valuePred interface {
	// tester returns a test of row i of a (valid rows only); a is never a
	// dictionary (dictionaries are tested once per entry).
	tester(a arrow.Array) (func(i int) bool, error)
}

// unaryPred is a predicate on one operand x with SQL's NULL rules: NULL
// when x is NULL; a miss is NULL instead of FALSE when nullOnMiss (an IN
// list holding NULL); negate applies NOT after that.
type unaryPred struct {
	x          Evaluator
	xType      planner.Type
	path       colPath
	isPath     bool
	pred       valuePred
	negate     bool
	nullOnMiss bool
	e          planner.Expr
	env        *Env

	lastDict arrow.Array // dictionary of the previous batch, retained
	lastTbl  []int8
}

const (
	triNull  int8 = 0
	triFalse int8 = 1
	triTrue  int8 = 2
)

// dictTable tests every dictionary entry once: triNull, triFalse (miss) or
// triTrue (match), before NULL rules. Consecutive batches from one ORC
// stripe share their dictionary, so the table is reused.
func (p *unaryPred) dictTable(d *array.Dictionary) ([]int8, error) {
	dict := d.Dictionary()
	if p.lastDict != nil && p.lastDict.Data() == dict.Data() {
		return p.lastTbl, nil
	}
	test, err := p.pred.tester(dict)
	if err != nil {
		return nil, err
	}
	tbl := make([]int8, dict.Len())
	for k := range tbl {
		switch {
		case dict.IsNull(k):
			tbl[k] = triNull
		case test(k):
			tbl[k] = triTrue
		default:
			tbl[k] = triFalse
		}
	}
	if p.lastDict != nil {
		p.lastDict.Release()
	}
	dict.Retain()
	p.lastDict, p.lastTbl = dict, tbl
	return tbl, nil
}

// final applies NULL rules and negation to a raw test result.
func (p *unaryPred) final(t int8) int8 {
	if t == triFalse && p.nullOnMiss {
		t = triNull
	}
	if p.negate && t != triNull {
		t = 3 - t
	}
	return t
}

// match returns the rows (indexes into a; nil rows means every row of a)
// where the predicate is TRUE.
func (p *unaryPred) match(a arrow.Array, rows []int32) ([]int32, error) {
	n := len(rows)
	if rows == nil {
		n = a.Len()
	}
	out := make([]int32, 0, n)
	if p.negate && p.nullOnMiss {
		return out, nil // NOT IN (..., NULL) is never TRUE
	}
	want := !p.negate
	var keep func(r int) bool
	if d, ok := a.(*array.Dictionary); ok {
		tbl, err := p.dictTable(d)
		if err != nil {
			return nil, err
		}
		// Per entry: does a row holding it pass? NULL entries never do.
		pass := make([]bool, len(tbl))
		for k, t := range tbl {
			pass[k] = t != triNull && (t == triTrue) == want
		}
		idx := dictIndexes(d)
		if d.NullN() == 0 {
			if rows == nil {
				for r, k := range idx[:n] {
					if pass[k] {
						out = append(out, int32(r))
					}
				}
				return out, nil
			}
			for _, r := range rows {
				if pass[idx[r]] {
					out = append(out, r)
				}
			}
			return out, nil
		}
		keep = func(r int) bool { return d.IsValid(r) && pass[idx[r]] }
	} else {
		test, err := p.pred.tester(a)
		if err != nil {
			return nil, err
		}
		keep = test
		if !want {
			keep = func(r int) bool { return !test(r) }
		}
		if a.NullN() > 0 {
			k := keep
			keep = func(r int) bool { return a.IsValid(r) && k(r) }
		}
	}
	if rows == nil {
		for r := 0; r < n; r++ {
			if keep(r) {
				out = append(out, int32(r))
			}
		}
		return out, nil
	}
	for _, r := range rows {
		if keep(int(r)) {
			out = append(out, r)
		}
	}
	return out, nil
}

// values computes the predicate's three-valued result for every row of a.
func (p *unaryPred) values(a arrow.Array) (arrow.Array, error) {
	n := a.Len()
	tri := make([]int8, n)
	if d, ok := a.(*array.Dictionary); ok {
		tbl, err := p.dictTable(d)
		if err != nil {
			return nil, err
		}
		idx := dictIndexes(d)
		for i := range tri {
			if d.IsValid(i) {
				tri[i] = tbl[idx[i]]
			}
		}
	} else {
		test, err := p.pred.tester(a)
		if err != nil {
			return nil, err
		}
		for i := range tri {
			if a.IsValid(i) {
				tri[i] = triFalse
				if test(i) {
					tri[i] = triTrue
				}
			}
		}
	}
	b := array.NewBooleanBuilder(p.env.mem())
	defer b.Release()
	b.Reserve(n)
	for _, t := range tri {
		switch p.final(t) {
		case triNull:
			b.AppendNull()
		case triTrue:
			b.UnsafeAppend(true)
		default:
			b.UnsafeAppend(false)
		}
	}
	return b.NewArray(), nil
}

func (p *unaryPred) Eval(ctx context.Context, b Batch) (Vec, error) {
	v, err := p.x.Eval(ctx, b)
	if err != nil {
		return Vec{}, err
	}
	defer v.Release()
	if v.IsConst {
		t, err := p.constTri(v.Const)
		if err != nil {
			return Vec{}, exprErr(p.e, err)
		}
		return constVec(triValue(t)), nil
	}
	out, err := p.values(v.Arr)
	return Vec{Arr: out}, exprErr(p.e, err)
}

func (p *unaryPred) constTri(c planner.Value) (int8, error) {
	if c.Null {
		return triNull, nil
	}
	a, err := constArray(p.env.mem(), p.xType, c, 1)
	if err != nil {
		return 0, err
	}
	defer a.Release()
	test, err := p.pred.tester(a)
	if err != nil {
		return 0, err
	}
	t := triFalse
	if test(0) {
		t = triTrue
	}
	return p.final(t), nil
}

func triValue(t int8) planner.Value {
	if t == triNull {
		return planner.Value{Null: true}
	}
	return planner.Value{Bool: t == triTrue}
}

func (p *unaryPred) Select(ctx context.Context, b Batch) ([]int32, error) {
	if p.isPath {
		a, err := p.path.resolve(b.Rec)
		if err != nil {
			return nil, exprErr(p.e, err)
		}
		defer a.Release()
		out, err := p.match(a, b.Sel)
		return out, exprErr(p.e, err)
	}
	v, err := p.x.Eval(ctx, b)
	if err != nil {
		return nil, err
	}
	defer v.Release()
	if v.IsConst {
		t, err := p.constTri(v.Const)
		if err != nil {
			return nil, exprErr(p.e, err)
		}
		if t == triTrue {
			return append([]int32(nil), liveRows(b)...), nil
		}
		return []int32{}, nil
	}
	live := liveRows(b)
	pos, err := p.match(v.Arr, nil)
	if err != nil {
		return nil, exprErr(p.e, err)
	}
	for i, q := range pos {
		pos[i] = live[q]
	}
	return pos, nil
}

func identity(n int) []int32 {
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(i)
	}
	return out
}

// cmpConst compares values with one constant.
type cmpConst struct {
	op planner.CmpOp
	c  planner.Value
}

func (p *cmpConst) tester(a arrow.Array) (func(int) bool, error) {
	if vals, ok := int64s(a); ok {
		return ordTest(p.op, vals, p.c.Int), nil
	}
	switch a := a.(type) {
	case *array.Float64:
		return ordTest(p.op, a.Float64Values(), p.c.Float), nil
	case *array.String:
		c := p.c.Str
		switch p.op {
		case planner.OpEq:
			return func(i int) bool { return a.Value(i) == c }, nil
		case planner.OpNe:
			return func(i int) bool { return a.Value(i) != c }, nil
		}
		op := p.op
		return func(i int) bool { return opHolds(op, cmp.Compare(a.Value(i), c)) }, nil
	case *array.Boolean:
		c, op := b2i(p.c.Bool), p.op
		return func(i int) bool { return opHolds(op, cmp.Compare(b2i(a.Value(i)), c)) }, nil
	case *array.Binary:
		c, op := p.c.Str, p.op
		return func(i int) bool { return opHolds(op, cmp.Compare(bytesView(a.Value(i)), c)) }, nil
	}
	return nil, fmt.Errorf("cannot compare values of type %s", a.DataType())
}

// ordTest is a comparison with a constant over a typed slice, one closure
// per operator so that the loop body does no dispatch on op.
func ordTest[T cmp.Ordered](op planner.CmpOp, vals []T, c T) func(int) bool {
	switch op {
	case planner.OpEq:
		return func(i int) bool { return vals[i] == c }
	case planner.OpNe:
		return func(i int) bool { return vals[i] != c }
	case planner.OpLt:
		return func(i int) bool { return vals[i] < c }
	case planner.OpLe:
		return func(i int) bool { return vals[i] <= c }
	case planner.OpGt:
		return func(i int) bool { return vals[i] > c }
	default:
		return func(i int) bool { return vals[i] >= c }
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// opHolds reports whether a three-way comparison result satisfies op.
func opHolds(op planner.CmpOp, c int) bool {
	switch op {
	case planner.OpEq, planner.OpIsNotDistinct:
		return c == 0
	case planner.OpNe, planner.OpIsDistinct:
		return c != 0
	case planner.OpLt:
		return c < 0
	case planner.OpLe:
		return c <= 0
	case planner.OpGt:
		return c > 0
	default:
		return c >= 0
	}
}

// flipOp is the operator with its operands swapped: c < x is x > c.
func flipOp(op planner.CmpOp) planner.CmpOp {
	switch op {
	case planner.OpLt:
		return planner.OpGt
	case planner.OpLe:
		return planner.OpGe
	case planner.OpGt:
		return planner.OpLt
	case planner.OpGe:
		return planner.OpLe
	}
	return op
}

// negOp is NOT op for non-NULL operands: NOT (x < c) is x >= c.
func negOp(op planner.CmpOp) planner.CmpOp {
	switch op {
	case planner.OpEq:
		return planner.OpNe
	case planner.OpNe:
		return planner.OpEq
	case planner.OpLt:
		return planner.OpGe
	case planner.OpLe:
		return planner.OpGt
	case planner.OpGt:
		return planner.OpLe
	case planner.OpGe:
		return planner.OpLt
	case planner.OpIsDistinct:
		return planner.OpIsNotDistinct
	}
	return planner.OpIsDistinct
}
