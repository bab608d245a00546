package lakeapi

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/ctlake/ctlake/engine"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/resultfmt"
)

// The Go side of the server for front-ends served beside the API (the
// console): what they need beyond Lake's operations — queries started with
// a time scope, the history across every store, rows read at any position,
// exports in ctlake's formats — each answering from the same query manager
// and records as the API, so a query run in the console is one the AWS CLI
// can page, and the other way round.

// StartOptions are a front-end's settings for one query.
type StartOptions struct {
	Source string // who runs it, shown in the history ("console", ...)
	// From and To scope every scan to eventTime in [From, To) (zero:
	// unbounded on that side); see engine.Options.TimeScope.
	From, To time.Time
	// NestedJSON writes maps, rows and arrays as JSON text instead of
	// Lake's Java form.
	NestedJSON bool
}

// StartQuery plans statement and queues it, as StartQuery does.
func (s *Server) StartQuery(ctx context.Context, statement string, o StartOptions) (string, error) {
	if !o.From.IsZero() && !o.To.IsZero() && !o.From.Before(o.To) {
		return "", errorf("InvalidDateRangeException", "the time range starts at %s, not before its end %s", o.From.UTC().Format(time.RFC3339), o.To.UTC().Format(time.RFC3339))
	}
	if len(statement) > 10000 {
		return "", errorf("InvalidQueryStatementException", "the query is %d characters long; Lake takes at most 10,000", len(statement))
	}
	return s.queries.start(ctx, statement, startOptions{source: o.Source, scope: timeScope(o.From, o.To), nestedJSON: o.NestedJSON})
}

// Query returns query id's record (ExecutionMillis counts on while it
// runs).
func (s *Server) Query(id string) (QueryRecord, bool) {
	rec, _, ok := s.queries.get(id)
	if ok && rec.Status == stRunning {
		rec.ExecutionMillis = s.now().Sub(rec.StartedAt).Milliseconds()
	}
	return rec, ok
}

// CancelQuery cancels a queued or running query.
func (s *Server) CancelQuery(id string) error {
	_, err := s.queries.cancelQuery(id, "The query was cancelled from the console.")
	return err
}

// HistoryFilter selects queries of the history.
type HistoryFilter struct {
	Text   string // in the statement, alias, error or ID (any case)
	Status string
	Source string // "api" selects queries the API started
	Store  string // store ID the query read
	Before time.Time
	Limit  int // most records returned (0: 200)
}

// History lists the queries the server knows — those the API, the console
// and dashboards ran, and the shell's runs (RecordRun) — newest first, and
// how many matched before Limit cut the list.
func (s *Server) History(f HistoryFilter) ([]QueryRecord, int) {
	s.queries.refresh()
	text := strings.ToLower(f.Text)
	recs := s.queries.list(func(r *QueryRecord) bool {
		src := r.Source
		if src == "" {
			src = "api"
		}
		return (f.Status == "" || r.Status == f.Status) &&
			(f.Source == "" || src == f.Source) &&
			(f.Store == "" || contains(r.Stores, f.Store)) &&
			(f.Before.IsZero() || r.CreatedAt.Before(f.Before)) &&
			(text == "" || strings.Contains(strings.ToLower(r.Statement), text) || strings.Contains(strings.ToLower(r.ErrorMessage), text) ||
				strings.Contains(strings.ToLower(r.Alias), text) || strings.HasPrefix(r.ID, text))
	})
	sort.Slice(recs, func(i, j int) bool {
		if !recs[i].CreatedAt.Equal(recs[j].CreatedAt) {
			return recs[i].CreatedAt.After(recs[j].CreatedAt)
		}
		return recs[i].ID > recs[j].ID
	})
	total := len(recs)
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	if len(recs) > limit {
		recs = recs[:limit]
	}
	now := s.now()
	for i := range recs {
		if recs[i].Status == stRunning {
			recs[i].ExecutionMillis = now.Sub(recs[i].StartedAt).Milliseconds()
		}
	}
	return recs, total
}

