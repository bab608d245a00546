// Package lakeapi is the CloudTrail Lake API over ctlake's stores: the
// operations the AWS CLI, boto3, the Go SDK and Lake tools (Grafana's Lake
// data source, AWS's CloudTrail MCP server, runbooks) call — queries, event
// data stores, imports and dashboards — on the wire exactly as AWS speaks
// it (AWS JSON 1.1, SigV4), answered by the engine package.
//
// The server keeps what Lake has and the stores do not (query history and
// results, store lifecycle states, imports, dashboards) under DATA/api, each
// record replaced atomically, so a crash or restart never shows half of one.
package lakeapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ctlake/ctlake/engine"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/planner"
	"github.com/ctlake/ctlake/s3io"
)

// Defaults of Config.
const (
	DefaultMaxQueries       = 10
	DefaultQueryTimeout     = time.Hour
	DefaultResultsRetention = 7 * 24 * time.Hour
	DefaultMaxBodyBytes     = 1 << 20
	DefaultStartWait        = time.Second
	DefaultAccountID        = "000000000000"
	DefaultRegion           = "us-east-1"
)

// Config sets up a Server.
type Config struct {
	Catalog *orcstore.Catalog // the data directory's stores (required)
	// Region names the region in new ARNs; empty: each request's SigV4
	// scope (DefaultRegion without a signature).
	Region    string
	AccountID string // account in ARNs (default DefaultAccountID)
	Keys      []KeyPair
	// NoAuth accepts unsigned requests (and ignores signatures). Only for
	// a server nobody else can reach.
	NoAuth bool
	// MaxQueries bounds queued plus running queries (Lake: 10); beyond it
	// StartQuery answers MaxConcurrentQueriesException.
	MaxQueries int
	// MaxRunning bounds the queries running at once; the rest wait QUEUED
	// (default: one per CPU, as each query already scans on every CPU).
	MaxRunning   int
	QueryTimeout time.Duration // a query running longer is TIMED_OUT (default 1h)
	// StartWait is how long StartQuery waits for its query to end before
	// answering with the QueryId (default DefaultStartWait; negative: not
	// at all). Clients poll DescribeQuery every second or two after
	// StartQuery; a query that ends within this budget is FINISHED at the
	// first poll instead of one polling interval later. The answer is the
	// same QueryId either way: only its timing changes.
	StartWait        time.Duration
	ResultsRetention time.Duration // queries and results are deleted after this (default 7 days)
	// StoreDeletionDelay is how long a deleted store stays PENDING_DELETION
	// (restorable) before its files are removed (default 7 days, as Lake).
	StoreDeletionDelay time.Duration
	// S3 connects StartImport's s3:// sources (endpoint, profile, ...);
	// credentials come from the server's AWS credential chain.
	S3 s3io.Options
	// S3AssumeRole makes StartImport of an s3:// source read the bucket
	// as its S3BucketAccessRoleArn (STS AssumeRole with the server's
	// credentials), as Lake does. Off by default: Lake's import roles
	// trust cloudtrail.amazonaws.com, which a local user's credentials
	// cannot act as, so the ARN is recorded and echoed and the server's
	// own credentials read the bucket.
	S3AssumeRole bool
	// ImportRoot, when set, confines StartImport to local paths under it
	// (symbolic links resolved); otherwise any path the server can read.
	ImportRoot   string
	MaxBodyBytes int64            // request bodies above this are refused (default 1 MiB)
	MemoryLimit  int64            // per query (0: the engine's default)
	Now          func() time.Time // the clock (tests move it)
	Log          *log.Logger      // request errors and lifecycle events (nil: discarded)
	// BeforeRun, when set, is called in the runner before each query
	// opens, and may block until ctx is done: tests of front-ends hold a
	// query RUNNING with it.
	BeforeRun     func(ctx context.Context, id, statement string)
	hooks         *hooks                // tests only
	janitorEvery  time.Duration         // how often expired things are removed (default 1 min)
	engineOptions func(*engine.Options) // tests only
}

// hooks let tests hold a query at a given point of its life.
type hooks struct {
	beforeRun   func(ctx context.Context, id, statement string) // in the runner, before the query opens
	afterRecord func(ctx context.Context, id, statement string) // after each batch of rows is written
	prepared    func(id string, p *planner.Plan)                // when StartQuery has planned the query
	importing   func(ctx context.Context, id string)            // in an import's runner, once IN_PROGRESS is recorded
}

