package planner

import (
	"strings"

	"github.com/ctlake/ctlake/sql"
)

// Window functions are bound in two steps. While a select list and ORDER
// BY are bound, each call with OVER becomes a winRef: the function, its
// arguments, PARTITION BY, ORDER BY and frame bound over the block's input
// (aggregates included, so that rank() OVER (ORDER BY count(*) DESC)
// works). Grouping then rewrites a winRef's expressions over the
// aggregation like any other expression, and windowStep finally plans the
// Window nodes and replaces every winRef by a reference to its column.

// winRef stands for a window function call while a select list is bound.
type winRef struct {
	fn    WindowFunc
	part  []Expr
	order []SortKey
}

func (e *winRef) Type() Type     { return e.fn.T }
func (e *winRef) Pos() int       { return e.fn.P }
func (e *winRef) String() string { return e.fn.Label }
func (*winRef) exprNode()        {}

// exprs lists the call's expressions: arguments, partition keys, order
// keys, frame offsets.
func (e *winRef) exprs() []Expr {
	out := append([]Expr(nil), e.fn.Args...)
	out = append(out, e.part...)
	for _, k := range e.order {
		out = append(out, k.Expr)
	}
	for _, o := range []Expr{e.fn.Frame.Start.Offset, e.fn.Frame.End.Offset} {
		if o != nil {
			out = append(out, o)
		}
	}
	return out
}

// mapExprs returns a copy with each expression replaced by m (in exprs'
// order).
func (e *winRef) mapExprs(m func(Expr) Expr) *winRef {
	c := &winRef{fn: e.fn}
	c.fn.Args = make([]Expr, len(e.fn.Args))
	for i, a := range e.fn.Args {
		c.fn.Args[i] = m(a)
	}
	for _, p := range e.part {
		c.part = append(c.part, m(p))
	}
	for _, k := range e.order {
		k.Expr = m(k.Expr)
		c.order = append(c.order, k)
	}
	if o := e.fn.Frame.Start.Offset; o != nil {
		c.fn.Frame.Start.Offset = m(o)
	}
	if o := e.fn.Frame.End.Offset; o != nil {
		c.fn.Frame.End.Offset = m(o)
	}
	return c
}

// windowScope is what window binding needs of the enclosing SELECT: its
// WINDOW clause, and whether window functions are allowed where the
// binder is (the select list and ORDER BY, not inside another window or
// an aggregate).
type windowScope struct {
	defs    map[string]*sql.WindowDef // by lower-case name
	allowed bool
}

// enterWindows sets up window binding for a SELECT block; the returned
// function restores the enclosing block's state.
func (b *binder) enterWindows(defs []*sql.WindowDef) (func(), error) {
	saved := b.win
	b.win = &windowScope{defs: map[string]*sql.WindowDef{}}
	for _, d := range defs {
		k := strings.ToLower(d.Name.Name)
		if _, dup := b.win.defs[k]; dup {
			b.win = saved
			return nil, b.errorf(d.Pos, ErrType, "window %s is defined twice", d.Name.Name)
		}
		b.win.defs[k] = d
	}
	return func() { b.win = saved }, nil
}

// allowWindows says whether window functions may appear in the expressions
// bound next.
func (b *binder) allowWindows(ok bool) {
	if b.win != nil {
		b.win.allowed = ok
	}
}

// rankingFuncs take no frame; valueFuncs may take IGNORE NULLS.
var (
	rankingFuncs = map[string]bool{WinRowNumber: true, WinRank: true, WinDenseRank: true, WinPercentRank: true,
		WinCumeDist: true, WinNtile: true}
	valueFuncs = map[string]bool{WinLag: true, WinLead: true, WinFirstValue: true, WinLastValue: true, WinNthValue: true}
)

