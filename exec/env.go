package exec

import (
	"context"
	"errors"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/planner"
)

// DefaultBatchSize is the number of rows per record that operators producing
// new records (aggregation, sort, values) emit.
const DefaultBatchSize = 8192

// Env is what one query's operators share. Build it once per query.
type Env struct {
	// Mem allocates every array the executor builds (nil: Go allocator).
	Mem memory.Allocator
	// Now is the query's fixed instant (Unix ns): now() and
	// current_timestamp fold to it once, so every row sees the same value.
	Now int64
	// MemoryLimit caps the bytes hash aggregation (keys, aggregate state
	// and the copy its results make), sort, top-N and distinct may hold
	// together, counted as the Go heap holds them (0: no limit).
	MemoryLimit int64
	// Catalog resolves functions; the plan already carries resolved
	// overloads, so exec needs it only to hand it on.
	Catalog planner.FunctionCatalog
	// Scan builds the operator for a Scan node (the integrator implements
	// it over the ORC store).
	Scan func(ctx context.Context, s *planner.Scan) (Operator, error)
	// BatchSize overrides DefaultBatchSize when > 0.
	BatchSize int

	// held is what each memory-holding operator reports holding; the limit
	// applies to their sum, so an aggregation feeding a sort share it.
	held  map[any]int64
	total int64
	peak  int64
	// dynamic are the slots through which hash joins hand their build keys
	// to the scans of their probe sides, by scan node.
	dynamic map[*planner.Scan]*orcstore.DynamicFilter
}

// DynamicSlot is the slot of a scan a join filters dynamically; the scan
// (built first) and the join meet there. Operators are built on one
// goroutine.
func (e *Env) DynamicSlot(s *planner.Scan) *orcstore.DynamicFilter {
	if e.dynamic == nil {
		e.dynamic = map[*planner.Scan]*orcstore.DynamicFilter{}
	}
	d, ok := e.dynamic[s]
	if !ok {
		d = &orcstore.DynamicFilter{}
		e.dynamic[s] = d
	}
	return d
}

func (e *Env) mem() memory.Allocator {
	if e == nil || e.Mem == nil {
		return memory.DefaultAllocator
	}
	return e.Mem
}

func (e *Env) batchSize() int {
	if e == nil || e.BatchSize <= 0 {
		return DefaultBatchSize
	}
	return e.BatchSize
}

func (e *Env) fnContext(ctx context.Context) *fn.Context {
	var now int64
	if e != nil {
		now = e.Now
	}
	return &fn.Context{Mem: e.mem(), Now: now, Ctx: ctx}
}

// MemoryLimitError reports that an operator needed more memory than
// Env.MemoryLimit allows.
type MemoryLimitError struct {
	Op    string // "hash aggregation", "sort", "top-N", "distinct"
	Limit int64
}

func (e *MemoryLimitError) Error() string {
	return fmt.Sprintf("query exceeded the memory limit of %s in %s; raise --memory-limit or narrow the query", FormatBytes(e.Limit), e.Op)
}

// ErrMemoryLimit matches every *MemoryLimitError with errors.Is.
var ErrMemoryLimit = errors.New("memory limit exceeded")

func (e *MemoryLimitError) Is(target error) bool { return target == ErrMemoryLimit }

// FormatBytes renders a byte count with binary units: 2.0 GiB, 512 B.
func FormatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// checkMemory records that operator owner (named op) now holds used bytes
// and returns a MemoryLimitError, naming op, when the query's operators
// together hold more than the limit. Operators report 0 when they release.
func (e *Env) checkMemory(owner any, op string, used int64) error {
	if e == nil {
		return nil
	}
	if e.held == nil {
		e.held = map[any]int64{}
	}
	e.total += used - e.held[owner]
	e.held[owner] = used
	e.peak = max(e.peak, e.total)
	if e.MemoryLimit <= 0 || e.total <= e.MemoryLimit {
		return nil
	}
	return &MemoryLimitError{Op: op, Limit: e.MemoryLimit}
}

// MemoryPeak is the most the query's operators reported holding at once.
func (e *Env) MemoryPeak() int64 {
	if e == nil {
		return 0
	}
	return e.peak
}

// MemoryHeld is the bytes the query's operators report holding now.
func (e *Env) MemoryHeld() int64 {
	if e == nil {
		return 0
	}
	return e.total
}

// ExprError is an error found while evaluating an expression; Pos is the
// byte offset of the expression in the query text, for the CLI to point at.
type ExprError struct {
	Pos  int
	Expr string
	Err  error
}

func (e *ExprError) Error() string { return e.Err.Error() }
func (e *ExprError) Unwrap() error { return e.Err }

// exprErr wraps err with e's position unless it already carries one (the
// innermost expression knows best).
func exprErr(e planner.Expr, err error) error {
	if err == nil {
		return nil
	}
	var pe *ExprError
	if errors.As(err, &pe) {
		return err
	}
	return &ExprError{Pos: e.Pos(), Expr: e.String(), Err: err}
}