// Server answers the CloudTrail Lake API.
type Server struct {
	cfg     Config
	dir     string // DATA/api
	catalog *orcstore.Catalog
	eng     *engine.Engine
	verify  *verifier
	mux     *http.ServeMux
	ops     map[string]handler
	log     *log.Logger

	queries    *queryManager
	stores     *storeStates
	imports    *importManager
	dashboards *dashboardStore
	saved      savedStore

	stop    context.CancelFunc
	bg      sync.WaitGroup
	closeMu sync.Mutex
	closed  bool
}

type handler func(c *call) (any, error)

// call is one request being answered.
type call struct {
	ctx    context.Context
	op     string
	body   []byte
	region string
}

// decode reads the (already validated) body into v.
func (c *call) decode(v any) error {
	if err := json.Unmarshal(c.body, v); err != nil {
		return errorf("SerializationException", "%v", err)
	}
	return nil
}

// New opens the server's state under the catalog's data directory: query
// history (queries that were running when a previous server stopped are
// marked FAILED), imports and dashboards.
func New(cfg Config) (*Server, error) {
	if cfg.Catalog == nil {
		return nil, errors.New("lakeapi: no catalog")
	}
	if cfg.AccountID == "" {
		cfg.AccountID = DefaultAccountID
	}
	if cfg.MaxQueries <= 0 {
		cfg.MaxQueries = DefaultMaxQueries
	}
	if cfg.MaxRunning <= 0 {
		cfg.MaxRunning = min(cfg.MaxQueries, max(2, runtime.GOMAXPROCS(0)))
	}
	if cfg.QueryTimeout <= 0 {
		cfg.QueryTimeout = DefaultQueryTimeout
	}
	if cfg.StartWait == 0 {
		cfg.StartWait = DefaultStartWait
	}
	if cfg.ResultsRetention <= 0 {
		cfg.ResultsRetention = DefaultResultsRetention
	}
	if cfg.StoreDeletionDelay <= 0 {
		cfg.StoreDeletionDelay = 7 * 24 * time.Hour
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.janitorEvery <= 0 {
		cfg.janitorEvery = time.Minute
	}
	if cfg.Log == nil {
		cfg.Log = log.New(io.Discard, "", 0)
	}
	if cfg.ImportRoot != "" {
		root, err := filepath.Abs(cfg.ImportRoot)
		if err == nil {
			root, err = filepath.EvalSymlinks(root)
		}
		if err != nil {
			return nil, fmt.Errorf("import root: %w", err)
		}
		cfg.ImportRoot = root
	}
	if !cfg.NoAuth && len(cfg.Keys) == 0 {
		return nil, errors.New("lakeapi: no access keys (give key pairs, or NoAuth)")
	}
	s := &Server{
		cfg:     cfg,
		dir:     filepath.Join(cfg.Catalog.Dir, "api"),
		catalog: cfg.Catalog,
		eng:     engine.New(cfg.Catalog),
		log:     cfg.Log,
	}
	keys := map[string]string{}
	for _, k := range cfg.Keys {
		keys[k.AccessKeyID] = k.SecretAccessKey
	}
	s.verify = &verifier{keys: keys, now: cfg.Now}
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return nil, fmt.Errorf("api state %s: %w", s.dir, err)
	}
	ctx, stop := context.WithCancel(context.Background())
	s.stop = stop
	var err error
	s.stores = newStoreStates(s)
	if s.queries, err = newQueryManager(ctx, s); err != nil {
		stop()
		return nil, err
	}
	if s.imports, err = newImportManager(ctx, s); err != nil {
		stop()
		s.queries.close()
		return nil, err
	}
	if s.dashboards, err = newDashboardStore(s); err != nil {
		stop()
		s.queries.close()
		s.imports.close()
		return nil, err
	}
	s.ops = map[string]handler{}
	s.registerQueries()
	s.registerStores()
	s.registerImports()
	s.registerDashboards()
	s.mux = http.NewServeMux()
	// The API answers POST on any path (clients post to /); the console
	// (GET pages, its own session auth) gets the other routes beside it.
	s.mux.Handle("POST /", http.HandlerFunc(s.serveAPI))
	s.bg.Add(1)
	go s.janitor(ctx)
	return s, nil
}

// MaxRunning is how many queries run at once (Config.MaxRunning after
// defaults).
func (s *Server) MaxRunning() int { return s.cfg.MaxRunning }

// Handler is the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.mux }

// Mux is the server's router, for handlers served beside the API (the
// console). The API owns "POST /".
func (s *Server) Mux() *http.ServeMux { return s.mux }

