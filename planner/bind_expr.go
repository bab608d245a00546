package planner

import (
	"encoding/hex"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ctlake/ctlake/sql"
)

// aggRef stands for an aggregate call while a select list is bound; the
// aggregation step replaces it with a reference to the Aggregate's output.
type aggRef struct {
	idx int
	T   Type
	P   int
	txt string
}

func (e *aggRef) Type() Type     { return e.T }
func (e *aggRef) Pos() int       { return e.P }
func (e *aggRef) String() string { return e.txt }
func (*aggRef) exprNode()        {}

// aggCollector gathers the aggregate calls of one SELECT block. nil means
// aggregates are not allowed where the expression stands (WHERE, GROUP BY,
// inside another aggregate).
type aggCollector struct {
	calls    []AggCall
	byTxt    map[string]int
	grouping bool // grouping() was called: the block aggregates
}

func (a *aggCollector) add(c AggCall) *aggRef {
	if a.byTxt == nil {
		a.byTxt = map[string]int{}
	}
	key := c.Label
	if i, ok := a.byTxt[key]; ok {
		return &aggRef{idx: i, T: a.calls[i].T, P: c.P, txt: key}
	}
	a.calls = append(a.calls, c)
	a.byTxt[key] = len(a.calls) - 1
	return &aggRef{idx: len(a.calls) - 1, T: c.T, P: c.P, txt: key}
}

// expr binds a SQL expression in scope sc; aggs collects aggregate calls
// (nil where they are not allowed).
func (b *binder) expr(sc *scope, e sql.Expr, aggs *aggCollector) (Expr, error) {
	switch e := e.(type) {
	case *sql.ColumnRef:
		return b.resolveColumn(sc, e)
	case *sql.Literal:
		return b.literal(e)
	case *sql.Interval:
		return b.interval(e)
	case *sql.FuncCall:
		return b.call(sc, e, aggs)
	case *sql.Binary:
		return b.binary(sc, e, aggs)
	case *sql.Unary:
		x, err := b.expr(sc, e.Expr, aggs)
		if err != nil {
			return nil, err
		}
		switch strings.ToUpper(e.Op) {
		case "NOT":
			x, err = b.coerce(x, Boolean, e.Pos)
			if err != nil {
				return nil, err
			}
			return &Not{X: x, P: e.Pos}, nil
		case "+":
			return x, nil
		default:
			if _, err := b.opts.Functions.Scalar("negate", []Type{x.Type()}); err != nil {
				return nil, b.errorf(e.Pos, ErrType, "cannot apply operator - to %s", x.Type())
			}
			return b.scalarCall("negate", []Expr{x}, e.Pos)
		}
	case *sql.Like:
		x, err := b.expr(sc, e.Expr, aggs)
		if err != nil {
			return nil, err
		}
		pat, err := b.expr(sc, e.Pattern, aggs)
		if err != nil {
			return nil, err
		}
		if x, err = b.coerce(x, Varchar, e.OpPos); err != nil {
			return nil, err
		}
		if pat, err = b.coerce(pat, Varchar, e.Pattern.Position()); err != nil {
			return nil, err
		}
		l := &Like{X: x, Pattern: pat, Negate: e.Not, P: e.OpPos}
		if e.Escape != nil {
			esc, err := b.expr(sc, e.Escape, aggs)
			if err != nil {
				return nil, err
			}
			if l.Escape, err = b.coerce(esc, Varchar, e.Escape.Position()); err != nil {
				return nil, err
			}
		}
		return l, nil
	case *sql.In:
		if e.Subquery != nil {
			return b.inSubquery(sc, e, aggs)
		}
		x, err := b.expr(sc, e.Expr, aggs)
		if err != nil {
			return nil, err
		}
		items := []Expr{x}
		for _, it := range e.List {
			v, err := b.expr(sc, it, aggs)
			if err != nil {
				return nil, err
			}
			items = append(items, v)
		}
		t, err := b.commonType(items, e.OpPos)
		if err != nil {
			return nil, err
		}
		for i := range items {
			if items[i], err = b.coerce(items[i], t, items[i].Pos()); err != nil {
				return nil, err
			}
		}
		return &In{X: items[0], List: items[1:], Negate: e.Not, P: e.OpPos}, nil
	case *sql.Between:
		x, err := b.expr(sc, e.Expr, aggs)
		if err != nil {
			return nil, err
		}
		lo, err := b.expr(sc, e.Low, aggs)
		if err != nil {
			return nil, err
		}
		hi, err := b.expr(sc, e.High, aggs)
		if err != nil {
			return nil, err
		}
		c1, err := b.compare(OpGe, x, lo, e.OpPos)
		if err != nil {
			return nil, err
		}
		c2, err := b.compare(OpLe, x, hi, e.OpPos)
		if err != nil {
			return nil, err
		}
		var out Expr = &Logic{Args: []Expr{c1, c2}, P: e.OpPos}
		if e.Not {
			out = &Not{X: out, P: e.OpPos}
		}
		return out, nil
	case *sql.IsNull:
		x, err := b.expr(sc, e.Expr, aggs)
		if err != nil {
			return nil, err
		}
		return &IsNull{X: x, Negate: e.Not, P: e.OpPos}, nil
	case *sql.IsDistinctFrom:
		l, err := b.expr(sc, e.Left, aggs)
		if err != nil {
			return nil, err
		}
		r, err := b.expr(sc, e.Right, aggs)
		if err != nil {
			return nil, err
		}
		op := OpIsDistinct
		if e.Not {
			op = OpIsNotDistinct
		}
		return b.compare(op, l, r, e.OpPos)
	case *sql.Case:
		return b.caseExpr(sc, e, aggs)
	case *sql.Cast:
		x, err := b.expr(sc, e.Expr, aggs)
		if err != nil {
			return nil, err
		}
		t, err := b.sqlType(e.Type)
		if err != nil {
			return nil, err
		}
		if x.Type().Equal(t) {
			return x, nil
		}
		return &Cast{X: x, To: t, Try: e.TryCast, P: e.Pos}, nil
	case *sql.Subscript:
		x, err := b.expr(sc, e.Expr, aggs)
		if err != nil {
			return nil, err
		}
		idx, err := b.expr(sc, e.Index, aggs)
		if err != nil {
			return nil, err
		}
		return b.scalarCall("subscript", []Expr{x, idx}, e.Pos)
	case *sql.FieldAccess:
		x, err := b.expr(sc, e.Expr, aggs)
		if err != nil {
			return nil, err
		}
		return b.field(x, e.Field, e.FieldPos)
	case *sql.Subquery:
		return b.scalarSubquery(sc, e)
	case *sql.Exists:
		return b.existsSubquery(sc, e)
	}
	if x, ok, err := b.formExpr(sc, e, aggs); ok {
		return x, err
	}
	return nil, b.errorf(e.Position(), ErrUnsupported, "this expression is not supported yet")
}

