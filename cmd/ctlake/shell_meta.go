package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/orcstore"
)

// metaCommands are the shell's dot-commands, in .help order; the completer
// offers the same names.
var metaCommands = []struct{ name, args, help string }{
	{".help", "", "this list"},
	{".stores", "", "the event data stores: name, ID, retention, created"},
	{".schema", "[STORE]", "the columns and their types (nested fields indented)"},
	{".format", "table|line|csv|tsv|json|ndjson", "how results print (line: one column per line, for wide rows)"},
	{".timer", "on|off", "query time in the footer"},
	{".stats", "on|off", "events scanned and matched, bytes, files/stripes/row groups skipped after each query"},
	{".output", "FILE|stdout", "write results to FILE (created anew) or back to the terminal"},
	{".read", "FILE.sql", "run the statements and commands in FILE (the .format, .timer, .stats and .output it sets last until its end)"},
	{".limits", "[bytes SIZE | events N | off]", "refuse queries whose estimated scan is larger (EXPLAIN shows estimates); alone, show the limits"},
	{".param", "[KEY [VALUE]]", "set ${KEY} (and $EDS_ID) for later statements; without VALUE unset; alone, list"},
	{".saved", "[NAME]", "the queries saved in the console; with NAME (or ID), run that one"},
	{".quit", "", "leave (also .exit, Ctrl-D)"},
}

// meta runs one dot-command; it returns true when the shell should end.
func (sh *shell) meta(ctx context.Context, line string) (quit bool) {
	fields := strings.Fields(strings.TrimSpace(line))
	cmd, args := strings.ToLower(fields[0]), fields[1:]
	onOff := func(set *bool) {
		switch {
		case len(args) == 1 && strings.EqualFold(args[0], "on"):
			*set = true
		case len(args) == 1 && strings.EqualFold(args[0], "off"):
			*set = false
		default:
			sh.fail(fmt.Errorf("usage: %s on|off", cmd))
		}
	}
	switch cmd {
	case ".help":
		tw := tabwriter.NewWriter(sh.msg, 0, 0, 2, ' ', 0)
		for _, m := range metaCommands {
			fmt.Fprintf(tw, "%s %s\t%s\n", m.name, m.args, m.help)
		}
		tw.Flush()
		fmt.Fprintln(sh.msg, "Statements end with ';' and may span lines. Tab completes keywords, functions, stores and column paths. Ctrl-C cancels a running query.")
	case ".quit", ".exit", ".q":
		return true
	case ".stores":
		sh.listStores()
	case ".schema":
		sh.schema(args)
	case ".format", ".mode":
		if len(args) != 1 || !isTextFormat(strings.ToLower(args[0])) {
			sh.fail(fmt.Errorf("usage: .format %s (now %s)", strings.Join(textFormats, "|"), sh.format))
			return false
		}
		sh.format = strings.ToLower(args[0])
	case ".timer":
		onOff(&sh.timer)
	case ".stats":
		onOff(&sh.stats)
	case ".output", ".out":
		sh.setOutput(args)
	case ".read":
		if len(args) != 1 {
			sh.fail(fmt.Errorf("usage: .read FILE.sql"))
			return false
		}
		return sh.readFile(ctx, args[0])
	case ".param", ".params":
		sh.param(line, args)
	case ".limits", ".limit":
		sh.limits(args)
	case ".saved":
		if len(args) == 0 {
			if err := listSaved(sh.out, sh.catalog.Dir); err != nil {
				sh.fail(err)
			}
			return false
		}
		// The name is the rest of the line, spaces and all.
		name := strings.TrimSpace(strings.TrimSpace(line)[len(fields[0]):])
		stmt, err := savedStatement(sh.catalog.Dir, name)
		if err != nil {
			sh.fail(err)
			return false
		}
		fmt.Fprintf(sh.msg, "-- %s\n", name)
		sh.execSQL(ctx, stmt)
	default:
		sh.fail(fmt.Errorf("unknown command %s (.help lists them)", fields[0]))
	}
	return false
}

