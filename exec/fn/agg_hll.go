package fn

import (
	"math"
	"math/bits"
	"unsafe"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/zeebo/xxh3"

	"github.com/ctlake/ctlake/planner"
)

// approx_distinct: each group counts exactly (a set of 64-bit hashes) up to
// hllExactMax distinct values, then switches to a HyperLogLog of 2^11
// registers, which is Trino's default standard error of 2.3%
// (1.04/sqrt(2048)). Small groups are therefore exact (barring 64-bit hash
// collisions) and large ones within a few percent. Hashes are deterministic
// (xxh3 for strings, splitmix64 for fixed-width values), so results are
// reproducible between runs.

const (
	hllP        = 11
	hllM        = 1 << hllP
	hllExactMax = 256
)

func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// hasher returns the hash of row i of a (only called for non-NULL rows).
func hasher(a arrow.Array, t planner.Type) func(i int) uint64 {
	v := Vec{Arr: a}
	switch t.Kind {
	case planner.KindVarchar, planner.KindJSON, planner.KindUUID, planner.KindVarbinary, planner.KindIPAddress, planner.KindIPPrefix:
		r := strsOf(v)
		return func(i int) uint64 { return xxh3.HashString(r.at(i)) }
	case planner.KindDouble:
		r := floatsOf(v)
		return func(i int) uint64 {
			f := r.at(i)
			if f == 0 {
				f = 0 // -0 and +0 are one value
			}
			return mix64(math.Float64bits(f))
		}
	case planner.KindBoolean:
		r := boolsOf(v)
		return func(i int) uint64 { return mix64(uint64(b2i(r.at(i))) + 1) }
	}
	r := intsOf(v)
	return func(i int) uint64 { return mix64(uint64(r.at(i))) }
}

type hllGroup struct {
	exact map[uint64]struct{}
	regs  []uint8
}

type hllAcc struct {
	t      planner.Type
	groups []hllGroup
	held   int64 // the groups' maps and registers
}

func newHLLAcc(t planner.Type) *hllAcc { return &hllAcc{t: t} }

func (a *hllAcc) Grow(n int) { a.groups = grow(a.groups, n) }

func (a *hllAcc) Update(groups []uint32, args []arrow.Array) error {
	nl := arrNulls(args[0])
	if nl.isConst {
		return nil
	}
	h := hasher(args[0], a.t)
	for i, g := range groups {
		if nl.null(i) {
			continue
		}
		a.held += a.groups[g].add(h(i))
	}
	return nil
}

// add counts h and returns the change in memory held.
func (gr *hllGroup) add(h uint64) int64 {
	if gr.regs != nil {
		gr.addReg(h)
		return 0
	}
	var grew int64
	if gr.exact == nil {
		gr.exact = make(map[uint64]struct{}, 4)
		grew = mapHeader
	}
	n := len(gr.exact)
	gr.exact[h] = struct{}{}
	if len(gr.exact) > n {
		grew += mapEntryBytes(8)
	}
	if len(gr.exact) > hllExactMax {
		gr.regs = make([]uint8, hllM)
		for x := range gr.exact {
			gr.addReg(x)
		}
		grew += heapBytes(hllM) - mapHeader - int64(len(gr.exact))*mapEntryBytes(8)
		gr.exact = nil
	}
	return grew
}

func (gr *hllGroup) addReg(h uint64) {
	idx := h >> (64 - hllP)
	rank := uint8(bits.LeadingZeros64(h<<hllP|1<<(hllP-1)) + 1)
	if rank > gr.regs[idx] {
		gr.regs[idx] = rank
	}
}

func (gr *hllGroup) estimate() int64 {
	if gr.regs == nil {
		return int64(len(gr.exact))
	}
	sum, zeros := 0.0, 0
	for _, r := range gr.regs {
		sum += math.Ldexp(1, -int(r))
		if r == 0 {
			zeros++
		}
	}
	m := float64(hllM)
	e := 0.7213 / (1 + 1.079/m) * m * m / sum
	if e <= 2.5*m && zeros > 0 {
		e = m * math.Log(m/float64(zeros))
	}
	return int64(math.Round(e))
}

func (a *hllAcc) Result(mem memory.Allocator) (arrow.Array, error) {
	out := newFixedOut[int64](mem, tI.Arrow(), len(a.groups))
	for g := range a.groups {
		out.vals[g] = a.groups[g].estimate()
	}
	return out.finish(), nil
}

func (a *hllAcc) Bytes() int64 {
	return int64(cap(a.groups))*int64(unsafe.Sizeof(hllGroup{})) + a.held
}
