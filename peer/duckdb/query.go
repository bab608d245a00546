package duckpeer

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// Query runs one SELECT and returns its column names and rows as plain Go
// values, so that callers can compare them with ctlake's without knowing
// DuckDB's types:
//
//	integers          int64 (a HUGEINT that does not fit: its decimal string)
//	FLOAT, DOUBLE     float64 (DECIMAL too)
//	VARCHAR, BLOB     string
//	BOOLEAN           bool
//	TIMESTAMP*, DATE  time.Time in UTC
//	JSON              its text, as DuckDB stores it (minified)
//	STRUCT, LIST, MAP its to_json text (keys in the type's order)
//	anything else     its VARCHAR cast (INTERVAL, TIME, UUID, ...)
//	NULL              nil
//
// To get JSON and nested values as text rather than as the driver's decoded
// Go maps (which lose key order and number spelling), the statement is
// described first and then run wrapped in a projection that casts those
// columns; DuckDB keeps an ORDER BY of the wrapped query. Statements that
// cannot be described (not a SELECT) run as they are.
func (p *Peer) Query(ctx context.Context, query string) (cols []string, rows [][]any, err error) {
	query = strings.TrimRight(strings.TrimSpace(query), ";")
	names, types, derr := p.describe(ctx, query)
	run := query
	if derr == nil {
		exprs := make([]string, len(names))
		for i, t := range types {
			exprs[i] = castFor(fmt.Sprintf("#%d", i+1), t)
		}
		run = "SELECT " + strings.Join(exprs, ", ") + " FROM (" + query + "\n)"
	}
	r, err := p.db.QueryContext(ctx, run)
	if err != nil {
		return nil, nil, fmt.Errorf("duckdb: %w", err)
	}
	defer r.Close()
	if derr != nil {
		if names, err = r.Columns(); err != nil {
			return nil, nil, fmt.Errorf("duckdb: %w", err)
		}
	}
	vals := make([]any, len(names))
	ptrs := make([]any, len(names))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for r.Next() {
		if err := r.Scan(ptrs...); err != nil {
			return nil, nil, fmt.Errorf("duckdb: %w", err)
		}
		row := make([]any, len(vals))
		for i, v := range vals {
			row[i] = Normalize(v)
		}
		rows = append(rows, row)
	}
	if err := r.Err(); err != nil {
		return nil, nil, fmt.Errorf("duckdb: %w", err)
	}
	return names, rows, nil
}

// describe returns the result columns of query without running it.
func (p *Peer) describe(ctx context.Context, query string) (names, types []string, err error) {
	r, err := p.db.QueryContext(ctx, "DESCRIBE "+query)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	for r.Next() {
		var name, typ string
		var null, key, def, extra sql.NullString
		if err := r.Scan(&name, &typ, &null, &key, &def, &extra); err != nil {
			return nil, nil, err
		}
		names = append(names, name)
		types = append(types, typ)
	}
	return names, types, r.Err()
}

// castFor wraps column expression x of DuckDB type typ so that the driver
// returns a value Normalize can map without loss.
func castFor(x, typ string) string {
	switch {
	case typ == "JSON":
		return "CAST(" + x + " AS VARCHAR)"
	case strings.HasPrefix(typ, "STRUCT(") || strings.HasPrefix(typ, "MAP(") || strings.HasPrefix(typ, "UNION(") ||
		strings.HasSuffix(typ, "]"):
		return "CAST(to_json(" + x + ") AS VARCHAR)"
	case strings.HasPrefix(typ, "DECIMAL"):
		return "CAST(" + x + " AS DOUBLE)"
	case strings.HasPrefix(typ, "TIMESTAMP"), typ == "DATE", typ == "BOOLEAN", typ == "VARCHAR", typ == "BLOB",
		typ == "FLOAT", typ == "DOUBLE", isInteger(typ):
		return x
	}
	return "CAST(" + x + " AS VARCHAR)"
}

func isInteger(typ string) bool {
	switch typ {
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
		"UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT":
		return true
	}
	return false
}

// Normalize maps a value scanned from the duckdb driver to the plain types
// Query documents. Values the projection in Query did not turn into text
// (statements that could not be described) are encoded with encoding/json.
func Normalize(v any) any {
	switch x := v.(type) {
	case nil, int64, float64, string, bool:
		return x
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		if x > 1<<63-1 {
			return fmt.Sprint(x)
		}
		return int64(x)
	case float32:
		return float64(x)
	case *big.Int:
		if x.IsInt64() {
			return x.Int64()
		}
		return x.String()
	case duckdb.Decimal:
		return x.Float64()
	case []byte:
		return string(x)
	case time.Time:
		return x.UTC()
	case map[string]any, []any, duckdb.Map:
		b, err := json.Marshal(x)
		if err != nil {
			return fmt.Sprint(x)
		}
		return string(b)
	}
	return fmt.Sprint(v)
}
