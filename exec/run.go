package exec

import (
	"context"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/planner"
)

// Result is a query's output: dense records of Schema (strings plain, never
// dictionary-encoded), columns named by Names.
type Result struct {
	Names   []string
	Schema  *arrow.Schema
	Records []arrow.Record
}

// Rows counts the result's rows.
func (r *Result) Rows() int64 {
	var n int64
	for _, rec := range r.Records {
		n += rec.NumRows()
	}
	return n
}

// Release releases the records.
func (r *Result) Release() {
	for _, rec := range r.Records {
		rec.Release()
	}
	r.Records = nil
}

// Run pulls every batch of op into a Result and closes op. It checks ctx
// between batches, so cancelling the context (Ctrl-C in the shell) stops the
// query at the next batch. names label the columns (Plan.Names; nil keeps
// the operator's names).
func Run(ctx context.Context, op Operator, names []string, env *Env) (*Result, error) {
	st, err := NewStream(op, names, env)
	if err != nil {
		op.Close()
		return nil, err
	}
	res := &Result{Names: st.Names, Schema: st.Schema}
	for {
		rec, err := st.Next(ctx)
		if err != nil {
			res.Release()
			st.Close()
			return nil, err
		}
		if rec == nil {
			break
		}
		res.Records = append(res.Records, rec)
	}
	if err := st.Close(); err != nil {
		res.Release()
		return nil, err
	}
	return res, nil
}

// Stream pulls a query's output one dense record at a time, so a caller can
// write a large result out without holding it (Run collects a Stream).
type Stream struct {
	Names  []string
	Schema *arrow.Schema // dense output: strings plain, never dictionary-encoded
	op     Operator
	env    *Env
	closed bool
	cerr   error
}

// NewStream labels op's columns with names (nil keeps the operator's) and
// returns a Stream over it. The Stream owns op: Close closes it.
func NewStream(op Operator, names []string, env *Env) (*Stream, error) {
	schema := op.Schema()
	if names != nil {
		if len(names) != schema.NumFields() {
			return nil, fmt.Errorf("internal error: %d names for %d columns", len(names), schema.NumFields())
		}
		fs := schema.Fields()
		for i := range fs {
			fs[i].Name = names[i]
		}
		schema = arrow.NewSchema(fs, nil)
	} else {
		for _, f := range schema.Fields() {
			names = append(names, f.Name)
		}
	}
	return &Stream{Names: names, Schema: schema, op: op, env: env}, nil
}

// Next returns the next record (the caller releases it), or nil at the end,
// after which the operators are closed. It checks ctx first, so a cancelled
// query stops at the next batch.
func (s *Stream) Next(ctx context.Context) (arrow.Record, error) {
	if s.closed {
		return nil, s.cerr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b, err := s.op.Next(ctx)
	if err != nil {
		return nil, err
	}
	if b.Rec == nil {
		return nil, s.Close()
	}
	return normalize(s.env, b, s.Schema)
}

// Close closes the operators (once; later calls return the first result).
func (s *Stream) Close() error {
	if !s.closed {
		s.closed = true
		s.cerr = s.op.Close()
	}
	return s.cerr
}

// Operator is the stream's root operator, for Stats after the run.
func (s *Stream) Operator() Operator { return s.op }

// normalize makes a batch an independent dense record of schema: live rows
// gathered, dictionaries decoded.
func normalize(env *Env, b Batch, schema *arrow.Schema) (arrow.Record, error) {
	n := b.Len()
	cols := make([]arrow.Array, b.Rec.NumCols())
	for i := range cols {
		col := b.Rec.Column(i)
		want := schema.Field(i).Type
		var err error
		switch {
		case b.Sel == nil && arrow.TypeEqual(col.DataType(), want):
			col.Retain()
			cols[i] = col
		case arrow.TypeEqual(col.DataType(), want):
			cols[i], err = take(env.mem(), col, b.Sel)
		default:
			bl := array.NewBuilder(env.mem(), want)
			rows := b.Sel
			if rows == nil {
				rows = identity(n)
			}
			if err = appendRowsTo(bl, col, rows); err == nil {
				cols[i] = bl.NewArray()
			}
			bl.Release()
		}
		if err != nil {
			releaseAll(cols)
			return nil, err
		}
	}
	rec := array.NewRecord(schema, cols, int64(n))
	releaseAll(cols)
	return rec, nil
}

// Execute builds and runs a plan: the result, and the operator figures for
// EXPLAIN ANALYZE (also when the run fails part way, for --stats).
func Execute(ctx context.Context, p *planner.Plan, env *Env) (*Result, *OpStats, error) {
	op, err := BuildContext(ctx, p, env)
	if err != nil {
		return nil, nil, err
	}
	res, err := Run(ctx, op, p.Names, env)
	return res, Stats(op), err
}
