package orcfile

import (
	"github.com/ctlake/ctlake/orcstore/orcfile/bloom"
	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
)

// The File accessors below serve stripe footers, row indexes and bloom
// filters from the metadata cache (read_metacache.go) when the File has a
// cache key, and decode and store them otherwise. Errors are never cached:
// a failed decode is retried by the next caller.

// readStripe is ReadStripe without the file name in errors.
func (f *File) readStripe(i int) (*Stripe, error) {
	k, ok := f.metaKeyOf(i, -1, metaStripe)
	if ok {
		if e, hit := metaGet(k); hit {
			return e.stripe, nil
		}
	}
	s, n, err := f.decodeStripe(i)
	if err != nil || !ok {
		return s, err
	}
	e := metaPut(&metaEntry{key: k, size: metaStripeSize(s, n), stripe: s})
	return e.stripe, nil
}

func (f *File) stripeStatsCached(i int) ([]Statistics, error) {
	k, ok := f.metaKeyOf(i, -1, metaStripeStats)
	if ok {
		if e, hit := metaGet(k); hit {
			return e.stats, nil
		}
	}
	stats, err := f.decodeStripeStatistics(i)
	if err != nil || !ok {
		return stats, err
	}
	e := metaPut(&metaEntry{key: k, size: metaStatsSize(stats), stats: stats})
	return e.stats, nil
}

func (f *File) rowIndexCached(s *Stripe, col int) ([]RowGroup, error) {
	k, ok := f.metaStripeKey(s, col, metaRowIndex)
	if ok {
		if e, hit := metaGet(k); hit {
			return e.groups, nil
		}
	}
	groups, err := f.decodeRowIndex(s, col)
	if err != nil || !ok {
		return groups, err
	}
	e := metaPut(&metaEntry{key: k, size: metaGroupsSize(groups), groups: groups})
	return e.groups, nil
}

func (f *File) bloomFiltersCached(s *Stripe, col int) (*orcproto.BloomFilterIndex, bool, error) {
	k, ok := f.metaStripeKey(s, col, metaBloom)
	if ok {
		if e, hit := metaGet(k); hit {
			return e.bloom, e.utf8, nil
		}
	}
	idx, utf8, err := f.decodeBloomFilters(s, col)
	if err != nil || !ok {
		return idx, utf8, err
	}
	e := metaPut(&metaEntry{key: k, size: metaBloomSize(idx), bloom: idx, utf8: utf8})
	return e.bloom, e.utf8, nil
}

// BloomFilterSet is BloomFilters decoded into bloom.Filters, one per row
// group (nil for a malformed filter, which rules nothing out), ready for
// membership tests: pruning with it converts nothing per query, where
// bloom.FromProto on BloomFilters' result copies every bitset each time.
// utf8 is as for BloomFilters (callers should not trust legacy filters for
// non-ASCII strings). nil when the column has no filters in s. Files from
// OpenFile share the filters through the metadata cache: do not modify
// them.
func (f *File) BloomFilterSet(s *Stripe, col int) (filters []*bloom.Filter, utf8 bool, err error) {
	k, ok := f.metaStripeKey(s, col, metaBloomSet)
	if ok {
		if e, hit := metaGet(k); hit {
			return e.blooms, e.utf8, nil
		}
	}
	idx, utf8, err := f.decodeBloomFilters(s, col)
	if err != nil {
		return nil, false, err
	}
	if idx != nil {
		pbs := idx.GetBloomFilter()
		filters = make([]*bloom.Filter, len(pbs))
		for g, pb := range pbs {
			if bf, err := bloom.FromProto(pb); err == nil {
				filters[g] = bf
			}
		}
	}
	if !ok {
		return filters, utf8, nil
	}
	e := metaPut(&metaEntry{key: k, size: metaBloomSetSize(filters), blooms: filters, utf8: utf8})
	return e.blooms, e.utf8, nil
}

// metaStripeKey is the key of a piece of stripe s of f, or false when f
// has no cache key or s is not one of f's stripes (a caller mixing Files
// up must not poison the cache for the right stripe).
func (f *File) metaStripeKey(s *Stripe, col int, kind metaKind) (metaKey, bool) {
	if s == nil || s.Index < 0 || s.Index >= len(f.stripes) || s.Info != f.stripes[s.Index] {
		return metaKey{}, false
	}
	return f.metaKeyOf(s.Index, col, kind)
}
