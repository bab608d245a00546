package planner_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctlake/ctlake/exec"
	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/ingest"
	"github.com/ctlake/ctlake/planner"
	"github.com/ctlake/ctlake/querytest"
	"github.com/ctlake/ctlake/sql"
)

// deepShapes are the ways FuzzDeepExpr nests an expression x n times;
// each first converts x to the type its operators take, so that most
// inputs bind and run, not only parse.
var deepShapes = []func(x string, n int) string{
	func(x string, n int) string { return strings.Repeat("NOT ", n) + isNull(x) },
	func(x string, n int) string { return strings.Repeat("- ", n) + num(x) },
	func(x string, n int) string { return strings.Repeat("+", n) + num(x) },
	func(x string, n int) string { return num(x) + strings.Repeat(" + 1", n) },
	func(x string, n int) string { return isNull(x) + strings.Repeat(" AND true", n) },
	func(x string, n int) string { return str(x) + strings.Repeat(" || 'a'", n) },
	func(x string, n int) string { return strings.Repeat("(", n) + x + strings.Repeat(")", n) },
	func(x string, n int) string { return strings.Repeat("abs(", n) + num(x) + strings.Repeat(")", n) },
	func(x string, n int) string {
		return strings.Repeat("CASE WHEN true THEN ", n) + x + strings.Repeat(" END", n)
	},
	func(x string, n int) string {
		return strings.Repeat("CAST(", n) + x + strings.Repeat(" AS varchar)", n)
	},
	func(x string, n int) string { return strings.Repeat("1 + (", n) + num(x) + strings.Repeat(")", n) },
	func(x string, n int) string { return "split(" + str(x) + ", 'a')" + strings.Repeat("[1]", min(n, 1)) },
	func(x string, n int) string { return strings.Repeat("coalesce(", n) + x + strings.Repeat(", NULL)", n) },
	func(x string, n int) string { return isNull(x) + strings.Repeat(" OR eventName = 'x'", n) },
	func(x string, n int) string { return strings.Repeat("lower(", n) + str(x) + strings.Repeat(")", n) },
	func(x string, n int) string {
		return strings.Repeat("json_format(json_parse(", n) + str(x) + strings.Repeat("))", n)
	},
}

func isNull(x string) string { return "(" + x + ") IS NULL" }
func num(x string) string    { return "length(" + str(x) + ")" }
func str(x string) string    { return "CAST((" + x + ") AS varchar)" }

// deepLeaves start every expression.
var deepLeaves = []string{"1", "true", "eventName", "'x'", "NULL", "requestParameters['bucketName']", "eventTime", "1.5", "'[1]'"}

// buildDeep turns a recipe into an expression: byte pairs pick a shape and
// a repeat count (scaled by scale, so a few bytes reach the depth limit).
func buildDeep(recipe []byte, scale uint16) string {
	x := deepLeaves[0]
	if len(recipe) > 0 {
		x = deepLeaves[int(recipe[0])%len(deepLeaves)]
		recipe = recipe[1:]
	}
	budget := 200_000 // characters, so one input stays fast
	for len(recipe) >= 2 && len(x) < budget {
		shape := deepShapes[int(recipe[0])%len(deepShapes)]
		n := 1 + int(recipe[1])*(1+int(scale%512))
		x = shape(x, min(n, budget/8))
		recipe = recipe[2:]
	}
	return x
}

// FuzzDeepExpr builds deeply nested and long chained expressions and runs
// them through every stage: parse, plan (binding and constant folding),
// compile and execute over a small store. Nothing may panic or overflow
// the stack; every error is positioned in the query; a query that parses
// gives a tree within sql.MaxTreeDepth, and its Format parses back. Run
// longer with
//
//	go test ./planner -run '^$' -fuzz FuzzDeepExpr -fuzztime 60s
func FuzzDeepExpr(f *testing.F) {
	f.Add([]byte{2, 3, 90, 4, 90}, uint16(99))          // 9,001-term chains that run
	f.Add([]byte{0, 0, 50}, uint16(200))                // NOT chain past the limit
	f.Add([]byte{2, 3, 255, 4, 10}, uint16(30))         // + chain then AND chain
	f.Add([]byte{1, 6, 100, 7, 100}, uint16(1))         // parentheses, nested calls
	f.Add([]byte{5, 8, 20, 9, 20, 11, 5}, uint16(2))    // CASE, CAST, subscripts
	f.Add([]byte{2, 13, 200, 10, 30}, uint16(40))       // OR chain, right nesting
	f.Add([]byte{3, 1, 1, 15, 3, 0, 1}, uint16(0))      // json_parse, signs
	f.Add([]byte{2, 5, 255, 5, 255}, uint16(100))       // long concat chains
	f.Add([]byte{0, 12, 100, 14, 100, 3, 2}, uint16(3)) // coalesce, lower

	dir := f.TempDir()
	events := `{"Records":[
{"eventVersion":"1.09","eventTime":"2024-05-03T10:20:30Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","eventID":"d-1","eventType":"AwsApiCall","requestParameters":{"bucketName":"b"}},
{"eventVersion":"1.09","eventTime":"2024-05-03T10:20:31Z","eventSource":"s3.amazonaws.com","eventName":"x","awsRegion":"us-east-1","eventID":"d-2","eventType":"AwsApiCall"}]}`
	if err := os.WriteFile(filepath.Join(dir, "events.json"), []byte(events), 0o644); err != nil {
		f.Fatal(err)
	}
	cat, err := querytest.IngestDirs(context.Background(), filepath.Join(dir, "data"), "events", ingest.Config{}, filepath.Join(dir, "events.json"))
	if err != nil {
		f.Fatal(err)
	}
	functions := fn.NewCatalog()
	f.Fuzz(func(t *testing.T, recipe []byte, scale uint16) {
		x := buildDeep(recipe, scale)
		for _, q := range []string{"SELECT " + x, "SELECT " + x + " FROM events", "SELECT count(*) FROM events WHERE " + isNull(x)} {
			stmt, err := sql.Parse(q)
			if err != nil {
				checkPositioned(t, q, "parse", err)
				continue
			}
			if err := sql.CheckDepth(q, stmt); err != nil {
				t.Fatalf("parsed, but the tree is too deep: %v", err)
			}
			if _, err := sql.Parse(sql.Format(stmt)); err != nil {
				t.Fatalf("Format output does not parse: %v", err)
			}
			env := &exec.Env{Now: querytest.FixtureNow.UnixNano(), Catalog: functions, MemoryLimit: 256 << 20}
			env.Scan = exec.StoreScanHook(env, 1)
			plan, err := planner.Build(q, stmt, planner.Options{Stores: cat, Functions: functions, Folder: exec.Folder{Env: env}})
			if err != nil {
				checkPositioned(t, q, "plan", err)
				continue
			}
			res, _, err := exec.Execute(context.Background(), plan, env)
			if err != nil {
				var ee *exec.ExprError
				if errors.As(err, &ee) && (ee.Pos < 0 || ee.Pos > len(q)) {
					t.Fatalf("execution error at %d outside the query (length %d): %v", ee.Pos, len(q), err)
				}
				continue
			}
			res.Release()
		}
	})
}
