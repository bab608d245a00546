package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ctlake/ctlake/gen"
	"github.com/ctlake/ctlake/ingest"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/resultfmt"
)

func init() {
	register(command{name: "demo", summary: "generate CloudTrail events, ingest them into a demo store and run showcase Lake queries", run: runDemo, data: true})
}

// demoQuery is one showcase query. {id} stands for the store ID, {day} for
// the last generated day, {eventID} for an eventID taken from the store.
type demoQuery struct {
	title string
	sql   string
}

var demoQueries = []demoQuery{
	{"Busiest APIs (the classic first Lake query)",
		"SELECT eventSource, eventName, count(*) AS events FROM {id} GROUP BY eventSource, eventName ORDER BY events DESC LIMIT 5"},
	{"Who is being denied? Errors by principal on the last day (the time range prunes files)",
		"SELECT userIdentity.arn AS principal, errorCode, count(*) AS n FROM {id} WHERE eventTime >= '{day}' AND errorCode IS NOT NULL GROUP BY 1, 2 ORDER BY n DESC LIMIT 5"},
	{"Hourly activity on the last day",
		"SELECT date_trunc('hour', eventTime) AS hour, count(*) AS events FROM {id} WHERE eventTime >= '{day}' GROUP BY 1 ORDER BY 1 LIMIT 6"},
	{"One event by eventID (bloom filters skip almost every row group)",
		"SELECT eventTime, eventSource, eventName, userIdentity.arn, sourceIPAddress FROM {id} WHERE eventID = '{eventID}'"},
	{"Top S3 buckets, from the requestParameters map",
		"SELECT element_at(requestParameters, 'bucketName') AS bucket, count(*) AS requests FROM {id} WHERE eventSource = 's3.amazonaws.com' GROUP BY 1 ORDER BY requests DESC LIMIT 5"},
	{"Which Bedrock models are invoked, by whom",
		"SELECT element_at(requestParameters, 'modelId') AS model, count(DISTINCT userIdentity.arn) AS principals, count(*) AS calls FROM {id} WHERE eventSource = 'bedrock.amazonaws.com' GROUP BY 1 ORDER BY calls DESC LIMIT 5"},
	{"The latest events, newest first",
		"SELECT eventTime, eventName, awsRegion, sourceIPAddress FROM {id} ORDER BY eventTime DESC LIMIT 5"},
}

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", "", stderr)
	events := fs.Int64("events", 200_000, "events to generate")
	seed := fs.Int64("seed", 1, "generator seed")
	dataDir := fs.String("data", "", "data directory to keep the demo store in (default: a temporary one, removed afterwards)")
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	keep := *dataDir != ""
	base, err := os.MkdirTemp("", "ctlake-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(base)
	if !keep {
		*dataDir = filepath.Join(base, "data")
	}

	fmt.Fprintf(stdout, "ctlake demo: a local CloudTrail Lake on %d generated events\n\n", *events)
	start := time.Now()
	cfg := gen.Config{Events: *events, Seed: *seed}
	inDir := filepath.Join(base, "logs")
	sum, err := gen.Write(ctx, cfg, gen.LayoutS3, inDir)
	if err != nil {
		return fmt.Errorf("generating events: %w", err)
	}
	fmt.Fprintf(stdout, "1. Generated %d CloudTrail events as %d gzipped S3-layout log files (%s) in %.1fs\n",
		sum.Events, sum.Files, humanBytes(dirSize(inDir)), time.Since(start).Seconds())

	c, err := orcstore.OpenCatalog(*dataDir)
	if err != nil {
		return err
	}
	store, err := c.Open("demo-trail")
	if err != nil {
		if store, err = c.Create("demo-trail", orcstore.CreateOptions{}); err != nil {
			return err
		}
	}
	inputs, problems := ingest.Discover([]string{inDir}, ingest.DiscoverOptions{})
	if len(problems) > 0 {
		return problems[0]
	}
	isum, err := ingest.Ingest(ctx, ingest.Config{Store: store}, inputs)
	if err != nil {
		return err
	}
	snap, err := store.ReadManifest()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "2. Ingested them into event data store %q (ID %s): %d events in %d ORC files (%s) in %.1fs, %.0f events/s\n",
		store.Info.Name, store.Info.ID, snap.Rows(), len(snap.Files), humanBytes(snap.Bytes()), isum.Elapsed.Seconds(), float64(isum.Events)/isum.Elapsed.Seconds())
	fmt.Fprintf(stdout, "   (%d duplicates dropped, %d rejected)\n\n", isum.Duplicates, isum.Rejected)

	eng := newQuerier(c)
	_, hi := snap.TimeRange()
	day := hi.UTC().Truncate(24 * time.Hour).Format("2006-01-02 15:04:05")
	eventID, err := sampleEventID(ctx, eng, store.Info.ID)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "3. CloudTrail Lake queries, unchanged (FROM takes the store ID, as in Lake):")
	for i, q := range demoQueries {
		text := strings.NewReplacer("{id}", store.Info.ID, "{day}", day, "{eventID}", eventID).Replace(q.sql)
		fmt.Fprintf(stdout, "\n-- %c) %s\n%s;\n\n", 'a'+i, q.title, text)
		out, err := eng.start(ctx, text)
		if err == nil {
			err = writeOutput(stdout, "table", out)
		}
		if err != nil {
			return queryError(text, err)
		}
		s := out.Stats()
		fmt.Fprintf(stdout, "   %s; scanned %d of %d events, %s read; files %d read/%d skipped, row groups %d read/%d skipped\n",
			s.Elapsed.Round(100*time.Microsecond), s.EventsScanned, snap.Rows(), humanBytes(s.BytesScanned),
			s.Scan.FilesRead, s.Scan.FilesSkipped, s.Scan.RowGroupsRead, s.Scan.RowGroupsSkipped)
	}
	fmt.Fprintln(stdout, "\nNext steps:")
	if keep {
		fmt.Fprintf(stdout, "  ctlake query --data %s --stats \"SELECT eventName, count(*) FROM demo-trail GROUP BY 1 ORDER BY 2 DESC LIMIT 10\"\n", *dataDir)
		fmt.Fprintf(stdout, "  ctlake query --data %s \"EXPLAIN SELECT * FROM demo-trail WHERE eventTime > '%s'\"\n", *dataDir, day)
	} else {
		fmt.Fprintln(stdout, "  ctlake demo --data DIR                          keep the demo store and query it yourself")
	}
	fmt.Fprintln(stdout, "  ctlake store create mytrail                      a store for your own logs")
	fmt.Fprintln(stdout, "  ctlake ingest --store mytrail ./AWSLogs/         CloudTrail's S3 layout, .json.gz, NDJSON or arrays")
	fmt.Fprintln(stdout, "  ctlake query --store mytrail -f saved.sql        Lake queries with $EDS_ID")
	return nil
}

// sampleEventID picks an eventID from the middle of the store for the
// point-lookup query.
func sampleEventID(ctx context.Context, eng *querier, id string) (string, error) {
	out, err := eng.collect(ctx, "SELECT max(eventID) FROM "+id+" WHERE eventName = 'GetObject'")
	if err != nil {
		return "", err
	}
	defer out.Release()
	if len(out.Records) == 0 || out.Records[0].NumRows() == 0 {
		return "", nil
	}
	return resultfmt.TextValue(out.Records[0].Column(0), 0), nil
}

func dirSize(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return n
}
