package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/ctlake/ctlake/lakeapi"
	"github.com/ctlake/ctlake/orcstore"
)

func init() {
	register(command{name: "store", summary: "create, list, describe, update, delete, compact and export event data stores; print DDL", run: runStore, data: true})
}

const storeUsage = `Usage: ctlake store <subcommand> [flags]

Subcommands:
  create NAME [--selectors FILE] [--retention-days N] [--no-termination-protection]
  list [--format text|json]      every store; damaged ones with what is wrong
  describe NAME|ID [--format text|json]
  update NAME|ID [--retention-days N] [--selectors FILE] [--termination-protection|--no-termination-protection]
  delete NAME|ID [--force]       refused while termination protection is on;
                                 --force deletes a damaged store (by ID)
  compact NAME|ID [--memory-limit SIZE] [--max-file-rows N] [--no-retention]
                                 merge small files and apply retention
  verify NAME|ID [--deep]        check every file against the manifest's
                                 checksums and the files' own footers
  ddl NAME|ID --dialect trino|athena|spark [--table T] [--location URI|s3://BUCKET/PREFIX/]
  export NAME|ID s3://BUCKET/PREFIX/ [--since D] [--until D] [--dialect athena|trino|spark]
                                 upload the committed ORC files (Hive layout) for Athena/Trino/Spark

Every subcommand takes --data DIR (default $CTLAKE_DATA, else the user's data directory).`

func runStore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(stderr, storeUsage)
		if len(args) == 0 {
			return fmt.Errorf("%w: missing subcommand", errUsage)
		}
		return flag.ErrHelp
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "create":
		return storeCreate(rest, stdout, stderr)
	case "list", "ls":
		return storeList(rest, stdout, stderr)
	case "describe", "show":
		return storeDescribe(rest, stdout, stderr)
	case "update":
		return storeUpdate(rest, stdout, stderr)
	case "delete", "rm":
		return storeDelete(rest, stdout, stderr)
	case "compact":
		return storeCompact(ctx, rest, stdout, stderr)
	case "verify":
		return storeVerify(ctx, rest, stdout, stderr)
	case "ddl":
		return storeDDL(rest, stdout, stderr)
	case "export":
		return storeExport(ctx, rest, stdout, stderr)
	default:
		fmt.Fprintln(stderr, storeUsage)
		return fmt.Errorf("%w: unknown subcommand %q", errUsage, sub)
	}
}

// dataFlag adds --data to a flag set and returns a function opening the
// catalog it names.
func dataFlag(fs *flag.FlagSet) func() (*orcstore.Catalog, error) {
	dir := fs.String("data", "", "data directory (default $CTLAKE_DATA, else the user's data directory)")
	return func() (*orcstore.Catalog, error) {
		d, err := orcstore.ResolveDataDir(*dir)
		if err != nil {
			return nil, err
		}
		return orcstore.OpenCatalog(d)
	}
}

// storeCommand is the set-up every "store VERB NAME|ID" command shares:
// its flag set with --data, then the one store the arguments name.
type storeCommand struct {
	fs   *flag.FlagSet
	open func() (*orcstore.Catalog, error)
}

func newStoreCommand(verb string, stderr io.Writer) *storeCommand {
	fs := newFlagSet("store "+verb, "NAME|ID", stderr)
	return &storeCommand{fs: fs, open: dataFlag(fs)}
}

// ref parses args (flags anywhere, exactly one store name or ID), runs
// the checks of the flags' values, and only then opens the catalog (which
// creates the data directory): a usage error touches nothing.
func (sc *storeCommand) ref(args []string, checks ...func() error) (*orcstore.Catalog, string, error) {
	ref, err := oneArg(sc.fs, args, "store name or ID")
	if err != nil {
		return nil, "", err
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return nil, "", err
		}
	}
	c, err := sc.open()
	return c, ref, err
}

// store is ref, then the store it names.
func (sc *storeCommand) store(args []string, checks ...func() error) (*orcstore.Store, error) {
	c, ref, err := sc.ref(args, checks...)
	if err != nil {
		return nil, err
	}
	return c.Open(ref)
}

// parseInterspersed parses flags that may come before or after positional
// arguments (`store describe NAME --format json`), which the flag package
// alone does not allow.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func oneArg(fs *flag.FlagSet, args []string, what string) (string, error) {
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return "", err
	}
	if len(pos) != 1 {
		fs.Usage()
		return "", fmt.Errorf("%w: want exactly one %s, got %d arguments", errUsage, what, len(pos))
	}
	return pos[0], nil
}

