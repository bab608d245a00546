package lakeapi

import (
	"errors"
	"strings"
	"time"

	"github.com/ctlake/ctlake/orcstore"
)

// Event data store operations over orcstore's catalog: a store made here is
// the one `ctlake store list` shows and `ctlake query` reads, and the other
// way round.

func (s *Server) registerStores() {
	s.ops["CreateEventDataStore"] = s.createEventDataStore
	s.ops["GetEventDataStore"] = s.getEventDataStore
	s.ops["ListEventDataStores"] = s.listEventDataStores
	s.ops["UpdateEventDataStore"] = s.updateEventDataStore
	s.ops["DeleteEventDataStore"] = s.deleteEventDataStore
	s.ops["RestoreEventDataStore"] = s.restoreEventDataStore
	s.ops["StartEventDataStoreIngestion"] = s.startIngestion
	s.ops["StopEventDataStoreIngestion"] = s.stopIngestion
}

// defaultSelectors is what Lake selects when a store is created without
// advanced event selectors: management events.
var defaultSelectors = []orcstore.Selector{{
	Name:           "Default management events",
	FieldSelectors: []orcstore.FieldSelector{{Field: "eventCategory", Equals: []string{"Management"}}},
}}

// Retention limits by billing mode (cloudtrail-lake.md §1.4).
const fixedRetentionDays = 2557

// storeOut is the event data store as Create/Get/Update/Restore and (in
// part) List answer it.
type storeOut struct {
	EventDataStoreArn            string              `json:"EventDataStoreArn"`
	Name                         string              `json:"Name"`
	Status                       string              `json:"Status"`
	AdvancedEventSelectors       []orcstore.Selector `json:"AdvancedEventSelectors,omitempty"`
	MultiRegionEnabled           bool                `json:"MultiRegionEnabled"`
	OrganizationEnabled          bool                `json:"OrganizationEnabled"`
	RetentionPeriod              int                 `json:"RetentionPeriod"`
	TerminationProtectionEnabled bool                `json:"TerminationProtectionEnabled"`
	TagsList                     []tag               `json:"TagsList,omitempty"`
	CreatedTimestamp             *epoch              `json:"CreatedTimestamp,omitempty"`
	UpdatedTimestamp             *epoch              `json:"UpdatedTimestamp,omitempty"`
	BillingMode                  string              `json:"BillingMode,omitempty"`
}

func describeStore(st *orcstore.Store, state storeState, withTags bool) storeOut {
	updated := state.UpdatedAt
	if updated.IsZero() {
		updated = st.Info.CreatedAt
	}
	o := storeOut{
		EventDataStoreArn:            st.Info.ARN,
		Name:                         st.Info.Name,
		Status:                       state.status(),
		AdvancedEventSelectors:       st.Info.Selectors,
		MultiRegionEnabled:           !state.SingleRegion,
		OrganizationEnabled:          state.Organization,
		RetentionPeriod:              st.Info.RetentionDays,
		TerminationProtectionEnabled: st.Info.TerminationProtection,
		CreatedTimestamp:             at(st.Info.CreatedAt),
		UpdatedTimestamp:             at(updated),
		BillingMode:                  state.billingMode(),
	}
	if withTags {
		o.TagsList = state.Tags
	}
	return o
}

type createStoreIn struct {
	Name                         string
	AdvancedEventSelectors       []orcstore.Selector
	MultiRegionEnabled           *bool
	OrganizationEnabled          *bool
	RetentionPeriod              *int
	TerminationProtectionEnabled *bool
	TagsList                     []tag
	KmsKeyId                     string
	StartIngestion               *bool
	BillingMode                  string
}

func (s *Server) createEventDataStore(c *call) (any, error) {
	var in createStoreIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if in.KmsKeyId != "" {
		return nil, errorf("UnsupportedOperationException", "ctlake does not encrypt stores with KMS keys; leave KmsKeyId out")
	}
	sels := in.AdvancedEventSelectors
	if len(sels) == 0 {
		sels = defaultSelectors
	}
	if err := orcstore.ValidateSelectors(sels); err != nil {
		return nil, errorf("InvalidEventSelectorsException", "%v", err)
	}
	retention, err := retentionFor(in.BillingMode, in.RetentionPeriod, 0)
	if err != nil {
		return nil, err
	}
	opts := orcstore.CreateOptions{
		Selectors:               sels,
		RetentionDays:           retention,
		NoTerminationProtection: in.TerminationProtectionEnabled != nil && !*in.TerminationProtectionEnabled,
		Region:                  c.region,
		Account:                 s.cfg.AccountID,
	}
	st, err := s.catalog.Create(in.Name, opts)
	if err != nil {
		if errors.Is(err, orcstore.ErrExists) {
			return nil, errorf("EventDataStoreAlreadyExistsException", "An event data store named %s already exists.", in.Name)
		}
		if strings.Contains(err.Error(), "store name") {
			return nil, errorf("InvalidParameterException", "%v", err)
		}
		return nil, err
	}
	state := storeState{
		IngestionStopped: in.StartIngestion != nil && !*in.StartIngestion,
		SingleRegion:     in.MultiRegionEnabled != nil && !*in.MultiRegionEnabled,
		Organization:     in.OrganizationEnabled != nil && *in.OrganizationEnabled,
		BillingMode:      in.BillingMode,
		Tags:             in.TagsList,
	}
	state, err = s.stores.update(st, func(cur *storeState) error { *cur = state; return nil })
	if err != nil {
		return nil, err
	}
	return describeStore(st, state, true), nil
}

