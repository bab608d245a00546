package duckpeer

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// DiffRows compares two results made of Query's value types (ctlake's rows
// mapped to the same types on one side, DuckDB's on the other) and returns
// one line per difference, at most maxDiffs, or nil when they agree.
// Values are compared as a differential test needs:
//
//   - int64 and float64 compare numerically (count(*) may come back as either),
//     floats to 1e-9 relative (aggregation order changes the last bits);
//   - times with time.Time.Equal;
//   - strings that are JSON objects or arrays through CanonicalJSON, since
//     ctlake keeps nested source text and DuckDB re-serializes it;
//   - everything else with ==.
//
// When ordered is false both sides are sorted first (by each row's
// canonical text), for queries without a total ORDER BY.
func DiffRows(want, got [][]any, ordered bool) []string {
	if !ordered {
		want, got = sortedRows(want), sortedRows(got)
	}
	var diffs []string
	if len(want) != len(got) {
		diffs = append(diffs, fmt.Sprintf("%d rows, want %d", len(got), len(want)))
	}
	for i := 0; i < min(len(want), len(got)) && len(diffs) < maxDiffs; i++ {
		if !rowsEqual(want[i], got[i]) {
			diffs = append(diffs, fmt.Sprintf("row %d: got %s, want %s", i, rowText(got[i]), rowText(want[i])))
		}
	}
	return diffs
}

const maxDiffs = 10

func rowsEqual(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !ValuesEqual(a[i], b[i]) {
			return false
		}
	}
	return true
}

// ValuesEqual is DiffRows's comparison of one value.
func ValuesEqual(a, b any) bool {
	if fa, ok := number(a); ok {
		fb, ok := number(b)
		if !ok {
			return false
		}
		if ia, ok := a.(int64); ok {
			if ib, ok := b.(int64); ok {
				return ia == ib
			}
		}
		return fa == fb || math.Abs(fa-fb) <= 1e-9*math.Max(math.Abs(fa), math.Abs(fb))
	}
	switch x := a.(type) {
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	case string:
		y, ok := b.(string)
		if !ok {
			return false
		}
		return x == y || canonicalText(x) == canonicalText(y)
	}
	return a == b
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// canonicalText is s, or its CanonicalJSON when s is a JSON object or array.
func canonicalText(s string) string {
	if t := strings.TrimSpace(s); t != "" && (t[0] == '{' || t[0] == '[') {
		if c, ok := CanonicalJSON(t); ok {
			return c
		}
	}
	return s
}

// rowText renders a row with canonical JSON and UTC times, also the sort key
// of unordered comparisons.
func rowText(r []any) string {
	parts := make([]string, len(r))
	for i, v := range r {
		switch x := v.(type) {
		case nil:
			parts[i] = "NULL"
		case string:
			parts[i] = fmt.Sprintf("%q", canonicalText(x))
		case time.Time:
			parts[i] = x.UTC().Format(time.RFC3339Nano)
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
				parts[i] = fmt.Sprint(int64(x))
			} else {
				parts[i] = fmt.Sprintf("%.9g", x)
			}
		default:
			parts[i] = fmt.Sprint(x)
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func sortedRows(rows [][]any) [][]any {
	out := rows
	idx := make([]int, len(out))
	for i := range idx {
		idx[i] = i
	}
	text := make([]string, len(out))
	for i := range out {
		text[i] = rowText(out[i])
	}
	sort.SliceStable(idx, func(a, b int) bool { return text[idx[a]] < text[idx[b]] })
	sorted := make([][]any, len(out))
	for i, j := range idx {
		sorted[i] = out[j]
	}
	return sorted
}
