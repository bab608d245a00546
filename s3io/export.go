package s3io

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ctlake/ctlake/orcstore"
)

// Exporting a store to S3 for Athena, Trino or Spark. The ORC files go
// under PREFIX/eventdate=YYYY-MM-DD/ (the Hive layout), keeping their
// unique names; files already there with the same size and MD5 are
// skipped. Uploading is not visible to the tables `store export` prints:
// they read symlink manifests (export_manifest.go), one per partition,
// PREFIX/_symlink_format_manifest/eventdate=YYYY-MM-DD/manifest, listing
// that day's files of the snapshot. Only after every file is uploaded are
// the manifests of the exported days replaced, each in one PUT, then the
// snapshot marker, PREFIX/_ctlake/snapshot.json (and a copy under
// _ctlake/snapshots/): the exact list of files of one committed store
// snapshot, which `ctlake ingest s3://PREFIX/` reads. Files the snapshot
// no longer holds (merged by compaction, expired) are deleted one export
// later, so that a query planned on the previous manifests still finds its
// files. Folders starting with "_" are ignored by Hive, Athena, Trino and
// Spark when they list a table's folder.

// MarkerKey is the snapshot marker's key under an export prefix.
const MarkerKey = "_ctlake/snapshot.json"

// Snapshot is the marker: the files of one committed store snapshot.
type Snapshot struct {
	Store       string         `json:"store"`
	StoreID     string         `json:"storeId"`
	Version     int64          `json:"manifestVersion"`
	CommittedAt time.Time      `json:"committedAt"`
	ExportedAt  time.Time      `json:"exportedAt"`
	Files       []ExportedFile `json:"files"`
}

// ExportedFile is one ORC file of an exported snapshot.
type ExportedFile struct {
	Key     string    `json:"key"` // relative to the export prefix: eventdate=YYYY-MM-DD/NAME.orc
	Date    string    `json:"eventDate"`
	Rows    int64     `json:"rows"`
	Bytes   int64     `json:"bytes"`
	MD5     string    `json:"md5"`
	MinTime time.Time `json:"minEventTime"`
	MaxTime time.Time `json:"maxEventTime"`
}

// ExportOptions narrow and tune an export.
type ExportOptions struct {
	Since, Until string // eventdate range (YYYY-MM-DD), inclusive; empty: open
	PartSize     int64  // multipart part size (default 16 MiB; files up to it go in one PUT)
	Parallel     int    // files uploaded at once (default 4)
	Progress     func(done, total int, bytes int64)
}

// ExportResult is what an export did.
type ExportResult struct {
	Files, Uploaded, Skipped, Deleted int
	BytesUploaded                     int64
	Marker                            string // s3:// URL of the snapshot marker
}

const md5Meta = "ctlake-md5" // user metadata: the file's MD5, for servers whose ETag is not one

// Export uploads the files of m (a committed snapshot of store) dated in
// the range to prefix (a folder: "" or ending in "/").
func Export(ctx context.Context, c *Client, prefix string, store *orcstore.Store, m *orcstore.Manifest, opts ExportOptions) (ExportResult, error) {
	if opts.PartSize <= 0 {
		opts.PartSize = 16 << 20
	}
	if opts.Parallel <= 0 {
		opts.Parallel = 4
	}
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	inRange := func(date string) bool {
		return (opts.Since == "" || date >= opts.Since) && (opts.Until == "" || date <= opts.Until)
	}
	var res ExportResult
	existing := map[string]Object{}
	if _, err := c.List(ctx, prefix, "", func(o Object) { existing[o.Key] = o }); err != nil {
		return res, err
	}
	snap := Snapshot{Store: store.Info.Name, StoreID: store.Info.ID, Version: m.Version, CommittedAt: m.CommittedAt}
	// Files of dates outside the range stay as the previous export left them.
	var prevFiles []ExportedFile
	if prev, err := c.readMarker(ctx, prefix); err != nil {
		return res, err
	} else if prev != nil {
		prevFiles = prev.Files
		for _, f := range prev.Files {
			if !inRange(f.Date) {
				snap.Files = append(snap.Files, f)
			}
		}
	}
	var todo []orcstore.FileEntry
	for _, f := range m.Files {
		if inRange(f.Date) {
			todo = append(todo, f)
		}
	}
	res.Files = len(todo)
	up := manager.NewUploader(c.S3, func(u *manager.Uploader) { u.PartSize = opts.PartSize; u.Concurrency = 2 })
	files := make([]ExportedFile, len(todo))
	var (
		mu    sync.Mutex
		first error
		done  int
	)
	sem := make(chan struct{}, opts.Parallel)
	var wg sync.WaitGroup
	for i, fe := range todo {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			rel := "eventdate=" + fe.Date + "/" + path.Base(fe.Path)
			ef := ExportedFile{Key: rel, Date: fe.Date, Rows: fe.Rows, MinTime: fe.MinTime, MaxTime: fe.MaxTime}
			local, err := store.ListedPath(fe.Path) // no link out of the store
			uploaded := false
			if err == nil {
				uploaded, err = c.exportFile(ctx, up, prefix+rel, local, &ef, existing[prefix+rel], opts.PartSize)
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if first == nil {
					first = err
				}
				return
			}
			files[i] = ef
			done++
			if uploaded {
				res.Uploaded++
				res.BytesUploaded += ef.Bytes
			} else {
				res.Skipped++
			}
			if opts.Progress != nil {
				opts.Progress(done, len(todo), res.BytesUploaded)
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return res, first
	}
	snap.Files = append(snap.Files, files...)
	sort.Slice(snap.Files, func(i, j int) bool {
		a, b := snap.Files[i], snap.Files[j]
		return a.Date < b.Date || a.Date == b.Date && a.Key < b.Key
	})
	snap.ExportedAt = time.Now().UTC()
	body, err := json.MarshalIndent(snap, "", "  ")
	if err != nil {
		return res, err
	}
	// The history copy first, then the manifests the tables read (one
	// PUT each: a partition switches from the old snapshot to the new one
	// at once), the marker ctlake reads last.
	hist := fmt.Sprintf("%s_ctlake/snapshots/v%012d.json", prefix, snap.Version)
	if err := c.put(ctx, hist, body, "application/json"); err != nil {
		return res, err
	}
	if err := c.writeManifests(ctx, prefix, snap.Files, existing, inRange); err != nil {
		return res, err
	}
	if err := c.put(ctx, prefix+MarkerKey, body, "application/json"); err != nil {
		return res, err
	}
	res.Marker = URL(c.Bucket, prefix+MarkerKey)
	// Stale files of the exported dates: in neither this snapshot nor the
	// previous one (which queries planned before the manifests changed may
	// still be reading).
	keep := map[string]bool{}
	for _, f := range snap.Files {
		keep[prefix+f.Key] = true
	}
	for _, f := range prevFiles {
		keep[prefix+f.Key] = true
	}
	for key := range existing {
		rel := strings.TrimPrefix(key, prefix)
		date, ok := partitionDate(rel)
		if !ok || keep[key] || !inRange(date) || !strings.HasSuffix(key, ".orc") {
			continue
		}
		if _, err := c.S3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(c.Bucket), Key: aws.String(key)}); err != nil {
			return res, c.wrap(ctx, "delete", key, err)
		}
		res.Deleted++
	}
	return res, nil
}

