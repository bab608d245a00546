package lakeapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ctlake/ctlake/orcstore"
)

// A store's Lake-only settings — its lifecycle state, the ingestion switch,
// billing mode, region flags and tags — live in lake-api.json inside the
// store's folder, beside orcstore's store.json: the store carries them when
// it is copied, and `ctlake store delete` removes them with it. A store the
// CLI made has none until the API changes one; the defaults are Lake's.

const storeStateFile = "lake-api.json"

// Lake's event data store states.
const (
	statusEnabled         = "ENABLED"
	statusPendingDeletion = "PENDING_DELETION"
	statusStoppedIngest   = "STOPPED_INGESTION"
)

// storeState is what Lake keeps about a store that orcstore does not.
type storeState struct {
	DeletedAt        *time.Time `json:"deletedAt,omitempty"` // set while PENDING_DELETION
	IngestionStopped bool       `json:"ingestionStopped,omitempty"`
	SingleRegion     bool       `json:"singleRegion,omitempty"` // MultiRegionEnabled=false
	Organization     bool       `json:"organizationEnabled,omitempty"`
	BillingMode      string     `json:"billingMode,omitempty"`
	Tags             []tag      `json:"tags,omitempty"`
	UpdatedAt        time.Time  `json:"updatedTimestamp,omitzero"`
}

type tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value,omitempty"`
}

func (st *storeState) status() string {
	switch {
	case st.DeletedAt != nil:
		return statusPendingDeletion
	case st.IngestionStopped:
		return statusStoppedIngest
	}
	return statusEnabled
}

func (st *storeState) billingMode() string {
	if st.BillingMode == "" {
		return "EXTENDABLE_RETENTION_PRICING"
	}
	return st.BillingMode
}

// StoreStatus is a store's Lake status as GetEventDataStore reports it:
// ENABLED, STOPPED_INGESTION (StopEventDataStoreIngestion, or created with
// StartIngestion false) or PENDING_DELETION (DeleteEventDataStore, until
// RestoreEventDataStore or the end of the 7 days). The CLI reads it so that
// `ctlake ingest --follow` honours the API's ingestion switch and `ctlake
// store list` and `ctlake query` know a store the API is deleting.
func StoreStatus(st *orcstore.Store) (string, error) {
	state, err := readStoreState(st)
	if err != nil {
		return "", err
	}
	return state.status(), nil
}

// The Lake statuses StoreStatus answers.
const (
	StatusEnabled          = statusEnabled
	StatusStoppedIngestion = statusStoppedIngest
	StatusPendingDeletion  = statusPendingDeletion
)

// storeStates reads and writes the state files; writes are serialised so
// that two requests changing one store do not lose each other's change.
type storeStates struct {
	s  *Server
	mu sync.Mutex
}

func newStoreStates(s *Server) *storeStates { return &storeStates{s: s} }

func (ss *storeStates) read(st *orcstore.Store) (storeState, error) { return readStoreState(st) }

func readStoreState(st *orcstore.Store) (storeState, error) {
	var out storeState
	b, err := os.ReadFile(filepath.Join(st.Dir, storeStateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return out, err
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return out, fmt.Errorf("store %s: %s: %w", st.Info.ID, storeStateFile, err)
	}
	return out, nil
}

// update applies change to a store's state under the lock and writes it.
func (ss *storeStates) update(st *orcstore.Store, change func(*storeState) error) (storeState, error) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	cur, err := ss.read(st)
	if err != nil {
		return cur, err
	}
	if err := change(&cur); err != nil {
		return cur, err
	}
	cur.UpdatedAt = ss.s.now()
	if err := orcstore.WriteJSONAtomic(filepath.Join(st.Dir, storeStateFile), cur); err != nil {
		return cur, fmt.Errorf("store %s: %w", st.Info.ID, err)
	}
	return cur, nil
}

// resolve finds the store an EventDataStore member names (its ARN, its ID
// or, beyond Lake, its name). The name never becomes a path: orcstore
// builds paths only from IDs it has checked are UUIDs.
func (s *Server) resolve(ref string) (*orcstore.Store, storeState, error) {
	if strings.HasPrefix(ref, "arn:") {
		parts := strings.SplitN(ref, ":", 6)
		if len(parts) != 6 || parts[2] != "cloudtrail" || !strings.HasPrefix(parts[5], "eventdatastore/") ||
			!orcstore.IsStoreID(strings.TrimPrefix(parts[5], "eventdatastore/")) {
			return nil, storeState{}, errorf("EventDataStoreARNInvalidException", "%q is not an event data store ARN (arn:aws:cloudtrail:REGION:ACCOUNT:eventdatastore/ID)", ref)
		}
	}
	st, err := s.catalog.Open(ref)
	if err != nil {
		if errors.Is(err, orcstore.ErrNotFound) {
			return nil, storeState{}, errorf("EventDataStoreNotFoundException", "The specified event data store %s was not found.", ref)
		}
		return nil, storeState{}, err
	}
	state, err := s.stores.read(st)
	if err != nil {
		return nil, storeState{}, err
	}
	return st, state, nil
}

// resolveActive is resolve for operations a PENDING_DELETION store refuses.
func (s *Server) resolveActive(ref string) (*orcstore.Store, storeState, error) {
	st, state, err := s.resolve(ref)
	if err != nil {
		return nil, state, err
	}
	if state.DeletedAt != nil {
		return nil, state, errorf("InactiveEventDataStoreException", "The event data store %s is pending deletion (since %s); restore it with RestoreEventDataStore first.",
			st.Info.ARN, state.DeletedAt.UTC().Format(time.RFC3339))
	}
	return st, state, nil
}

// purge deletes the files of stores whose pending-deletion period is over.
func (ss *storeStates) purge() {
	infos, err := ss.s.catalog.List()
	if err != nil {
		ss.s.log.Printf("purging deleted stores: %v", err)
		return
	}
	now := ss.s.now()
	for _, in := range infos {
		st, err := ss.s.catalog.Open(in.ID)
		if err != nil {
			continue
		}
		state, err := ss.read(st)
		if err != nil || state.DeletedAt == nil || now.Before(state.DeletedAt.Add(ss.s.cfg.StoreDeletionDelay)) {
			continue
		}
		if err := ss.s.catalog.Delete(in.ID); err != nil {
			ss.s.log.Printf("store %s (%s) is past its pending deletion but cannot be removed yet: %v", in.Name, in.ID, err)
			continue
		}
		ss.s.log.Printf("store %s (%s) deleted: its 7 days of PENDING_DELETION are over", in.Name, in.ID)
	}
}
