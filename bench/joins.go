package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/ctlake/ctlake/engine"
	"github.com/ctlake/ctlake/exec"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/planner"
)

// JoinSuite is issue 12's join benchmark over two stores of generated
// events, {A} (seed s) and {B} (seed s+1): {day}/{dayEnd} are the last day
// of A's events and {hour}/{hourEnd} that day's noon hour. (The
// generator's AssumeRole credentials are random, so the session join finds
// no activity; it is timed for its work: a day of AssumeRole events built,
// a day of events probed.)
var JoinSuite = []Query{
	sameInDuck(Query{Name: "self-join-hour", Kind: "join", Ordered: true,
		SQL: "SELECT a.eventName, count(*) AS n FROM {A} a JOIN {A} b ON a.eventID = b.eventID " +
			"WHERE b.eventTime >= TIMESTAMP '{hour}' AND b.eventTime < TIMESTAMP '{hourEnd}' GROUP BY 1 ORDER BY n DESC, 1 LIMIT 20"}),
	{Name: "assumerole-session", Kind: "join", Ordered: true,
		SQL: "SELECT ar.userIdentity.arn AS caller, act.eventName, count(*) AS n FROM {A} ar JOIN {A} act " +
			"ON json_extract_scalar(element_at(ar.responseElements, 'credentials'), '$.accessKeyId') = act.userIdentity.accessKeyId AND act.eventTime >= ar.eventTime " +
			"WHERE ar.eventName = 'AssumeRole' AND ar.eventTime >= TIMESTAMP '{day}' AND ar.eventTime < TIMESTAMP '{dayEnd}' " +
			"AND act.eventTime >= TIMESTAMP '{day}' AND act.eventTime < TIMESTAMP '{dayEnd}' GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT 20",
		Duck: "SELECT ar.userIdentity->>'arn' AS caller, act.eventName, count(*) AS n FROM {A} ar JOIN {A} act " +
			"ON json_extract_string(ar.responseElements, '$.credentials.accessKeyId') = (act.userIdentity->>'accessKeyId') AND act.eventTime >= ar.eventTime " +
			"WHERE ar.eventName = 'AssumeRole' AND ar.eventTime >= TIMESTAMP '{day}' AND ar.eventTime < TIMESTAMP '{dayEnd}' " +
			"AND act.eventTime >= TIMESTAMP '{day}' AND act.eventTime < TIMESTAMP '{dayEnd}' GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT 20"},
	sameInDuck(Query{Name: "semi-join-in", Kind: "semi", Ordered: true,
		SQL: "SELECT eventSource, count(*) AS n FROM {A} WHERE eventName IN " +
			"(SELECT eventName FROM {B} WHERE errorCode = 'AccessDenied' AND eventTime >= TIMESTAMP '{day}') GROUP BY 1 ORDER BY n DESC, 1 LIMIT 20"}),
	{Name: "anti-join-not-exists", Kind: "anti", Ordered: true,
		SQL: "SELECT b.eventSource, count(*) AS n FROM {B} b WHERE b.eventTime >= TIMESTAMP '{day}' " +
			"AND NOT EXISTS (SELECT 1 FROM {A} a WHERE a.userIdentity.arn = b.userIdentity.arn) GROUP BY 1 ORDER BY n DESC, 1 LIMIT 20",
		Duck: "SELECT b.eventSource, count(*) AS n FROM {B} b WHERE b.eventTime >= TIMESTAMP '{day}' " +
			"AND NOT EXISTS (SELECT 1 FROM {A} a WHERE (a.userIdentity->>'arn') = (b.userIdentity->>'arn')) GROUP BY 1 ORDER BY n DESC, 1 LIMIT 20"},
}

// sameInDuck is a query DuckDB runs as written.
func sameInDuck(q Query) Query {
	q.Duck = q.SQL
	return q
}

// JoinReport is what RunJoins measured.
type JoinReport struct {
	SuiteReport
	Params  Params        `json:"params"`
	Queries []*JoinResult `json:"queries"`
}

// JoinResult is one join query's figures.
type JoinResult struct {
	SuiteResult
	// The side of a join restricted by a time range: row groups it read,
	// of all the store's (read by the other side, unpruned).
	RangeRowGroupsRead int    `json:"range_row_groups_read,omitempty"`
	StoreRowGroups     int    `json:"store_row_groups,omitempty"`
	Analyze            string `json:"explain_analyze"`
}

// Ratio is ctlake's median over DuckDB's (< 1: ctlake faster).
func (j *JoinResult) Ratio() float64 { return j.RatioTable() }

