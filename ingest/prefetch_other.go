//go:build !linux

package ingest

// prefetchFile does nothing where posix_fadvise is not available.
func prefetchFile(string) {}
