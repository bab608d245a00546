package exec_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ctlake/ctlake/exec"
	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/planner"
	"github.com/ctlake/ctlake/sql"
)

// TestDeepInputsThroughSQL runs the inputs that used to kill the process
// (fatal error: stack overflow) as whole queries: two million nested '['
// through every JSON function and cast, and a million chained NOTs and
// unary signs. Each gets a clear error (json_extract gives NULL, as for any
// malformed document), and the process lives.
func TestDeepInputsThroughSQL(t *testing.T) {
	deep := "'" + strings.Repeat("[", 2_000_000) + "'"
	functions := fn.NewCatalog()
	run := func(q string) (string, error) {
		stmt, err := sql.Parse(q)
		if err != nil {
			return "", err
		}
		env := &exec.Env{Catalog: functions}
		p, err := planner.Build(q, stmt, planner.Options{Functions: functions, Folder: exec.Folder{Env: env}})
		if err != nil {
			return "", err
		}
		res, _, err := exec.Execute(context.Background(), p, env)
		if err != nil {
			return "", err
		}
		defer res.Release()
		return res.Records[0].Column(0).ValueStr(0), nil
	}
	for _, c := range []struct{ query, err, value string }{
		{"SELECT json_parse(" + deep + ")", "JSON nested deeper than 300 levels", ""},
		{"SELECT json_format(json_parse(" + deep + "))", "JSON nested deeper than 300 levels", ""},
		{"SELECT CAST(json_parse(" + deep + ") AS varchar)", "JSON nested deeper than 300 levels", ""},
		{"SELECT CAST(CAST(" + deep + " AS json) AS array(json))", "Cannot cast to array(json)", ""},
		{"SELECT json_array_length(" + deep + ")", "", "(null)"},
		{"SELECT json_extract(" + deep + ", '$')", "", "(null)"},
		{"SELECT json_extract(" + deep + ", '$[0][0][0]')", "", "(null)"},
		{"SELECT json_extract_scalar(" + deep + ", '$[0]')", "", "(null)"},
		{"SELECT " + strings.Repeat("NOT ", 1_000_000) + "true", "expression is nested too deeply", ""},
		{"SELECT " + strings.Repeat("+", 1_000_000) + "1", "expression is nested too deeply", ""},
		{"SELECT " + strings.Repeat("- ", 1_000_000) + "1", "expression is nested too deeply", ""},
		{"SELECT 1" + strings.Repeat(" + 1", 100_000), "expression is nested too deeply", ""},
		{"SELECT true" + strings.Repeat(" AND true", 100_000), "expression is nested too deeply", ""},
		{"SELECT 'a'" + strings.Repeat(" || 'a'", 100_000), "expression is nested too deeply", ""},
	} {
		got, err := run(c.query)
		label := c.query[:min(len(c.query), 40)]
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) || len(err.Error()) > 400 {
				t.Errorf("%s…: got %.300v, want an error holding %q", label, err, c.err)
			}
			continue
		}
		if err != nil || got != c.value {
			t.Errorf("%s…: got %q, %v; want %q", label, got, err, c.value)
		}
	}
}
