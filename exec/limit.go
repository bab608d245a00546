package exec

import (
	"context"

	"github.com/apache/arrow/go/v17/arrow"
)

// Limit skips the first offset rows, then passes at most n (all when
// n < 0). Once it has them it closes its input at once, so a scan below
// stops reading files.
type Limit struct {
	in      Operator
	n       int64
	skip    int64 // rows still to skip
	seen    int64
	closed  bool
	limited bool
}

// NewLimit passes at most n rows of in (every row when n < 0) after the
// first offset.
func NewLimit(in Operator, n, offset int64) *Limit {
	return &Limit{in: in, n: n, skip: offset, limited: n >= 0}
}

func (l *Limit) Schema() *arrow.Schema { return l.in.Schema() }

func (l *Limit) Next(ctx context.Context) (Batch, error) {
	for {
		if l.limited && l.seen >= l.n {
			return Batch{}, l.closeInput()
		}
		b, err := l.in.Next(ctx)
		if err != nil || b.Rec == nil {
			return b, err
		}
		if l.skip > 0 {
			n := int64(b.Len())
			if n <= l.skip {
				l.skip -= n
				continue
			}
			live := liveRows(b)
			b.Sel = append([]int32(nil), live[l.skip:]...)
			l.skip = 0
		}
		if left := l.n - l.seen; l.limited && int64(b.Len()) > left {
			if b.Sel == nil {
				b.Sel = identity(int(left))
			} else {
				b.Sel = b.Sel[:left]
			}
		}
		l.seen += int64(b.Len())
		return b, nil
	}
}

func (l *Limit) closeInput() error {
	if l.closed {
		return nil
	}
	l.closed = true
	return l.in.Close()
}

func (l *Limit) Close() error { return l.closeInput() }
