package orcproto

// BloomFilterView is one BloomFilter of a serialized BloomFilterIndex,
// its utf8bitset aliasing the input instead of copied.
type BloomFilterView struct {
	NumHashFunctions uint32
	Utf8Bitset       []byte // nil when the filter has none (a legacy bitset)
}

// BloomFilterViews decodes a BloomFilterIndex as views into b: a point
// lookup tests millions of bloom filter bits it reads once, and copying
// each bitset (and converting it to words) cost more than the tests.
func BloomFilterViews(b []byte) ([]BloomFilterView, error) {
	var out []BloomFilterView
	for len(b) > 0 {
		f, rest, err := next(b)
		if err != nil {
			return nil, err
		}
		b = rest
		if f.num != 1 || f.wire != wireBytes {
			continue
		}
		var v BloomFilterView
		for m := f.p; len(m) > 0; {
			g, rest, err := next(m)
			if err != nil {
				return nil, err
			}
			m = rest
			switch {
			case g.num == 1 && g.wire == wireVarint:
				v.NumHashFunctions = uint32(g.v)
			case g.num == 3 && g.wire == wireBytes:
				v.Utf8Bitset = g.p
			}
		}
		out = append(out, v)
	}
	return out, nil
}
