package orcfile

import (
	"errors"
	"math/rand"
	"slices"
	"testing"
)

// The byte sequences come from the ORC v1 specification's examples for each
// encoding (https://orc.apache.org/specification/ORCv1/), except where a
// comment derives them by hand.
func TestDecIntReader(t *testing.T) {
	seq := func(from, n, step int64) []int64 {
		out := make([]int64, n)
		for i := range out {
			out[i] = from + int64(i)*step
		}
		return out
	}
	rep := func(v int64, n int) []int64 {
		out := make([]int64, n)
		for i := range out {
			out[i] = v
		}
		return out
	}
	tests := []struct {
		name   string
		v2     bool
		signed bool
		in     []byte
		want   []int64
	}{
		{"v1 run of 100 sevens", false, false, []byte{0x61, 0x00, 0x07}, rep(7, 100)},
		{"v1 run 100 down to 1", false, false, []byte{0x61, 0xff, 0x64}, seq(100, 100, -1)},
		{"v1 literals", false, false, []byte{0xfb, 0x02, 0x03, 0x06, 0x07, 0x0b}, []int64{2, 3, 6, 7, 11}},
		// Signed v1: zigzag base -1 = 1, delta +2, three values.
		{"v1 signed run", false, true, []byte{0x00, 0x02, 0x01}, []int64{-1, 1, 3}},
		{"v1 signed literals", false, true, []byte{0xfd, 0x01, 0x02, 0x03}, []int64{-1, 1, -2}},
		{"v2 short repeat", true, false, []byte{0x0a, 0x27, 0x10}, rep(10000, 5)},
		// Signed short repeat: 3 bytes width... 1 byte, count 3, zigzag(-3)=5.
		{"v2 signed short repeat", true, true, []byte{0x00, 0x05}, rep(-3, 3)},
		{"v2 direct", true, false, []byte{0x5e, 0x03, 0x5c, 0xa1, 0xab, 0x1e, 0xde, 0xad, 0xbe, 0xef}, []int64{23713, 43806, 57005, 48879}},
		{"v2 patched base", true, false, []byte{0x8e, 0x13, 0x2b, 0x21, 0x07, 0xd0, 0x1e, 0x00, 0x14, 0x70, 0x28, 0x32, 0x3c, 0x46, 0x50, 0x5a,
			0x64, 0x6e, 0x78, 0x82, 0x8c, 0x96, 0xa0, 0xaa, 0xb4, 0xbe, 0xfc, 0xe8},
			[]int64{2030, 2000, 2020, 1000000, 2040, 2050, 2060, 2070, 2080, 2090, 2100, 2110, 2120, 2130, 2140, 2150, 2160, 2170, 2180, 2190}},
		{"v2 delta", true, false, []byte{0xc6, 0x09, 0x02, 0x02, 0x22, 0x42, 0x42, 0x46}, []int64{2, 3, 5, 7, 11, 13, 17, 19, 23, 29}},
		{"v2 delta 2", true, false, []byte{0xc2, 0x06, 0x0, 0xa0, 0x9c, 0x01, 0x45, 0x0}, []int64{0, 10000, 10001, 10001, 10002, 10003, 10003}},
		{"v2 fixed delta, 288 sixes", true, true, []byte{0xc1, 0x1f, 0x0c, 0x00}, rep(6, 288)},
		// Signed direct, width 4 (code 3), 4 values: zigzag -5,5,-5,5 = 9,10,9,10.
		{"v2 signed direct", true, true, []byte{0x46, 0x03, 0x9a, 0x9a}, []int64{-5, 5, -5, 5}},
		// Descending delta: base 10, delta -2 (zigzag 3), fixed.
		{"v2 descending fixed delta", true, false, []byte{0xc0, 0x03, 0x0a, 0x03}, []int64{10, 8, 6, 4}},
		// Delta with negative base delta and packed deltas:
		// base 10, delta -1 (zigzag 1), then deltas 1,0 in width code 1 (2
		// bits: 0b0100_0000) → 10, 9, 8, 8.
		{"v2 descending packed delta", true, true, []byte{0xc2, 0x03, 0x14, 0x01, 0x40}, []int64{10, 9, 8, 8}},
		// Two runs back to back.
		{"v2 two runs", true, false, []byte{0x0a, 0x27, 0x10, 0xc6, 0x09, 0x02, 0x02, 0x22, 0x42, 0x42, 0x46},
			append(rep(10000, 5), 2, 3, 5, 7, 11, 13, 17, 19, 23, 29)},
	}
	// Many runs back to back, so that a single large read decodes runs
	// straight into the destination.
	var manyIn []byte
	var manyWant []int64
	for i := 0; i < 40; i++ {
		for _, k := range []int{5, 7, 8, 9, 10} { // unsigned: short repeat, direct, patched, delta, delta 2
			manyIn = append(manyIn, tests[k].in...)
			manyWant = append(manyWant, tests[k].want...)
		}
	}
	tests = append(tests, struct {
		name   string
		v2     bool
		signed bool
		in     []byte
		want   []int64
	}{"v2 many runs", true, false, manyIn, manyWant})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var whole decIntReader
			whole.reset(tc.in, tc.v2, tc.signed)
			all := make([]int64, len(tc.want))
			if err := whole.next(all); err != nil || !slices.Equal(all, tc.want) {
				t.Fatalf("one read: %v\ngot  %v\nwant %v", err, all, tc.want)
			}
			var d decIntReader
			d.reset(tc.in, tc.v2, tc.signed)
			got := make([]int64, len(tc.want))
			// Odd-sized batches cross run boundaries.
			for off := 0; off < len(got); off += 3 {
				if err := d.next(got[off:min(off+3, len(got))]); err != nil {
					t.Fatalf("at %d: %v", off, err)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("got  %v\nwant %v", got, tc.want)
			}
			var one [1]int64
			if err := d.next(one[:]); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("reading past the end: %v, want ErrCorrupt", err)
			}
			// Skipping k values then reading gives the tail.
			for k := 0; k <= len(tc.want); k++ {
				d.reset(tc.in, tc.v2, tc.signed)
				if err := d.seek(0, uint64(k)); err != nil {
					t.Fatalf("seek skip %d: %v", k, err)
				}
				rest := make([]int64, len(tc.want)-k)
				if err := d.next(rest); err != nil {
					t.Fatalf("after skip %d: %v", k, err)
				}
				if !slices.Equal(rest, tc.want[k:]) {
					t.Fatalf("after skip %d: got %v want %v", k, rest, tc.want[k:])
				}
			}
			// The header-only span of every run matches decoding it.
			decCheckSpans(t, tc.in, tc.v2, tc.signed)
			// Every truncation is an error, never a panic or a loop.
			for cut := 0; cut < len(tc.in); cut++ {
				d.reset(tc.in[:cut], tc.v2, tc.signed)
				if err := d.next(make([]int64, len(tc.want))); err == nil {
					t.Fatalf("cut at %d: no error", cut)
				}
			}
		})
	}
}