// partitionDate reads YYYY-MM-DD out of "eventdate=YYYY-MM-DD/NAME".
func partitionDate(rel string) (string, bool) {
	dir, _, ok := strings.Cut(rel, "/")
	date, isPart := strings.CutPrefix(dir, "eventdate=")
	return date, ok && isPart && len(date) == len("2006-01-02")
}

// exportFile uploads the file at local to key unless the same bytes are
// there (old, from the listing of the prefix; zero if none), and sets ef's
// size and MD5.
func (c *Client) exportFile(ctx context.Context, up *manager.Uploader, key, local string, ef *ExportedFile, old Object, partSize int64) (bool, error) {
	sum, etag, size, err := fileDigests(local, partSize)
	if err != nil {
		return false, err
	}
	ef.Bytes, ef.MD5 = size, sum
	if old.Key != "" && old.Size == size {
		// S3's ETag of a single PUT is the MD5; of a multipart upload, the
		// MD5 of the parts' MD5s and the part count (etag, for the part
		// size we upload with). Some S3-compatible stores give the whole
		// MD5 either way (sum).
		if old.ETag == etag || old.ETag == sum {
			return false, nil
		}
		// SSE-KMS and some S3-compatible stores do not use MD5 ETags: the
		// MD5 we stored in the object's metadata decides.
		if _, meta, err := c.Head(ctx, key); err == nil && meta[md5Meta] == sum {
			return false, nil
		}
	}
	f, err := os.Open(local)
	if err != nil {
		return false, err
	}
	defer f.Close()
	c.Stats.Puts.Add(1)
	_, err = up.Upload(ctx, &s3.PutObjectInput{
		Bucket:      aws.String(c.Bucket),
		Key:         aws.String(key),
		Body:        f,
		ContentType: aws.String("application/octet-stream"),
		Metadata:    map[string]string{md5Meta: sum},
	})
	if err != nil {
		return false, c.wrap(ctx, "upload", key, err)
	}
	return true, nil
}

// fileDigests returns a file's MD5 and the ETag S3 gives it when uploaded
// in parts of partSize (the MD5 itself for a single PUT; otherwise the MD5
// of the parts' MD5s, "-" and the part count).
func fileDigests(p string, partSize int64) (sum, etag string, size int64, err error) {
	f, err := os.Open(p)
	if err != nil {
		return "", "", 0, err
	}
	defer f.Close()
	whole := md5.New()
	var parts []byte
	n := 0
	for {
		part := md5.New()
		k, err := io.Copy(io.MultiWriter(whole, part), io.LimitReader(f, partSize))
		if err != nil {
			return "", "", 0, err
		}
		if k == 0 && n > 0 {
			break
		}
		size += k
		parts = part.Sum(parts)
		n++
		if k < partSize {
			break
		}
	}
	sum = hex.EncodeToString(whole.Sum(nil))
	if size <= partSize {
		return sum, sum, size, nil
	}
	all := md5.Sum(parts)
	return sum, fmt.Sprintf("%s-%d", hex.EncodeToString(all[:]), n), size, nil
}

func (c *Client) put(ctx context.Context, key string, body []byte, contentType string) error {
	c.Stats.Puts.Add(1)
	_, err := c.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(c.Bucket), Key: aws.String(key),
		Body: bytes.NewReader(body), ContentType: aws.String(contentType)})
	return c.wrap(ctx, "upload", key, err)
}

// ReadSnapshot reads the snapshot marker of an export prefix; nil if there
// is none.
func (c *Client) ReadSnapshot(ctx context.Context, prefix string) (*Snapshot, error) {
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return c.readMarker(ctx, prefix)
}

func (c *Client) readMarker(ctx context.Context, prefix string) (*Snapshot, error) {
	b, err := c.ReadAll(ctx, prefix+MarkerKey, "", -1)
	var e *Error
	if err != nil && asError(err, &e) && e.Kind == KindNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var s Snapshot
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", URL(c.Bucket, prefix+MarkerKey), err)
	}
	return &s, nil
}
