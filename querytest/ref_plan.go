package querytest

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"

	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/planner"
)

// Reference is the row-at-a-time evaluator the golden files check the
// engine against. It reads every column of a store once (no pruning, no
// time range), boxes the rows, and evaluates a bound plan node by node with
// its own scan narrowing, time filtering, grouping, sorting, limits and
// DISTINCT.
type Reference struct {
	Now    int64
	tables map[string]*table // by store folder
}

type table struct {
	names []string
	types []planner.Type
	rows  [][]any
}

// NewReference returns a reference evaluator with now() pinned to now.
func NewReference(now int64) *Reference {
	return &Reference{Now: now, tables: map[string]*table{}}
}

// Run evaluates a planned query.
func (r *Reference) Run(ctx context.Context, p *planner.Plan) (*Result, error) {
	rows, err := r.node(ctx, p.Root)
	if err != nil {
		return nil, err
	}
	out := &Result{Names: p.Names, Rows: rows, Ordered: IsOrdered(p.Root)}
	for _, c := range p.Root.Columns() {
		out.Types = append(out.Types, c.T)
	}
	return out, nil
}

func (r *Reference) node(ctx context.Context, n planner.Node) ([][]any, error) {
	switch n := n.(type) {
	case *planner.Scan:
		return r.scan(ctx, n)
	case *planner.Values:
		var out [][]any
		for _, exprs := range n.Rows {
			row, err := r.evalRow(exprs, nil)
			if err != nil {
				return nil, err
			}
			out = append(out, row)
		}
		return out, nil
	case *planner.Join:
		return r.join(ctx, n, nil)
	case *planner.SetOp:
		return r.setOp(ctx, n)
	case *planner.UnionAll:
		var out [][]any
		for _, in := range n.Ins {
			rows, err := r.node(ctx, in)
			if err != nil {
				return nil, err
			}
			out = append(out, rows...)
		}
		return out, nil
	}
	var in [][]any
	var err error
	if f, ok := n.(*planner.Filter); ok {
		if j, ok := f.Input.(*planner.Join); ok {
			var hints []hint
			for _, c := range andArgs(f.Cond) {
				hints = append(hints, hint{c, 0})
			}
			in, err = r.join(ctx, j, hints)
		} else {
			in, err = r.node(ctx, f.Input)
		}
	} else {
		in, err = r.node(ctx, n.Inputs()[0])
	}
	if err != nil {
		return nil, err
	}
	switch n := n.(type) {
	case *planner.Filter:
		var out [][]any
		for _, row := range in {
			v, err := r.evalExpr(n.Cond, row)
			if err != nil {
				return nil, err
			}
			if v == true {
				out = append(out, row)
			}
		}
		return out, nil
	case *planner.Project:
		out := make([][]any, 0, len(in))
		for _, row := range in {
			o, err := r.evalRow(n.Exprs, row)
			if err != nil {
				return nil, err
			}
			out = append(out, o)
		}
		return out, nil
	case *planner.Aggregate:
		return r.aggregate(n, in)
	case *planner.Sort:
		return r.sort(n.Keys, in)
	case *planner.TopN:
		out, err := r.sort(n.Keys, in)
		if err != nil {
			return nil, err
		}
		return limit(out, n.N), nil
	case *planner.Limit:
		if int64(len(in)) <= n.Offset {
			return nil, nil
		}
		in = in[n.Offset:]
		if n.N < 0 {
			return in, nil
		}
		return limit(in, n.N), nil
	case *planner.Window:
		return r.window(n, in)
	case *planner.PartitionTopN:
		return r.partitionTopN(n, in)
	case *planner.Unnest:
		return r.unnest(n, in)
	case *planner.Sample:
		return refSample(in, n.Percent, n.Seed), nil
	case *planner.Distinct:
		types := columnTypes(n)
		seen := map[string]bool{}
		var out [][]any
		for _, row := range in {
			k := rowKey(row, types)
			if !seen[k] {
				seen[k] = true
				out = append(out, row)
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("reference: unsupported node %T", n)
}

func (r *Reference) evalRow(exprs []planner.Expr, row []any) ([]any, error) {
	out := make([]any, len(exprs))
	for i, e := range exprs {
		v, err := r.evalExpr(e, row)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// compareKey orders two values of a sort key: NULLs where the key says,
// then the values, reversed for DESC.
func compareKey(x, y any, k planner.SortKey) int {
	switch {
	case x == nil && y == nil:
		return 0
	case x == nil:
		if k.NullsFirst {
			return -1
		}
		return 1
	case y == nil:
		if k.NullsFirst {
			return 1
		}
		return -1
	}
	c := Compare(x, y, k.Expr.Type())
	if k.Desc {
		c = -c
	}
	return c
}

func limit(rows [][]any, n int64) [][]any {
	if int64(len(rows)) > n {
		return rows[:n]
	}
	return rows
}

func columnTypes(n planner.Node) []planner.Type {
	var ts []planner.Type
	for _, c := range n.Columns() {
		ts = append(ts, c.T)
	}
	return ts
}

func rowKey(row []any, types []planner.Type) string {
	k := ""
	for i, v := range row {
		k += Key(v, types[i]) + "\x01"
	}
	return k
}

// sort orders rows by keys, stably; NULLs go where each key says.
func (r *Reference) sort(keys []planner.SortKey, in [][]any) ([][]any, error) {
	type keyed struct {
		row []any
		ks  []any
	}
	items := make([]keyed, len(in))
	for i, row := range in {
		ks := make([]any, len(keys))
		for j, k := range keys {
			v, err := r.evalExpr(k.Expr, row)
			if err != nil {
				return nil, err
			}
			ks[j] = v
		}
		items[i] = keyed{row, ks}
	}
	sort.SliceStable(items, func(a, b int) bool {
		for j, k := range keys {
			if c := compareKey(items[a].ks[j], items[b].ks[j], k); c != 0 {
				return c < 0
			}
		}
		return false
	})
	out := make([][]any, len(items))
	for i, it := range items {
		out[i] = it.row
	}
	return out, nil
}

// scan returns the rows of the scan's snapshot inside its time range, with
// each output column narrowed from the full column to the type the plan
// reads (a struct keeps only the requested children).
func (r *Reference) scan(ctx context.Context, n *planner.Scan) ([][]any, error) {
	t, err := r.load(ctx, n.Store, n.Snapshot)
	if err != nil {
		return nil, err
	}
	src := make([]int, len(n.Out))
	for i, c := range n.Out {
		src[i] = -1
		for j, name := range t.names {
			if name == c.Name {
				src[i] = j
			}
		}
		if src[i] < 0 {
			return nil, fmt.Errorf("reference: store has no column %s", c.Name)
		}
	}
	timeCol := -1
	for j, name := range t.names {
		if name == "eventTime" {
			timeCol = j
		}
	}
	tr := n.Spec.Time
	var out [][]any
	for _, row := range t.rows {
		if ts, ok := row[timeCol].(int64); ok {
			if tr.HasMin && ts < tr.Min || tr.HasMax && ts >= tr.Max {
				continue
			}
		} else if !tr.All() {
			continue
		}
		o := make([]any, len(n.Out))
		for i, c := range n.Out {
			o[i] = narrow(row[src[i]], t.types[src[i]], c.T)
		}
		out = append(out, o)
	}
	if s := n.Spec.Sample; s != nil {
		// The reference has no row groups: it samples rows instead, which
		// agrees with the engine at 0 and 100 percent and in distribution
		// otherwise (goldens assert only what any sample must satisfy).
		out = refSample(out, s.Percent, s.Seed)
	}
	return out, nil
}

// refSample keeps each row with probability percent/100, from its own
// generator: which rows it keeps is not the engine's choice, so goldens
// between 0 and 100 percent assert properties every sample has.
func refSample(rows [][]any, percent float64, seed uint64) [][]any {
	rng := rand.New(rand.NewPCG(seed, 1))
	var out [][]any
	for _, row := range rows {
		if percent >= 100 || rng.Float64()*100 < percent {
			out = append(out, row)
		}
	}
	return out
}

// narrow keeps the parts of v (of type full) that type part names.
func narrow(v any, full, part planner.Type) any {
	if v == nil {
		return nil
	}
	switch part.Kind {
	case planner.KindRow:
		row := v.(RowVal)
		out := make(RowVal, len(part.Fields))
		for i, f := range part.Fields {
			for j, ff := range full.Fields {
				if ff.Name == f.Name {
					out[i] = narrow(row[j], ff.Type, f.Type)
				}
			}
		}
		return out
	case planner.KindArray:
		var out []any
		for _, e := range v.([]any) {
			out = append(out, narrow(e, *full.Elem, *part.Elem))
		}
		if out == nil {
			out = []any{}
		}
		return out
	}
	return v
}

// load reads every column of a snapshot once, without pruning.
func (r *Reference) load(ctx context.Context, s *orcstore.Store, m *orcstore.Manifest) (*table, error) {
	if t, ok := r.tables[s.Dir]; ok {
		return t, nil
	}
	var cols []string
	for _, f := range orcstore.EventSchema.Fields() {
		cols = append(cols, f.Name)
	}
	sc, err := s.Scan(ctx, m, orcstore.ScanSpec{Columns: cols, NoPruning: true}, orcstore.ScanOptions{Workers: 1})
	if err != nil {
		return nil, err
	}
	defer sc.Close()
	t := &table{}
	for _, f := range sc.Schema().Fields() {
		ty, err := planner.TypeFromArrow(f.Type)
		if err != nil {
			return nil, err
		}
		t.names = append(t.names, f.Name)
		t.types = append(t.types, ty)
	}
	for {
		b, err := sc.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		appendRows := func(i int) {
			row := make([]any, len(t.names))
			for j := range row {
				row[j] = FromArrow(b.Rec.Column(j), i, t.types[j])
			}
			t.rows = append(t.rows, row)
		}
		if b.Sel != nil {
			for _, i := range b.Sel {
				appendRows(int(i))
			}
		} else {
			for i := 0; i < int(b.Rec.NumRows()); i++ {
				appendRows(i)
			}
		}
		b.Rec.Release()
	}
	r.tables[s.Dir] = t
	return t, nil
}