func TestDecUnpackWidths(t *testing.T) {
	// Pack known values big-endian at every width and unpack them.
	for w := 1; w <= 64; w++ {
		vals := make([]uint64, 37)
		for i := range vals {
			v := uint64(i)*0x9e3779b97f4a7c15 + 12345
			if w < 64 {
				v &= 1<<uint(w) - 1
			}
			vals[i] = v
		}
		var bits []byte // one byte per bit
		for _, v := range vals {
			for b := w - 1; b >= 0; b-- {
				bits = append(bits, byte(v>>uint(b)&1))
			}
		}
		packed := make([]byte, (len(bits)+7)/8)
		for i, b := range bits {
			packed[i/8] |= b << uint(7-i%8)
		}
		out := make([]uint64, len(vals))
		decUnpack(out, packed, w)
		if !slices.Equal(out, vals) {
			t.Fatalf("width %d: got %v want %v", w, out[:4], vals[:4])
		}
	}
}

func TestDecByteAndBool(t *testing.T) {
	var d decByteReader
	// Spec: 100 zeros = [0x61, 0x00]; [0x44, 0x45] = [0xfe, 0x44, 0x45].
	d.reset([]byte{0x61, 0x00, 0xfe, 0x44, 0x45})
	got := make([]byte, 102)
	if err := d.next(got); err != nil {
		t.Fatal(err)
	}
	want := append(make([]byte, 100), 0x44, 0x45)
	if !slices.Equal(got, want) {
		t.Fatalf("byte rle: got %v", got)
	}
	if err := d.next(got[:1]); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("past end: %v", err)
	}
	// Spec: [true, false×7] = [0xff, 0x80]; then a run of 3 bytes 0xaa.
	var b decBoolReader
	b.reset([]byte{0xff, 0x80, 0x00, 0xaa})
	bits := make([]byte, 32)
	for off := 0; off < 32; off += 5 {
		if err := b.next(bits[off:min(off+5, 32)]); err != nil {
			t.Fatal(err)
		}
	}
	wantBits := []byte{1, 0, 0, 0, 0, 0, 0, 0}
	for i := 0; i < 3; i++ {
		wantBits = append(wantBits, 1, 0, 1, 0, 1, 0, 1, 0)
	}
	if !slices.Equal(bits, wantBits) {
		t.Fatalf("bools: got %v", bits)
	}
	// Seek: byte 1 of the run (skip 1 byte value), then 3 bits.
	b.reset([]byte{0xff, 0x80, 0x00, 0xaa})
	if err := b.seek(2, 1, 3); err != nil {
		t.Fatal(err)
	}
	rest := make([]byte, 13)
	if err := b.next(rest); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rest, wantBits[8+8+3:]) {
		t.Fatalf("after seek: got %v want %v", rest, wantBits[19:])
	}
}

