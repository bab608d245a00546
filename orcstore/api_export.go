package orcstore

// WriteJSONAtomic replaces path with v as indented JSON the way the store
// writes its manifest: a temporary file beside it (mode 0600), fsync,
// rename, fsync of the folder. A reader sees the old file or the new one,
// never half of either; the API server keeps its own records this way.
func WriteJSONAtomic(path string, v any) error { return writeJSONAtomic(path, v) }

// NewID returns a random lowercase UUID (version 4), the shape of store
// IDs and of the API's query and import IDs.
func NewID() string { return newUUID() }