// Close stops the server's work: queued and running queries are cancelled
// and recorded as CANCELLED, running imports stopped, then everything
// written is on disk. The HTTP listener is the caller's to shut down first.
func (s *Server) Close() error {
	s.closeMu.Lock()
	if s.closed {
		s.closeMu.Unlock()
		return nil
	}
	s.closed = true
	s.closeMu.Unlock()
	s.queries.shutdown("the server shut down while the query was queued or running")
	s.imports.shutdown()
	s.stop()
	s.bg.Wait()
	s.queries.close()
	s.imports.close()
	return nil
}

// janitor removes what has expired: query results older than the
// retention, stores past their pending-deletion week.
func (s *Server) janitor(ctx context.Context) {
	defer s.bg.Done()
	t := time.NewTicker(s.cfg.janitorEvery)
	defer t.Stop()
	for {
		s.sweep()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sweep runs the expiry rules once (the janitor's tick; tests call it
// after moving the clock).
func (s *Server) sweep() {
	s.queries.expire()
	s.stores.purge()
	s.imports.expire()
	s.dashboards.scheduled()
}

// serveAPI answers one API request.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) { s.serveOperation(w, r, true) }

// AuthenticatedHandler answers Lake API operations exactly as Handler does
// but without checking a SigV4 signature, for a front-end that has
// authenticated the request itself (the console's session, which also
// checks its CSRF token). Mount it only behind such a check.
func (s *Server) AuthenticatedHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.serveOperation(w, r, false) })
}

func (s *Server) serveOperation(w http.ResponseWriter, r *http.Request, verify bool) {
	id := newUUID()
	w.Header().Set("x-amzn-RequestId", id)
	op, err := s.answer(w, r, verify)
	if err != nil {
		var ae *apiError
		if !errors.As(err, &ae) {
			s.log.Printf("request %s %s: internal error: %v", id, op, err)
			ae = errorf("InternalFailure", "%v", err)
		} else if ae.Status >= 500 {
			s.log.Printf("request %s %s: %v", id, op, err)
		}
		writeError(w, ae)
	}
}

// answer reads, authenticates, routes and validates a request, runs its
// handler and writes the result; it returns the error to write instead.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, verify bool) (string, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return "", errorf("RequestEntityTooLargeException", "the request body is larger than %d bytes, the most ctlake serve accepts (--max-body)", s.cfg.MaxBodyBytes)
		}
		return "", errorf("SerializationException", "reading the request body: %v", err)
	}
	region := s.cfg.Region
	if verify && !s.cfg.NoAuth {
		signed, aerr := s.verify.verify(r, body)
		if aerr != nil {
			return "", aerr
		}
		if region == "" {
			region = signed
		}
	}
	if region == "" {
		region = DefaultRegion
	}
	op, aerr := operationOf(r.Header.Get("X-Amz-Target"))
	if aerr != nil {
		return "", aerr
	}
	h, ok := s.ops[op]
	if !ok {
		if lakeModel().knownOperation(op) {
			return op, errorf("UnsupportedOperationException", "ctlake serve does not implement %s; it answers the CloudTrail Lake operations (%s)", op, strings.Join(s.operationNames(), ", "))
		}
		return op, errorf("UnknownOperationException", "%s is not a CloudTrail operation", op)
	}
	if len(body) == 0 {
		body = []byte("{}")
	}
	if verr := lakeModel().validate(op, body); verr != nil {
		return op, verr
	}
	out, err := h(&call{ctx: r.Context(), op: op, body: body, region: region})
	if err != nil {
		return op, err
	}
	writeJSON(w, out)
	return op, nil
}

// operationOf takes the operation from X-Amz-Target, which botocore spells
// com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.Op and the Smithy
// SDKs CloudTrail_20131101.Op.
func operationOf(target string) (string, *apiError) {
	if target == "" {
		return "", errorf("UnknownOperationException", "the request has no X-Amz-Target header naming the operation")
	}
	i := strings.LastIndex(target, ".")
	prefix, op := "", target
	if i >= 0 {
		prefix, op = target[:i], target[i+1:]
	}
	if prefix != "CloudTrail_20131101" && prefix != "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101" {
		return "", errorf("UnknownOperationException", "X-Amz-Target %q is not a CloudTrail 2013-11-01 operation", target)
	}
	return op, nil
}

func (s *Server) operationNames() []string {
	names := make([]string, 0, len(s.ops))
	for n := range s.ops {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// now is the server's clock, in UTC.
func (s *Server) now() time.Time { return s.cfg.Now().UTC() }

// newUUID returns a random lowercase UUID (version 4), as Lake's query IDs.
func newUUID() string { return orcstore.NewID() }
