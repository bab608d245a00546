// Package fn is ctlake's function library: every scalar and aggregate
// function of the CloudTrail Lake (Trino) dialect, as vectorized kernels over
// Arrow arrays, with Trino's NULL and error semantics. Catalog implements
// planner.FunctionCatalog, so the planner resolves names and types against
// exactly the functions that exist here.
//
// # Operators
//
// SQL operators that behave like functions resolve through the catalog
// under these names, so the planner binds them like any call:
//
//	a + b     add         bigint, double; timestamp/date ± interval (both kinds);
//	a - b     subtract    interval ± interval; timestamp - timestamp → interval
//	a * b     multiply    bigint, double; interval * bigint
//	a / b     divide      bigint truncates toward zero; "Division by zero" error
//	a % b     modulus     sign of the dividend; double % is IEEE fmod
//	-a        negate
//	a || b    concat      varchar (variadic); NULL if any argument is NULL
//	m[k]      subscript   map: error "Key not present in map" on a missing key;
//	a[i]                  array: 1-based, error when out of range
//
// Bigint overflow is an error ("bigint addition overflow: ..."); double
// arithmetic is IEEE. Special forms (AND/OR/NOT, comparisons, IS NULL, IN,
// LIKE, CASE/if/nullif, coalesce, CAST/TRY_CAST) are expression nodes the
// executor compiles itself; it calls CastKernel and LikeMatcher from here.
//
// # Resolution
//
// Names are case-insensitive. Overloads are chosen by argument types with
// Trino's implicit coercions: unknown (a bare NULL) to anything, bigint to
// double, date to timestamp, and element-wise inside arrays and maps; the
// overload needing the fewest coercions wins, and its Params are the types
// the planner must cast arguments to (variadic overloads come back with
// Params expanded to the call's arity). Polymorphic functions (element_at,
// cardinality, min/max, greatest, ...) bind to the argument types.
//
// # Kernels
//
// Kernels read arguments through typed views (vec.go) that treat a constant
// and an array alike without broadcasting, and write results straight into
// Arrow buffers from Context.Mem. Hot functions (lower/upper, length,
// concat, json_extract[_scalar], date_trunc, field extractors, arithmetic)
// loop over typed slices; the long tail runs one Go function per row over
// planner.Value structs (no interface boxing). Accumulators copy what they
// keep (strings are cloned), so no input batch is retained after Update.
// String inputs may be dictionary-encoded at any depth (map children
// arrive that way from ORC scans); other dictionaries are decoded.
//
// # Differences from Trino
//
// A timestamp with time zone holds one zone per column (the zone is part
// of its type, set by AT TIME ZONE, with_timezone or a cast), not one per
// value: casting strings with different zones to timestamp with time zone
// keeps the instants, shown in UTC. Regular
// expressions are RE2, not Java (no backreferences or lookaround). JSON
// paths accept Trino's subset leniently (any key text after a dot).
// CAST(varchar AS timestamp) also takes ISO-8601 with T, Z or an offset.
// approx_distinct is exact up to 256 values per group, then a 2048-register
// HyperLogLog (2.3% standard error, Trino's default); approx_percentile is
// exact, as are approx_percentile's arrays and weights and
// approx_most_frequent (ties broken by value). json_exists, json_value and
// json_query take Trino's path language without PASSING variables or
// datetime(). format follows Java's String.format without %t. IPADDRESS
// rejects IPv4 octets with leading zeros, as Trino's parser does.
// CAST(row AS json) writes an object. random() is marked
// non-deterministic, so a planner that folds such calls once per query
// makes it constant per query. A string a function builds (lpad, rpad,
// replace, regexp_replace, concat, concat_ws, array_join) is at most 64 MiB
// and one batch of string results at most 1 GiB, where Trino allows 2 GB
// per value (limits.go); JSON documents nest at most 300 levels.
package fn

import (
	"context"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/planner"
)

