package planner

import (
	"os"
	"path/filepath"
)

// estimateRows guesses how many rows a node yields, to choose a join's
// build side. A store scan counts the rows of the files its time range
// overlaps (from the manifest); each conjunct of a filter keeps a fixed
// share, by its shape. The guesses only need to
// order the two sides of a join right.
func estimateRows(n Node) int64 {
	switch n := n.(type) {
	case *Scan:
		return scanRows(n)
	case *Filter:
		return scale(estimateRows(n.Input), selectivity(n.Cond))
	case *Project:
		return estimateRows(n.Input)
	case *Aggregate:
		if len(n.Groups) == 0 {
			return 1
		}
		return max(1, estimateRows(n.Input)/10)
	case *Distinct:
		return max(1, estimateRows(n.Input)/2)
	case *Sort:
		return estimateRows(n.Input)
	case *TopN:
		return min(n.N, estimateRows(n.Input))
	case *Limit:
		in := estimateRows(n.Input) - n.Offset
		if n.N >= 0 {
			in = min(in, n.N)
		}
		return max(0, in)
	case *Values:
		return int64(len(n.Rows))
	case *UnionAll:
		var s int64
		for _, in := range n.Ins {
			s += estimateRows(in)
		}
		return s
	case *SetOp:
		return estimateRows(n.Left)
	case *Join:
		l, r := estimateRows(n.Left), estimateRows(n.Right)
		switch n.Kind {
		case JoinSemi, JoinAnti:
			return max(1, l/2)
		case JoinMark:
			return l
		}
		if n.IsCross() {
			return l * r
		}
		return max(l, r)
	}
	return 1000
}

// scanRows counts the rows of the files a scan's time range overlaps; a
// JSON table is sized by its files (about 1.5 KB an event).
func scanRows(s *Scan) int64 {
	if s.Snapshot != nil {
		var n int64
		for _, f := range s.Snapshot.Files {
			if s.Spec.Time.All() || s.Spec.Time.Overlaps(f.MinTime.UnixNano(), f.MaxTime.UnixNano()) {
				n += overlapRows(s, f.Rows, f.MinTime.UnixNano(), f.MaxTime.UnixNano())
			}
		}
		return n
	}
	var bytes int64
	for _, p := range s.JSON {
		matches, _ := filepath.Glob(p)
		if len(matches) == 0 {
			matches = []string{p}
		}
		for _, m := range matches {
			if st, err := os.Stat(m); err == nil {
				bytes += st.Size()
			}
		}
	}
	return max(1, bytes/1500)
}

// overlapRows is the share of a file's rows inside the scan's time range,
// assuming its events spread evenly over [lo, hi].
func overlapRows(s *Scan, rows, lo, hi int64) int64 {
	r := s.Spec.Time
	if r.All() || hi <= lo {
		return rows
	}
	a, b := lo, hi
	if r.HasMin && r.Min > a {
		a = r.Min
	}
	if r.HasMax && r.Max < b {
		b = r.Max
	}
	if b <= a {
		return min(rows, 1)
	}
	return max(1, int64(float64(rows)*float64(b-a)/float64(hi-lo)))
}

func scale(n int64, f float64) int64 {
	if n <= 0 {
		return 0
	}
	return max(1, int64(float64(n)*f))
}

// selectivity is the share of rows a condition keeps, by its shape.
func selectivity(e Expr) float64 {
	s := 1.0
	for _, c := range conjuncts(e) {
		switch c := c.(type) {
		case *Compare:
			switch c.Op {
			case OpEq, OpIsNotDistinct:
				s *= 0.05
			case OpNe, OpIsDistinct:
				s *= 0.9
			default:
				s *= 0.3
			}
		case *In:
			if c.Negate {
				s *= 0.9
			} else {
				s *= min(1, 0.05*float64(len(c.List)))
			}
		case *Like:
			s *= 0.2
		case *IsNull:
			if c.Negate {
				s *= 0.9
			} else {
				s *= 0.1
			}
		case *Literal:
			if c.T.Kind == KindBoolean && !c.V.Null && c.V.Bool {
				continue
			}
			s *= 0
		default:
			s *= 0.5
		}
	}
	return s
}
