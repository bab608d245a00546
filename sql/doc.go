// Package sql parses the CloudTrail Lake (Trino) SQL dialect into a plain,
// positioned AST. It wraps github.com/xwb1989/sqlparser with its own layer
// for what that MySQL grammar cannot express, and reports every error
// against the user's text as line:col.
//
// # Pipeline
//
//  1. lexer.go tokenizes the user's text with byte positions, using Lake's
//     rules: bare event data store IDs (UUIDs that may start with a digit)
//     and full event data store ARNs are one token, "…" is a quoted
//     identifier, '…' a string (a doubled quote inside stands for one), and
//     -- and /* */ are comments.
//  2. parse.go handles what surrounds a query body: EXPLAIN [ANALYZE],
//     WITH name [(cols)] AS (…) lists (each body parsed separately), one
//     optional trailing ';', and non-query statements, which get
//     "only SELECT queries are supported; ctlake never changes data".
//  3. rewrite.go turns the body's tokens into text that sqlparser accepts:
//     every name becomes an identifier _iN and every literal a bind
//     variable :lN, where N is the index of its first token; Trino-only
//     forms become marker calls (CAST(x AS varchar) → _cN(x), m['k'] →
//     _sN(m, 'k'), f(x).arn → _dN(f(x))); SELECT carries a /*N*/ comment.
//     Trino words that are keywords only in context (date, year, left,
//     type, …) are therefore never seen by the MySQL grammar as keywords,
//     and "eventName" stays an identifier.
//  4. sqlparser parses that text: it does the statement grammar (SELECT,
//     DISTINCT, FROM, JOIN, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT,
//     UNION, subqueries) and operator precedence, which matches Trino's
//     once || is mapped to MySQL's | (see rewrite.go).
//  5. convert.go and convert_expr.go turn sqlparser's tree into ours. The
//     placeholders' token indexes give every name and literal its exact
//     position; each conversion also returns its token span, from which
//     the keywords next to it (operators, CASE, ASC/DESC, NULLS, UNION)
//     are found.
//
// So sqlparser is used for what it does well, the grammar, while this
// package owns tokens, positions, names and the Trino-specific forms.
// Syntax errors from sqlparser ("syntax error at position N near 'x'") are
// mapped back through the rewritten text's pieces to the user's token.
//
// # Scope
//
// Parsed: SELECT [DISTINCT] items FROM store [[AS] alias] (a name, a
// quoted name, a bare UUID or an ARN), FROM subqueries with or without
// alias, [INNER|LEFT|RIGHT|FULL [OUTER]|CROSS] JOIN … ON/USING and comma
// joins (CROSS JOIN), WHERE, GROUP BY, HAVING, ORDER BY with ASC/DESC and
// NULLS FIRST/LAST as written, OFFSET n [ROWS], LIMIT n, LIMIT ALL, FETCH
// {FIRST|NEXT} [n] {ROW|ROWS} ONLY, UNION/INTERSECT/EXCEPT [ALL|DISTINCT]
// with Trino's precedence (rewrite_query.go, convert_query.go), subqueries
// in expressions (IN, EXISTS, scalar), EXPLAIN [ANALYZE], WITH, and the
// catalog statements SHOW TABLES [LIKE 'p'], SHOW COLUMNS FROM t, DESCRIBE
// t (parse_show.go); expressions of every kind in expr.go; and the Trino
// forms of expr_forms.go, which become marker calls (rewrite_forms.go):
// lambdas (x -> …, (x, y) -> …) as function arguments, ARRAY[…], AT TIME
// ZONE, GROUP BY ROLLUP/CUBE/GROUPING SETS, aggregate FILTER (WHERE …),
// ORDER BY inside a call, WITHIN GROUP (ORDER BY …), listagg's ON
// OVERFLOW, the clauses of json_exists/json_value/json_query, typed
// literals (IPADDRESS '…', X'…', …) and interval ranges ('1-2' YEAR TO
// MONTH). Not supported yet, with a positioned ErrUnsupported: OVER
// (window functions), UNNEST, LATERAL, FETCH … WITH TIES.
//
// # Using the result
//
// Parse returns a Statement (*Query or *Explain). Names keep their case
// and raw dotted segments (ColumnRef.Parts); deciding between alias.col and
// struct.field, and matching case-insensitively, is the binder's job.
// OutputName gives Lake's result column name for a select item. Format
// prints a node back as SQL, Dump as an indented tree with positions, and
// NewError builds positioned errors for later layers.
//
// sql imports no other ctlake package.
package sql
