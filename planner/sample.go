package planner

import (
	"fmt"
	"math/rand/v2"

	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/sql"
)

// Sample keeps each input row with probability Percent/100: TABLESAMPLE
// BERNOULLI, and SYSTEM over inputs without blocks to sample (JSON files,
// subqueries). SYSTEM over a store scan is the scan's own
// (orcstore.BlockSample): whole row groups are skipped unread.
type Sample struct {
	Input   Node
	Percent float64
	Seed    uint64
}

func (n *Sample) Columns() []Column { return n.Input.Columns() }
func (n *Sample) Inputs() []Node    { return []Node{n.Input} }
func (n *Sample) Explain() (string, []Attr) {
	return fmt.Sprintf("sample BERNOULLI %g%%", n.Percent), nil
}

// sampled returns a function that applies s (nil: none) to a bound FROM
// item, for use as b.sampled(t.Sample)(b.scan(t)).
func (b *binder) sampled(s *sql.TableSample) func(Node, *scope, error) (Node, *scope, error) {
	return func(node Node, sc *scope, err error) (Node, *scope, error) {
		if err != nil || s == nil {
			return node, sc, err
		}
		pct, err := b.samplePercent(s)
		if err != nil {
			return nil, nil, err
		}
		seed := b.sampleSeed()
		if scan, ok := node.(*Scan); ok && s.Method == "SYSTEM" && scan.Store != nil && len(scan.JSON) == 0 {
			scan.Spec.Sample = &orcstore.BlockSample{Percent: pct, Seed: seed}
			return scan, sc, nil
		}
		return &Sample{Input: node, Percent: pct, Seed: seed}, sc, nil
	}
}

// samplePercent evaluates a TABLESAMPLE percentage: a constant from 0 to
// 100.
func (b *binder) samplePercent(s *sql.TableSample) (float64, error) {
	pos := s.Percent.Position()
	x, err := b.expr(&scope{}, s.Percent, nil)
	if err != nil {
		return 0, err
	}
	if x.Type().Kind == KindUnknown {
		return 0, b.errorf(pos, ErrType, "a TABLESAMPLE percentage cannot be NULL")
	}
	if f := firstVolatile(x); f != "" {
		return 0, b.errorf(pos, ErrType, "a TABLESAMPLE percentage must be a constant; it cannot call %s", f)
	}
	if !x.Type().IsNumeric() {
		return 0, b.errorf(pos, ErrType, "TABLESAMPLE takes a percentage, a number, not %s", x.Type())
	}
	if x, err = b.coerce(x, Double, pos); err != nil {
		return 0, err
	}
	lit, ok := x.(*Literal)
	if !ok && b.opts.Folder != nil {
		v, ferr := b.opts.Folder.Fold(x)
		if ferr != nil {
			return 0, b.errorf(pos, ErrType, "TABLESAMPLE percentage: %v", ferr)
		}
		lit, ok = &Literal{V: v, T: Double}, true
	}
	if !ok {
		return 0, b.errorf(pos, ErrType, "a TABLESAMPLE percentage must be a constant")
	}
	if lit.V.Null {
		return 0, b.errorf(pos, ErrType, "a TABLESAMPLE percentage cannot be NULL")
	}
	p := lit.V.Float
	if lit.T.Kind == KindBigint {
		p = float64(lit.V.Int)
	}
	if p < 0 || p > 100 || p != p {
		return 0, b.errorf(pos, ErrType, "a TABLESAMPLE percentage must be from 0 to 100, got %g", p)
	}
	return p, nil
}

// sampleSeed is Options.SampleSeed, else random; each sample of a query
// gets its own.
func (b *binder) sampleSeed() uint64 {
	b.samples++
	if b.opts.SampleSeed != 0 {
		return b.opts.SampleSeed + uint64(b.samples)
	}
	return rand.Uint64()
}

// firstVolatile names the first non-deterministic function x calls.
func firstVolatile(x Expr) string {
	name := ""
	Walk(x, func(e Expr) bool {
		if c, ok := e.(*Call); ok && c.Fn != nil && !c.Fn.Deterministic() && name == "" {
			name = c.Name + "()"
		}
		return name == ""
	})
	return name
}