func (b *binder) literal(e *sql.Literal) (Expr, error) {
	switch e.Kind {
	case sql.LitNull:
		return &Literal{V: Value{Null: true}, T: Unknown, P: e.Pos}, nil
	case sql.LitBool:
		return &Literal{V: Value{Bool: strings.EqualFold(e.Value, "true")}, T: Boolean, P: e.Pos}, nil
	case sql.LitString:
		return &Literal{V: Value{Str: e.Value}, T: Varchar, P: e.Pos}, nil
	case sql.LitInteger:
		n, err := strconv.ParseInt(e.Value, 10, 64)
		if err != nil {
			return nil, b.errorf(e.Pos, ErrType, "integer %s is out of the bigint range", e.Value)
		}
		return &Literal{V: Value{Int: n}, T: Bigint, P: e.Pos}, nil
	case sql.LitDecimal, sql.LitDouble:
		f, err := strconv.ParseFloat(e.Value, 64)
		if err != nil || math.IsInf(f, 0) {
			return nil, b.errorf(e.Pos, ErrType, "number %s is out of range", e.Value)
		}
		return &Literal{V: Value{Float: f}, T: Double, P: e.Pos}, nil
	case sql.LitBinary:
		h := strings.Join(strings.Fields(e.Value), "")
		raw, err := hex.DecodeString(h)
		if err != nil {
			return nil, b.errorf(e.Pos, ErrType, "invalid binary literal X'%s': hex digits expected", e.Value)
		}
		return &Literal{V: Value{Str: string(raw)}, T: Varbinary, P: e.Pos}, nil
	case sql.LitTimestamp:
		if lit, ok := timestampTZLiteral(e); ok {
			return lit, nil
		}
		ns, ok := parseTimestampLiteral(e.Value)
		if !ok {
			return nil, b.errorf(e.Pos, ErrType, "invalid timestamp literal '%s' (use 'YYYY-MM-DD HH:MM:SS[.fff]')", e.Value)
		}
		return &Literal{V: Value{Int: ns}, T: Timestamp, P: e.Pos}, nil
	case sql.LitDate:
		t, err := time.Parse("2006-01-02", strings.TrimSpace(e.Value))
		if err != nil {
			return nil, b.errorf(e.Pos, ErrType, "invalid date literal '%s' (use 'YYYY-MM-DD')", e.Value)
		}
		return &Literal{V: Value{Int: t.Unix() / 86400}, T: Date, P: e.Pos}, nil
	}
	return nil, b.errorf(e.Pos, ErrUnsupported, "this literal type is not supported")
}

