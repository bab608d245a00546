package querytest

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/ctlake/ctlake/planner"
)

// Diff compares the engine's rows with the reference's. Rows are compared
// in order when the reference says the query is ordered, else as sorted
// multisets. OneOf answers accept any member, Approx answers any estimate
// within approx_distinct's error bound, doubles compare to 1e-9 relative.
// It returns "" when they agree.
func Diff(want, got *Result) string {
	if len(want.Rows) != len(got.Rows) {
		return fmt.Sprintf("reference has %d rows, engine %d\nreference:\n%s\nengine:\n%s",
			len(want.Rows), len(got.Rows), head(want), head(got))
	}
	w, g := want.Rows, got.Rows
	if !want.Ordered {
		w, g = sortedBy(w, want.Types), sortedBy(g, want.Types)
	}
	for i := range w {
		for j := range w[i] {
			if !valueMatches(w[i][j], g[i][j], want.Types[j]) {
				return fmt.Sprintf("row %d column %s: reference %s, engine %s\nreference row: %s\nengine row:    %s",
					i, want.Names[j], renderAny(w[i][j], want.Types[j]), Render(g[i][j], want.Types[j]),
					renderRow(w[i], want.Types), renderRow(g[i], want.Types))
			}
		}
	}
	return ""
}

func head(r *Result) string {
	var b strings.Builder
	for i, row := range r.Rows {
		if i == 10 {
			fmt.Fprintf(&b, "… %d more\n", len(r.Rows)-10)
			break
		}
		b.WriteString(renderRow(row, r.Types) + "\n")
	}
	return b.String()
}

func renderRow(row []any, types []planner.Type) string {
	parts := make([]string, len(row))
	for i, v := range row {
		parts[i] = renderAny(v, types[i])
	}
	return strings.Join(parts, " | ")
}

func renderAny(v any, t planner.Type) string {
	switch x := v.(type) {
	case OneOf:
		parts := []string{}
		for _, e := range x {
			parts = append(parts, Render(e, t))
		}
		return "one of {" + strings.Join(parts, ", ") + "}"
	case Approx:
		return fmt.Sprintf("≈%d", int64(x))
	}
	return Render(v, t)
}

// sortKey renders the columns that have exact answers; OneOf and Approx
// columns (and doubles, rounded) must not decide the pairing.
func sortKey(row []any, types []planner.Type) string {
	var b strings.Builder
	for i, v := range row {
		switch v.(type) {
		case OneOf, Approx:
			continue
		}
		if types[i].Kind == planner.KindDouble {
			continue
		}
		b.WriteString(Render(v, types[i]) + "\x00")
	}
	return b.String()
}

func sortedBy(rows [][]any, types []planner.Type) [][]any {
	type keyed struct {
		key, full string
		row       []any
	}
	ks := make([]keyed, len(rows))
	for i, r := range rows {
		ks[i] = keyed{sortKey(r, types), renderRow(r, types), r}
	}
	sort.SliceStable(ks, func(a, b int) bool {
		if ks[a].key != ks[b].key {
			return ks[a].key < ks[b].key
		}
		return ks[a].full < ks[b].full
	})
	out := make([][]any, len(ks))
	for i, k := range ks {
		out[i] = k.row
	}
	return out
}

// valueMatches reports whether the engine's value got satisfies the
// reference answer want.
func valueMatches(want, got any, t planner.Type) bool {
	switch w := want.(type) {
	case OneOf:
		for _, c := range w {
			if valueMatches(c, got, t) {
				return true
			}
		}
		return false
	case Approx:
		g, ok := got.(int64)
		if !ok {
			return false
		}
		// Trino's approx_distinct has a standard error of 2.3%; allow
		// three of them, and exactness below 100 (HLL is exact-ish there).
		tol := math.Max(1, 0.069*float64(w))
		return math.Abs(float64(g)-float64(w)) <= tol
	}
	if want == nil || got == nil {
		return want == nil && got == nil
	}
	switch t.Kind {
	case planner.KindDouble:
		x, y := want.(float64), got.(float64)
		if math.IsNaN(x) || math.IsNaN(y) {
			return math.IsNaN(x) && math.IsNaN(y)
		}
		return x == y || math.Abs(x-y) <= 1e-9*math.Max(math.Abs(x), math.Abs(y))
	case planner.KindArray:
		x, y := want.([]any), got.([]any)
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if !valueMatches(x[i], y[i], *t.Elem) {
				return false
			}
		}
		return true
	case planner.KindRow:
		x, y := want.(RowVal), got.(RowVal)
		for i, f := range t.Fields {
			if !valueMatches(x[i], y[i], f.Type) {
				return false
			}
		}
		return true
	}
	return Render(want, t) == Render(got, t)
}