func storeCreate(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("store create", "NAME", stderr)
	open := dataFlag(fs)
	selectors := fs.String("selectors", "", "JSON file of advanced event selectors (a list, or {\"AdvancedEventSelectors\": [...]})")
	retention := fs.Int("retention-days", orcstore.DefaultRetentionDays, "retention period in days, judged by eventTime (7..3653)")
	noProtect := fs.Bool("no-termination-protection", false, "allow 'store delete' without turning protection off first")
	name, err := oneArg(fs, args, "store name")
	if err != nil {
		return err
	}
	opts := orcstore.CreateOptions{RetentionDays: *retention, NoTerminationProtection: *noProtect}
	if *selectors != "" {
		if opts.Selectors, err = orcstore.LoadSelectors(*selectors); err != nil {
			return err
		}
	}
	c, err := open()
	if err != nil {
		return err
	}
	s, err := c.Create(name, opts)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, s.Info.ID)
	fmt.Fprintf(stderr, "created event data store %q (%s) in %s\n", s.Info.Name, s.Info.ARN, c.Dir)
	return nil
}

// listedStore is a row of `store list --format json`: the store's settings,
// or for a damaged one what could be read and the damage.
type listedStore struct {
	orcstore.Info
	Status string `json:"status"` // Lake's status, or DAMAGED
	Damage string `json:"damage,omitempty"`
}

