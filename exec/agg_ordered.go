package exec

import (
	"sort"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/exec/fn"
)

// orderedAcc gives an aggregate its group's rows in ORDER BY order
// (array_agg(x ORDER BY y), listagg(…) WITHIN GROUP (ORDER BY …)): it keeps
// every row's group, arguments and sort keys, and at Result sorts them by
// group, then keys (stably: ties keep input order), and replays them to the
// wrapped accumulator in batches. Its memory is the rows it keeps.
type orderedAcc struct {
	inner  fn.Accumulator
	nargs  int
	keys   []SortKey
	env    *Env
	groups []uint32
	cols   [][]arrow.Array // per Update: arguments then keys (retained)
	bytes  int64
	ngroup int
}

func newOrderedAcc(inner fn.Accumulator, nargs int, keys []SortKey, env *Env) *orderedAcc {
	return &orderedAcc{inner: inner, nargs: nargs, keys: keys, env: env}
}

func (a *orderedAcc) Grow(n int) {
	a.ngroup = max(a.ngroup, n)
	a.inner.Grow(n)
}

func (a *orderedAcc) Update(groups []uint32, args []arrow.Array) error {
	a.groups = append(a.groups, groups...)
	kept := make([]arrow.Array, len(args))
	for i, x := range args {
		x.Retain()
		kept[i] = x
		a.bytes += arrayBytes(x.Data())
	}
	a.cols = append(a.cols, kept)
	a.bytes += int64(len(groups)) * 4
	return nil
}

func (a *orderedAcc) Bytes() int64 { return a.bytes + a.inner.Bytes() }

func (a *orderedAcc) Result(mem memory.Allocator) (arrow.Array, error) {
	defer a.release()
	if len(a.groups) > 0 {
		if err := a.replay(); err != nil {
			return nil, err
		}
	}
	return a.inner.Result(mem)
}

func (a *orderedAcc) release() {
	for _, c := range a.cols {
		releaseAll(c)
	}
	a.cols, a.groups = nil, nil
}

// replay sorts the kept rows and feeds them to the inner accumulator.
func (a *orderedAcc) replay() error {
	mem := a.env.mem()
	ncol := len(a.cols[0])
	cat := make([]arrow.Array, ncol)
	defer releaseAll(cat)
	for c := 0; c < ncol; c++ {
		parts := make([]arrow.Array, len(a.cols))
		for b, cols := range a.cols {
			parts[b] = cols[c]
		}
		x, err := concatPlain(mem, parts)
		if err != nil {
			return err
		}
		cat[c] = x
	}
	keys := cat[a.nargs:]
	cmp, err := rowComparator(keys, keys, a.keys)
	if err != nil {
		return err
	}
	perm := identity(len(a.groups))
	sort.SliceStable(perm, func(i, j int) bool {
		x, y := perm[i], perm[j]
		if a.groups[x] != a.groups[y] {
			return a.groups[x] < a.groups[y]
		}
		return cmp(int(x), int(y)) < 0
	})
	const chunk = 8192
	ids := make([]uint32, 0, chunk)
	for s := 0; s < len(perm); s += chunk {
		rows := perm[s:min(s+chunk, len(perm))]
		ids = ids[:0]
		for _, r := range rows {
			ids = append(ids, a.groups[r])
		}
		args := make([]arrow.Array, a.nargs)
		for c := range args {
			t, err := take(mem, cat[c], rows)
			if err != nil {
				releaseAll(args)
				return err
			}
			args[c] = t
		}
		err := a.inner.Update(ids, args)
		releaseAll(args)
		if err != nil {
			return err
		}
	}
	return nil
}

// concatPlain concatenates arrays of one SQL type; when their Arrow types
// differ (a struct whose children are dictionary-encoded in some batches
// only) the result is built with plain children.
func concatPlain(mem memory.Allocator, parts []arrow.Array) (arrow.Array, error) {
	same := true
	for _, p := range parts[1:] {
		same = same && arrow.TypeEqual(p.DataType(), parts[0].DataType())
	}
	if same {
		if len(parts) == 1 {
			parts[0].Retain()
			return parts[0], nil
		}
		return array.Concatenate(parts, mem)
	}
	b := array.NewBuilder(mem, plainType(parts[0].DataType()))
	defer b.Release()
	for _, p := range parts {
		if err := appendRowsTo(b, p, identity(p.Len())); err != nil {
			return nil, err
		}
	}
	return b.NewArray(), nil
}

// ResultBytes is the wrapped accumulator's (fn.ResultSizer), so the memory
// limit counts an ordered array_agg's result copy too.
func (a *orderedAcc) ResultBytes() int64 {
	if r, ok := a.inner.(fn.ResultSizer); ok {
		return r.ResultBytes()
	}
	return 0
}