// retentionFor applies Lake's retention rules for a billing mode: FIXED
// keeps 2,557 days at most (and by default); EXTENDABLE up to 3,653, by
// default ctlake's 3,653 (see orcstore.DefaultRetentionDays: a shorter
// default would drop old logs at import). cur is the store's current
// retention for updates (0 on create).
func retentionFor(mode string, given *int, cur int) (int, error) {
	days := cur
	if given != nil {
		days = *given
	}
	if days == 0 {
		days = orcstore.DefaultRetentionDays
		if mode == "FIXED_RETENTION_PRICING" {
			days = fixedRetentionDays
		}
	}
	if days < orcstore.MinRetentionDays || days > orcstore.MaxRetentionDays {
		return 0, errorf("InvalidParameterException", "RetentionPeriod %d is outside %d..%d days", days, orcstore.MinRetentionDays, orcstore.MaxRetentionDays)
	}
	if mode == "FIXED_RETENTION_PRICING" && days > fixedRetentionDays {
		return 0, errorf("InvalidParameterException", "RetentionPeriod %d is above %d days, the most FIXED_RETENTION_PRICING allows", days, fixedRetentionDays)
	}
	return days, nil
}

type storeRefIn struct {
	EventDataStore string
}

// storeCall decodes a request naming one store and finds it (refusing a
// PENDING_DELETION store when active).
func (s *Server) storeCall(c *call, active bool) (*orcstore.Store, storeState, error) {
	var in storeRefIn
	if err := c.decode(&in); err != nil {
		return nil, storeState{}, err
	}
	if active {
		return s.resolveActive(in.EventDataStore)
	}
	return s.resolve(in.EventDataStore)
}

func (s *Server) getEventDataStore(c *call) (any, error) {
	st, state, err := s.storeCall(c, false)
	if err != nil {
		return nil, err
	}
	return describeStore(st, state, false), nil
}

type listStoresIn struct {
	NextToken  string
	MaxResults int
}

