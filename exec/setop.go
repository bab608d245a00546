package exec

import (
	"context"
	"errors"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
)

// SetOp is INTERSECT or EXCEPT, DISTINCT or ALL. It reads the right input
// first, counting its rows per distinct row (the grouping coders of
// groups.go; NULLs are equal here, as in Trino), then streams the left
// input, passing each row as many times as the operation allows:
//
//	INTERSECT      once, if the right input has it
//	INTERSECT ALL  min(times in left, times in right)
//	EXCEPT         once, if the right input lacks it
//	EXCEPT ALL     max(times in left - times in right, 0)
type SetOp struct {
	left, right Operator
	intersect   bool
	all         bool
	env         *Env
	g           *grouper
	rightCount  []int64
	leftSeen    []int64
	built       bool
	rightClosed bool
}

// NewSetOp combines left and right (same column types).
func NewSetOp(left, right Operator, intersect, all bool, env *Env) *SetOp {
	return &SetOp{left: left, right: right, intersect: intersect, all: all, env: env, g: newGrouper(env.mem(), nil, false)}
}

func (s *SetOp) Schema() *arrow.Schema { return s.left.Schema() }

// Extra reports the distinct rows seen, for EXPLAIN ANALYZE.
func (s *SetOp) Extra() map[string]string {
	return map[string]string{"distinct rows": fmt.Sprint(s.g.n)}
}

func (s *SetOp) name() string {
	op := "except"
	if s.intersect {
		op = "intersect"
	}
	return op
}

// ids groups the live rows of b.
func (s *SetOp) ids(b Batch) ([]uint32, error) {
	cols := make([]arrow.Array, b.Rec.NumCols())
	var err error
	for i := range cols {
		if b.Sel == nil {
			cols[i] = b.Rec.Column(i)
			cols[i].Retain()
		} else if cols[i], err = take(s.env.mem(), b.Rec.Column(i), b.Sel); err != nil {
			releaseAll(cols)
			return nil, err
		}
	}
	defer releaseAll(cols)
	n := b.Len()
	if len(cols) == 0 {
		s.g.n = 1
		return make([]uint32, n), nil
	}
	ids, _, err := s.g.assign(cols, n)
	if err != nil {
		return nil, err
	}
	for len(s.rightCount) < int(s.g.n) {
		s.rightCount, s.leftSeen = append(s.rightCount, 0), append(s.leftSeen, 0)
	}
	return ids, s.env.checkMemory(s, s.name(), s.g.size()+int64(len(s.rightCount))*16)
}

func (s *SetOp) Next(ctx context.Context) (Batch, error) {
	if !s.built {
		s.built = true
		for {
			b, err := s.right.Next(ctx)
			if err != nil {
				return Batch{}, err
			}
			if b.Rec == nil {
				break
			}
			ids, err := s.ids(b)
			if err != nil {
				return Batch{}, err
			}
			for len(s.rightCount) < int(s.g.n) {
				s.rightCount, s.leftSeen = append(s.rightCount, 0), append(s.leftSeen, 0)
			}
			for _, id := range ids {
				s.rightCount[id]++
			}
		}
		s.rightClosed = true
		if err := s.right.Close(); err != nil {
			return Batch{}, err
		}
	}
	for {
		b, err := s.left.Next(ctx)
		if err != nil || b.Rec == nil {
			return b, err
		}
		ids, err := s.ids(b)
		if err != nil {
			return Batch{}, err
		}
		for len(s.rightCount) < int(s.g.n) {
			s.rightCount, s.leftSeen = append(s.rightCount, 0), append(s.leftSeen, 0)
		}
		live := liveRows(b)
		var sel []int32
		for i, id := range ids {
			s.leftSeen[id]++
			seen, right := s.leftSeen[id], s.rightCount[id]
			var keep bool
			switch {
			case !s.all && s.intersect:
				keep = seen == 1 && right > 0
			case !s.all:
				keep = seen == 1 && right == 0
			case s.intersect:
				keep = seen <= right
			default:
				keep = seen > right
			}
			if keep {
				sel = append(sel, live[i])
			}
		}
		if len(sel) > 0 {
			return Batch{Rec: b.Rec, Sel: sel}, nil
		}
	}
}

func (s *SetOp) Close() error {
	s.env.checkMemory(s, s.name(), 0)
	s.g.release()
	err := s.left.Close()
	if !s.rightClosed {
		s.rightClosed = true
		err = errors.Join(err, s.right.Close())
	}
	return err
}
