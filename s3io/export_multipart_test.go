package s3io

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ctlake/ctlake/internal/s3fake"
)

// testClient connects to a fresh in-process S3 with one bucket, "exp".
func testClient(t *testing.T) (*s3fake.Server, *Client) {
	t.Helper()
	s3fake.SetCredentials(t, "AKIDEXPORTTEST", "secret", "us-east-1")
	srv := s3fake.Start(t)
	srv.CreateBucket(t, "exp")
	c, err := Connect(context.Background(), "exp", Options{Endpoint: srv.URL, PathStyle: true, MaxBackoff: 20 * time.Millisecond, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

// TestExportFileMultipart drives the multipart path of an export: a file of
// two and a bit parts is uploaded in three parts; the ETag fileDigests
// predicts is the one the server's CompleteMultipartUpload returns (gofakes3
// computes it as S3 does: the MD5 of the parts' MD5s, "-", the count); and
// a later export skips the object when the listing shows that ETag, the
// whole-file MD5, or an opaque ETag with our MD5 in the metadata, and
// uploads it again when its size or its bytes changed.
func TestExportFileMultipart(t *testing.T) {
	srv, c := testClient(t)
	ctx := context.Background()
	const part = manager.MinUploadPartSize
	data := make([]byte, 2*part+part/3)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	local := filepath.Join(t.TempDir(), "big.orc")
	if err := os.WriteFile(local, data, 0o644); err != nil {
		t.Fatal(err)
	}
	sum, etag, size, err := fileDigests(local, part)
	if err != nil {
		t.Fatal(err)
	}
	if size != int64(len(data)) || !strings.HasSuffix(etag, "-3") || etag == sum {
		t.Fatalf("fileDigests: size %d, ETag %q, MD5 %q", size, etag, sum)
	}
	up := manager.NewUploader(c.S3, func(u *manager.Uploader) { u.PartSize = part; u.Concurrency = 2 })

	// The oracle for the predicted ETag: what the server answers to the
	// completion of a multipart upload of the same bytes.
	out, err := up.Upload(ctx, &s3.PutObjectInput{Bucket: aws.String("exp"), Key: aws.String("oracle"), Body: bytes.NewReader(data)})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Trim(aws.ToString(out.ETag), `"`); got != etag {
		t.Fatalf("server's multipart ETag %q, fileDigests predicted %q", got, etag)
	}

	const key = "t/eventdate=2026-01-02/big.orc"
	export := func(old Object) bool {
		t.Helper()
		var ef ExportedFile
		uploaded, err := c.exportFile(ctx, up, key, local, &ef, old, part)
		if err != nil {
			t.Fatal(err)
		}
		if ef.Bytes != size || ef.MD5 != sum {
			t.Errorf("exported file: %d bytes, MD5 %s; want %d, %s", ef.Bytes, ef.MD5, size, sum)
		}
		return uploaded
	}

	srv.Reset()
	if !export(Object{}) {
		t.Fatal("a file not in the bucket was not uploaded")
	}
	// CreateMultipartUpload and CompleteMultipartUpload are POSTs, each
	// part a PUT.
	if puts, posts := srv.Count("PUT"), srv.Count("POST"); puts != 3 || posts != 2 {
		t.Errorf("upload of %d bytes in parts of %d: %d PUTs and %d POSTs, want 3 and 2", size, part, puts, posts)
	}
	got, err := c.ReadAll(ctx, key, "", -1)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("the uploaded object: %d bytes (%v), want the file's %d", len(got), err, len(data))
	}
	o, meta, err := c.Head(ctx, key)
	if err != nil || meta[md5Meta] != sum || o.Size != size {
		t.Fatalf("HEAD: %+v %v %v", o, meta, err)
	}

	for _, tc := range []struct {
		name       string
		etag       string
		size       int64
		wantUpload bool
		wantHeads  int
	}{
		{"S3's multipart ETag", etag, size, false, 0},
		{"the whole file's MD5 (S3-compatible stores)", sum, size, false, 0},
		{"an opaque ETag, our MD5 in the metadata", "0123456789abcdef0123456789abcdef", size, false, 1},
		{"another size", etag, size - 1, true, 0},
	} {
		srv.Reset()
		if up := export(Object{Key: key, ETag: tc.etag, Size: tc.size}); up != tc.wantUpload {
			t.Errorf("%s: uploaded %v, want %v", tc.name, up, tc.wantUpload)
		}
		if heads := srv.Count("HEAD"); heads != tc.wantHeads {
			t.Errorf("%s: %d HEADs, want %d", tc.name, heads, tc.wantHeads)
		}
		if puts := srv.Count("PUT"); (puts > 0) != tc.wantUpload {
			t.Errorf("%s: %d PUTs", tc.name, puts)
		}
	}

	// The file changes (same size): neither the old MD5 in the metadata
	// nor the old ETag match, so it goes up again.
	data[part+7] ^= 0xff
	if err := os.WriteFile(local, data, 0o644); err != nil {
		t.Fatal(err)
	}
	oldETag := etag
	if sum, etag, size, err = fileDigests(local, part); err != nil {
		t.Fatal(err)
	}
	srv.Reset()
	if !export(Object{Key: key, ETag: oldETag, Size: size}) {
		t.Error("a changed file with the old multipart ETag in the bucket (and the old MD5 in its metadata) was skipped")
	}
	if srv.Count("HEAD") != 1 || srv.Count("PUT") != 3 {
		t.Errorf("changed file: %d HEADs and %d PUTs, want 1 and 3", srv.Count("HEAD"), srv.Count("PUT"))
	}
	// Now the metadata holds the new MD5: an opaque ETag is enough.
	if export(Object{Key: key, ETag: "opaque", Size: size}) {
		t.Error("the re-uploaded file was uploaded once more")
	}
	if got, err := c.ReadAll(ctx, key, "", -1); err != nil || !bytes.Equal(got, data) {
		t.Errorf("the object after the change differs from the file (%v)", err)
	}
}

// TestFileDigestsBoundaries: a file of exactly one part goes up in a single
// PUT (the manager's rule), so its ETag is its MD5; one byte more makes two
// parts; an empty file is one empty PUT.
func TestFileDigestsBoundaries(t *testing.T) {
	const part = 1 << 10
	dir := t.TempDir()
	for _, tc := range []struct {
		size  int
		parts string
	}{{0, ""}, {1, ""}, {part, ""}, {part + 1, "-2"}, {2 * part, "-2"}, {2*part + 1, "-3"}} {
		p := filepath.Join(dir, "f")
		if err := os.WriteFile(p, bytes.Repeat([]byte{'x'}, tc.size), 0o644); err != nil {
			t.Fatal(err)
		}
		sum, etag, size, err := fileDigests(p, part)
		if err != nil || size != int64(tc.size) {
			t.Fatalf("%d bytes: size %d, %v", tc.size, size, err)
		}
		if tc.parts == "" && etag != sum || tc.parts != "" && !strings.HasSuffix(etag, tc.parts) {
			t.Errorf("%d bytes in parts of %d: ETag %q (MD5 %q), want parts %q", tc.size, part, etag, sum, tc.parts)
		}
	}
}
