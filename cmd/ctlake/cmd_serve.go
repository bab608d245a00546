package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/ctlake/ctlake/console"
	"github.com/ctlake/ctlake/lakeapi"
	"github.com/ctlake/ctlake/s3io"
)

func init() {
	register(command{name: "serve", summary: "answer the CloudTrail Lake API (AWS CLI, boto3, SDKs, Grafana) and serve the web console over the stores", run: runServe, data: true})
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", "", stderr)
	open := dataFlag(fs)
	listen := fs.String("listen", "127.0.0.1:4566", "address to listen on (host:port; loopback unless you mean otherwise)")
	region := fs.String("region", "", "region in the ARNs of new stores (default: each request's signing region)")
	account := fs.String("account-id", lakeapi.DefaultAccountID, "account ID in ARNs (12 to 16 digits)")
	accessKey := fs.String("access-key", "", "accept this access key ID (with --secret-key) instead of the data directory's credentials file")
	secretKey := fs.String("secret-key", "", "the secret of --access-key")
	noAuth := fs.Bool("no-auth", false, "accept requests without checking signatures (aws --no-sign-request); loopback only")
	maxQueries := fs.Int("max-queries", lakeapi.DefaultMaxQueries, "most queued plus running queries (beyond: MaxConcurrentQueriesException)")
	timeout := fs.Duration("query-timeout", lakeapi.DefaultQueryTimeout, "a query running longer ends TIMED_OUT (its rows so far stay readable)")
	startWait := fs.Duration("start-wait", lakeapi.DefaultStartWait, "StartQuery answers once its query has ended or after this long, so a short query is FINISHED at the client's first poll (0: answer at once)")
	retention := fs.Duration("results-retention", lakeapi.DefaultResultsRetention, "how long query results and history are kept")
	maxBody := fs.String("max-body", "1MiB", "largest request body accepted")
	memLimit := fs.String("memory-limit", "2GiB", "most memory one query's aggregations, sorts and joins may hold; the process stays under about twice this per running query")
	s3Endpoint := fs.String("s3-endpoint-url", "", "StartImport of s3:// URIs: an S3-compatible endpoint (MinIO, ...) instead of AWS")
	s3PathStyle := fs.Bool("s3-path-style", false, "StartImport of s3:// URIs: path-style addressing, which most S3-compatible stores need")
	s3Profile := fs.String("s3-profile", "", "StartImport of s3:// URIs: the AWS profile whose credentials read the bucket (default: $AWS_PROFILE, else default)")
	s3AssumeRole := fs.Bool("s3-assume-role", false, "StartImport of s3:// URIs: read the bucket as the import's S3BucketAccessRoleArn (STS AssumeRole with the server's credentials) instead of with the credentials themselves")
	importRoot := fs.String("import-root", "", "StartImport reads local paths only under this folder (default: any path this process can read)")
	quiet := fs.Bool("quiet", false, "do not log requests that fail or lifecycle events on stderr")
	noConsole := fs.Bool("no-console", false, "serve the Lake API only, without the web console at /")
	consoleToken := fs.String("console-token", "", "the token that logs in to the console (default: a new random one each start, printed in the console's address)")
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if (*accessKey == "") != (*secretKey == "") {
		return fmt.Errorf("%w: give --access-key and --secret-key together", errUsage)
	}
	if len(*account) < 12 || len(*account) > 16 || !allDigits(*account) {
		return fmt.Errorf("%w: --account-id must be 12 to 16 digits", errUsage)
	}
	bodyLimit, err := parseBytes(*maxBody)
	if err != nil || bodyLimit <= 0 {
		return fmt.Errorf("%w: --max-body: %v", errUsage, err)
	}
	memory, err := parseBytes(*memLimit)
	if err != nil {
		return fmt.Errorf("%w: --memory-limit: %v", errUsage, err)
	}
	host, _, err := net.SplitHostPort(*listen)
	if err != nil {
		return fmt.Errorf("%w: --listen %q: %v", errUsage, *listen, err)
	}
	loopback := isLoopback(host)
	if *noAuth && !loopback {
		return fmt.Errorf("%w: --no-auth is refused on %s: without signatures anyone who can reach the address could read every store; listen on 127.0.0.1", errUsage, *listen)
	}
	c, err := open()
	if err != nil {
		return err
	}
	if *startWait <= 0 {
		*startWait = -1 // Config: negative is no wait, zero the default
	}
	cfg := lakeapi.Config{
		StartWait: *startWait,
		Catalog:   c, Region: *region, AccountID: *account, NoAuth: *noAuth,
		MaxQueries: *maxQueries, QueryTimeout: *timeout, ResultsRetention: *retention,
		MaxBodyBytes: bodyLimit, MemoryLimit: memory, ImportRoot: *importRoot,
		S3:           s3io.Options{Endpoint: *s3Endpoint, PathStyle: *s3PathStyle, Profile: *s3Profile},
		S3AssumeRole: *s3AssumeRole,
	}
	if !*quiet {
		cfg.Log = log.New(stderr, "ctlake serve: ", log.LstdFlags)
	}
	switch {
	case *noAuth:
		fmt.Fprintln(stderr, "WARNING: --no-auth: requests are not authenticated; anyone who can reach this address can query and change every store.")
	case *accessKey != "":
		cfg.Keys = []lakeapi.KeyPair{{AccessKeyID: *accessKey, SecretAccessKey: *secretKey}}
	default:
		path := lakeapi.CredentialsPath(c.Dir)
		keys, created, err := lakeapi.LoadOrCreateCredentials(path)
		if err != nil {
			return err
		}
		cfg.Keys = keys
		if created {
			k := keys[0]
			fmt.Fprintf(stderr, "Created the access key clients sign with (shown once; it stays in %s, mode 0600):\n", path)
			fmt.Fprintf(stderr, "  AWS_ACCESS_KEY_ID=%s\n  AWS_SECRET_ACCESS_KEY=%s\n", k.AccessKeyID, k.SecretAccessKey)
			fmt.Fprintf(stderr, "or use the file as it is: AWS_SHARED_CREDENTIALS_FILE=%s AWS_PROFILE=%s\n", path, lakeapi.CredentialsProfile)
		} else {
			fmt.Fprintf(stderr, "Clients sign with the keys in %s (profile %s).\n", path, lakeapi.CredentialsProfile)
		}
	}
	if !loopback {
		fmt.Fprintf(stderr, "WARNING: listening on %s, reachable beyond this machine; requests are signed but travel unencrypted (put a TLS proxy in front).\n", *listen)
	}
	srv, err := lakeapi.New(cfg)
	if err != nil {
		return err
	}
	// Each running query may hold --memory-limit; tell the runtime, as
	// `ctlake query` does for its one query.
	setSoftMemoryLimit(memory * int64(srv.MaxRunning()))
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		srv.Close()
		return err
	}
	url := "http://" + ln.Addr().String()
	var cons *console.Console
	if !*noConsole {
		var hosts []string
		if loopback {
			hosts = consoleHosts(ln.Addr().(*net.TCPAddr).Port)
		}
		cons, err = console.New(srv, console.Options{Token: *consoleToken, AllowedHosts: hosts, Log: cfg.Log})
		if err != nil {
			ln.Close()
			srv.Close()
			return fmt.Errorf("%w: --console-token: %v", errUsage, err)
		}
		cons.Register(srv.Mux())
	}
	// SIGINT (Ctrl-C) and SIGTERM (service managers, docker stop) both
	// shut down cleanly: queued and running queries are cancelled and
	// recorded as CANCELLED.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 30 * time.Second, ReadTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	fmt.Fprintf(stderr, "ctlake serve: CloudTrail Lake API on %s (data %s)\n", url, c.Dir)
	fmt.Fprintf(stderr, "  try: aws --endpoint-url %s --region us-east-1 cloudtrail list-event-data-stores\n", url)
	if cons != nil {
		fmt.Fprintf(stderr, "  console: open %s\n", cons.LoginURL(url))
	}
	var serveErr error
	select {
	case <-ctx.Done():
		fmt.Fprintln(stderr, "ctlake serve: shutting down: cancelling queued and running queries")
	case serveErr = <-served:
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	herr := hs.Shutdown(shutCtx)
	cerr := srv.Close()
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	if herr != nil {
		return herr
	}
	return cerr
}

// consoleHosts are the Host headers the console answers on a loopback
// listener: the loopback names with its port (anything else is a page of
// another site reaching it through DNS rebinding).
func consoleHosts(port int) []string {
	p := strconv.Itoa(port)
	return []string{"127.0.0.1:" + p, "localhost:" + p, "[::1]:" + p}
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
