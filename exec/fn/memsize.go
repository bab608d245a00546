package fn

import (
	"unsafe"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/planner"
)

// Heap size estimates for aggregate state. Accumulator.Bytes feeds the
// query memory limit, so it counts what the Go heap really holds: backing
// arrays at their capacity (append and builders double), map entries with
// the table's spare slots, string headers and the allocator's rounding.
// Counting only the payload undercounted array_agg(eventJson) and map_agg
// about 3.5 times. TestAccumulatorBytesMatchHeap measures the estimates
// against runtime.MemStats.

// Sizes of the Go values accumulators keep per element.
const (
	stringHeader = int64(unsafe.Sizeof(""))
	sliceHeader  = int64(unsafe.Sizeof([]byte(nil)))
	valueSize    = int64(unsafe.Sizeof(planner.Value{}))
	// mapHeader is a small map's header and first table: what a map
	// costs before its first entries (a group's set or histogram).
	mapHeader = 48 + 8*(8+24)
	// arrayObject is an Arrow array's Go objects (array, Data, buffers)
	// besides its buffers' bytes.
	arrayObject = 400
)

// heapBytes is what an n-byte allocation costs: the allocator rounds to
// size classes (about 1/16 more on average, at least 16 bytes).
func heapBytes(n int) int64 {
	if n <= 0 {
		return 0
	}
	if n <= 16 {
		return 16
	}
	return int64(n) + int64(n)/16
}

// mapEntryBytes is the cost of one entry of a Go map whose key and value
// take kv bytes: a swiss table keeps a control byte per slot, is between
// 7/16 and 7/8 full, and splits its tables as it grows. Measured: 27 bytes
// an entry for map[int64]struct{}, 42 plus the text for map[string]struct{}
// (TestAccumulatorBytesMatchHeap).
func mapEntryBytes(kv int64) int64 { return (kv+1)*2 + 8 }

// arrayBytes is the memory an Arrow array built in Go memory holds: its
// buffers at capacity, and its children's.
func arrayBytes(a arrow.Array) int64 {
	return dataBytes(a.Data())
}

func dataBytes(d arrow.ArrayData) int64 {
	n := int64(arrayObject)
	for _, b := range d.Buffers() {
		if b != nil {
			n += int64(b.Cap())
		}
	}
	for _, c := range d.Children() {
		n += dataBytes(c)
	}
	if dict, ok := d.Dictionary().(*array.Data); ok && dict != nil { // a typed nil when absent
		n += dataBytes(dict)
	}
	return n
}

// payloadBytes is an array's used buffer bytes: what a copy of it takes.
func payloadBytes(a arrow.Array) int64 { return payload(a.Data()) }

func payload(d arrow.ArrayData) int64 {
	var n int64
	for _, b := range d.Buffers() {
		if b != nil {
			n += int64(b.Len())
		}
	}
	for _, c := range d.Children() {
		n += payload(c)
	}
	return n
}

// capDelta is the heap change when a slice of element size elem grew from
// capacity before to after (the old array becomes garbage).
func capDelta(before, after int, elem int64) int64 {
	return int64(after-before) * elem
}

// ResultSizer is implemented by accumulators whose Result copies their
// state into a new array of about ResultBytes bytes (array_agg, map_agg,
// histogram): the hash aggregation charges that copy against the memory
// limit before building it, as it will coexist with the state.
type ResultSizer interface {
	ResultBytes() int64
}

// reserveData sizes a string builder's data buffer for all of src's rows
// (they are all appended), so the copy holds no doubling slack.
func reserveData(b array.Builder, src arrow.Array) {
	sb, ok := b.(*array.StringBuilder)
	s, ok2 := src.(*array.String)
	if !ok || !ok2 || s.Len() == 0 {
		return
	}
	offs := s.ValueOffsets()
	sb.ReserveData(int(offs[len(offs)-1] - offs[0]))
}
