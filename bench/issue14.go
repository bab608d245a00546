package bench

import (
	"context"
	"fmt"
	"path/filepath"
)

// Issue14Names are the suite queries of issue 14's benchmark point, timed
// against DuckDB by RunIssue14: the first event of each principal
// (row_number … WHERE rn = 1), the time between consecutive calls of each
// principal (lag), the S3 objects touched (UNNEST of resources with a
// filter), and any_match over resources.
var Issue14Names = []string{"first-per-principal", "lag-gaps-per-principal", "unnest-s3-objects", "any-match-s3-objects"}

// issue14Typed spells each question over "typed", DuckDB's copy of the
// columns the questions read in native types (the principal's ARN a
// VARCHAR, resources a LIST of STRUCTs): DuckDB's best case, where its
// events table, as duckpeer imports it, keeps userIdentity and resources
// as JSON.
var issue14Typed = map[string]string{
	"first-per-principal":    "SELECT count(*) AS n, count(DISTINCT eventName) AS apis FROM (SELECT eventName, row_number() OVER (PARTITION BY arn ORDER BY eventTime, eventID) AS rn FROM typed) WHERE rn = 1",
	"lag-gaps-per-principal": "SELECT sum(gap) AS total, max(gap) AS longest FROM (SELECT date_sub('second', lag(eventTime) OVER (PARTITION BY arn ORDER BY eventTime, eventID), eventTime) AS gap FROM typed)",
	"unnest-s3-objects":      `SELECT count(DISTINCT r."ARN") AS objects FROM typed CROSS JOIN UNNEST(resources) AS t(r) WHERE r."type" = 'AWS::S3::Object'`,
	"any-match-s3-objects":   `SELECT count_if(len(list_filter(resources, r -> r."type" = 'AWS::S3::Object')) > 0) AS n FROM typed`,
}

// duckTypedTable makes "typed" from DuckDB's events table (once: it is
// kept in the database file).
const duckTypedTable = `CREATE TABLE IF NOT EXISTS typed AS SELECT userIdentity->>'arn' AS arn, eventTime, eventID, eventName, ` +
	`from_json(resources, '[{"ARN":"VARCHAR","type":"VARCHAR","accountId":"VARCHAR"}]') AS resources FROM events`

// Issue14Suite is the Suite's queries named by Issue14Names.
func Issue14Suite() []Query {
	var out []Query
	for _, name := range Issue14Names {
		for _, q := range Suite {
			if q.Name == name {
				out = append(out, q)
			}
		}
	}
	return out
}

// Issue14Report is what RunIssue14 measured.
type Issue14Report struct {
	SuiteReport
	Queries []*Issue14Result `json:"queries"`
}

// Issue14Result is one question's figures: ctlake's store, DuckDB's events
// table (JSON columns, as duckpeer imports them; SuiteResult.DuckTable)
// and its typed copy.
type Issue14Result struct {
	SuiteResult
	DuckTyped *Timing `json:"duckdb_typed,omitempty"`
}

// Ratio is ctlake's median over DuckDB's on its typed table, the
// stricter of the two (< 1: ctlake faster); 0 without DuckDB.
func (q *Issue14Result) Ratio() float64 { return ratioOf(q.ORC, q.DuckTyped) }

// RunIssue14 generates (or takes from the cache) the events, ingests them
// into store "bench" of a data directory in the cache (once), keeps
// DuckDB's table of the same events in a database file beside it (once),
// and times each Issue14Suite question in rounds: ctlake, DuckDB's events
// table, DuckDB's typed table, the answers compared.
func RunIssue14(ctx context.Context, cfg SuiteConfig) (*Issue14Report, error) {
	logf := cfg.logf()
	rep := &Issue14Report{SuiteReport: newSuiteReport(cfg)}
	ds, err := PrepareDataset(ctx, cfg.Cache, cfg.Seed, cfg.Events)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(cfg.Cache, fmt.Sprintf("issue14-seed-%d-events-%d", cfg.Seed, cfg.Events))
	c, err := cachedStores(ctx, dir, []string{"bench"}, []*Dataset{ds}, &rep.SuiteReport, logf)
	if err != nil {
		return nil, err
	}
	r := &Runner{Stores: c, Workers: cfg.Workers}
	var duck *DuckServer
	if cfg.Duck != nil {
		db := filepath.Join(dir, "duckdb.db")
		logf("DuckDB table: %s (imported from %s when missing)", db, ds.NDJSON)
		if duck, err = cfg.Duck.ServeDB(ctx, db, map[string]string{"events": ds.NDJSON}); err != nil {
			return nil, err
		}
		defer duck.Close()
		if _, err := duck.Query(duckTypedTable); err != nil {
			return nil, fmt.Errorf("DuckDB's typed table: %w", err)
		}
	}
	for _, q := range Issue14Suite() {
		res, err := runIssue14Query(ctx, r, duck, q, cfg.Runs)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", q.Name, err)
		}
		line := fmt.Sprintf("%-24s ctlake %8.1f ms (CPU %.2f s)", q.Name, res.ORC.Median*1e3, res.ORC.CPUMedian)
		if res.DuckTyped != nil {
			line += fmt.Sprintf("  duckdb json %8.1f ms  typed %8.1f ms (CPU %.2f s)  ctlake/typed %.2f",
				res.DuckTable.Median*1e3, res.DuckTyped.Median*1e3, res.DuckTyped.CPUMedian, res.Ratio())
		}
		logf("%s  %s", line, res.Check)
		rep.Queries = append(rep.Queries, res)
	}
	rep.Machine.LoadAfter = loadAverage()
	return rep, nil
}

// runIssue14Query times one question in rounds and compares the answers.
func runIssue14Query(ctx context.Context, r *Runner, duck *DuckServer, q Query, runs int) (*Issue14Result, error) {
	var p Params // the four questions have no placeholders but the table
	res := &Issue14Result{SuiteResult: SuiteResult{Name: q.Name, SQL: q.SQL, Check: "equal"}}
	var dqs []string
	if duck != nil {
		dqs = []string{p.Text(q.Duck, "events"), issue14Typed[q.Name]}
	}
	rs, err := timeRounds(ctx, r, duck, p.Text(q.SQL, "bench"), dqs, runs)
	if err != nil {
		return nil, err
	}
	res.take(rs)
	if duck != nil {
		res.DuckTyped = rs.Ducks[1]
		for k, name := range []string{"events", "typed"} {
			if d := Diff(rs.Rows, rs.DuckRows[k], q.Ordered); d != "" {
				res.Check = fmt.Sprintf("ctlake vs DuckDB's %s table differ: %s", name, d)
			}
		}
	}
	return res, nil
}
