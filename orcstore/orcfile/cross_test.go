package orcfile_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/gen"
	"github.com/ctlake/ctlake/ingest"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/orcstore/orcfile"
)

// cloudTrailRecord decodes n generated events into one record of the event
// schema, through the real ingest decoder.
func cloudTrailRecord(t testing.TB, n int, seed int64) arrow.Record {
	t.Helper()
	g, err := gen.New(gen.Config{Events: int64(n), Seed: seed, Days: 2})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	var line []byte
	for {
		line, err = g.Next(line[:0])
		if err == gen.ErrDone {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(line)
		buf.WriteByte('\n')
	}
	b := ingest.NewBuilder()
	defer b.Release()
	got, err := ingest.ReadInto(&buf, "gen", ingest.Options{}, b, func(r *ingest.Reject) { t.Fatalf("generated event rejected: %v", r) })
	if err != nil || got != n {
		t.Fatalf("decoded %d of %d events: %v", got, n, err)
	}
	return b.NewRecord()
}

func writeFile(t testing.TB, rec arrow.Record, opts orcfile.WriterOptions) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "events.orc")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := orcfile.NewWriter(f, rec.Schema(), opts)
	if err != nil {
		t.Fatal(err)
	}
	// Feed the writer in uneven slices, as the store does.
	for off := int64(0); off < rec.NumRows(); {
		end := min(off+3333, rec.NumRows())
		part := rec.NewSlice(off, end)
		if err := w.Write(part); err != nil {
			t.Fatal(err)
		}
		part.Release()
		off = end
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// readAll reads every column of a file back, with plain strings so that
// records compare with array.Equal.
func readAll(t testing.TB, path string) []arrow.Record {
	t.Helper()
	f, err := orcfile.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc, err := f.Scan(orcfile.ScanOptions{PlainStrings: true, BatchSize: 4096})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	var out []arrow.Record
	for {
		rec, err := sc.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
}

// TestWriterReaderRoundTrip sends real CloudTrail-shaped records (from the
// generator through the ingest decoder) through our writer and our reader
// for every codec and the stripe/row-group boundary sizes, and requires the
// arrays back exactly as written.
func TestWriterReaderRoundTrip(t *testing.T) {
	full := cloudTrailRecord(t, 10001, 7)
	defer full.Release()
	codecs := []orcfile.Compression{orcfile.CompressionNone, orcfile.CompressionZlib, orcfile.CompressionSnappy, orcfile.CompressionZstd, orcfile.CompressionLZ4}
	for _, rows := range []int64{1, 9999, 10000, 10001} {
		for _, c := range codecs {
			for _, stripe := range []int64{0, 256 << 10} { // default, and many small stripes
				t.Run(fmt.Sprintf("%d/%v/stripe%d", rows, c, stripe), func(t *testing.T) {
					rec := full.NewSlice(0, rows)
					defer rec.Release()
					opts := orcfile.WriterOptions{Compression: c, Uncompressed: c == orcfile.CompressionNone, StripeSize: stripe,
						BloomFilterColumns: orcstore.BloomFilterColumns}
					path := writeFile(t, rec, opts)
					back := readAll(t, path)
					got, err := concat(back)
					if err != nil {
						t.Fatal(err)
					}
					defer got.Release()
					if got.NumRows() != rows {
						t.Fatalf("read %d rows of %d", got.NumRows(), rows)
					}
					for i, col := range rec.Columns() {
						if !array.Equal(col, got.Column(i)) {
							t.Fatalf("column %s differs after the round trip", rec.Schema().Field(i).Name)
						}
					}
				})
				if testing.Short() {
					break
				}
			}
		}
	}
}

func concat(recs []arrow.Record) (arrow.Record, error) {
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	if len(recs) == 0 {
		return array.NewRecord(orcstore.EventSchema, nil, 0), nil
	}
	cols := make([]arrow.Array, recs[0].NumCols())
	var rows int64
	for i := range cols {
		parts := make([]arrow.Array, len(recs))
		for j, r := range recs {
			parts[j] = r.Column(i)
		}
		c, err := array.Concatenate(parts, memory.DefaultAllocator)
		if err != nil {
			return nil, err
		}
		cols[i] = c
	}
	for _, r := range recs {
		rows += r.NumRows()
	}
	out := array.NewRecord(recs[0].Schema(), cols, rows)
	for _, c := range cols {
		c.Release()
	}
	return out, nil
}

// TestStatisticsMatchApacheReader writes CloudTrail records in several
// stripes and compares every file- and stripe-level statistic that the
// Apache ORC C++ orc-statistics tool reports with what our reader decodes
// (which the writer's own tests check against values computed from the
// input). Runs when the tools are built (CTLAKE_ORC_TOOLS, default
// /work/orc-ref/bin).
func TestStatisticsMatchApacheReader(t *testing.T) {
	dir := os.Getenv("CTLAKE_ORC_TOOLS")
	if dir == "" {
		dir = "/work/orc-ref/bin"
	}
	tool := filepath.Join(dir, "orc-statistics")
	if _, err := os.Stat(tool); err != nil {
		t.Skipf("Apache ORC orc-statistics not found at %s (set CTLAKE_ORC_TOOLS to the built C++ tools)", tool)
	}
	rec := cloudTrailRecord(t, 12000, 11)
	defer rec.Release()
	path := writeFile(t, rec, orcfile.WriterOptions{StripeSize: 1 << 20, BloomFilterColumns: orcstore.BloomFilterColumns})
	out, err := exec.Command(tool, path).CombinedOutput()
	if err != nil {
		t.Fatalf("orc-statistics: %v\n%s", err, out)
	}
	sections := parseOrcStatistics(t, string(out))
	f, err := orcfile.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if len(f.Stripes()) < 2 {
		t.Fatalf("want several stripes, got %d", len(f.Stripes()))
	}
	check := func(section string, ours []orcfile.Statistics) {
		theirs := sections[section]
		if len(theirs) != len(ours) {
			t.Fatalf("%s: C++ reports %d columns, we decode %d", section, len(theirs), len(ours))
		}
		compared := 0
		for col, st := range ours {
			c := theirs[col]
			want := map[string]string{"Values": strconv.FormatUint(st.Count, 10), "Has null": map[bool]string{true: "yes", false: "no"}[st.HasNull]}
			switch {
			case st.String != nil:
				want["Total length"] = strconv.FormatInt(st.String.Sum, 10)
				if st.String.HasMinMax {
					want["Minimum"], want["Maximum"] = st.String.Min, st.String.Max
				}
			case st.Bool != nil:
				want["true"] = strconv.FormatUint(st.Bool.TrueCount, 10)
				want["false"] = strconv.FormatUint(st.Count-st.Bool.TrueCount, 10)
			case st.Timestamp != nil && st.Count > 0:
				want["Minimum"] = cppMillis(st.Timestamp.Min)
				want["Maximum"] = cppMillis(st.Timestamp.Max)
			}
			for k, v := range want {
				if got, ok := c[k]; !ok || got != v {
					t.Errorf("%s column %d (%s) %s: C++ says %q, we decode %q", section, col, f.Columns()[col].Path, k, got, v)
				}
				compared++
			}
		}
		if compared < 3*len(ours) {
			t.Fatalf("%s: only %d statistics compared", section, compared)
		}
	}
	check("file", f.ColumnStatistics())
	for i := range f.Stripes() {
		st, err := f.StripeStatistics(i)
		if err != nil {
			t.Fatal(err)
		}
		check(fmt.Sprintf("stripe %d", i), st)
	}
}

// cppMillis formats milliseconds the way orc-statistics prints timestamps:
// UTC wall time with the millisecond count unpadded after the dot.
func cppMillis(ms int64) string {
	sec, frac := ms/1000, ms%1000
	if frac < 0 {
		sec, frac = sec-1, frac+1000
	}
	return time.Unix(sec, 0).UTC().Format("2006-01-02 15:04:05") + "." + strconv.FormatInt(frac, 10)
}

// parseOrcStatistics reads orc-statistics text into section → column →
// field → value ("file" for the file-level part, "stripe N" per stripe).
func parseOrcStatistics(t *testing.T, out string) map[string][]map[string]string {
	res := map[string][]map[string]string{}
	section := "file"
	var cur map[string]string
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "*** Stripe "):
			section = "stripe " + strings.Trim(strings.TrimPrefix(line, "*** Stripe "), " *")
		case strings.HasPrefix(line, "*** Column ") || strings.HasPrefix(line, "--- Column "):
			cur = map[string]string{}
			res[section] = append(res[section], cur)
		case cur == nil:
		case strings.HasPrefix(line, "Column has "):
			// "Column has N values and has null value: yes|no"
			var n uint64
			var hasNull string
			if _, err := fmt.Sscanf(line, "Column has %d values and has null value: %s", &n, &hasNull); err != nil {
				t.Fatalf("cannot read %q: %v", line, err)
			}
			cur["Values"], cur["Has null"] = strconv.FormatUint(n, 10), hasNull
		case strings.HasPrefix(line, "(true: "):
			var tr, fa uint64
			fmt.Sscanf(line, "(true: %d; false: %d)", &tr, &fa)
			cur["true"], cur["false"] = strconv.FormatUint(tr, 10), strconv.FormatUint(fa, 10)
		default:
			if k, v, ok := strings.Cut(line, ":"); ok {
				cur[k] = strings.TrimPrefix(v, " ")
			}
		}
	}
	return res
}

