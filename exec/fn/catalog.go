package fn

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/ctlake/ctlake/planner"
)

// Short names for the scalar types, used by every registration file.
var (
	tB   = planner.Boolean
	tI   = planner.Bigint
	tD   = planner.Double
	tV   = planner.Varchar
	tTS  = planner.Timestamp
	tDT  = planner.Date
	tJ   = planner.JSON
	tIDS = planner.Interval
	tIYM = planner.Type{Kind: planner.KindIntervalYM}
	tU   = planner.Unknown
)

func ts(ts ...planner.Type) []planner.Type { return ts }

// binder resolves a polymorphic function (element_at over any map) for the
// argument types it is called with; nil means "does not apply". The catalog
// still checks that every argument coerces to the returned Params.
type binder func(args []planner.Type) *Scalar

type scalarEntry struct {
	sig   string // "(varchar, bigint)", for errors
	fixed *Scalar
	bind  binder
}

type aggBinder func(args []planner.Type, distinct bool) *Aggregate

type aggEntry struct {
	sig  string
	bind aggBinder
}

// Catalog is the function library's planner.FunctionCatalog: names
// (case-insensitive) to overloads, resolved with Trino's implicit coercions
// (unknown to anything, bigint to double, date to timestamp, element-wise
// inside arrays and maps). It is immutable after NewCatalog, so one catalog
// may serve concurrent queries.
type Catalog struct {
	scalars map[string][]scalarEntry
	aggs    map[string][]aggEntry
}

var _ planner.FunctionCatalog = (*Catalog)(nil)

// NewCatalog returns a catalog of every function in this package.
func NewCatalog() *Catalog {
	c := &Catalog{scalars: map[string][]scalarEntry{}, aggs: map[string][]aggEntry{}}
	c.addOperators()
	c.addStrings()
	c.addRegexps()
	c.addJSON()
	c.addCollections()
	c.addArrays()
	c.addArraySets()
	c.addURL()
	c.addMisc()
	c.addDateTime()
	c.addMath()
	c.addAggregates()
	c.addTrinoMore() // functions.go: constructors, time zones, IP, binary, …
	return c
}

// fixed registers a scalar with a fixed signature under one or more names.
func (c *Catalog) fixed(names string, ps []planner.Type, ret planner.Type, k Kernel) {
	for _, name := range strings.Split(names, ",") {
		s := &Scalar{FName: name, Ps: ps, Ret: ret, Kernel: k}
		c.scalars[name] = append(c.scalars[name], scalarEntry{sig: sigOf(ps, false), fixed: s})
	}
}

// add registers a ready Scalar (variadic or non-deterministic ones).
func (c *Catalog) add(s *Scalar) {
	c.scalars[s.FName] = append(c.scalars[s.FName], scalarEntry{sig: sigOf(s.Ps, s.Variadic), fixed: s})
}

// generic registers a polymorphic scalar.
func (c *Catalog) generic(names, sig string, b binder) {
	for _, name := range strings.Split(names, ",") {
		name := name
		c.scalars[name] = append(c.scalars[name], scalarEntry{sig: sig, bind: func(args []planner.Type) *Scalar {
			s := b(args)
			if s != nil {
				s.FName = name
			}
			return s
		}})
	}
}

func (c *Catalog) agg(names, sig string, b aggBinder) {
	for _, name := range strings.Split(names, ",") {
		name := name
		c.aggs[name] = append(c.aggs[name], aggEntry{sig: sig, bind: func(args []planner.Type, distinct bool) *Aggregate {
			a := b(args, distinct)
			if a != nil {
				a.FName = name
				a.Distinct = distinct
			}
			return a
		}})
	}
}

