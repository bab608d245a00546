// Package parquetexport writes Arrow records as a Parquet file through the
// Parquet library's column writers (github.com/apache/arrow/go/v17/parquet/file),
// computing definition and repetition levels itself.
//
// Arrow's own bridge, pqarrow, would do this in one call, but it imports
// Arrow's compute kernels and Flight (gRPC, protobuf): linking it doubled
// the ctlake binary (26 → 50 MB) and its package init and page faults took
// ~15 ms of CPU from every process, a `ctlake query "SELECT 1"` included.
// The shapes query results have are few (scalars, structs, lists and maps
// of them), and their levels are a short recursion.
//
// The file is what pqarrow writes for the same records: zstd, dictionary
// encoding, timestamps as microseconds adjusted to UTC, lists and maps in
// the three-level form of the Parquet spec, and the Arrow schema stored
// under "ARROW:schema" so that Arrow readers get the exact types back.
package parquetexport

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/metadata"
	"github.com/apache/arrow/go/v17/parquet/schema"
)

// RowGroupRows bounds a row group, so that the buffered writer holds one
// group, not the whole result.
const RowGroupRows = 128 << 10

// Writer writes records of one schema as a Parquet file.
type Writer struct {
	fw     *file.Writer
	src    *arrow.Schema
	leaves []*leaf
	rg     file.BufferedRowGroupWriter
	rgRows int64
	closed bool
}

// NewWriter starts a Parquet file on w for records of schema s. Dictionary
// columns are written as their values, timestamps as microseconds (Spark
// reads those without extra settings), null-typed columns as strings.
func NewWriter(w io.Writer, s *arrow.Schema) (*Writer, error) {
	out := Schema(s)
	var fields schema.FieldList
	var leaves []*leaf
	for c, f := range out.Fields() {
		first := len(leaves)
		n, err := node(f.Name, f.Type, true, &leaves, nil)
		if err != nil {
			return nil, err
		}
		for _, l := range leaves[first:] {
			l.col = c
		}
		fields = append(fields, n)
	}
	root, err := schema.NewGroupNode("schema", parquet.Repetitions.Required, fields, -1)
	if err != nil {
		return nil, err
	}
	var ipcBuf bytes.Buffer
	iw := ipc.NewWriter(&ipcBuf, ipc.WithSchema(out))
	if err := iw.Close(); err != nil {
		return nil, err
	}
	var kv metadata.KeyValueMetadata
	kv.Append("ARROW:schema", base64.StdEncoding.EncodeToString(ipcBuf.Bytes()))
	props := parquet.NewWriterProperties(
		parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithAllocator(memory.DefaultAllocator),
		parquet.WithMaxRowGroupLength(RowGroupRows),
	)
	sc := schema.NewSchema(root)
	for i, l := range leaves {
		l.maxDef, l.maxRep = sc.Column(i).MaxDefinitionLevel(), sc.Column(i).MaxRepetitionLevel()
	}
	fw := file.NewParquetWriter(w, root, file.WithWriterProps(props), file.WithWriteMetadata(kv))
	return &Writer{fw: fw, src: s, leaves: leaves}, nil
}

// Schema is the Arrow schema a file written for records of s declares (and
// Arrow readers return): s with dictionaries resolved, timestamps in
// microseconds and null-typed columns as strings.
func Schema(s *arrow.Schema) *arrow.Schema {
	fs := make([]arrow.Field, s.NumFields())
	for i, f := range s.Fields() {
		fs[i] = arrow.Field{Name: f.Name, Type: exportType(f.Type), Nullable: true}
	}
	return arrow.NewSchema(fs, nil)
}

func exportType(dt arrow.DataType) arrow.DataType {
	switch t := dt.(type) {
	case *arrow.DictionaryType:
		return exportType(t.ValueType)
	case *arrow.TimestampType:
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: t.TimeZone}
	case *arrow.NullType:
		return arrow.BinaryTypes.String
	case *arrow.StructType:
		fs := make([]arrow.Field, t.NumFields())
		for i, f := range t.Fields() {
			fs[i] = arrow.Field{Name: f.Name, Type: exportType(f.Type), Nullable: true}
		}
		return arrow.StructOf(fs...)
	case *arrow.ListType:
		return arrow.ListOfField(arrow.Field{Name: "element", Type: exportType(t.Elem()), Nullable: true})
	case *arrow.MapType:
		m := arrow.MapOf(exportType(t.KeyType()), exportType(t.ItemType()))
		m.KeysSorted = t.KeysSorted
		return m
	}
	return dt
}

// node builds the Parquet node of an (export) Arrow type and appends its
// leaves, each with the path of steps from the top-level column to it.
func node(name string, dt arrow.DataType, optional bool, leaves *[]*leaf, path []step) (schema.Node, error) {
	rep := parquet.Repetitions.Required
	if optional {
		rep = parquet.Repetitions.Optional
	}
	path = path[:len(path):len(path)] // appends below must not share backing arrays
	switch t := dt.(type) {
	case *arrow.StructType:
		var fs schema.FieldList
		for i, f := range t.Fields() {
			n, err := node(f.Name, f.Type, true, leaves, append(path, step{kind: stepField, field: i}))
			if err != nil {
				return nil, err
			}
			fs = append(fs, n)
		}
		return schema.NewGroupNode(name, rep, fs, -1)
	case *arrow.ListType:
		el, err := node("element", t.Elem(), true, leaves, append(path, step{kind: stepList}))
		if err != nil {
			return nil, err
		}
		return schema.ListOfWithName(name, el, rep, -1)
	case *arrow.MapType:
		k, err := node("key", t.KeyType(), false, leaves, append(path, step{kind: stepMapKey}))
		if err != nil {
			return nil, err
		}
		v, err := node("value", t.ItemType(), true, leaves, append(path, step{kind: stepMapValue}))
		if err != nil {
			return nil, err
		}
		return schema.MapOf(name, k, v, rep, -1)
	}
	phys, logical, err := primitive(dt)
	if err != nil {
		return nil, fmt.Errorf("column %s: %w", name, err)
	}
	*leaves = append(*leaves, &leaf{path: path, optional: optional, phys: phys})
	return schema.NewPrimitiveNodeLogical(name, rep, logical, phys, -1, -1)
}

