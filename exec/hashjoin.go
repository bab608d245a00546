package exec

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/planner"
)

// HashJoinSpec is a planned join compiled for the executor.
type HashJoinSpec struct {
	Kind      planner.JoinKind
	BuildLeft bool        // the left input is the hash table (else the right)
	LeftKeys  []Evaluator // over the left input
	RightKeys []Evaluator // over the right input
	KeyTypes  []planner.Type
	Cond      Selector  // over the left columns then the right; nil: TRUE
	MarkCond  Evaluator // semi/anti/mark: three-valued, over both; nil: TRUE
	NullAware bool      // one key pair, the comparison of an uncorrelated IN
	Single    bool      // scalar subquery: a second match is an error
	Name      string    // "inner join on a.eventID = b.eventID", for errors
	Pos       int       // Single: the subquery's position in the query
	Names     []string  // output column names
	Types     []planner.Type
	// Dynamic, when set, receives a filter of the build keys (probe key
	// DynamicKey, column DynamicPath of the probe side's scan) once the
	// build side is read.
	Dynamic     *orcstore.DynamicFilter
	DynamicKey  int
	DynamicPath string
}

// Match states of a probe row (semi, anti and mark joins): no match yet,
// a match whose condition was NULL, a match.
const (
	stFalse uint8 = iota
	stNull
	stTrue
)

// HashJoin joins two inputs: it reads the build input into a joinTable,
// then streams the probe input, finding each row's matches by its key
// number and keeping the pairs the residual condition accepts. Rows of a
// preserved side without a match come out with NULLs for the other side:
// the probe side's after each probe batch, the build side's at the end.
// Semi, anti and mark joins on the probe side return the probe batch with
// a selection vector (and a mark column), without copying it.
//
// The build side counts against the query's memory budget; when it does
// not fit, the join fails with a MemoryLimitError naming it (no spilling).
type HashJoin struct {
	spec          HashJoinSpec
	left, right   Operator
	probe, build  Operator
	probeKeys     []Evaluator
	buildKeys     []Evaluator
	env           *Env
	schema        *arrow.Schema
	pairSchema    *arrow.Schema // left columns then right: what Cond reads
	buildIsClosed bool

	tbl *joinTable
	pk  *probeKeys

	// what to do with matches and non-matches
	pairs       bool // output pairs (inner and outer joins)
	probeOuter  bool // probe rows without a match come out with NULLs
	buildOuter  bool // so do build rows, at the end
	probeResult bool // semi, anti, mark: the result is the probe rows
	buildResult bool // semi, anti on the build side: the build rows
	needRecord  bool // matches must be gathered (output or conditions)

	// the probe batch in progress
	cur     Batch
	live    []int32
	ids     []uint32
	nulls   []bool
	state   []uint8
	count   []int32 // Single: matches per probe row
	pos     int     // next live probe row
	off     int     // next match of it
	matched []bool  // per build row, for buildOuter and buildResult
	tail    int     // next build row at the end
	phase   int

	prev      arrow.Record
	probeRows int64
}

const (
	phaseProbe  = iota // pull the next probe batch
	phasePairs         // emit the batch's matches
	phaseFinish        // emit what the batch yields besides its pairs
	phaseTail          // emit build rows at the end
	phaseDone
)

// NewHashJoin joins left and right as spec says.
func NewHashJoin(left, right Operator, spec HashJoinSpec, env *Env) *HashJoin {
	j := &HashJoin{spec: spec, left: left, right: right, env: env}
	ats := make([]arrow.DataType, len(spec.Types))
	for i, t := range spec.Types {
		ats[i] = t.Arrow()
	}
	j.schema = schemaOf(spec.Names, ats)
	j.pairSchema = arrow.NewSchema(append(left.Schema().Fields(), right.Schema().Fields()...), nil)
	j.probe, j.build, j.probeKeys, j.buildKeys = left, right, spec.LeftKeys, spec.RightKeys
	if spec.BuildLeft {
		j.probe, j.build, j.probeKeys, j.buildKeys = right, left, spec.RightKeys, spec.LeftKeys
	}
	probeLeft := !spec.BuildLeft
	k := spec.Kind
	j.pairs = k == planner.JoinInner || k == planner.JoinLeft || k == planner.JoinRight || k == planner.JoinFull
	j.probeOuter = k == planner.JoinFull || k == planner.JoinLeft && probeLeft || k == planner.JoinRight && !probeLeft
	j.buildOuter = k == planner.JoinFull || k == planner.JoinLeft && !probeLeft || k == planner.JoinRight && probeLeft
	semiLike := k == planner.JoinSemi || k == planner.JoinAnti || k == planner.JoinMark
	j.probeResult = semiLike && probeLeft
	j.buildResult = semiLike && !probeLeft
	j.needRecord = j.pairs || spec.Cond != nil || spec.MarkCond != nil
	return j
}

