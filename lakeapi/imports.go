package lakeapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/ctlake/ctlake/ingest"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/s3io"
)

// StartImport copies CloudTrail logs into a store with ctlake's ingest: the
// same reader as `ctlake ingest` (every JSON shape, .gz, CloudTrail's S3
// layout, deduplication, rejects kept with their reasons). S3LocationUri
// takes an s3:// prefix (read with the server's AWS credentials) or a local
// folder or file, as file:///path or /path. Lake runs one
// import per account at a time; so does this server. Records live in
// DATA/api/imports/<id>.json.

// Import states (ImportStatus).
const (
	imInitializing = "INITIALIZING"
	imInProgress   = "IN_PROGRESS"
	imFailed       = "FAILED"
	imStopped      = "STOPPED"
	imCompleted    = "COMPLETED"
)

type importSource struct {
	S3 struct {
		S3LocationUri         string `json:"S3LocationUri"`
		S3BucketRegion        string `json:"S3BucketRegion"`
		S3BucketAccessRoleArn string `json:"S3BucketAccessRoleArn"`
	} `json:"S3"`
}

type importStatistics struct {
	PrefixesFound     int64 `json:"PrefixesFound"`
	PrefixesCompleted int64 `json:"PrefixesCompleted"`
	FilesCompleted    int64 `json:"FilesCompleted"`
	EventsCompleted   int64 `json:"EventsCompleted"`
	FailedEntries     int64 `json:"FailedEntries"`
}

type importFailure struct {
	Location        string    `json:"Location"`
	Status          string    `json:"Status"`
	ErrorType       string    `json:"ErrorType"`
	ErrorMessage    string    `json:"ErrorMessage"`
	LastUpdatedTime time.Time `json:"LastUpdatedTime"`
}

// importRecord is an import's persistent state.
type importRecord struct {
	ID             string           `json:"id"`
	StoreID        string           `json:"storeId"`
	Destination    string           `json:"destination"` // the store's ARN
	Source         importSource     `json:"source"`
	StartEventTime *time.Time       `json:"startEventTime,omitempty"`
	EndEventTime   *time.Time       `json:"endEventTime,omitempty"`
	Status         string           `json:"status"`
	CreatedAt      time.Time        `json:"createdAt"`
	UpdatedAt      time.Time        `json:"updatedAt"`
	Stats          importStatistics `json:"statistics"`
	Failures       []importFailure  `json:"failures,omitempty"`
}

type importEntry struct {
	rec     importRecord
	cancel  context.CancelFunc
	writeMu sync.Mutex
}

type importManager struct {
	s    *Server
	dir  string
	base context.Context
	wg   sync.WaitGroup

	mu      sync.Mutex
	entries map[string]*importEntry
}

func newImportManager(ctx context.Context, s *Server) (*importManager, error) {
	m := &importManager{s: s, dir: filepath.Join(s.dir, "imports"), base: ctx, entries: map[string]*importEntry{}}
	if err := os.MkdirAll(m.dir, 0o700); err != nil {
		return nil, fmt.Errorf("api state: %w", err)
	}
	ents, err := os.ReadDir(m.dir)
	if err != nil {
		return nil, err
	}
	for _, de := range ents {
		if !strings.HasSuffix(de.Name(), ".json") || strings.HasPrefix(de.Name(), ".") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(m.dir, de.Name()))
		if err != nil {
			return nil, err
		}
		e := &importEntry{}
		if err := json.Unmarshal(b, &e.rec); err != nil || e.rec.ID+".json" != de.Name() {
			s.log.Printf("imports: skipping unreadable record %s: %v", de.Name(), err)
			continue
		}
		if e.rec.Status == imInitializing || e.rec.Status == imInProgress {
			e.rec.Status = imFailed
			e.rec.UpdatedAt = s.now()
			e.rec.Failures = append(e.rec.Failures, importFailure{Location: e.rec.Source.S3.S3LocationUri, Status: "FAILED", ErrorType: "ServerStopped",
				ErrorMessage: "the ctlake server stopped during the import; what it had committed is kept; StartImport with this ImportId resumes it", LastUpdatedTime: s.now()})
			if err := m.persist(e); err != nil {
				return nil, err
			}
		}
		m.entries[e.rec.ID] = e
	}
	return m, nil
}

func (m *importManager) persist(e *importEntry) error {
	e.writeMu.Lock()
	defer e.writeMu.Unlock()
	m.mu.Lock()
	rec := e.rec
	rec.Failures = append([]importFailure(nil), e.rec.Failures...)
	m.mu.Unlock()
	return orcstore.WriteJSONAtomic(filepath.Join(m.dir, rec.ID+".json"), rec)
}

