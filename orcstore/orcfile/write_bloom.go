package orcfile

import "github.com/ctlake/ctlake/orcstore/orcfile/bloom"

// Bloom filters come from the bloom package (Apache ORC's Murmur3 hash,
// sizing and BLOOM_FILTER_UTF8 layout).
func init() {
	wNewBloomFilter = func(expected int, fpp float64) (wBloom, error) {
		return bloom.New(expected, fpp)
	}
}
