package ingest

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ctlake/ctlake/s3io"
)

// CloudTrail's S3 layout, which the listing follows instead of scanning a
// bucket:
//
//	[prefix/]AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/<file>.json.gz
//	[prefix/]AWSLogs/<o-org id>/<account>/CloudTrail/...        (organization trails)
//
// beside CloudTrail-Insight/ (Insights events, read) and CloudTrail-Digest/
// (integrity digests, not events: never listed). Each level is listed with
// the "/" delimiter (one call per account for its services, one per service
// for its regions), and then only the day folders that --since/--until can
// touch: a year of one region is 365 LIST calls, whatever the bucket holds.

var (
	accountRe = regexp.MustCompile(`^\d{12}$`)
	orgRe     = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
	regionRe  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)
	dayPathRe = regexp.MustCompile(`(?:^|/)\d{4}/\d{2}/\d{2}/`)
)

// eventServices are the folders of an account that hold events.
var eventServices = []string{"CloudTrail", "CloudTrail-Insight"}

// ErrNoLayout is returned (wrapped) for a prefix with no CloudTrail layout.
var ErrNoLayout = fmt.Errorf("no CloudTrail layout")

// S3Options select what of a bucket an ingest reads.
type S3Options struct {
	s3io.Options
	// Since and Until (zero: unbounded) limit the day folders listed: a
	// file delivered on day D holds events of D and the end of D-1, so D
	// is listed when it is in [day(Since), day(Until)+1], as for files.
	Since, Until time.Time
	// Accounts and Regions, if set, limit the accounts and regions listed.
	Accounts, Regions []string
	// Recursive reads every log object under the prefix, CloudTrail layout
	// or not (an export of JSON files, NDJSON dumps).
	Recursive bool
	// ListConcurrency is how many LIST calls run at once (default 16).
	ListConcurrency int
	// Now is today's clock for an open-ended --since (default time.Now).
	Now func() time.Time
}

// S3Source is a bucket prefix to ingest from.
type S3Source struct {
	URL    string
	Bucket string
	Prefix string
	Client *s3io.Client
	Opts   S3Options
}