// Vec is one argument of a kernel call: either an array with one value per
// row, or a constant (IsConst) that applies to every row. Constants are not
// broadcast into arrays, so a literal costs nothing per batch.
type Vec struct {
	Arr     arrow.Array // plain (never dictionary-encoded) array of the parameter's Arrow type
	IsConst bool
	Const   planner.Value // when IsConst
}

// Context carries what kernels need besides their arguments.
type Context struct {
	Mem memory.Allocator
	// Now is the query's fixed instant (Unix ns) for now()/current_timestamp.
	Now int64
	// Ctx is the query's context (nil: never cancelled). Kernels whose
	// work per call can be large (array functions over long arrays,
	// regular expressions, string builders) poll it through Poll, so that
	// a cancelled query stops inside a batch, not after it.
	Ctx context.Context

	work int // units of work since Ctx was last polled
}

// pollEvery is how many units of work (array elements, rows, KB of text)
// pass between two looks at the context: a few microseconds of work, so
// cancellation is seen within milliseconds and polling costs nothing
// measurable.
const pollEvery = 4096

// context returns Ctx, or a context that is never cancelled.
func (c *Context) context() context.Context {
	if c == nil || c.Ctx == nil {
		return context.Background()
	}
	return c.Ctx
}

// Poll counts n units of work and, every pollEvery units, returns the
// context's error once it is cancelled.
func (c *Context) Poll(n int) error {
	if c == nil || c.Ctx == nil {
		return nil
	}
	if c.work += n; c.work < pollEvery {
		return nil
	}
	c.work = 0
	return c.Ctx.Err()
}

// Kernel computes a scalar function for n rows. Arguments have already been
// cast to the overload's parameter types; the result has the overload's
// return type and length n. A row error (a failed cast, a bad regexp) is
// returned as an error; try_* variants return NULL instead.
type Kernel func(ctx *Context, args []Vec, n int) (arrow.Array, error)

// Scalar is one overload of a scalar function. It implements
// planner.ScalarFunc.
type Scalar struct {
	FName    string
	Ps       []planner.Type
	Variadic bool // the last parameter repeats (concat, coalesce-like functions)
	Ret      planner.Type
	NonDet   bool // now(): folded once per query
	PerRow   bool // uuid(): a new value per row, never folded
	Kernel   Kernel
}

func (s *Scalar) Name() string           { return s.FName }
func (s *Scalar) Return() planner.Type   { return s.Ret }
func (s *Scalar) Params() []planner.Type { return s.Ps }
func (s *Scalar) Deterministic() bool    { return !s.NonDet && !s.PerRow }
func (s *Scalar) Volatile() bool         { return s.PerRow }

// Accumulator holds the state of one aggregate for many groups (hash
// aggregation) or one group (global aggregation).
type Accumulator interface {
	// Grow makes room for groups up to n-1.
	Grow(n int)
	// Update adds rows: row i of args belongs to group groups[i]. args are
	// plain arrays of the overload's parameter types (none for count(*)),
	// len(groups) rows each.
	Update(groups []uint32, args []arrow.Array) error
	// Result returns one value per group, in group order.
	Result(mem memory.Allocator) (arrow.Array, error)
	// Bytes estimates the memory held, for the query memory limit.
	Bytes() int64
}

// DictionaryInput is implemented by accumulators whose Update also takes
// dictionary<int32, string> arrays for varchar arguments, so the caller
// need not decode them first (count(DISTINCT) looks each dictionary entry
// up once per batch instead of hashing every row's string).
type DictionaryInput interface {
	TakesDictionaries() bool
}

// Aggregate is one overload of an aggregate function. It implements
// planner.AggFunc.
type Aggregate struct {
	FName    string
	Ps       []planner.Type
	Ret      planner.Type
	Distinct bool
	New      func() Accumulator
	// OwnDistinct says the accumulator applies DISTINCT to its first
	// argument itself (listagg, whose other arguments are constants).
	OwnDistinct bool
}

func (a *Aggregate) Name() string           { return a.FName }
func (a *Aggregate) Return() planner.Type   { return a.Ret }
func (a *Aggregate) Params() []planner.Type { return a.Ps }
