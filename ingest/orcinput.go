package ingest

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"strings"

	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/orcstore/orcfile"
	"github.com/ctlake/ctlake/s3io"
)

// ORC event files (a store's own files, or a `store export` on S3) are an
// input too: their eventJson column holds each event's text, which reads
// as NDJSON and decodes to the same row. That is how an exported store is
// ingested again elsewhere.

func isORCName(name string) bool { return strings.HasSuffix(strings.ToLower(name), ".orc") }

// orcEvents streams the eventJson values of an ORC event file, one per
// line. Only that column's streams are read.
func orcEvents(r io.ReaderAt, size int64, name string, closer io.Closer) (io.ReadCloser, error) {
	f, err := orcfile.Open(r, size, name)
	if err != nil {
		if closer != nil {
			closer.Close()
		}
		return nil, err
	}
	sc, err := f.Scan(orcfile.ScanOptions{Columns: []string{"eventJson"}, PlainStrings: true})
	if err != nil {
		f.Close()
		if closer != nil {
			closer.Close()
		}
		return nil, err
	}
	pr, pw := io.Pipe()
	go func() {
		defer func() {
			sc.Close()
			f.Close()
			if closer != nil {
				closer.Close()
			}
		}()
		w := bufio.NewWriterSize(pw, 1<<20)
		for {
			rec, err := sc.Next()
			if err == io.EOF {
				pw.CloseWithError(w.Flush())
				return
			}
			if err != nil {
				pw.CloseWithError(err)
				return
			}
			col, ok := rec.Column(0).(*array.String)
			if !ok {
				rec.Release()
				pw.CloseWithError(errors.New("eventJson is not a string column"))
				return
			}
			for i := 0; i < col.Len(); i++ {
				if col.IsValid(i) {
					w.WriteString(col.Value(i))
					w.WriteByte('\n')
				}
			}
			rec.Release()
			if w.Buffered() > 0 {
				if err := w.Flush(); err != nil {
					return // the reader was closed
				}
			}
		}
	}()
	return pr, nil
}

// openORCFile opens a local ORC event file as NDJSON.
func openORCFile(p string) (io.ReadCloser, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return orcEvents(f, st.Size(), p, f)
}

// orcInput makes an S3 ORC object an input, read by ranged GETs.
func (s *S3Source) orcInput(in Input, key, etag string, size int64) Input {
	c := s.Client
	in.fetch = nil
	in.open = func(ctx context.Context) (io.ReadCloser, error) {
		return orcEvents(c.ReaderAt(ctx, key, etag), size, s3io.URL(c.Bucket, key), nil)
	}
	return in
}