func sigOf(ps []planner.Type, variadic bool) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	if variadic {
		parts[len(parts)-1] += "..."
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// coerceCost is the number of implicit coercions turning from into to, or
// -1 when Trino would not coerce implicitly.
func coerceCost(from, to planner.Type) int {
	if from.Equal(to) {
		return 0
	}
	switch {
	case from.Kind == planner.KindUnknown:
		return 1
	case from.Kind == planner.KindBigint && to.Kind == planner.KindDouble:
		return 1
	case from.Kind == planner.KindDate && to.Kind == planner.KindTimestamp:
		return 1
	case from.Kind == planner.KindArray && to.Kind == planner.KindArray:
		return coerceCost(*from.Elem, *to.Elem)
	case from.Kind == planner.KindMap && to.Kind == planner.KindMap:
		k, v := coerceCost(*from.Key, *to.Key), coerceCost(*from.Value, *to.Value)
		if k < 0 || v < 0 {
			return -1
		}
		return k + v
	}
	return -1
}

func argsCost(args, ps []planner.Type) int {
	if len(args) != len(ps) {
		return -1
	}
	total := 0
	for i := range args {
		c := coerceCost(args[i], ps[i])
		if c < 0 {
			return -1
		}
		total += c
	}
	return total
}

// Scalar resolves a scalar function or operator by name and argument types.
func (c *Catalog) Scalar(name string, args []planner.Type) (planner.ScalarFunc, error) {
	s, err := c.ResolveScalar(name, args)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// ResolveScalar is Scalar returning the concrete *Scalar (with its Kernel).
func (c *Catalog) ResolveScalar(name string, args []planner.Type) (*Scalar, error) {
	lname := strings.ToLower(name)
	entries, ok := c.scalars[lname]
	if !ok {
		if _, isAgg := c.aggs[lname]; isAgg {
			return nil, fmt.Errorf("%s is an aggregate function, not allowed here", lname)
		}
		return nil, c.unknown(lname)
	}
	var best *Scalar
	bestCost := -1
	for _, e := range entries {
		cand := e.fixed
		if e.bind != nil {
			cand = e.bind(args)
		} else if cand.Variadic {
			cand = expandVariadic(cand, len(args))
		}
		if cand == nil {
			continue
		}
		cost := argsCost(args, cand.Ps)
		if cost >= 0 && (bestCost < 0 || cost < bestCost) {
			best, bestCost = cand, cost
		}
	}
	if best == nil {
		return nil, mismatch(lname, sigsOf(entries), scalarOverloads(entries, args), args)
	}
	return best, nil
}

// expandVariadic copies a variadic scalar with its last parameter repeated
// to n arguments, so Params lines up with the call's arguments.
func expandVariadic(s *Scalar, n int) *Scalar {
	if n < len(s.Ps) {
		return nil
	}
	cp := *s
	cp.Ps = append([]planner.Type(nil), s.Ps...)
	for len(cp.Ps) < n {
		cp.Ps = append(cp.Ps, s.Ps[len(s.Ps)-1])
	}
	return &cp
}

func sigsOf(entries []scalarEntry) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.sig
	}
	return out
}

// scalarOverloads are the overloads a failed call is judged against: the
// fixed ones as registered, a polymorphic one as its binder typed it for
// these arguments or else as its signature's text reads.
func scalarOverloads(entries []scalarEntry, args []planner.Type) []overload {
	var out []overload
	for _, e := range entries {
		switch {
		case e.fixed != nil:
			out = append(out, overloadOf(e.fixed.Ps, e.fixed.Variadic))
		case e.bind != nil:
			if s := e.bind(args); s != nil {
				out = append(out, overloadOf(s.Ps, s.Variadic))
			} else {
				out = append(out, overloadsOfSig(e.sig)...)
			}
		}
	}
	return out
}

func (c *Catalog) unknown(name string) error {
	best, bestD := "", 3
	for _, n := range c.Names() {
		if d := planner.EditDistance(name, n); d < bestD {
			best, bestD = n, d
		}
	}
	if best != "" {
		return fmt.Errorf("function %s not registered (did you mean %s?)", name, best)
	}
	return fmt.Errorf("function %s not registered", name)
}

// Aggregate resolves an aggregate function.
func (c *Catalog) Aggregate(name string, args []planner.Type, distinct bool) (planner.AggFunc, error) {
	a, err := c.ResolveAggregate(name, args, distinct)
	if err != nil {
		return nil, err
	}
	return a, nil
}

