package sql

// The AST is plain data. Every node records Pos, the byte offset in the
// user's original text where the node begins (for a binary operator, also
// OpPos, where the operator is written), so that later layers can report
// "line:col" errors with NewError.

// Node is implemented by every AST node.
type Node interface {
	Position() int
}

// Statement is what Parse returns: *Query, *Explain, *ShowTables or
// *ShowColumns.
type Statement interface {
	Node
	statementNode()
}

// Explain is EXPLAIN [ANALYZE] query.
type Explain struct {
	Pos     int
	Analyze bool
	Query   *Query
}

// Query is a complete query: an optional WITH list and a body.
type Query struct {
	Pos  int
	With []*CTE
	Body QueryExpr
}

// CTE is one "name [(columns)] AS (query)" entry of a WITH clause.
type CTE struct {
	Pos     int // the name
	Name    string
	Columns []Ident // optional column aliases
	Query   *Query
}

// QueryExpr is a query body: *Select or *SetOp.
type QueryExpr interface {
	Node
	queryNode()
}

// Select is one SELECT … [FROM] … [WHERE] … block. OrderBy and Limit
// belong to this block (they apply after it, before any set operation that
// contains it in parentheses).
type Select struct {
	Pos      int // the SELECT keyword
	Distinct bool
	Items    []*SelectItem
	From     TableExpr // nil for SELECT without FROM
	Where    Expr
	GroupBy  []Expr // an integer literal here is an ordinal (1-based)
	Having   Expr
	Windows  []*WindowDef // WINDOW name AS (…), …
	OrderBy  []*OrderItem
	Offset   *Offset
	Limit    *Limit // LIMIT n or FETCH FIRST n ROWS ONLY; nil for none or LIMIT ALL
}

// Set operations, in Trino's precedence: INTERSECT binds tighter than
// UNION and EXCEPT, which associate to the left.
const (
	SetUnion     = "UNION"
	SetExcept    = "EXCEPT"
	SetIntersect = "INTERSECT"
)

// SetOp combines two query bodies: UNION, EXCEPT or INTERSECT, each
// [ALL|DISTINCT]. OrderBy, Offset and Limit apply to the combined result.
type SetOp struct {
	Pos     int    // the start of Left
	OpPos   int    // the operator keyword
	Op      string // SetUnion, SetExcept or SetIntersect
	All     bool   // ALL (else DISTINCT, written or not)
	Left    QueryExpr
	Right   QueryExpr
	OrderBy []*OrderItem
	Offset  *Offset
	Limit   *Limit
}

// SelectItem is "*", "q.*", or "expr [AS] alias".
type SelectItem struct {
	Pos       int
	Star      bool
	Qualifier []Ident // for q.* (empty for a bare *)
	Expr      Expr    // nil when Star
	Alias     *Ident  // nil without alias
}

// Ident is a name as written (quotes removed, case kept) with its position.
type Ident struct {
	Pos    int
	Name   string
	Quoted bool
}

// OrderItem is one ORDER BY term. Desc and Nulls record what was written;
// Trino's defaults (ASC, NULLS LAST) are the planner's business.
type OrderItem struct {
	Pos      int
	Expr     Expr // an integer literal here is an ordinal (1-based)
	Desc     bool
	DirPos   int        // position of ASC/DESC, -1 if not written
	Nulls    NullsOrder // NullsDefault if not written
	NullsPos int        // position of NULLS, -1 if not written
}

// NullsOrder is the NULLS FIRST/LAST choice of an ORDER BY term.
type NullsOrder uint8

// NullsOrder values.
const (
	NullsDefault NullsOrder = iota
	NullsFirst
	NullsLast
)

// Limit is LIMIT n, or FETCH {FIRST|NEXT} [n] {ROW|ROWS} ONLY (Pos is
// then the FETCH keyword, and CountPos is FETCH's when n is left out).
type Limit struct {
	Pos      int // the LIMIT or FETCH keyword
	Count    int64
	CountPos int
}

// Offset is OFFSET n [ROW|ROWS]: the first n rows are skipped.
type Offset struct {
	Pos      int // the OFFSET keyword
	Count    int64
	CountPos int
}

// ShowTables is SHOW TABLES [LIKE 'pattern']: the event data stores.
type ShowTables struct {
	Pos  int
	Like *Literal // nil without LIKE
}

// ShowColumns is SHOW COLUMNS FROM t, DESCRIBE t or DESC t: a table's
// columns and their types.
type ShowColumns struct {
	Pos   int
	Table *TableRef
}

// TableExpr is an item of FROM: *TableRef, *DerivedTable or *Join.
type TableExpr interface {
	Node
	tableNode()
}

// TableKind says how a table was named.
type TableKind uint8

// TableKind values.
const (
	TableName TableKind = iota + 1 // a name or "quoted name"
	TableUUID                      // a bare event data store ID
	TableARN                       // a full event data store ARN
)

// TableRef names a stored table (an event data store).
type TableRef struct {
	Pos    int
	Kind   TableKind
	Name   string // as written (quotes removed)
	Quoted bool
	Alias  *Ident
	Sample *TableSample // TABLESAMPLE, nil when not written
}

// DerivedTable is a subquery in FROM; Alias is nil when none was written.
type DerivedTable struct {
	Pos    int // the opening parenthesis
	Query  QueryExpr
	Alias  *Ident
	Sample *TableSample // TABLESAMPLE, nil when not written
}

// Join is "left [kind] JOIN right ON cond | USING (cols)". Kind is
// normalised without INNER and OUTER; a comma between FROM items is a
// CROSS JOIN whose OpPos is the comma.
type Join struct {
	Pos   int
	OpPos int    // the first join keyword
	Kind  string // "JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN", "CROSS JOIN", "NATURAL JOIN", …
	Left  TableExpr
	Right TableExpr
	On    Expr
	Using []Ident
}

func (n *Explain) Position() int      { return n.Pos }
func (n *Query) Position() int        { return n.Pos }
func (n *CTE) Position() int          { return n.Pos }
func (n *Select) Position() int       { return n.Pos }
func (n *SetOp) Position() int        { return n.Pos }
func (n *SelectItem) Position() int   { return n.Pos }
func (n *OrderItem) Position() int    { return n.Pos }
func (n *Limit) Position() int        { return n.Pos }
func (n *Offset) Position() int       { return n.Pos }
func (n *ShowTables) Position() int   { return n.Pos }
func (n *ShowColumns) Position() int  { return n.Pos }
func (n *TableRef) Position() int     { return n.Pos }
func (n *DerivedTable) Position() int { return n.Pos }
func (n *Join) Position() int         { return n.Pos }

func (*Explain) statementNode()     {}
func (*Query) statementNode()       {}
func (*ShowTables) statementNode()  {}
func (*ShowColumns) statementNode() {}
func (*Select) queryNode()          {}
func (*SetOp) queryNode()           {}
func (*TableRef) tableNode()        {}
func (*DerivedTable) tableNode()    {}
func (*Join) tableNode()            {}
