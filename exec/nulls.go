package exec

import (
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/bitutil"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// withParentNulls returns child with the rows where parent is NULL made
// NULL too (Arrow lets a struct's children hold values under a NULL
// parent; SQL says struct NULL -> field NULL). child and parent have the
// same length; the result is a new reference.
func withParentNulls(child arrow.Array, parent arrow.Array) arrow.Array {
	if parent.NullN() == 0 {
		child.Retain()
		return child
	}
	d := child.Data()
	n := d.Len()
	off := d.Offset()
	bits := make([]byte, bitutil.BytesForBits(int64(off+n)))
	nulls := 0
	for i := 0; i < n; i++ {
		if parent.IsValid(i) && child.IsValid(i) {
			bitutil.SetBit(bits, off+i)
		} else {
			nulls++
		}
	}
	bufs := append([]*memory.Buffer{memory.NewBufferBytes(bits)}, d.Buffers()[1:]...)
	var nd arrow.ArrayData
	if d.DataType().ID() == arrow.DICTIONARY {
		nd = array.NewDataWithDictionary(d.DataType(), n, bufs, nulls, off, d.Dictionary().(*array.Data))
	} else {
		nd = array.NewData(d.DataType(), n, bufs, d.Children(), nulls, off)
	}
	defer nd.Release()
	return array.MakeFromData(nd)
}
