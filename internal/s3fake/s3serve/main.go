// Command s3serve serves a folder as an S3 bucket on a loopback port, for
// benchmarks of `ctlake ingest s3://...` (scripts/bench-s3.sh): gofakes3
// over its in-memory backend, the folder's files uploaded as objects
// (keys: their paths under the folder). It prints the endpoint URL once
// ready and serves until killed. It is independent of ctlake's code.
//
// The server shares the benchmark's cores with the client it measures,
// while real S3 costs the client's host nothing; gofakes3 spends ~0.17 ms
// of CPU on each GET (routing, its backend's skiplist and locks, header
// recomputation), which on two cores is a tenth of a 1M-event ingest's
// time. So plain GETs of a whole object (no query, no Range) are answered
// straight from memory with headers computed once at load — the same
// bytes, ETag and Last-Modified gofakes3 would send — and everything else
// (LIST, HEAD, ranges, writes) goes to gofakes3. --gofakes3-gets turns
// that off.
package main

import (
	"bytes"
	"encoding/hex"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"syscall"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

func main() {
	dir := flag.String("dir", "", "folder to serve (required)")
	bucket := flag.String("bucket", "bench", "bucket name")
	prefix := flag.String("prefix", "", "key prefix of the uploaded files")
	addr := flag.String("addr", "127.0.0.1:0", "listen address (loopback)")
	slowGets := flag.Bool("gofakes3-gets", false, "answer object GETs through gofakes3 too, not from the preloaded objects")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the serving (not the loading) to this file, flushed on SIGINT/SIGTERM")
	flag.Parse()
	if *dir == "" {
		log.Fatal("s3serve: --dir is required")
	}
	be := s3mem.New()
	if err := be.CreateBucket(*bucket); err != nil {
		log.Fatal(err)
	}
	var n, size int64
	objects := map[string]*object{}
	err := filepath.WalkDir(*dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(*dir, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		key := *prefix + filepath.ToSlash(rel)
		if _, err := be.PutObject(*bucket, key, map[string]string{}, bytes.NewReader(b), int64(len(b)), nil); err != nil {
			return err
		}
		o, err := be.HeadObject(*bucket, key)
		if err != nil {
			return err
		}
		objects["/"+*bucket+"/"+key] = newObject(o, b)
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
	if *cpuprofile != "" {
		stop, err := profile(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		go func() {
			<-sig
			stop()
			os.Exit(0)
		}()
	}
	faker := gofakes3.New(be, gofakes3.WithLogger(gofakes3.DiscardLog()))
	h := faker.Server()
	if !*slowGets {
		h = directGets(objects, h)
	}
	log.Fatal(http.Serve(ln, h))
}

// profile starts a CPU profile into path; the function returned flushes it.
func profile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// object is a preloaded object and the headers of a GET of it.
type object struct {
	data   []byte
	header http.Header
}

func newObject(o *gofakes3.Object, data []byte) *object {
	h := http.Header{}
	for k, v := range o.Metadata {
		h.Set(k, v)
	}
	h.Set("ETag", `"`+hex.EncodeToString(o.Hash)+`"`)
	h.Set("Accept-Ranges", "bytes")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	return &object{data: data, header: h}
}

// directGets answers whole-object GETs of path-style URLs from objects
// (If-Match honoured, which gofakes3 ignores), the rest through next.
func directGets(objects map[string]*object, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o := objects[r.URL.Path]
		if o == nil || r.Method != http.MethodGet || r.URL.RawQuery != "" || r.Header.Get("Range") != "" {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		for k, v := range o.header {
			h[k] = v
		}
		if m := r.Header.Get("If-Match"); m != "" && m != "*" && m != o.header.Get("ETag") {
			h.Del("Content-Length")
			http.Error(w, "PreconditionFailed", http.StatusPreconditionFailed)
			return
		}
		w.Write(o.data)
	})
}
