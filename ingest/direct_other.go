//go:build !linux

package ingest

import "io"

// openDirect: O_DIRECT reading is implemented for Linux only; elsewhere
// inputs are read through the page cache.
func openDirect(string) io.ReadCloser { return nil }