// OpenS3 connects to the bucket of url (s3://bucket/prefix/).
func OpenS3(ctx context.Context, url string, opts S3Options) (*S3Source, error) {
	bucket, prefix, err := s3io.ParseURL(url)
	if err != nil {
		return nil, err
	}
	if opts.ListConcurrency <= 0 {
		opts.ListConcurrency = 16
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	c, err := s3io.Connect(ctx, bucket, opts.Options)
	if err != nil {
		return nil, err
	}
	return &S3Source{URL: url, Bucket: bucket, Prefix: prefix, Client: c, Opts: opts}, nil
}

// Listing is what a listing found.
type Listing struct {
	Objects  []s3io.Object
	Bytes    int64
	Prefixes int      // folders listed (LIST calls can be more: 1,000 keys a page)
	Skipped  int      // objects that are not log files (by name)
	Examples []string // the first few skipped keys, for the message
}

// dayRange is the inclusive range of delivery days to list (zero: all).
type dayRange struct{ lo, hi time.Time }

func (s *S3Source) days() dayRange {
	if s.Opts.Since.IsZero() && s.Opts.Until.IsZero() {
		return dayRange{}
	}
	lo := s.Opts.Since.UTC().Truncate(24 * time.Hour)
	hi := s.Opts.Until
	if hi.IsZero() {
		hi = s.Opts.Now()
	}
	hi = hi.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	if lo.IsZero() {
		lo = time.Time{} // open start: listed recursively, filtered by date
	}
	return dayRange{lo, hi}
}

// ListObjects lists the objects to ingest, in the order a local walk of
// the same tree would read them.
func (s *S3Source) ListObjects(ctx context.Context) (Listing, error) {
	return s.list(ctx, s.days())
}

func (s *S3Source) list(ctx context.Context, days dayRange) (Listing, error) {
	l := &lister{src: s, days: days}
	if err := l.run(ctx); err != nil {
		return Listing{}, err
	}
	slices.SortFunc(l.out.Objects, func(a, b s3io.Object) int { return comparePaths(a.Key, b.Key) })
	return l.out, nil
}

// comparePaths orders keys folder by folder, as a directory walk does
// ("CloudTrail/..." before "CloudTrail-Insight/...").
func comparePaths(a, b string) int {
	for {
		as, arest, amore := strings.Cut(a, "/")
		bs, brest, bmore := strings.Cut(b, "/")
		if c := strings.Compare(as, bs); c != 0 {
			return c
		}
		if !amore || !bmore {
			switch {
			case amore == bmore:
				return 0
			case amore:
				return 1
			}
			return -1
		}
		a, b = arest, brest
	}
}

type lister struct {
	src  *S3Source
	days dayRange
	mu   sync.Mutex
	out  Listing
}

func (l *lister) client() *s3io.Client { return l.src.Client }

func (l *lister) add(o s3io.Object, keep func(string) bool) {
	name := o.Key[strings.LastIndexByte(o.Key, '/')+1:]
	l.mu.Lock()
	defer l.mu.Unlock()
	if strings.HasSuffix(o.Key, "/") { // a folder marker
		return
	}
	if !isLogName(name) || strings.HasPrefix(name, ".") {
		l.out.Skipped++
		if len(l.out.Examples) < 3 {
			l.out.Examples = append(l.out.Examples, s3io.URL(l.src.Bucket, o.Key))
		}
		return
	}
	if keep != nil && !keep(o.Key) {
		return
	}
	l.out.Objects = append(l.out.Objects, o)
	l.out.Bytes += o.Size
}

func (l *lister) listed() {
	l.mu.Lock()
	l.out.Prefixes++
	l.mu.Unlock()
}

// folders lists the sub-folders of prefix (one level).
func (l *lister) folders(ctx context.Context, prefix string) ([]string, error) {
	l.listed()
	ps, err := l.client().List(ctx, prefix, "/", nil)
	names := make([]string, 0, len(ps))
	for _, p := range ps {
		names = append(names, strings.TrimSuffix(strings.TrimPrefix(p, prefix), "/"))
	}
	return names, err
}

// objects lists every object under prefix into the result.
func (l *lister) objects(ctx context.Context, prefix string, keep func(string) bool) error {
	l.listed()
	_, err := l.client().List(ctx, prefix, "", func(o s3io.Object) { l.add(o, keep) })
	return err
}

func (l *lister) run(ctx context.Context) error {
	s := l.src
	prefix := s.Prefix
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		// An object's key, or a folder named without its slash.
		var exact *s3io.Object
		l.listed()
		if _, err := l.client().List(ctx, prefix, "/", func(o s3io.Object) {
			if o.Key == prefix {
				exact = &o
			}
		}); err != nil {
			return err
		}
		if exact != nil {
			l.add(*exact, nil)
			if len(l.out.Objects) == 0 {
				return fmt.Errorf("%s is not a log file (.json, .json.gz, .jsonl, .ndjson, .gz)", s.URL)
			}
			return nil
		}
		prefix += "/"
	}
	if s.Opts.Recursive {
		return l.objects(ctx, prefix, l.recursiveKeep)
	}
	segs := strings.Split(strings.TrimSuffix(prefix, "/"), "/")
	at := slices.Index(segs, "AWSLogs")
	if at < 0 {
		return l.fromRoot(ctx, prefix+"AWSLogs/")
	}
	base := strings.Join(segs[:at+1], "/") + "/"
	rest := segs[at+1:]
	switch {
	case len(rest) == 0:
		return l.fromRoot(ctx, base)
	case orgRe.MatchString(rest[0]):
		base += rest[0] + "/"
		rest = rest[1:]
		if len(rest) == 0 {
			return l.accounts(ctx, base, true)
		}
	}
	acct := base + rest[0] + "/"
	if len(rest) == 1 {
		return l.account(ctx, acct)
	}
	service := rest[1]
	if service == "CloudTrail-Digest" {
		return fmt.Errorf("%s: digest files are integrity records, not events; point at the trail's CloudTrail/ folder", s.URL)
	}
	svc := acct + service + "/"
	if len(rest) == 2 {
		return l.service(ctx, svc)
	}
	region := svc + rest[2] + "/"
	if len(rest) == 3 {
		return l.region(ctx, region)
	}
	// Below a region (a year, a month, a day): everything under it, by date.
	return l.objects(ctx, prefix, l.dated)
}

