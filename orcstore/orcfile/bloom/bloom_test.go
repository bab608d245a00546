package bloom

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
)

func TestNoFalseNegativesAndFPP(t *testing.T) {
	for _, n := range []int{1, 10, 1000, 10000} {
		f, err := New(n, DefaultFPP)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < n; i++ {
			f.AddString(fmt.Sprintf("event-%d", i))
		}
		for i := 0; i < n; i++ {
			if !f.MightContainString(fmt.Sprintf("event-%d", i)) {
				t.Fatalf("n=%d: false negative for event-%d", n, i)
			}
		}
		if n < 1000 {
			continue
		}
		fp := 0
		const probes = 20000
		for i := 0; i < probes; i++ {
			if f.MightContainString(fmt.Sprintf("absent-%d", i)) {
				fp++
			}
		}
		if rate := float64(fp) / probes; rate > 3*DefaultFPP {
			t.Fatalf("n=%d: false positive rate %.4f, want about %.2f", n, rate, DefaultFPP)
		}
	}
}

// Java's sizing for 10,000 entries at 1%: m = 95850 → 95872 bits, k = 7.
// Worked by hand from BloomFilter.java's formulas (see New).
func TestSizingMatchesJava(t *testing.T) {
	f, _ := New(10000, 0.01)
	if f.NumBits() != 95872 || f.NumHashFunctions() != 7 {
		t.Fatalf("m=%d k=%d", f.NumBits(), f.NumHashFunctions())
	}
	f, _ = New(0, 0.05) // expected entries are clamped to 1
	if f.NumBits() != 64 || f.NumHashFunctions() != 44 {
		t.Fatalf("m=%d k=%d", f.NumBits(), f.NumHashFunctions())
	}
	if _, err := New(10, 1.5); err == nil {
		t.Fatal("fpp 1.5 accepted")
	}
}

func TestProtoRoundTrip(t *testing.T) {
	f, _ := New(100, 0.05)
	rng := rand.New(rand.NewSource(3))
	var added []string
	for i := 0; i < 100; i++ {
		s := fmt.Sprint(rng.Int63())
		added = append(added, s)
		f.AddString(s)
	}
	f.AddNull()
	g, err := FromProto(f.Proto())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range added {
		if !g.MightContainString(s) {
			t.Fatalf("lost %q", s)
		}
	}
	if !g.MightContainNull() {
		t.Fatal("lost NULL")
	}
	for _, bad := range []*orcproto.BloomFilter{{}, {Utf8Bitset: []byte{1, 2, 3}}, {Bitset: []uint64{1}}} {
		if _, err := FromProto(bad); err == nil {
			t.Fatalf("malformed filter %v accepted", bad)
		}
	}
}

// TestHash64MatchesApacheORC uses the test vector that Apache ORC's Java
// (TestMurmur3#testHashCodeM3_64) and C++ (TestMurmur3.cc) suites share to
// keep their hashes consistent; a filter is only useful to other readers if
// ours agrees with theirs bit for bit.
func TestHash64MatchesApacheORC(t *testing.T) {
	const text = "It was the best of times, it was the worst of times," +
		" it was the age of wisdom, it was the age of foolishness," +
		" it was the epoch of belief, it was the epoch of incredulity," +
		" it was the season of Light, it was the season of Darkness," +
		" it was the spring of hope, it was the winter of despair," +
		" we had everything before us, we had nothing before us," +
		" we were all going direct to Heaven," +
		" we were all going direct the other way."
	if got := Hash64(text); got != 305830725663368540 {
		t.Fatalf("Hash64 = %d, Apache ORC's suites expect 305830725663368540", got)
	}
}

func BenchmarkAddString(b *testing.B) {
	f, _ := New(10000, DefaultFPP)
	s := "3f1b2c4d-5e6f-4a1b-9c2d-3e4f5a6b7c8d"
	b.SetBytes(int64(len(s)))
	for i := 0; i < b.N; i++ {
		f.AddString(s)
	}
}

// TestFromUTF8BitsetInPlace checks that a filter tested on its serialized
// bytes answers as the filter it came from.
func TestFromUTF8BitsetInPlace(t *testing.T) {
	f, err := New(1000, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 1000; i += 3 {
		f.AddString(fmt.Sprint("v", i))
	}
	p := f.Proto()
	g, err := FromUTF8Bitset(int(p.GetNumHashFunctions()), p.GetUtf8Bitset())
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3000; i++ {
		s := fmt.Sprint("v", i)
		if f.MightContainString(s) != g.MightContainString(s) {
			t.Fatalf("%s: %v in words, %v in bytes", s, f.MightContainString(s), g.MightContainString(s))
		}
	}
	if _, err := FromUTF8Bitset(3, make([]byte, 12)); err == nil {
		t.Error("a bitset of 12 bytes was accepted")
	}
}