// ResolveAggregate is Aggregate returning the concrete *Aggregate.
func (c *Catalog) ResolveAggregate(name string, args []planner.Type, distinct bool) (*Aggregate, error) {
	lname := strings.ToLower(name)
	entries, ok := c.aggs[lname]
	if !ok {
		if _, isScalar := c.scalars[lname]; isScalar {
			return nil, fmt.Errorf("%s is not an aggregate function", lname)
		}
		return nil, c.unknown(lname)
	}
	var best *Aggregate
	bestCost := -1
	for _, e := range entries {
		a := e.bind(args, distinct)
		if a == nil {
			continue
		}
		cost := argsCost(args, a.Ps)
		if cost >= 0 && (bestCost < 0 || cost < bestCost) {
			best, bestCost = a, cost
		}
	}
	if best == nil {
		sigs := make([]string, len(entries))
		var alts []overload
		for i, e := range entries {
			sigs[i] = e.sig
			if a := e.bind(args, distinct); a != nil {
				alts = append(alts, overloadOf(a.Ps, false))
			} else {
				alts = append(alts, overloadsOfSig(e.sig)...)
			}
		}
		return nil, mismatch(lname, sigs, alts, args)
	}
	if distinct && len(best.Ps) != 1 && !best.OwnDistinct {
		if len(best.Ps) == 0 {
			return nil, fmt.Errorf("%s(DISTINCT) needs an argument", lname)
		}
		return nil, fmt.Errorf("%s(DISTINCT ...) is supported for one-argument aggregates only", lname)
	}
	if distinct && !isScalarKind(best.Ps[0]) {
		return nil, fmt.Errorf("%s(DISTINCT ...) over %s is not supported", lname, best.Ps[0])
	}
	return best, nil
}

// IsAggregate reports whether name is an aggregate function.
func (c *Catalog) IsAggregate(name string) bool {
	_, ok := c.aggs[strings.ToLower(name)]
	return ok
}

// Names lists every scalar and aggregate name, sorted.
func (c *Catalog) Names() []string {
	out := make([]string, 0, len(c.scalars)+len(c.aggs))
	for n := range c.scalars {
		out = append(out, n)
	}
	for n := range c.aggs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// FuncInfo describes one function name for help and completion (the
// console's editor): its overloads as "(varchar, bigint) → varchar", or a
// generic form ("(array(T))") where the types follow the arguments.
type FuncInfo struct {
	Name       string   `json:"name"`
	Aggregate  bool     `json:"aggregate,omitempty"`
	Signatures []string `json:"signatures"`
}

// operatorKernels are the names the planner binds operators to (a + b is
// add(a, b), m['k'] is subscript(m, 'k')); they are not Trino functions,
// so help and completion leave them out.
var operatorKernels = map[string]bool{"add": true, "subtract": true, "multiply": true, "divide": true, "modulus": true, "negate": true, "subscript": true}

// Describe lists every function callable by name (operators left out),
// sorted by name.
func (c *Catalog) Describe() []FuncInfo {
	var out []FuncInfo
	add := func(name string, agg bool, sigs []string) {
		if name == "" || !isIdent(name) || operatorKernels[name] {
			return
		}
		var uniq []string
		for _, s := range sigs {
			if !slices.Contains(uniq, s) {
				uniq = append(uniq, s)
			}
		}
		out = append(out, FuncInfo{Name: name, Aggregate: agg, Signatures: uniq})
	}
	for name, entries := range c.scalars {
		sigs := make([]string, len(entries))
		for i, e := range entries {
			sigs[i] = e.sig
			if e.fixed != nil {
				sigs[i] += " → " + e.fixed.Ret.String()
			}
		}
		add(name, false, sigs)
	}
	for name, entries := range c.aggs {
		sigs := make([]string, len(entries))
		for i, e := range entries {
			sigs[i] = e.sig
		}
		add(name, true, sigs)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func isIdent(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
