package exec

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/planner"
)

// A row-at-a-time reference interpreter over Go values (nil = NULL),
// written independently of the vectorized compiler. Values: int64, string,
// bool.
func refEval(e planner.Expr, row []any) any {
	switch e := e.(type) {
	case *planner.InputRef:
		return row[e.Index]
	case *planner.Literal:
		if e.V.Null {
			return nil
		}
		switch e.T.Kind {
		case planner.KindBigint:
			return e.V.Int
		case planner.KindVarchar:
			return e.V.Str
		case planner.KindBoolean:
			return e.V.Bool
		}
	case *planner.Compare:
		l, r := refEval(e.L, row), refEval(e.R, row)
		if e.Op == planner.OpIsDistinct || e.Op == planner.OpIsNotDistinct {
			same := (l == nil && r == nil) || (l != nil && r != nil && refCompare(l, r, false, false) == 0)
			return same == (e.Op == planner.OpIsNotDistinct)
		}
		if l == nil || r == nil {
			return nil
		}
		c := refCompare(l, r, false, false)
		return map[planner.CmpOp]bool{planner.OpEq: c == 0, planner.OpNe: c != 0, planner.OpLt: c < 0, planner.OpLe: c <= 0, planner.OpGt: c > 0, planner.OpGe: c >= 0}[e.Op]
	case *planner.Logic:
		var acc *bool = bp(!e.Or)
		for _, a := range e.Args {
			v := toBoolP(refEval(a, row))
			if e.Or {
				acc = kOr(acc, v)
			} else {
				acc = kAnd(acc, v)
			}
		}
		return fmtP(acc)
	case *planner.Not:
		return fmtP(kNot(toBoolP(refEval(e.X, row))))
	case *planner.IsNull:
		return (refEval(e.X, row) == nil) != e.Negate
	case *planner.In:
		x := refEval(e.X, row)
		if x == nil {
			return nil
		}
		sawNull := false
		for _, it := range e.List {
			v := refEval(it, row)
			if v == nil {
				sawNull = true
			} else if refCompare(x, v, false, false) == 0 {
				return !e.Negate
			}
		}
		if sawNull {
			return nil
		}
		return e.Negate
	case *planner.Like:
		x, p := refEval(e.X, row), refEval(e.Pattern, row)
		if x == nil || p == nil {
			return nil
		}
		return refLike(x.(string), p.(string)) != e.Negate
	case *planner.Case:
		for _, w := range e.Whens {
			if c := refEval(w.Cond, row); c != nil && c.(bool) {
				return refEval(w.Result, row)
			}
		}
		if e.Else == nil {
			return nil
		}
		return refEval(e.Else, row)
	case *planner.Coalesce:
		for _, a := range e.Args {
			if v := refEval(a, row); v != nil {
				return v
			}
		}
		return nil
	}
	panic(fmt.Sprintf("refEval %T", e))
}

func toBoolP(v any) *bool {
	if v == nil {
		return nil
	}
	return bp(v.(bool))
}

// refLike: % and _ only (the generator uses no escapes), by recursion.
func refLike(s, p string) bool {
	if p == "" {
		return s == ""
	}
	switch p[0] {
	case '%':
		for i := 0; i <= len(s); i++ {
			if refLike(s[i:], p[1:]) {
				return true
			}
		}
		return false
	case '_':
		return s != "" && refLike(s[1:], p[1:])
	}
	return s != "" && s[0] == p[0] && refLike(s[1:], p[1:])
}

// exprGen builds random boolean expressions over columns
// n bigint, s varchar, t varchar, b boolean.
type exprGen struct{ rng *rand.Rand }

var genWords = []string{"a", "ab", "b", "ba", "abc", ""}

func (g *exprGen) intExpr() planner.Expr {
	if g.rng.Intn(3) == 0 {
		if g.rng.Intn(6) == 0 {
			return &planner.Literal{V: planner.Value{Null: true}, T: planner.Bigint}
		}
		return lit(int64(g.rng.Intn(5)))
	}
	return ref(0, "n", planner.Bigint)
}

func (g *exprGen) strExpr(depth int) planner.Expr {
	switch r := g.rng.Intn(8); {
	case r < 3:
		return ref(1, "s", planner.Varchar)
	case r < 5:
		return ref(2, "t", planner.Varchar)
	case r < 6 && depth > 0:
		return &planner.Case{T: planner.Varchar, Whens: []planner.When{{Cond: g.boolExpr(depth - 1), Result: g.strExpr(depth - 1)}}, Else: g.strExpr(depth - 1)}
	case r < 7 && depth > 0:
		return &planner.Coalesce{T: planner.Varchar, Args: []planner.Expr{g.strExpr(depth - 1), g.strExpr(depth - 1)}}
	}
	if g.rng.Intn(8) == 0 {
		return &planner.Literal{V: planner.Value{Null: true}, T: planner.Varchar}
	}
	return lit(genWords[g.rng.Intn(len(genWords))])
}

