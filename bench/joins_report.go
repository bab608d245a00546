package bench

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteJoinsText prints a join suite report: one line per query with both
// engines' medians and their ratio, the peak memory of each, the pruning
// of the time-restricted side, and the targets of issue 12 judged.
func WriteJoinsText(w io.Writer, r *JoinReport) error {
	writeSuiteHead(w, r.SuiteReport, fmt.Sprintf("join suite: two stores of %d generated events (seeds %d and %d), %d rounds per query (ctlake, then DuckDB's imported table)",
		r.Events, r.Seed, r.Seed+1, r.Runs))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "query\tctlake ms\truns\tCPU ms\tDuckDB ms\truns\tCPU ms\tctlake/DuckDB\tctlake peak RSS\tDuckDB peak RSS\trange side RGs read/all\trows\tcheck\t")
	for _, q := range r.Queries {
		duck, druns, dcpu, ratio, dpeak := "-", "-", "-", "-", "-"
		if q.DuckTable != nil {
			duck, druns, dcpu = fmt.Sprintf("%.1f", q.DuckTable.Median*1e3), msList(q.DuckTable.Seconds), fmt.Sprintf("%.0f", q.DuckTable.CPUMedian*1e3)
			ratio, dpeak = fmt.Sprintf("%.2f", q.Ratio()), mb(q.DuckPeakRSS)
		}
		rg := "-"
		if q.StoreRowGroups > 0 {
			rg = fmt.Sprintf("%d/%d (%.1f%% skipped)", q.RangeRowGroupsRead, q.StoreRowGroups, 100*(1-float64(q.RangeRowGroupsRead)/float64(q.StoreRowGroups)))
		}
		fmt.Fprintf(tw, "%s\t%.1f\t%s\t%.0f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t\n", q.Name, q.ORC.Median*1e3, msList(q.ORC.Seconds), q.ORC.CPUMedian*1e3,
			duck, druns, dcpu, ratio, mb(q.PeakRSS), dpeak, rg, q.Rows, q.Check)
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, q := range r.Queries {
		if q.DuckTable != nil {
			fmt.Fprintf(w, "target: %s within 1.5x of DuckDB: %s (%.2fx)\n", q.Name, metOrNot(q.Ratio() <= 1.5), q.Ratio())
		}
		if q.Name == "self-join-hour" && q.StoreRowGroups > 0 {
			skip := 1 - float64(q.RangeRowGroupsRead)/float64(q.StoreRowGroups)
			fmt.Fprintf(w, "target: the one-hour side skips >= 90%% of its row groups: %s (%.1f%%)\n", metOrNot(skip >= 0.9), 100*skip)
		}
	}
	return nil
}

// writeSuiteHead prints the head of a suite's report: the machine, what
// was run (title), the ingests, and a blank line.
func writeSuiteHead(w io.Writer, r SuiteReport, title string) {
	m := r.Machine
	fmt.Fprintf(w, "machine: %d CPUs, %s, %s; load average %s before, %s after\n", m.CPUs, m.Model, m.GoVersion, m.LoadBefore, m.LoadAfter)
	fmt.Fprintln(w, title)
	for _, in := range r.Ingest {
		fmt.Fprintf(w, "ingest %d events in %.1fs, peak RSS %s; store %s in %d ORC files\n", in.Events, in.Seconds, mb(in.PeakRSS), mb(in.StoreBytes), in.StoreFiles)
	}
	fmt.Fprintln(w)
}

// msList prints run times in ms: "12.1 10.9 11.4".
func msList(s []float64) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += " "
		}
		out += fmt.Sprintf("%.0f", v*1e3)
	}
	return out
}

// WriteIssue14Text prints issue 14's suite report: per question ctlake's
// median and CPU, DuckDB's on its events table and on its typed copy, the
// ratio to each, both engines' peak memory, and the target judged.
func WriteIssue14Text(w io.Writer, r *Issue14Report) error {
	writeSuiteHead(w, r.SuiteReport, fmt.Sprintf("issue 14 suite: %d generated events (seed %d), %d rounds per query (ctlake, then DuckDB's events table, then its typed table)",
		r.Events, r.Seed, r.Runs))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "query\tctlake ms\tCPU s\truns\tDuckDB json ms\tCPU s\tDuckDB typed ms\tCPU s\truns\tctlake/json\tctlake/typed\tctlake peak RSS\tDuckDB peak RSS\trows\tcheck\t")
	for _, q := range r.Queries {
		dj, djc, dt, dtc, druns, rj, rt, dpeak := "-", "-", "-", "-", "-", "-", "-", "-"
		if q.DuckTyped != nil {
			dj, djc = fmt.Sprintf("%.1f", q.DuckTable.Median*1e3), fmt.Sprintf("%.2f", q.DuckTable.CPUMedian)
			dt, dtc, druns = fmt.Sprintf("%.1f", q.DuckTyped.Median*1e3), fmt.Sprintf("%.2f", q.DuckTyped.CPUMedian), msList(q.DuckTyped.Seconds)
			rj, rt, dpeak = fmt.Sprintf("%.2f", q.RatioTable()), fmt.Sprintf("%.2f", q.Ratio()), mb(q.DuckPeakRSS)
		}
		fmt.Fprintf(tw, "%s\t%.1f\t%.2f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t\n", q.Name, q.ORC.Median*1e3, q.ORC.CPUMedian, msList(q.ORC.Seconds),
			dj, djc, dt, dtc, druns, rj, rt, mb(q.PeakRSS), dpeak, q.Rows, q.Check)
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, q := range r.Queries {
		if q.DuckTyped != nil {
			fmt.Fprintf(w, "target: %s within 1.5x of DuckDB's typed table: %s (%.2fx; %.2fx of its events table)\n", q.Name, metOrNot(q.Ratio() <= 1.5), q.Ratio(), q.RatioTable())
		}
	}
	return nil
}
