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
// Event to the one it belongs to. Rows live in Go memory until NewRecord
// hands them to Arrow. Not safe for concurrent use.
type Builder struct {
	cols []*bnode
	rows int
	buf  []byte // scratch for JSON text
}

// NewBuilder returns an empty Builder.
func NewBuilder() *Builder {
	b := &Builder{}
	for _, f := range orcstore.EventSchema.Fields() {
		b.cols = append(b.cols, bind(plan.root.fields[len(b.cols)], f.Type))
	}
	return b
}

// Len is the number of rows appended since the last NewRecord.
func (b *Builder) Len() int { return b.rows }

// NewRecord returns the rows appended so far and resets the Builder. The
// caller owns (and must Release) the record.
func (b *Builder) NewRecord() arrow.Record {
	rec := finishRecord(orcstore.EventSchema, b.cols, b.rows)
	b.rows = 0
	return rec
}

// finishRecord cuts the columns' accumulated values into a record of
// schema with rows rows.
func finishRecord(schema *arrow.Schema, cols []*bnode, rows int) arrow.Record {
	arrs := make([]arrow.Array, len(cols))
	for i, c := range cols {
		d := c.finish()
		arrs[i] = array.MakeFromData(d)
		d.Release()
	}
	rec := array.NewRecord(schema, arrs, int64(rows))
	for _, a := range arrs {
		a.Release()
	}
	return rec
}

// Release drops the Builder's pending rows.
func (b *Builder) Release() {
	if b.rows > 0 {
		b.NewRecord().Release()
	}
}

// Append adds ev as one row (see RULES.md for how JSON maps to columns).
func (b *Builder) Append(ev *Event) {
	for i, c := range b.cols {
		switch i {
		case plan.eventTime:
			c.ts.append(ev.time)
		case plan.eventJSON:
			if ev.hasWS {
				b.buf = appendCompact(b.buf[:0], ev.raw)
				c.str.append(b.buf)
			} else if ev.chunk != nil {
				c.str.appendAliased(ev.raw, ev.chunk)
			} else {
				c.str.append(ev.raw)
			}
		case plan.eventJSONSum:
			// CloudTrail Lake's checksum algorithm is not documented, so
			// the column stays NULL rather than holding a made-up value.
			c.str.appendNull()
		default:
			c.append(ev.top[i], &b.buf)
		}
	}
	b.rows++
}

// bnode is a schema node bound to its column accumulator.
type bnode struct {
	n       *node
	typ     arrow.DataType
	str     *strCol  // kString
	bl      *boolCol // kBool
	ts      *tsCol   // kTime
	list    *listCol // kList, kMap
	mk, mv  *strCol  // kMap keys and values
	fields  []*bnode // kStruct
	valid   bitmap   // kStruct
	nulls   int      // kStruct
	slots   []*fastjson.Value
	isExact []bool
	elem    *bnode // kList
}

func bind(n *node, typ arrow.DataType) *bnode {
	bn := &bnode{n: n, typ: typ}
	switch n.kind {
	case kString:
		bn.str = newStrCol()
	case kBool:
		bn.bl = &boolCol{}
	case kTime:
		bn.ts = &tsCol{typ: typ}
	case kMap:
		bn.list = newListCol()
		bn.mk, bn.mv = newStrCol(), newStrCol()
	case kStruct:
		for i, f := range typ.(*arrow.StructType).Fields() {
			bn.fields = append(bn.fields, bind(n.fields[i], f.Type))
		}
		bn.slots = make([]*fastjson.Value, len(n.fields))
		bn.isExact = make([]bool, len(n.fields))
	case kList:
		bn.list = newListCol()
		bn.elem = bind(n.elem, typ.(*arrow.ListType).Elem())
	}
	return bn
}

