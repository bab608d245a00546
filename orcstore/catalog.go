package orcstore

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"time"
)

// A data directory holds one folder per event data store:
//
//	DATA/
//	  stores/<id>/store.json        the store's settings (name, selectors, retention, ...)
//	  stores/<id>/manifest.json     the committed snapshot: which ORC files exist
//	  stores/<id>/writer.lock       held by the one writer at a time
//	  stores/<id>/data/eventdate=YYYY-MM-DD/<file>.orc
//	  stores/<id>/rejects/<file>.ndjson
//
// Folders are named by ID, not name, so that the ID used in `FROM <id>` is
// also the path and a store can be found from either.

// Errors a caller may want to tell apart.
var (
	ErrNotFound  = errors.New("no such event data store")
	ErrExists    = errors.New("an event data store with that name already exists")
	ErrProtected = errors.New("termination protection is on")
	ErrLocked    = errors.New("the event data store is being written by another process")
)

// DataDirEnv names the environment variable that sets the data directory.
const DataDirEnv = "CTLAKE_DATA"

// ResolveDataDir picks the data directory: the flag value if set, else
// $CTLAKE_DATA, else the user's data directory ($XDG_DATA_HOME/ctlake or
// ~/.local/share/ctlake on Unix, ~/Library/Application Support/ctlake on
// macOS, %LocalAppData%\ctlake on Windows).
func ResolveDataDir(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if v := os.Getenv(DataDirEnv); v != "" {
		return v, nil
	}
	switch runtime.GOOS {
	case "windows":
		if v := os.Getenv("LocalAppData"); v != "" {
			return filepath.Join(v, "ctlake"), nil
		}
	case "darwin":
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, "Library", "Application Support", "ctlake"), nil
		}
	default:
		if v := os.Getenv("XDG_DATA_HOME"); v != "" {
			return filepath.Join(v, "ctlake"), nil
		}
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, ".local", "share", "ctlake"), nil
		}
	}
	return "", fmt.Errorf("cannot find a data directory: set --data or $%s", DataDirEnv)
}

// Catalog is a data directory: the set of event data stores in it.
type Catalog struct {
	Dir string
}

// OpenCatalog opens (creating if needed) the data directory dir.
func OpenCatalog(dir string) (*Catalog, error) {
	if err := os.MkdirAll(filepath.Join(dir, "stores"), 0o755); err != nil {
		return nil, fmt.Errorf("data directory %s: %w", dir, err)
	}
	return &Catalog{Dir: dir}, nil
}

// CreateOptions are the settings of a new store, mirroring
// CreateEventDataStore.
type CreateOptions struct {
	Selectors     []Selector // nil: every event is selected
	RetentionDays int        // 0: the default (366, like Lake's one-year extendable retention)
	// NoTerminationProtection turns Lake's default-on termination protection off.
	NoTerminationProtection bool
	Region, Account         string // for the ARN; defaults "local" and "000000000000"
}

// DefaultRetentionDays is the retention of a new store: Lake's maximum
// (ten years), not its billing default of 366 days. People bring old logs to
// a local store to investigate past incidents; a one-year default would
// silently drop them at ingest. `--retention-days 366` gives Lake's default.
const DefaultRetentionDays = MaxRetentionDays

// Retention limits from CloudTrail Lake: at least 7 days, at most 3,653.
const (
	MinRetentionDays = 7
	MaxRetentionDays = 3653
)

var nameRE = regexp.MustCompile(`^[A-Za-z0-9._-]{3,128}$`)

// Create makes a new, empty event data store.
func (c *Catalog) Create(name string, opts CreateOptions) (*Store, error) {
	if !nameRE.MatchString(name) {
		return nil, fmt.Errorf("store name %q: use 3 to 128 letters, digits, '.', '_' or '-' (as CloudTrail Lake does)", name)
	}
	if isUUID(name) {
		return nil, fmt.Errorf("store name %q looks like a store ID; choose a name that does not", name)
	}
	if opts.RetentionDays == 0 {
		opts.RetentionDays = DefaultRetentionDays
	}
	if opts.RetentionDays < MinRetentionDays || opts.RetentionDays > MaxRetentionDays {
		return nil, fmt.Errorf("retention of %d days is outside CloudTrail Lake's range %d..%d", opts.RetentionDays, MinRetentionDays, MaxRetentionDays)
	}
	if err := ValidateSelectors(opts.Selectors); err != nil {
		return nil, err
	}
	infos, err := c.List()
	if err != nil {
		return nil, err
	}
	for _, in := range infos {
		if in.Name == name {
			return nil, fmt.Errorf("%q: %w (ID %s)", name, ErrExists, in.ID)
		}
	}
	region, account := opts.Region, opts.Account
	if region == "" {
		region = "local"
	}
	if account == "" {
		account = "000000000000"
	}
	id := newUUID()
	info := Info{
		ID:                    id,
		ARN:                   fmt.Sprintf("arn:aws:cloudtrail:%s:%s:eventdatastore/%s", region, account, id),
		Name:                  name,
		Selectors:             opts.Selectors,
		RetentionDays:         opts.RetentionDays,
		TerminationProtection: !opts.NoTerminationProtection,
		CreatedAt:             time.Now().UTC().Truncate(time.Second),
	}
	dir := filepath.Join(c.Dir, "stores", id)
	tmp := dir + ".creating"
	if err := os.MkdirAll(filepath.Join(tmp, "data"), 0o755); err != nil {
		return nil, fmt.Errorf("create store %q: %w", name, err)
	}
	if err := writeJSONAtomic(filepath.Join(tmp, "store.json"), info); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("create store %q: %w", name, err)
	}
	if err := (&Store{Dir: tmp}).writeManifest(Manifest{Version: 0}); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("create store %q: %w", name, err)
	}
	// The store appears whole or not at all.
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("create store %q: %w", name, err)
	}
	syncDir(filepath.Dir(dir))
	return &Store{Dir: dir, Info: info}, nil
}

