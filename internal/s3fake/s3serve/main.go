// Command s3serve serves a folder as an S3 bucket on a loopback port, for
// benchmarks of `ctlake ingest s3://...` (scripts/s3bench.sh): gofakes3
// over its in-memory backend, the folder's files uploaded as objects
// (keys: their paths under the folder). It prints the endpoint URL once
// ready and serves until killed. It is independent of ctlake's code.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

func main() {
	dir := flag.String("dir", "", "folder to serve (required)")
	bucket := flag.String("bucket", "bench", "bucket name")
	prefix := flag.String("prefix", "", "key prefix of the uploaded files")
	addr := flag.String("addr", "127.0.0.1:0", "listen address (loopback)")
	flag.Parse()
	if *dir == "" {
		log.Fatal("s3serve: --dir is required")
	}
	be := s3mem.New()
	if err := be.CreateBucket(*bucket); err != nil {
		log.Fatal(err)
	}
	var n, size int64
	err := filepath.WalkDir(*dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(*dir, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if _, err := be.PutObject(*bucket, *prefix+filepath.ToSlash(rel), map[string]string{}, bytes.NewReader(b), int64(len(b)), nil); err != nil {
			return err
		}
		n++
		size += int64(len(b))
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "s3serve: %d objects, %d bytes in s3://%s/%s\n", n, size, *bucket, *prefix)
	fmt.Printf("http://%s\n", ln.Addr())
	faker := gofakes3.New(be, gofakes3.WithLogger(gofakes3.DiscardLog()))
	log.Fatal(http.Serve(ln, faker.Server()))
}
