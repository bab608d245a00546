// Package orcfile is ctlake's own implementation of the Apache ORC v1 file
// format: a spec-correct writer fed with Arrow record batches and a vectorized
// reader that decodes only the streams a scan needs, straight into Arrow
// arrays.
//
// It uses github.com/scritchley/orc only for its generated protobuf types of
// the file format (and, in tests, its Cursor as an independent decoder): that
// module's writer breaks the spec and its reader boxes every value.
package orcfile

import (
	// Pinned here until the reader and writer import them for real.
	_ "github.com/klauspost/compress/zstd"
	_ "github.com/pierrec/lz4/v4"
	_ "github.com/scritchley/orc/proto"
)
