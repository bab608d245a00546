package ingest

// keyTable maps a struct node's field names to their indexes. Looking up
// every key of every event in a Go map (hashing the key with aeshash, then
// probing a swiss table) was 3% of ingest's CPU; field names are few and
// known, so a small open-addressing table hashed on the length and three
// bytes finds them with one comparison in the common case.
type keyTable struct {
	mask  uint32
	names []string // "" marks an empty slot (no schema field is named "")
	idx   []int
}

func newKeyTable(names map[string]int) keyTable {
	size := 8
	for size < 4*len(names) {
		size *= 2
	}
	t := keyTable{mask: uint32(size - 1), names: make([]string, size), idx: make([]int, size)}
	for name, i := range names {
		if name == "" {
			continue
		}
		h := keyHash([]byte(name)) & t.mask
		for t.names[h] != "" {
			h = (h + 1) & t.mask
		}
		t.names[h], t.idx[h] = name, i
	}
	return t
}

func keyHash(k []byte) uint32 {
	n := len(k)
	if n == 0 {
		return 0
	}
	h := uint32(n)
	h = h*31 + uint32(k[0])
	h = h*31 + uint32(k[n/2])
	h = h*31 + uint32(k[n-1])
	return (h * 0x9E3779B1) >> 7
}

// lookup returns the index of field k, if any.
func (t *keyTable) lookup(k []byte) (int, bool) {
	if len(k) == 0 {
		return 0, false
	}
	for h := keyHash(k) & t.mask; ; h = (h + 1) & t.mask {
		name := t.names[h]
		if name == "" {
			return 0, false
		}
		if name == string(k) {
			return t.idx[h], true
		}
	}
}