func (b *binder) interval(e *sql.Interval) (Expr, error) {
	if e.To != "" {
		return b.intervalRange(e)
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(e.Value), 64)
	if err != nil {
		return nil, b.errorf(e.Pos, ErrType, "invalid interval value '%s'", e.Value)
	}
	if e.Negative {
		v = -v
	}
	unit := strings.ToUpper(e.Unit)
	switch unit {
	case "YEAR":
		return &Literal{V: Value{Int: int64(v * 12)}, T: Type{Kind: KindIntervalYM}, P: e.Pos}, nil
	case "MONTH":
		return &Literal{V: Value{Int: int64(v)}, T: Type{Kind: KindIntervalYM}, P: e.Pos}, nil
	}
	mult := map[string]float64{"DAY": 86400e9, "HOUR": 3600e9, "MINUTE": 60e9, "SECOND": 1e9}[unit]
	if mult == 0 {
		return nil, b.errorf(e.Pos, ErrUnsupported, "interval unit %s is not supported", e.Unit)
	}
	return &Literal{V: Value{Int: int64(math.Round(v * mult))}, T: Interval, P: e.Pos}, nil
}

var arithNames = map[string]string{
	sql.OpAdd: "add", sql.OpSub: "subtract", sql.OpMul: "multiply", sql.OpDiv: "divide",
	sql.OpMod: "modulus", sql.OpConcat: "concat",
}

var cmpOps = map[string]CmpOp{
	sql.OpEq: OpEq, sql.OpNe: OpNe, "!=": OpNe, sql.OpLt: OpLt, sql.OpLe: OpLe, sql.OpGt: OpGt, sql.OpGe: OpGe,
}

func (b *binder) binary(sc *scope, e *sql.Binary, aggs *aggCollector) (Expr, error) {
	l, err := b.expr(sc, e.Left, aggs)
	if err != nil {
		return nil, err
	}
	r, err := b.expr(sc, e.Right, aggs)
	if err != nil {
		return nil, err
	}
	op := strings.ToUpper(e.Op)
	if op == sql.OpAnd || op == sql.OpOr {
		if l, err = b.coerce(l, Boolean, e.Left.Position()); err != nil {
			return nil, err
		}
		if r, err = b.coerce(r, Boolean, e.Right.Position()); err != nil {
			return nil, err
		}
		or := op == sql.OpOr
		var args []Expr
		if lg, ok := l.(*Logic); ok && lg.Or == or && b.growable[lg] {
			// The left arm's list may grow in place once (whoever else
			// holds lg keeps seeing its own length), so a chain of n ANDs
			// costs O(n), not O(n²).
			delete(b.growable, lg)
			args = lg.Args
		} else if ok && lg.Or == or {
			args = append([]Expr(nil), lg.Args...)
		} else {
			args = []Expr{l}
		}
		if lg, ok := r.(*Logic); ok && lg.Or == or {
			args = append(args, lg.Args...)
		} else {
			args = append(args, r)
		}
		out := &Logic{Or: or, Args: args, P: e.OpPos}
		if b.growable == nil {
			b.growable = map[*Logic]bool{}
		}
		b.growable[out] = true
		return out, nil
	}
	if c, ok := cmpOps[op]; ok {
		return b.compare(c, l, r, e.OpPos)
	}
	if name, ok := arithNames[op]; ok {
		// Trino's "Cannot apply operator: varchar + bigint": the catalog's
		// overload list of add is no help to someone who wrote +.
		if _, err := b.opts.Functions.Scalar(name, []Type{l.Type(), r.Type()}); err != nil {
			return nil, b.errorf(e.OpPos, ErrType, "cannot apply operator %s to %s and %s", op, l.Type(), r.Type())
		}
		return b.scalarCall(name, []Expr{l, r}, e.OpPos)
	}
	return nil, b.errorf(e.OpPos, ErrUnsupported, "operator %s is not supported", e.Op)
}

