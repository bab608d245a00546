package exec

import (
	"context"

	"github.com/apache/arrow/go/v17/arrow"
)

// Sort orders all rows of its input (stable: ties keep input order).
type Sort struct {
	in   Operator
	keys []SortKey
	env  *Env
	out  arrow.Record
	prev arrow.Record
	off  int
	done bool
}

// NewSort sorts in by keys.
func NewSort(in Operator, keys []SortKey, env *Env) *Sort {
	return &Sort{in: in, keys: keys, env: env}
}

func (s *Sort) Schema() *arrow.Schema { return s.in.Schema() }

func (s *Sort) Next(ctx context.Context) (Batch, error) {
	if !s.done {
		s.done = true
		if err := s.consume(ctx); err != nil {
			return Batch{}, err
		}
	}
	var b Batch
	s.prev, b, s.off = nextSlice(s.out, s.prev, s.off, s.env.batchSize())
	return b, nil
}

func (s *Sort) consume(ctx context.Context) error {
	c := newCollector(s.env.mem(), s.in.Schema())
	defer c.release()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := s.in.Next(ctx)
		if err != nil {
			return err
		}
		if b.Rec == nil {
			break
		}
		if err := c.add(b, liveRows(b)); err != nil {
			return err
		}
		if err := s.env.checkMemory(s, "sort", c.bytes); err != nil {
			return err
		}
	}
	rec := c.record()
	defer rec.Release()
	if rec.NumRows() == 0 {
		return nil
	}
	// The sorted copy coexists with the collected rows until it is built,
	// with the permutation and the sort's buffer (fn.SortFunc).
	held := recordBytes(rec)
	if err := s.env.checkMemory(s, "sort", 2*held+rec.NumRows()*16); err != nil {
		return err
	}
	perm, err := sortPerm(ctx, rec, s.keys, s.env)
	if err != nil {
		return err
	}
	if s.out, err = takeRecord(s.env.mem(), rec, perm); err != nil {
		return err
	}
	return s.env.checkMemory(s, "sort", recordBytes(s.out))
}

func (s *Sort) Close() error {
	s.env.checkMemory(s, "sort", 0)
	releaseRecs(&s.out, &s.prev)
	return s.in.Close()
}
