package main

import (
	"bytes"
	"encoding/base64"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/ipc"
)

// parquetStorageSchema replaces the Arrow types pqarrow cannot write
// (duration, month_interval; they are how results carry intervals) by
// their storage integers, at any depth; changed reports a replacement.
func parquetStorageSchema(s *arrow.Schema) (*arrow.Schema, bool) {
	fs := s.Fields()
	changed := false
	for i := range fs {
		t, c := parquetStorageType(fs[i].Type)
		fs[i].Type = t
		changed = changed || c
	}
	if !changed {
		return s, false
	}
	return arrow.NewSchema(fs, nil), true
}

func parquetStorageType(dt arrow.DataType) (arrow.DataType, bool) {
	switch t := dt.(type) {
	case *arrow.DurationType:
		return arrow.PrimitiveTypes.Int64, true
	case *arrow.MonthIntervalType:
		return arrow.PrimitiveTypes.Int32, true
	case *arrow.ListType:
		e, c := parquetStorageType(t.Elem())
		return arrow.ListOf(e), c
	case *arrow.MapType:
		k, c1 := parquetStorageType(t.KeyType())
		v, c2 := parquetStorageType(t.ItemType())
		return arrow.MapOf(k, v), c1 || c2
	case *arrow.StructType:
		fs := t.Fields()
		changed := false
		for i := range fs {
			var c bool
			fs[i].Type, c = parquetStorageType(fs[i].Type)
			changed = changed || c
		}
		return arrow.StructOf(fs...), changed
	}
	return dt, false
}

// retypeRecords relabels records with schema s, whose types have the same
// layout as theirs (zero-copy); the caller releases the new records.
func retypeRecords(recs []arrow.Record, s *arrow.Schema) []arrow.Record {
	out := make([]arrow.Record, len(recs))
	for r, rec := range recs {
		cols := make([]arrow.Array, rec.NumCols())
		for i := range cols {
			d := retypeData(rec.Column(i).Data(), s.Field(i).Type)
			cols[i] = array.MakeFromData(d)
			d.Release()
		}
		out[r] = array.NewRecord(s, cols, rec.NumRows())
		for _, c := range cols {
			c.Release()
		}
	}
	return out
}

func retypeData(d arrow.ArrayData, dt arrow.DataType) arrow.ArrayData {
	var kids []arrow.ArrayData
	switch t := dt.(type) {
	case *arrow.ListType:
		kids = []arrow.ArrayData{retypeData(d.Children()[0], t.Elem())}
	case *arrow.MapType:
		kids = []arrow.ArrayData{retypeData(d.Children()[0], t.Elem())}
	case *arrow.StructType:
		for i, f := range t.Fields() {
			kids = append(kids, retypeData(d.Children()[i], f.Type))
		}
	}
	out := array.NewData(dt, d.Len(), d.Buffers(), kids, d.NullN(), d.Offset())
	for _, k := range kids {
		k.Release()
	}
	return out
}

// serializedSchema is the value of Parquet's ARROW:schema key: the schema
// as an Arrow IPC stream, base64 (what pqarrow's WithStoreSchema writes).
func serializedSchema(s *arrow.Schema) string {
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(s))
	w.Close()
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}
