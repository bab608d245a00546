package orcstore

import (
	"fmt"
	"hash/fnv"
	"path/filepath"
	"strconv"
)

// BlockSample is TABLESAMPLE SYSTEM (p): the scan keeps each row group
// with probability Percent/100 and skips the rest unread. Whether a row
// group is kept depends only on Seed, its file and its position, so a scan
// with pruning and one without keep the same row groups, and runs with one
// seed read the same sample.
type BlockSample struct {
	Percent float64
	Seed    uint64
}

// Keep reports whether row group g of stripe s in file is in the sample.
func (b *BlockSample) Keep(file string, s, g int) bool {
	if b.Percent >= 100 {
		return true
	}
	if b.Percent <= 0 {
		return false
	}
	h := fnv.New64a()
	h.Write([]byte(file + "\x00" + strconv.Itoa(s) + "\x00" + strconv.Itoa(g)))
	x := h.Sum64() ^ b.Seed
	// splitmix64's finalizer spreads FNV's low-entropy high bits.
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return float64(x>>11)/(1<<53) < b.Percent/100
}

func (b *BlockSample) String() string {
	return fmt.Sprintf("SYSTEM %g%% of row groups", b.Percent)
}

// sampleRowGroups drops the row groups of u's stripe that the sample
// leaves out from keep (as selectRowGroups returned it, with skipped of
// them already false), returning the new keep and skip count. Row groups
// are named by the file's base name, so a copied store samples alike.
func sampleRowGroups(u scanUnit, keep []bool, skipped int, s *BlockSample) ([]bool, int) {
	name := filepath.Base(u.abs)
	for g := range keep {
		if keep[g] && !s.Keep(name, u.stripe, g) {
			keep[g] = false
			skipped++
		}
	}
	return keep, skipped
}