// decCheckSpans walks a stream run by run and checks that runSpan's count
// and end agree with what decoding the run consumed.
func decCheckSpans(t *testing.T, in []byte, v2, signed bool) {
	t.Helper()
	var d decIntReader
	d.reset(in, v2, signed)
	buf := make([]int64, 0, decMaxRun)
	for run := 0; d.p < len(d.b); run++ {
		cnt, end, ok := d.runSpan()
		n, err := d.decodeRun(buf[:0])
		if err != nil || !ok || cnt != n || end != d.p {
			t.Fatalf("run %d: span (%d values, ends %d, ok %v), decoded (%d values, ends %d, %v)", run, cnt, end, ok, n, d.p, err)
		}
	}
}

// TestDecRunSpanEncoded checks runSpan on what our encoder writes for
// value shapes that pick every RLE v2 run kind.
func TestDecRunSpanEncoded(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	for _, signed := range []bool{false, true} {
		e := encNewIntRLE(signed)
		for i := 0; i < 20000; i++ {
			switch (i / 300) % 5 {
			case 0:
				e.append1(7) // repeats
			case 1:
				e.append1(int64(i)) // deltas
			case 2:
				e.append1(rng.Int63n(1 << 20)) // direct
			case 3:
				v := rng.Int63n(100) // patched: small values, rare outliers
				if rng.Intn(50) == 0 {
					v = rng.Int63n(1 << 40)
				}
				e.append1(v)
			default:
				e.append1(rng.Int63n(1<<62) - 1<<61)
			}
		}
		e.flush()
		decCheckSpans(t, e.out, true, signed)
	}
}

// TestDecBoolCount checks count against decoding bit by bit, over runs
// and literals and reads that start and end inside bytes.
func TestDecBoolCount(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	var e encBoolRLE
	var vals []bool
	for len(vals) < 20000 {
		switch rng.Intn(3) {
		case 0: // a long run: repeat bytes
			v := rng.Intn(2) == 0
			for k := 100 + rng.Intn(900); k > 0; k-- {
				e.append1(v)
				vals = append(vals, v)
			}
		default: // noise: literal bytes
			for k := rng.Intn(200); k > 0; k-- {
				v := rng.Intn(3) == 0
				e.append1(v)
				vals = append(vals, v)
			}
		}
	}
	e.flush()
	var d decBoolReader
	d.reset(e.bytes.out)
	for at := 0; at < len(vals); {
		n := min(1+rng.Intn(300), len(vals)-at)
		want := 0
		for _, v := range vals[at : at+n] {
			if v {
				want++
			}
		}
		if rng.Intn(2) == 0 {
			got, err := d.count(n)
			if err != nil || got != want {
				t.Fatalf("count(%d) at %d: %d, %v; want %d", n, at, got, err, want)
			}
		} else {
			dst := make([]byte, n)
			if err := d.next(dst); err != nil || readCount(dst) != want {
				t.Fatalf("next(%d) at %d: %d, %v; want %d", n, at, readCount(dst), err, want)
			}
		}
		at += n
	}
	if _, err := d.count(9); err == nil {
		t.Fatal("count past the end: no error")
	}
}
