package exec

import (
	"errors"
	"fmt"
	"sort"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/bitutil"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// The higher-order functions, with Trino's NULL rules: a NULL array or map
// gives NULL; filter keeps the elements whose predicate is TRUE; any_match
// is TRUE if one element matches, else NULL if a predicate was NULL, else
// FALSE (all_match and none_match likewise).
func init() {
	lambdaFuncs["transform"] = hofTransform
	lambdaFuncs["filter"] = hofFilter
	lambdaFuncs["any_match"] = hofMatch(matchAny)
	lambdaFuncs["all_match"] = hofMatch(matchAll)
	lambdaFuncs["none_match"] = hofMatch(matchNone)
	lambdaFuncs["zip_with"] = hofZipWith
	lambdaFuncs["transform_keys"] = hofTransformMap(true)
	lambdaFuncs["transform_values"] = hofTransformMap(false)
	lambdaFuncs["map_filter"] = hofMapFilter
	lambdaFuncs["array_sort"] = hofArraySort
	lambdaFuncs["reduce"] = hofReduce
}

func hofTransform(r *lambdaRun) (arrow.Array, error) {
	f, err := flatten(r.mem, r.args[0])
	if err != nil {
		return nil, err
	}
	defer f.release()
	vals, err := r.callFlat(0, f)
	if err != nil {
		return nil, err
	}
	defer vals.Release()
	return listFrom(vals, f.starts, f.valid), nil
}

func hofFilter(r *lambdaRun) (arrow.Array, error) {
	f, err := flatten(r.mem, r.args[0])
	if err != nil {
		return nil, err
	}
	defer f.release()
	idx, starts, err := r.kept(f)
	if err != nil {
		return nil, err
	}
	vals, err := take(r.mem, f.elems[0], idx)
	if err != nil {
		return nil, err
	}
	defer vals.Release()
	return listFrom(vals, starts, f.valid), nil
}

// predicateRows is the driver of the predicate lambdas (filter,
// map_filter, any_match, all_match, none_match): it evaluates lambda 0
// once over all of f's elements, then calls row for each outer row with
// the range of its elements' results in p.
func (r *lambdaRun) predicateRows(f *flat, row func(i int, p *predicateValues, s, e int)) error {
	p := &predicateValues{}
	if f.count() > 0 {
		res, err := r.callFlat(0, f)
		if err != nil {
			return err
		}
		defer res.Release()
		if err := p.read(res); err != nil {
			return err
		}
	}
	for i := 0; i < r.n; i++ {
		row(i, p, int(f.starts[i]), int(f.starts[i+1]))
	}
	return nil
}

// predicateValues are a predicate's results, TRUE, FALSE or NULL per
// element, read from the boolean array's bitmaps.
type predicateValues struct {
	vals, valid []byte // valid nil: no NULL
	off         int
	allNull     bool // the lambda's type is unknown (NULL literal body)
}

func (p *predicateValues) read(a arrow.Array) error {
	switch b := a.(type) {
	case *array.Boolean:
		p.vals, p.off = b.Data().Buffers()[1].Bytes(), b.Data().Offset()
		if b.NullN() > 0 {
			p.valid = b.NullBitmapBytes()
		}
		return nil
	case *array.Null:
		p.allNull = true
		return nil
	}
	return fmt.Errorf("the lambda returned %s, not boolean", a.DataType())
}

// isTrue reports element j TRUE.
func (p *predicateValues) isTrue(j int) bool {
	if p.allNull || p.valid != nil && !bitutil.BitIsSet(p.valid, p.off+j) {
		return false
	}
	return bitutil.BitIsSet(p.vals, p.off+j)
}

// saw reports which values elements [s, e) hold.
func (p *predicateValues) saw(s, e int) (sawTrue, sawFalse, sawNull bool) {
	if p.allNull {
		return false, false, e > s
	}
	if p.valid == nil {
		for j := p.off + s; j < p.off+e && !(sawTrue && sawFalse); j++ {
			if bitutil.BitIsSet(p.vals, j) {
				sawTrue = true
			} else {
				sawFalse = true
			}
		}
		return
	}
	for j := p.off + s; j < p.off+e; j++ {
		switch {
		case p.valid != nil && !bitutil.BitIsSet(p.valid, j):
			sawNull = true
		case bitutil.BitIsSet(p.vals, j):
			sawTrue = true
		default:
			sawFalse = true
		}
	}
	return
}

// kept runs the predicate lambda over f's elements and returns the
// elements it holds TRUE for and each row's new start among them (filter,
// map_filter).
func (r *lambdaRun) kept(f *flat) ([]int32, []int32, error) {
	idx := make([]int32, 0, f.count())
	starts := make([]int32, r.n+1)
	err := r.predicateRows(f, func(i int, p *predicateValues, s, e int) {
		for j := s; j < e; j++ {
			if p.isTrue(j) {
				idx = append(idx, int32(j))
			}
		}
		starts[i+1] = int32(len(idx))
	})
	return idx, starts, err
}

type matchKind int

const (
	matchAny matchKind = iota
	matchAll
	matchNone
)

// hofMatch is any_match, all_match or none_match: per row TRUE or FALSE
// when one element settles it or none is NULL, else NULL; NULL for a
// NULL array.
func hofMatch(kind matchKind) func(r *lambdaRun) (arrow.Array, error) {
	return func(r *lambdaRun) (arrow.Array, error) {
		f, err := flatten(r.mem, r.args[0])
		if err != nil {
			return nil, err
		}
		defer f.release()
		vals := make([]byte, bitutil.BytesForBits(int64(r.n)))
		valid := make([]byte, len(vals))
		nulls := 0
		err = r.predicateRows(f, func(i int, p *predicateValues, s, e int) {
			if e == s && !f.valid(i) {
				nulls++
				return
			}
			sawTrue, sawFalse, sawNull := p.saw(s, e)
			var v bool
			switch kind {
			case matchAny:
				v = sawTrue
				sawNull = sawNull && !sawTrue
			case matchAll:
				v = !sawFalse
				sawNull = sawNull && !sawFalse
			case matchNone:
				v = !sawTrue
				sawNull = sawNull && !sawTrue
			}
			if sawNull {
				nulls++
				return
			}
			bitutil.SetBit(valid, i)
			if v {
				bitutil.SetBit(vals, i)
			}
		})
		if err != nil {
			return nil, err
		}
		var bitmap *memory.Buffer
		if nulls > 0 {
			bitmap = memory.NewBufferBytes(valid)
		}
		d := array.NewData(arrow.FixedWidthTypes.Boolean, r.n, []*memory.Buffer{bitmap, memory.NewBufferBytes(vals)}, nil, nulls, 0)
		defer d.Release()
		return array.MakeFromData(d), nil
	}
}

// hofZipWith pairs the elements of two arrays; the shorter is padded with
// NULLs.
func hofZipWith(r *lambdaRun) (arrow.Array, error) {
	la, ok1 := r.args[0].(*array.List)
	lb, ok2 := r.args[1].(*array.List)
	if !ok1 || !ok2 {
		return nil, errors.New("zip_with takes two arrays")
	}
	valid := func(i int) bool { return la.IsValid(i) && lb.IsValid(i) }
	var ia, ib, parents []int32
	starts := make([]int32, r.n+1)
	for i := 0; i < r.n; i++ {
		if valid(i) {
			sa, ea := la.ValueOffsets(i)
			sb, eb := lb.ValueOffsets(i)
			m := max(ea-sa, eb-sb)
			for k := int64(0); k < m; k++ {
				ia = append(ia, pick(sa+k, ea))
				ib = append(ib, pick(sb+k, eb))
				parents = append(parents, int32(i))
			}
		}
		starts[i+1] = int32(len(parents))
	}
	pa, err := takeOrNull(r.mem, la.ListValues(), ia)
	if err != nil {
		return nil, err
	}
	defer pa.Release()
	pb, err := takeOrNull(r.mem, lb.ListValues(), ib)
	if err != nil {
		return nil, err
	}
	defer pb.Release()
	vals, err := r.call(0, []arrow.Array{pa, pb}, parents)
	if err != nil {
		return nil, err
	}
	defer vals.Release()
	return listFrom(vals, starts, valid), nil
}

func pick(k, end int64) int32 {
	if k < end {
		return int32(k)
	}
	return -1
}

// hofTransformMap computes new keys (transform_keys) or values
// (transform_values) from each entry.
func hofTransformMap(keys bool) func(r *lambdaRun) (arrow.Array, error) {
	return func(r *lambdaRun) (arrow.Array, error) {
		f, err := flatten(r.mem, r.args[0])
		if err != nil {
			return nil, err
		}
		defer f.release()
		vals, err := r.callFlat(0, f)
		if err != nil {
			return nil, err
		}
		defer vals.Release()
		if !keys {
			return mapFrom(f.elems[0], vals, f.starts, f.valid), nil
		}
		if err := checkMapKeys(vals, f); err != nil {
			return nil, err
		}
		return mapFrom(vals, f.elems[1], f.starts, f.valid), nil
	}
}

// checkMapKeys rejects NULL and duplicate keys within a row, as Trino's
// transform_keys does.
func checkMapKeys(keys arrow.Array, f *flat) error {
	if keys.NullN() > 0 {
		return errors.New("map key cannot be null")
	}
	cmp, err := comparator(keys, keys)
	if err != nil {
		return err
	}
	for i := 0; i+1 < len(f.starts); i++ {
		s, e := int(f.starts[i]), int(f.starts[i+1])
		for a := s; a < e; a++ {
			for b := a + 1; b < e; b++ {
				if cmp(a, b) == 0 {
					v, _ := valueAt(keys, a)
					return fmt.Errorf("Duplicate map keys (%s) are not allowed", planner.FormatValue(v, keyTypeOf(keys), false))
				}
			}
		}
	}
	return nil
}

func keyTypeOf(a arrow.Array) planner.Type {
	t, err := planner.TypeFromArrow(a.DataType())
	if err != nil {
		return planner.Varchar
	}
	return t
}

func hofMapFilter(r *lambdaRun) (arrow.Array, error) {
	f, err := flatten(r.mem, r.args[0])
	if err != nil {
		return nil, err
	}
	defer f.release()
	idx, starts, err := r.kept(f)
	if err != nil {
		return nil, err
	}
	k, err := take(r.mem, f.elems[0], idx)
	if err != nil {
		return nil, err
	}
	defer k.Release()
	v, err := take(r.mem, f.elems[1], idx)
	if err != nil {
		return nil, err
	}
	defer v.Release()
	return mapFrom(k, v, starts, f.valid), nil
}

// maxSortPairs bounds the comparator calls evaluated in one go: array_sort
// evaluates its comparator over every ordered pair of a row's elements at
// once (vectorized), then sorts each row with the results.
const maxSortPairs = 1 << 20

func hofArraySort(r *lambdaRun) (arrow.Array, error) {
	f, err := flatten(r.mem, r.args[0])
	if err != nil {
		return nil, err
	}
	defer f.release()
	order := make([]int32, 0, f.count())
	for i := 0; i < r.n; {
		// A chunk of rows whose pairs fit the bound (at least one row).
		j, pairs := i, 0
		for j < r.n && (j == i || pairs+f.rowLen(j)*f.rowLen(j) <= maxSortPairs) {
			pairs += f.rowLen(j) * f.rowLen(j)
			j++
		}
		var left, right, parents []int32
		for row := i; row < j; row++ {
			s, e := f.starts[row], f.starts[row+1]
			for a := s; a < e; a++ {
				for b := s; b < e; b++ {
					left, right, parents = append(left, a), append(right, b), append(parents, int32(row))
				}
			}
		}
		var res []int64
		if len(parents) > 0 {
			la, err := take(r.mem, f.elems[0], left)
			if err != nil {
				return nil, err
			}
			ra, err := take(r.mem, f.elems[0], right)
			if err != nil {
				la.Release()
				return nil, err
			}
			out, err := r.call(0, []arrow.Array{la, ra}, parents)
			la.Release()
			ra.Release()
			if err != nil {
				return nil, err
			}
			ints, ok := out.(*array.Int64)
			if !ok || ints.NullN() > 0 {
				out.Release()
				return nil, errors.New("array_sort: the comparator must return -1, 0 or 1, not NULL")
			}
			res = append([]int64(nil), ints.Int64Values()...)
			out.Release()
		}
		p := 0
		for row := i; row < j; row++ {
			s, l := f.starts[row], f.rowLen(row)
			idx := make([]int32, l)
			for k := range idx {
				idx[k] = s + int32(k)
			}
			m := res[p : p+l*l]
			sort.SliceStable(idx, func(a, b int) bool { return m[int(idx[a]-s)*l+int(idx[b]-s)] < 0 })
			order = append(order, idx...)
			p += l * l
		}
		i = j
	}
	vals, err := take(r.mem, f.elems[0], order)
	if err != nil {
		return nil, err
	}
	defer vals.Release()
	return listFrom(vals, f.starts, f.valid), nil
}

// hofReduce folds each array with the step lambda, all rows' k-th
// elements in one evaluation, then applies the output lambda.
func hofReduce(r *lambdaRun) (arrow.Array, error) {
	f, err := flatten(r.mem, r.args[0])
	if err != nil {
		return nil, err
	}
	defer f.release()
	state := r.args[1]
	state.Retain()
	defer func() { state.Release() }()
	maxLen := 0
	for i := 0; i < r.n; i++ {
		maxLen = max(maxLen, f.rowLen(i))
	}
	for k := 0; k < maxLen; k++ {
		var rows, elems []int32
		for i := 0; i < r.n; i++ {
			if f.rowLen(i) > k {
				rows, elems = append(rows, int32(i)), append(elems, f.starts[i]+int32(k))
			}
		}
		st, err := take(r.mem, state, rows)
		if err != nil {
			return nil, err
		}
		el, err := take(r.mem, f.elems[0], elems)
		if err != nil {
			st.Release()
			return nil, err
		}
		next, err := r.call(0, []arrow.Array{st, el}, rows)
		st.Release()
		el.Release()
		if err != nil {
			return nil, err
		}
		// The new state: next for the rows that had a k-th element.
		merged, err := scatter(r, state, next, rows)
		next.Release()
		if err != nil {
			return nil, err
		}
		state.Release()
		state = merged
	}
	out, err := r.call(1, []arrow.Array{state}, identity(r.n))
	if err != nil {
		return nil, err
	}
	if r.args[0].NullN() == 0 {
		return out, nil
	}
	defer out.Release()
	idx := make([]int32, r.n)
	for i := range idx {
		idx[i] = int32(i)
		if !f.valid(i) {
			idx[i] = -1 // reduce(NULL, …) is NULL
		}
	}
	return takeOrNull(r.mem, out, idx)
}

// scatter returns base with rows[i] replaced by vals[i].
func scatter(r *lambdaRun, base, vals arrow.Array, rows []int32) (arrow.Array, error) {
	both, err := array.Concatenate([]arrow.Array{base, vals}, r.mem)
	if err != nil {
		return nil, fmt.Errorf("reduce: %w", err)
	}
	defer both.Release()
	idx := identity(base.Len())
	for i, row := range rows {
		idx[row] = int32(base.Len() + i)
	}
	return take(r.mem, both, idx)
}
