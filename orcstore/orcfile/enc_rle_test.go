package orcfile

import (
	"math"
	"math/rand"
	"reflect"
	"testing"
)

// TestEncIntRLERoundTrip encodes sequences of many shapes and decodes them
// with the test decoder written from the spec; it also checks that each
// sub-encoding is actually chosen where it pays.
func TestEncIntRLERoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	seq := func(n int, f func(i int) int64) []int64 {
		out := make([]int64, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	cases := map[string]struct {
		vals   []int64
		signed bool
		want   byte // header type expected first (0 short repeat, 1 direct, 3 delta), 255 = any
	}{
		"short repeat":    {seq(5, func(int) int64 { return 77 }), false, 0},
		"long repeat":     {seq(1000, func(int) int64 { return -5 }), true, 3},
		"ascending":       {seq(2000, func(i int) int64 { return int64(i) * 3 }), false, 3},
		"descending":      {seq(700, func(i int) int64 { return 1_000_000 - int64(i)*int64(i) }), true, 3},
		"seconds w/ dups": {seq(3000, func(i int) int64 { return 300_000_000 + int64(i/4) }), true, 3},
		"random small":    {seq(1500, func(int) int64 { return rng.Int63n(100) }), false, 1},
		"random signed":   {seq(1500, func(int) int64 { return rng.Int63() - rng.Int63() }), true, 1},
		"extremes":        {[]int64{math.MinInt64, math.MaxInt64, 0, -1, math.MaxInt64, math.MinInt64, 1, 1, 1, 1}, true, 255},
		"extremes delta":  {[]int64{math.MinInt64, math.MinInt64 + 1, math.MaxInt64, math.MaxInt64 - 5, 0}, true, 255},
		"unsigned big":    {[]int64{math.MaxInt64, math.MaxInt64, math.MaxInt64, 0, math.MaxInt64}, false, 255},
		"single":          {[]int64{42}, true, 1},
		"two":             {[]int64{42, 43}, false, 255},
		"delta width 1":   {seq(100, func(i int) int64 { return int64(i + i%2) }), false, 3},
		"zero first delta": {seq(50, func(i int) int64 {
			if i < 2 {
				return 10
			}
			return 10 - int64(i)
		}), true, 255},
		"mixed": {seq(5000, func(i int) int64 {
			switch (i / 100) % 4 {
			case 0:
				return 7
			case 1:
				return int64(i)
			case 2:
				return rng.Int63n(1 << 40)
			}
			return -int64(i) * 1000
		}), true, 255},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			e := encNewIntRLE(c.signed)
			// Feed in uneven batches, as columns do.
			for i := 0; i < len(c.vals); {
				n := min(len(c.vals)-i, 1+rng.Intn(700))
				e.append(c.vals[i : i+n]...)
				i += n
			}
			e.flush()
			got := wtRLEv2(t, e.out, c.signed, 0, 0, len(c.vals))
			if !reflect.DeepEqual(got, c.vals) {
				for i := range got {
					if got[i] != c.vals[i] {
						t.Fatalf("value %d: got %d, want %d", i, got[i], c.vals[i])
					}
				}
			}
			if c.want != 255 && e.out[0]>>6 != c.want {
				t.Errorf("first run type %d, want %d", e.out[0]>>6, c.want)
			}
		})
	}
}

// TestEncByteRLE round-trips byte runs and literals of every length.
func TestEncByteRLE(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	var in []byte
	for len(in) < 5000 {
		if rng.Intn(2) == 0 {
			b := byte(rng.Intn(256))
			for n := rng.Intn(300); n > 0; n-- {
				in = append(in, b)
			}
		} else {
			for n := rng.Intn(300); n > 0; n-- {
				in = append(in, byte(rng.Intn(4)))
			}
		}
	}
	var e encByteRLE
	e.append(in)
	e.flush()
	for i := 0; i < len(in); i += 1 + rng.Intn(50) {
		if got := wtByteRLE(t, e.out, 0, i); got != in[i] {
			t.Fatalf("byte %d: got %d, want %d", i, got, in[i])
		}
	}
	if len(e.out) >= len(in) {
		t.Errorf("byte RLE did not compress runs: %d → %d", len(in), len(e.out))
	}
}

// TestWriteFormatNanos checks the spec's examples: 1000 ns → 0x0a,
// 100000 → 0x0c.
func TestWriteFormatNanos(t *testing.T) {
	for in, want := range map[int64]int64{0: 0, 1000: 0x0a, 100000: 0x0c, 5: 5 << 3, 120: 120 << 3, 999_999_999: 999_999_999 << 3, 500_000_000: 5<<3 | 7} {
		if got := writeFormatNanos(in); got != want {
			t.Errorf("writeFormatNanos(%d) = %#x, want %#x", in, got, want)
		}
	}
}
