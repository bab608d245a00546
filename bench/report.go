package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
)

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// ReadJSON reads a report WriteJSON wrote.
func ReadJSON(path string) (*Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, nil
}

// WriteText writes the report as aligned tables, one per size, then the
// targets judged on each size.
func WriteText(w io.Writer, r *Report) error {
	m := r.Machine
	fmt.Fprintf(w, "machine: %d CPUs, %s, %s; load average %s before, %s after\n", m.CPUs, m.Model, m.GoVersion, m.LoadBefore, m.LoadAfter)
	fmt.Fprintf(w, "runs per query: store %d, JSON %d", r.Config.Runs, r.Config.JSONRuns)
	if r.Config.JSONRuns < r.Config.Runs {
		fmt.Fprint(w, " (fewer JSON runs: each one decodes every event; --json-runs sets it)")
	}
	if r.Config.Peer != "" {
		fmt.Fprintf(w, ", DuckDB %d (one process each; the table is re-imported per run, import time not counted)", r.Config.DuckRuns)
	}
	fmt.Fprintf(w, "; seed %d\n", r.Config.Seed)
	for _, s := range r.Sizes {
		writeSize(w, s)
	}
	return nil
}

func writeSize(w io.Writer, s *SizeReport) {
	ds := s.Dataset
	fmt.Fprintf(w, "\n== %d events: NDJSON %s, S3 layout %d files %s\n", ds.Events, mb(ds.NDJSONBytes), ds.S3Files, mb(ds.S3Bytes))
	for _, in := range s.Ingest {
		fmt.Fprintf(w, "ingest %-6s %d events in %.1fs: %.0f events/s, %.1f MB/s of input, %.1f CPU-s, peak RSS %s; store %s in %d ORC files (%.2fx the gzip input)\n",
			in.Layout, in.Events, in.Seconds, in.EventsPerSec, in.MBPerSec, in.CPUSeconds, mb(in.PeakRSS), mb(in.StoreBytes), in.StoreFiles, float64(in.StoreBytes)/float64(max(ds.S3Bytes, 1)))
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	duck := len(s.Queries) > 0 && s.Queries[0].DuckTable != nil
	head := "query\tkind\tORC ms\tORC rows/s\tORC bytes\tskipped files/stripes/RGs\tJSON ms\tJSON rows/s\tJSON/ORC"
	if duck {
		head += "\tDuckDB table ms\tDuckDB NDJSON ms\ttable/ORC\tNDJSON/ORC"
	}
	fmt.Fprintln(tw, head+"\tcheck\t")
	for _, q := range s.Queries {
		line := fmt.Sprintf("%s\t%s\t%.1f\t%s\t%s\t%d/%d/%d\t%.1f\t%s\t%.1f×",
			q.Name, q.Kind, q.ORC.Median*1e3, rate(q.ORC.RowsPerSec), mb(q.ORC.BytesRead),
			q.ORC.FilesSkipped, q.ORC.StripesSkipped, q.ORC.RowGroupsSkipped,
			q.JSON.median()*1e3, rate(q.JSON.rowsPerSec()), q.Ratio())
		if duck {
			line += fmt.Sprintf("\t%.1f\t%.1f\t%.2f×\t%.1f×", q.DuckTable.Median*1e3, q.DuckJSON.Median*1e3,
				q.DuckTable.Median/q.ORC.Median, q.DuckJSON.Median/q.ORC.Median)
		}
		fmt.Fprintln(tw, line+"\t"+q.Check+"\t")
	}
	tw.Flush()
	writeGz(w, s)
	if s.Cold != nil {
		writeCold(w, s.Cold)
	}
	fmt.Fprintln(w)
	for _, t := range Targets(s) {
		fmt.Fprintln(w, t)
	}
}

// writeGz prints the .json.gz route's table, when it was measured.
func writeGz(w io.Writer, s *SizeReport) {
	if len(s.Queries) == 0 || s.Queries[0].JSONGz == nil {
		return
	}
	fmt.Fprintf(w, "\nJSON route over the S3 layout's .json.gz Records files (%d files, %s), same engine vs DuckDB's read_json view, interleaved\n", s.Dataset.S3Files, mb(s.Dataset.S3Bytes))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "query\tctlake ms\tctlake rows/s\tDuckDB ms\tctlake/DuckDB\t")
	for _, q := range s.Queries {
		line := fmt.Sprintf("%s\t%.1f\t%s", q.Name, q.JSONGz.Median*1e3, rate(q.JSONGz.RowsPerSec))
		if q.DuckJSONGz != nil && q.DuckJSONGz.Median > 0 {
			line += fmt.Sprintf("\t%.1f\t%.2f×", q.DuckJSONGz.Median*1e3, q.JSONGz.Median/q.DuckJSONGz.Median)
		} else {
			line += "\t\t"
		}
		fmt.Fprintln(tw, line+"\t")
	}
	tw.Flush()
}

