package orcstore

import (
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
)

// DDL dialects for `ctlake store ddl`.
var DDLDialects = []string{"trino", "athena", "spark"}

// DDL returns the statements that make another engine read the store's
// folder as an ORC table partitioned by eventdate, so that a user who
// outgrows one machine keeps the same files. location overrides the
// store's own data folder (e.g. the S3 prefix the folder was copied to).
func (s *Store) DDL(dialect, table, location string) (string, error) {
	if table == "" {
		table = regexp.MustCompile(`[^A-Za-z0-9_]`).ReplaceAllString(s.Info.Name, "_")
	}
	if location == "" {
		abs, err := filepath.Abs(s.DataDir())
		if err != nil {
			return "", err
		}
		location = (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
	}
	if strings.HasPrefix(location, "s3://") || strings.HasPrefix(location, "s3a://") {
		// A folder: Athena requires the trailing slash, and without it
		// Trino would also match prefix-siblings (s3://b/ct vs s3://b/ct2).
		if !strings.HasSuffix(location, "/") {
			location += "/"
		}
		if strings.ContainsAny(location, "'\n") {
			return "", fmt.Errorf("location %q: quotes and newlines are not allowed", location)
		}
	}
	var b strings.Builder
	if strings.HasPrefix(location, "s3://") {
		fmt.Fprintf(&b, "-- Files of %s; %s_ctlake/snapshot.json lists the exact files of the last exported snapshot.\n", location, location)
	}
	switch strings.ToLower(dialect) {
	case "trino":
		fmt.Fprintf(&b, "-- Trino, Hive connector. After creating it: CALL system.sync_partition_metadata('default', '%s', 'ADD');\n", table)
		fmt.Fprintf(&b, "CREATE TABLE %s (\n", table)
		for _, f := range EventSchema.Fields() {
			fmt.Fprintf(&b, "  %s %s,\n", quoteTrino(f.Name), trinoType(f.Type))
		}
		b.WriteString("  eventdate varchar\n)\nWITH (\n  format = 'ORC',\n  partitioned_by = ARRAY['eventdate'],\n")
		fmt.Fprintf(&b, "  external_location = '%s'\n);\n", location)
	case "athena":
		fmt.Fprintf(&b, "-- Athena (Hive DDL). After creating it: MSCK REPAIR TABLE %s;\n", table)
		fmt.Fprintf(&b, "CREATE EXTERNAL TABLE %s (\n", table)
		writeHiveColumns(&b)
		b.WriteString("\n)\nPARTITIONED BY (eventdate string)\nSTORED AS ORC\n")
		fmt.Fprintf(&b, "LOCATION '%s';\n", location)
	case "spark":
		fmt.Fprintf(&b, "-- Spark SQL. After creating it: MSCK REPAIR TABLE %s;\n", table)
		fmt.Fprintf(&b, "CREATE TABLE %s (\n", table)
		writeHiveColumns(&b)
		b.WriteString(",\n  eventdate STRING\n)\nUSING ORC\nPARTITIONED BY (eventdate)\n")
		fmt.Fprintf(&b, "LOCATION '%s';\n", location)
	default:
		return "", fmt.Errorf("unknown DDL dialect %q (want %s)", dialect, strings.Join(DDLDialects, ", "))
	}
	return b.String(), nil
}

// writeHiveColumns writes the column list, one per line, without a
// trailing separator.
func writeHiveColumns(b *strings.Builder) {
	for i, f := range EventSchema.Fields() {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(b, "  `%s` %s", f.Name, hiveType(f.Type))
	}
}

func quoteTrino(name string) string { return `"` + name + `"` }

// hiveType spells an Arrow type the way Hive DDL (Athena, Spark) does.
func hiveType(dt arrow.DataType) string {
	switch t := dt.(type) {
	case *arrow.StringType:
		return "string"
	case *arrow.BooleanType:
		return "boolean"
	case *arrow.Int64Type:
		return "bigint"
	case *arrow.Float64Type:
		return "double"
	case *arrow.TimestampType:
		return "timestamp"
	case *arrow.StructType:
		parts := make([]string, len(t.Fields()))
		for i, f := range t.Fields() {
			parts[i] = "`" + f.Name + "`:" + hiveType(f.Type)
		}
		return "struct<" + strings.Join(parts, ",") + ">"
	case *arrow.ListType:
		return "array<" + hiveType(t.Elem()) + ">"
	case *arrow.MapType:
		return "map<" + hiveType(t.KeyType()) + "," + hiveType(t.ItemType()) + ">"
	default:
		return dt.String()
	}
}

// trinoType spells an Arrow type the way Trino does.
func trinoType(dt arrow.DataType) string {
	switch t := dt.(type) {
	case *arrow.StringType:
		return "varchar"
	case *arrow.BooleanType:
		return "boolean"
	case *arrow.Int64Type:
		return "bigint"
	case *arrow.Float64Type:
		return "double"
	case *arrow.TimestampType:
		return "timestamp(3)"
	case *arrow.StructType:
		parts := make([]string, len(t.Fields()))
		for i, f := range t.Fields() {
			parts[i] = quoteTrino(f.Name) + " " + trinoType(f.Type)
		}
		return "row(" + strings.Join(parts, ", ") + ")"
	case *arrow.ListType:
		return "array(" + trinoType(t.Elem()) + ")"
	case *arrow.MapType:
		return "map(" + trinoType(t.KeyType()) + ", " + trinoType(t.ItemType()) + ")"
	default:
		return dt.String()
	}
}
