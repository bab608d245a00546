package orcfile

import "github.com/ctlake/ctlake/orcstore/orcfile/orcproto"

// When a stripe's first selected row group is not its first (a top-N over
// the newest events reads the last row group of a stripe; a lookup one row
// group in the middle), each positioned stream is decompressed from the
// compressed chunk where that row group starts, not from the stream's
// beginning: the row index gives the chunk offset of every stream at every
// row group. Latest-10 over 1M events read the whole streams of five
// stripes to use one row group of each.

// streamStarts returns, per stream slot, the compressed chunk offset at
// which the row group with positions pos starts, or -1 for a stream that
// is not positioned (dictionary streams, which are read whole) or when pos
// is too short. The order of positions is the one readColumn.seek consumes:
// PRESENT (chunk, offset, byte run, bit), then the data streams of the
// column's kind and encoding.
func streamStarts(kind orcproto.Type_Kind, dict, hasPresent bool, pos []uint64) [len(readSlotKinds)]int64 {
	starts := [len(readSlotKinds)]int64{-1, -1, -1, -1, -1}
	i := 0
	ok := true
	take := func(slot, extra int) {
		if !ok || i+2+extra > len(pos) {
			ok = false
			return
		}
		starts[slot] = int64(pos[i])
		i += 2 + extra
	}
	if hasPresent {
		take(rPresent, 2)
	}
	switch kind {
	case orcproto.Type_BOOLEAN:
		take(rData, 2)
	case orcproto.Type_BYTE, orcproto.Type_UNION, orcproto.Type_SHORT, orcproto.Type_INT, orcproto.Type_LONG, orcproto.Type_DATE:
		take(rData, 1)
	case orcproto.Type_FLOAT, orcproto.Type_DOUBLE:
		take(rData, 0)
	case orcproto.Type_TIMESTAMP:
		take(rData, 1)
		take(rSecondary, 1)
	case orcproto.Type_DECIMAL:
		take(rData, 0)
		take(rSecondary, 1)
	case orcproto.Type_STRING, orcproto.Type_VARCHAR, orcproto.Type_CHAR, orcproto.Type_BINARY:
		if dict {
			take(rData, 1)
		} else {
			take(rData, 0)
			take(rLength, 1)
		}
	case orcproto.Type_LIST, orcproto.Type_MAP:
		take(rLength, 1)
	}
	if !ok {
		return [len(readSlotKinds)]int64{-1, -1, -1, -1, -1}
	}
	return starts
}

// partialStarts computes streamStarts for every scanned column at the
// stripe's first selected row group, or nil when decompression must start
// at the beginning (no compression, or the first run starts at row 0).
func (s *Scanner) partialStarts(st *Stripe) (map[*readColumn][len(readSlotKinds)]int64, error) {
	if s.f.compression == CompressionNone || len(s.runs) == 0 || s.runs[0][0] == 0 {
		return nil, nil
	}
	g := s.runs[0][0] / s.f.RowIndexStride()
	out := make(map[*readColumn][len(readSlotKinds)]int64, len(s.all))
	for _, rc := range s.all {
		idx, err := s.rowIndex(rc.col.ID)
		if err != nil {
			return nil, err
		}
		if g >= len(idx) {
			continue // seekRun reports the corrupt index
		}
		_, hasPresent := st.stream(rc.col.ID, orcproto.Stream_PRESENT)
		k := st.Encodings[rc.col.ID].GetKind()
		dict := k == orcproto.ColumnEncoding_DICTIONARY || k == orcproto.ColumnEncoding_DICTIONARY_V2
		out[rc] = streamStarts(rc.col.Kind, dict, hasPresent, idx[g].Positions)
	}
	return out, nil
}