func (sh *shell) listStores() {
	infos, err := sh.catalog.List()
	if err != nil {
		sh.fail(err)
		return
	}
	if len(infos) == 0 {
		fmt.Fprintf(sh.out, "no event data stores in %s (create one with 'ctlake store create NAME' or 'ctlake ingest --create')\n", sh.catalog.Dir)
		return
	}
	tw := tabwriter.NewWriter(sh.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "name\tid\tretention\tcreated")
	for _, in := range infos {
		fmt.Fprintf(tw, "%s\t%s\t%d days\t%s\n", in.Name, in.ID, in.RetentionDays, in.CreatedAt.UTC().Format("2006-01-02 15:04"))
	}
	tw.Flush()
}

// schema prints the event schema as an indented tree. Every store has the
// same schema; naming one checks that it exists and prints its identity.
func (sh *shell) schema(args []string) {
	if len(args) > 1 {
		sh.fail(fmt.Errorf("usage: .schema [STORE]"))
		return
	}
	if len(args) == 1 {
		s, err := sh.catalog.Open(args[0])
		if err != nil {
			sh.fail(err)
			return
		}
		fmt.Fprintf(sh.out, "-- %s (%s)\n", s.Info.Name, s.Info.ID)
	}
	var walk func(fields []arrow.Field, indent string)
	walk = func(fields []arrow.Field, indent string) {
		for _, f := range fields {
			fmt.Fprintf(sh.out, "%s%s %s\n", indent, f.Name, lakeTypeName(f.Type))
			switch t := f.Type.(type) {
			case *arrow.StructType:
				walk(t.Fields(), indent+"  ")
			case *arrow.ListType:
				if st, ok := t.Elem().(*arrow.StructType); ok {
					walk(st.Fields(), indent+"  ")
				}
			}
		}
	}
	walk(orcstore.EventSchema.Fields(), "")
}

// lakeTypeName spells an Arrow type as CloudTrail Lake's schema does.
func lakeTypeName(t arrow.DataType) string {
	switch t := t.(type) {
	case *arrow.StringType:
		return "varchar"
	case *arrow.BooleanType:
		return "boolean"
	case *arrow.Int64Type:
		return "bigint"
	case *arrow.Int32Type:
		return "integer"
	case *arrow.Float64Type:
		return "double"
	case *arrow.TimestampType:
		return "timestamp"
	case *arrow.MapType:
		return "map(" + lakeTypeName(t.KeyType()) + ", " + lakeTypeName(t.ItemType()) + ")"
	case *arrow.ListType:
		if _, ok := t.Elem().(*arrow.StructType); ok {
			return "array(row)"
		}
		return "array(" + lakeTypeName(t.Elem()) + ")"
	case *arrow.StructType:
		return "row"
	}
	return t.String()
}

func (sh *shell) setOutput(args []string) {
	if len(args) != 1 {
		sh.fail(fmt.Errorf("usage: .output FILE|stdout"))
		return
	}
	if args[0] == "stdout" || args[0] == "-" {
		sh.closeOutput()
		return
	}
	f, err := os.Create(args[0])
	if err != nil {
		sh.fail(err)
		return
	}
	sh.closeOutput()
	sh.outFile, sh.out = f, f
}

func (sh *shell) closeOutput() {
	if sh.outFile != nil {
		if err := sh.outFile.Close(); err != nil {
			fmt.Fprintf(sh.msg, "Error: %v\n", err)
		}
		sh.outFile, sh.out = nil, sh.stdout
	}
}

// param handles .param: the value is the rest of the line after the key,
// so it may hold spaces.
func (sh *shell) param(line string, args []string) {
	switch len(args) {
	case 0:
		keys := make([]string, 0, len(sh.params))
		for k := range sh.params {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(sh.out, "%s = %s\n", k, sh.params[k])
		}
		return
	case 1:
		delete(sh.params, args[0])
		return
	}
	if !validParamName(args[0]) {
		sh.fail(fmt.Errorf(".param: %q is not a name (letters, digits, _)", args[0]))
		return
	}
	rest := strings.TrimSpace(line)
	rest = strings.TrimSpace(rest[len(strings.Fields(rest)[0]):])
	sh.params[args[0]] = strings.TrimSpace(rest[len(args[0]):])
}
