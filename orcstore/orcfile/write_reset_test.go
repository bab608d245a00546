package orcfile_test

import (
	"bytes"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/orcstore/orcfile"
)

// TestWriterReset checks that a file written after Reset is byte for byte
// the file a fresh Writer makes of the same rows, whatever the previous
// file left behind: a finished file, one abandoned mid-stripe, or none.
// Store options (bloom filters, direct columns) and small stripes make the
// first file leave every kind of state: stripes, row groups, dictionaries
// switched to direct, statistics, bloom filters.
func TestWriterReset(t *testing.T) {
	opts := orcstore.FileOptions()
	opts.StripeSize = 1 << 20
	opts.RowIndexStride = 1000
	g := wtNewCloudTrail(7)
	first, second := g.record(5_000), g.record(3_500)
	defer first.Release()
	defer second.Release()

	write := func(t *testing.T, w *orcfile.Writer, rec arrow.Record) {
		t.Helper()
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	var want bytes.Buffer
	fresh, err := orcfile.NewWriter(&want, orcstore.EventSchema, opts)
	if err != nil {
		t.Fatal(err)
	}
	write(t, fresh, second)

	for _, tc := range []struct {
		name   string
		before func(t *testing.T, w *orcfile.Writer)
	}{
		{"nothing written", func(t *testing.T, w *orcfile.Writer) {}},
		{"after a closed file", func(t *testing.T, w *orcfile.Writer) { write(t, w, first) }},
		{"after an abandoned file", func(t *testing.T, w *orcfile.Writer) {
			if err := w.Write(first); err != nil {
				t.Fatal(err)
			}
		}},
		{"after two files", func(t *testing.T, w *orcfile.Writer) {
			write(t, w, first)
			var b bytes.Buffer
			if err := w.Reset(&b); err != nil {
				t.Fatal(err)
			}
			write(t, w, second)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var prev, got bytes.Buffer
			w, err := orcfile.NewWriter(&prev, orcstore.EventSchema, opts)
			if err != nil {
				t.Fatal(err)
			}
			tc.before(t, w)
			if err := w.Reset(&got); err != nil {
				t.Fatal(err)
			}
			write(t, w, second)
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Fatalf("after Reset: %d bytes, a fresh writer: %d bytes; the files differ", got.Len(), want.Len())
			}
		})
	}
}
