package ingest

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/ctlake/ctlake/orcstore"
)

// Input is one source of events found by Discover.
type Input struct {
	Name string // display name for errors and rejects: the path, "-" for stdin, s3://bucket/key
	Path string // file path; empty for stdin and remote inputs
	// Size is the input's size when known without a stat (an S3
	// listing); 0 means stat Path.
	Size int64
	// Object names the input in the store's source log (orcstore
	// sources.go). Ingest records the inputs that carry one with the
	// commit holding their events, and a later run skips them: set for S3
	// objects and for the files a follower finds.
	Object *orcstore.SourceObject
	// open reads a remote input as a stream; fetch reads a small one whole,
	// and the pipeline prefetches those (fetch.go).
	open  func(ctx context.Context) (io.ReadCloser, error)
	fetch func(ctx context.Context, buf []byte) ([]byte, error)
}

// Open opens the input for reading. Errors name the file or object.
func (in Input) Open() (io.ReadCloser, error) { return in.openContext(context.Background()) }

func (in Input) openContext(ctx context.Context) (io.ReadCloser, error) {
	if in.open != nil {
		return in.open(ctx)
	}
	if in.Path != "" && isORCName(in.Path) {
		return openORCFile(in.Path)
	}
	if in.Path == "" {
		return io.NopCloser(os.Stdin), nil
	}
	f, err := os.Open(in.Path)
	if err != nil {
		return nil, err // *PathError names the file
	}
	return f, nil
}

// DiscoverOptions narrow what Discover returns.
type DiscoverOptions struct {
	// Since and Until (zero: unbounded) skip files whose path carries a date
	// (CloudTrail's .../YYYY/MM/DD/... folders, or the _YYYYMMDDTHHMMZ_ in
	// its file names) that cannot hold events in [Since, Until]. A file
	// delivered on day D holds events of D and of the end of D-1, so a file
	// is kept when D is in [day(Since), day(Until)+1].
	Since, Until time.Time
}

// Discover expands command-line arguments into an ordered list of inputs:
//
//   - "-" is stdin;
//   - a file is read as given, whatever its name;
//   - a directory is walked recursively in lexical order, reading files named
//     *.json, *.jsonl, *.ndjson, *.gz or *.orc (ctlake's own event files,
//     read through their eventJson column) and skipping hidden files
//     (.DS_Store), CloudTrail-Digest folders (digest files are not events)
//     and, in CloudTrail's S3 layout (AWSLogs/<account>/CloudTrail/...),
//     the sibling folders of other services (Config, ...) while keeping
//     CloudTrail-Insight;
//   - an argument that does not exist but holds *, ? or [ is a glob, each
//     match expanded as above.
//
// Problems (missing paths, unreadable directories, empty globs) are returned
// one per name beside the inputs found; they do not stop the others. A file
// listed here may still fail to open: Input.Open reports it by name.
func Discover(args []string, opts DiscoverOptions) ([]Input, []error) {
	var ins []Input
	var errs []error
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			ins = append(ins, Input{Name: p, Path: p})
		}
	}
	for _, a := range args {
		if a == "-" {
			ins = append(ins, Input{Name: "-"})
			continue
		}
		paths := []string{a}
		if _, err := os.Lstat(a); err != nil && strings.ContainsAny(a, "*?[") {
			m, gerr := filepath.Glob(a)
			if gerr != nil {
				errs = append(errs, fmt.Errorf("%s: %w", a, gerr))
				continue
			}
			if len(m) == 0 {
				errs = append(errs, fmt.Errorf("%s: no file matches", a))
				continue
			}
			paths = m
		}
		for _, p := range paths {
			st, err := os.Stat(p)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if !st.IsDir() {
				add(p)
				continue
			}
			errs = append(errs, walk(p, opts, add)...)
		}
	}
	return ins, errs
}

func walk(root string, opts DiscoverOptions, add func(string)) []error {
	var errs []error
	skipSiblings := map[string]bool{} // directories holding a CloudTrail folder
	// WalkDir does not follow a root that is a symbolic link to a folder
	// (`ctlake ingest ./trail` of a linked folder found no input); with a
	// trailing separator the link is followed and the names keep its path.
	if fi, err := os.Lstat(root); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		root += string(filepath.Separator)
	}
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, err)
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		name := d.Name()
		if p != root && strings.HasPrefix(name, ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if name == "CloudTrail-Digest" {
				return fs.SkipDir
			}
			parent := filepath.Dir(p)
			if skipSiblings[parent] && name != "CloudTrail" && name != "CloudTrail-Insight" {
				return fs.SkipDir
			}
			if hasCloudTrailChild(p) {
				skipSiblings[p] = true
			}
			if !dateInRange(p, true, opts) {
				return fs.SkipDir
			}
			return nil
		}
		if isLogName(name) && dateInRange(p, false, opts) {
			add(p)
		}
		return nil
	})
	return errs
}

func hasCloudTrailChild(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, "CloudTrail"))
	return err == nil && st.IsDir() && filepath.Base(filepath.Dir(dir)) == "AWSLogs" ||
		err == nil && st.IsDir() && filepath.Base(filepath.Dir(filepath.Dir(dir))) == "AWSLogs"
}

func isLogName(name string) bool {
	n := strings.ToLower(name)
	for _, ext := range []string{".json", ".jsonl", ".ndjson", ".gz", ".orc"} {
		if strings.HasSuffix(n, ext) {
			return true
		}
	}
	return false
}

// pathDate and nameDate are compiled on first use, not in every process.
var (
	pathDate = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?:^|/)(\d{4})/(\d{2})/(\d{2})(?:/|$)`) })
	nameDate = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`_(\d{8})T\d{4}Z_`) })
)

// dateInRange reports whether a path may hold events in [Since, Until]. A
// path without a date is always in range; for a directory only a complete
// YYYY/MM/DD decides.
func dateInRange(p string, dir bool, opts DiscoverOptions) bool {
	if opts.Since.IsZero() && opts.Until.IsZero() {
		return true
	}
	slash := filepath.ToSlash(p)
	var day time.Time
	var err error
	if m := nameDate().FindStringSubmatch(filepath.Base(slash)); m != nil && !dir {
		day, err = time.Parse("20060102", m[1])
	} else if ms := pathDate().FindAllStringSubmatch(slash, -1); ms != nil {
		m := ms[len(ms)-1]
		day, err = time.Parse("2006/01/02", m[1]+"/"+m[2]+"/"+m[3])
	} else {
		return true
	}
	if err != nil {
		return true
	}
	if !opts.Since.IsZero() && day.Before(opts.Since.UTC().Truncate(24*time.Hour)) {
		return false
	}
	if !opts.Until.IsZero() && day.After(opts.Until.UTC().Truncate(24*time.Hour).Add(24*time.Hour)) {
		return false
	}
	return true
}
