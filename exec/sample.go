package exec

import (
	"context"
	"math/rand/v2"

	"github.com/apache/arrow/go/v17/arrow"
)

// Sample keeps each live row with probability percent/100 (TABLESAMPLE
// BERNOULLI): one draw per row of a generator seeded once, so with a fixed
// seed the number of rows kept does not depend on the order batches
// arrive in (which rows do, under parallel scans).
type Sample struct {
	in  Operator
	p   float64
	rng *rand.Rand
}

// NewSample samples in at percent with the given seed.
func NewSample(in Operator, percent float64, seed uint64) *Sample {
	return &Sample{in: in, p: percent / 100, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (s *Sample) Schema() *arrow.Schema { return s.in.Schema() }

func (s *Sample) Next(ctx context.Context) (Batch, error) {
	for {
		b, err := s.in.Next(ctx)
		if err != nil || b.Rec == nil {
			return b, err
		}
		live := liveRows(b)
		sel := make([]int32, 0, int(float64(len(live))*s.p)+16)
		for _, r := range live {
			if s.rng.Float64() < s.p {
				sel = append(sel, r)
			}
		}
		if len(sel) > 0 {
			return Batch{Rec: b.Rec, Sel: sel}, nil
		}
	}
}

func (s *Sample) Close() error { return s.in.Close() }
