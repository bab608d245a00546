package fn

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// TestStrSet checks the set against a map over keys with many repeats,
// through several growths, with the empty string among them.
func TestStrSet(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var s strSet
	want := map[string]bool{}
	var bytes int64
	for i := 0; i < 50000; i++ {
		k := fmt.Sprintf("arn:aws:s3:::bucket/%d", rng.Intn(20000))
		if i%1000 == 0 {
			k = ""
		}
		isNew, grew := s.add(k)
		bytes += grew
		if isNew == want[k] {
			t.Fatalf("add(%q) new = %v, already added: %v", k, isNew, want[k])
		}
		want[k] = true
	}
	if s.n != len(want) {
		t.Fatalf("%d entries, want %d", s.n, len(want))
	}
	if min := int64(len(s.slots)) * strSlotBytes; bytes < min {
		t.Fatalf("accounted %d bytes, less than its %d slots' %d", bytes, len(s.slots), min)
	}
}

func BenchmarkStrSet(b *testing.B) {
	keys := make([]string, 300000)
	for i := range keys {
		keys[i] = fmt.Sprintf("arn:aws:s3:::example-bucket-%d/logs/2024/05/%08d.json.gz", i%50, i)
	}
	for b.Loop() {
		var s strSet
		for _, k := range keys {
			s.add(k)
		}
	}
}

// BenchmarkStrMap is BenchmarkStrSet with the map it replaced.
func BenchmarkStrMap(b *testing.B) {
	keys := make([]string, 300000)
	for i := range keys {
		keys[i] = fmt.Sprintf("arn:aws:s3:::example-bucket-%d/logs/2024/05/%08d.json.gz", i%50, i)
	}
	for b.Loop() {
		m := map[string]struct{}{}
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				m[strings.Clone(k)] = struct{}{}
			}
		}
	}
}
