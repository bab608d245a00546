package orcfile

import (
	"bytes"
	"errors"
	"math/rand"
	"testing"
)

func codecInputs() map[string][]byte {
	rng := rand.New(rand.NewSource(1))
	random := make([]byte, 300_000)
	rng.Read(random)
	text := bytes.Repeat([]byte(`{"eventSource":"s3.amazonaws.com","eventName":"GetObject"}`), 9000)
	return map[string][]byte{"empty": {}, "one": {7}, "random": random, "text": text, "exact-block": text[:4096]}
}

func TestStreamRoundTrip(t *testing.T) {
	for _, c := range []Compression{CompressionNone, CompressionZlib, CompressionSnappy, CompressionZstd, CompressionLZ4} {
		for name, in := range codecInputs() {
			for _, block := range []int{4096, DefaultBlockSize} {
				enc, starts, err := CompressStream(c, []byte("prefix"), in, block)
				if err != nil {
					t.Fatalf("%v/%s: compress: %v", c, name, err)
				}
				enc = enc[len("prefix"):]
				dec, chunks, err := DecompressStream(c, nil, enc, block)
				if err != nil {
					t.Fatalf("%v/%s/%d: decompress: %v", c, name, block, err)
				}
				if !bytes.Equal(dec, in) {
					t.Fatalf("%v/%s/%d: round trip differs (%d vs %d bytes)", c, name, block, len(dec), len(in))
				}
				if c == CompressionNone {
					continue
				}
				// Every uncompressed position must survive the trip through
				// the row index's (chunk offset, offset in chunk) pair.
				for _, pos := range []int{0, 1, block - 1, block, len(in) / 2, len(in)} {
					if pos > len(in) {
						continue
					}
					co, ic := ChunkPosition(c, starts, block, pos)
					got, err := SeekPosition(c, chunks, co, ic)
					if err != nil || got != pos {
						t.Fatalf("%v/%s/%d: position %d -> (%d,%d) -> %d, %v", c, name, block, pos, co, ic, got, err)
					}
				}
			}
		}
	}
}

func TestStreamIncompressibleIsStoredOriginal(t *testing.T) {
	in := codecInputs()["random"]
	enc, _, err := CompressStream(CompressionZstd, nil, in, 4096)
	if err != nil {
		t.Fatal(err)
	}
	if enc[0]&1 != 1 {
		t.Fatalf("random block not stored as original: header %x", enc[:3])
	}
	if len(enc) != len(in)+3*((len(in)+4095)/4096) {
		t.Fatalf("original chunks should cost only their headers: %d bytes for %d", len(enc), len(in))
	}
}

func TestDecompressCorrupt(t *testing.T) {
	good, _, _ := CompressStream(CompressionZstd, nil, codecInputs()["text"], 4096)
	cases := map[string][]byte{
		"truncated header": good[:2],
		"truncated body":   good[:len(good)-5],
		"garbage body":     {0x10, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8},
		"oversized original": func() []byte {
			b := []byte{0, 0, 0}
			putChunkHeader(b, 5000, 1)
			return append(b, make([]byte, 5000)...)
		}(),
	}
	for name, in := range cases {
		for _, c := range []Compression{CompressionZlib, CompressionSnappy, CompressionZstd, CompressionLZ4} {
			if _, _, err := DecompressStream(c, nil, in, 4096); err == nil {
				t.Errorf("%s/%v: no error", name, c)
			} else if name != "garbage body" && !errors.Is(err, ErrCorrupt) {
				t.Errorf("%s/%v: error %v does not wrap ErrCorrupt", name, c, err)
			}
		}
	}
}

func TestParseCompression(t *testing.T) {
	for _, s := range []string{"none", "ZLIB", "Snappy", "zstd", "lz4"} {
		c, err := ParseCompression(s)
		if err != nil {
			t.Fatal(err)
		}
		back, err := compressionFromKind(c.Kind())
		if err != nil || back != c {
			t.Fatalf("%s: kind round trip gave %v, %v", s, back, err)
		}
	}
	if _, err := ParseCompression("lzo"); err == nil {
		t.Fatal("lzo accepted")
	}
}

// TestDecompressStreamReservesOnce checks that a stream is decompressed
// into one allocation sized from its chunk headers, and that a hostile
// stream of many empty chunks cannot make that reservation huge.
func TestDecompressStreamReservesOnce(t *testing.T) {
	const block = 64 << 10
	var data []byte
	for i := 0; i < 20*block; i++ {
		data = append(data, byte(i%251), byte(i%7))
	}
	framed, _, err := CompressStream(CompressionZstd, nil, data, block)
	if err != nil {
		t.Fatal(err)
	}
	out, chunks, err := DecompressStream(CompressionZstd, nil, framed, block)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, data) {
		t.Fatal("round trip differs")
	}
	if want := len(chunks) - 1; cap(out) > want*block {
		t.Errorf("capacity %d for %d chunks of at most %d bytes", cap(out), want, block)
	}
	allocs := testing.AllocsPerRun(5, func() {
		DecompressStream(CompressionZstd, nil, framed, block)
	})
	if allocs > 4 {
		t.Errorf("%.0f allocations per stream, want the output and the chunk map", allocs)
	}

	hostile := make([]byte, 3*100000) // 100,000 empty compressed chunks
	out, _, _ = DecompressStream(CompressionZstd, nil, hostile, block)
	if limit := 64*len(hostile) + block; cap(out) > limit {
		t.Errorf("hostile stream reserved %d bytes, more than %d", cap(out), limit)
	}
}

// TestZstdContentSize checks the frame header parse against the sizes of
// frames klauspost/compress writes, with and without a stated size.
func TestZstdContentSize(t *testing.T) {
	// The encoder states the size from 256 bytes on (and for an empty frame).
	for _, n := range []int{0, 256, 257, 65535 + 256, 65536 + 256, 1 << 20} {
		src := bytes.Repeat([]byte("abcdefgh"), n/8+1)[:n]
		frame := zstdEncoder().EncodeAll(src, nil)
		got, ok := zstdFrameContentSize(frame)
		if !ok || got != n {
			t.Errorf("frame of %d bytes: got %d, %v", n, got, ok)
		}
	}
	if n, ok := zstdFrameContentSize(zstdEncoder().EncodeAll(make([]byte, 100), nil)); ok {
		t.Errorf("a 100-byte frame states %d bytes (the encoder omits the size there)", n)
	}
	if _, ok := zstdFrameContentSize([]byte("not zstd")); ok {
		t.Error("a non-zstd chunk has a size")
	}
	// No Frame_Content_Size (FCS flag 0, not single segment).
	if _, ok := zstdFrameContentSize([]byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58, 0, 0}); ok {
		t.Error("a frame without a stated size has one")
	}
}
