package sql

// Catalog statements: SHOW TABLES [LIKE 'pattern'], SHOW COLUMNS {FROM|IN}
// t, DESCRIBE t and DESC t. They only read, so they fit the SELECT-only
// promise; other SHOW forms keep the "only SELECT" error.

// show parses a catalog statement in tokens [i, end).
func (p *parser) show(i, end int) (Statement, *Error) {
	t := &p.toks[i]
	switch t.up {
	case "DESCRIBE", "DESC":
		ref, err := p.tableName(i+1, end, t.up)
		if err != nil {
			return nil, err
		}
		return &ShowColumns{Pos: t.pos, Table: ref}, nil
	}
	what := p.at(i+1, end)
	switch {
	case what != nil && what.isWord("TABLES"):
		st := &ShowTables{Pos: t.pos}
		k := i + 2
		if k < end && p.toks[k].isWord("LIKE") {
			if k+1 >= end || p.toks[k+1].kind != tkString {
				return nil, p.expected(k+1, end, "a 'pattern' after LIKE")
			}
			st.Like = &Literal{Pos: p.toks[k+1].pos, Kind: LitString, Value: p.toks[k+1].val}
			k += 2
		}
		if k < end {
			return nil, p.errorf(p.toks[k].pos, ErrSyntax, "unexpected %s after SHOW TABLES", p.toks[k].text)
		}
		return st, nil
	case what != nil && what.isWord("COLUMNS"):
		k := i + 2
		if k >= end || !p.toks[k].isWord("FROM") && !p.toks[k].isWord("IN") {
			return nil, p.expected(k, end, "FROM after SHOW COLUMNS")
		}
		ref, err := p.tableName(k+1, end, "SHOW COLUMNS")
		if err != nil {
			return nil, err
		}
		return &ShowColumns{Pos: t.pos, Table: ref}, nil
	}
	if what != nil && t.isWord("SHOW") {
		return nil, p.errorf(what.pos, ErrUnsupported, "SHOW %s is not supported; ctlake answers SHOW TABLES, SHOW COLUMNS FROM <store> and DESCRIBE <store>", what.text)
	}
	return nil, p.expected(i+1, end, "TABLES or COLUMNS after SHOW")
}

// at returns token i if i < end, else nil.
func (p *parser) at(i, end int) *token {
	if i < end {
		return &p.toks[i]
	}
	return nil
}

// tableName reads the single table reference that ends a catalog statement.
func (p *parser) tableName(i, end int, after string) (*TableRef, *Error) {
	t := p.at(i, end)
	if t == nil || t.kind != tkWord && t.kind != tkQuoted && t.kind != tkUUID && t.kind != tkARN {
		return nil, p.expected(i, end, "an event data store after "+after)
	}
	if i+1 < end {
		if p.toks[i+1].isOp(".") {
			return nil, p.errorf(t.pos, ErrUnsupported, "qualified table names are not supported; name the event data store by its ID")
		}
		return nil, p.errorf(p.toks[i+1].pos, ErrSyntax, "unexpected %s after the table name", p.toks[i+1].text)
	}
	return tableRef(t), nil
}

// tableRef is the table a name token names: by name, ID or ARN.
func tableRef(t *token) *TableRef {
	ref := &TableRef{Pos: t.pos, Kind: TableName, Name: identName(t), Quoted: t.kind == tkQuoted}
	switch t.kind {
	case tkUUID:
		ref.Kind = TableUUID
	case tkARN:
		ref.Kind = TableARN
	}
	return ref
}
