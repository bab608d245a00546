package sql

// Expression depth limits. Every stage after the lexer walks expressions
// recursively (the rewriter, sqlparser's grammar actions, the converter,
// Format, the binder, the expression compiler and the evaluators), and
// sqlparser's LALR stack costs a few hundred bytes per pending operator, so
// a query of a million chained NOTs, unary minuses or "1+1+…" terms used to
// take seconds and gigabytes, or kill the process with a stack overflow.
// The lexer therefore bounds the depth while it reads tokens, before
// anything else sees them, and stops at the first token past the limit.

// MaxExprDepth is the deepest expression a query may hold, counted in
// chaining operators and brackets along one chain: "NOT NOT x" is 2 deep,
// "a = 1 AND b = 2 AND c = 3" 2, "f(g(x))" 2. Ten thousand is far beyond hand-written SQL (and a
// long OR chain is better written as IN (…), which has no depth), yet
// cheap everywhere: a 10,000-term chain parses, plans and runs in a fraction
// of a second and a few tens of MB.
const MaxExprDepth = 10000

// depthFrame is one open bracket, or a CASE … END, while lexing.
type depthFrame struct {
	open  string // "(", "[" or "CASE"
	ops   int    // operators so far in the current item (since the last separator)
	child int    // deepest bracket closed so far in the current item
	best  int    // deepest earlier item (ops + child) in this bracket
}

// depthCheck keeps an upper bound of the expression depth at the current
// token: within each open bracket, the operators of the current item (a
// left-deep chain of n operators is n deep) plus the deepest bracket closed
// in it, summed over the open brackets. Separators (commas, clause
// keywords, CASE's WHEN/THEN/ELSE) start a new item. The bound may count an
// operator that is not on the deepest path (IS NOT NULL counts 2); it
// misses only the one comparison per bracket level, so a tree is at most a
// few times deeper than the bound (MaxTreeDepth).
type depthCheck struct {
	stack []depthFrame // stack[0] is the statement itself
	total int          // sum over the stack of len(frames) + ops + child
}

// depthOps are the operator tokens that add a level, depthWords the words:
// those that chain. Comparisons, LIKE, IN and BETWEEN do not (a = b = c is
// a syntax error), so each adds at most one level per bracket, below the
// chains that are counted; not counting them lets "a = 1 OR a = 2 OR …"
// have as many terms as "a OR b OR …".
var (
	depthOps   = map[string]bool{"+": true, "-": true, "*": true, "/": true, "%": true, "||": true, "->": true, "=>": true}
	depthWords = map[string]bool{"AND": true, "OR": true, "NOT": true, "IS": true}
	// depthSeps start a new expression at the same bracket level.
	depthSeps = map[string]bool{"SELECT": true, "FROM": true, "WHERE": true, "GROUP": true, "BY": true, "HAVING": true,
		"ORDER": true, "LIMIT": true, "ON": true, "USING": true, "JOIN": true, "UNION": true, "WHEN": true, "THEN": true,
		"ELSE": true, "AS": true, "WITH": true}
)

// add accounts for token t and returns an error when the bound passes
// MaxExprDepth, positioned at t.
func (d *depthCheck) add(src string, t *token) *Error {
	if d.stack == nil {
		d.stack = []depthFrame{{}}
	}
	top := &d.stack[len(d.stack)-1]
	switch {
	case t.kind == tkOp && (t.text == "(" || t.text == "["):
		if t.text == "[" { // a subscript nests its base one level deeper
			top.ops++
			d.total++
		}
		d.stack = append(d.stack, depthFrame{open: t.text})
		d.total++
	case t.kind == tkWord && t.up == "CASE":
		d.stack = append(d.stack, depthFrame{open: "CASE"})
		d.total++
	case t.kind == tkOp && (t.text == ")" || t.text == "]"), t.kind == tkWord && t.up == "END":
		want := "CASE"
		switch t.text {
		case ")":
			want = "("
		case "]":
			want = "["
		}
		if len(d.stack) == 1 || top.open != want {
			return nil // unbalanced: matchBrackets or the grammar reports it
		}
		d.pop()
	case t.kind == tkOp && t.text == ",", t.kind == tkWord && depthSeps[t.up]:
		top.best = max(top.best, top.ops+top.child)
		d.total -= top.ops + top.child
		top.ops, top.child = 0, 0
	case t.kind == tkOp && depthOps[t.text], t.kind == tkWord && depthWords[t.up]:
		top.ops++
		d.total++
	}
	if d.total > MaxExprDepth {
		return NewError(src, t.pos, ErrUnsupported, "expression is nested too deeply (more than %d levels of operators and brackets); write long AND/OR chains as IN (…)", MaxExprDepth)
	}
	return nil
}

// pop closes the innermost frame; its depth becomes a child of the one
// around it.
func (d *depthCheck) pop() {
	f := d.stack[len(d.stack)-1]
	d.stack = d.stack[:len(d.stack)-1]
	d.total -= 1 + f.ops + f.child
	depth := 1 + max(f.best, f.ops+f.child)
	if top := &d.stack[len(d.stack)-1]; depth > top.child {
		d.total += depth - top.child
		top.child = depth
	}
}

// MaxTreeDepth bounds the node depth of an expression tree. Text that
// passed the lexer's bound gives trees at most about three times as deep
// in nodes (CASE WHEN a = b is three nodes for one bracket), so this limit
// never refuses a parsed query (FuzzDeepExpr checks that); later stages
// check it on trees they receive, so that their recursion stays bounded
// whoever built the tree.
const MaxTreeDepth = 4 * MaxExprDepth

// CheckDepth returns a positioned error when an expression under n is more
// than MaxTreeDepth expression nodes deep. It walks iteratively, so it is
// safe on any tree.
func CheckDepth(query string, n Node) *Error {
	type item struct {
		n Node
		d int // expression nodes on the path, n included
	}
	stack := []item{{n, 0}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		d := it.d
		if _, ok := it.n.(Expr); ok {
			d++
		}
		if d > MaxTreeDepth {
			return NewError(query, it.n.Position(), ErrUnsupported, "expression is nested too deeply (more than %d levels)", MaxTreeDepth)
		}
		for _, c := range children(it.n) {
			stack = append(stack, item{c, d})
		}
	}
	return nil
}
