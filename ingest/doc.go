// Package ingest turns CloudTrail JSON in every shape it is delivered in
// ({"Records":[...]}, NDJSON, arrays, gzip, CloudTrail's S3 layout) into typed
// Arrow records of the event schema and commits them to an orcstore.
//
// The pieces, in pipeline order:
//
//   - Discover expands arguments (files, directories, globs, "-") into Inputs,
//     honouring CloudTrail's S3 layout and --since/--until path dates.
//   - Framer splits one input into events (RawEvent: bytes, line, offset)
//     with bounded memory, reporting damaged events as *Reject and damaged
//     inputs as *InputError.
//   - Decoder.Parse parses an event (one Decoder per worker) and gives an
//     *Event whose Time, ID and Values (selector fields) can be inspected
//     before deciding where it goes.
//   - Builder.Append adds an Event as a row of orcstore.EventSchema; one
//     Builder per output partition.
//
// ReadInto chains them on one goroutine. RULES.md (next to this file) is
// the user-facing description of how JSON values map to columns.
package ingest
