package orcfile

import (
	"fmt"
	"io"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/ctlake/ctlake/orcstore/orcfile/orcproto"
)

// Skipping rows: a sparse scan (ScanOptions.Sparse) reads the rows a caller
// picked and skips the others. Skipping still walks every stream's run
// encodings (ORC cannot jump inside a row group otherwise), but direct
// string values are stepped over by their lengths alone, so the chunks of
// their data that hold only skipped values are never decompressed.

// lazySlot reports whether a stream of a sparse scan stays compressed and
// unread until values in it are wanted: the data of direct-encoded strings
// and binaries, and string dictionaries when values are copied out of them
// (PlainStrings), with a codec whose chunks say their size.
func (s *Scanner) lazySlot(st *Stripe, rc *readColumn, slot int) bool {
	if !s.opts.Sparse || (s.f.compression != CompressionZstd && s.f.compression != CompressionSnappy) {
		return false
	}
	enc := st.Encodings[rc.col.ID].GetKind()
	switch rc.col.Kind {
	case orcproto.Type_STRING, orcproto.Type_VARCHAR, orcproto.Type_CHAR, orcproto.Type_BINARY:
		switch enc {
		case orcproto.ColumnEncoding_DIRECT, orcproto.ColumnEncoding_DIRECT_V2:
			return slot == rData
		case orcproto.ColumnEncoding_DICTIONARY, orcproto.ColumnEncoding_DICTIONARY_V2:
			return slot == rDictData && s.opts.PlainStrings
		}
	}
	return false
}

// Skip moves the scan n rows forward (in the order Next returns them)
// without returning them. Past the last row it stops with io.EOF.
func (s *Scanner) Skip(n int) error {
	if s.err != nil {
		return s.err
	}
	for n > 0 {
		k, err := s.advance(n, func(k int) error {
			for _, rc := range s.roots {
				if err := rc.skip(k); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			if err != io.EOF {
				s.err = err
			}
			return err
		}
		n -= k
	}
	return nil
}

// NextN is Next with at most n rows in the batch (fewer at the end of a
// run of row groups or a stripe).
func (s *Scanner) NextN(n int) (arrow.Record, error) {
	if n <= 0 {
		return nil, fmt.Errorf("NextN(%d): want a positive row count", n)
	}
	if s.err != nil {
		return nil, s.err
	}
	rec, err := s.nextN(n)
	if err != nil {
		s.err = err
	}
	return rec, err
}

// skip advances the column's decoders past m rows, the rows where its
// parent is present (all rows for a top-level column). Kinds whose values
// are cheap to decode are stepped over run by run; strings, structs,
// lists and maps step over their values so that their children and direct
// string data skip too. Only counts are needed, never validity vectors.
func (r *readColumn) skip(m int) error {
	nn := m
	if r.hasPresent {
		var err error
		if nn, err = r.present.count(m); err != nil {
			return r.fail(rPresent, err)
		}
	}
	switch r.col.Kind {
	case orcproto.Type_STRUCT:
		for _, c := range r.children {
			if err := c.skip(nn); err != nil {
				return err
			}
		}
		return nil
	case orcproto.Type_LIST, orcproto.Type_MAP:
		total, err := r.skipLengths(nn, int64(r.maxElems), "elements")
		if err != nil {
			return err
		}
		r.maxElems -= int(total)
		for _, c := range r.children {
			if err := c.skip(int(total)); err != nil {
				return err
			}
		}
		return nil
	case orcproto.Type_STRING, orcproto.Type_VARCHAR, orcproto.Type_CHAR, orcproto.Type_BINARY:
		if r.isDict() {
			if err := r.ints.skip(uint64(nn)); err != nil {
				return r.fail(rData, err)
			}
			return nil
		}
		total, err := r.skipLengths(nn, int64(r.streams[rData].len()-r.rawPos), "bytes")
		if err != nil {
			return err
		}
		r.rawPos += int(total)
		return nil
	}
	if !r.streams[rData].present {
		return r.fail(rData, fmt.Errorf("missing: %w", ErrCorrupt))
	}
	k := uint64(nn)
	var err error
	switch r.col.Kind {
	case orcproto.Type_BOOLEAN:
		err = r.bools.skip(k)
	case orcproto.Type_BYTE:
		err = r.bytes.skip(k)
	case orcproto.Type_SHORT, orcproto.Type_INT, orcproto.Type_LONG, orcproto.Type_DATE:
		err = r.ints.skip(k)
	case orcproto.Type_TIMESTAMP:
		if err = r.ints.skip(k); err == nil {
			if err = r.ints2.skip(k); err != nil {
				return r.fail(rSecondary, err)
			}
		}
	case orcproto.Type_FLOAT, orcproto.Type_DOUBLE:
		size := 8
		if r.col.Kind == orcproto.Type_FLOAT {
			size = 4
		}
		if nn*size > r.streams[rData].len()-r.rawPos {
			return r.fail(rData, decErrShort)
		}
		r.rawPos += nn * size
	default:
		// Decimals and unions: decode and drop. Their present rows
		// were consumed above, so read the values as if all present.
		return r.skipByReading(nn)
	}
	if err != nil {
		return r.fail(rData, err)
	}
	return nil
}

// skipByReading decodes nn present values and drops them.
func (r *readColumn) skipByReading(nn int) error {
	has := r.hasPresent
	r.hasPresent = false
	d, err := r.read(nn, nil)
	r.hasPresent = has
	if err != nil {
		return err
	}
	d.Release()
	return nil
}

// skipLengths consumes nn LENGTH values and returns their sum, which must
// not exceed limit (what the streams can hold).
func (r *readColumn) skipLengths(nn int, limit int64, what string) (int64, error) {
	lens := r.int64s(nn)
	if err := r.ints2.next(lens); err != nil {
		return 0, r.fail(rLength, err)
	}
	total := int64(0)
	for _, l := range lens {
		if l < 0 || l > limit-total {
			return 0, r.fail(rLength, fmt.Errorf("skipping %d %s, more than the column's streams hold: %w", total+l, what, ErrCorrupt))
		}
		total += l
	}
	return total, nil
}