func (s *Server) listEventDataStores(c *call) (any, error) {
	var in listStoresIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	infos, err := s.catalog.List()
	if err != nil {
		return nil, err
	}
	page, next, err := pageOf(c.op, infos, func(i orcstore.Info) string { return i.Name + "\x00" + i.ID }, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := struct {
		EventDataStores []storeOut `json:"EventDataStores"`
		NextToken       string     `json:"NextToken,omitempty"`
	}{EventDataStores: []storeOut{}, NextToken: next}
	for _, info := range page {
		st, state, err := s.resolve(info.ID)
		if err != nil {
			continue // deleted since List
		}
		out.EventDataStores = append(out.EventDataStores, describeStore(st, state, false))
	}
	return out, nil
}

type updateStoreIn struct {
	EventDataStore               string
	Name                         *string
	AdvancedEventSelectors       []orcstore.Selector
	MultiRegionEnabled           *bool
	OrganizationEnabled          *bool
	RetentionPeriod              *int
	TerminationProtectionEnabled *bool
	KmsKeyId                     *string
	BillingMode                  *string
}

func (s *Server) updateEventDataStore(c *call) (any, error) {
	var in updateStoreIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if in.Name == nil && in.AdvancedEventSelectors == nil && in.MultiRegionEnabled == nil && in.OrganizationEnabled == nil &&
		in.RetentionPeriod == nil && in.TerminationProtectionEnabled == nil && in.KmsKeyId == nil && in.BillingMode == nil {
		return nil, errorf("InvalidParameterException", "UpdateEventDataStore needs at least one setting to change besides EventDataStore")
	}
	if in.KmsKeyId != nil {
		return nil, errorf("UnsupportedOperationException", "ctlake does not encrypt stores with KMS keys; leave KmsKeyId out")
	}
	st, state, err := s.resolveActive(in.EventDataStore)
	if err != nil {
		return nil, err
	}
	mode := state.billingMode()
	if in.BillingMode != nil {
		if mode == "EXTENDABLE_RETENTION_PRICING" && *in.BillingMode == "FIXED_RETENTION_PRICING" {
			return nil, errorf("InvalidParameterException", "BillingMode can only change from FIXED_RETENTION_PRICING to EXTENDABLE_RETENTION_PRICING")
		}
		mode = *in.BillingMode
	}
	retention, err := retentionFor(mode, in.RetentionPeriod, st.Info.RetentionDays)
	if err != nil {
		return nil, err
	}
	if in.AdvancedEventSelectors != nil {
		if err := orcstore.ValidateSelectors(in.AdvancedEventSelectors); err != nil {
			return nil, errorf("InvalidEventSelectorsException", "%v", err)
		}
	}
	if in.Name != nil && *in.Name != st.Info.Name {
		if orcstore.IsStoreID(*in.Name) {
			return nil, errorf("InvalidParameterException", "store name %q looks like a store ID; choose a name that does not", *in.Name)
		}
		if other, err := s.catalog.Open(*in.Name); err == nil && other.Info.ID != st.Info.ID {
			return nil, errorf("EventDataStoreAlreadyExistsException", "An event data store named %s already exists.", *in.Name)
		}
	}
	if s.imports.runningInto(st.Info.ID) {
		return nil, errorf("EventDataStoreHasOngoingImportException", "An import into %s is in progress; update the store when it has finished or been stopped.", st.Info.Name)
	}
	st, err = s.catalog.Update(st.Info.ID, func(info *orcstore.Info) error {
		if in.Name != nil {
			info.Name = *in.Name
		}
		if in.AdvancedEventSelectors != nil {
			info.Selectors = in.AdvancedEventSelectors
		}
		info.RetentionDays = retention
		if in.TerminationProtectionEnabled != nil {
			info.TerminationProtection = *in.TerminationProtectionEnabled
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, orcstore.ErrLocked) {
			return nil, errorf("ConflictException", "%v; try again when the ingest has finished", err)
		}
		return nil, err
	}
	state, err = s.stores.update(st, func(cur *storeState) error {
		if in.MultiRegionEnabled != nil {
			cur.SingleRegion = !*in.MultiRegionEnabled
		}
		if in.OrganizationEnabled != nil {
			cur.Organization = *in.OrganizationEnabled
		}
		if in.BillingMode != nil {
			cur.BillingMode = *in.BillingMode
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return describeStore(st, state, false), nil
}

func (s *Server) deleteEventDataStore(c *call) (any, error) {
	st, _, err := s.storeCall(c, true)
	if err != nil {
		return nil, err
	}
	if st.Info.TerminationProtection {
		return nil, errorf("EventDataStoreTerminationProtectedException",
			"Event data store %s cannot be deleted because termination protection is enabled; turn it off with update-event-data-store --no-termination-protection-enabled.", st.Info.Name)
	}
	if s.imports.runningInto(st.Info.ID) {
		return nil, errorf("EventDataStoreHasOngoingImportException", "An import into %s is in progress; stop it or let it finish first.", st.Info.Name)
	}
	now := s.now()
	if _, err := s.stores.update(st, func(cur *storeState) error { cur.DeletedAt = &now; return nil }); err != nil {
		return nil, err
	}
	s.log.Printf("store %s (%s) is PENDING_DELETION until %s", st.Info.Name, st.Info.ID, now.Add(s.cfg.StoreDeletionDelay).Format(time.RFC3339))
	return struct{}{}, nil
}

func (s *Server) restoreEventDataStore(c *call) (any, error) {
	st, state, err := s.storeCall(c, false)
	if err != nil {
		return nil, err
	}
	if state.DeletedAt == nil {
		return nil, errorf("InvalidEventDataStoreStatusException", "Event data store %s is %s; only a PENDING_DELETION store can be restored.", st.Info.Name, state.status())
	}
	state, err = s.stores.update(st, func(cur *storeState) error { cur.DeletedAt = nil; return nil })
	if err != nil {
		return nil, err
	}
	return describeStore(st, state, false), nil
}

func (s *Server) startIngestion(c *call) (any, error) { return s.setIngestion(c, false) }
func (s *Server) stopIngestion(c *call) (any, error)  { return s.setIngestion(c, true) }

// setIngestion flips the store's ingestion switch (Lake: live events from
// the account; ctlake: the switch `ctlake ingest --follow` honours).
func (s *Server) setIngestion(c *call, stop bool) (any, error) {
	st, state, err := s.storeCall(c, false)
	if err != nil {
		return nil, err
	}
	want := statusStoppedIngest
	if stop {
		want = statusEnabled
	}
	if state.status() != want {
		return nil, errorf("InvalidEventDataStoreStatusException", "Event data store %s is %s; %s needs it %s.", st.Info.Name, state.status(), c.op, want)
	}
	if _, err := s.stores.update(st, func(cur *storeState) error { cur.IngestionStopped = stop; return nil }); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}
