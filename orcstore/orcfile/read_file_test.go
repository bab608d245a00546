package orcfile

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
)

func TestReadOpenErrors(t *testing.T) {
	dir := readExamplesDir(t)
	read := func(n string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	valid := read("TestOrcFile.test1.orc")
	badMagic := append([]byte(nil), valid...)
	// The postscript's magic is its last 3 bytes before the length byte.
	copy(badMagic[len(badMagic)-4:], "ORX")
	tests := []struct {
		name, want string
		data       []byte
	}{
		{"LZO", "unsupported compression LZO", read("TestVectorOrcFile.testLzo.orc")},
		{"future version", "unsupported ORC version [19 99]", read("version1999.orc")},
		{"empty", "too small", nil},
		{"not ORC", "not an ORC file", []byte("{\"eventVersion\": \"1.08\"}\n" + strings.Repeat("x", 300))},
		{"bad magic", "not an ORC file", badMagic},
		{"tail only", "do not fit the file", valid[len(valid)-300:]},
		{"stripes cut off", "outside the file", valid[len(valid)-800:]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(bytes.NewReader(tc.data), int64(len(tc.data)), "x.orc")
			if err == nil || !strings.HasPrefix(err.Error(), "x.orc: ") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want x.orc: …%s…", err, tc.want)
			}
		})
	}
}

// TestReadStripeOrder reads stripes in a chosen order, the same Scanner
// API a query uses to revisit stripes; orc-contents' lines are the oracle.
func TestReadStripeOrder(t *testing.T) {
	dir := readExamplesDir(t)
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Skip(err)
	}
	f, err := OpenFile(filepath.Join(dir, "TestOrcFile.testSeek.orc"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := readExpectedLines(t, filepath.Join(dir, "expected", "TestOrcFile.testSeek.jsn.gz"))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	order := []int{3, 0, 3, 6}
	s, err := f.Scan(ScanOptions{Stripes: order, DefaultTimezone: la})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var want []string
	for _, i := range order {
		st := f.Stripes()[i]
		want = append(want, lines[st.FirstRow:st.FirstRow+st.Rows]...)
	}
	p := RowPrinter{Location: la}
	k := 0
	for {
		rec, err := s.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			if got := string(p.AppendRow(nil, rec, i)); k >= len(want) || got != want[k] {
				t.Fatalf("row %d: got %s", k, got)
			}
			k++
		}
		rec.Release()
	}
	if k != len(want) {
		t.Fatalf("read %d rows, want %d", k, len(want))
	}
	if _, err := f.Scan(ScanOptions{Stripes: []int{7}}); err == nil {
		t.Fatal("stripe 7 of 7: no error")
	}
}

func TestReadCancel(t *testing.T) {
	data, _ := readWriteModuleFile(t, 3000)
	f, err := Open(bytes.NewReader(data), int64(len(data)), "c.orc")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s, err := f.Scan(ScanOptions{Context: ctx, BatchSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rec, err := s.Next()
	if err != nil {
		t.Fatal(err)
	}
	rec.Release()
	cancel()
	if _, err := s.Next(); !errors.Is(err, context.Canceled) {
		t.Fatalf("after cancel: %v", err)
	}
}

// TestReadWriterTimezone checks the instant a timestamp decodes to when the
// stripe names its writer's zone: the first row of testUnionAndTimestamp
// was written as 2000-03-12 15:00:00 on a US/Pacific clock (orc-contents
// shows that wall clock), so the UTC instant is 23:00, whatever the
// scan's default zone.
func TestReadWriterTimezone(t *testing.T) {
	pac, err := time.LoadLocation("US/Pacific")
	if err != nil {
		t.Skip(err)
	}
	f, err := OpenFile(filepath.Join(readExamplesDir(t), "TestOrcFile.testUnionAndTimestamp.orc"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := f.Scan(ScanOptions{Columns: []string{"time"}, DefaultTimezone: time.FixedZone("X", 5*3600)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rec, err := s.Next()
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Release()
	ts := rec.Column(0).(interface{ Value(int) arrow.Timestamp })
	want := time.Date(2000, 3, 12, 15, 0, 0, 0, pac)
	if got := time.Unix(0, int64(ts.Value(0))).UTC(); !got.Equal(want) || got.Hour() != 23 {
		t.Fatalf("got %v, want %v", got, want.UTC())
	}
}
