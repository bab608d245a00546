package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestQueryCommand(t *testing.T) {
	dir := t.TempDir()
	data := `{"Records":[{"eventTime":"2024-01-01T00:00:00.5Z","eventName":"A","eventSource":"s","readOnly":true,"requestParameters":{"b":{"c":1}}},
{"eventTime":"2024-01-01T01:00:00Z","eventName":"B","eventSource":"s"}]}`
	if err := os.WriteFile(filepath.Join(dir, "r.json"), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"query", "--json", dir, "SELECT eventName, eventTime, readOnly, requestParameters->'b' AS b, 1 AS x, 2 AS x FROM events ORDER BY 1"},
			`{"eventName":"A","eventTime":"2024-01-01T00:00:00.5Z","readOnly":true,"b":"{\"c\":1}","x":1,"x_2":2}` + "\n" +
				`{"eventName":"B","eventTime":"2024-01-01T01:00:00Z","readOnly":null,"b":null,"x":1,"x_2":2}` + "\n"},
		{[]string{"query", "--view", dir, "SELECT eventName, eventTime FROM events ORDER BY 1"},
			"eventName\teventTime\nA\t2024-01-01 00:00:00.5\nB\t2024-01-01 01:00:00\n"},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		if err := run(c.args, &out, &errb); err != nil {
			t.Fatalf("%v: %v (%s)", c.args, err, errb.String())
		}
		if out.String() != c.want {
			t.Errorf("%v:\n got %q\nwant %q", c.args, out.String(), c.want)
		}
	}
	var out, errb bytes.Buffer
	if err := run([]string{"query", dir}, &out, &errb); err == nil {
		t.Error("missing SQL: no error")
	}
}
