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
// ReadInto chains them on one goroutine; Ingest runs them in parallel
// (pipeline*.go). RULES.md (next to this file) is the user-facing
// description of how JSON values map to columns.
//
// Inputs may also be S3 objects: S3Source lists a trail's bucket by its
// layout (s3layout.go) and turns objects into Inputs that the pipeline
// reads ahead (fetch.go). Inputs that carry an Object are recorded in the
// store's source log with the commit holding their events, so a rerun
// reads only what is new (pipeline_track.go); Follower repeats that every
// interval on the newest day folders of a bucket or a folder (follow.go).
// ORC event files (a store's own, a `store export`) are read through their
// eventJson column (orcinput.go).
package ingest
