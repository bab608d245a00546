package orcfile

import (
	"container/list"
	"sync"
	"unsafe"

	"github.com/ctlake/ctlake/orcstore/orcfile/bloom"
	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
)

// A point lookup (WHERE eventID = '…') prunes with every stripe's footer,
// the eventID row index and its bloom filters, then reads one row group.
// Decoding that metadata again for every query (read, decompress, protobuf
// unmarshal of some 3 MB of bloom filters on 1M events) was most of a
// repeated lookup's CPU and garbage. metaCache keeps, per file version, the
// decoded pieces pruning and seeking need, so that a repeated query decodes
// only the data it reads.
//
// Correctness rests on the key. Entries are keyed by the tail cache's
// tailKey (path, size, modification time) plus stripe, column and kind.
// Store files are immutable: written once under a fresh name, never
// rewritten in place (compaction writes new files and deletes the old
// ones). Should a file at the same path change anyway, its size or mtime
// changes, so its key differs and nothing cached for the old version is
// served; the stale entries age out of the LRU. (A same-size rewrite within
// one mtime tick would go unnoticed, as for the tail cache; file systems
// with nanosecond mtimes make that practically impossible, and store files
// are never rewritten.) Only Files from OpenFile have a key; Open on an
// arbitrary io.ReaderAt caches nothing.
//
// Cached values are shared by every File of that version and by concurrent
// scans: they are never modified after they are stored, and the accessors'
// doc comments tell callers not to modify them either.
//
// The cache is bounded by an estimate of the bytes its values hold
// (metaCacheLimit); the least recently used entries go first. A single value
// larger than a quarter of the limit is not cached.

// metaCacheLimit is the default bound on the cached bytes: the metadata a
// 1M-event store's lookups need (stripe footers, eventID row indexes and
// bloom filters at fpp 0.0001) is about 4 MB, so this holds several such
// stores or a much larger one.
const metaCacheLimit = 48 << 20

// metaKind says which decoded piece an entry holds.
type metaKind uint8

const (
	metaStripe      metaKind = iota + 1 // *Stripe
	metaRowIndex                        // []RowGroup
	metaBloom                           // *orcproto.BloomFilterIndex
	metaBloomSet                        // []*bloom.Filter
	metaStripeStats                     // []Statistics of a stripe
)

// metaKey names one cached piece of one file version.
type metaKey struct {
	file   tailKey
	stripe int32
	col    int32
	kind   metaKind
}

// metaEntry is one cached piece; exactly the field of its kind is set.
type metaEntry struct {
	key    metaKey
	size   int64
	stripe *Stripe
	groups []RowGroup
	bloom  *orcproto.BloomFilterIndex
	blooms []*bloom.Filter
	stats  []Statistics
	utf8   bool
}

// metaCache is the process-wide cache: a map to LRU list elements (front =
// most recently used) and the bytes they hold.
var metaCache = struct {
	sync.Mutex
	m     map[metaKey]*list.Element
	lru   list.List
	bytes int64
	limit int64
	// hits and misses count lookups, for tests and benchmarks.
	hits, misses int64
}{limit: metaCacheLimit}

// metaGet returns the cached entry for k, if any, and marks it used.
func metaGet(k metaKey) (*metaEntry, bool) {
	metaCache.Lock()
	defer metaCache.Unlock()
	el, ok := metaCache.m[k]
	if !ok {
		metaCache.misses++
		return nil, false
	}
	metaCache.hits++
	metaCache.lru.MoveToFront(el)
	return el.Value.(*metaEntry), true
}

// metaPut stores e unless an entry for its key is already there (a
// concurrent reader decoded it too); it returns the entry callers should use
// so that they share one copy.
func metaPut(e *metaEntry) *metaEntry {
	metaCache.Lock()
	defer metaCache.Unlock()
	if el, ok := metaCache.m[e.key]; ok {
		metaCache.lru.MoveToFront(el)
		return el.Value.(*metaEntry)
	}
	if e.size > metaCache.limit/4 {
		return e
	}
	if metaCache.m == nil {
		metaCache.m = map[metaKey]*list.Element{}
	}
	metaCache.m[e.key] = metaCache.lru.PushFront(e)
	metaCache.bytes += e.size
	metaEvict()
	return e
}

