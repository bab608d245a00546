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
// elements in one evaluation, then applies the output lambda. The state
// is kept only for the rows still folding (those with more than k
// elements), so the work is that of the elements, not of rows × the
// longest array: a row's final state is taken from the pass that ended
// it, all at once at the end.
func hofReduce(r *lambdaRun) (arrow.Array, error) {
	f, err := flatten(r.mem, r.args[0])
	if err != nil {
		return nil, err
	}
	defer f.release()
	// srcs[0] is the initial state (rows without elements end there), then
	// each pass's ended rows; final[i] indexes row i's in their
	// concatenation.
	init := r.args[1]
	init.Retain()
	srcs := []arrow.Array{init}
	defer func() { releaseAll(srcs) }()
	final := identity(r.n)
	base := int32(r.n)
	var active []int32 // rows with more than k elements
	for i := 0; i < r.n; i++ {
		if f.rowLen(i) > 0 {
			active = append(active, int32(i))
		}
	}
	state, err := take(r.mem, init, active)
	if err != nil {
		return nil, err
	}
	for k := 0; len(active) > 0; k++ {
		elems := make([]int32, len(active))
		for j, row := range active {
			elems[j] = f.starts[row] + int32(k)
		}
		el, err := take(r.mem, f.elems[0], elems)
		if err != nil {
			state.Release()
			return nil, err
		}
		next, err := r.call(0, []arrow.Array{state, el}, active)
		state.Release()
		el.Release()
		if err != nil {
			return nil, err
		}
		var goOn, goOnRows, ended []int32
		for j, row := range active {
			if f.rowLen(int(row)) > k+1 {
				goOn, goOnRows = append(goOn, int32(j)), append(goOnRows, row)
			} else {
				final[row] = base + int32(len(ended))
				ended = append(ended, int32(j))
			}
		}
		done, err := take(r.mem, next, ended)
		if err == nil {
			srcs = append(srcs, done)
			base += int32(len(ended))
			state, err = takeOrSlice(r.mem, next, goOn)
		}
		next.Release()
		if err != nil {
			return nil, err
		}
		active = goOnRows
	}
	state.Release()
	all, err := array.Concatenate(srcs, r.mem)
	if err != nil {
		return nil, fmt.Errorf("reduce: %w", err)
	}
	defer all.Release()
	fin := all
	if len(srcs) > 1 || all.Len() != r.n {
		if fin, err = take(r.mem, all, final); err != nil {
			return nil, err
		}
		defer fin.Release()
	}
	out, err := r.call(1, []arrow.Array{fin}, identity(r.n))
	if err != nil || r.args[0].NullN() == 0 {
		return out, err
	}
	defer out.Release()
	for i := range final {
		final[i] = int32(i)
		if !f.valid(i) {
			final[i] = -1 // reduce(NULL, …) is NULL
		}
	}
	return takeOrNull(r.mem, out, final)
}
