package ingest

import (
	"fmt"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/array"
)

// TestStrColAlias: consecutive events of a rawChunk become the column's
// values without a copy (the record's buffer is the chunk's); a value that
// breaks the run (a skipped event, a value from elsewhere) makes the column
// copy what it aliased and go on copying; a second column cannot take a
// chunk another one took; the chunk's buffer is recycled only when no
// record took it.
func TestStrColAlias(t *testing.T) {
	// A chunk of n events of about pad bytes in a buffer of 2*recycleMinCap.
	mkChunk := func(n, pad int) (*rawChunk, [][]byte) {
		ch := &rawChunk{data: make([]byte, 0, 2*recycleMinCap)}
		var evs [][]byte
		for i := 0; i < n; i++ {
			lo := len(ch.data)
			ch.data = fmt.Appendf(ch.data, `{"eventID":"%d","pad":"%*s"}`, i, pad+i%50, "")
			evs = append(evs, ch.data[lo:])
		}
		return ch, evs
	}
	values := func(c *strCol) []string {
		a := array.NewStringData(c.finish())
		defer a.Release()
		var out []string
		for i := 0; i < a.Len(); i++ {
			out = append(out, a.Value(i))
		}
		return out
	}
	same := func(got []string, want [][]byte) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%d values, want %d", len(got), len(want))
		}
		for i := range want {
			if got[i] != string(want[i]) {
				t.Fatalf("value %d: %q, want %q", i, got[i], want[i])
			}
		}
	}

	// A run from the chunk's second event on, most of the buffer: the
	// buffer is taken over.
	ch, evs := mkChunk(20, 16000)
	c := newStrCol()
	for _, e := range evs[1:] {
		c.appendAliased(e, ch)
	}
	if c.alias != ch || c.data != nil && len(c.data) > 0 {
		t.Fatal("consecutive events were copied, not aliased")
	}
	d := c.finish()
	if buf := d.Buffers()[2].Bytes(); &buf[0] != &evs[1][0] || !ch.adopted {
		t.Fatal("the record does not hold the chunk's buffer")
	}
	a := array.NewStringData(d)
	for i, e := range evs[1:] {
		if a.Value(i) != string(e) {
			t.Fatalf("value %d: %q, want %q", i, a.Value(i), e)
		}
	}
	a.Release()
	d.Release()
	ch.release()
	if ch.data != nil {
		t.Fatal("release kept an adopted buffer")
	}

	// A run that fills little of the buffer is copied exactly, and the
	// chunk's buffer is free for reuse.
	ch, evs = mkChunk(20, 10)
	c = newStrCol()
	for _, e := range evs {
		c.appendAliased(e, ch)
	}
	d = c.finish()
	if buf := d.Buffers()[2].Bytes(); &buf[0] == &evs[0][0] || ch.adopted {
		t.Fatal("a record took a mostly empty chunk buffer")
	}
	same(func() []string {
		a := array.NewStringData(d)
		defer a.Release()
		var out []string
		for i := 0; i < a.Len(); i++ {
			out = append(out, a.Value(i))
		}
		return out
	}(), evs)
	d.Release()

	// A skipped event breaks the run: the column copies and goes on.
	ch, evs = mkChunk(20, 10)
	c = newStrCol()
	var want [][]byte
	for i, e := range evs {
		if i == 7 {
			continue
		}
		c.appendAliased(e, ch)
		want = append(want, e)
	}
	other := []byte(`{"eventID":"elsewhere"}`)
	c.appendAliased(other, ch)
	want = append(want, other)
	same(values(c), want)
	if ch.adopted {
		t.Fatal("a chunk whose run was broken is marked adopted")
	}

	// Two columns (two days of one chunk): only the first aliases.
	ch, evs = mkChunk(10, 40000)
	c1, c2 := newStrCol(), newStrCol()
	for i, e := range evs {
		if i < 8 {
			c1.appendAliased(e, ch)
		} else {
			c2.appendAliased(e, ch)
		}
	}
	if c1.alias != ch || c2.alias != nil {
		t.Fatal("a chunk's buffer is aliased by two columns")
	}
	same(values(c2), evs[8:])
	same(values(c1), evs[:8])
	if !ch.adopted {
		t.Fatal("the first column's record did not take the buffer")
	}
}