func storeList(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("store list", "", stderr)
	open := dataFlag(fs)
	format := fs.String("format", "text", "text or json")
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	c, err := open()
	if err != nil {
		return err
	}
	entries, err := c.Survey()
	if err != nil {
		return err
	}
	type row struct {
		e      orcstore.StoreEntry
		m      *orcstore.Manifest
		status string
	}
	var rows []row
	var listed []listedStore
	for _, e := range entries {
		r := row{e: e, status: "DAMAGED"}
		if e.Damage == nil {
			s := &orcstore.Store{Dir: e.Dir, Info: e.Info}
			r.m, r.e.Damage = s.ReadManifest()
			if r.e.Damage == nil {
				// The Lake status the API set (STOPPED_INGESTION, PENDING_DELETION).
				if r.status, err = lakeapi.StoreStatus(s); err != nil {
					return err
				}
			}
		}
		rows = append(rows, r)
		l := listedStore{Info: e.Info, Status: r.status}
		if l.ID == "" {
			l.ID = e.ID
		}
		if r.e.Damage != nil {
			l.Status, l.Damage = "DAMAGED", r.e.Damage.Error()
		}
		listed = append(listed, l)
	}
	if *format == "json" {
		return writeJSON(stdout, listed)
	}
	if len(rows) == 0 {
		fmt.Fprintf(stdout, "no event data stores in %s; create one with 'ctlake store create NAME'\n", c.Dir)
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tID\tSTATUS\tEVENTS\tSIZE\tEVENT TIME RANGE")
	var damaged []string
	for _, r := range rows {
		if r.e.Damage != nil {
			name := r.e.Info.Name
			if name == "" {
				name = "?"
			}
			fmt.Fprintf(tw, "%s\t%s\tDAMAGED\t-\t-\t-\n", name, r.e.ID)
			damaged = append(damaged, r.e.Damage.Error())
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", r.e.Info.Name, r.e.ID, r.status, r.m.Rows(), humanBytes(r.m.Bytes()), timeRange(r.m))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, d := range damaged {
		fmt.Fprintf(stdout, "damaged: %s\n", d)
	}
	if len(damaged) > 0 {
		fmt.Fprintln(stdout, "(remove a damaged store with 'ctlake store delete --force ID')")
	}
	return nil
}

// storeDescription is what `store describe --format json` prints: Lake's
// GetEventDataStore fields plus the local snapshot's figures.
type storeDescription struct {
	orcstore.Info
	Status       string          `json:"status"`
	Events       int64           `json:"events"`
	Bytes        int64           `json:"sizeBytes"`
	Files        int             `json:"files"`
	Partitions   int             `json:"partitions"`
	MinEventTime *time.Time      `json:"minEventTime,omitempty"`
	MaxEventTime *time.Time      `json:"maxEventTime,omitempty"`
	Totals       orcstore.Totals `json:"ingestTotals"`
	Rejects      int64           `json:"rejectedEventsKept"`
	Location     string          `json:"location"`
	ingestFacts
}

func describe(s *orcstore.Store) (storeDescription, error) {
	m, err := s.ReadManifest()
	if err != nil {
		return storeDescription{}, err
	}
	status, err := lakeapi.StoreStatus(s)
	if err != nil {
		return storeDescription{}, err
	}
	d := storeDescription{Info: s.Info, Status: status, Events: m.Rows(), Bytes: m.Bytes(), Files: len(m.Files), Totals: m.Totals, Location: s.Dir,
		ingestFacts: newIngestFacts(m)}
	parts := map[string]bool{}
	for _, f := range m.Files {
		parts[f.Date] = true
	}
	d.Partitions = len(parts)
	for _, r := range m.Rejects {
		d.Rejects += r.Count
	}
	if len(m.Files) > 0 {
		lo, hi := m.TimeRange()
		d.MinEventTime, d.MaxEventTime = &lo, &hi
	}
	return d, nil
}

func storeDescribe(args []string, stdout, stderr io.Writer) error {
	sc := newStoreCommand("describe", stderr)
	format := sc.fs.String("format", "text", "text or json")
	s, err := sc.store(args)
	if err != nil {
		return err
	}
	d, err := describe(s)
	if err != nil {
		return err
	}
	if *format == "json" {
		return writeJSON(stdout, d)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	row := func(k string, v any) { fmt.Fprintf(tw, "%s\t%v\n", k, v) }
	row("Name", d.Name)
	row("ID", d.ID)
	row("ARN", d.ARN)
	row("Status", d.Status)
	row("Created", d.CreatedAt.Format(time.RFC3339))
	row("Retention", fmt.Sprintf("%d days (by eventTime)", d.RetentionDays))
	row("Termination protection", onOff(d.TerminationProtection))
	row("Events", d.Events)
	row("Size", fmt.Sprintf("%s in %d ORC files, %d eventdate partitions", humanBytes(d.Bytes), d.Files, d.Partitions))
	if d.MinEventTime != nil {
		row("Event time range", d.MinEventTime.Format(time.RFC3339)+" .. "+d.MaxEventTime.Format(time.RFC3339))
	}
	describeIngestRows(row, d)
	row("Location", d.Location)
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(d.Selectors) == 0 {
		fmt.Fprintln(stdout, "Selectors: none (every event is kept)")
		return nil
	}
	fmt.Fprintln(stdout, "Advanced event selectors:")
	b, _ := json.MarshalIndent(d.Selectors, "  ", "  ")
	fmt.Fprintf(stdout, "  %s\n", b)
	return nil
}

func storeUpdate(args []string, stdout, stderr io.Writer) error {
	sc := newStoreCommand("update", stderr)
	retention := sc.fs.Int("retention-days", 0, "new retention period in days (7..3653)")
	selectors := sc.fs.String("selectors", "", "JSON file of advanced event selectors (applies to later ingests)")
	protect := sc.fs.Bool("termination-protection", false, "turn termination protection on")
	noProtect := sc.fs.Bool("no-termination-protection", false, "turn termination protection off")
	var sels []orcstore.Selector
	c, ref, err := sc.ref(args, func() error {
		if *protect && *noProtect {
			return fmt.Errorf("%w: --termination-protection and --no-termination-protection contradict each other", errUsage)
		}
		var err error
		if *selectors != "" {
			sels, err = orcstore.LoadSelectors(*selectors)
		}
		return err
	})
	if err != nil {
		return err
	}
	s, err := c.Update(ref, func(in *orcstore.Info) error {
		if *retention != 0 {
			in.RetentionDays = *retention
		}
		if *selectors != "" {
			in.Selectors = sels
		}
		if *protect {
			in.TerminationProtection = true
		}
		if *noProtect {
			in.TerminationProtection = false
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "updated %q: retention %d days, termination protection %s, %d selectors\n", s.Info.Name, s.Info.RetentionDays, onOff(s.Info.TerminationProtection), len(s.Info.Selectors))
	return nil
}

func storeDelete(args []string, stdout, stderr io.Writer) error {
	sc := newStoreCommand("delete", stderr)
	force := sc.fs.Bool("force", false, "delete a damaged store (one 'store list' shows as DAMAGED), by its ID")
	c, ref, err := sc.ref(args)
	if err != nil {
		return err
	}
	del := c.Delete
	if *force {
		del = c.ForceDelete
	}
	if err := del(ref); err != nil {
		if !*force && errors.Is(err, orcstore.ErrDamaged) {
			return fmt.Errorf("%w (delete it anyway with 'ctlake store delete --force ID')", err)
		}
		return err
	}
	fmt.Fprintf(stdout, "deleted %s\n", ref)
	return nil
}

func storeDDL(args []string, stdout, stderr io.Writer) error {
	sc := newStoreCommand("ddl", stderr)
	dialect := sc.fs.String("dialect", "trino", "trino, athena or spark")
	table := sc.fs.String("table", "", "table name (default: the store name)")
	location := sc.fs.String("location", "", "table location (default: the store's data folder as a file:// URI; s3://BUCKET/PREFIX/ where 'store export' put it)")
	s, err := sc.store(args)
	if err != nil {
		return err
	}
	ddl, err := s.DDL(*dialect, *table, *location)
	if err != nil {
		return err
	}
	_, err = io.WriteString(stdout, ddl)
	return err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func timeRange(m *orcstore.Manifest) string {
	if len(m.Files) == 0 {
		return "-"
	}
	lo, hi := m.TimeRange()
	return lo.UTC().Format("2006-01-02 15:04") + " .. " + hi.UTC().Format("2006-01-02 15:04")
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