// writeCold prints the cold mode's table: medians of wall and CPU time per
// process.
func writeCold(w io.Writer, c *ColdReport) {
	fmt.Fprintf(w, "\ncold: one process per query (%d runs each, interleaved); wall time from start to exit, median", c.Runs)
	if c.DuckImportSeconds > 0 {
		fmt.Fprintf(w, "; DuckDB's table imported once into a database file (%.1fs)", c.DuckImportSeconds)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	duck := len(c.Queries) > 0 && c.Queries[0].DuckTable != nil
	head := "query	kind	ctlake ms	ctlake CPU-ms"
	if duck {
		head += "	DuckDB table ms	DuckDB NDJSON ms	table/ctlake	NDJSON/ctlake"
	}
	fmt.Fprintln(tw, head+"	")
	for _, q := range c.Queries {
		line := fmt.Sprintf("%s	%s	%.1f	%.1f", q.Name, q.Kind, q.ORC.Median*1e3, q.ORC.CPUMedian*1e3)
		if q.DuckTable != nil {
			line += fmt.Sprintf("	%.1f", q.DuckTable.Median*1e3)
			if q.DuckJSON != nil {
				line += fmt.Sprintf("	%.1f	%.2f×	%.1f×", q.DuckJSON.Median*1e3, q.DuckTable.Median/q.ORC.Median, q.DuckJSON.Median/q.ORC.Median)
			} else {
				line += fmt.Sprintf("		%.2f×	", q.DuckTable.Median/q.ORC.Median)
			}
		}
		fmt.Fprintln(tw, line+"	")
	}
	tw.Flush()
}

func rate(r float64) string {
	switch {
	case r >= 1e6:
		return fmt.Sprintf("%.1fM", r/1e6)
	case r >= 1e3:
		return fmt.Sprintf("%.0fk", r/1e3)
	}
	return fmt.Sprintf("%.0f", r)
}

// Targets judges one size against the project's goals: columnar ≥ 30×
// JSON (median over the suite, same engine); ≥ 10× DuckDB on NDJSON on
// every query; within 1.5× of DuckDB's table on every query, and faster on
// the time-pruned and point-lookup ones.
func Targets(s *SizeReport) []string {
	var ratios []float64
	for _, q := range s.Queries {
		ratios = append(ratios, q.Ratio())
	}
	sort.Float64s(ratios)
	var med float64
	if n := len(ratios); n > 0 {
		med = ratios[n/2]
		if n%2 == 0 {
			med = (ratios[n/2-1] + ratios[n/2]) / 2
		}
	}
	if len(s.Queries) == 0 {
		return coldTargets(s.Cold) // cold mode only
	}
	out := []string{fmt.Sprintf("target columnar ≥ 30× JSON (median over the suite): %.1f× — %s", med, metOrNot(med >= 30))}
	if s.Queries[0].DuckTable == nil {
		return append(append(out, "DuckDB targets: not measured (no --peer duckdb)"), coldTargets(s.Cold)...)
	}
	var missJSON, missTable []string
	for _, q := range s.Queries {
		if q.DuckJSON == nil {
			continue
		}
		if x := q.DuckJSON.Median / q.ORC.Median; x < 10 {
			missJSON = append(missJSON, fmt.Sprintf("%s %.1f×", q.Name, x))
		}
		x := q.DuckTable.Median / q.ORC.Median // > 1: ctlake faster
		faster := q.Kind == "time-pruned" || q.Name == "eventid-lookup"
		if x < 1/1.5 || (faster && x < 1) {
			missTable = append(missTable, fmt.Sprintf("%s ctlake %.2f× DuckDB's time", q.Name, 1/x))
		}
	}
	out = append(out, "target ≥ 10× faster than DuckDB on NDJSON, every query: "+verdict(missJSON))
	out = append(out, "target within 1.5× of DuckDB's table (faster on time-pruned and lookup): "+verdict(missTable))
	out = append(out, jsonRouteTarget(s))
	if t, ok := gzRouteTarget(s); ok {
		out = append(out, t)
	}
	out = append(out, ingestTarget(s))
	return append(out, coldTargets(s.Cold)...)
}

// jsonRouteTarget judges the JSON route: ctlake's query over the NDJSON at
// least as fast as DuckDB's read_ndjson, median over the suite.
func jsonRouteTarget(s *SizeReport) string {
	var r []float64
	for _, q := range s.Queries {
		if q.DuckJSON != nil && q.JSON != nil && q.DuckJSON.Median > 0 {
			r = append(r, q.JSON.Median/q.DuckJSON.Median)
		}
	}
	if len(r) == 0 {
		return "target JSON route at least as fast as DuckDB's read_ndjson: not measured"
	}
	m := median(r)
	return fmt.Sprintf("target JSON route at least as fast as DuckDB's read_ndjson (median over the suite of ctlake ÷ DuckDB time): %.2f× — %s", m, metOrNot(m <= 1))
}

// ingestTarget judges ingest: the NDJSON into a store at least twice as
// fast as DuckDB's import of it into its (in-memory) table.
func ingestTarget(s *SizeReport) string {
	var duck []float64
	for _, q := range s.Queries {
		if q.DuckTable != nil && q.DuckTable.LoadSeconds > 0 {
			duck = append(duck, q.DuckTable.LoadSeconds)
		}
	}
	var nd *IngestResult
	for i := range s.Ingest {
		if s.Ingest[i].Layout == "ndjson" {
			nd = &s.Ingest[i]
		}
	}
	if len(duck) == 0 || nd == nil || nd.Seconds == 0 {
		return "target ingest ≥ 2× DuckDB's import: not measured"
	}
	d := median(duck)
	x := d / nd.Seconds
	return fmt.Sprintf("target ingest ≥ 2× DuckDB's import of the NDJSON (%.1fs, median of %d imports): ctlake %.1fs, %.2f× — %s", d, len(duck), nd.Seconds, x, metOrNot(x >= 2))
}

// coldTargets judges the cold mode: SELECT 1 ≤ 15 ms, the eventID lookup
// ≤ 30 ms, every query faster than a DuckDB process on its table and ≥ 10×
// faster than one on the NDJSON.
func coldTargets(c *ColdReport) []string {
	if c == nil {
		return nil
	}
	var out []string
	var missTable, missJSON []string
	for _, q := range c.Queries {
		switch q.Name {
		case coldSelect1:
			out = append(out, fmt.Sprintf("target cold SELECT 1 ≤ 15 ms: %.1f ms — %s", q.ORC.Median*1e3, metOrNot(q.ORC.Median <= 0.015)))
		case "eventid-lookup":
			out = append(out, fmt.Sprintf("target cold eventID lookup ≤ 30 ms: %.1f ms — %s", q.ORC.Median*1e3, metOrNot(q.ORC.Median <= 0.030)))
		}
		if q.DuckTable != nil && q.DuckTable.Median < q.ORC.Median {
			missTable = append(missTable, fmt.Sprintf("%s %.2f×", q.Name, q.DuckTable.Median/q.ORC.Median))
		}
		if q.DuckJSON != nil && q.DuckJSON.Median < 10*q.ORC.Median {
			missJSON = append(missJSON, fmt.Sprintf("%s %.1f×", q.Name, q.DuckJSON.Median/q.ORC.Median))
		}
	}
	if len(c.Queries) > 0 && c.Queries[0].DuckTable != nil {
		out = append(out, "target cold: every query faster than a DuckDB process on its table: "+verdict(missTable))
		out = append(out, "target cold: ≥ 10× faster than a DuckDB process on the NDJSON: "+verdict(missJSON))
	}
	return out
}

func metOrNot(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

func verdict(misses []string) string {
	if len(misses) == 0 {
		return "met"
	}
	return "MISSED on " + strings.Join(misses, ", ")
}
