package ingest

import "testing"

// TestFetchBufs: buffers come back for objects of their class or smaller,
// and the free lists hold no more than their limit.
func TestFetchBufs(t *testing.T) {
	fb := fetchBufs{limit: 64 << 10}
	a := fb.get(5000) // 8 KB class
	if cap(a) != 8<<10 || len(a) != 0 {
		t.Fatalf("get(5000): len %d cap %d", len(a), cap(a))
	}
	a = append(a, "data"...)
	fb.put(a)
	if b := fb.get(8 << 10); cap(b) != 8<<10 || len(b) != 0 || &b[:1][0] != &a[0] {
		t.Errorf("get(8K) after put: len %d cap %d, same buffer %v", len(b), cap(b), cap(b) > 0 && &b[:1][0] == &a[0])
	}
	if b := fb.get(100); cap(b) != 4<<10 {
		t.Errorf("get(100): cap %d, want the 4 KB class", cap(b))
	}
	// A grown buffer (an object larger than listed) serves its class.
	fb.put(make([]byte, 10, 20000))
	if b := fb.get(16 << 10); cap(b) != 20000 {
		t.Errorf("get(16K): cap %d, want the 20,000-byte buffer put back", cap(b))
	}
	for i := 0; i < 100; i++ {
		fb.put(make([]byte, 0, 16<<10))
	}
	if fb.bytes > fb.limit || fb.bytes != 64<<10 {
		t.Errorf("free lists hold %d bytes, limit %d", fb.bytes, fb.limit)
	}
	if b := fb.get(64 << 20); cap(b) != 64<<20 {
		t.Errorf("beyond the largest class: cap %d", cap(b))
	}
}