// WindowFunctions are the window-only functions and their signatures,
// for the function catalog's documentation; every aggregate is a window
// function too.
var WindowFunctions = map[string]string{
	WinRowNumber: "() → bigint", WinRank: "() → bigint", WinDenseRank: "() → bigint",
	WinPercentRank: "() → double", WinCumeDist: "() → double", WinNtile: "(bigint) → bigint",
	WinLag: "(T[, bigint[, T]]) → T", WinLead: "(T[, bigint[, T]]) → T",
	WinFirstValue: "(T) → T", WinLastValue: "(T) → T", WinNthValue: "(T, bigint) → T",
}

// IsWindowFunction reports whether name is a window-only function.
func IsWindowFunction(name string) bool {
	n := strings.ToLower(name)
	return rankingFuncs[n] || valueFuncs[n]
}

// windowCall binds f(args) OVER (…).
func (b *binder) windowCall(sc *scope, e *sql.FuncCall, aggs *aggCollector) (Expr, error) {
	name := strings.ToLower(e.Name)
	if aggs == nil || b.win == nil || !b.win.allowed {
		return nil, b.errorf(e.Over.Pos, ErrType, "window function %s is not allowed here: only in the select list and ORDER BY, and not inside an aggregate or another window", e.Name)
	}
	if e.Filter != nil {
		var err error
		if e, err = b.windowFilter(e, name); err != nil {
			return nil, err
		}
	}
	if len(e.OrderBy) > 0 {
		return nil, b.errorf(e.OrderBy[0].Pos, ErrUnsupported, "ORDER BY inside a window function's arguments is not supported; order the window with OVER (ORDER BY …)")
	}
	spec, err := b.resolveWindow(e.Over, 0)
	if err != nil {
		return nil, err
	}
	b.win.allowed = false // no window inside a window
	defer func() { b.win.allowed = true }()

	w := &winRef{fn: WindowFunc{Name: name, IgnoreNulls: e.IgnoreNulls, P: e.Pos}}
	for _, p := range spec.PartitionBy {
		x, err := b.expr(sc, p, aggs)
		if err != nil {
			return nil, err
		}
		w.part = append(w.part, x)
	}
	for _, o := range spec.OrderBy {
		x, err := b.expr(sc, o.Expr, aggs)
		if err != nil {
			return nil, err
		}
		if !x.Type().Orderable() {
			return nil, b.errorf(o.Pos, ErrType, "cannot order a window by a value of type %s", x.Type())
		}
		w.order = append(w.order, SortKey{Expr: x, Desc: o.Desc, NullsFirst: o.Nulls == sql.NullsFirst})
	}
	if err := b.windowFunction(sc, e, name, aggs, w); err != nil {
		return nil, err
	}
	if e.IgnoreNulls && !valueFuncs[name] {
		return nil, b.errorf(e.Over.Pos, ErrType, "IGNORE NULLS is only allowed with lag, lead, first_value, last_value and nth_value")
	}
	if w.fn.Frame, err = b.windowFrame(sc, spec, w.order, aggs); err != nil {
		return nil, err
	}
	return w, nil
}

// resolveWindow follows a window's reference to the WINDOW clause: OVER w
// is w's window; OVER (w ORDER BY …) adds an ORDER BY and a frame to it,
// as Trino allows (not a PARTITION BY, not a second ORDER BY, and not to a
// window with a frame).
func (b *binder) resolveWindow(s *sql.WindowSpec, depth int) (*sql.WindowSpec, error) {
	if s.Ref == nil {
		return s, nil
	}
	def, ok := b.win.defs[strings.ToLower(s.Ref.Name)]
	if !ok {
		return nil, b.errorf(s.Ref.Pos, ErrType, "unknown window %s: name one defined in the WINDOW clause", s.Ref.Name)
	}
	if depth > len(b.win.defs) {
		return nil, b.errorf(s.Ref.Pos, ErrType, "window %s refers to itself", s.Ref.Name)
	}
	base, err := b.resolveWindow(def.Spec, depth+1)
	if err != nil {
		return nil, err
	}
	if !s.Parens {
		return base, nil
	}
	out := *base
	if len(s.PartitionBy) > 0 {
		return nil, b.errorf(s.PartitionBy[0].Position(), ErrType, "a window built on window %s cannot add a PARTITION BY", s.Ref.Name)
	}
	if len(s.OrderBy) > 0 {
		if len(base.OrderBy) > 0 {
			return nil, b.errorf(s.OrderBy[0].Pos, ErrType, "window %s already has an ORDER BY", s.Ref.Name)
		}
		out.OrderBy = s.OrderBy
	}
	if base.Frame != nil {
		return nil, b.errorf(s.Ref.Pos, ErrType, "window %s has a frame, so it can only be used as OVER %s", s.Ref.Name, s.Ref.Name)
	}
	out.Frame = s.Frame
	return &out, nil
}

