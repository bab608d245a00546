package ingest

import (
	"bytes"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/valyala/fastjson"
)

// Builder accumulates parsed events as rows of orcstore.EventSchema. The
// pipeline keeps one per output partition (event date) and appends each
// Event to the one it belongs to. Not safe for concurrent use.
type Builder struct {
	rb   *array.RecordBuilder
	cols []*bnode
	buf  []byte // scratch for JSON text
}

// NewBuilder returns an empty Builder allocating from mem (nil: Go heap).
func NewBuilder(mem memory.Allocator) *Builder {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	rb := array.NewRecordBuilder(mem, orcstore.EventSchema)
	b := &Builder{rb: rb}
	for i, n := range plan.root.fields {
		b.cols = append(b.cols, bind(n, rb.Field(i)))
	}
	return b
}

// Len is the number of rows appended since the last NewRecord.
func (b *Builder) Len() int { return b.rb.Field(0).Len() }

// NewRecord returns the rows appended so far and resets the Builder. The
// caller owns (and must Release) the record.
func (b *Builder) NewRecord() arrow.Record { return b.rb.NewRecord() }

// Release frees the Builder's memory.
func (b *Builder) Release() { b.rb.Release() }

// Append adds ev as one row (see RULES.md for how JSON maps to columns).
func (b *Builder) Append(ev *Event) {
	for i, c := range b.cols {
		switch i {
		case plan.eventTime:
			c.ts.Append(arrow.Timestamp(ev.time))
		case plan.eventJSON:
			b.buf = appendCompact(b.buf[:0], ev.raw)
			c.str.BinaryBuilder.Append(b.buf)
		case plan.eventJSONSum:
			// CloudTrail Lake's checksum algorithm is not documented, so
			// the column stays NULL rather than holding a made-up value.
			c.str.AppendNull()
		default:
			c.append(ev.top[i], &b.buf)
		}
	}
}

// bnode is a schema node bound to its Arrow builder.
type bnode struct {
	n       *node
	str     *array.StringBuilder
	bl      *array.BooleanBuilder
	ts      *array.TimestampBuilder
	mp      *array.MapBuilder
	mk, mv  *array.StringBuilder
	st      *array.StructBuilder
	fields  []*bnode
	slots   []*fastjson.Value
	isExact []bool
	ls      *array.ListBuilder
	elem    *bnode
}

func bind(n *node, b array.Builder) *bnode {
	bn := &bnode{n: n}
	switch n.kind {
	case kString:
		bn.str = b.(*array.StringBuilder)
	case kBool:
		bn.bl = b.(*array.BooleanBuilder)
	case kTime:
		bn.ts = b.(*array.TimestampBuilder)
	case kMap:
		bn.mp = b.(*array.MapBuilder)
		bn.mk = bn.mp.KeyBuilder().(*array.StringBuilder)
		bn.mv = bn.mp.ItemBuilder().(*array.StringBuilder)
	case kStruct:
		bn.st = b.(*array.StructBuilder)
		for i, f := range n.fields {
			bn.fields = append(bn.fields, bind(f, bn.st.FieldBuilder(i)))
		}
		bn.slots = make([]*fastjson.Value, len(n.fields))
		bn.isExact = make([]bool, len(n.fields))
	case kList:
		bn.ls = b.(*array.ListBuilder)
		bn.elem = bind(n.elem, bn.ls.ValueBuilder())
	}
	return bn
}

// append adds v (nil when absent) following the column rules.
func (b *bnode) append(v *fastjson.Value, buf *[]byte) {
	switch b.n.kind {
	case kString:
		appendText(b.str, v, buf)
	case kBool:
		if v != nil {
			if val, ok := boolOf(v); ok {
				b.bl.Append(val)
				return
			}
		}
		b.bl.AppendNull()
	case kTime:
		if t, ok := timeOf(v); ok {
			b.ts.Append(arrow.Timestamp(t))
			return
		}
		b.ts.AppendNull()
	case kMap:
		if v == nil || v.Type() != fastjson.TypeObject {
			b.mp.AppendNull()
			return
		}
		o, _ := v.Object()
		b.mp.Append(true)
		o.Visit(func(k []byte, vv *fastjson.Value) {
			b.mk.BinaryBuilder.Append(k)
			appendText(b.mv, vv, buf)
		})
	case kStruct:
		if v == nil || v.Type() != fastjson.TypeObject {
			b.st.AppendNull()
			return
		}
		o, _ := v.Object()
		b.st.Append(true)
		b.n.resolve(o, b.slots, b.isExact)
		for i, f := range b.fields {
			f.append(b.slots[i], buf)
		}
	case kList:
		if v == nil || v.Type() != fastjson.TypeArray {
			b.ls.AppendNull()
			return
		}
		arr, _ := v.Array()
		b.ls.Append(true)
		for _, el := range arr {
			b.elem.append(el, buf)
		}
	}
}

// appendText is the string-column rule: strings as they are, numbers and
// booleans as their JSON text, objects and arrays as compact JSON, null or
// absent as NULL.
func appendText(sb *array.StringBuilder, v *fastjson.Value, buf *[]byte) {
	if v == nil {
		sb.AppendNull()
		return
	}
	switch v.Type() {
	case fastjson.TypeString:
		s, _ := v.StringBytes()
		sb.BinaryBuilder.Append(s)
	case fastjson.TypeNull:
		sb.AppendNull()
	case fastjson.TypeTrue:
		sb.BinaryBuilder.Append(trueText)
	case fastjson.TypeFalse:
		sb.BinaryBuilder.Append(falseText)
	default:
		// Numbers: their source text. Objects and arrays: fastjson writes
		// them without whitespace and, for strings and keys not read
		// before (the decoder never reads inside a value it stores as
		// text), byte for byte as in the source.
		*buf = v.MarshalTo((*buf)[:0])
		sb.BinaryBuilder.Append(*buf)
	}
}

// appendCompact appends src, a valid JSON text, without insignificant
// whitespace; everything else, key order and escapes included, is kept.
func appendCompact(dst, src []byte) []byte {
	start := 0
	for i := 0; i < len(src); {
		switch src[i] {
		case '"':
			i = stringEnd(src, i+1)
		case ' ', '\t', '\n', '\r':
			dst = append(dst, src[start:i]...)
			for i < len(src) && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r') {
				i++
			}
			start = i
		default:
			i++
		}
	}
	return append(dst, src[start:]...)
}

// stringEnd returns the index just past the closing quote of the string
// whose body starts at i.
func stringEnd(src []byte, i int) int {
	for {
		q := bytes.IndexByte(src[i:], '"')
		if q < 0 {
			return len(src)
		}
		j := i + q
		bs := 0
		for k := j - 1; k >= i && src[k] == '\\'; k-- {
			bs++
		}
		if bs%2 == 0 {
			return j + 1
		}
		i = j + 1
	}
}