// runningInto reports whether an import into store id is under way.
func (m *importManager) runningInto(id string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, e := range m.entries {
		if e.rec.StoreID == id && (e.rec.Status == imInitializing || e.rec.Status == imInProgress) {
			return true
		}
	}
	return false
}

func (m *importManager) shutdown() {
	m.mu.Lock()
	for _, e := range m.entries {
		if e.cancel != nil {
			e.cancel()
		}
	}
	m.mu.Unlock()
	m.wg.Wait()
}

func (m *importManager) close()  { m.wg.Wait() }
func (m *importManager) expire() {}

func (s *Server) registerImports() {
	s.ops["StartImport"] = s.startImport
	s.ops["GetImport"] = s.getImport
	s.ops["ListImports"] = s.listImports
	s.ops["StopImport"] = s.stopImport
	s.ops["ListImportFailures"] = s.listImportFailures
}

type startImportIn struct {
	Destinations   []string
	ImportSource   *importSource
	StartEventTime *epoch
	EndEventTime   *epoch
	ImportId       string
}

type importOut struct {
	ImportId         string            `json:"ImportId"`
	Destinations     []string          `json:"Destinations"`
	ImportSource     importSource      `json:"ImportSource"`
	StartEventTime   *epoch            `json:"StartEventTime,omitempty"`
	EndEventTime     *epoch            `json:"EndEventTime,omitempty"`
	ImportStatus     string            `json:"ImportStatus"`
	CreatedTimestamp *epoch            `json:"CreatedTimestamp,omitempty"`
	UpdatedTimestamp *epoch            `json:"UpdatedTimestamp,omitempty"`
	ImportStatistics *importStatistics `json:"ImportStatistics,omitempty"`
}

func importView(r importRecord, withStats bool) importOut {
	o := importOut{
		ImportId: r.ID, Destinations: []string{r.Destination}, ImportSource: r.Source, ImportStatus: r.Status,
		CreatedTimestamp: at(r.CreatedAt), UpdatedTimestamp: at(r.UpdatedAt),
	}
	if r.StartEventTime != nil {
		o.StartEventTime = at(*r.StartEventTime)
	}
	if r.EndEventTime != nil {
		o.EndEventTime = at(*r.EndEventTime)
	}
	if withStats {
		st := r.Stats
		o.ImportStatistics = &st
	}
	return o
}

func (s *Server) startImport(c *call) (any, error) {
	var in startImportIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	m := s.imports
	var e *importEntry
	if in.ImportId != "" {
		m.mu.Lock()
		e = m.entries[in.ImportId]
		m.mu.Unlock()
		if e == nil {
			return nil, errorf("ImportNotFoundException", "The import %s was not found.", in.ImportId)
		}
	} else {
		if len(in.Destinations) != 1 || in.ImportSource == nil {
			return nil, errorf("InvalidParameterException", "StartImport needs Destinations (one event data store) and ImportSource, or the ImportId of an import to restart")
		}
		rec := importRecord{ID: newUUID(), Source: *in.ImportSource, CreatedAt: s.now()}
		if in.StartEventTime != nil {
			t := time.Time(*in.StartEventTime).UTC()
			rec.StartEventTime = &t
		}
		if in.EndEventTime != nil {
			t := time.Time(*in.EndEventTime).UTC()
			rec.EndEventTime = &t
		}
		if rec.StartEventTime != nil && rec.EndEventTime != nil && rec.StartEventTime.After(*rec.EndEventTime) {
			return nil, errorf("InvalidParameterException", "StartEventTime is after EndEventTime")
		}
		st, _, err := s.resolveActive(in.Destinations[0])
		if err != nil {
			return nil, err
		}
		rec.StoreID, rec.Destination = st.Info.ID, st.Info.ARN
		e = &importEntry{rec: rec}
	}
	path, err := s.importPath(e.rec.Source.S3.S3LocationUri)
	if err != nil {
		return nil, err
	}
	if role := e.rec.Source.S3.S3BucketAccessRoleArn; s.cfg.S3AssumeRole && s3io.IsURL(path) && !roleARN().MatchString(role) {
		return nil, errorf("InvalidImportSourceException", "S3BucketAccessRoleArn %q is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME); this server assumes it to read the bucket (--s3-assume-role)", role)
	}
	st, _, err := s.resolveActive(e.rec.StoreID)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	for _, other := range m.entries {
		if other.rec.Status == imInitializing || other.rec.Status == imInProgress {
			m.mu.Unlock()
			return nil, errorf("AccountHasOngoingImportException", "Import %s is still %s; one import runs at a time.", other.rec.ID, other.rec.Status)
		}
	}
	ctx, cancel := context.WithCancel(m.base)
	e.cancel = cancel
	e.rec.Status = imInitializing
	e.rec.UpdatedAt = s.now()
	e.rec.Stats = importStatistics{}
	e.rec.Failures = nil
	m.entries[e.rec.ID] = e
	m.mu.Unlock()
	if err := m.persist(e); err != nil {
		cancel()
		return nil, err
	}
	m.wg.Add(1)
	go m.run(ctx, e, st, path)
	m.mu.Lock()
	out := importView(e.rec, false)
	m.mu.Unlock()
	return out, nil
}

