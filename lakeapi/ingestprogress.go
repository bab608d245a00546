package lakeapi

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ctlake/ctlake/ingest"
	"github.com/ctlake/ctlake/orcstore"
)

// A `ctlake ingest` running beside the server is another process; so that
// the console can show its progress, the ingest writes it to
// DATA/api/ingests/<pid>.json about twice a second and removes the file at
// the end. The console lists the files of processes still alive (a killed
// ingest leaves its file; it is ignored, and removed by the next ingest
// with that process ID or by hand).

// IngestProgress is one running ingest's progress.
type IngestProgress struct {
	PID        int       `json:"pid"`
	Store      string    `json:"store"`
	StoreID    string    `json:"storeId"`
	Started    time.Time `json:"started"`
	Updated    time.Time `json:"updated"`
	Inputs     int       `json:"inputs"`
	InputsDone int       `json:"inputsDone"`
	BytesRead  int64     `json:"bytesRead"`
	BytesTotal int64     `json:"bytesTotal"`
	Ingested   int64     `json:"ingested"`
	Duplicates int64     `json:"duplicates"`
	Filtered   int64     `json:"filtered"`
	Rejected   int64     `json:"rejected"`
}

func ingestsDir(dataDir string) string { return filepath.Join(dataDir, "api", "ingests") }

// ProgressFile publishes one ingest's progress.
type ProgressFile struct {
	path    string
	mu      sync.Mutex
	p       IngestProgress
	last    time.Time
	pending *time.Timer // writes the latest progress when Update was throttled
	closed  bool
}

// NewProgressFile starts publishing the progress of an ingest into st. It
// never fails: progress is a courtesy, and an ingest must not stop because
// the file cannot be written.
func NewProgressFile(dataDir string, st *orcstore.Store) *ProgressFile {
	dir := ingestsDir(dataDir)
	os.MkdirAll(dir, 0o700)
	pf := &ProgressFile{
		path: filepath.Join(dir, strconv.Itoa(os.Getpid())+".json"),
		p:    IngestProgress{PID: os.Getpid(), Store: st.Info.Name, StoreID: st.Info.ID, Started: time.Now().UTC()},
	}
	pf.write()
	return pf
}

// progressEvery is the least time between two writes of the file.
const progressEvery = 500 * time.Millisecond

// Update records p, writing the file at most twice a second; the latest
// progress always reaches the file within that time.
func (pf *ProgressFile) Update(p ingest.Progress) {
	pf.mu.Lock()
	defer pf.mu.Unlock()
	pf.p.Inputs, pf.p.InputsDone, pf.p.BytesRead, pf.p.BytesTotal = p.Inputs, p.InputsDone, p.BytesRead, p.BytesTotal
	pf.p.Ingested, pf.p.Duplicates, pf.p.Filtered, pf.p.Rejected = p.Ingested, p.Duplicates, p.Filtered, p.Rejected
	if wait := progressEvery - time.Since(pf.last); wait > 0 {
		if pf.pending == nil {
			pf.pending = time.AfterFunc(wait, pf.write)
		}
		return
	}
	pf.writeLocked()
}

func (pf *ProgressFile) write() {
	pf.mu.Lock()
	defer pf.mu.Unlock()
	pf.pending = nil
	pf.writeLocked()
}

func (pf *ProgressFile) writeLocked() {
	if pf.closed {
		return
	}
	pf.last = time.Now()
	pf.p.Updated = pf.last.UTC()
	writeRecord(pf.path, pf.p)
}

// Close removes the progress file.
func (pf *ProgressFile) Close() {
	pf.mu.Lock()
	defer pf.mu.Unlock()
	pf.closed = true
	if pf.pending != nil {
		pf.pending.Stop()
	}
	os.Remove(pf.path)
}

// RunningIngests lists the ingests of processes still alive.
func RunningIngests(dataDir string) []IngestProgress {
	ents, err := os.ReadDir(ingestsDir(dataDir))
	if err != nil {
		return nil
	}
	var out []IngestProgress
	for _, de := range ents {
		name, ok := strings.CutSuffix(de.Name(), ".json")
		pid, err := strconv.Atoi(name)
		if !ok || err != nil || pid <= 0 {
			continue
		}
		b, err := os.ReadFile(filepath.Join(ingestsDir(dataDir), de.Name()))
		if err != nil {
			continue
		}
		var p IngestProgress
		// A process ID can be reused after a kill: a file not written for
		// minutes is stale whoever has the ID now.
		if json.Unmarshal(b, &p) != nil || p.PID != pid || !processAlive(pid) || time.Since(p.Updated) > 5*time.Minute {
			continue
		}
		out = append(out, p)
	}
	return out
}
