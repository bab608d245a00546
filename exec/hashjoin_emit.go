package exec

import (
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/planner"
)

// The records a HashJoin hands out: gathered pairs (left columns then
// right), rows of one side with NULLs for the other, and probe batches
// under a selection vector with a mark column.

// pairRecord gathers probe rows pr and build rows br side by side.
func (j *HashJoin) pairRecord(pr, br []int32) (arrow.Record, error) {
	p, err := gatherColumns(j, j.cur.Rec, pr)
	if err != nil {
		return nil, err
	}
	b, err := gatherColumns(j, j.tbl.rec, br)
	if err != nil {
		releaseAll(p)
		return nil, err
	}
	return makeRecord(j.pairSchema, j.sides(p, b), len(pr)), nil
}

// sides orders probe and build columns as left then right.
func (j *HashJoin) sides(probe, build []arrow.Array) []arrow.Array {
	if j.spec.BuildLeft {
		return append(build, probe...)
	}
	return append(probe, build...)
}

func gatherColumns(j *HashJoin, rec arrow.Record, rows []int32) ([]arrow.Array, error) {
	cols := make([]arrow.Array, 0, rec.NumCols())
	for c := 0; c < int(rec.NumCols()); c++ {
		a, err := take(j.env.mem(), rec.Column(c), rows)
		if err != nil {
			releaseAll(cols)
			return nil, err
		}
		cols = append(cols, a)
	}
	return cols, nil
}

// nullColumns are all-NULL columns of the schema's types.
func (j *HashJoin) nullColumns(s *arrow.Schema, n int) []arrow.Array {
	cols := make([]arrow.Array, s.NumFields())
	for i, f := range s.Fields() {
		cols[i] = array.MakeArrayOfNull(j.env.mem(), plainType(f.Type), n)
	}
	return cols
}

// finishBatch yields what the probe batch gives besides its pairs: its
// rows without a match (outer joins), the rows a semi or anti join keeps,
// or every row with its mark.
func (j *HashJoin) finishBatch() (Batch, error) {
	switch {
	case j.probeOuter:
		var rows []int32
		for i, s := range j.state {
			if s != stTrue {
				rows = append(rows, j.live[i])
			}
		}
		if len(rows) == 0 {
			return Batch{}, nil
		}
		p, err := gatherColumns(j, j.cur.Rec, rows)
		if err != nil {
			return Batch{}, err
		}
		j.prev = makeRecord(j.schema, j.sides(p, j.nullColumns(j.build.Schema(), len(rows))), len(rows))
		return Batch{Rec: j.prev}, nil
	case j.probeResult && j.spec.Kind == planner.JoinMark:
		n := int(j.cur.Rec.NumRows())
		b := array.NewBooleanBuilder(j.env.mem())
		defer b.Release()
		vals := make([]bool, n)
		valid := make([]bool, n)
		for i, s := range j.state {
			vals[j.live[i]], valid[j.live[i]] = s == stTrue, s != stNull
		}
		b.AppendValues(vals, valid)
		cols := append([]arrow.Array(nil), j.cur.Rec.Columns()...)
		for _, c := range cols {
			c.Retain()
		}
		j.prev = makeRecord(j.schema, append(cols, b.NewArray()), n)
		return Batch{Rec: j.prev, Sel: j.cur.Sel}, nil
	case j.probeResult:
		want := stTrue
		if j.spec.Kind == planner.JoinAnti {
			want = stFalse
		}
		var sel []int32
		for i, s := range j.state {
			if s == want {
				sel = append(sel, j.live[i])
			}
		}
		if len(sel) == 0 {
			return Batch{}, nil
		}
		return Batch{Rec: j.cur.Rec, Sel: sel}, nil
	}
	return Batch{}, nil
}

// emitTail yields build rows at the end: those without a match (outer
// joins building the preserved side, anti joins), or with one (semi).
func (j *HashJoin) emitTail() (Batch, error) {
	if !j.buildOuter && !j.buildResult {
		j.phase = phaseDone
		return Batch{}, nil
	}
	want := false
	if j.buildResult && j.spec.Kind == planner.JoinSemi {
		want = true
	}
	size := j.env.batchSize()
	var rows []int32
	for j.tail < len(j.matched) && len(rows) < size {
		if j.matched[j.tail] == want {
			rows = append(rows, int32(j.tail))
		}
		j.tail++
	}
	if j.tail >= len(j.matched) {
		j.phase = phaseDone
	}
	if len(rows) == 0 {
		return Batch{}, nil
	}
	b, err := gatherColumns(j, j.tbl.rec, rows)
	if err != nil {
		return Batch{}, err
	}
	if j.buildResult {
		j.prev = makeRecord(j.schema, b, len(rows))
	} else {
		j.prev = makeRecord(j.schema, j.sides(j.nullColumns(j.probe.Schema(), len(rows)), b), len(rows))
	}
	return Batch{Rec: j.prev}, nil
}

// boolAt reads value k of a boolean Vec: (value, is NULL).
func boolAt(v Vec, k int) (bool, bool) {
	if v.IsConst {
		return v.Const.Bool, v.Const.Null
	}
	if !validAt(v.Arr, k) {
		return false, true
	}
	if b, ok := v.Arr.(*array.Boolean); ok {
		return b.Value(k), false
	}
	return false, true
}
