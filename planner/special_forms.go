package planner

// SpecialForms are the functions and operators of Trino's list that the
// binder implements itself rather than through the FunctionCatalog (they
// have their own NULL rules, types that depend on constants, or lambdas),
// with what they bind to. The function documentation (docs/functions.md)
// counts them as implemented.
var SpecialForms = map[string]string{
	"CASE":             "Case",
	"coalesce":         "Coalesce",
	"if":               "Case",
	"nullif":           "Case",
	"try":              "Try: NULL for the rows where the argument fails",
	"cast":             "Cast",
	"try_cast":         "Cast with Try",
	"BETWEEN":          "two comparisons",
	"IS DISTINCT FROM": "Compare",
	"AT TIME ZONE":     "Cast to timestamp with time zone (constant zone)",
	"at_timezone":      "Cast to timestamp with time zone (constant zone)",
	"grouping":         "a value per grouping set (GROUP BY ROLLUP/CUBE/GROUPING SETS)",
	"json_exists":      "the JSON path kernels, with their clauses",
	"json_value":       "the JSON path kernels, with their clauses",
	"json_query":       "the JSON path kernels, with their clauses",
}
