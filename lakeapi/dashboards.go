package lakeapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ctlake/ctlake/engine"
	"github.com/ctlake/ctlake/orcstore"
)

// Dashboards are named sets of widgets, each a saved query whose `?`
// placeholders take the refresh's $StartTime$, $EndTime$ and $Period$ (or
// literal values) in order. StartDashboardRefresh runs every widget as a
// query under the widget's QueryAlias and the refresh's RefreshId, so
// DescribeQuery(QueryAlias, RefreshId) finds each run, and StartQuery with
// a QueryAlias and QueryParameters runs one widget directly. A dashboard is
// DATA/api/dashboards/<name>.json. Scheduled refreshes (RefreshSchedule
// ENABLED) run from the server's janitor over the last period.

type widget struct {
	QueryAlias      string            `json:"QueryAlias,omitempty"`
	QueryStatement  string            `json:"QueryStatement"`
	QueryParameters []string          `json:"QueryParameters,omitempty"`
	ViewProperties  map[string]string `json:"ViewProperties,omitempty"`
}

type refreshSchedule struct {
	Frequency *struct {
		Unit  string `json:"Unit,omitempty"`
		Value int    `json:"Value,omitempty"`
	} `json:"Frequency,omitempty"`
	Status    string `json:"Status,omitempty"`
	TimeOfDay string `json:"TimeOfDay,omitempty"`
}

func (r *refreshSchedule) every() time.Duration {
	if r == nil || r.Status != "ENABLED" || r.Frequency == nil || r.Frequency.Value <= 0 {
		return 0
	}
	unit := time.Hour
	if r.Frequency.Unit == "DAYS" {
		unit = 24 * time.Hour
	}
	return time.Duration(r.Frequency.Value) * unit
}

type dashboard struct {
	ARN                   string           `json:"arn"`
	Name                  string           `json:"name"`
	Widgets               []widget         `json:"widgets"`
	RefreshSchedule       *refreshSchedule `json:"refreshSchedule,omitempty"`
	Tags                  []tag            `json:"tags,omitempty"`
	TerminationProtection bool             `json:"terminationProtectionEnabled"`
	Status                string           `json:"status"`
	CreatedAt             time.Time        `json:"createdAt"`
	UpdatedAt             time.Time        `json:"updatedAt"`
	LastRefreshID         string           `json:"lastRefreshId,omitempty"`
	LastRefreshAt         time.Time        `json:"lastRefreshAt,omitzero"`
	LastRefreshFailure    string           `json:"lastRefreshFailureReason,omitempty"`
	managed               bool             // built in (dashboards_managed.go); only its refresh state is saved
}

type dashboardStore struct {
	s   *Server
	dir string
	mu  sync.Mutex
	all map[string]*dashboard // custom dashboards by name
	// managed are the built-in dashboards by name; their refresh state is
	// DATA/api/dashboards/managed/<name>.json.
	managed map[string]*dashboard
	seq     int64 // keeps RefreshIds unique within a millisecond
}

var dashboardNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-zA-Z0-9_\-]{3,128}$`) })

func newDashboardStore(s *Server) (*dashboardStore, error) {
	d := &dashboardStore{s: s, dir: filepath.Join(s.dir, "dashboards"), all: map[string]*dashboard{}, managed: newManaged()}
	if err := os.MkdirAll(filepath.Join(d.dir, "managed"), 0o700); err != nil {
		return nil, fmt.Errorf("api state: %w", err)
	}
	region := s.cfg.Region
	if region == "" {
		region = DefaultRegion
	}
	for name, db := range d.managed {
		db.ARN = fmt.Sprintf("arn:aws:cloudtrail:%s:%s:dashboard/%s", region, s.cfg.AccountID, name)
		var state dashboard
		if b, err := os.ReadFile(filepath.Join(d.dir, "managed", name+".json")); err == nil && json.Unmarshal(b, &state) == nil {
			db.LastRefreshID, db.LastRefreshAt, db.LastRefreshFailure = state.LastRefreshID, state.LastRefreshAt, state.LastRefreshFailure
		}
	}
	ents, err := os.ReadDir(d.dir)
	if err != nil {
		return nil, err
	}
	for _, de := range ents {
		name, ok := strings.CutSuffix(de.Name(), ".json")
		if !ok || !dashboardNameRE().MatchString(name) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(d.dir, de.Name()))
		if err != nil {
			return nil, err
		}
		var db dashboard
		if err := json.Unmarshal(b, &db); err != nil || db.Name != name {
			s.log.Printf("dashboards: skipping unreadable %s: %v", de.Name(), err)
			continue
		}
		d.all[name] = &db
	}
	return d, nil
}

// save writes db; the caller holds d.mu.
func (d *dashboardStore) save(db *dashboard) error {
	if db.managed {
		return orcstore.WriteJSONAtomic(filepath.Join(d.dir, "managed", db.Name+".json"), db)
	}
	return orcstore.WriteJSONAtomic(filepath.Join(d.dir, db.Name+".json"), db)
}

// lookup finds a dashboard by ARN or name; the caller holds d.mu. The name
// is checked against the name pattern before it names a file.
func (d *dashboardStore) lookup(ref string) (*dashboard, error) {
	name := ref
	if i := strings.LastIndex(ref, ":dashboard/"); i >= 0 {
		name = ref[i+len(":dashboard/"):]
	}
	db, ok := d.all[name]
	if m, isManaged := d.managed[name]; isManaged {
		db, ok = m, true
	}
	if !dashboardNameRE().MatchString(name) || !ok {
		return nil, errorf("ResourceNotFoundException", "The dashboard %s was not found.", ref)
	}
	return db, nil
}

// dashboardCall decodes a request naming a dashboard and finds it.
func (s *Server) dashboardCall(c *call) (*dashboard, dashboardIn, error) {
	var in dashboardIn
	if err := c.decode(&in); err != nil {
		return nil, in, err
	}
	s.dashboards.mu.Lock()
	defer s.dashboards.mu.Unlock()
	db, err := s.dashboards.lookup(in.DashboardId)
	return db, in, err
}

func (s *Server) registerDashboards() {
	s.ops["CreateDashboard"] = s.createDashboard
	s.ops["GetDashboard"] = s.getDashboard
	s.ops["ListDashboards"] = s.listDashboards
	s.ops["UpdateDashboard"] = s.updateDashboard
	s.ops["DeleteDashboard"] = s.deleteDashboard
	s.ops["StartDashboardRefresh"] = s.startDashboardRefresh
}

type dashboardIn struct {
	Name                         string
	DashboardId                  string
	Widgets                      []widget
	RefreshSchedule              *refreshSchedule
	TagsList                     []tag
	TerminationProtectionEnabled *bool
	QueryParameterValues         map[string]string
	NamePrefix                   string
	Type                         string
	NextToken                    string
	MaxResults                   int
}

type dashboardOut struct {
	DashboardArn                 string           `json:"DashboardArn"`
	Name                         string           `json:"Name,omitempty"`
	Type                         string           `json:"Type"`
	Status                       string           `json:"Status,omitempty"`
	Widgets                      []widget         `json:"Widgets"`
	TagsList                     []tag            `json:"TagsList,omitempty"`
	RefreshSchedule              *refreshSchedule `json:"RefreshSchedule,omitempty"`
	TerminationProtectionEnabled bool             `json:"TerminationProtectionEnabled"`
	CreatedTimestamp             *epoch           `json:"CreatedTimestamp,omitempty"`
	UpdatedTimestamp             *epoch           `json:"UpdatedTimestamp,omitempty"`
	LastRefreshId                string           `json:"LastRefreshId,omitempty"`
	LastRefreshFailureReason     string           `json:"LastRefreshFailureReason,omitempty"`
}

func (db *dashboard) view() dashboardOut {
	return dashboardOut{
		DashboardArn: db.ARN, Name: db.Name, Type: db.kind(), Status: db.Status, Widgets: db.Widgets, TagsList: db.Tags,
		RefreshSchedule: db.RefreshSchedule, TerminationProtectionEnabled: db.TerminationProtection,
		CreatedTimestamp: at(db.CreatedAt), UpdatedTimestamp: at(db.UpdatedAt),
		LastRefreshId: db.LastRefreshID, LastRefreshFailureReason: db.LastRefreshFailure,
	}
}

// kind is the dashboard's Type.
func (db *dashboard) kind() string {
	if db.managed {
		return "MANAGED"
	}
	return "CUSTOM"
}

// checkWidgets plans each widget's query (with its placeholders bound to
// sample values) so a bad statement is refused when it is saved, and
// names each widget's alias.
func (s *Server) checkWidgets(name string, ws []widget) ([]widget, error) {
	if len(ws) > 10 {
		return nil, errorf("ServiceQuotaExceededException", "a dashboard holds at most 10 widgets, not %d", len(ws))
	}
	out := make([]widget, len(ws))
	for i, w := range ws {
		w.QueryAlias = fmt.Sprintf("dashboard-%s-%d", name, i+1)
		sample := make([]string, placeholders(w.QueryStatement))
		for j := range sample {
			sample[j] = "2024-01-01 00:00:00"
		}
		stmt, err := bindParams(w.QueryStatement, sample)
		if err == nil {
			var q *engine.Query
			if q, err = s.eng.Prepare(s.queries.base, stmt, s.queryOptions(orcstore.TimeRange{})); err == nil {
				q.Close() // only checked, never run
			}
		}
		if err != nil {
			return nil, errorf("InvalidQueryStatementException", "widget %d: %v", i+1, err)
		}
		if n := placeholders(w.QueryStatement); n != len(w.QueryParameters) {
			return nil, errorf("InvalidQueryStatementException", "widget %d: the query has %d ? placeholders but %d QueryParameters", i+1, n, len(w.QueryParameters))
		}
		out[i] = w
	}
	return out, nil
}

func (s *Server) createDashboard(c *call) (any, error) {
	var in dashboardIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if strings.HasPrefix(in.Name, ManagedPrefix) {
		return nil, errorf("ConflictException", "dashboard names starting with %s are the managed dashboards'; choose another name", ManagedPrefix)
	}
	ws, err := s.checkWidgets(in.Name, in.Widgets)
	if err != nil {
		return nil, err
	}
	d := s.dashboards
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.all[in.Name]; ok {
		return nil, errorf("ConflictException", "A dashboard named %s already exists.", in.Name)
	}
	if len(d.all) >= 100 {
		return nil, errorf("ServiceQuotaExceededException", "at most 100 dashboards")
	}
	now := s.now()
	db := &dashboard{
		ARN: fmt.Sprintf("arn:aws:cloudtrail:%s:%s:dashboard/%s", c.region, s.cfg.AccountID, in.Name), Name: in.Name,
		Widgets: ws, RefreshSchedule: in.RefreshSchedule, Tags: in.TagsList, TerminationProtection: in.TerminationProtectionEnabled != nil && *in.TerminationProtectionEnabled,
		Status: "CREATED", CreatedAt: now, UpdatedAt: now,
	}
	if err := d.save(db); err != nil {
		return nil, err
	}
	d.all[db.Name] = db
	v := db.view()
	v.Status, v.CreatedTimestamp, v.UpdatedTimestamp = "", nil, nil
	return v, nil
}

func (s *Server) getDashboard(c *call) (any, error) {
	db, _, err := s.dashboardCall(c)
	if err != nil {
		return nil, err
	}
	s.dashboards.mu.Lock()
	defer s.dashboards.mu.Unlock()
	v := db.view()
	v.Name, v.TagsList = "", nil
	return v, nil
}

func (s *Server) listDashboards(c *call) (any, error) {
	var in dashboardIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	d := s.dashboards
	d.mu.Lock()
	var list []*dashboard
	for _, db := range d.all {
		if strings.HasPrefix(db.Name, in.NamePrefix) && (in.Type == "" || in.Type == "CUSTOM") {
			list = append(list, db)
		}
	}
	for _, db := range d.managed {
		if strings.HasPrefix(db.Name, in.NamePrefix) && (in.Type == "" || in.Type == "MANAGED") {
			list = append(list, db)
		}
	}
	d.mu.Unlock()
	page, next, err := pageOf(c.op, list, func(db *dashboard) string { return db.Name }, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	type item struct {
		DashboardArn string `json:"DashboardArn"`
		Type         string `json:"Type"`
	}
	out := struct {
		Dashboards []item `json:"Dashboards"`
		NextToken  string `json:"NextToken,omitempty"`
	}{Dashboards: []item{}, NextToken: next}
	for _, db := range page {
		out.Dashboards = append(out.Dashboards, item{db.ARN, db.kind()})
	}
	return out, nil
}

func (s *Server) updateDashboard(c *call) (any, error) {
	db, in, err := s.dashboardCall(c)
	if err != nil {
		return nil, err
	}
	if db.managed {
		return nil, errorf("UnsupportedOperationException", "%s is a managed dashboard and cannot be changed; create a custom dashboard with its widgets instead", db.Name)
	}
	d := s.dashboards
	var ws []widget
	if in.Widgets != nil {
		if ws, err = s.checkWidgets(db.Name, in.Widgets); err != nil {
			return nil, err
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	next := *db
	if in.Widgets != nil {
		next.Widgets = ws
	}
	if in.RefreshSchedule != nil {
		next.RefreshSchedule = in.RefreshSchedule
	}
	if in.TerminationProtectionEnabled != nil {
		next.TerminationProtection = *in.TerminationProtectionEnabled
	}
	next.Status, next.UpdatedAt = "UPDATED", s.now()
	if err := d.save(&next); err != nil {
		return nil, err
	}
	*db = next
	v := db.view()
	v.Status, v.TagsList, v.LastRefreshId, v.LastRefreshFailureReason = "", nil, "", ""
	return v, nil
}

func (s *Server) deleteDashboard(c *call) (any, error) {
	db, _, err := s.dashboardCall(c)
	if err != nil {
		return nil, err
	}
	if db.managed {
		return nil, errorf("UnsupportedOperationException", "%s is a managed dashboard and cannot be deleted", db.Name)
	}
	d := s.dashboards
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.all[db.Name] != db { // deleted meanwhile
		return nil, errorf("ResourceNotFoundException", "The dashboard %s was not found.", db.Name)
	}
	if db.TerminationProtection {
		return nil, errorf("ConflictException", "Dashboard %s has termination protection enabled; turn it off with UpdateDashboard first.", db.Name)
	}
	if err := os.Remove(filepath.Join(d.dir, db.Name+".json")); err != nil {
		return nil, err
	}
	delete(d.all, db.Name)
	return struct{}{}, nil
}

func (s *Server) startDashboardRefresh(c *call) (any, error) {
	db, in, err := s.dashboardCall(c)
	if err != nil {
		return nil, err
	}
	id, err := s.refresh(db, in.QueryParameterValues, 24*time.Hour)
	if err != nil {
		return nil, err
	}
	return struct {
		RefreshId string `json:"RefreshId"`
	}{id}, nil
}

// refresh runs every widget of db with values for its parameters
// ($StartTime$ and $EndTime$ default to the last span, $Period$ to the
// span in seconds; a managed dashboard needs $EventDataStoreId$) and
// records the refresh. Values are bound as given (the engine reads times
// as Lake prints them and in RFC 3339, the only form QueryParameterValues'
// pattern lets through, as it refuses spaces); widgets scoped to the
// dashboard's time range (ViewProperties TimeScope=Dashboard) need times
// it can read.
func (s *Server) refresh(db *dashboard, values map[string]string, span time.Duration) (string, error) {
	d := s.dashboards
	now := s.now()
	vals := map[string]string{
		"$StartTime$": now.Add(-span).Format("2006-01-02 15:04:05.000"),
		"$EndTime$":   now.Format("2006-01-02 15:04:05.000"),
		"$Period$":    strconv.FormatInt(int64(span/time.Second), 10),
	}
	for k, v := range values {
		vals[k] = v
	}
	storeID := ""
	if db.managed {
		ref, ok := values[storeParam]
		if !ok {
			return "", errorf("InvalidParameterException", "refreshing the managed dashboard %s needs the %s query parameter", db.Name, storeParam)
		}
		st, _, err := s.resolveActive(ref)
		if err != nil {
			return "", err
		}
		storeID = st.Info.ID
	}
	from, ferr := parseParamTime(vals["$StartTime$"])
	to, terr := parseParamTime(vals["$EndTime$"])
	d.mu.Lock()
	widgets := append([]widget(nil), db.Widgets...)
	d.mu.Unlock()
	for _, w := range widgets {
		if w.ViewProperties["TimeScope"] == "Dashboard" {
			if err := errors.Join(ferr, terr); err != nil {
				return "", errorf("InvalidParameterException", "%v", err)
			}
		}
	}
	d.mu.Lock()
	d.seq++
	refreshID := strconv.FormatInt(now.UnixMilli()*1000+d.seq%1000, 10)
	d.mu.Unlock()
	var failure string
	for i, w := range widgets {
		params := make([]string, len(w.QueryParameters))
		for j, p := range w.QueryParameters {
			if v, ok := vals[p]; ok {
				params[j] = v
			} else {
				params[j] = p
			}
		}
		stmt := w.QueryStatement
		if db.managed {
			stmt = bindStore(stmt, storeID)
		}
		stmt, err := bindParams(stmt, params)
		if err == nil {
			so := startOptions{alias: w.QueryAlias, refreshID: refreshID, source: "dashboard"}
			if w.ViewProperties["TimeScope"] == "Dashboard" {
				so.scope = timeScope(from, to)
			}
			_, err = s.queries.start(s.queries.base, stmt, so)
		}
		if err != nil {
			failure = fmt.Sprintf("widget %d (%s): %v", i+1, w.QueryAlias, err)
			break
		}
	}
	d.mu.Lock()
	db.LastRefreshID, db.LastRefreshAt, db.LastRefreshFailure = refreshID, now, failure
	err := d.save(db)
	d.mu.Unlock()
	if failure != "" {
		return "", errorf("ServiceQuotaExceededException", "refresh %s stopped at %s", refreshID, failure)
	}
	return refreshID, err
}

// scheduled runs the refreshes whose schedule is due.
func (d *dashboardStore) scheduled() {
	now := d.s.now()
	d.mu.Lock()
	var due []*dashboard
	for _, db := range d.all {
		if every := db.RefreshSchedule.every(); every > 0 && !now.Before(db.LastRefreshAt.Add(every)) {
			db.LastRefreshAt = now // claimed: a concurrent sweep skips it
			due = append(due, db)
		}
	}
	d.mu.Unlock()
	for _, db := range due {
		if _, err := d.s.refresh(db, nil, db.RefreshSchedule.every()); err != nil {
			d.s.log.Printf("dashboard %s: scheduled refresh: %v", db.Name, err)
		}
	}
}

// aliasStatement is the statement StartQuery runs for a widget's alias,
// with params bound to its placeholders.
func (d *dashboardStore) aliasStatement(alias string, params []string) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, db := range d.managed {
		for _, w := range db.Widgets {
			if w.QueryAlias == alias {
				return "", errorf("InvalidParameterException", "%s is a widget of the managed dashboard %s; run it with StartDashboardRefresh and %s", alias, db.Name, storeParam)
			}
		}
	}
	for _, db := range d.all {
		for _, w := range db.Widgets {
			if w.QueryAlias == alias {
				if n := placeholders(w.QueryStatement); n != len(params) {
					return "", errorf("InvalidParameterException", "the query of %s has %d ? placeholders; give as many QueryParameters (got %d)", alias, n, len(params))
				}
				return bindParams(w.QueryStatement, params)
			}
		}
	}
	return "", errorf("InvalidParameterException", "no dashboard widget has the query alias %s", alias)
}

// placeholders counts the ? placeholders of a widget query.
func placeholders(stmt string) int {
	n := 0
	scanPlaceholders(stmt, func(int, bool) { n++ })
	return n
}

// bindParams replaces the ? placeholders in order: inside a string literal
// ('?', as Lake's templates compare eventTime) by the value with quotes
// doubled, elsewhere by the value as a string literal.
func bindParams(stmt string, params []string) (string, error) {
	var b strings.Builder
	last, i := 0, 0
	var err error
	scanPlaceholders(stmt, func(pos int, quoted bool) {
		if i >= len(params) {
			err = errorf("InvalidParameterException", "the query has more ? placeholders than the %d values given", len(params))
			return
		}
		b.WriteString(stmt[last:pos])
		v := strings.ReplaceAll(params[i], "'", "''")
		if quoted {
			b.WriteString(v)
		} else {
			b.WriteString("'" + v + "'")
		}
		last, i = pos+1, i+1
	})
	if err != nil {
		return "", err
	}
	b.WriteString(stmt[last:])
	return b.String(), nil
}

// scanPlaceholders calls fn with the byte position of each ? that is a
// placeholder: outside comments and quoted identifiers, and either bare or
// as the whole of a '?' literal.
func scanPlaceholders(stmt string, fn func(pos int, quoted bool)) {
	for i := 0; i < len(stmt); i++ {
		switch c := stmt[i]; {
		case c == '-' && strings.HasPrefix(stmt[i:], "--"):
			for i < len(stmt) && stmt[i] != '\n' {
				i++
			}
		case c == '/' && strings.HasPrefix(stmt[i:], "/*"):
			end := strings.Index(stmt[i+2:], "*/")
			if end < 0 {
				return
			}
			i += end + 3
		case c == '"':
			end := strings.IndexByte(stmt[i+1:], '"')
			if end < 0 {
				return
			}
			i += end + 1
		case c == '\'':
			j := i + 1
			for j < len(stmt) {
				if stmt[j] == '\'' {
					if j+1 < len(stmt) && stmt[j+1] == '\'' {
						j += 2
						continue
					}
					break
				}
				j++
			}
			if j == i+2 && stmt[i+1] == '?' {
				fn(i+1, true)
			}
			i = j
		case c == '?':
			fn(i, false)
		}
	}
}

// parseParamTime reads a $StartTime$ or $EndTime$ value: Lake's printed
// form, RFC 3339, or epoch seconds.
func parseParamTime(v string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02 15:04:05.000", "2006-01-02 15:04:05", time.RFC3339Nano} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 && n < 1e11 {
		return time.Unix(n, 0).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time (want RFC 3339, e.g. 2024-05-01T00:00:00Z, or epoch seconds)", v)
}