// fromRoot lists a trail's AWSLogs/ folder: accounts and organizations.
func (l *lister) fromRoot(ctx context.Context, root string) error {
	names, err := l.folders(ctx, root)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		parent := strings.TrimSuffix(root, "AWSLogs/")
		snap, err := l.client().ReadSnapshot(ctx, parent)
		if err != nil {
			return err
		}
		if snap != nil {
			return l.export(ctx, parent, snap)
		}
		return l.noLayout(ctx, root)
	}
	return l.accountsIn(ctx, root, names, false)
}

// accounts lists an organization folder's accounts.
func (l *lister) accounts(ctx context.Context, org string, isOrg bool) error {
	if len(l.src.Opts.Accounts) > 0 {
		return l.accountsIn(ctx, org, l.src.Opts.Accounts, isOrg)
	}
	names, err := l.folders(ctx, org)
	if err != nil {
		return err
	}
	return l.accountsIn(ctx, org, names, isOrg)
}

// accountsIn visits the accounts (and, at the root, organizations) named.
func (l *lister) accountsIn(ctx context.Context, parent string, names []string, inOrg bool) error {
	var accts []string
	for _, n := range names {
		switch {
		case accountRe.MatchString(n):
			if l.wantAccount(n) {
				accts = append(accts, parent+n+"/")
			}
		case !inOrg && orgRe.MatchString(n):
			if err := l.accounts(ctx, parent+n+"/", true); err != nil {
				return err
			}
		}
	}
	return parallel(ctx, l.src.Opts.ListConcurrency, accts, l.account)
}

func (l *lister) wantAccount(a string) bool {
	return len(l.src.Opts.Accounts) == 0 || slices.Contains(l.src.Opts.Accounts, a)
}

// account lists an account's event folders (CloudTrail, CloudTrail-Insight;
// never CloudTrail-Digest or other services).
func (l *lister) account(ctx context.Context, acct string) error {
	names, err := l.folders(ctx, acct)
	if err != nil {
		return err
	}
	var svcs []string
	for _, n := range names {
		if slices.Contains(eventServices, n) {
			svcs = append(svcs, acct+n+"/")
		}
	}
	return parallel(ctx, l.src.Opts.ListConcurrency, svcs, l.service)
}

// service lists a CloudTrail folder's regions.
func (l *lister) service(ctx context.Context, svc string) error {
	names, err := l.folders(ctx, svc)
	if err != nil {
		return err
	}
	var regions []string
	for _, n := range names {
		if len(l.src.Opts.Regions) == 0 || slices.Contains(l.src.Opts.Regions, n) {
			regions = append(regions, svc+n+"/")
		}
	}
	return parallel(ctx, l.src.Opts.ListConcurrency, regions, l.region)
}

// region lists a region's day folders in the range, or all of it.
func (l *lister) region(ctx context.Context, region string) error {
	if l.days.lo.IsZero() {
		return l.objects(ctx, region, l.dated)
	}
	var days []string
	for d := l.days.lo; !d.After(l.days.hi); d = d.Add(24 * time.Hour) {
		days = append(days, region+d.Format("2006/01/02")+"/")
	}
	return parallel(ctx, l.src.Opts.ListConcurrency, days, func(ctx context.Context, day string) error {
		return l.objects(ctx, day, nil)
	})
}

