package lakeapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/ctlake/ctlake/orcstore"
)

// Saved queries are named statements kept in the data directory, one file
// each, DATA/api/saved/<id>.json, replaced atomically: the console saves
// and edits them, `ctlake query --saved` and the shell's .saved list and
// run them. Names are unique (ignoring case), so the CLI can run one by
// name.

// SavedQuery is one saved query.
type SavedQuery struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Statement   string    `json:"statement"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

// Limits of a saved query (Lake's console allows names of 1..128 and
// statements of 10,000 characters).
const (
	maxSavedName        = 128
	maxSavedDescription = 1000
	maxSavedQueries     = 1000
)

func savedDir(dataDir string) string { return filepath.Join(dataDir, "api", "saved") }

// ListSaved reads the saved queries of a data directory, sorted by name.
// A file that does not parse is skipped with an error naming it, returned
// beside the queries that did.
func ListSaved(dataDir string) ([]SavedQuery, error) {
	dir := savedDir(dataDir)
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []SavedQuery
	var errs []error
	for _, de := range ents {
		id, ok := strings.CutSuffix(de.Name(), ".json")
		if !ok || !orcstore.IsStoreID(id) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, de.Name()))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var q SavedQuery
		if err := json.Unmarshal(b, &q); err != nil || q.ID != id {
			errs = append(errs, fmt.Errorf("%s: not a saved query: %v", filepath.Join(dir, de.Name()), err))
			continue
		}
		out = append(out, q)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := strings.ToLower(out[i].Name), strings.ToLower(out[j].Name)
		if a != b {
			return a < b
		}
		return out[i].ID < out[j].ID
	})
	return out, errors.Join(errs...)
}

// FindSaved finds a saved query by name (ignoring case) or ID.
func FindSaved(dataDir, ref string) (SavedQuery, error) {
	all, err := ListSaved(dataDir)
	for _, q := range all {
		if q.ID == ref || strings.EqualFold(q.Name, ref) {
			return q, nil
		}
	}
	if err != nil {
		return SavedQuery{}, err
	}
	return SavedQuery{}, fmt.Errorf("no saved query is named %q (ctlake query --saved lists them)", ref)
}

// savedStore serialises the server's changes to saved queries.
type savedStore struct {
	s  *Server
	mu sync.Mutex
}

// SaveQuery creates a saved query (q.ID empty) or replaces one; it
// checks the name, its uniqueness and that the statement parses.
func (s *Server) SaveQuery(q SavedQuery) (SavedQuery, error) {
	q.Name = strings.TrimSpace(q.Name)
	q.Description = strings.TrimSpace(q.Description)
	switch {
	case q.Name == "" || utf8.RuneCountInString(q.Name) > maxSavedName:
		return q, errorf("InvalidParameterException", "a saved query needs a name of 1 to %d characters", maxSavedName)
	case utf8.RuneCountInString(q.Description) > maxSavedDescription:
		return q, errorf("InvalidParameterException", "the description is longer than %d characters", maxSavedDescription)
	case strings.TrimSpace(q.Statement) == "":
		return q, errorf("InvalidParameterException", "a saved query needs a statement")
	case len(q.Statement) > 10000:
		return q, errorf("InvalidParameterException", "the statement is %d characters long; at most 10,000", len(q.Statement))
	case !utf8.ValidString(q.Name + q.Description + q.Statement):
		return q, errorf("InvalidParameterException", "the saved query is not valid UTF-8")
	}
	s.saved.mu.Lock()
	defer s.saved.mu.Unlock()
	all, _ := ListSaved(s.catalog.Dir)
	var old *SavedQuery
	for i, o := range all {
		if o.ID == q.ID {
			old = &all[i]
		} else if strings.EqualFold(o.Name, q.Name) {
			return q, errorf("ConflictException", "a saved query named %q exists already", o.Name)
		}
	}
	now := s.now()
	switch {
	case q.ID == "":
		if len(all) >= maxSavedQueries {
			return q, errorf("ServiceQuotaExceededException", "at most %d saved queries", maxSavedQueries)
		}
		q.ID, q.CreatedAt = newUUID(), now
	case old == nil:
		return q, errorf("ResourceNotFoundException", "no saved query has the ID %s", q.ID)
	default:
		q.CreatedAt = old.CreatedAt
	}
	q.UpdatedAt = now
	if err := os.MkdirAll(savedDir(s.catalog.Dir), 0o700); err != nil {
		return q, err
	}
	if err := orcstore.WriteJSONAtomic(filepath.Join(savedDir(s.catalog.Dir), q.ID+".json"), q); err != nil {
		return q, err
	}
	return q, nil
}

// DeleteSaved removes a saved query.
func (s *Server) DeleteSaved(id string) error {
	if !orcstore.IsStoreID(id) {
		return errorf("ResourceNotFoundException", "no saved query has the ID %s", id)
	}
	s.saved.mu.Lock()
	defer s.saved.mu.Unlock()
	err := os.Remove(filepath.Join(savedDir(s.catalog.Dir), id+".json"))
	if errors.Is(err, fs.ErrNotExist) {
		return errorf("ResourceNotFoundException", "no saved query has the ID %s", id)
	}
	return err
}
