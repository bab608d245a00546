package console

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/ctlake/ctlake/lakeapi"
	"github.com/ctlake/ctlake/resultfmt"
)

// maxBody bounds a console request body (a query is at most 10,000
// characters; a dashboard of 10 widgets fits easily).
const maxBody = 1 << 20

func (c *Console) registerAPI(mux *http.ServeMux) {
	mux.Handle("GET /console/api/session", c.api(c.getSession, false))
	mux.Handle("GET /console/api/catalog", c.api(c.getCatalog, false))
	mux.Handle("GET /console/api/mapkeys", c.api(c.getMapKeys, false))
	mux.Handle("POST /console/api/queries", c.api(c.startQuery, true))
	mux.Handle("GET /console/api/queries/{id}", c.api(c.getQuery, false))
	mux.Handle("GET /console/api/queries/{id}/rows", c.api(c.getRows, false))
	mux.Handle("POST /console/api/queries/{id}/cancel", c.api(c.cancelQuery, true))
	mux.Handle("GET /console/api/queries/{id}/export", c.api(c.export, false))
	mux.Handle("GET /console/api/history", c.api(c.getHistory, false))
	mux.Handle("GET /console/api/saved", c.api(c.listSaved, false))
	mux.Handle("POST /console/api/saved", c.api(c.saveQuery, true))
	mux.Handle("PUT /console/api/saved/{id}", c.api(c.saveQuery, true))
	mux.Handle("DELETE /console/api/saved/{id}", c.api(c.deleteSaved, true))
	mux.Handle("GET /console/api/stores/{ref}", c.api(c.getStore, false))
	mux.Handle("GET /console/api/activity", c.api(c.getActivity, false))
	// Every Lake operation, as the API answers it, behind the session.
	mux.Handle("POST /console/api/lake", c.api(func(w http.ResponseWriter, r *http.Request, _ *session) {
		c.srv.AuthenticatedHandler().ServeHTTP(w, r)
	}, true))
}

func (c *Console) getSession(w http.ResponseWriter, r *http.Request, s *session) {
	writeJSON(w, map[string]any{"csrf": s.csrf, "account": c.srv.AccountID(), "dataDir": c.srv.Catalog().Dir})
}

// decode reads a JSON body into v.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "SerializationException", "the request body is not the JSON expected: "+err.Error())
		return false
	}
	return true
}

var positionRE = regexp.MustCompile(`^(\d+):(\d+): `)

// fail writes err as the API would answer it, with the query position when
// the message starts with line:col.
func fail(w http.ResponseWriter, err error) {
	code, status, msg := lakeapi.ErrorOf(err)
	e := apiError{Code: code, Message: msg}
	if m := positionRE.FindStringSubmatch(msg); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Col, _ = strconv.Atoi(m[2])
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(e)
}

type startIn struct {
	Statement string     `json:"statement"`
	From      *time.Time `json:"from"`
	To        *time.Time `json:"to"`
}

func (c *Console) startQuery(w http.ResponseWriter, r *http.Request, _ *session) {
	var in startIn
	if !decode(w, r, &in) {
		return
	}
	o := lakeapi.StartOptions{Source: "console", NestedJSON: true}
	if in.From != nil {
		o.From = *in.From
	}
	if in.To != nil {
		o.To = *in.To
	}
	id, err := c.srv.StartQuery(r.Context(), in.Statement, o)
	if err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, map[string]string{"queryId": id})
}

// queryOut is a query record with what the console adds.
type queryOut struct {
	lakeapi.QueryRecord
	HasResults      bool `json:"hasResults"`
	SnapshotChanged bool `json:"snapshotChanged"`
	ErrorLine       int  `json:"errorLine,omitempty"`
	ErrorCol        int  `json:"errorCol,omitempty"`
}

func (c *Console) view(rec lakeapi.QueryRecord) queryOut {
	out := queryOut{QueryRecord: rec, HasResults: (rec.Status == "FINISHED" || rec.Status == "TIMED_OUT") && !rec.NoResults}
	if out.HasResults {
		out.SnapshotChanged = c.srv.SnapshotChanged(rec)
	}
	if m := positionRE.FindStringSubmatch(rec.ErrorMessage); m != nil {
		out.ErrorLine, _ = strconv.Atoi(m[1])
		out.ErrorCol, _ = strconv.Atoi(m[2])
	}
	return out
}

func (c *Console) record(w http.ResponseWriter, r *http.Request) (lakeapi.QueryRecord, bool) {
	rec, ok := c.srv.Query(r.PathValue("id"))
	if !ok {
		writeError(w, http.StatusNotFound, "QueryIdNotFoundException", "no query has the ID "+r.PathValue("id"))
	}
	return rec, ok
}

func (c *Console) getQuery(w http.ResponseWriter, r *http.Request, _ *session) {
	if rec, ok := c.record(w, r); ok {
		writeJSON(w, c.view(rec))
	}
}

// maxRowsPage bounds one rows request (the grid asks for a few hundred).
const maxRowsPage = 2000