// dated keeps keys in a day folder within the range.
func (l *lister) dated(key string) bool {
	if !dayPathRe.MatchString(key) {
		return false
	}
	return l.inRange(key)
}

func (l *lister) inRange(key string) bool {
	opts := DiscoverOptions{Since: l.src.Opts.Since, Until: l.src.Opts.Until}
	if l.days.lo.IsZero() && !l.days.hi.IsZero() {
		opts.Until = l.days.hi.Add(-24 * time.Hour)
	}
	return dateInRange(key, false, opts)
}

// recursiveKeep applies the rules of a local folder walk (discover.go) to
// a key: no hidden parts, no digest folders, no other services' folders
// beside a trail's, and the path date in range.
func (l *lister) recursiveKeep(key string) bool {
	segs := strings.Split(key, "/")
	for i, s := range segs[:len(segs)-1] {
		if strings.HasPrefix(s, ".") || s == "CloudTrail-Digest" {
			return false
		}
		if i >= 2 && (segs[i-2] == "AWSLogs" || i >= 3 && segs[i-3] == "AWSLogs" && orgRe.MatchString(segs[i-2])) &&
			accountRe.MatchString(segs[i-1]) && !slices.Contains(eventServices, s) {
			return false
		}
	}
	return l.inRange(key)
}

// export lists the files of a `store export` snapshot (its marker,
// _ctlake/snapshot.json, names them; other files under the prefix, such as
// those of an export in progress, are not read).
func (l *lister) export(ctx context.Context, prefix string, snap *s3io.Snapshot) error {
	want := map[string]bool{}
	for _, f := range snap.Files {
		if l.src.Opts.Since.IsZero() && l.src.Opts.Until.IsZero() || l.inRange(strings.ReplaceAll(f.Date, "-", "/")+"/") {
			want[prefix+f.Key] = true
		}
	}
	l.listed()
	_, err := l.client().List(ctx, prefix, "", func(o s3io.Object) {
		if want[o.Key] {
			l.mu.Lock()
			l.out.Objects = append(l.out.Objects, o)
			l.out.Bytes += o.Size
			l.mu.Unlock()
			delete(want, o.Key)
		}
	})
	if err != nil {
		return err
	}
	if len(want) > 0 {
		return fmt.Errorf("%s: %d files of the exported snapshot are missing (an export replacing it may be under way; try again)", s3io.URL(l.src.Bucket, prefix+s3io.MarkerKey), len(want))
	}
	return nil
}

// noLayout explains a prefix without AWSLogs/ under it.
func (l *lister) noLayout(ctx context.Context, root string) error {
	s := l.src
	parent := strings.TrimSuffix(root, "AWSLogs/")
	var found []string
	ps, err := l.client().List(ctx, parent, "/", func(o s3io.Object) {
		if len(found) < 5 {
			found = append(found, strings.TrimPrefix(o.Key, parent))
		}
	})
	if err != nil {
		return err
	}
	for _, p := range ps {
		if len(found) < 5 {
			found = append(found, strings.TrimPrefix(p, parent))
		}
	}
	what := "it is empty"
	if len(found) > 0 {
		what = "it holds " + strings.Join(found, ", ")
	}
	return fmt.Errorf("%w under %s: expected %sAWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/ but %s; use --recursive to read every log file under the prefix",
		ErrNoLayout, s3io.URL(s.Bucket, parent), parent, what)
}

// parallel runs fn on each item with at most n at once; the first error
// stops the rest.
func parallel(ctx context.Context, n int, items []string, fn func(context.Context, string) error) error {
	if len(items) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	sem := make(chan struct{}, n)
	for _, it := range items {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := fn(ctx, it); err != nil {
				once.Do(func() { first = err; cancel() })
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}
