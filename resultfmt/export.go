package resultfmt

import (
	"fmt"
	"io"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/ctlake/ctlake/parquetexport"
)

// Results leave ctlake for DuckDB, pandas or Spark as Parquet (package
// parquetexport, over Arrow Go's Parquet column writers) or as an Arrow IPC
// file (Arrow Go's writer), so that every column keeps its type: bigint
// stays int64, timestamps stay timestamps, maps, structs and arrays stay
// nested. Both formats are binary: `ctlake query` writes them to --out or a
// redirected stdout.

// exportSchema is the schema the export writes: the records' own types with
// the result's column names (Lake's naming, e.g. _col0 for an unnamed
// expression). A result without a schema takes its first record's.
func exportSchema(r *Result) (*arrow.Schema, error) {
	src := r.Schema
	if src == nil {
		if len(r.Records) == 0 {
			if err := r.Collect(); err != nil {
				return nil, err
			}
		}
		if len(r.Records) == 0 {
			// An empty result without a schema: the column names are all
			// that is known, so every column is a nullable string.
			fs := make([]arrow.Field, len(r.Names))
			for i, n := range r.Names {
				fs[i] = arrow.Field{Name: n, Type: arrow.BinaryTypes.String, Nullable: true}
			}
			return arrow.NewSchema(fs, nil), nil
		}
		src = r.Records[0].Schema()
	}
	fs := append([]arrow.Field(nil), src.Fields()...)
	for i := range fs {
		if i < len(r.Names) {
			fs[i].Name = r.Names[i]
		}
		fs[i].Nullable = true
	}
	return arrow.NewSchema(fs, nil), nil
}

// eachExportRecord calls write with each of r's records relabelled with
// schema, one at a time (a streamed result is never held whole).
func eachExportRecord(r *Result, schema *arrow.Schema, write func(arrow.Record) error) error {
	return r.Each(func(r arrow.Record) error {
		if int(r.NumCols()) != schema.NumFields() {
			return fmt.Errorf("internal error: record of %d columns for %d names", r.NumCols(), schema.NumFields())
		}
		for c := 0; c < int(r.NumCols()); c++ {
			if !arrow.TypeEqual(r.Column(c).DataType(), schema.Field(c).Type) {
				return fmt.Errorf("internal error: column %s is %s in one batch and %s in another",
					schema.Field(c).Name, r.Column(c).DataType(), schema.Field(c).Type)
			}
		}
		rec := array.NewRecord(schema, r.Columns(), r.NumRows())
		defer rec.Release()
		return write(rec)
	})
}

// WriteParquet writes r as one Parquet file: zstd-compressed, timestamps
// stored as microseconds (CloudTrail's precision is milliseconds, and Spark
// reads microsecond timestamps without extra settings, nanoseconds not), and
// the Arrow schema embedded so that Arrow readers get the exact types back.
func WriteParquet(w io.Writer, r *Result) error {
	schema, err := exportSchema(r)
	if err != nil {
		return err
	}
	pw, err := parquetexport.NewWriter(w, schema)
	if err != nil {
		return err
	}
	if err := eachExportRecord(r, schema, pw.Write); err != nil {
		pw.Close()
		return err
	}
	return pw.Close()
}

// WriteArrow writes r as an Arrow IPC file (the random-access "Feather
// v2" format that pyarrow.ipc.open_file, pandas.read_feather and DuckDB's
// arrow extension take), uncompressed because not every reader supports
// compressed IPC buffers.
func WriteArrow(w io.Writer, r *Result) error {
	schema, err := exportSchema(r)
	if err != nil {
		return err
	}
	fw, err := ipc.NewFileWriter(&offsetWriter{w: w}, ipc.WithSchema(schema), ipc.WithAllocator(memory.DefaultAllocator))
	if err != nil {
		return fmt.Errorf("arrow: %w", err)
	}
	if err := eachExportRecord(r, schema, fw.Write); err != nil {
		fw.Close()
		return fmt.Errorf("arrow: %w", err)
	}
	if err := fw.Close(); err != nil {
		return fmt.Errorf("arrow: %w", err)
	}
	return nil
}

// offsetWriter gives a plain writer the one Seek the IPC file writer uses,
// Seek(0, io.SeekCurrent) to learn its offset, so that exports can stream to
// stdout or through a buffer as well as to a file.
type offsetWriter struct {
	w   io.Writer
	off int64
}

func (o *offsetWriter) Write(p []byte) (int, error) {
	n, err := o.w.Write(p)
	o.off += int64(n)
	return n, err
}

func (o *offsetWriter) Seek(offset int64, whence int) (int64, error) {
	if offset != 0 || whence != io.SeekCurrent {
		return 0, fmt.Errorf("arrow: writer cannot seek")
	}
	return o.off, nil
}