// roleARN is an IAM role's ARN, in any partition. Compiled on first use:
// the {1,512} repetition makes a large program (2.6 ms and 1,600
// allocations), which every ctlake process paid at init, `query` included.
var roleARN = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$`)
})

// importPath checks S3LocationUri: an s3:// URL (returned as it is) or a
// local path, file:///abs or /abs (returned cleaned).
func (s *Server) importPath(uri string) (string, error) {
	var p string
	switch {
	case s3io.IsURL(uri):
		if _, _, err := s3io.ParseURL(uri); err != nil {
			return "", errorf("InvalidImportSourceException", "S3LocationUri %q: %v", uri, err)
		}
		return uri, nil
	case strings.HasPrefix(uri, "file://"):
		u, err := url.Parse(uri)
		if err != nil || u.Host != "" && u.Host != "localhost" {
			return "", errorf("InvalidImportSourceException", "S3LocationUri %q: want file:///absolute/path", uri)
		}
		p = u.Path
	default:
		p = uri
	}
	if !filepath.IsAbs(p) {
		return "", errorf("InvalidImportSourceException", "S3LocationUri %q: give an absolute local path (file:///path or /path) or an s3:// URI", uri)
	}
	p = filepath.Clean(p)
	if root := s.cfg.ImportRoot; root != "" {
		// Symbolic links are followed before the check, so a link inside
		// the root cannot lead out of it.
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			return "", errorf("InvalidImportSourceException", "S3LocationUri %q: %v", uri, err)
		}
		rel, err := filepath.Rel(root, real)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return "", errorf("InvalidImportSourceException", "S3LocationUri %q is outside %s, the only folder this server imports from (--import-root)", uri, root)
		}
	}
	if _, err := os.Stat(p); err != nil {
		return "", errorf("InvalidImportSourceException", "S3LocationUri %q: %v", uri, err)
	}
	return p, nil
}

// run imports path (a local path or an s3:// URL) into st and records the
// outcome.
func (m *importManager) run(ctx context.Context, e *importEntry, st *orcstore.Store, path string) {
	defer m.wg.Done()
	s := m.s
	var dopts ingest.DiscoverOptions
	if e.rec.StartEventTime != nil {
		dopts.Since = *e.rec.StartEventTime
	}
	if e.rec.EndEventTime != nil {
		dopts.Until = *e.rec.EndEventTime
	}
	// The window applies event by event; the path dates above only spare
	// reading files that cannot hold events in it.
	cfg := ingest.Config{Store: st, EventsFrom: dopts.Since, EventsUntil: dopts.Until}
	var inputs []ingest.Input
	var problems []error
	nprefixes := 0
	if s3io.IsURL(path) {
		var err error
		inputs, nprefixes, err = m.listS3(ctx, e, st, path, dopts, &cfg)
		if err != nil {
			problems = append(problems, err)
		}
	} else {
		inputs, problems = ingest.Discover([]string{path}, dopts)
		prefixes := map[string]bool{}
		for _, in := range inputs {
			prefixes[filepath.Dir(in.Path)] = true
		}
		nprefixes = len(prefixes)
	}
	now := s.now()
	m.mu.Lock()
	e.rec.Status = imInProgress
	e.rec.UpdatedAt = now
	e.rec.Stats.PrefixesFound = int64(nprefixes)
	for _, p := range problems {
		e.rec.Failures = append(e.rec.Failures, importFailure{Location: path, Status: "FAILED", ErrorType: "InputError", ErrorMessage: p.Error(), LastUpdatedTime: now})
	}
	e.rec.Stats.FailedEntries = int64(len(problems))
	m.mu.Unlock()
	m.persist(e)
	if h := s.cfg.hooks; h != nil && h.importing != nil {
		h.importing(ctx, e.rec.ID)
	}

	var sum ingest.Summary
	var err error
	if len(inputs) == 0 {
		if len(problems) == 0 || !s3io.IsURL(path) {
			err = fmt.Errorf("no new CloudTrail files (*.json, *.json.gz, *.jsonl, *.ndjson) under %s", path)
		} else {
			err = problems[0]
		}
	} else {
		cfg.Progress = func(p ingest.Progress) {
			m.mu.Lock()
			e.rec.Stats.FilesCompleted = int64(p.InputsDone)
			e.rec.Stats.EventsCompleted = p.Ingested
			e.rec.Stats.FailedEntries = int64(len(problems)) + p.Rejected
			m.mu.Unlock()
		}
		sum, err = ingest.Ingest(ctx, cfg, inputs)
	}
	now = s.now()
	m.mu.Lock()
	r := &e.rec
	r.UpdatedAt = now
	if len(inputs) > 0 {
		r.Stats.FilesCompleted = int64(sum.InputsDone)
		r.Stats.EventsCompleted = sum.Ingested
		r.Stats.FailedEntries = int64(len(problems)+len(sum.InputErrors)) + sum.Rejected
	}
	for _, ie := range sum.InputErrors {
		r.Failures = append(r.Failures, importFailure{Location: inputName(ie), Status: "FAILED", ErrorType: "InputError", ErrorMessage: ie.Error(), LastUpdatedTime: now})
	}
	for _, rj := range sum.FirstRejects {
		r.Failures = append(r.Failures, importFailure{Location: fmt.Sprintf("%s:%d", rj.File, rj.Line), Status: "FAILED", ErrorType: "InvalidEvent", ErrorMessage: rj.Reason, LastUpdatedTime: now})
	}
	if more := sum.Rejected - int64(len(sum.FirstRejects)); more > 0 && len(sum.Rejects) > 0 {
		r.Failures = append(r.Failures, importFailure{Location: st.FilePath(sum.Rejects[len(sum.Rejects)-1]), Status: "FAILED", ErrorType: "InvalidEvent",
			ErrorMessage: fmt.Sprintf("%d more rejected events, kept with their reasons in the store's rejects", more), LastUpdatedTime: now})
	}
	switch {
	case err == nil:
		r.Status = imCompleted
		r.Stats.PrefixesCompleted = r.Stats.PrefixesFound
	case errors.Is(err, context.Canceled) || ctx.Err() != nil:
		r.Status = imStopped
	default:
		r.Status = imFailed
		r.Failures = append(r.Failures, importFailure{Location: path, Status: "FAILED", ErrorType: "ImportFailed", ErrorMessage: err.Error(), LastUpdatedTime: now})
	}
	e.cancel = nil
	status := r.Status
	m.mu.Unlock()
	if perr := m.persist(e); perr != nil {
		s.log.Printf("import %s: recording its end: %v", e.rec.ID, perr)
	}
	s.log.Printf("import %s into %s: %s (%d events, %d files)", e.rec.ID, st.Info.Name, status, sum.Ingested, sum.InputsDone)
}

// listS3 lists an s3:// import the way `ctlake ingest s3://…` does: the
// CloudTrail layout under the prefix, the days of the time range, minus the
// objects the store's source log says it already holds (so a restarted
// import fetches only the rest). The server's own AWS credentials are used,
// or with Config.S3AssumeRole the S3BucketAccessRoleArn they assume;
// S3BucketRegion names the region.
func (m *importManager) listS3(ctx context.Context, e *importEntry, st *orcstore.Store, url string, dopts ingest.DiscoverOptions, cfg *ingest.Config) ([]ingest.Input, int, error) {
	opts := ingest.S3Options{Options: m.s.cfg.S3, Since: dopts.Since, Until: dopts.Until}
	if m.s.cfg.S3AssumeRole {
		opts.AssumeRole = e.rec.Source.S3.S3BucketAccessRoleArn
		opts.RoleSessionName = "ctlake-import-" + e.rec.ID[:8]
	}
	if opts.Region == "" {
		opts.Region = e.rec.Source.S3.S3BucketRegion
	}
	src, err := ingest.OpenS3(ctx, url, opts)
	if err != nil {
		return nil, 0, err
	}
	l, err := src.ListObjects(ctx)
	if err != nil {
		return nil, 0, err
	}
	known, err := ingest.KnownObjects(st)
	if err != nil {
		return nil, 0, err
	}
	plan := ingest.PlanInputs(src.Inputs(l.Objects), known, false)
	if !dopts.Since.IsZero() || !dopts.Until.IsZero() {
		// Read under a time window, an object is not read whole: left out
		// of the source log, a later import without the window reads it
		// again (its events deduplicated) rather than skipping the rest.
		for i := range plan.Inputs {
			plan.Inputs[i].Object = nil
		}
	}
	cfg.SourceStats = src.Stats
	cfg.CommitInterval = 5 * time.Minute // durable progress on a slow network
	return plan.Inputs, l.Prefixes, nil
}

