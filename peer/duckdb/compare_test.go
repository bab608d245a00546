package duckpeer

import (
	"strings"
	"testing"
	"time"
)

func TestValuesEqual(t *testing.T) {
	t0 := utc("2024-01-01T00:00:00Z")
	cases := []struct {
		a, b any
		want bool
	}{
		{int64(3), int64(3), true},
		{int64(3), int64(4), false},
		{int64(3), 3.0, true},
		{0.1 + 0.2, 0.3, true},
		{1.0, 1.0001, false},
		{int64(3), "3", false},
		{t0, t0.In(time.FixedZone("x", 3600)), true},
		{t0, t0.Add(time.Nanosecond), false},
		{t0, "2024-01-01 00:00:00", false},
		{`{"k":[1, 2],"z":"\u00e9","n":1.50}`, `{"k":[1,2],"z":"é","n":1.5}`, true},
		{`{"a":1,"b":2}`, `{"b":2,"a":1}`, false}, // key order matters
		{`{"a":1}`, `{"a":2}`, false},
		{"abc", "abc", true},
		{"abc", "ABC", false},
		{nil, nil, true},
		{nil, "", false},
		{true, true, true},
		{true, "true", false},
	}
	for _, c := range cases {
		if got := ValuesEqual(c.a, c.b); got != c.want {
			t.Errorf("ValuesEqual(%#v, %#v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestDiffRows(t *testing.T) {
	want := [][]any{{"s3", int64(2)}, {"ec2", int64(1)}, {"iam", nil}}
	shuffled := [][]any{{"iam", nil}, {"s3", 2.0}, {"ec2", int64(1)}}
	if d := DiffRows(want, shuffled, false); d != nil {
		t.Errorf("unordered: %v", d)
	}
	if d := DiffRows(want, shuffled, true); len(d) != 3 {
		t.Errorf("ordered: %d diffs, want 3: %v", len(d), d)
	}
	short := [][]any{{"s3", int64(2)}, {"ec2", int64(5)}}
	d := DiffRows(want, short, true)
	if len(d) != 2 || !strings.Contains(d[0], "2 rows, want 3") || !strings.Contains(d[1], "row 1") {
		t.Errorf("diffs %v", d)
	}
	// Unordered sorting must not reorder the caller's slice.
	if shuffled[0][0] != "iam" {
		t.Error("DiffRows reordered its input")
	}
}
