// Package s3fake runs a real S3 protocol server in-process for tests:
// gofakes3 over an in-memory backend, behind an httptest server bound to
// 127.0.0.1, with every request recorded (operation, key, the access key
// ID the client signed with) and an optional fault-injecting proxy in
// front. The AWS SDK talks HTTP with SigV4 to it like to S3; gofakes3 does
// not check signatures, so tests assert the signing identity from the
// recorded Authorization headers instead.
package s3fake

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// Request is one request the server answered.
type Request struct {
	Method    string
	Op        string // LIST, GET, HEAD, PUT, POST, DELETE, BUCKET (HEAD/GET of a bucket)
	Bucket    string
	Key       string // object key, or the LIST prefix
	Range     string
	AccessKey string // from the SigV4 Authorization header ("" if unsigned)
}

// Server is an in-process S3.
type Server struct {
	URL     string
	Backend *s3mem.Backend

	mu   sync.Mutex
	reqs []Request
	srv  *httptest.Server
}

var credRe = regexp.MustCompile(`Credential=([^/]+)/`)

// Start starts a server on 127.0.0.1; it stops when the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{Backend: s3mem.New()}
	faker := gofakes3.New(s.Backend, gofakes3.WithLogger(gofakes3.DiscardLog()))
	h := faker.Server()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s.srv = &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.record(r)
		h.ServeHTTP(w, r)
	})}}
	s.srv.Start()
	s.URL = s.srv.URL
	tb.Cleanup(s.Close)
	return s
}

// Close stops the server.
func (s *Server) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

func (s *Server) record(r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	bucket, key, _ := strings.Cut(path, "/")
	q := r.URL.Query()
	op := r.Method
	switch {
	case key == "" && r.Method == http.MethodGet && (q.Has("list-type") || q.Has("prefix") || q.Has("delimiter")):
		op, key = "LIST", q.Get("prefix")
	case key == "" && bucket != "":
		op = "BUCKET"
	}
	req := Request{Method: r.Method, Op: op, Bucket: bucket, Key: key, Range: r.Header.Get("Range")}
	if m := credRe.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		req.AccessKey = m[1]
	}
	s.mu.Lock()
	s.reqs = append(s.reqs, req)
	s.mu.Unlock()
}

// Requests returns the requests so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// Reset forgets the recorded requests.
func (s *Server) Reset() {
	s.mu.Lock()
	s.reqs = nil
	s.mu.Unlock()
}

// Count is the number of recorded requests of op.
func (s *Server) Count(op string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Op == op {
			n++
		}
	}
	return n
}

// GetsByKey counts GET requests per object key.
func (s *Server) GetsByKey() map[string]int {
	m := map[string]int{}
	for _, r := range s.Requests() {
		if r.Op == "GET" {
			m[r.Key]++
		}
	}
	return m
}

// CreateBucket creates a bucket.
func (s *Server) CreateBucket(tb testing.TB, name string) {
	tb.Helper()
	if err := s.Backend.CreateBucket(name); err != nil {
		tb.Fatal(err)
	}
}

// Put stores an object directly in the backend (no HTTP request).
func (s *Server) Put(tb testing.TB, bucket, key string, data []byte) {
	tb.Helper()
	if _, err := s.Backend.PutObject(bucket, key, map[string]string{}, bytes.NewReader(data), int64(len(data)), nil); err != nil {
		tb.Fatal(err)
	}
}

// Delete removes an object directly in the backend.
func (s *Server) Delete(tb testing.TB, bucket, key string) {
	tb.Helper()
	if _, err := s.Backend.DeleteObject(bucket, key); err != nil {
		tb.Fatal(err)
	}
}

// Keys lists the keys under prefix straight from the backend (no request
// is made or recorded), so that a test can look at the bucket in the
// middle of a client's sequence of requests.
func (s *Server) Keys(tb testing.TB, bucket, prefix string) []string {
	tb.Helper()
	var keys []string
	page := gofakes3.ListBucketPage{}
	for {
		list, err := s.Backend.ListBucket(bucket, &gofakes3.Prefix{HasPrefix: true, Prefix: prefix}, page)
		if err != nil {
			tb.Fatal(err)
		}
		for _, c := range list.Contents {
			keys = append(keys, c.Key)
		}
		if !list.IsTruncated || len(list.Contents) == 0 {
			return keys
		}
		page = gofakes3.ListBucketPage{Marker: list.Contents[len(list.Contents)-1].Key, HasMarker: true}
	}
}

// Object reads an object straight from the backend; ok is false if there
// is none.
func (s *Server) Object(tb testing.TB, bucket, key string) (data []byte, ok bool) {
	tb.Helper()
	o, err := s.Backend.GetObject(bucket, key, nil)
	if err != nil {
		return nil, false
	}
	defer o.Contents.Close()
	data, err = io.ReadAll(o.Contents)
	if err != nil {
		tb.Fatal(err)
	}
	return data, true
}
