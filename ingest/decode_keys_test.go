package ingest

import (
	"strings"
	"testing"
)

// TestKeyTable checks every struct node of the event schema: each field
// name (and lower-cased name) finds its index, and near misses find nothing.
func TestKeyTable(t *testing.T) {
	checked := 0
	var walk func(n *node)
	walk = func(n *node) {
		if n.kind == kList {
			walk(n.elem)
			return
		}
		if n.kind != kStruct {
			return
		}
		for i, f := range n.fields {
			if got, ok := n.exactKeys.lookup([]byte(f.name)); !ok || got != i {
				t.Errorf("%s.%s: exact lookup gave %d, %v; want %d", n.name, f.name, got, ok, i)
			}
			if got, ok := n.foldKeys.lookup([]byte(strings.ToLower(f.name))); !ok || got != n.fold[strings.ToLower(f.name)] {
				t.Errorf("%s.%s: fold lookup gave %d, %v", n.name, f.name, got, ok)
			}
			for _, miss := range []string{f.name + "x", f.name[:len(f.name)-1], "x" + f.name, strings.ToUpper(f.name) + "_"} {
				if _, ok := n.exact[miss]; ok {
					continue
				}
				if got, ok := n.exactKeys.lookup([]byte(miss)); ok {
					t.Errorf("%s: %q found as field %d", n.name, miss, got)
				}
			}
			checked++
			walk(f)
		}
		if _, ok := n.exactKeys.lookup(nil); ok {
			t.Errorf("%s: the empty key was found", n.name)
		}
	}
	walk(plan.root)
	if checked < 40 {
		t.Fatalf("only %d fields checked", checked)
	}
}
