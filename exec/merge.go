package exec

import (
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/planner"
)

// merger assembles one result from several arms (CASE branches, COALESCE
// arguments), each evaluated on its own subset of the live rows.
type merger struct {
	live []int32
	arm  []int32 // per live position: arm index or -1 (NULL)
	pos  []int32 // per live position: position within the arm's values
	vecs []Vec
}

func newMerger(b Batch, arms int) *merger {
	live := liveRows(b)
	m := &merger{live: live, arm: make([]int32, len(live)), pos: make([]int32, len(live)), vecs: make([]Vec, arms)}
	for i := range m.arm {
		m.arm[i] = -1
	}
	return m
}

// set records that arm k supplies rows (ascending, a subset of live), its
// values v aligned with rows.
func (m *merger) set(k int, rows []int32, v Vec) {
	m.vecs[k] = v
	j := 0
	for i, r := range m.live {
		if j < len(rows) && rows[j] == r {
			m.arm[i], m.pos[i] = int32(k), int32(j)
			j++
		}
	}
}

func (m *merger) release() {
	for _, v := range m.vecs {
		v.Release()
	}
}

func (m *merger) build(env *Env, t planner.Type) (Vec, error) {
	// One arm covering every row: pass it through.
	if len(m.arm) > 0 && m.arm[0] >= 0 {
		k := m.arm[0]
		all := true
		for _, a := range m.arm {
			if a != k {
				all = false
				break
			}
		}
		if all {
			v := m.vecs[k]
			m.vecs[k] = Vec{}
			return v, nil
		}
	}
	b := array.NewBuilder(env.mem(), t.Arrow())
	defer b.Release()
	b.Reserve(len(m.arm))
	apps := make([]func(int) error, len(m.vecs))
	for k, v := range m.vecs {
		apps[k] = appender(b, v)
	}
	for i, k := range m.arm {
		if k < 0 {
			b.AppendNull()
			continue
		}
		if err := apps[k](int(m.pos[i])); err != nil {
			return Vec{}, err
		}
	}
	return Vec{Arr: b.NewArray()}, nil
}

// appender appends single values of v to b (b of v's plain type).
func appender(b array.Builder, v Vec) func(int) error {
	if v.IsConst {
		return func(int) error { return appendValue(b, v.Const) }
	}
	if v.Arr == nil {
		return func(int) error { b.AppendNull(); return nil }
	}
	switch a := v.Arr.(type) {
	case *array.Int64:
		if bb, ok := b.(*array.Int64Builder); ok {
			return func(i int) error { appendOne(bb, a, i, a.Value); return nil }
		}
	case *array.Float64:
		if bb, ok := b.(*array.Float64Builder); ok {
			return func(i int) error { appendOne(bb, a, i, a.Value); return nil }
		}
	case *array.Boolean:
		if bb, ok := b.(*array.BooleanBuilder); ok {
			return func(i int) error { appendOne(bb, a, i, a.Value); return nil }
		}
	case *array.Timestamp:
		if bb, ok := b.(*array.TimestampBuilder); ok {
			return func(i int) error { appendOne(bb, a, i, a.Value); return nil }
		}
	case *array.String:
		if bb, ok := b.(*array.StringBuilder); ok {
			return func(i int) error { appendOne(bb, a, i, a.Value); return nil }
		}
	}
	a := v.Arr
	return func(i int) error { return appendRowsTo(b, a, []int32{int32(i)}) }
}

type valueBuilder[T any] interface {
	Append(T)
	AppendNull()
}

func appendOne[T any](b valueBuilder[T], a arrow.Array, i int, at func(int) T) {
	if a.IsNull(i) {
		b.AppendNull()
	} else {
		b.Append(at(i))
	}
}
