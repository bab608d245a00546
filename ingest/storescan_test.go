package ingest

import (
	"context"
	"io"
	"reflect"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/ctlake/ctlake/orcstore"
)

// scanStore reads columns of every event of snapshot m through the
// store's scanner and calls row with each event's values, in the order of
// columns (read them with stringAt).
func scanStore(t testing.TB, s *orcstore.Store, m *orcstore.Manifest, columns []string, row func(vals []arrow.Array, i int)) {
	t.Helper()
	sc, err := s.Scan(context.Background(), m, orcstore.ScanSpec{Columns: columns}, orcstore.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	vals := make([]arrow.Array, len(columns))
	for {
		b, err := sc.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		for k, name := range columns {
			idx := b.Rec.Schema().FieldIndices(name)
			if len(idx) != 1 {
				t.Fatalf("scan of %v: column %s in %v", columns, name, b.Rec.Schema())
			}
			vals[k] = b.Rec.Column(idx[0])
		}
		if b.Sel == nil {
			for i := 0; i < int(b.Rec.NumRows()); i++ {
				row(vals, i)
			}
		} else {
			for _, i := range b.Sel {
				row(vals, int(i))
			}
		}
		b.Rec.Release()
	}
}

// equalCounts reports each (eventSource, eventName) pair whose count
// differs between got and want.
func equalCounts(t testing.TB, got, want map[[2]string]int) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%v: got %d, want %d", k, got[k], n)
		}
	}
	for k, n := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%v: got %d, not expected", k, n)
		}
	}
}
