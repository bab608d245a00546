package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/ctlake/ctlake/exec"
	"github.com/ctlake/ctlake/ingest"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/planner"
)

// Knowing before scanning: EXPLAIN prints what each scan will read after
// pruning — files, stripes, row groups, events and bytes — worked out from
// metadata alone (orcstore.Store.Estimate), and a query whose estimate
// exceeds Options.MaxBytesScanned or MaxEventsScanned is refused before it
// reads anything, with the estimate in the error. Lake bills by bytes
// scanned; here the cap protects a laptop (or a shared server) from the
// accidental full scan of a large store.

// Estimate is what a query's scans would read.
type Estimate struct {
	orcstore.ScanEstimate
	// EventsUnknown is set when a JSON table is scanned: its events are
	// not known before they are decoded (Events counts the stores' only).
	EventsUnknown bool
	// ByScan holds each scan's own estimate.
	ByScan map[*planner.Scan]Estimate
}

// Estimate works out what the query's scans would read, from metadata.
func (q *Query) Estimate(ctx context.Context) (Estimate, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.estimate != nil {
		return *q.estimate, nil
	}
	total := Estimate{ByScan: map[*planner.Scan]Estimate{}}
	var walk func(n planner.Node) error
	walk = func(n planner.Node) error {
		if s, ok := n.(*planner.Scan); ok {
			e, err := scanEstimate(ctx, s)
			if err != nil {
				return err
			}
			total.ScanEstimate.Add(e.ScanEstimate)
			total.EventsUnknown = total.EventsUnknown || e.EventsUnknown
			total.ByScan[s] = e
		}
		for _, in := range n.Inputs() {
			if err := walk(in); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(q.Plan.Root); err != nil {
		return Estimate{}, err
	}
	q.estimate = &total
	return total, nil
}

func scanEstimate(ctx context.Context, s *planner.Scan) (Estimate, error) {
	if len(s.JSON) > 0 {
		// A JSON scan reads every byte of its files.
		inputs, problems := ingest.Discover(s.JSON, ingest.DiscoverOptions{})
		if len(problems) > 0 {
			return Estimate{}, fmt.Errorf("scan %s: %w", s.Table, problems[0])
		}
		e := Estimate{EventsUnknown: true}
		for _, in := range inputs {
			if in.Path == "" {
				continue // stdin: unknown size
			}
			st, err := os.Stat(in.Path)
			if err != nil {
				return Estimate{}, fmt.Errorf("scan %s: %w", s.Table, err)
			}
			e.Files++
			e.Bytes += st.Size()
		}
		return e, nil
	}
	if s.Store == nil {
		return Estimate{}, nil
	}
	e, err := s.Store.Estimate(ctx, s.Snapshot, s.Spec)
	if err != nil {
		return Estimate{}, fmt.Errorf("scan %s: %w", s.Table, err)
	}
	return Estimate{ScanEstimate: e}, nil
}

// String prints an estimate as EXPLAIN shows it.
func (e Estimate) String() string {
	parts := []string{plural(e.Files, "file")}
	if e.EventsUnknown && e.Stripes == 0 {
		parts = append(parts, exec.FormatBytes(e.Bytes)+" (every event decoded)")
	} else {
		parts = append(parts, plural(e.Stripes, "stripe"), plural(e.RowGroups, "row group"),
			strconv.FormatInt(e.Events, 10)+" events", exec.FormatBytes(e.Bytes))
	}
	s := strings.Join(parts, ", ")
	if e.UpperBound {
		s = "at most " + s + " (top-N pruning reads less)"
	}
	return s
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// ErrScanLimit is wrapped by the error of a query refused because its
// estimated scan exceeds Options.MaxBytesScanned or MaxEventsScanned.
var ErrScanLimit = errors.New("query refused before reading")

// ScanLimitError is that error, with the estimate and the limit exceeded.
type ScanLimitError struct {
	Estimate Estimate
	What     string // "bytes" or "events"
	Limit    int64
}

func (e *ScanLimitError) Error() string {
	var over string
	if e.What == "bytes" {
		over = fmt.Sprintf("read an estimated %s (%d bytes), more than the limit of %s (%d bytes)",
			exec.FormatBytes(e.Estimate.Bytes), e.Estimate.Bytes, exec.FormatBytes(e.Limit), e.Limit)
	} else {
		over = fmt.Sprintf("decode an estimated %d events, more than the limit of %d", e.Estimate.Events, e.Limit)
	}
	return fmt.Sprintf("%v: its scans would %s (estimate: %s); narrow the time range, add a more selective condition or raise the limit",
		ErrScanLimit, over, e.Estimate)
}

func (e *ScanLimitError) Unwrap() error { return ErrScanLimit }

// checkLimits refuses the query when its estimate exceeds a scan limit.
// It costs nothing without limits.
func (q *Query) checkLimits(ctx context.Context) error {
	if q.opts.MaxBytesScanned <= 0 && q.opts.MaxEventsScanned <= 0 {
		return nil
	}
	e, err := q.Estimate(ctx)
	if err != nil {
		return err
	}
	if l := q.opts.MaxBytesScanned; l > 0 && e.Bytes > l {
		return &ScanLimitError{Estimate: e, What: "bytes", Limit: l}
	}
	// The events of JSON tables are unknown before decoding: their bytes
	// are the only thing a limit can hold them to.
	if l := q.opts.MaxEventsScanned; l > 0 && e.Events > l {
		return &ScanLimitError{Estimate: e, What: "events", Limit: l}
	}
	return nil
}