// ErrUnsupported is returned for a column type Parquet export cannot write.
var ErrUnsupported = errors.New("type not supported by the Parquet export")

func primitive(dt arrow.DataType) (parquet.Type, schema.LogicalType, error) {
	switch t := dt.(type) {
	case *arrow.BooleanType:
		return parquet.Types.Boolean, schema.NoLogicalType{}, nil
	case *arrow.Int8Type:
		return parquet.Types.Int32, schema.NewIntLogicalType(8, true), nil
	case *arrow.Int16Type:
		return parquet.Types.Int32, schema.NewIntLogicalType(16, true), nil
	case *arrow.Int32Type:
		return parquet.Types.Int32, schema.NewIntLogicalType(32, true), nil
	case *arrow.Int64Type:
		return parquet.Types.Int64, schema.NewIntLogicalType(64, true), nil
	case *arrow.Uint8Type:
		return parquet.Types.Int32, schema.NewIntLogicalType(8, false), nil
	case *arrow.Uint16Type:
		return parquet.Types.Int32, schema.NewIntLogicalType(16, false), nil
	case *arrow.Uint32Type:
		return parquet.Types.Int32, schema.NewIntLogicalType(32, false), nil
	case *arrow.Uint64Type:
		return parquet.Types.Int64, schema.NewIntLogicalType(64, false), nil
	case *arrow.Float32Type:
		return parquet.Types.Float, schema.NoLogicalType{}, nil
	case *arrow.Float64Type:
		return parquet.Types.Double, schema.NoLogicalType{}, nil
	case *arrow.StringType, *arrow.LargeStringType:
		return parquet.Types.ByteArray, schema.StringLogicalType{}, nil
	case *arrow.BinaryType, *arrow.LargeBinaryType:
		return parquet.Types.ByteArray, schema.NoLogicalType{}, nil
	case *arrow.Date32Type:
		return parquet.Types.Int32, schema.DateLogicalType{}, nil
	case *arrow.TimestampType:
		return parquet.Types.Int64, schema.NewTimestampLogicalTypeForce(t.TimeZone != "", schema.TimeUnitMicros), nil
	case *arrow.DurationType:
		// Parquet has no duration or month-interval column that Arrow
		// readers map back: they are stored as their integers, and the
		// ARROW:schema key keeps the real types (as Arrow C++ does for
		// durations), so Arrow readers get intervals back.
		return parquet.Types.Int64, schema.NewIntLogicalType(64, true), nil
	case *arrow.MonthIntervalType:
		return parquet.Types.Int32, schema.NewIntLogicalType(32, true), nil
	}
	return 0, nil, fmt.Errorf("%s: %w", dt, ErrUnsupported)
}

// Write adds rec's rows. Records must have the schema given to NewWriter.
func (w *Writer) Write(rec arrow.Record) error {
	if w.closed {
		return errors.New("parquet: write after close")
	}
	if !rec.Schema().Equal(w.src) {
		return fmt.Errorf("parquet: record schema %s differs from the file's %s", rec.Schema(), w.src)
	}
	for off := int64(0); off < rec.NumRows(); {
		if w.rg == nil {
			w.rg = w.fw.AppendBufferedRowGroup()
		}
		n := min(rec.NumRows()-off, RowGroupRows-w.rgRows)
		part := rec
		if off > 0 || n < rec.NumRows() {
			part = rec.NewSlice(off, off+n)
		}
		err := w.writeRows(part)
		if part != rec {
			part.Release()
		}
		if err != nil {
			return err
		}
		off += n
		w.rgRows += n
		if w.rgRows >= RowGroupRows {
			if err := w.rg.Close(); err != nil {
				return fmt.Errorf("parquet: %w", err)
			}
			w.rg, w.rgRows = nil, 0
		}
	}
	return nil
}

// writeRows adds every row of rec to the open row group, one leaf column
// at a time.
func (w *Writer) writeRows(rec arrow.Record) error {
	for i, l := range w.leaves {
		col := rec.Column(l.col)
		l.reset()
		for r := 0; r < col.Len(); r++ {
			if err := l.walk(col, r, 0, 0, 0); err != nil {
				return fmt.Errorf("parquet: column %s: %w", w.src.Field(l.col).Name, err)
			}
		}
		cw, err := w.rg.Column(i)
		if err != nil {
			return fmt.Errorf("parquet: %w", err)
		}
		if err := l.flush(cw); err != nil {
			return fmt.Errorf("parquet: column %s: %w", w.src.Field(l.col).Name, err)
		}
	}
	return nil
}

// Close finishes the file. It does not close the underlying writer.
func (w *Writer) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	if w.rg != nil {
		if err := w.rg.Close(); err != nil {
			w.fw.Close()
			return fmt.Errorf("parquet: %w", err)
		}
	}
	if err := w.fw.Close(); err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	return nil
}
