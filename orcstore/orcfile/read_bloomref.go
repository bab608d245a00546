package orcfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ctlake/ctlake/orcstore/orcfile/bloom"
	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
)

// A store's metadata snapshot records where each stripe's bloom filter
// streams lie, so that a point lookup can rule stripes out without parsing
// the files' tails and stripe footers. FileRef reads such a stream given
// its location; the decoded filters share the metadata cache with
// File.BloomFilterSet (the key is the same file version: path, size and
// modification time).

// FileRef names one version of an ORC file and the codec of its streams,
// as a metadata snapshot recorded them.
type FileRef struct {
	Path        string
	Size        int64
	ModTime     time.Time
	Compression Compression
	BlockSize   int
	// Checked: the file's chunks are checksummed frames (checksum.go), as
	// its manifest entry says; a stream read here must be one too, as it
	// would be read through File.
	Checked bool
}

// ErrChanged reports that the file at a FileRef's path is not the version
// it describes (another size or modification time).
var ErrChanged = errors.New("file changed since its metadata was recorded")

// BloomFilterSetAt returns the UTF-8 bloom filters of column col in stripe
// stripe, read from the BLOOM_FILTER_UTF8 stream at [offset, offset+length),
// one per row group (nil for a malformed filter, which rules nothing out).
// It opens the file only when the filters are not cached, and fails with
// ErrChanged when the file there is another version. Do not modify the
// result.
func (r FileRef) BloomFilterSetAt(stripe, col int, offset, length uint64) ([]*bloom.Filter, error) {
	k := metaKey{file: tailKey{path: r.Path, size: r.Size, mtime: r.ModTime}, stripe: int32(stripe), col: int32(col), kind: metaBloomSet}
	if e, hit := metaGet(k); hit {
		if !e.utf8 {
			return nil, nil
		}
		return e.blooms, nil
	}
	raw := make([]byte, length)
	filters, err := r.readBloomSet(stripe, col, offset, raw)
	if err != nil {
		return nil, err
	}
	e := metaPut(&metaEntry{key: k, size: metaBloomSetSize(filters), blooms: filters, utf8: true})
	return e.blooms, nil
}

// keepBloomSets: TestBloomFilterSetAt caches the filters it reads
// (SetKeepBloomSets).
var keepBloomSets atomic.Bool

func init() { keepBloomSets.Store(true) }

// SetKeepBloomSets says whether bloom filters read through a FileRef are
// kept in the metadata cache. A process that runs one query (`ctlake
// query`) never reads a stripe's filters twice: keeping them meant a fresh
// buffer per stripe — a cold eventID lookup on 1M events read 48 streams
// of ~96 KB, 4.6 MB of new pages faulted in and copied into — where
// one reused buffer does. It returns the previous setting.
func SetKeepBloomSets(keep bool) bool { return keepBloomSets.Swap(keep) }

// bloomBufs are the reused buffers of TestBloomFilterSetAt.
var bloomBufs sync.Pool

// TestBloomFilterSetAt calls test with the filters BloomFilterSetAt
// returns; test must not keep them. After SetKeepBloomSets(false), a
// stream not cached is read into a reused buffer and not cached.
func (r FileRef) TestBloomFilterSetAt(stripe, col int, offset, length uint64, test func([]*bloom.Filter)) error {
	if keepBloomSets.Load() {
		set, err := r.BloomFilterSetAt(stripe, col, offset, length)
		if err == nil {
			test(set)
		}
		return err
	}
	k := metaKey{file: tailKey{path: r.Path, size: r.Size, mtime: r.ModTime}, stripe: int32(stripe), col: int32(col), kind: metaBloomSet}
	if e, hit := metaGet(k); hit {
		if e.utf8 {
			test(e.blooms)
		}
		return nil
	}
	bp, _ := bloomBufs.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	defer bloomBufs.Put(bp)
	if uint64(cap(*bp)) < length {
		*bp = make([]byte, length)
	}
	filters, err := r.readBloomSet(stripe, col, offset, (*bp)[:length])
	if err != nil {
		return err
	}
	test(filters)
	return nil
}

// readBloomSet reads the stream at offset into raw (its length) and
// returns its filters, which may alias raw.
func (r FileRef) readBloomSet(stripe, col int, offset uint64, raw []byte) ([]*bloom.Filter, error) {
	length := uint64(len(raw))
	if offset+length > uint64(r.Size) || offset+length < offset {
		return nil, fmt.Errorf("%s: bloom filter stream at %d (%d bytes) lies outside the file: %w", r.Path, offset, length, ErrCorrupt)
	}
	fh, err := os.Open(r.Path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() != r.Size || !st.ModTime().Equal(r.ModTime) {
		return nil, fmt.Errorf("%s: %w", r.Path, ErrChanged)
	}
	if _, err := fh.ReadAt(raw, int64(offset)); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", r.Path, err)
	}
	b, err := streamView(r.Compression, r.Checked, raw, r.BlockSize)
	if err != nil {
		return nil, fmt.Errorf("%s: stripe %d, column %d bloom filters: %w", r.Path, stripe, col, err)
	}
	views, err := orcproto.BloomFilterViews(b)
	if err != nil {
		return nil, fmt.Errorf("%s: stripe %d, column %d bloom filters: %v: %w", r.Path, stripe, col, err, ErrCorrupt)
	}
	// The filters test the decompressed bytes in place.
	filters := make([]*bloom.Filter, len(views))
	for g, v := range views {
		if bf, err := bloom.FromUTF8Bitset(int(v.NumHashFunctions), v.Utf8Bitset); err == nil {
			filters[g] = bf
		}
	}
	return filters, nil
}

// streamView returns a stream's decompressed bytes, aliasing raw when the
// stream is one chunk stored uncompressed: bloom filter bits are random,
// so writers store them as original chunks, and decompressing was a copy
// of every filter.
func streamView(c Compression, checked bool, raw []byte, blockSize int) ([]byte, error) {
	if c == CompressionNone {
		return raw, nil
	}
	if len(raw) >= 3 && !checked {
		h := uint32(raw[0]) | uint32(raw[1])<<8 | uint32(raw[2])<<16
		if n := int(h >> 1); h&1 == 1 && n == len(raw)-3 && n <= blockSize {
			return raw[3:], nil
		}
	}
	b, _, err := decompressStream(c, checked, nil, raw, blockSize)
	return b, err
}
