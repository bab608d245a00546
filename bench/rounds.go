package bench

import (
	"context"

	"github.com/ctlake/ctlake/internal/proccpu"
)

// rounds is one query timed in rounds against DuckDB: ctlake's figures,
// and one Timing per DuckDB spelling of the same question.
type rounds struct {
	ORC      *Timing
	Ducks    []*Timing
	Rows     []string   // ctlake's rows (the last run's)
	DuckRows [][]string // each spelling's rows (the last run's)
	// PeakRSS is ctlake's resident set high-water mark during the runs
	// (the process: Go runtime and caches included); DuckPeakRSS the
	// duckpeer process's, its tables included.
	PeakRSS, DuckPeakRSS int64
}

// timeRounds runs text on ctlake and then each of duckTexts on duck (when
// not nil), round after round, so that both engines see the same machine
// load; each run's wall and CPU time is recorded (ctlake's CPU is this
// process's, DuckDB's the duckpeer process's).
func timeRounds(ctx context.Context, r *Runner, duck *DuckServer, text string, duckTexts []string, runs int) (*rounds, error) {
	res := &rounds{ORC: &Timing{}}
	if duck != nil {
		for range duckTexts {
			res.Ducks = append(res.Ducks, &Timing{})
		}
		res.DuckRows = make([][]string, len(duckTexts))
		duck.ResetPeak()
	}
	meter := startMeter()
	for i := 0; i < runs; i++ {
		cpu0 := proccpu.Used()
		out, err := r.Run(ctx, text)
		if err != nil {
			return nil, err
		}
		o := res.ORC
		o.Seconds = append(o.Seconds, out.Elapsed.Seconds())
		o.CPUSeconds = append(o.CPUSeconds, (proccpu.Used() - cpu0).Seconds())
		o.EventsScanned, o.BytesRead = out.Scan.RowsRead, out.Scan.BytesRead
		o.FilesSkipped, o.StripesSkipped, o.RowGroupsSkipped, o.RowGroupsRead = out.Scan.FilesSkipped, out.Scan.StripesSkipped, out.Scan.RowGroupsSkipped, out.Scan.RowGroupsRead
		res.Rows = out.Rows
		for k, dq := range duckTexts {
			if duck == nil {
				break
			}
			c0 := duck.CPU()
			run, err := duck.Query(dq)
			if err != nil {
				return nil, err
			}
			d := res.Ducks[k]
			d.Seconds = append(d.Seconds, run.Seconds)
			d.CPUSeconds = append(d.CPUSeconds, duck.CPU()-c0)
			res.DuckRows[k] = run.Rows
		}
	}
	_, res.PeakRSS = meter.stop()
	res.ORC.finish()
	for _, d := range res.Ducks {
		d.finish()
	}
	if duck != nil {
		res.DuckPeakRSS = duck.Peak()
	}
	return res, nil
}
