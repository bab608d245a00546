package lakeapi

import (
	"bufio"
	"encoding/json"
	"os"
	"time"
	"unicode/utf8"

	"github.com/ctlake/ctlake/orcstore"
)

// StoreDetail is a store as the console's Stores page describes it: Lake's
// settings, the committed snapshot's figures and the newest rejected events
// with their reasons.
type StoreDetail struct {
	ID                    string              `json:"id"`
	Name                  string              `json:"name"`
	ARN                   string              `json:"arn"`
	Status                string              `json:"status"`
	Selectors             []orcstore.Selector `json:"advancedEventSelectors,omitempty"`
	RetentionDays         int                 `json:"retentionPeriod"`
	TerminationProtection bool                `json:"terminationProtectionEnabled"`
	CreatedAt             time.Time           `json:"createdAt"`
	Events                int64               `json:"events"`
	Bytes                 int64               `json:"sizeBytes"`
	Files                 int                 `json:"files"`
	Partitions            int                 `json:"partitions"`
	MinEventTime          *time.Time          `json:"minEventTime,omitempty"`
	MaxEventTime          *time.Time          `json:"maxEventTime,omitempty"`
	Version               int64               `json:"manifestVersion"`
	CommittedAt           time.Time           `json:"committedAt,omitzero"`
	Totals                orcstore.Totals     `json:"ingestTotals"`
	RejectsKept           int64               `json:"rejectsKept"`
	Rejects               []RejectSample      `json:"rejects,omitempty"`
}

// RejectSample is one rejected event: where it was read and why it was
// refused, with the start of its text.
type RejectSample struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Offset int64  `json:"offset"`
	Reason string `json:"reason"`
	Raw    string `json:"raw,omitempty"` // cut to maxRejectRaw bytes
}

const maxRejectRaw = 2000

// DescribeStore describes a store (by name, ID or ARN) with up to
// maxRejects of its newest rejected events.
func (s *Server) DescribeStore(ref string, maxRejects int) (StoreDetail, error) {
	st, state, err := s.resolve(ref)
	if err != nil {
		return StoreDetail{}, err
	}
	m, err := st.Snapshot()
	if err != nil {
		return StoreDetail{}, err
	}
	defer m.Release() // its reject files stay while they are read
	d := StoreDetail{
		ID: st.Info.ID, Name: st.Info.Name, ARN: st.Info.ARN, Status: state.status(), Selectors: st.Info.Selectors,
		RetentionDays: st.Info.RetentionDays, TerminationProtection: st.Info.TerminationProtection, CreatedAt: st.Info.CreatedAt,
		Events: m.Rows(), Bytes: m.Bytes(), Files: len(m.Files), Version: m.Version, CommittedAt: m.CommittedAt, Totals: m.Totals,
	}
	parts := map[string]bool{}
	for _, f := range m.Files {
		parts[f.Date] = true
	}
	d.Partitions = len(parts)
	if len(m.Files) > 0 {
		lo, hi := m.TimeRange()
		d.MinEventTime, d.MaxEventTime = &lo, &hi
	}
	for _, r := range m.Rejects {
		d.RejectsKept += r.Count
	}
	// The newest reject files last in the manifest: read from the end.
	for i := len(m.Rejects) - 1; i >= 0 && len(d.Rejects) < maxRejects; i-- {
		path, err := st.ListedPath(m.Rejects[i].Path) // no link out of the store
		if err != nil {
			d.Rejects = append(d.Rejects, RejectSample{File: m.Rejects[i].Path, Reason: "cannot read the reject file: " + err.Error()})
			continue
		}
		d.Rejects = append(d.Rejects, readRejects(path, maxRejects-len(d.Rejects))...)
	}
	return d, nil
}

// readRejects reads up to max rejected events of one reject file (ingest's
// NDJSON of {file, line, offset, reason, raw|rawBase64}).
func readRejects(path string, max int) []RejectSample {
	f, err := os.Open(path)
	if err != nil {
		return []RejectSample{{File: path, Reason: "cannot read the reject file: " + err.Error()}}
	}
	defer f.Close()
	var out []RejectSample
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for len(out) < max && sc.Scan() {
		var l struct {
			File      string `json:"file"`
			Line      int    `json:"line"`
			Offset    int64  `json:"offset"`
			Reason    string `json:"reason"`
			Raw       string `json:"raw"`
			RawBase64 string `json:"rawBase64"`
		}
		if json.Unmarshal(sc.Bytes(), &l) != nil {
			continue
		}
		raw := l.Raw
		if raw == "" && l.RawBase64 != "" {
			raw = "(not UTF-8; base64) " + l.RawBase64
		}
		if len(raw) > maxRejectRaw {
			cut := maxRejectRaw
			for cut > 0 && !utf8.RuneStart(raw[cut]) {
				cut--
			}
			raw = raw[:cut] + "…"
		}
		out = append(out, RejectSample{File: l.File, Line: l.Line, Offset: l.Offset, Reason: l.Reason, Raw: raw})
	}
	return out
}
