package orcstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/ctlake/ctlake/orcstore/orcfile"
	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
)

// buildFileMeta reads the pruning metadata of one committed file: its tail,
// stripe footers and eventTime row indexes (all in the page cache right
// after the file was written).
func buildFileMeta(abs string, fe FileEntry) (*fileMeta, error) {
	st, err := os.Stat(abs)
	if err != nil {
		return nil, err
	}
	f, err := orcfile.OpenFile(abs)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fm := &fileMeta{path: fe.Path, size: st.Size(), modTime: st.ModTime().UnixNano(),
		compression: f.Compression(), blockSize: f.BlockSize(), stride: f.RowIndexStride()}
	cols := f.Columns()
	s := &metaSchema{paths: make([]string, len(cols)), kinds: make([]orcproto.Type_Kind, len(cols))}
	for _, c := range cols {
		s.kinds[c.ID] = c.Kind
		if c.ID > 0 && structPath(c) {
			s.paths[c.ID] = c.Path
		}
	}
	s.index()
	fm.schema = s
	timeCol := -1
	if c, ok := f.Root().Find("eventTime"); ok {
		timeCol = c.ID
	}
	for i := range f.Stripes() {
		stats, err := f.StripeStatistics(i)
		if err != nil {
			return nil, err
		}
		sm := stripeMeta{info: f.Stripes()[i], stats: make([]orcfile.Statistics, len(cols))}
		for id, p := range s.paths {
			if p != "" && id < len(stats) {
				sm.stats[id] = stats[id]
			}
		}
		stripe, err := f.ReadStripe(i)
		if err != nil {
			return nil, err
		}
		if timeCol >= 0 {
			groups, err := f.RowIndex(stripe, timeCol)
			if err != nil {
				return nil, err
			}
			for _, g := range groups {
				sm.groups = append(sm.groups, g.Stats)
			}
		}
		for _, ss := range stripe.Streams {
			// Only UTF-8 filters are trusted for pruning (see applyBloom).
			if ss.Kind == orcproto.Stream_BLOOM_FILTER_UTF8 && s.paths[ss.Column] != "" {
				sm.blooms = append(sm.blooms, bloomLoc{col: ss.Column, offset: ss.Offset, length: ss.Length})
			}
		}
		fm.stripes = append(fm.stripes, sm)
	}
	return fm, nil
}

// structPath reports whether every ancestor of c is a struct: the columns
// a dotted path (and so a pruning predicate) can name.
func structPath(c *orcfile.Column) bool {
	for p := c.Parent; p != nil; p = p.Parent {
		if p.Kind != orcproto.Type_STRUCT {
			return false
		}
	}
	return true
}

// writeMetaSnapshot writes manifest.meta for manifest m: the entries of the
// previous snapshot for files m still lists, and new entries for the rest.
// It replaces the file atomically (temporary file and rename) but does not
// fsync it: a snapshot lost or torn by a crash fails its checksum and is
// ignored (see metasnap.go), and the next commit writes it whole.
func writeMetaSnapshot(dir string, m *Manifest) error {
	prev, _ := readMetaSnapshotFile(dir)
	next := &metaSnapshot{version: m.Version, files: map[string]*fileMeta{}}
	var errs []error
	for _, fe := range m.Files {
		fm, ok := prev.lookup(fe)
		if !ok {
			var err error
			if fm, err = buildFileMeta(filepath.Join(dir, filepath.FromSlash(fe.Path)), fe); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", fe.Path, err))
				continue // planned from its tail, as without a snapshot
			}
		}
		next.add(fm)
	}
	b, err := next.encode()
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+metaSnapName+".tmp-*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, metaSnapName)); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return errors.Join(errs...)
}

// add puts a file entry in the snapshot, sharing its schema with an equal
// one already there.
func (m *metaSnapshot) add(f *fileMeta) {
	f.schemaIdx = -1
	for i, s := range m.schemas {
		if s == f.schema || s.equal(f.schema) {
			f.schema, f.schemaIdx = s, i
			break
		}
	}
	if f.schemaIdx < 0 {
		f.schemaIdx = len(m.schemas)
		m.schemas = append(m.schemas, f.schema)
	}
	m.files[f.path] = f
}

// lookup returns the entry describing manifest file fe: same path, same
// size. A nil snapshot has none.
func (m *metaSnapshot) lookup(fe FileEntry) (*fileMeta, bool) {
	if m == nil {
		return nil, false
	}
	f, ok := m.files[fe.Path]
	if !ok || f.size != fe.Bytes {
		return nil, false
	}
	return f, true
}

func sortedFiles(files map[string]*fileMeta) []*fileMeta {
	out := make([]*fileMeta, 0, len(files))
	for _, f := range files {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}
