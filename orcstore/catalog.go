package orcstore

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
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

// nameRE is compiled on first use (see isUUID).
var nameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9._-]{3,128}$`) })

// Create makes a new, empty event data store.
func (c *Catalog) Create(name string, opts CreateOptions) (*Store, error) {
	if !nameRE().MatchString(name) {
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
	es, err := c.Survey()
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		if e.Info.Name == name {
			return nil, fmt.Errorf("%q: %w (ID %s)", name, ErrExists, e.ID)
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

// StoreEntry is one folder under stores/: a store, or the damage that
// makes it unusable.
type StoreEntry struct {
	ID     string // the folder's name
	Dir    string
	Info   Info  // as read from store.json (zero if unreadable)
	Damage error // nil for a healthy store; wraps ErrDamaged
}

// Survey lists every store folder, healthy or not, sorted by name (then
// ID). A store whose store.json is missing, unreadable or invalid, whose
// folder is a symbolic link, or whose name another store also uses, is
// listed with its Damage; the others are unaffected by it.
func (c *Catalog) Survey() ([]StoreEntry, error) {
	root := filepath.Join(c.Dir, "stores")
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("data directory %s: %w", c.Dir, err)
	}
	var out []StoreEntry
	for _, e := range entries {
		if !isUUID(e.Name()) {
			continue // *.creating and *.deleting leftovers, foreign files
		}
		se := StoreEntry{ID: e.Name(), Dir: filepath.Join(root, e.Name())}
		switch {
		case e.Type()&fs.ModeSymlink != 0:
			se.Damage = damaged(fmt.Errorf("store %s: the folder is a symbolic link, which ctlake does not follow", se.ID))
		case !e.IsDir():
			se.Damage = damaged(fmt.Errorf("store %s: not a folder", se.ID))
		default:
			se.Info, se.Damage = readInfo(se.Dir)
		}
		out = append(out, se)
	}
	markDuplicates(out)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Info.Name != out[j].Info.Name {
			return out[i].Info.Name < out[j].Info.Name
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// markDuplicates damages stores that share an ID (folders differing only
// in case) or a name: `FROM name` must never pick one silently.
func markDuplicates(es []StoreEntry) {
	byID, byName := map[string][]int{}, map[string][]int{}
	for i, e := range es {
		byID[strings.ToLower(e.ID)] = append(byID[strings.ToLower(e.ID)], i)
		if e.Damage == nil {
			byName[e.Info.Name] = append(byName[e.Info.Name], i)
		}
	}
	for _, idx := range byID {
		for _, i := range idx {
			for _, j := range idx {
				if i != j && es[i].Damage == nil {
					es[i].Damage = damaged(fmt.Errorf("store %s: folder %s has the same ID", es[i].ID, es[j].ID))
				}
			}
		}
	}
	for name, idx := range byName {
		for _, i := range idx {
			for _, j := range idx {
				if i != j && es[i].Damage == nil {
					es[i].Damage = damaged(fmt.Errorf("store %s: store %s has the same name %q; use the ID, or rename one in its store.json", es[i].ID, es[j].ID, name))
				}
			}
		}
	}
}

// List returns every healthy store, sorted by name. Damaged ones are left
// out (Survey lists them).
func (c *Catalog) List() ([]Info, error) {
	es, err := c.Survey()
	if err != nil {
		return nil, err
	}
	var out []Info
	for _, e := range es {
		if e.Damage == nil {
			out = append(out, e.Info)
		}
	}
	return out, nil
}

// Open finds a store by name, ID or ARN. Other stores' damage does not
// matter; a damaged store named by its ID is an error saying what is wrong.
func (c *Catalog) Open(ref string) (*Store, error) {
	if id, ok := refID(ref); ok {
		dir := filepath.Join(c.Dir, "stores", strings.ToLower(id))
		if st, err := os.Lstat(dir); err == nil {
			if !st.IsDir() {
				return nil, damaged(fmt.Errorf("store %s: the folder is a symbolic link or not a folder", id))
			}
			info, err := readInfo(dir)
			if err != nil {
				return nil, err
			}
			return &Store{Dir: dir, Info: info}, nil
		}
	}
	es, err := c.Survey()
	if err != nil {
		return nil, err
	}
	var names, damaged []string
	for _, e := range es {
		if e.Info.Name == ref {
			if e.Damage != nil {
				return nil, e.Damage
			}
			return &Store{Dir: e.Dir, Info: e.Info}, nil
		}
		if e.Damage != nil {
			damaged = append(damaged, e.Damage.Error())
		} else {
			names = append(names, e.Info.Name)
		}
	}
	var note string
	if len(damaged) > 0 {
		note = fmt.Sprintf("; %d damaged stores could not be checked (%s)", len(damaged), strings.Join(damaged, "; "))
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%q: %w (the data directory %s has none; create one with 'ctlake store create NAME'%s)", ref, ErrNotFound, c.Dir, note)
	}
	return nil, fmt.Errorf("%q: %w (stores: %s%s)", ref, ErrNotFound, strings.Join(names, ", "), note)
}

// refID extracts a store ID from an ID or ARN reference.
func refID(ref string) (string, bool) {
	id := ref
	if i := strings.LastIndex(ref, "eventdatastore/"); i >= 0 {
		id = ref[i+len("eventdatastore/"):]
	}
	return id, isUUID(id)
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
	return c.remove(s.Info.ID, s.Info.Name)
}

// ForceDelete removes a store that Delete cannot open because it is
// damaged, named by its ID (or by its name if its store.json is readable).
// Termination protection is still honoured when store.json says it is on.
// Nothing outside the store's folder is followed or removed: a store folder
// that is a symbolic link loses only the link, and links inside it are
// removed, not followed.
func (c *Catalog) ForceDelete(ref string) error {
	es, err := c.Survey()
	if err != nil {
		return err
	}
	id, isID := refID(ref)
	var hit []StoreEntry
	for _, e := range es {
		if isID && strings.EqualFold(e.ID, id) || !isID && e.Info.Name == ref {
			hit = append(hit, e)
		}
	}
	switch {
	case len(hit) == 0:
		return fmt.Errorf("%q: %w", ref, ErrNotFound)
	case len(hit) > 1:
		var ids []string
		for _, e := range hit {
			ids = append(ids, e.ID)
		}
		return fmt.Errorf("%q names %d stores (%s); delete one by its ID", ref, len(hit), strings.Join(ids, ", "))
	}
	e := hit[0]
	if e.Info.TerminationProtection {
		return fmt.Errorf("delete %s: %w; turn it off first ('ctlake store update %s --no-termination-protection')", e.ID, ErrProtected, e.ID)
	}
	if st, err := os.Lstat(e.Dir); err == nil && !st.IsDir() {
		return os.Remove(e.Dir) // a link or a file: remove it, follow nothing
	}
	name := e.Info.Name
	if name == "" {
		name = e.ID
	}
	return c.remove(e.ID, name)
}

// remove deletes the store folder stores/<id> under its writer lock.
func (c *Catalog) remove(id, name string) error {
	dir := filepath.Join(c.Dir, "stores", id)
	lock, err := acquireLock(dir)
	if err != nil {
		return fmt.Errorf("delete %q: %w", name, err)
	}
	// Rename first so that no reader can open a half-deleted store.
	gone := filepath.Join(c.Dir, "stores", id+".deleting")
	if err := os.Rename(dir, gone); err != nil {
		lock.release()
		return fmt.Errorf("delete %q: %w", name, err)
	}
	lock.release()
	// RemoveAll removes symbolic links without following them.
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

// readInfo reads a store's store.json and checks it as Create would have
// made it: the ID is the folder's, the name a valid one, the ARN ends with
// the ID and the retention is in range.
func readInfo(dir string) (Info, error) {
	var info Info
	id := filepath.Base(dir)
	b, err := os.ReadFile(filepath.Join(dir, "store.json"))
	if err != nil {
		return info, damaged(fmt.Errorf("store %s: %w", id, err))
	}
	if err := json.Unmarshal(b, &info); err != nil {
		return Info{}, damaged(fmt.Errorf("store %s: store.json: %w", id, err))
	}
	if err := checkInfo(info, id); err != nil {
		return info, damaged(fmt.Errorf("store %s: store.json: %w", id, err))
	}
	return info, nil
}

func checkInfo(info Info, folder string) error {
	switch {
	case !isUUID(info.ID) || !strings.EqualFold(info.ID, folder):
		return fmt.Errorf("id %q is not the folder's (%s)", info.ID, folder)
	case !nameRE().MatchString(info.Name) || isUUID(info.Name):
		return fmt.Errorf("name %q is not a valid store name", info.Name)
	case info.ARN != "" && !strings.HasSuffix(info.ARN, "eventdatastore/"+info.ID):
		return fmt.Errorf("ARN %q does not end with the ID", info.ARN)
	case info.RetentionDays < MinRetentionDays || info.RetentionDays > MaxRetentionDays:
		return fmt.Errorf("retention of %d days is outside %d..%d", info.RetentionDays, MinRetentionDays, MaxRetentionDays)
	}
	return nil
}

// isUUID reports whether s is 8-4-4-4-12 hex digits. It is written out
// rather than a regexp: compiling that pattern at package init was half a
// millisecond of every process's start.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

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