// benchStoreFile writes (once, cached in the temp dir) a file of 1M
// generated CloudTrail events with the store's own settings.
func benchStoreFile(b *testing.B) (string, int64) {
	rows := int64(1_000_000)
	if v, err := strconv.ParseInt(os.Getenv("ORCFILE_BENCH_ROWS"), 10, 64); err == nil && v > 0 {
		rows = v
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("ctlake-store-bench-v1-%d.orc", rows))
	if _, err := os.Stat(path); err == nil {
		return path, rows
	}
	b.Logf("writing %d generated events to %s", rows, path)
	rec := cloudTrailRecord(b, int(rows), 42)
	defer rec.Release()
	tmp := writeFile(b, rec, orcfile.WriterOptions{StripeSize: 64 << 20, BloomFilterColumns: orcstore.BloomFilterColumns})
	data, err := os.ReadFile(tmp)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	return path, rows
}

// BenchmarkReadStoreFile reads a file our writer produced from 1M generated
// CloudTrail events: the two columns of a typical group-by (a dictionary
// string and the timestamp), and every column.
func BenchmarkReadStoreFile(b *testing.B) {
	path, rows := benchStoreFile(b)
	for _, bc := range []struct {
		name string
		cols []string
	}{{"eventName+eventTime", []string{"eventName", "eventTime"}}, {"all-but-eventJson", allBut("eventJson")}, {"all", nil}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				f, err := orcfile.OpenFile(path)
				if err != nil {
					b.Fatal(err)
				}
				sc, err := f.Scan(orcfile.ScanOptions{Columns: bc.cols, BatchSize: 16384})
				if err != nil {
					b.Fatal(err)
				}
				var n int64
				for {
					rec, err := sc.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					n += rec.NumRows()
					rec.Release()
				}
				sc.Close()
				f.Close()
				if n != rows {
					b.Fatalf("read %d rows", n)
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
	// The store scan reads stripes on every core; this is that path for
	// all columns, one file handle and scanner per worker.
	b.Run("all/parallel-stripes", func(b *testing.B) {
		workers := runtime.GOMAXPROCS(0)
		for i := 0; i < b.N; i++ {
			f, err := orcfile.OpenFile(path)
			if err != nil {
				b.Fatal(err)
			}
			nStripes := len(f.Stripes())
			f.Close()
			var total atomic.Int64
			var wg sync.WaitGroup
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					f, err := orcfile.OpenFile(path)
					if err != nil {
						b.Error(err)
						return
					}
					defer f.Close()
					var mine []int
					for s := w; s < nStripes; s += workers {
						mine = append(mine, s)
					}
					if len(mine) == 0 {
						return
					}
					sc, err := f.Scan(orcfile.ScanOptions{Stripes: mine, BatchSize: 16384})
					if err != nil {
						b.Error(err)
						return
					}
					defer sc.Close()
					for {
						rec, err := sc.Next()
						if err == io.EOF {
							return
						}
						if err != nil {
							b.Error(err)
							return
						}
						total.Add(rec.NumRows())
						rec.Release()
					}
				}(w)
			}
			wg.Wait()
			if total.Load() != rows {
				b.Fatalf("read %d rows", total.Load())
			}
		}
		b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}

// BenchmarkWriteStoreFile writes 1M generated CloudTrail events with the
// store's settings (zstd, 64 MiB stripes, bloom filters) on one goroutine.
func BenchmarkWriteStoreFile(b *testing.B) {
	rows := int64(1_000_000)
	if v, err := strconv.ParseInt(os.Getenv("ORCFILE_BENCH_ROWS"), 10, 64); err == nil && v > 0 {
		rows = v
	}
	rec := cloudTrailRecord(b, int(rows), 42)
	defer rec.Release()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w, err := orcfile.NewWriter(io.Discard, rec.Schema(), orcfile.WriterOptions{StripeSize: 64 << 20, BloomFilterColumns: orcstore.BloomFilterColumns})
		if err != nil {
			b.Fatal(err)
		}
		for off := int64(0); off < rows; off += 65536 {
			part := rec.NewSlice(off, min(off+65536, rows))
			if err := w.Write(part); err != nil {
				b.Fatal(err)
			}
			part.Release()
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// allBut lists every top-level event column except the named ones.
func allBut(skip ...string) []string {
	var out []string
	for _, f := range orcstore.EventSchema.Fields() {
		keep := true
		for _, s := range skip {
			keep = keep && f.Name != s
		}
		if keep {
			out = append(out, f.Name)
		}
	}
	return out
}
