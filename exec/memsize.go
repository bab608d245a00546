package exec

import (
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// Heap size estimates for operator state (the fn package does the same for
// aggregate state): the query memory limit should see what the Go heap
// really holds, not only the payload.

// mapEntryCost is one entry of a Go map keyed by size bytes (a string's
// text plus its header, or an integer) to a uint32: the entry with the
// table's spare slots (a swiss table is 7/16 to 7/8 full), plus the key's
// own allocation for strings.
func mapEntryCost(size int) int64 {
	if size == 8 {
		return (8+4+1)*2 + 8 // as fn's mapEntryBytes, measured there
	}
	text := int64(size) + int64(size)/16 // the allocator's size classes
	return (16+4+1)*2 + 8 + text
}

// builderBytes is the memory an Arrow builder holds: its buffers at
// capacity (builders double as they grow).
func builderBytes(b array.Builder) int64 {
	n := int64(b.Cap()) / 8 // validity bitmap
	switch b := b.(type) {
	case *array.StringBuilder:
		return n + int64(b.Cap())*4 + int64(b.DataCap())
	case *array.BinaryBuilder:
		return n + int64(b.Cap())*4 + int64(b.DataCap())
	case *array.ListBuilder:
		return n + int64(b.Cap())*4 + builderBytes(b.ValueBuilder())
	case *array.MapBuilder:
		return n + int64(b.Cap())*4 + builderBytes(b.KeyBuilder()) + builderBytes(b.ItemBuilder())
	case *array.StructBuilder:
		for i := 0; i < b.NumField(); i++ {
			n += builderBytes(b.FieldBuilder(i))
		}
		return n
	case *array.BinaryDictionaryBuilder:
		return n + int64(b.Cap())*4 + int64(b.DictionarySize())*24
	}
	if fw, ok := b.Type().(arrow.FixedWidthDataType); ok {
		return n + int64(b.Cap())*int64(max(fw.BitWidth()/8, 1))
	}
	return n + int64(b.Cap())*8
}

// recordBytes is the memory a record's arrays hold, at capacity.
func recordBytes(rec arrow.Record) int64 {
	if rec == nil {
		return 0
	}
	var n int64
	for _, c := range rec.Columns() {
		n += arrayDataBytes(c.Data())
	}
	return n
}

func arrayDataBytes(d arrow.ArrayData) int64 {
	n := int64(400) // the array's Go objects
	for _, b := range d.Buffers() {
		if b != nil {
			n += int64(b.Cap())
		}
	}
	for _, c := range d.Children() {
		n += arrayDataBytes(c)
	}
	if dict, ok := d.Dictionary().(*array.Data); ok && dict != nil { // a typed nil when absent
		n += arrayDataBytes(dict)
	}
	return n
}
