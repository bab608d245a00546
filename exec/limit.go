package exec

import (
	"context"

	"github.com/apache/arrow/go/v17/arrow"
)

// Limit passes at most n rows. Once it has them it closes its input at
// once, so a scan below stops reading files.
type Limit struct {
	in     Operator
	n      int64
	seen   int64
	closed bool
}

// NewLimit passes at most n rows of in.
func NewLimit(in Operator, n int64) *Limit { return &Limit{in: in, n: n} }

func (l *Limit) Schema() *arrow.Schema { return l.in.Schema() }

func (l *Limit) Next(ctx context.Context) (Batch, error) {
	if l.seen >= l.n {
		return Batch{}, l.closeInput()
	}
	b, err := l.in.Next(ctx)
	if err != nil || b.Rec == nil {
		return b, err
	}
	left := l.n - l.seen
	if int64(b.Len()) > left {
		if b.Sel == nil {
			b.Sel = identity(int(left))
		} else {
			b.Sel = b.Sel[:left]
		}
	}
	l.seen += int64(b.Len())
	return b, nil
}

func (l *Limit) closeInput() error {
	if l.closed {
		return nil
	}
	l.closed = true
	return l.in.Close()
}

func (l *Limit) Close() error { return l.closeInput() }
