package orcfile

// ReadEstimate is what a scan would read, worked out from metadata.
type ReadEstimate struct {
	// Stripes counts the stripes with rows to read, RowGroups the row
	// groups ScanOptions.RowGroups keeps in them (0 for stripes read
	// without a row index, as a scan's statistics count them).
	Stripes, RowGroups int
	Rows               int64
	// Bytes are the compressed stream bytes the scan would fetch, as
	// Scanner.BytesRead counts them: each stream from the chunk of the
	// first selected row group, ranges merged across small gaps. Streams a
	// sparse scan reads lazily count whole (it may read less).
	Bytes int64
}

// Estimate works out what the scan would read from its stripes' footers
// and row indexes (and what RowGroups consults), without reading any data
// stream: EXPLAIN's estimate and a query's scan limits come from it. Call
// it on a fresh Scanner, instead of reading rows.
func (s *Scanner) Estimate() (ReadEstimate, error) {
	var e ReadEstimate
	stride := s.f.RowIndexStride()
	for _, i := range s.stripes {
		st, err := s.f.readStripe(i)
		if err != nil {
			return e, s.wrap(i, err)
		}
		if err := s.selectRuns(st); err != nil {
			return e, s.wrap(i, err)
		}
		if len(s.runs) == 0 {
			continue
		}
		e.Stripes++
		indexed := s.opts.RowGroups != nil && stride > 0 && s.hasRowIndex(st)
		for _, r := range s.runs {
			e.Rows += int64(r[1] - r[0])
			if indexed {
				e.RowGroups += (r[1]+stride-1)/stride - r[0]/stride
			}
		}
		_, _, total, err := s.planReads(st, func(rc *readColumn, slot int, ss StripeStream, from int) error {
			e.Bytes += int64(ss.Length) - int64(from)
			return nil
		})
		if err != nil {
			return e, s.wrap(i, err)
		}
		e.Bytes += int64(total)
	}
	s.stripe, s.runs = nil, nil
	return e, nil
}
