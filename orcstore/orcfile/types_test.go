package orcfile_test

import (
	"errors"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"

	"github.com/ctlake/ctlake/orcstore"
	. "github.com/ctlake/ctlake/orcstore/orcfile"
)

// The CloudTrail schema must survive Arrow → ORC types → Arrow unchanged:
// the reader's schema of a store file is what ingest wrote.
func TestEventSchemaTypesRoundTrip(t *testing.T) {
	root, types, err := ColumnsFromArrow(orcstore.EventSchema)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ColumnsFromTypes(types)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Schema().Equal(orcstore.EventSchema) {
		t.Fatalf("schema changed:\n%v\nvs\n%v", back.Schema(), orcstore.EventSchema)
	}
	if len(root.Columns()) != len(types) {
		t.Fatalf("%d columns for %d types", len(root.Columns()), len(types))
	}
	for i, c := range back.Columns() {
		if c.ID != i {
			t.Fatalf("column %s has id %d at position %d", c.Path, c.ID, i)
		}
	}
	c, ok := back.Find("useridentity.SessionContext.sessionIssuer.ARN")
	if !ok || c.Path != "userIdentity.sessionContext.sessionIssuer.arn" {
		t.Fatalf("Find: %v %v", c, ok)
	}
	if _, ok := back.Find("userIdentity.nope"); ok {
		t.Fatal("found a missing field")
	}
}

func TestColumnsFromTypesRejectsMalformedTrees(t *testing.T) {
	k := func(k orcproto.Type_Kind) *orcproto.Type_Kind { return k.Enum() }
	cases := map[string][]*orcproto.Type{
		"empty":          nil,
		"bare root list": {{Kind: k(orcproto.Type_LIST)}},
		"cycle":          {{Kind: k(orcproto.Type_STRUCT), Subtypes: []uint32{0}, FieldNames: []string{"a"}}},
		"out of range":   {{Kind: k(orcproto.Type_STRUCT), Subtypes: []uint32{5}, FieldNames: []string{"a"}}},
		"names missing":  {{Kind: k(orcproto.Type_STRUCT), Subtypes: []uint32{1}}, {Kind: k(orcproto.Type_LONG)}},
		"list arity":     {{Kind: k(orcproto.Type_STRUCT), Subtypes: []uint32{1}, FieldNames: []string{"a"}}, {Kind: k(orcproto.Type_LIST)}},
		"unused type":    {{Kind: k(orcproto.Type_STRUCT)}, {Kind: k(orcproto.Type_LONG)}},
		"bad kind":       {{Kind: k(orcproto.Type_STRUCT), Subtypes: []uint32{1}, FieldNames: []string{"a"}}, {Kind: k(orcproto.Type_Kind(99))}},
	}
	for name, types := range cases {
		if _, err := ColumnsFromTypes(types); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: got %v, want ErrCorrupt", name, err)
		}
	}
	// A root that is not a struct is valid ORC (one bare column).
	c, err := ColumnsFromTypes([]*orcproto.Type{{Kind: k(orcproto.Type_TIMESTAMP)}})
	if err != nil || !c.Bare() || c.Schema().NumFields() != 1 || c.Schema().Field(0).Name != BareColumnName {
		t.Fatalf("bare timestamp root: %v %v", c, err)
	}
}

func TestColumnsFromArrowRejectsUnsupported(t *testing.T) {
	s := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Uint64}}, nil)
	if _, _, err := ColumnsFromArrow(s); err == nil {
		t.Fatal("uint64 accepted")
	}
}