// metaEvict drops least recently used entries until the cache is within
// its limit. The caller holds the lock.
func metaEvict() {
	for metaCache.bytes > metaCache.limit {
		el := metaCache.lru.Back()
		old := metaCache.lru.Remove(el).(*metaEntry)
		delete(metaCache.m, old.key)
		metaCache.bytes -= old.size
	}
}

// metaKeyOf is the key of a piece of f, or false when f has no file key.
func (f *File) metaKeyOf(stripe, col int, kind metaKind) (metaKey, bool) {
	if f.cacheKey == nil {
		return metaKey{}, false
	}
	return metaKey{file: *f.cacheKey, stripe: int32(stripe), col: int32(col), kind: kind}, true
}

// Size estimates of decoded values: Go headers and protobuf structs beside
// the payload bytes. They need not be exact, only proportional, so that
// the bound means roughly what it says.
const (
	metaEntryBytes  = int64(unsafe.Sizeof(metaEntry{})) + 96 // entry, list element, map slot
	metaStreamBytes = int64(unsafe.Sizeof(StripeStream{})) + 64
	metaEncBytes    = 64
	metaGroupBytes  = int64(unsafe.Sizeof(RowGroup{})) + 48
	metaFilterBytes = 96
)

func metaStripeSize(s *Stripe, footerBytes int) int64 {
	return metaEntryBytes + int64(unsafe.Sizeof(*s)) + int64(footerBytes) +
		int64(len(s.Streams))*metaStreamBytes*2 + int64(len(s.Encodings))*metaEncBytes
}

func metaGroupsSize(groups []RowGroup) int64 {
	n := metaEntryBytes
	for _, g := range groups {
		n += metaGroupBytes + 8*int64(len(g.Positions)) + metaStatsExtra(&g.Stats)
	}
	return n
}

func metaStatsSize(stats []Statistics) int64 {
	n := metaEntryBytes + int64(len(stats))*int64(unsafe.Sizeof(Statistics{}))
	for i := range stats {
		n += metaStatsExtra(&stats[i])
	}
	return n
}

// metaStatsExtra is what a Statistics points to.
func metaStatsExtra(st *Statistics) int64 {
	switch {
	case st.String != nil:
		return int64(unsafe.Sizeof(*st.String)) + int64(len(st.String.Min)+len(st.String.Max))
	case st.Decimal != nil:
		return int64(unsafe.Sizeof(*st.Decimal)) + int64(len(st.Decimal.Min)+len(st.Decimal.Max)+len(st.Decimal.Sum))
	case st.Int != nil || st.Double != nil || st.Timestamp != nil || st.Date != nil || st.Bool != nil || st.Binary != nil:
		return 32
	}
	return 0
}

func metaBloomSize(idx *orcproto.BloomFilterIndex) int64 {
	n := metaEntryBytes
	for _, b := range idx.GetBloomFilter() {
		n += metaFilterBytes + int64(len(b.GetUtf8Bitset())) + 8*int64(len(b.GetBitset()))
	}
	return n
}

func metaBloomSetSize(fs []*bloom.Filter) int64 {
	n := metaEntryBytes
	for _, b := range fs {
		n += metaFilterBytes
		if b != nil {
			n += int64(b.NumBits() / 8)
		}
	}
	return n
}

// MetaCacheStats reports the metadata cache's lookups that were served
// (hits) and that decoded (misses), and the bytes it holds, for benchmarks
// and diagnostics.
func MetaCacheStats() (hits, misses, bytes int64) {
	metaCache.Lock()
	defer metaCache.Unlock()
	return metaCache.hits, metaCache.misses, metaCache.bytes
}

// SetMetaCacheLimit sets the metadata cache's bound in bytes (0 disables
// caching) and returns the previous bound. Entries beyond the new bound are
// evicted at once.
func SetMetaCacheLimit(n int64) int64 {
	metaCache.Lock()
	defer metaCache.Unlock()
	old := metaCache.limit
	metaCache.limit = max(n, 0)
	metaEvict()
	return old
}