func (j *HashJoin) Schema() *arrow.Schema { return j.schema }

// Extra reports the build side for EXPLAIN ANALYZE.
func (j *HashJoin) Extra() map[string]string {
	side := "right"
	if j.spec.BuildLeft {
		side = "left"
	}
	m := map[string]string{"build": side, "probe rows": strconv.FormatInt(j.probeRows, 10)}
	if j.tbl != nil {
		m["build rows"] = strconv.Itoa(j.tbl.len())
		m["build memory"] = FormatBytes(j.tbl.payload)
	}
	return m
}

func (j *HashJoin) Next(ctx context.Context) (Batch, error) {
	if j.prev != nil {
		j.prev.Release()
		j.prev = nil
	}
	if j.tbl == nil {
		if err := j.buildSide(ctx); err != nil {
			return Batch{}, err
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			return Batch{}, err
		}
		switch j.phase {
		case phaseProbe:
			if err := j.nextProbe(ctx); err != nil {
				return Batch{}, err
			}
		case phasePairs:
			b, err := j.emitPairs(ctx)
			if err != nil || b.Rec != nil {
				return b, err
			}
		case phaseFinish:
			j.phase = phaseProbe
			b, err := j.finishBatch()
			if err != nil || b.Rec != nil {
				return b, err
			}
		case phaseTail:
			b, err := j.emitTail()
			if err != nil || b.Rec != nil {
				return b, err
			}
		default:
			return Batch{}, nil
		}
	}
}

// buildSide reads the build input into the hash table and closes it.
func (j *HashJoin) buildSide(ctx context.Context) error {
	side := "right"
	if j.spec.BuildLeft {
		side = "left"
	}
	check := func(held int64) error {
		err := j.env.checkMemory(j, "", held)
		var me *MemoryLimitError
		if errors.As(err, &me) {
			me.Op = fmt.Sprintf("the %s build side of the %s", side, j.spec.Name)
		}
		return err
	}
	tbl, err := buildTable(ctx, j.build, j.buildKeys, j.spec.KeyTypes, j.env, check)
	if err != nil {
		return err
	}
	j.tbl = tbl
	j.buildIsClosed = true
	if err := j.build.Close(); err != nil {
		return err
	}
	if len(j.buildKeys) > 0 {
		j.pk = newProbeKeys(tbl.g, len(j.buildKeys))
		if d := j.spec.Dynamic; d != nil && j.spec.DynamicKey < len(j.pk.cols) {
			lc := j.pk.cols[j.spec.DynamicKey]
			if lc.idx == nil {
				lc.idx = newStrIndex(lc.c.strs)
			}
			d.Set(newKeyFilter(lc.c, lc.idx, j.spec.DynamicPath))
		}
	}
	if j.buildOuter || j.buildResult {
		j.matched = make([]bool, tbl.len())
	}
	if j.spec.Single && !j.spec.BuildLeft && len(j.buildKeys) == 0 && tbl.len() > 1 {
		return j.tooMany()
	}
	return nil
}

func (j *HashJoin) tooMany() error {
	return &ExprError{Pos: j.spec.Pos, Expr: "scalar subquery", Err: errors.New("scalar subquery returned more than one row")}
}