func inputName(err error) string {
	var ie *ingest.InputError
	if errors.As(err, &ie) {
		return ie.File
	}
	return ""
}

type importIDIn struct {
	ImportId   string
	MaxResults int
	NextToken  string
}

func (s *Server) importEntry(id string) (importRecord, error) {
	s.imports.mu.Lock()
	defer s.imports.mu.Unlock()
	e, ok := s.imports.entries[id]
	if !ok {
		return importRecord{}, errorf("ImportNotFoundException", "The import %s was not found.", id)
	}
	r := e.rec
	r.Failures = append([]importFailure(nil), e.rec.Failures...)
	return r, nil
}

func (s *Server) getImport(c *call) (any, error) {
	var in importIDIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	r, err := s.importEntry(in.ImportId)
	if err != nil {
		return nil, err
	}
	return importView(r, true), nil
}

func (s *Server) stopImport(c *call) (any, error) {
	var in importIDIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	m := s.imports
	m.mu.Lock()
	e, ok := m.entries[in.ImportId]
	var cancel context.CancelFunc
	if ok {
		cancel = e.cancel
	}
	m.mu.Unlock()
	if !ok {
		return nil, errorf("ImportNotFoundException", "The import %s was not found.", in.ImportId)
	}
	if cancel != nil {
		cancel()
		// The runner records STOPPED once ingest has returned (what it
		// committed before is kept); wait a little so the answer says so.
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			r, _ := s.importEntry(in.ImportId)
			if r.Status != imInitializing && r.Status != imInProgress {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	r, err := s.importEntry(in.ImportId)
	if err != nil {
		return nil, err
	}
	return importView(r, true), nil
}

type listImportsIn struct {
	MaxResults   int
	Destination  string
	ImportStatus string
	NextToken    string
}

func (s *Server) listImports(c *call) (any, error) {
	var in listImportsIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	storeID := ""
	if in.Destination != "" {
		st, _, err := s.resolve(in.Destination)
		if err != nil {
			return nil, err
		}
		storeID = st.Info.ID
	}
	s.imports.mu.Lock()
	var recs []importRecord
	for _, e := range s.imports.entries {
		if (storeID == "" || e.rec.StoreID == storeID) && (in.ImportStatus == "" || e.rec.Status == in.ImportStatus) {
			recs = append(recs, e.rec)
		}
	}
	s.imports.mu.Unlock()
	key := func(r importRecord) string {
		return fmt.Sprintf("%020d|%s", int64(1<<62)-r.CreatedAt.UnixNano(), r.ID)
	}
	page, next, err := pageOf(c.op, recs, key, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	type item struct {
		ImportId         string   `json:"ImportId"`
		ImportStatus     string   `json:"ImportStatus"`
		Destinations     []string `json:"Destinations"`
		CreatedTimestamp *epoch   `json:"CreatedTimestamp,omitempty"`
		UpdatedTimestamp *epoch   `json:"UpdatedTimestamp,omitempty"`
	}
	out := struct {
		Imports   []item `json:"Imports"`
		NextToken string `json:"NextToken,omitempty"`
	}{Imports: []item{}, NextToken: next}
	for _, r := range page {
		out.Imports = append(out.Imports, item{r.ID, r.Status, []string{r.Destination}, at(r.CreatedAt), at(r.UpdatedAt)})
	}
	return out, nil
}

func (s *Server) listImportFailures(c *call) (any, error) {
	var in importIDIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	r, err := s.importEntry(in.ImportId)
	if err != nil {
		return nil, err
	}
	type indexed struct {
		i int
		f importFailure
	}
	items := make([]indexed, len(r.Failures))
	for i, f := range r.Failures {
		items[i] = indexed{i, f}
	}
	page, next, err := pageOf(c.op, items, func(x indexed) string { return fmt.Sprintf("%08d", x.i) }, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	type failure struct {
		Location        string `json:"Location"`
		Status          string `json:"Status"`
		ErrorType       string `json:"ErrorType"`
		ErrorMessage    string `json:"ErrorMessage"`
		LastUpdatedTime *epoch `json:"LastUpdatedTime,omitempty"`
	}
	out := struct {
		Failures  []failure `json:"Failures"`
		NextToken string    `json:"NextToken,omitempty"`
	}{Failures: []failure{}, NextToken: next}
	for _, x := range page {
		f := x.f
		out.Failures = append(out.Failures, failure{f.Location, f.Status, f.ErrorType, f.ErrorMessage, at(f.LastUpdatedTime)})
	}
	return out, nil
}
