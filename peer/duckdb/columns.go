package duckpeer

import (
	"fmt"
	"strings"
)

// Kind says how a column is read from JSON and stored in the table.
type Kind int

const (
	// Text columns are read as VARCHAR: strings as they are, numbers and
	// booleans as their JSON text (as ctlake stores them).
	Text Kind = iota
	// Object columns keep a JSON object as DuckDB JSON (minified text);
	// any other value is NULL, as ctlake stores NULL for a map or struct
	// column whose value is not an object (Panther has a
	// serviceEventDetails that is a JSON-encoded string).
	Object
	// List columns keep a JSON array as DuckDB JSON; any other value is NULL.
	List
	// Bool columns are read as JSON and stored as BOOLEAN when the value is
	// true/false or the string "true"/"false" in any case (ctlake's rule),
	// NULL otherwise.
	Bool
	// Time columns are read as VARCHAR and stored as TIMESTAMP_NS (UTC)
	// when the text parses as a CloudTrail timestamp, NULL otherwise.
	Time
)

// Column is one top-level event field.
type Column struct {
	Name string
	Kind Kind
}

// Columns is the explicit column list, in the order of ctlake's
// orcstore.EventSchema minus eventJson/eventJsonChecksum (which need the raw
// event text DuckDB does not keep). userIdentity, resources and tlsDetails
// are structs or lists in ctlake but JSON here: DuckDB's STRUCT is
// case-insensitive and cannot hold real events (principalId and principalid
// side by side), and JSON keeps whatever shape each event has.
var Columns = []Column{
	{"eventVersion", Text},
	{"userIdentity", Object},
	{"eventTime", Time},
	{"eventSource", Text},
	{"eventName", Text},
	{"awsRegion", Text},
	{"sourceIPAddress", Text},
	{"userAgent", Text},
	{"errorCode", Text},
	{"errorMessage", Text},
	{"requestParameters", Object},
	{"responseElements", Object},
	{"additionalEventData", Object},
	{"requestID", Text},
	{"eventID", Text},
	{"readOnly", Bool},
	{"resources", List},
	{"eventType", Text},
	{"apiVersion", Text},
	{"managementEvent", Bool},
	{"recipientAccountId", Text},
	{"sharedEventID", Text},
	{"annotation", Text},
	{"vpcEndpointId", Text},
	{"vpcEndpointAccountId", Text},
	{"serviceEventDetails", Object},
	{"addendum", Object},
	{"edgeDeviceDetails", Object},
	{"insightDetails", Object},
	{"eventCategory", Text},
	{"tlsDetails", Object},
	{"sessionCredentialFromConsole", Text},
}

// readType is the DuckDB type a column is read as from JSON. Bool columns
// are read as JSON so that both true and "true" get through.
func (c Column) readType() string {
	switch c.Kind {
	case Object, List, Bool:
		return "JSON"
	}
	return "VARCHAR"
}

// timeRE is the shape ctlake's parser accepts before the fraction and zone:
// DuckDB alone would also take a bare date or a numeric string.
const timeRE = `^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d`

// timeExpr converts a VARCHAR expression holding a CloudTrail timestamp to
// TIMESTAMP_NS. upper() lets 't'/'z' through as ctlake does; the cast to
// TIMESTAMP_NS (unlike TIMESTAMP) honours a +hh:mm offset and keeps nine
// fraction digits.
func timeExpr(x string) string {
	return fmt.Sprintf("CASE WHEN regexp_matches(%[1]s, '%[2]s') THEN TRY_CAST(upper(%[1]s) AS TIMESTAMP_NS) END", x, timeRE)
}

// boolExpr converts a JSON expression to BOOLEAN by ctlake's rule.
func boolExpr(x string) string {
	return fmt.Sprintf("CASE lower(%[1]s->>'$') WHEN 'true' THEN true WHEN 'false' THEN false END", x)
}

// timeField is a fallback time field: a top-level key, or a dotted path
// whose first part is a top-level key read as JSON.
type timeField struct {
	top  string // top-level key
	path string // JSON path inside it ("" when the field is top-level)
}

func parseTimeField(s string) timeField {
	if s == "" {
		return timeField{}
	}
	top, rest, dotted := strings.Cut(s, ".")
	if !dotted {
		return timeField{top: top}
	}
	var b strings.Builder
	b.WriteString("$")
	for _, p := range strings.Split(rest, ".") {
		b.WriteString(`."`)
		b.WriteString(strings.ReplaceAll(p, `"`, `\"`))
		b.WriteString(`"`)
	}
	return timeField{top: top, path: b.String()}
}

// fallbackCol is the name under which the fallback field's top key is read,
// distinct from every event column so that reading it never changes how a
// real column is typed.
const fallbackCol = "__ctlake_time_fallback"

// readColumns is the list read from each event: Columns, plus the top key of
// the fallback time field (as JSON, or VARCHAR when it is the field itself)
// unless that key is one of Columns already.
func readColumns(tf timeField) []readCol {
	out := make([]readCol, 0, len(Columns)+1)
	for _, c := range Columns {
		out = append(out, readCol{key: c.Name, as: c.Name, typ: c.readType()})
	}
	if tf.top != "" && fallbackColumn(tf) == nil {
		typ := "VARCHAR"
		if tf.path != "" {
			typ = "JSON"
		}
		out = append(out, readCol{key: tf.top, as: fallbackCol, typ: typ})
	}
	return out
}

// fallbackColumn is the event column the fallback field lives in, if any.
func fallbackColumn(tf timeField) *Column {
	for i := range Columns {
		if Columns[i].Name == tf.top {
			return &Columns[i]
		}
	}
	return nil
}

// fallbackText is the VARCHAR expression of the fallback time field over the
// raw columns.
func fallbackText(tf timeField) string {
	x, typ := ident(fallbackCol), "VARCHAR"
	if tf.path != "" {
		typ = "JSON"
	}
	if c := fallbackColumn(tf); c != nil {
		x, typ = ident(c.Name), c.readType()
	}
	switch {
	case tf.path != "":
		return fmt.Sprintf("json_extract_string(CAST(%s AS JSON), %s)", x, lit(tf.path))
	case typ == "JSON":
		return x + "->>'$'"
	}
	return x
}

type readCol struct {
	key string // JSON key
	as  string // column name in the raw relation
	typ string // DuckDB type
}

// ident quotes a DuckDB identifier.
func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// lit quotes a DuckDB string literal.
func lit(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// projection turns the raw columns (all VARCHAR or JSON) into the table's
// typed columns. The fallback time field is used only where eventTime does
// not parse, as in ctlake.
func projection(tf timeField) string {
	var b strings.Builder
	for i, c := range Columns {
		if i > 0 {
			b.WriteString(", ")
		}
		q := ident(c.Name)
		switch c.Kind {
		case Time:
			e := timeExpr(q)
			if tf.top != "" {
				e = fmt.Sprintf("coalesce(%s, %s)", e, timeExpr(fallbackText(tf)))
			}
			b.WriteString(e)
		case Bool:
			b.WriteString(boolExpr(q))
		case Object:
			fmt.Fprintf(&b, "CASE WHEN json_type(%[1]s) = 'OBJECT' THEN %[1]s END", q)
		case List:
			fmt.Fprintf(&b, "CASE WHEN json_type(%[1]s) = 'ARRAY' THEN %[1]s END", q)
		default:
			b.WriteString(q)
		}
		b.WriteString(" AS ")
		b.WriteString(q)
	}
	return b.String()
}
