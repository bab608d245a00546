package ingest

import "fmt"

// Reject is one event that could not be stored: the input it came from, where
// it starts, why it was refused, and its raw text, so that nothing read is
// ever silently lost. The events beside a reject are still delivered.
//
// Reject implements error so that Framer.Next can return it in-band; callers
// distinguish it from fatal errors with errors.As.
type Reject struct {
	File   string // display name of the input ("-" for stdin)
	Line   int    // 1-based line of the event's first byte (0 if unknown)
	Offset int64  // byte offset of the event's first byte in the decompressed input
	Reason string // what is wrong, with a position inside the event where useful
	Raw    []byte // the event's bytes as read (owned by the Reject; may be cut at MaxEventSize)
	// TimeHint names a field holding a parseable time when eventTime has
	// none (see TimeError): --time-field TimeHint would take the event.
	TimeHint string
}

func (r *Reject) Error() string {
	return fmt.Sprintf("%s:%d (offset %d): rejected event: %s", r.File, r.Line, r.Offset, r.Reason)
}

// InputError is a fatal error of one input: it cannot be read further
// (truncated or corrupt gzip, I/O error, input ending inside an unclosed
// array). Events delivered before it are valid.
type InputError struct {
	File   string
	Offset int64 // decompressed bytes read when the error happened
	Err    error
}

func (e *InputError) Error() string {
	return fmt.Sprintf("%s: offset %d: %v", e.File, e.Offset, e.Err)
}

func (e *InputError) Unwrap() error { return e.Err }
