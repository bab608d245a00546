package duckpeer

import (
	"context"
	"reflect"
	"strings"
	"testing"
)

func TestQueryNormalizes(t *testing.T) {
	p, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	cases := []struct {
		expr string
		want any
	}{
		{"1::TINYINT", int64(1)},
		{"(-7)::BIGINT", int64(-7)},
		{"4000000000::UINTEGER", int64(4000000000)},
		{"2::HUGEINT", int64(2)},
		{"170141183460469231731687303715884105727::HUGEINT", "170141183460469231731687303715884105727"},
		{"1.25::DECIMAL(5,2)", 1.25},
		{"1.5::FLOAT", 1.5},
		{"0.1::DOUBLE", 0.1},
		{"'x'::BLOB", "x"},
		{"'héllo'", "héllo"},
		{"true", true},
		{"NULL", nil},
		{"DATE '2024-01-02'", utc("2024-01-02T00:00:00Z")},
		{"TIMESTAMP '2024-01-02 03:04:05.678'", utc("2024-01-02T03:04:05.678Z")},
		{"TIMESTAMP_NS '2024-01-02 03:04:05.123456789'", utc("2024-01-02T03:04:05.123456789Z")},
		{"TIMESTAMPTZ '2024-01-01 02:00:00+02'", utc("2024-01-01T00:00:00Z")},
		{"INTERVAL 90 MINUTE", "01:30:00"},
		{"TIME '12:34:56'", "12:34:56"},
		{"'6ba7b810-9dad-11d1-80b4-00c04fd430c8'::UUID", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"},
		// Nested values as JSON text, keys in the type's order.
		{"{'b': 1, 'a': [1, 2]}", `{"b":1,"a":[1,2]}`},
		{"[3, 1, 2]", `[3,1,2]`},
		{"['x', NULL]", `["x",null]`},
		{"MAP {'k': 'v'}", `{"k":"v"}`},
		{"[1, 2]::INTEGER[2]", `[1,2]`},
		// A JSON literal keeps its text; JSON read from files is minified.
		{`'{"z" : 1, "a": 2}'::JSON`, `{"z" : 1, "a": 2}`},
		{`'{"z":{"y":1.50}}'::JSON->'z'`, `{"y":1.5}`},
	}
	for _, c := range cases {
		got := queryOne(t, p, "SELECT "+c.expr)
		if !reflect.DeepEqual(got, []any{c.want}) {
			t.Errorf("%s: got %#v (%T), want %#v (%T)", c.expr, got[0], got[0], c.want, c.want)
		}
	}
}

func TestQueryShape(t *testing.T) {
	p, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ctx := context.Background()

	// Duplicate names survive; a trailing semicolon is accepted.
	cols, rows, err := p.Query(ctx, "SELECT 1 AS a, 'x' AS a;")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cols, []string{"a", "a"}) || !reflect.DeepEqual(rows, [][]any{{int64(1), "x"}}) {
		t.Errorf("got %v %v", cols, rows)
	}

	// The wrapping projection keeps ORDER BY, on enough rows for DuckDB
	// to use several threads.
	_, rows, err = p.Query(ctx, "SELECT i, [i] FROM range(300000) t(i) ORDER BY hash(i), i")
	if err != nil {
		t.Fatal(err)
	}
	var want []int64
	r, err := p.DB().QueryContext(ctx, "SELECT i FROM range(300000) t(i) ORDER BY hash(i), i")
	if err != nil {
		t.Fatal(err)
	}
	for r.Next() {
		var i int64
		if err := r.Scan(&i); err != nil {
			t.Fatal(err)
		}
		want = append(want, i)
	}
	r.Close()
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	for i := range want {
		if rows[i][0] != want[i] {
			t.Fatalf("row %d: %v, want %d: order not kept", i, rows[i][0], want[i])
		}
	}

	// Statements DESCRIBE cannot take run as they are.
	if _, _, err := p.Query(ctx, "CREATE TABLE t AS SELECT 42 AS v"); err != nil {
		t.Fatalf("create: %v", err)
	}
	cols, rows, err = p.Query(ctx, "SHOW TABLES")
	if err != nil || len(rows) != 1 || rows[0][0] != "t" {
		t.Errorf("SHOW TABLES: %v %v %v", cols, rows, err)
	}

	// Errors carry DuckDB's message.
	if _, _, err := p.Query(ctx, "SELECT no_such_column FROM t"); err == nil || !strings.Contains(err.Error(), "no_such_column") {
		t.Errorf("error = %v, want one naming the column", err)
	}
}
