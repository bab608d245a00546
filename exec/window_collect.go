package exec

import (
	"context"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// collectAll gathers every live row of in into one record, reporting what
// it holds to env as owner's memory (named op).
//
// Unlike the sort's collector, which appends every row to builders, it
// keeps the input's batches and concatenates each column once at the end:
// one allocation per column, and dictionary-encoded strings (eventName,
// userIdentity.arn from ORC stripes) stay dictionaries, their
// dictionaries unified, so a window over a million events copies int32
// indices rather than strings, and numbering its partitions looks each
// distinct string up once per dictionary. A column that is a dictionary in
// some batches and plain in others, or whose nested types differ between
// batches, is appended row by row to a builder of its plain type instead.
func collectAll(ctx context.Context, in Operator, env *Env, owner any, op string) (arrow.Record, error) {
	var recs []arrow.Record
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	var held int64
	rows := 0
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, err := in.Next(ctx)
		if err != nil {
			return nil, err
		}
		if b.Rec == nil {
			break
		}
		var rec arrow.Record
		if b.Sel != nil {
			if rec, err = compact(env.mem(), b); err != nil {
				return nil, err
			}
		} else {
			rec = b.Rec
			rec.Retain()
		}
		recs = append(recs, rec)
		rows += int(rec.NumRows())
		held += liveBytes(Batch{Rec: rec})
		if err := env.checkMemory(owner, op, held); err != nil {
			return nil, err
		}
	}
	schema := in.Schema()
	cols := make([]arrow.Array, schema.NumFields())
	for i := range cols {
		chunks := make([]arrow.Array, len(recs))
		for k, r := range recs {
			chunks[k] = r.Column(i)
		}
		c, err := concatColumn(env.mem(), schema.Field(i).Type, chunks)
		if err != nil {
			releaseAll(cols)
			return nil, err
		}
		cols[i] = c
		// The copy is made while the batches are still held.
		held += arrayDataBytes(c.Data())
		if err := env.checkMemory(owner, op, held); err != nil {
			releaseAll(cols)
			return nil, err
		}
	}
	return makeRecord(schema, cols, rows), nil
}

// concatColumn joins one column's chunks; dt is the column's logical type,
// for no chunks at all.
func concatColumn(mem memory.Allocator, dt arrow.DataType, chunks []arrow.Array) (arrow.Array, error) {
	if len(chunks) == 0 {
		b := array.NewBuilder(mem, dt)
		defer b.Release()
		return b.NewArray(), nil
	}
	same := true
	for _, c := range chunks[1:] {
		if !arrow.TypeEqual(c.DataType(), chunks[0].DataType()) {
			same = false
			break
		}
	}
	if same && len(chunks) == 1 {
		chunks[0].Retain()
		return chunks[0], nil
	}
	if same {
		if _, isDict := chunks[0].(*array.Dictionary); !isDict {
			return array.Concatenate(chunks, mem)
		}
		if a, ok := concatDicts(mem, chunks); ok {
			return a, nil
		}
	}
	b := array.NewBuilder(mem, plainType(dt))
	defer b.Release()
	n := 0
	for _, c := range chunks {
		n += c.Len()
	}
	b.Reserve(n)
	for _, c := range chunks {
		if err := appendRowsTo(b, c, identity(c.Len())); err != nil {
			return nil, err
		}
	}
	return b.NewArray(), nil
}

// concatDicts joins dictionary<int32, string> chunks into one dictionary
// array: each distinct dictionary (batches of one stripe share theirs) is
// mapped to the unified dictionary once, and indices are translated. (Arrow
// Go v17's Concatenate mistranslates the indices after a NULL.) ok is false
// for other value types.
func concatDicts(mem memory.Allocator, chunks []arrow.Array) (arrow.Array, bool) {
	at := map[string]int32{}
	values := array.NewStringBuilder(mem)
	defer values.Release()
	trans := map[arrow.ArrayData][]int32{}
	n := 0
	for _, c := range chunks {
		n += c.Len()
	}
	idx := array.NewInt32Builder(mem)
	defer idx.Release()
	idx.Reserve(n)
	for _, c := range chunks {
		d := c.(*array.Dictionary)
		dict, ok := d.Dictionary().(*array.String)
		if !ok {
			return nil, false
		}
		tr, seen := trans[dict.Data()]
		if !seen {
			tr = make([]int32, dict.Len())
			for j := range tr {
				if dict.IsNull(j) {
					tr[j] = -1
					continue
				}
				v := dict.Value(j)
				k, ok := at[v]
				if !ok {
					k = int32(values.Len())
					at[v] = k
					values.Append(v)
				}
				tr[j] = k
			}
			trans[dict.Data()] = tr
		}
		ix := dictIndexes(d)
		for i, j := range ix {
			if d.IsNull(i) || tr[j] < 0 {
				idx.AppendNull()
			} else {
				idx.UnsafeAppend(tr[j])
			}
		}
	}
	indices := idx.NewArray()
	defer indices.Release()
	dict := values.NewArray()
	defer dict.Release()
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	return array.NewDictionaryArray(dt, indices, dict), true
}