// windowFunction binds the function of a window call: a ranking or value
// function, or an aggregate computed over the frame.
func (b *binder) windowFunction(sc *scope, e *sql.FuncCall, name string, aggs *aggCollector, w *winRef) error {
	var args []Expr
	for _, a := range e.Args {
		x, err := b.expr(sc, a, aggs)
		if err != nil {
			return err
		}
		args = append(args, x)
	}
	f := &w.fn
	if rankingFuncs[name] || valueFuncs[name] {
		if e.Distinct || e.Star {
			return b.errorf(e.Pos, ErrType, "%s takes no DISTINCT or *", e.Name)
		}
		if err := b.windowArgs(e, name, args, f); err != nil {
			return err
		}
		f.Label = windowLabel(name, f.Args, false)
		return nil
	}
	if !b.opts.Functions.IsAggregate(name) {
		if b.knownFunction(name) {
			return b.errorf(e.Pos, ErrType, "%s is not a window function or an aggregate, so it cannot have OVER", e.Name)
		}
		return b.errorf(e.Pos, ErrUnknownFunction, "unknown function %s%s", e.Name, b.suggestFunction(name))
	}
	if e.Distinct {
		return b.errorf(e.Pos, ErrUnsupported, "DISTINCT is not supported in window aggregates (Trino does not support it either)")
	}
	if e.Star && name != "count" {
		return b.errorf(e.Pos, ErrType, "%s(*) is not a function; only count(*) is", e.Name)
	}
	types := make([]Type, len(args))
	for i, a := range args {
		types[i] = a.Type()
	}
	fn, err := b.opts.Functions.Aggregate(name, types, false)
	if err != nil {
		return b.errorf(argPos(err, args, e.Pos), ErrType, "%v", err)
	}
	if args, err = b.castArgs(args, fn.Params()); err != nil {
		return err
	}
	f.Name, f.Agg, f.Args, f.T = fn.Name(), fn, args, fn.Return()
	f.Label = windowLabel(fn.Name(), args, e.Star)
	return nil
}

func windowLabel(name string, args []Expr, star bool) string {
	if star {
		return name + "(*)"
	}
	return name + "(" + exprList(args) + ")"
}

// windowArgs checks and coerces the arguments of a ranking or value
// function and sets its result type.
func (b *binder) windowArgs(e *sql.FuncCall, name string, args []Expr, f *WindowFunc) error {
	arity := func(lo, hi int) error {
		if len(args) < lo || len(args) > hi {
			want := map[[2]int]string{{0, 0}: "no arguments", {1, 1}: "1 argument", {2, 2}: "2 arguments",
				{1, 3}: "1 to 3 arguments"}[[2]int{lo, hi}]
			return b.errorf(e.Pos, ErrType, "%s takes %s, not %d", name, want, len(args))
		}
		return nil
	}
	var err error
	switch name {
	case WinRowNumber, WinRank, WinDenseRank:
		err, f.T = arity(0, 0), Bigint
	case WinPercentRank, WinCumeDist:
		err, f.T = arity(0, 0), Double
	case WinNtile:
		if err = arity(1, 1); err == nil {
			args[0], err = b.coerceInteger(args[0], "argument 1 of ntile (the bucket count)")
		}
		f.T = Bigint
	case WinFirstValue, WinLastValue:
		err = arity(1, 1)
	case WinNthValue:
		if err = arity(2, 2); err == nil {
			args[1], err = b.coerceInteger(args[1], "argument 2 of nth_value (the position)")
		}
	case WinLag, WinLead:
		if err = arity(1, 3); err != nil {
			break
		}
		if len(args) > 1 {
			if args[1], err = b.coerceInteger(args[1], "argument 2 of "+name+" (the offset)"); err != nil {
				break
			}
		}
		if len(args) > 2 {
			t := args[0].Type()
			if t.Kind == KindUnknown {
				t = args[2].Type()
			}
			if args[0], err = b.coerce(args[0], t, args[0].Pos()); err == nil {
				args[2], err = b.coerce(args[2], t, args[2].Pos())
			}
		}
	}
	if err != nil {
		return err
	}
	if f.T.Kind == KindUnknown && len(args) > 0 {
		f.T = args[0].Type()
	}
	f.Args = args
	return nil
}