// finish cuts the accumulated values into Arrow data and resets.
func (b *bnode) finish() *array.Data {
	switch b.n.kind {
	case kString:
		return b.str.finish()
	case kBool:
		return b.bl.finish()
	case kTime:
		return b.ts.finish()
	case kMap:
		keys, items := b.mk.finish(), b.mv.finish()
		mt := b.typ.(*arrow.MapType)
		entries := array.NewData(mt.Elem(), keys.Len(), []*memory.Buffer{nil}, []arrow.ArrayData{keys, items}, 0, 0)
		keys.Release()
		items.Release()
		d := b.list.finish(mt, entries)
		entries.Release()
		return d
	case kStruct:
		children := make([]arrow.ArrayData, len(b.fields))
		for i, f := range b.fields {
			children[i] = f.finish()
		}
		n := b.valid.n
		d := array.NewData(b.typ, n, []*memory.Buffer{b.valid.finish()}, children, b.nulls, 0)
		for _, c := range children {
			c.Release()
		}
		b.nulls = 0
		return d
	default: // kList
		child := b.elem.finish()
		d := b.list.finish(b.typ, child)
		child.Release()
		return d
	}
}

// appendNull adds a NULL (for a struct: NULL children too, so that
// every child keeps the struct's length).
func (b *bnode) appendNull() {
	switch b.n.kind {
	case kString:
		b.str.appendNull()
	case kBool:
		b.bl.appendNull()
	case kTime:
		b.ts.appendNull()
	case kMap:
		b.list.end(false, b.mk.valid.n)
	case kStruct:
		b.valid.append(false)
		b.nulls++
		for _, f := range b.fields {
			f.appendNull()
		}
	case kList:
		b.list.end(false, b.elem.length())
	}
}

// length is the number of values appended to b since the last finish.
func (b *bnode) length() int {
	switch b.n.kind {
	case kString:
		return b.str.valid.n
	case kBool:
		return b.bl.valid.n
	case kTime:
		return b.ts.valid.n
	case kStruct:
		return b.valid.n
	}
	return b.list.valid.n
}

// append adds v (nil when absent) following the column rules.
func (b *bnode) append(v *fastjson.Value, buf *[]byte) {
	switch b.n.kind {
	case kString:
		appendText(b.str, v, buf)
	case kBool:
		if v != nil {
			if val, ok := boolOf(v); ok {
				b.bl.append(val)
				return
			}
		}
		b.bl.appendNull()
	case kTime:
		if t, ok := timeOf(v); ok {
			b.ts.append(t)
			return
		}
		b.ts.appendNull()
	case kMap:
		if v == nil || v.Type() != fastjson.TypeObject {
			b.appendNull()
			return
		}
		o, _ := v.Object()
		o.Visit(func(k []byte, vv *fastjson.Value) {
			b.mk.append(k)
			appendText(b.mv, vv, buf)
		})
		b.list.end(true, b.mk.valid.n)
	case kStruct:
		if v == nil || v.Type() != fastjson.TypeObject {
			b.appendNull()
			return
		}
		o, _ := v.Object()
		b.valid.append(true)
		b.n.resolve(o, b.slots, b.isExact)
		for i, f := range b.fields {
			f.append(b.slots[i], buf)
		}
	case kList:
		if v == nil || v.Type() != fastjson.TypeArray {
			b.appendNull()
			return
		}
		arr, _ := v.Array()
		for _, el := range arr {
			b.elem.append(el, buf)
		}
		b.list.end(true, b.elem.length())
	}
}

// appendText is the string-column rule: strings as they are, numbers and
// booleans as their JSON text, objects and arrays as compact JSON, null or
// absent as NULL.
func appendText(c *strCol, v *fastjson.Value, buf *[]byte) {
	if v == nil {
		c.appendNull()
		return
	}
	switch v.Type() {
	case fastjson.TypeString:
		s, _ := v.StringBytes()
		c.append(s)
	case fastjson.TypeNull:
		c.appendNull()
	case fastjson.TypeTrue:
		c.append(trueText)
	case fastjson.TypeFalse:
		c.append(falseText)
	default:
		// Numbers: their source text. Objects and arrays: fastjson writes
		// them without whitespace and, for strings and keys not read
		// before (the decoder never reads inside a value it stores as
		// text), byte for byte as in the source.
		*buf = v.MarshalTo((*buf)[:0])
		c.append(*buf)
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