func (g *exprGen) boolExpr(depth int) planner.Expr {
	ops := []planner.CmpOp{planner.OpEq, planner.OpNe, planner.OpLt, planner.OpLe, planner.OpGt, planner.OpGe, planner.OpIsDistinct, planner.OpIsNotDistinct}
	n := 7
	if depth <= 0 {
		n = 4
	}
	switch g.rng.Intn(n) {
	case 0:
		return &planner.Compare{Op: ops[g.rng.Intn(len(ops))], L: g.strExpr(depth - 1), R: g.strExpr(depth - 1)}
	case 1:
		return &planner.Compare{Op: ops[g.rng.Intn(len(ops))], L: g.intExpr(), R: g.intExpr()}
	case 2:
		var list []planner.Expr
		for i := 0; i <= g.rng.Intn(3); i++ {
			list = append(list, g.strExpr(0))
		}
		return &planner.In{X: g.strExpr(depth - 1), List: list, Negate: g.rng.Intn(2) == 0}
	case 3:
		pats := []string{"a%", "%b", "_b%", "%", "ab", "%a%"}
		var x planner.Expr = &planner.IsNull{X: g.strExpr(depth - 1), Negate: g.rng.Intn(2) == 0}
		if g.rng.Intn(3) > 0 {
			x = &planner.Like{X: g.strExpr(depth - 1), Pattern: lit(pats[g.rng.Intn(len(pats))]), Negate: g.rng.Intn(2) == 0}
		}
		return x
	case 4:
		return &planner.Not{X: g.boolExpr(depth - 1)}
	default:
		args := []planner.Expr{g.boolExpr(depth - 1), g.boolExpr(depth - 1)}
		if g.rng.Intn(2) == 0 {
			args = append(args, ref(3, "b", planner.Boolean))
		}
		return &planner.Logic{Or: g.rng.Intn(2) == 0, Args: args}
	}
}

// TestRandomExpressions compares Eval and Select of random predicates with
// the reference interpreter, on plain and dictionary strings, with and
// without selections.
func TestRandomExpressions(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	const rows = 200
	cols := []col{{"n", planner.Bigint, false, nil}, {"s", planner.Varchar, false, nil}, {"t", planner.Varchar, false, nil}, {"b", planner.Boolean, false, nil}}
	for i := 0; i < rows; i++ {
		pick := func(v any) any {
			if rng.Intn(6) == 0 {
				return nil
			}
			return v
		}
		cols[0].vals = append(cols[0].vals, pick(int64(rng.Intn(5))))
		cols[1].vals = append(cols[1].vals, pick(genWords[rng.Intn(len(genWords))]))
		cols[2].vals = append(cols[2].vals, pick(genWords[rng.Intn(len(genWords))]))
		cols[3].vals = append(cols[3].vals, pick(rng.Intn(2) == 0))
	}
	table := make([][]any, rows)
	for i := range table {
		for _, c := range cols {
			table[i] = append(table[i], c.vals[i])
		}
	}
	var half []int32
	for i := 0; i < rows; i++ {
		if rng.Intn(2) == 0 {
			half = append(half, int32(i))
		}
	}
	plainCols := append([]col(nil), cols...)
	dictCols := append([]col(nil), cols...)
	dictCols[1].dict, dictCols[2].dict = true, true
	plain, dict := mkRecord(plainCols...), mkRecord(dictCols...)
	defer plain.Release()
	defer dict.Release()
	g := &exprGen{rng: rng}
	iters := 400
	if os.Getenv("EXEC_LONG") != "" {
		iters = 20000
	}
	for it := 0; it < iters; it++ {
		e := g.boolExpr(3)
		for _, rec := range []struct {
			name string
			r    arrow.Record
		}{{"plain", plain}, {"dict", dict}} {
			r := rec.r
			for _, sel := range [][]int32{nil, half} {
				b := Batch{Rec: r, Sel: sel}
				ev, err := Compile(e, r.Schema(), &Env{})
				if err != nil {
					t.Fatalf("%s: %v", e, err)
				}
				v, err := ev.Eval(context.Background(), b)
				if err != nil {
					t.Fatalf("%s: %v", e, err)
				}
				s, err := CompileSelector(e, r.Schema(), &Env{})
				if err != nil {
					t.Fatalf("%s: %v", e, err)
				}
				got, err := s.Select(context.Background(), b)
				if err != nil {
					t.Fatalf("%s: %v", e, err)
				}
				var want []int32
				var diffs []string
				for i, row := range liveRows(b) {
					w := refEval(e, table[row])
					var gv any
					if v.IsConst {
						gv = fmtP(constBool(v))
					} else {
						gv = cell(v.Arr, i)
					}
					if gv != w {
						diffs = append(diffs, fmt.Sprintf("row %d %v: %v want %v", row, table[row], gv, w))
					}
					if w == true {
						want = append(want, row)
					}
				}
				v.Release()
				if len(diffs) > 0 {
					t.Fatalf("%s (%s, sel=%v): Eval differs in %d rows, e.g. %s", e, rec.name, sel != nil, len(diffs), strings.Join(diffs[:min(3, len(diffs))], "; "))
				}
				if fmt.Sprint(got) != fmt.Sprint(want) && !(len(got) == 0 && len(want) == 0) {
					t.Fatalf("%s (%s, sel=%v): Select %v\nwant %v", e, rec.name, sel != nil, got, want)
				}
			}
		}
	}
}