// coerceInteger requires a bigint (a NULL literal becomes one).
func (b *binder) coerceInteger(e Expr, what string) (Expr, error) {
	if e.Type().Kind != KindBigint && e.Type().Kind != KindUnknown {
		return nil, b.errorf(e.Pos(), ErrType, "%s must be bigint, not %s", what, e.Type())
	}
	return b.coerce(e, Bigint, e.Pos())
}

// windowFrame binds a window's frame and applies Trino's defaults and
// rules: RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW when none is
// written; a start alone ends at CURRENT ROW; a frame cannot start at
// UNBOUNDED FOLLOWING or end at UNBOUNDED PRECEDING, nor end before it
// starts by kind; RANGE with an offset needs a single numeric or datetime
// ORDER BY key (offsets of intervals for datetimes); GROUPS needs an ORDER
// BY; ROWS and GROUPS offsets are integers.
func (b *binder) windowFrame(sc *scope, spec *sql.WindowSpec, order []SortKey, aggs *aggCollector) (WindowFrame, error) {
	f := WindowFrame{Unit: sql.FrameRange, Start: WindowBound{Kind: sql.UnboundedPreceding}, End: WindowBound{Kind: sql.CurrentRow}}
	fr := spec.Frame
	if fr == nil {
		return f, nil
	}
	f.Unit = fr.Unit
	start, end := fr.Start, fr.End
	if end == nil {
		end = &sql.FrameBound{Pos: fr.Start.Pos, Kind: sql.CurrentRow}
	}
	switch {
	case start.Kind == sql.UnboundedFollowing:
		return f, b.errorf(start.Pos, ErrType, "a window frame cannot start at UNBOUNDED FOLLOWING")
	case end.Kind == sql.UnboundedPreceding:
		return f, b.errorf(end.Pos, ErrType, "a window frame cannot end at UNBOUNDED PRECEDING")
	case start.Kind == sql.CurrentRow && end.Kind == sql.Preceding:
		return f, b.errorf(end.Pos, ErrType, "a window frame starting at CURRENT ROW cannot end with PRECEDING")
	case start.Kind == sql.Following && (end.Kind == sql.Preceding || end.Kind == sql.CurrentRow):
		return f, b.errorf(end.Pos, ErrType, "a window frame starting with FOLLOWING cannot end with %s", end.Kind)
	}
	if f.Unit == sql.FrameGroups && len(order) == 0 {
		return f, b.errorf(fr.Pos, ErrType, "a GROUPS frame needs an ORDER BY in its window")
	}
	for i, bd := range []*sql.FrameBound{start, end} {
		wb := WindowBound{Kind: bd.Kind}
		if bd.Offset != nil {
			x, err := b.expr(sc, bd.Offset, aggs)
			if err != nil {
				return f, err
			}
			if wb.Offset, err = b.frameOffset(fr, order, x, bd.Offset.Position()); err != nil {
				return f, err
			}
		}
		if i == 0 {
			f.Start = wb
		} else {
			f.End = wb
		}
	}
	return f, nil
}

