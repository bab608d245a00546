// Package orcfile is ctlake's own implementation of the Apache ORC v1 file
// format: a spec-correct writer fed with Arrow record batches and a vectorized
// reader that decodes only the streams a scan needs, straight into Arrow
// arrays.
//
// The file format's protobuf messages and their codec are in orcproto
// (hand-written: the generated code of github.com/scritchley/orc/proto cost
// milliseconds of init and reflection in every process, see that package).
// github.com/scritchley/orc serves the tests: its Cursor is an independent
// decoder, its generated messages the reference for orcproto. That module's
// writer breaks the spec and its reader boxes every value.
package orcfile

import (
	// Pinned here until the reader and writer import them for real.
	_ "github.com/klauspost/compress/zstd"
	_ "github.com/pierrec/lz4/v4"
)
