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

// SymlinkDDL returns the Hive DDL of a table that reads the files named in
// the symlink manifests under manifests (s3://…/_symlink_format_manifest/,
// one folder per eventdate, written by `ctlake store export` after the
// files they name are uploaded), so that a query sees each day of one
// exported snapshot, never a half-uploaded one. Athena runs it as it is;
// Trino's Hive connector reads such tables but cannot create them, so for
// dialect "trino" the same statement is meant for the metastore (Hive,
// Spark SQL, or Athena for Glue), with the Trino call that follows. Spark
// cannot read ORC through symlink manifests: ask DDL for it instead.
func (s *Store) SymlinkDDL(dialect, table, manifests string) (string, error) {
	if table == "" {
		table = regexp.MustCompile(`[^A-Za-z0-9_]`).ReplaceAllString(s.Info.Name, "_")
	}
	if !strings.HasSuffix(manifests, "/") {
		manifests += "/"
	}
	if strings.ContainsAny(manifests, "'\n") {
		return "", fmt.Errorf("location %q: quotes and newlines are not allowed", manifests)
	}
	var b strings.Builder
	switch strings.ToLower(dialect) {
	case "athena":
		fmt.Fprintf(&b, "-- Athena: reads the files the export's manifests name (one exported snapshot per day). After creating it, and after each export that adds dates: MSCK REPAIR TABLE %s;\n", table)
	case "trino":
		b.WriteString("-- Trino's Hive connector reads this symlink table but cannot create it: run this in the catalog's metastore\n")
		b.WriteString("-- (Hive, Spark SQL, or Athena for AWS Glue), then in Trino, after each export that adds dates:\n")
		fmt.Fprintf(&b, "--   CALL system.sync_partition_metadata('default', '%s', 'ADD');\n", table)
	default:
		return "", fmt.Errorf("dialect %q cannot read symlink manifests (want athena or trino)", dialect)
	}
	fmt.Fprintf(&b, "CREATE EXTERNAL TABLE %s (\n", table)
	writeHiveColumns(&b)
	b.WriteString("\n)\nPARTITIONED BY (eventdate string)\n")
	b.WriteString("ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.orc.OrcSerde'\n")
	b.WriteString("STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat'\n")
	b.WriteString("OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'\n")
	fmt.Fprintf(&b, "LOCATION '%s';\n", manifests)
	return b.String(), nil
}