// compare binds a comparison after coercing both sides to one type.
func (b *binder) compare(op CmpOp, l, r Expr, pos int) (Expr, error) {
	t, err := b.compareType(l, r, pos)
	if err != nil {
		return nil, err
	}
	// A boolean compared with varchar compares as text ('true'/'false').
	if t.Kind == KindVarchar {
		if l.Type().Kind == KindBoolean {
			l = &Cast{X: l, To: Varchar, P: l.Pos()}
		}
		if r.Type().Kind == KindBoolean {
			r = &Cast{X: r, To: Varchar, P: r.Pos()}
		}
	}
	if l, err = b.coerce(l, t, l.Pos()); err != nil {
		return nil, err
	}
	if r, err = b.coerce(r, t, r.Pos()); err != nil {
		return nil, err
	}
	if op != OpEq && op != OpNe && op != OpIsDistinct && op != OpIsNotDistinct && !t.Orderable() {
		return nil, b.errorf(pos, ErrType, "values of type %s cannot be ordered with %s", t, op)
	}
	return &Compare{Op: op, L: l, R: r, P: pos}, nil
}

func (b *binder) caseExpr(sc *scope, e *sql.Case, aggs *aggCollector) (Expr, error) {
	var operand Expr
	var err error
	if e.Operand != nil {
		if operand, err = b.expr(sc, e.Operand, aggs); err != nil {
			return nil, err
		}
	}
	c := &Case{P: e.Pos}
	var results []Expr
	for _, w := range e.Whens {
		cond, err := b.expr(sc, w.Cond, aggs)
		if err != nil {
			return nil, err
		}
		if operand != nil {
			if cond, err = b.compare(OpEq, operand, cond, w.Pos); err != nil {
				return nil, err
			}
		} else if cond, err = b.coerce(cond, Boolean, w.Cond.Position()); err != nil {
			return nil, err
		}
		res, err := b.expr(sc, w.Result, aggs)
		if err != nil {
			return nil, err
		}
		c.Whens = append(c.Whens, When{Cond: cond, Result: res})
		results = append(results, res)
	}
	if e.Else != nil {
		if c.Else, err = b.expr(sc, e.Else, aggs); err != nil {
			return nil, err
		}
		results = append(results, c.Else)
	}
	return b.finishCase(c, results)
}

// finishCase coerces a Case's results to their common type.
func (b *binder) finishCase(c *Case, results []Expr) (Expr, error) {
	t, err := b.commonType(results, c.P)
	if err != nil {
		return nil, err
	}
	c.T = t
	for i := range c.Whens {
		if c.Whens[i].Result, err = b.coerce(c.Whens[i].Result, t, c.Whens[i].Result.Pos()); err != nil {
			return nil, err
		}
	}
	if c.Else != nil {
		if c.Else, err = b.coerce(c.Else, t, c.Else.Pos()); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (b *binder) sqlType(t *sql.Type) (Type, error) {
	name := strings.ToLower(t.Name)
	switch name {
	case "varchar", "char", "string":
		return Varchar, nil
	case "bigint", "integer", "int", "smallint", "tinyint":
		return Bigint, nil
	case "double", "real", "float", "decimal":
		return Double, nil
	case "boolean":
		return Boolean, nil
	case "timestamp":
		if t.WithTimeZone {
			return TimestampTZ("UTC"), nil
		}
		return Timestamp, nil
	case "varbinary":
		return Varbinary, nil
	case "ipaddress":
		return IPAddress, nil
	case "ipprefix":
		return IPPrefix, nil
	case "uuid":
		return UUID, nil
	case "date":
		return Date, nil
	case "json":
		return JSON, nil
	case "array":
		if len(t.Args) == 1 {
			e, err := b.sqlType(t.Args[0])
			return ArrayOf(e), err
		}
	case "map":
		if len(t.Args) == 2 {
			k, err := b.sqlType(t.Args[0])
			if err != nil {
				return Type{}, err
			}
			v, err := b.sqlType(t.Args[1])
			return MapOf(k, v), err
		}
	case "row":
		var fs []Field
		for i, a := range t.Args {
			ft, err := b.sqlType(a)
			if err != nil {
				return Type{}, err
			}
			name := "field" + strconv.Itoa(i)
			if i < len(t.FieldNames) && t.FieldNames[i] != "" {
				name = t.FieldNames[i]
			}
			fs = append(fs, Field{Name: name, Type: ft})
		}
		return RowOf(fs...), nil
	}
	return Type{}, b.errorf(t.Pos, ErrUnsupported, "type %s is not supported", t.Name)
}