// Rows reads up to count rows of a finished query from row start (0-based),
// in the wire form of GetQueryResults' rows, joined by commas.
func (s *Server) Rows(id string, start int64, count int) ([]byte, int, error) {
	rec, _, ok := s.queries.get(id)
	if !ok {
		return nil, 0, errorf("QueryIdNotFoundException", "The query ID %s does not exist or does not map to a query.", id)
	}
	return s.queries.rowsAt(rec, start, count)
}

// SnapshotChanged reports whether a store the query read has committed
// events since the query was planned: a run of its statement now (an
// export) may then answer differently.
func (s *Server) SnapshotChanged(rec QueryRecord) bool {
	for id, v := range rec.StoreVersions {
		st, err := s.catalog.Open(id)
		if err != nil {
			return true
		}
		m, err := st.ReadManifest() // its version only: no lease
		if err != nil || m.Version != v {
			return true
		}
	}
	return false
}

// Export runs a query's statement again — with now() pinned to the
// original run and the same time scope — and writes its result in one of
// resultfmt's formats, typed as `ctlake query --format` writes it. It takes
// a runner slot like any query, and answers what the stores hold now
// (SnapshotChanged tells whether that can differ from the original).
func (s *Server) Export(ctx context.Context, id, format string, w io.Writer) error {
	rec, _, ok := s.queries.get(id)
	if !ok {
		return errorf("QueryIdNotFoundException", "The query ID %s does not exist or does not map to a query.", id)
	}
	if !resultfmt.Known(format) {
		return errorf("InvalidParameterException", "format %q is not one of %s", format, strings.Join(resultfmt.Formats, ", "))
	}
	if rec.Status != stFinished {
		return errorf("InvalidParameterException", "the query is %s; only a FINISHED query is exported", rec.Status)
	}
	var scope orcstore.TimeRange
	if rec.TimeFrom != nil {
		scope.Min, scope.HasMin = rec.TimeFrom.UnixNano(), true
	}
	if rec.TimeTo != nil {
		scope.Max, scope.HasMax = rec.TimeTo.UnixNano(), true
	}
	opts := s.queryOptions(scope)
	opts.Now = rec.CreatedAt
	q, err := s.eng.Prepare(ctx, rec.Statement, opts)
	if err != nil {
		return err
	}
	defer q.Close() // also when it never opens; its rows close it too
	if q.IsExplain() || q.IsAnalyze() {
		return errorf("InvalidParameterException", "an EXPLAIN has no rows to export")
	}
	select {
	case s.queries.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.queries.slots }()
	rows, err := q.Open(ctx)
	if err != nil {
		return err
	}
	err = resultfmt.Write(w, format, &resultfmt.Result{Names: rows.Names(), Schema: rows.Schema(), Next: rows.Next})
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	return err
}

// Engine is the engine the server's queries run on.
func (s *Server) Engine() *engine.Engine { return s.eng }

// Catalog is the data directory's stores.
func (s *Server) Catalog() *orcstore.Catalog { return s.catalog }

// AccountID is the account in the server's ARNs.
func (s *Server) AccountID() string { return s.cfg.AccountID }

// NoAuth reports a server that accepts unsigned requests.
func (s *Server) NoAuth() bool { return s.cfg.NoAuth }

// CheckKeyPair reports whether the pair is one the server accepts
// (compared in constant time), so a front-end can log in with the API's
// access key.
func (s *Server) CheckKeyPair(accessKeyID, secret string) bool {
	want, ok := s.verify.keys[accessKeyID]
	if !ok {
		want = "\x00never"
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(secret)) == 1 && ok
}

// ErrorOf gives an error as the API would answer it: the exception name,
// the HTTP status and the message (InternalFailure for errors that are not
// the API's own).
func ErrorOf(err error) (code string, status int, message string) {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.Code, ae.Status, ae.Message
	}
	if errors.Is(err, context.Canceled) {
		return "RequestCanceled", 499, "the request was cancelled"
	}
	return "InternalFailure", 500, fmt.Sprint(err)
}