// List returns every store, sorted by name.
func (c *Catalog) List() ([]Info, error) {
	entries, err := os.ReadDir(filepath.Join(c.Dir, "stores"))
	if err != nil {
		return nil, fmt.Errorf("data directory %s: %w", c.Dir, err)
	}
	var out []Info
	for _, e := range entries {
		if !e.IsDir() || !isUUID(e.Name()) {
			continue // *.creating leftovers and foreign files
		}
		info, err := readInfo(filepath.Join(c.Dir, "stores", e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Open finds a store by name, ID or ARN.
func (c *Catalog) Open(ref string) (*Store, error) {
	id := ref
	if i := strings.LastIndex(ref, "eventdatastore/"); i >= 0 {
		id = ref[i+len("eventdatastore/"):]
	}
	if isUUID(id) {
		dir := filepath.Join(c.Dir, "stores", strings.ToLower(id))
		if _, err := os.Stat(filepath.Join(dir, "store.json")); err == nil {
			info, err := readInfo(dir)
			if err != nil {
				return nil, err
			}
			return &Store{Dir: dir, Info: info}, nil
		}
	}
	infos, err := c.List()
	if err != nil {
		return nil, err
	}
	for _, in := range infos {
		if in.Name == ref {
			return &Store{Dir: filepath.Join(c.Dir, "stores", in.ID), Info: in}, nil
		}
	}
	var names []string
	for _, in := range infos {
		names = append(names, in.Name)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%q: %w (the data directory %s has none; create one with 'ctlake store create NAME')", ref, ErrNotFound, c.Dir)
	}
	return nil, fmt.Errorf("%q: %w (stores: %s)", ref, ErrNotFound, strings.Join(names, ", "))
}

// Delete removes a store and all its files. It is refused while termination
// protection is on, as in CloudTrail Lake, and while another process writes
// the store.
func (c *Catalog) Delete(ref string) error {
	s, err := c.Open(ref)
	if err != nil {
		return err
	}
	if s.Info.TerminationProtection {
		return fmt.Errorf("delete %q: %w; turn it off first ('ctlake store update %s --no-termination-protection')", s.Info.Name, ErrProtected, s.Info.Name)
	}
	lock, err := acquireLock(s.Dir)
	if err != nil {
		return fmt.Errorf("delete %q: %w", s.Info.Name, err)
	}
	// Rename first so that no reader can open a half-deleted store.
	gone := filepath.Join(c.Dir, "stores", s.Info.ID+".deleting")
	if err := os.Rename(s.Dir, gone); err != nil {
		lock.release()
		return fmt.Errorf("delete %q: %w", s.Info.Name, err)
	}
	lock.release()
	return os.RemoveAll(gone)
}

// Update changes a store's settings (not its name or ID).
func (c *Catalog) Update(ref string, change func(*Info) error) (*Store, error) {
	s, err := c.Open(ref)
	if err != nil {
		return nil, err
	}
	lock, err := acquireLock(s.Dir)
	if err != nil {
		return nil, fmt.Errorf("update %q: %w", s.Info.Name, err)
	}
	defer lock.release()
	info := s.Info
	if err := change(&info); err != nil {
		return nil, err
	}
	if info.RetentionDays < MinRetentionDays || info.RetentionDays > MaxRetentionDays {
		return nil, fmt.Errorf("retention of %d days is outside CloudTrail Lake's range %d..%d", info.RetentionDays, MinRetentionDays, MaxRetentionDays)
	}
	if err := ValidateSelectors(info.Selectors); err != nil {
		return nil, err
	}
	if err := writeJSONAtomic(filepath.Join(s.Dir, "store.json"), info); err != nil {
		return nil, fmt.Errorf("update %q: %w", s.Info.Name, err)
	}
	s.Info = info
	return s, nil
}

func readInfo(dir string) (Info, error) {
	var info Info
	b, err := os.ReadFile(filepath.Join(dir, "store.json"))
	if err != nil {
		return info, fmt.Errorf("store %s: %w", filepath.Base(dir), err)
	}
	if err := json.Unmarshal(b, &info); err != nil {
		return info, fmt.Errorf("store %s: store.json: %w", filepath.Base(dir), err)
	}
	return info, nil
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func isUUID(s string) bool { return uuidRE.MatchString(s) }

// IsStoreID reports whether s has the shape of a store ID (a UUID), as a bare
// `FROM <id>` uses it.
func IsStoreID(s string) bool { return isUUID(s) }

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err)) // the OS's RNG failing is not recoverable
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
