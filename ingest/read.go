package ingest

import (
	"bytes"
	"errors"
	"io"
)

// ReadInto frames r, decodes every event and appends it to b: the simple
// single-goroutine path (tests, small inputs; the pipeline runs the same
// three steps in parallel). Each event that cannot be stored is passed to
// onReject (may be nil). It returns the number of events appended and the
// input's fatal error, if any (io.EOF is not one).
func ReadInto(r io.Reader, name string, opts Options, b *Builder, onReject func(*Reject)) (int, error) {
	fr := NewFramer(r, name)
	defer fr.Close()
	d := NewDecoder(opts)
	n := 0
	for {
		raw, err := fr.Next()
		if err != nil {
			var rej *Reject
			if errors.As(err, &rej) {
				if onReject != nil {
					onReject(rej)
				}
				continue
			}
			if err == io.EOF {
				return n, nil
			}
			return n, err
		}
		ev, err := d.ParseFramed(raw)
		if err != nil {
			if onReject != nil {
				onReject(RejectEvent(name, raw, err))
			}
			continue
		}
		b.Append(ev)
		n++
	}
}

// RejectEvent makes the Reject of a framed event that Decoder.Parse
// refused, copying its bytes.
func RejectEvent(name string, raw RawEvent, err error) *Reject {
	return &Reject{File: name, Line: raw.Line, Offset: raw.Offset, Reason: err.Error(), Raw: bytes.Clone(raw.Data), TimeHint: timeHintOf(err)}
}
