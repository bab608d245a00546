// Package orcstore keeps CloudTrail event data stores on disk: a folder per
// store holding ORC files (written and read by the orcfile subpackage) and an
// atomically replaced manifest of the committed files. It is also the one
// home of the CloudTrail Lake event schema (schema.go).
//
// orcstore imports no other ctlake package. (Its benchmarks read CPU time
// through internal/proccpu, a leaf helper that imports nothing of ctlake.)
//
// # A store on disk
//
//	stores/<id>/store.json       settings; checked on load as Create writes them
//	stores/<id>/manifest.json    the committed snapshot (manifest.go)
//	stores/<id>/writer.lock      the one writer's flock
//	stores/<id>/writes.journal   files the current (or a crashed) writer created
//	stores/<id>/readers/*.lease  one per running query (lease.go)
//	stores/<id>/data/eventdate=YYYY-MM-DD/<uuid>.orc
//	stores/<id>/rejects/<time>-<id>.ndjson
//	stores/<id>/sources/<time>-<id>.ndjson      the source log (sources.go)
//	stores/<id>/dropped/<time>-<id>.ndjson.gz   events left out (ingestlog.go)
//
// # File lifetime
//
// A query reads one snapshot (Store.Snapshot) and every file in it stays
// readable until the query releases it, whatever compaction, retention or
// ingest do meanwhile. The mechanism is reader leases with deferred
// deletion. Snapshot publishes a lease file in readers/ before reading
// manifest.json and writes the version it read into it; the reader holds a
// shared flock on it, which the kernel drops if the reader dies. A commit
// that drops files (compaction, retention, a rewrite of the source log)
// does not delete them: it lists them as retired at the new version, and a
// writer (right after its commit, and at every Begin) deletes a retired
// file only when no live lease holds an older version. A lease without its version yet holds everything; a
// lease whose lock can be taken belongs to a dead reader and is removed.
// The order (lease first, then manifest) is what makes this exact: a
// reader that publishes its lease after a writer looked reads a manifest
// at least as new as that writer's commit.
//
// The alternatives were weighed. Opening every file at plan time and
// relying on an open file outliving its unlink would cost a query a few
// hundred opens where a lookup opens a handful (the scan opens files
// lazily, per stripe, and orcfile's tail and metadata caches work by
// path), still race between reading the manifest and opening the files,
// and does not hold on Windows. A grace period alone bounds nothing: a
// query may run longer than any period. Leases cost a query a few system
// calls (create, lock, rename, write; unlink and close at the end) and
// no reads.
//
// A query must call Manifest.Release when it has finished reading; a
// manifest dropped without it releases its lease when garbage collected,
// and a process that exits releases its locks. Replaced files therefore
// stay on disk while queries hold them (compaction says how many), and the
// next writer deletes them. A store on read-only media takes no leases: no
// writer can delete its files either.
//
// # What a writer deletes
//
// Only files it can prove are its own: the files its Tx created and did not
// commit (on Close), the files of a dead writer that writes.journal names
// and the manifest does not list (on the next Begin), and retired files no
// reader holds. A file that nothing accounts for (a manifest edited to
// forget its files, a file copied in) is left alone, and `store verify`
// names it. The journal is appended before each file is created and not
// fsynced: a killed process loses nothing written to the page cache, and
// after a power loss the worst case is a leftover nobody deletes.
//
// # Paths are data
//
// Every path read from manifest.json, the journal and the retired list is
// checked lexically when loaded (paths.go: data/eventdate=D/NAME.orc with D
// the entry's date, rejects/NAME.ndjson, sources/NAME.ndjson,
// dropped/NAME.ndjson.gz) and, before a file is opened or
// deleted, with Lstat on each component under the store folder: no
// symbolic link is followed. A store folder that is a link is damaged, not
// followed. store.json must name the folder's ID, a valid name and a
// retention in range. Nothing outside the store's folder is read or
// deleted, whatever the metadata says.
//
// # Damage
//
// A store whose store.json or manifest.json fails its checks is damaged
// (ErrDamaged): commands about that store fail with what is wrong; the
// others do not notice it (Catalog.Survey lists it, Catalog.List skips it,
// Catalog.Open by another name works). Two stores with one name are both
// damaged for `FROM name` and open by ID. Catalog.ForceDelete removes a
// damaged store, following no link.
//
// # Integrity
//
// manifest.json carries the xxh3-64 of its own bytes (a trailing "checksum"
// member) and, per file, the xxh3-64 of the whole file and of its tail.
// xxh3 rather than SHA-256: the threat is bit rot and torn copies, not an
// adversary, who could rewrite the manifest's sums as easily as the data;
// and xxh3 hashes at several GB/s against SHA-256's few hundred MB/s
// without SHA instructions (bench/RESULTS.md, "Integrity").
//
// Queries verify what they read. Event files are written with a checksum in
// every zstd frame (orcfile/checksum.go): each chunk of every stream, stripe
// footer, the metadata and the footer is a frame whose content checksum the
// decoder verifies, and a file marked so refuses any chunk that is not. The
// postscript and the footer's own framing are covered by the tail checksum,
// which Store.Scan compares (with the row count and eventTime range of the
// file's footer) when it opens a file. A flipped bit in anything a query
// reads is an error naming the file; bytes a query does not read cannot
// change its answer. Whole-file checksums are for `store verify`, which
// reads everything; a query that hashed whole files would read eventJson
// to count rows.
//
// Stores written before checksums were kept (format-1 manifests, files
// without sums or the frame marker) open and query as before, without
// those checks; `store verify` decodes their files in full, the only check
// they allow, and says so. Files a compaction rewrites get checksums.
//
// # Memory
//
// Compaction merges a partition as an external sort bounded by
// CompactOptions.MemoryLimit (compact_merge.go).
package orcstore
