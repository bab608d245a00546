package sql

import (
	"errors"
	"testing"
)

func TestErrorFields(t *testing.T) {
	cases := []struct {
		query          string
		pos, line, col int
		kind           error
	}{
		{"SELECT a\nFROM t\nWHERE b = = 1", 26, 3, 11, ErrSyntax},
		{"DELETE FROM t", 0, 1, 1, ErrUnsupported},
		{"SELECT 'éé' = FROM t", 16, 1, 15, ErrSyntax}, // col counts characters, pos bytes
		{"SELECT ? FROM t", 7, 1, 8, ErrUnsupported},
		{"SELECT rank() OVER (ORDER BY a ROWS 2) FROM t", 37, 1, 38, ErrSyntax},
	}
	for _, c := range cases {
		_, err := Parse(c.query)
		var pe *Error
		if !errors.As(err, &pe) {
			t.Fatalf("%q: got %v, want *Error", c.query, err)
		}
		if pe.Pos != c.pos || pe.Line != c.line || pe.Col != c.col || !errors.Is(err, c.kind) {
			t.Errorf("%q: got pos %d %d:%d %v, want pos %d %d:%d kind %v", c.query, pe.Pos, pe.Line, pe.Col, err, c.pos, c.line, c.col, c.kind)
		}
	}
}

func TestNewErrorClamps(t *testing.T) {
	q := "SELECT x"
	for _, pos := range []int{-5, 0, 8, 100} {
		e := NewError(q, pos, ErrSyntax, "m")
		if e.Pos < 0 || e.Pos > len(q) {
			t.Errorf("pos %d → %d outside query", pos, e.Pos)
		}
		_ = e.Caret()
	}
	if got, want := NewError(q, 100, ErrSyntax, "m").Caret(), "SELECT x\n        ^"; got != want {
		t.Errorf("caret at end: got %q want %q", got, want)
	}
}

func TestWalkOrder(t *testing.T) {
	st, err := Parse("SELECT a + b FROM t WHERE c = 1 ORDER BY d")
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	Walk(st, func(n Node) bool {
		if c, ok := n.(*ColumnRef); ok {
			cols = append(cols, c.Parts[0])
		}
		return true
	})
	if got := len(cols); got != 4 || cols[0] != "a" || cols[1] != "b" || cols[2] != "c" || cols[3] != "d" {
		t.Errorf("got %v, want [a b c d]", cols)
	}
}

func TestOutputNameDirect(t *testing.T) {
	cases := []struct {
		item  *SelectItem
		index int
		want  string
	}{
		{&SelectItem{Expr: &ColumnRef{Parts: []string{"userIdentity", "principalId"}}}, 0, "principalId"},
		{&SelectItem{Expr: &Literal{Kind: LitInteger, Value: "1"}}, 3, "_col3"},
		{&SelectItem{Expr: &Literal{Kind: LitInteger, Value: "1"}, Alias: &Ident{Name: "One"}}, 3, "One"},
		{&SelectItem{Star: true}, 0, ""},
	}
	for _, c := range cases {
		if got := OutputName(c.item, c.index); got != c.want {
			t.Errorf("OutputName(%s) = %q, want %q", Format(c.item.Expr), got, c.want)
		}
	}
}
