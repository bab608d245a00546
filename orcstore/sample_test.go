package orcstore

import (
	"fmt"
	"math"
	"testing"
)

// TestBlockSampleKeep: a row group's fate depends only on the seed, its
// file and its position, and about Percent of them are kept.
func TestBlockSampleKeep(t *testing.T) {
	for _, pct := range []float64{0, 1, 10, 50, 99.5, 100} {
		b := &BlockSample{Percent: pct, Seed: 7}
		kept, n := 0, 0
		for f := 0; f < 100; f++ {
			file := fmt.Sprintf("events-%04d.orc", f)
			for s := 0; s < 10; s++ {
				for g := 0; g < 20; g++ {
					k := b.Keep(file, s, g)
					if k != b.Keep(file, s, g) {
						t.Fatalf("%v%%: %s %d %d changes its mind", pct, file, s, g)
					}
					if k {
						kept++
					}
					n++
				}
			}
		}
		p := pct / 100
		mean, sd := float64(n)*p, math.Sqrt(float64(n)*p*(1-p))
		if math.Abs(float64(kept)-mean) > 6*sd {
			t.Errorf("%v%%: kept %d of %d row groups, expected %.0f ± %.0f", pct, kept, n, mean, 6*sd)
		}
	}
	a, b := &BlockSample{Percent: 50, Seed: 1}, &BlockSample{Percent: 50, Seed: 2}
	same := 0
	for g := 0; g < 1000; g++ {
		if a.Keep("f.orc", 0, g) == b.Keep("f.orc", 0, g) {
			same++
		}
	}
	if same > 600 || same < 400 {
		t.Errorf("seeds 1 and 2 agree on %d of 1000 row groups; expected about half", same)
	}
}
