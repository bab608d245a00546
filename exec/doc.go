// Package exec runs plans as pull-based, vectorized operators over Apache
// Arrow record batches with selection vectors.
//
// Conventions every operator follows:
//
//   - Operator.Schema gives the logical Arrow types (planner.Type.Arrow());
//     a batch's record may hold dictionary<int32, string> where the schema
//     says string (the ORC reader keeps dictionary-encoded stripes encoded,
//     and plain references pass the encoding on). Run decodes at the end.
//   - Filters shrink Batch.Sel; other operators read only live rows.
//   - Expressions are compiled once per query (Compile, CompileSelector);
//     compiled evaluators keep small per-query caches (the last dictionary's
//     predicate table), so one operator tree serves one query on one
//     goroutine.
//   - Errors from expressions are *ExprError carrying the byte position of
//     the expression in the query text; memory limits are *MemoryLimitError
//     (errors.Is(err, ErrMemoryLimit)).
//   - Build wraps every operator so Stats can report rows, batches and
//     exclusive time for EXPLAIN ANALYZE.
package exec