// getRows answers rows start..start+count of a finished query, each in the
// wire form of GetQueryResults ([{"col":"value"},...]).
func (c *Console) getRows(w http.ResponseWriter, r *http.Request, _ *session) {
	q := r.URL.Query()
	start, err1 := strconv.ParseInt(q.Get("start"), 10, 64)
	count, err2 := strconv.Atoi(q.Get("count"))
	if err1 != nil || err2 != nil || start < 0 || count <= 0 {
		writeError(w, http.StatusBadRequest, "InvalidParameterException", "want ?start=N&count=M")
		return
	}
	count = min(count, maxRowsPage)
	rows, n, err := c.srv.Rows(r.PathValue("id"), start, count)
	if err != nil {
		fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"start":` + strconv.FormatInt(start, 10) + `,"count":` + strconv.Itoa(n) + `,"rows":[`))
	w.Write(rows)
	w.Write([]byte("]}\n"))
}

func (c *Console) cancelQuery(w http.ResponseWriter, r *http.Request, _ *session) {
	if err := c.srv.CancelQuery(r.PathValue("id")); err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, map[string]string{"status": "CANCELLED"})
}

// exportTypes are the downloads offered, with their media types.
var exportTypes = map[string]string{
	"csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8",
	"json": "application/json", "ndjson": "application/x-ndjson",
	"parquet": "application/vnd.apache.parquet", "arrow": "application/vnd.apache.arrow.file",
}

// export downloads a finished query's result in one of resultfmt's file
// formats. It is a GET (so the browser's download manager streams it), so
// the CSRF token comes as a parameter.
func (c *Console) export(w http.ResponseWriter, r *http.Request, s *session) {
	if !checkCSRF(r.URL.Query().Get("csrf"), s) {
		writeError(w, http.StatusForbidden, "InvalidCSRFToken", "the download link lacks the session's CSRF token")
		return
	}
	format := r.URL.Query().Get("format")
	ct, ok := exportTypes[format]
	if !ok || !resultfmt.Known(format) {
		writeError(w, http.StatusBadRequest, "InvalidParameterException", "format must be csv, tsv, json, ndjson, parquet or arrow")
		return
	}
	rec, ok := c.record(w, r)
	if !ok {
		return
	}
	// The body starts only once the query has opened, so an early error is
	// still a JSON answer; a failure midway cuts the download short.
	lw := &lazyWriter{w: w, header: func() {
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Content-Disposition", `attachment; filename="ctlake-`+rec.ID[:8]+`.`+format+`"`)
	}}
	if err := c.srv.Export(r.Context(), rec.ID, format, lw); err != nil {
		if !lw.started {
			fail(w, err)
			return
		}
		c.log.Printf("console: export of %s as %s cut short: %v", rec.ID, format, err)
	}
	lw.start()
}

// lazyWriter sets the download's headers at the first byte.
type lazyWriter struct {
	w       http.ResponseWriter
	header  func()
	started bool
}

func (l *lazyWriter) start() {
	if !l.started {
		l.started = true
		l.header()
	}
}

func (l *lazyWriter) Write(p []byte) (int, error) {
	l.start()
	return l.w.Write(p)
}

func (c *Console) getHistory(w http.ResponseWriter, r *http.Request, _ *session) {
	q := r.URL.Query()
	f := lakeapi.HistoryFilter{Text: q.Get("q"), Status: q.Get("status"), Source: q.Get("source"), Store: q.Get("store")}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	if b := q.Get("before"); b != "" {
		t, err := time.Parse(time.RFC3339Nano, b)
		if err != nil {
			writeError(w, http.StatusBadRequest, "InvalidParameterException", "before must be an RFC 3339 time")
			return
		}
		f.Before = t
	}
	recs, total := c.srv.History(f)
	out := make([]queryOut, len(recs))
	for i, rec := range recs {
		rec.Plan = nil // the list shows figures, not plans
		out[i] = queryOut{QueryRecord: rec, HasResults: (rec.Status == "FINISHED" || rec.Status == "TIMED_OUT") && !rec.NoResults}
	}
	writeJSON(w, map[string]any{"queries": out, "total": total})
}

func (c *Console) listSaved(w http.ResponseWriter, r *http.Request, _ *session) {
	all, err := lakeapi.ListSaved(c.srv.Catalog().Dir)
	if err != nil && len(all) == 0 {
		fail(w, err)
		return
	}
	if all == nil {
		all = []lakeapi.SavedQuery{}
	}
	writeJSON(w, map[string]any{"saved": all})
}

func (c *Console) saveQuery(w http.ResponseWriter, r *http.Request, _ *session) {
	var q lakeapi.SavedQuery
	if !decode(w, r, &q) {
		return
	}
	q.ID = r.PathValue("id") // empty on POST: a new query
	out, err := c.srv.SaveQuery(q)
	if err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, out)
}

func (c *Console) deleteSaved(w http.ResponseWriter, r *http.Request, _ *session) {
	if err := c.srv.DeleteSaved(r.PathValue("id")); err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, map[string]bool{"ok": true})
}

func (c *Console) getStore(w http.ResponseWriter, r *http.Request, _ *session) {
	d, err := c.srv.DescribeStore(r.PathValue("ref"), 50)
	if err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, d)
}

func (c *Console) getActivity(w http.ResponseWriter, r *http.Request, _ *session) {
	ingests := lakeapi.RunningIngests(c.srv.Catalog().Dir)
	if ingests == nil {
		ingests = []lakeapi.IngestProgress{}
	}
	writeJSON(w, map[string]any{"ingests": ingests})
}