// RunJoins generates (or takes from the cache) two data sets, ingests them
// into stores bench-a and bench-b of a fresh data directory, and times
// each JoinSuite query on ctlake and, interleaved round by round, on
// DuckDB's imported tables (one duckpeer process serves every query).
func RunJoins(ctx context.Context, cfg SuiteConfig) (*JoinReport, error) {
	logf := cfg.logf()
	rep := &JoinReport{SuiteReport: newSuiteReport(cfg)}
	sets := make([]*Dataset, 2)
	for i := range sets {
		ds, err := PrepareDataset(ctx, cfg.Cache, cfg.Seed+int64(i), cfg.Events)
		if err != nil {
			return nil, err
		}
		sets[i] = ds
	}
	c, err := joinStores(ctx, cfg, sets, &rep.SuiteReport, logf)
	if err != nil {
		return nil, err
	}
	r := &Runner{Stores: c, Workers: cfg.Workers}
	if rep.Params, err = joinParams(ctx, r); err != nil {
		return nil, err
	}
	var duck *DuckServer
	if cfg.Duck != nil {
		if duck, err = cfg.Duck.Serve(ctx, map[string]string{"a_events": sets[0].NDJSON, "b_events": sets[1].NDJSON}); err != nil {
			return nil, err
		}
		defer duck.Close()
	}
	for _, q := range JoinSuite {
		jr, err := runJoin(ctx, r, duck, rep.Params, q, cfg.Runs)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", q.Name, err)
		}
		line := fmt.Sprintf("%-22s ctlake %8.1f ms", q.Name, jr.ORC.Median*1e3)
		if jr.DuckTable != nil {
			line += fmt.Sprintf("  duckdb %8.1f ms  ctlake/duckdb %.2f", jr.DuckTable.Median*1e3, jr.Ratio())
		}
		logf("%s  %s", line, jr.Check)
		rep.Queries = append(rep.Queries, jr)
	}
	rep.Machine.LoadAfter = loadAverage()
	return rep, nil
}

// joinStores opens the two stores from the cache, or ingests them there
// when they are missing or incomplete.
func joinStores(ctx context.Context, cfg SuiteConfig, sets []*Dataset, rep *SuiteReport, logf func(string, ...any)) (*orcstore.Catalog, error) {
	dir := filepath.Join(cfg.Cache, fmt.Sprintf("joins-seeds-%d-%d-events-%d", sets[0].Seed, sets[1].Seed, cfg.Events))
	return cachedStores(ctx, dir, []string{"bench-a", "bench-b"}, sets, rep, logf)
}

// joinParams takes the last day of store bench-a and its noon hour.
func joinParams(ctx context.Context, r *Runner) (Params, error) {
	out, err := r.Run(ctx, `SELECT max(eventTime) FROM "bench-a"`)
	if err != nil || len(out.Rows) == 0 {
		return Params{}, fmt.Errorf("last event time: %v", err)
	}
	t, err := time.Parse("2006-01-02 15:04:05.000000000", out.Rows[0])
	if err != nil {
		return Params{}, err
	}
	const layout = "2006-01-02 15:04:05"
	day := t.Truncate(24 * time.Hour)
	return Params{Day: day.Format(layout), DayEnd: day.Add(24 * time.Hour).Format(layout),
		Hour: day.Add(12 * time.Hour).Format(layout), HourEnd: day.Add(13 * time.Hour).Format(layout)}, nil
}

// joinText fills a join query's placeholders.
func joinText(q string, p Params, a, b string) string {
	return strings.NewReplacer("{A}", a, "{B}", b, "{day}", p.Day, "{dayEnd}", p.DayEnd, "{hour}", p.Hour, "{hourEnd}", p.HourEnd).Replace(q)
}

// runJoin profiles one query (its plan figures and rows), then times it
// in rounds: ctlake, then DuckDB.
func runJoin(ctx context.Context, r *Runner, duck *DuckServer, p Params, q Query, runs int) (*JoinResult, error) {
	text := joinText(q.SQL, p, `"bench-a"`, `"bench-b"`)
	jr := &JoinResult{SuiteResult: SuiteResult{Name: q.Name, SQL: joinText(q.SQL, p, "{A}", "{B}"), ORC: &Timing{}, Check: "equal"}}
	if err := profileJoin(ctx, r, text, jr); err != nil {
		return nil, err
	}
	var dqs []string
	if duck != nil {
		dqs = []string{joinText(q.Duck, p, "a_events", "b_events")}
	}
	rs, err := timeRounds(ctx, r, duck, text, dqs, runs)
	if err != nil {
		return nil, err
	}
	jr.take(rs)
	if duck != nil {
		if d := Diff(rs.Rows, rs.DuckRows[0], q.Ordered); d != "" {
			jr.Check = "ctlake vs DuckDB differ: " + d
		}
	}
	return jr, nil
}

// profileJoin runs the query once with the operators' figures: the EXPLAIN
// ANALYZE text, and the row groups the time-restricted side of a join read
// against those the unrestricted side did (the whole store).
func profileJoin(ctx context.Context, r *Runner, text string, jr *JoinResult) error {
	if r.eng == nil {
		r.eng = engine.New(r.Stores)
	}
	q, err := r.eng.Prepare(ctx, text, engine.Options{Workers: r.Workers})
	if err != nil {
		return err
	}
	defer q.Close()
	ops, _, err := q.Profile(ctx)
	if err != nil {
		return err
	}
	jr.Analyze = engine.FormatAnalyze(q.Plan, ops, engine.AnalyzeTimes, nil)
	ranged := -1
	for n, s := range exec.StatsByNode(q.Plan.Root, ops) {
		scan, ok := n.(*planner.Scan)
		if !ok || s.Scan == nil {
			continue
		}
		if scan.Spec.Time.All() {
			jr.StoreRowGroups = max(jr.StoreRowGroups, s.Scan.RowGroupsRead)
		} else if ranged < 0 || s.Scan.RowGroupsRead < ranged {
			ranged = s.Scan.RowGroupsRead
		}
	}
	if ranged >= 0 && jr.StoreRowGroups > 0 {
		jr.RangeRowGroupsRead = ranged
	} else {
		jr.StoreRowGroups = 0
	}
	return nil
}
