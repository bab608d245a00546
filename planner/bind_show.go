package planner

import (
	"sort"
	"strings"

	"github.com/ctlake/ctlake/sql"
)

// showTables binds SHOW TABLES [LIKE 'pattern']: one row per event data
// store (name, ID, events in its current snapshot), then the JSON tables
// of the query (ID and events NULL), by name.
func (b *binder) showTables(s *sql.ShowTables) (Node, []string, error) {
	type row struct {
		name, id string
		events   int64
		json     bool
	}
	var rows []row
	if b.opts.Stores != nil {
		infos, err := b.opts.Stores.List()
		if err != nil {
			return nil, nil, b.errorf(s.Pos, ErrUnknownTable, "listing the event data stores: %v", err)
		}
		for _, in := range infos {
			st, err := b.opts.Stores.Open(in.ID)
			if err != nil {
				return nil, nil, b.errorf(s.Pos, ErrUnknownTable, "%v", err)
			}
			snap, err := st.ReadManifest() // counted, never read: no lease
			if err != nil {
				return nil, nil, b.errorf(s.Pos, ErrUnknownTable, "%v", err)
			}
			rows = append(rows, row{name: in.Name, id: in.ID, events: snap.Rows()})
		}
	}
	for name := range b.opts.JSONTables {
		rows = append(rows, row{name: name, json: true})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].name < rows[j].name })
	v := &Values{Out: []Column{{"Table", Varchar}, {"ID", Varchar}, {"Events", Bigint}}}
	for _, r := range rows {
		vals := []Expr{str(r.name), str(r.id), &Literal{V: Value{Int: r.events}, T: Bigint}}
		if r.json {
			vals[1] = &Literal{V: Value{Null: true}, T: Varchar}
			vals[2] = &Literal{V: Value{Null: true}, T: Bigint}
		}
		v.Rows = append(v.Rows, vals)
	}
	var out Node = v
	if s.Like != nil {
		out = &Filter{Input: v, Cond: &Like{X: &InputRef{Index: 0, Name: "Table", T: Varchar}, Pattern: str(s.Like.Value), P: s.Like.Pos}}
	}
	return out, []string{"Table", "ID", "Events"}, nil
}

func str(s string) *Literal { return &Literal{V: Value{Str: s}, T: Varchar} }

// showColumns binds DESCRIBE t and SHOW COLUMNS FROM t: Trino's Column,
// Type, Extra and Comment, one row per column and, dotted below a struct,
// one per field (resources[].ARN for the structs of an array), so the
// whole Lake schema reads top to bottom.
func (b *binder) showColumns(s *sql.ShowColumns) (Node, []string, error) {
	if _, ok := b.jsonTable(s.Table.Name); !ok {
		if b.opts.Stores == nil {
			return nil, nil, b.errorf(s.Table.Pos, ErrUnknownTable, "no event data stores are available")
		}
		if _, err := b.opts.Stores.Open(s.Table.Name); err != nil {
			return nil, nil, b.errorf(s.Table.Pos, ErrUnknownTable, "%v", err)
		}
	}
	cols, err := storeColumns()
	if err != nil {
		return nil, nil, err
	}
	v := &Values{Out: []Column{{"Column", Varchar}, {"Type", Varchar}, {"Extra", Varchar}, {"Comment", Varchar}}}
	var add func(name string, t Type, nested bool)
	add = func(name string, t Type, nested bool) {
		extra := ""
		if nested {
			extra = "nested field"
		}
		v.Rows = append(v.Rows, []Expr{str(name), str(typeText(t)), str(extra), str("")})
		switch {
		case t.Kind == KindRow:
			for _, f := range t.Fields {
				add(name+"."+f.Name, f.Type, true)
			}
		case t.Kind == KindArray && t.Elem.Kind == KindRow:
			for _, f := range t.Elem.Fields {
				add(name+"[]."+f.Name, f.Type, true)
			}
		}
	}
	for _, c := range cols {
		add(c.Name, c.T, false)
	}
	return v, []string{"Column", "Type", "Extra", "Comment"}, nil
}

// typeText spells a type for DESCRIBE: as Trino does, except that a
// struct is "row" (its fields follow on their own rows).
func typeText(t Type) string {
	switch t.Kind {
	case KindRow:
		return "row"
	case KindArray:
		return "array(" + typeText(*t.Elem) + ")"
	}
	return strings.TrimSpace(t.String())
}