// frameOffset checks the type of an n PRECEDING / n FOLLOWING offset.
func (b *binder) frameOffset(fr *sql.Frame, order []SortKey, x Expr, pos int) (Expr, error) {
	if fr.Unit != sql.FrameRange {
		return b.coerceInteger(x, "the "+fr.Unit+" frame offset")
	}
	if len(order) != 1 {
		return nil, b.errorf(fr.Pos, ErrType, "a RANGE frame with an offset needs exactly one ORDER BY key (the window has %d)", len(order))
	}
	kt, xt := order[0].Expr.Type(), x.Type()
	switch {
	case kt.IsNumeric() && (xt.IsNumeric() || xt.Kind == KindUnknown):
		if kt.Kind == KindDouble || xt.Kind == KindUnknown {
			return b.coerce(x, kt, pos)
		}
		return x, nil
	case (kt.Kind == KindTimestamp || kt.Kind == KindDate) && (xt.Kind == KindInterval || xt.Kind == KindIntervalYM):
		return x, nil
	case kt.Kind == KindTimestamp || kt.Kind == KindDate:
		return nil, b.errorf(pos, ErrType, "a RANGE offset over %s must be an interval, e.g. INTERVAL '1' HOUR, got %s", kt, xt)
	case kt.IsNumeric():
		return nil, b.errorf(pos, ErrType, "a RANGE offset over %s must be a number, got %s", kt, xt)
	}
	return nil, b.errorf(pos, ErrType, "a RANGE frame with an offset needs a numeric, date or timestamp ORDER BY key, not %s", kt)
}

// filterArgs are the aggregates whose FILTER (WHERE c) a window computes
// as the aggregate of CASE WHEN c THEN x END: they skip rows whose
// argument at these positions is NULL, so a row the filter rejects counts
// for nothing. (array_agg and the map aggregates keep NULLs; they and the
// aggregates with constant arguments in other places are refused.)
var filterArgs = map[string][]int{
	"count": {0}, "count_if": {0}, "sum": {0}, "avg": {0}, "min": {0}, "max": {0},
	"min_by": {0, 1}, "max_by": {0, 1}, "arbitrary": {0}, "any_value": {0},
	"bool_and": {0}, "bool_or": {0}, "every": {0}, "approx_distinct": {0},
	"stddev": {0}, "stddev_samp": {0}, "stddev_pop": {0},
	"variance": {0}, "var_samp": {0}, "var_pop": {0}, "geometric_mean": {0},
	"corr": {0, 1}, "covar_samp": {0, 1}, "covar_pop": {0, 1},
}

// windowFilter rewrites agg(x) FILTER (WHERE c) OVER (…) as
// agg(CASE WHEN c THEN x END) OVER (…); count(*) becomes
// count(CASE WHEN c THEN 1 END).
func (b *binder) windowFilter(e *sql.FuncCall, name string) (*sql.FuncCall, error) {
	pos := e.Filter.Position()
	if !b.opts.Functions.IsAggregate(name) {
		return nil, b.errorf(pos, ErrType, "FILTER is only allowed with an aggregate function, not %s", e.Name)
	}
	at, ok := filterArgs[name]
	if !ok {
		return nil, b.errorf(pos, ErrUnsupported, "FILTER with OVER is not supported for %s yet; it is for count, sum, avg, min, max and the other aggregates that skip NULLs", e.Name)
	}
	c := *e
	c.Filter = nil
	c.Args = append([]sql.Expr(nil), e.Args...)
	if c.Star {
		c.Star = false
		c.Args = []sql.Expr{&sql.Literal{Pos: e.Pos, Kind: sql.LitInteger, Value: "1"}}
	}
	for _, i := range at {
		if i < len(c.Args) {
			c.Args[i] = &sql.Case{Pos: c.Args[i].Position(), Whens: []*sql.When{{Pos: pos, Cond: e.Filter, Result: c.Args[i]}}}
		}
	}
	return &c, nil
}
