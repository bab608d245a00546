package exec

import (
	"context"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
)

// Distinct passes each distinct row the first time it appears (streaming,
// so LIMIT above it stops early). Rows are keyed by the canonical encoding
// of all their columns; dictionary and plain strings key alike.
type Distinct struct {
	in   Operator
	env  *Env
	g    *grouper
	rows int64
}

// NewDistinct removes duplicate rows of in.
func NewDistinct(in Operator, env *Env) *Distinct {
	return &Distinct{in: in, env: env, g: newGrouper(env.mem(), nil, false)}
}

func (d *Distinct) Schema() *arrow.Schema { return d.in.Schema() }

// Extra reports the number of distinct rows for EXPLAIN ANALYZE.
func (d *Distinct) Extra() map[string]string {
	return map[string]string{"distinct rows": fmt.Sprint(d.g.n)}
}

func (d *Distinct) Next(ctx context.Context) (Batch, error) {
	for {
		if err := ctx.Err(); err != nil { // a run of duplicate batches returns nothing
			return Batch{}, err
		}
		b, err := d.in.Next(ctx)
		if err != nil || b.Rec == nil {
			return b, err
		}
		cols := make([]arrow.Array, b.Rec.NumCols())
		for i := range cols {
			if b.Sel == nil {
				cols[i] = b.Rec.Column(i)
				cols[i].Retain()
			} else if cols[i], err = take(d.env.mem(), b.Rec.Column(i), b.Sel); err != nil {
				releaseAll(cols)
				return Batch{}, err
			}
		}
		var fresh []int32
		if len(cols) == 0 {
			// No columns: every row is the same empty row.
			if d.g.n == 0 {
				d.g.n, fresh = 1, []int32{0}
			}
		} else {
			_, fresh, err = d.g.assign(cols, b.Len())
		}
		releaseAll(cols)
		if err != nil {
			return Batch{}, err
		}
		if err := d.env.checkMemory(d, "distinct", d.g.size()); err != nil {
			return Batch{}, err
		}
		if len(fresh) == 0 {
			continue
		}
		live := liveRows(b)
		for i, p := range fresh {
			fresh[i] = live[p]
		}
		return Batch{Rec: b.Rec, Sel: fresh}, nil
	}
}

func (d *Distinct) Close() error {
	d.env.checkMemory(d, "distinct", 0)
	d.g.release()
	return d.in.Close()
}
