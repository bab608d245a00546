package orcfile

import (
	"bytes"
	"errors"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
	orc "github.com/scritchley/orc"
)

// readDrain opens data and reads everything a tool could ask for: stats,
// stripe footers, row indexes, bloom filters and every row (printed), plus
// a row-group selective scan. It returns the first error.
func readDrain(data []byte) error {
	return readDrainMem(data, nil)
}

// readDrainMem is readDrain with the scans' allocator.
func readDrainMem(data []byte, mem memory.Allocator) error {
	f, err := Open(bytes.NewReader(data), int64(len(data)), "fuzz.orc")
	if err != nil {
		return err
	}
	_ = f.ColumnStatistics()
	for i := range f.Stripes() {
		if _, err := f.StripeStatistics(i); err != nil {
			return err
		}
		st, err := f.ReadStripe(i)
		if err != nil {
			return err
		}
		for c := range f.Columns() {
			if _, err := f.RowIndex(st, c); err != nil {
				return err
			}
			if _, _, err := f.BloomFilters(st, c); err != nil {
				return err
			}
		}
	}
	for _, opts := range []ScanOptions{
		{BatchSize: 100},
		{BatchSize: 77, PlainStrings: true, RowGroups: func(*Stripe, func(int) ([]RowGroup, error)) ([]bool, error) {
			return []bool{false, true, false, true, true}, nil
		}},
	} {
		opts.Allocator = mem
		s, err := f.Scan(opts)
		if err != nil {
			return err
		}
		var p RowPrinter
		var buf []byte
		printed, rows := 0, int64(0)
		for {
			rec, err := s.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				s.Close()
				return err
			}
			// Print a sample of rows (printing everything of a file that
			// legitimately holds millions of rows would slow fuzzing).
			for i := 0; i < int(rec.NumRows()) && printed < 3000; i++ {
				buf = p.AppendRow(buf[:0], rec, i)
				printed++
			}
			rows += rec.NumRows()
			rec.Release()
			if rows > 1<<20 {
				break
			}
		}
		s.Close()
	}
	// A sparse scan alternating skips and short reads (top-N late
	// materialization) over lazily read, lazily decompressed streams.
	s, err := f.Scan(ScanOptions{Allocator: mem, Sparse: true, PlainStrings: true})
	if err != nil {
		return err
	}
	defer s.Close()
	for i := 0; i < 1<<14; i++ {
		if err := s.Skip(i%97 + 1); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		rec, err := s.NextN(i%3 + 1)
		if errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		rec.Release()
	}
	return nil
}

// readSeedFiles are small valid files: Apache examples and files written by
// the module's writer (compressed and not).
func readSeedFiles(t testing.TB, large bool) map[string][]byte {
	seeds := map[string][]byte{}
	dir := readExamplesDir(t)
	if large { // for the corruption test, which does not minimize
		for _, n := range []string{"TestOrcFile.metaData", "TestOrcFile.testUnionAndTimestamp", "decimal", "over1k_bloom"} {
			b, err := os.ReadFile(filepath.Join(dir, n+".orc"))
			if err != nil {
				t.Fatal(err)
			}
			seeds[n] = b
		}
	}
	// Small files only: the fuzzer minimizes every new input by re-running
	// it thousands of times, which takes minutes on 20 KB inputs.
	for _, n := range []string{"TestOrcFile.test1", "TestOrcFile.testStringAndBinaryStatistics",
		"TestOrcFile.testStripeLevelStats", "TestOrcFile.emptyFile"} {
		b, err := os.ReadFile(filepath.Join(dir, n+".orc"))
		if err != nil {
			t.Fatal(err)
		}
		seeds[n] = b
	}
	seeds["module-zlib"], _ = readWriteModuleFile(t, 12)
	seeds["module-none"], _ = readWriteModuleFile(t, 12, orc.SetCompression(orc.CompressionNone{}))
	return seeds
}

// TestReadCorruptFiles cuts valid files at many offsets and flips bytes:
// the reader must return an error or data, never panic or hang.
func TestReadCorruptFiles(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for name, data := range readSeedFiles(t, true) {
		t.Run(name, func(t *testing.T) {
			if err := readDrain(data); err != nil {
				t.Fatalf("valid file: %v", err)
			}
			step := max(1, len(data)/300)
			for cut := 0; cut < len(data); cut += step {
				err := readDrain(data[:cut])
				if err == nil && cut < len(data) {
					t.Errorf("cut at %d of %d: no error", cut, len(data))
				}
			}
			mut := make([]byte, len(data))
			for k := 0; k < 200; k++ {
				copy(mut, data)
				for j := 0; j < 1+k%3; j++ {
					mut[rng.Intn(len(mut))] ^= byte(1 + rng.Intn(255))
				}
				// Any result but a panic, and no buffer left behind.
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				_ = readDrainMem(mut, mem)
				if n := mem.CurrentAlloc(); n != 0 {
					t.Fatalf("mutation %d: %d bytes not released", k, n)
				}
			}
		})
	}
}

// TestReadErrorContext checks that a decoding error names the file, stripe,
// column and stream.
func TestReadErrorContext(t *testing.T) {
	data, _ := readWriteModuleFile(t, 200, orc.SetCompression(orc.CompressionNone{}))
	f, err := Open(bytes.NewReader(data), int64(len(data)), "ctx.orc")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.ReadStripe(0)
	if err != nil {
		t.Fatal(err)
	}
	// Truncate column 3's (ts) SECONDARY stream by overwriting its bytes
	// with a literal run header that claims more values than remain.
	ss, ok := st.stream(3, orcproto.Stream_SECONDARY)
	if !ok {
		t.Fatal("no SECONDARY stream for column 3")
	}
	bad := append([]byte(nil), data...)
	for i := ss.Offset; i < ss.Offset+ss.Length; i++ {
		bad[i] = 0x7f // a DIRECT run header is 0x40..0x7f: width 64, many values
	}
	f, _ = Open(bytes.NewReader(bad), int64(len(bad)), "ctx.orc")
	s, err := f.Scan(ScanOptions{Columns: []string{"ts"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Next()
	want := "ctx.orc: stripe 0, column 3 (ts), stream SECONDARY: "
	if err == nil || len(err.Error()) < len(want) || err.Error()[:len(want)] != want || !errors.Is(err, ErrCorrupt) {
		t.Fatalf("error %v, want prefix %q wrapping ErrCorrupt", err, want)
	}
}

// FuzzOpenAndScan feeds arbitrary bytes to the reader. Run with
//
//	go test -run XXX -fuzz FuzzOpenAndScan -fuzztime 1m -fuzzminimizetime 0 ./orcstore/orcfile
//
// (Minimizing each new input re-runs it for a long time in this large
// instrumented binary; without -fuzzminimizetime 0 the fuzzer spends the
// minute minimizing, at a handful of execs per second.)
func FuzzOpenAndScan(f *testing.F) {
	for _, b := range readSeedFiles(f, false) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// A watchdog turns a hang into a reported failure with the input.
		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				panic("readDrain took over 10s")
			}
		}()
		_ = readDrain(data)
	})
}
