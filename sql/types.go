package sql

import (
	"strconv"
	"strings"
)

// parseType parses a Trino type in tokens [i, end): name [(params)]
// [WITH TIME ZONE], where params are numbers (varchar(10), decimal(10, 2))
// or types (array(varchar), map(varchar, json), row(a bigint, b varchar)).
// Multi-word names (double precision) are joined by one space.
func (p *parser) parseType(i, end int) (*Type, *Error) {
	t, next, err := p.typeAt(i, end)
	if err != nil {
		return nil, err
	}
	if next < end {
		return nil, p.expected(next, end, "')' after the type")
	}
	return t, nil
}

func (p *parser) typeAt(i, end int) (*Type, int, *Error) {
	if i >= end || p.toks[i].kind != tkWord {
		return nil, 0, p.expected(i, end, "a type name")
	}
	t := &Type{Pos: p.toks[i].pos, Name: strings.ToLower(p.toks[i].text)}
	i++
	if t.Name == "double" && i < end && p.toks[i].isWord("PRECISION") {
		t.Name = "double precision"
		i++
	}
	if i < end && p.toks[i].isOp("(") {
		m := p.toks[i].match
		if m > end {
			return nil, 0, p.expected(i, end, "a type")
		}
		for k := i + 1; k < m; {
			switch tk := &p.toks[k]; {
			case tk.kind == tkNumber:
				v, err := strconv.ParseInt(tk.text, 10, 64)
				if err != nil {
					return nil, 0, p.errorf(tk.pos, ErrSyntax, "invalid type parameter %s", tk.text)
				}
				t.Params = append(t.Params, v)
				k++
			case t.Name == "row" && isNameTok(tk) && k+1 < m && p.toks[k+1].kind == tkWord:
				t.FieldNames = append(t.FieldNames, identName(tk))
				sub, next, err := p.typeAt(k+1, m)
				if err != nil {
					return nil, 0, err
				}
				t.Args = append(t.Args, sub)
				k = next
			default:
				sub, next, err := p.typeAt(k, m)
				if err != nil {
					return nil, 0, err
				}
				t.Args = append(t.Args, sub)
				k = next
			}
			if k < m {
				if !p.toks[k].isOp(",") {
					return nil, 0, p.expected(k, m, "',' or ')'")
				}
				k++
				if k == m {
					return nil, 0, p.expected(k, m, "a type parameter")
				}
			}
		}
		i = m + 1
	}
	if i+2 < end && p.toks[i].isWord("WITH") && p.toks[i+1].isWord("TIME") && p.toks[i+2].isWord("ZONE") {
		t.WithTimeZone = true
		i += 3
	}
	return t, i, nil
}
