package orcstore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Reader leases keep a query's snapshot readable (see doc.go, "File
// lifetime"). A reader publishes a lease file in the store's readers/
// folder before it reads manifest.json and writes the manifest version into
// it after; it holds a shared flock on the file while the lease lives
// (lease_unix.go), so a reader that dies, even by kill -9, leaves a lease
// any writer can recognise as stale. A writer never deletes a file a
// committed manifest stopped listing (compaction, retention) while a live
// lease holds an older version, and treats a lease without a version yet as
// holding every version.
//
// Why this order is enough: a lease published after a writer listed the
// leases was published after that writer's commit too, so its reader reads
// that manifest or a later one, which no longer lists the files being
// deleted.

const (
	readersDir  = "readers"
	leaseSuffix = ".lease"
	// staleTmpAge is when an unpublished lease (a reader that died between
	// creating and publishing it) is removed.
	staleTmpAge = time.Hour
)

// lease is one reader's hold on a snapshot. The zero lease (nil) holds
// nothing: on a read-only store no writer can delete anything either.
type lease struct {
	once sync.Once
	f    *os.File
	path string
}

// takeLease publishes a lease with no version yet.
func (s *Store) takeLease() (*lease, error) {
	dir := filepath.Join(s.Dir, readersDir)
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		if readOnly(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("store %q: reader lease: %w", s.Info.Name, err)
	}
	if st, err := os.Lstat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("store %q: %s is not a folder: %w", s.Info.Name, dir, ErrUnsafePath)
	}
	name := newUUID()
	tmp := filepath.Join(dir, name+".tmp")
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_RDWR, 0o644)
	if err != nil {
		if readOnly(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("store %q: reader lease: %w", s.Info.Name, err)
	}
	if err := lockShared(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return nil, fmt.Errorf("store %q: reader lease: %w", s.Info.Name, err)
	}
	l := &lease{f: f, path: filepath.Join(dir, name+leaseSuffix)}
	if err := os.Rename(tmp, l.path); err != nil {
		f.Close()
		os.Remove(tmp)
		return nil, fmt.Errorf("store %q: reader lease: %w", s.Info.Name, err)
	}
	// A Manifest dropped without Release frees its lease when collected.
	runtime.SetFinalizer(l, (*lease).release)
	return l, nil
}

// readOnly reports errors that mean the store cannot be written: then no
// writer can delete its files either, and a query reads without a lease.
func readOnly(err error) bool {
	return errors.Is(err, syscall.EROFS) || errors.Is(err, fs.ErrPermission)
}

// setVersion records the snapshot version the lease holds.
func (l *lease) setVersion(v int64) {
	if l == nil {
		return
	}
	l.f.WriteAt([]byte(fmt.Sprintf("version %d pid %d\n", v, os.Getpid())), 0)
}

func (l *lease) release() {
	if l == nil {
		return
	}
	l.once.Do(func() {
		runtime.SetFinalizer(l, nil)
		os.Remove(l.path)
		l.f.Close()
	})
}

// Release ends the reader's lease on the snapshot's files: call it when the
// query that took the snapshot has finished reading. It is safe to call
// more than once, and on manifests without a lease. A Manifest that is
// never released keeps its files until it is garbage collected or the
// process exits.
func (m *Manifest) Release() {
	if m != nil {
		m.lease.release()
	}
}

// readers is what a writer knows of the live leases.
type readers struct {
	n      int   // live leases
	oldest int64 // the oldest version any of them holds (-1: one has no version yet)
}

// mayDelete reports whether a file retired at version v (the first
// manifest without it) is held by no live reader.
func (r readers) mayDelete(v int64) bool { return r.n == 0 || v <= r.oldest }

// liveReaders lists the store's leases, removing those whose reader is gone.
func (s *Store) liveReaders() (readers, error) {
	dir := filepath.Join(s.Dir, readersDir)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return readers{}, nil
	}
	if err != nil {
		return readers{}, fmt.Errorf("store %q: reader leases: %w", s.Info.Name, err)
	}
	r := readers{oldest: -1}
	first := true
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if strings.HasSuffix(e.Name(), ".tmp") {
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleTmpAge {
				os.Remove(p)
			}
			continue
		}
		if !strings.HasSuffix(e.Name(), leaseSuffix) || !e.Type().IsRegular() {
			continue
		}
		v, live, err := probeLease(p)
		if err != nil {
			return readers{}, fmt.Errorf("store %q: reader lease %s: %w", s.Info.Name, e.Name(), err)
		}
		if !live {
			continue
		}
		r.n++
		if first || v < r.oldest {
			r.oldest = v
		}
		first = false
	}
	return r, nil
}

// parseLease reads the version a lease holds (-1 when not yet written).
func parseLease(b []byte) int64 {
	fields := strings.Fields(string(b))
	if len(fields) >= 2 && fields[0] == "version" {
		if v, err := strconv.ParseInt(fields[1], 10, 64); err == nil && v >= 0 {
			return v
		}
	}
	return -1
}