// nextProbe pulls the next probe batch and looks its keys up.
func (j *HashJoin) nextProbe(ctx context.Context) error {
	b, err := j.probe.Next(ctx)
	if err != nil {
		return err
	}
	if b.Rec == nil {
		j.phase = phaseTail
		return nil
	}
	j.cur, j.live = b, liveRows(b)
	n := len(j.live)
	j.probeRows += int64(n)
	j.ids = resize(j.ids, n)
	j.state = resize(j.state, n)
	if j.spec.Single {
		j.count = resize(j.count, n)
	}
	j.pos, j.off = 0, 0
	if j.pk == nil {
		k := absent
		if j.tbl.len() > 0 {
			k = 0
		}
		for i := range j.ids {
			j.ids[i] = k
		}
	} else {
		keys, err := evalAll(ctx, j.probeKeys, j.spec.KeyTypes, b, j.env, false)
		if err != nil {
			return err
		}
		err = j.pk.lookup(keys, j.ids)
		if err == nil && j.spec.NullAware {
			j.nulls = anyNull(keys, n, j.nulls)
		}
		releaseAll(keys)
		if err != nil {
			return err
		}
	}
	j.phase = phasePairs
	if !j.needRecord {
		j.matchByKey()
		j.phase = phaseFinish
	}
	return nil
}

// matchByKey sets the match states when a key match is a match (no
// condition), and the NULL states of NULL-aware joins.
func (j *HashJoin) matchByKey() {
	empty := j.tbl.len() == 0
	for i, id := range j.ids {
		switch {
		case len(j.tbl.matches(id)) > 0:
			j.state[i] = stTrue
			if j.buildResult {
				for _, r := range j.tbl.matches(id) {
					j.matched[r] = true
				}
			}
		case j.spec.NullAware && !empty && (j.nulls[i] || j.tbl.hasNull):
			j.state[i] = stNull
		}
	}
}

// emitPairs gathers the next chunk of the batch's matches, keeps those the
// condition accepts and returns them (pairs) or records them (states).
func (j *HashJoin) emitPairs(ctx context.Context) (Batch, error) {
	size := j.env.batchSize()
	var pr, br, owner []int32
	for j.pos < len(j.live) && len(pr) < size {
		m := j.tbl.matches(j.ids[j.pos])
		if j.off >= len(m) {
			j.pos, j.off = j.pos+1, 0
			continue
		}
		take := min(len(m)-j.off, size-len(pr))
		for _, r := range m[j.off : j.off+take] {
			pr, br, owner = append(pr, j.live[j.pos]), append(br, r), append(owner, int32(j.pos))
		}
		j.off += take
	}
	if len(pr) == 0 {
		j.phase = phaseFinish
		return Batch{}, nil
	}
	rec, err := j.pairRecord(pr, br)
	if err != nil {
		return Batch{}, err
	}
	out := Batch{Rec: rec}
	if j.spec.Cond != nil {
		sel, err := j.spec.Cond.Select(ctx, out)
		if err != nil {
			rec.Release()
			return Batch{}, err
		}
		out.Sel = sel
		if len(sel) == len(pr) {
			out.Sel = nil
		}
	}
	if err := j.record(ctx, out, br, owner); err != nil {
		rec.Release()
		return Batch{}, err
	}
	if !j.pairs || out.Len() == 0 {
		rec.Release()
		return Batch{}, nil
	}
	j.prev = rec
	return out, nil
}

// record notes which probe and build rows the accepted pairs of b matched.
func (j *HashJoin) record(ctx context.Context, b Batch, br, owner []int32) error {
	live := liveRows(b)
	if j.spec.MarkCond == nil || !j.probeResult {
		for _, p := range live {
			j.state[owner[p]] = stTrue
			if j.matched != nil {
				j.matched[br[p]] = true
			}
			if j.spec.Single {
				if j.count[owner[p]]++; j.count[owner[p]] > 1 {
					return j.tooMany()
				}
			}
		}
		return nil
	}
	v, err := j.spec.MarkCond.Eval(ctx, b)
	if err != nil {
		return err
	}
	defer v.Release()
	for k, p := range live {
		o := owner[p]
		val, null := boolAt(v, k)
		switch {
		case null && j.state[o] == stFalse:
			j.state[o] = stNull
		case !null && val:
			j.state[o] = stTrue
		}
	}
	return nil
}

func (j *HashJoin) Close() error {
	j.env.checkMemory(j, "hash join", 0)
	releaseRecs(&j.prev)
	if j.tbl != nil {
		j.tbl.release()
	}
	if j.pk != nil {
		j.pk.release()
	}
	err := j.probe.Close()
	if !j.buildIsClosed {
		j.buildIsClosed = true
		err = errors.Join(err, j.build.Close())
	}
	return err
}

// resize returns s with n zero elements, reusing its memory when it can.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}
