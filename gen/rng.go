package gen

import (
	"math"
	"math/bits"
)

// rng is a splitmix64 generator. It is tiny, fast and has a full 2^64 period,
// and, more importantly here, any event can get its own generator from its
// index in O(1) (see eventRNG), which is what lets files be generated in
// parallel, in any order, with byte-identical output.
type rng struct{ s uint64 }

const golden = 0x9e3779b97f4a7c15

func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *rng) next() uint64 {
	r.s += golden
	return mix64(r.s)
}

// intn returns a value in [0, n) (Lemire's multiply-shift; the tiny bias is
// irrelevant for synthetic data).
func (r *rng) intn(n int) int {
	hi, _ := bits.Mul64(r.next(), uint64(n))
	return int(hi)
}

// float returns a value in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) * (1.0 / (1 << 53)) }

// chance reports true with probability p.
func (r *rng) chance(p float64) bool { return r.float() < p }

// streamSeed derives independent seeds for the different random streams
// (plan, names, per-event) from the user's seed, so that changing one stream's
// use never shifts another's values.
func streamSeed(seed int64, stream uint64) uint64 {
	return mix64(uint64(seed)*golden ^ mix64(stream+1))
}

// eventRNG returns the generator of event number k. The state is a bijective
// hash of k, so distinct events start at distinct, scattered points of the
// cycle (their streams do not overlap in practice) and their first outputs
// never collide.
func eventRNG(base uint64, k int64) rng { return rng{s: mix64(base + uint64(k)*golden)} }

// weighted samples indexes with fixed relative weights by binary search over a
// cumulative table of 64-bit thresholds.
type weighted struct{ cum []uint64 }

func newWeighted(w []float64) weighted {
	var total float64
	for _, x := range w {
		total += x
	}
	cum := make([]uint64, len(w))
	var acc float64
	for i, x := range w {
		acc += x
		c := acc / total
		if c >= 1 || i == len(w)-1 {
			cum[i] = ^uint64(0)
		} else {
			cum[i] = uint64(c * (1 << 63) * 2)
		}
	}
	return weighted{cum: cum}
}

func (w weighted) pick(r *rng) int {
	x := r.next()
	lo, hi := 0, len(w.cum)-1
	for lo < hi {
		m := (lo + hi) >> 1
		if x <= w.cum[m] {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

// zipfWeights returns n weights proportional to 1/(i+q)^s, the skew real
// CloudTrail traffic shows among principals, IPs and APIs.
func zipfWeights(n int, s, q float64) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = math.Pow(float64(i)+q, -s)
	}
	return w
}
