package s3io

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/ctlake/ctlake/internal/s3fake"
)

// signingServer is a path-style S3 stand-in that, unlike gofakes3, checks
// every request's SigV4 signature: it signs a copy of the request it
// received (the headers listed as signed, at the request's X-Amz-Date) with
// the secret key and compares. It serves GETs of objects and HEAD of the
// bucket, and can be told to fail the next GETs with a status.
type signingServer struct {
	url    string
	bucket string
	secret string

	mu      sync.Mutex
	objects map[string]string // key -> body
	fail    []int             // statuses for the next GETs
	reqs    []string          // "METHOD escaped-path agent", in order
	badSigs []string
}

func startSigningServer(t *testing.T, bucket, secret string) *signingServer {
	t.Helper()
	s := &signingServer{bucket: bucket, secret: secret, objects: map[string]string{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: s}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	s.url = "http://" + ln.Addr().String()
	return s
}

func (s *signingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	agent := "sdk"
	if r.Header.Get("Amz-Sdk-Invocation-Id") == "" {
		agent = "fast"
	}
	s.reqs = append(s.reqs, r.Method+" "+r.URL.EscapedPath()+" "+agent)
	if err := s.verify(r); err != nil {
		s.badSigs = append(s.badSigs, r.URL.EscapedPath()+": "+err.Error())
		writeS3Error(w, http.StatusForbidden, "SignatureDoesNotMatch")
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/"+s.bucket)
	if !ok {
		writeS3Error(w, http.StatusNotFound, "NoSuchBucket")
		return
	}
	if rest == "" || rest == "/" {
		w.WriteHeader(http.StatusOK) // HEAD bucket
		return
	}
	key := rest[1:]
	if r.Method == http.MethodGet && len(s.fail) > 0 {
		status := s.fail[0]
		s.fail = s.fail[1:]
		code := map[int]string{403: "AccessDenied", 503: "SlowDown"}[status]
		writeS3Error(w, status, code)
		return
	}
	body, ok := s.objects[key]
	if !ok {
		writeS3Error(w, http.StatusNotFound, "NoSuchKey")
		return
	}
	etag := `"` + etagOf(body) + `"`
	if m := r.Header.Get("If-Match"); m != "" && m != etag {
		writeS3Error(w, http.StatusPreconditionFailed, "PreconditionFailed")
		return
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.Write([]byte(body))
}

func etagOf(body string) string { return fmt.Sprintf("%032x", len(body)) }

func writeS3Error(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message></Error>`, code, code)
}

// verify re-signs the request as S3 would check it.
func (s *signingServer) verify(r *http.Request) error {
	auth := r.Header.Get("Authorization")
	rest, ok := strings.CutPrefix(auth, "AWS4-HMAC-SHA256 ")
	if !ok {
		return errors.New("not SigV4: " + auth)
	}
	var cred, signed string
	for _, f := range strings.Split(rest, ", ") {
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "Credential":
			cred = v
		case "SignedHeaders":
			signed = v
		}
	}
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return errors.New("bad credential scope " + cred)
	}
	at, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		return err
	}
	c := r.Clone(context.Background())
	c.URL.Host, c.URL.Scheme = r.Host, "http"
	c.Header = http.Header{}
	for _, h := range strings.Split(signed, ";") {
		if h != "host" {
			c.Header[http.CanonicalHeaderKey(h)] = r.Header.Values(h)
		}
	}
	creds := aws.Credentials{AccessKeyID: parts[0], SecretAccessKey: s.secret}
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err := signer.SignHTTP(context.Background(), creds, c, r.Header.Get("X-Amz-Content-Sha256"), parts[3], parts[2], at); err != nil {
		return err
	}
	if got := c.Header.Get("Authorization"); got != auth {
		return fmt.Errorf("signature mismatch:\n got  %s\n want %s", auth, got)
	}
	return nil
}

func (s *signingServer) take() (reqs, bad []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	reqs, bad = s.reqs, s.badSigs
	s.reqs, s.badSigs = nil, nil
	return reqs, bad
}

// connectTest connects to bucket at url with static credentials from the
// environment (no shared files, no instance metadata), through the SDK's
// GetObject only when sdk is set.
func connectTest(tb testing.TB, url, bucket, accessKey, secret, region string, sdk bool) *Client {
	tb.Helper()
	s3fake.SetCredentials(tb, accessKey, secret, region)
	c, err := Connect(context.Background(), bucket, Options{Endpoint: url, PathStyle: true, SDKGets: sdk,
		MaxBackoff: time.Millisecond, MaxAttempts: 3, Timeout: 5 * time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	if sdk != (c.fast == nil) {
		tb.Fatalf("SDKGets %v, fast path %v", sdk, c.fast != nil)
	}
	return c
}

// TestFastGet: the fast path reads the same bytes as GetObject, with
// signatures a SigV4 check accepts for keys that need escaping, and falls
// back to the SDK — its retries and error classification — on failures.
func TestFastGet(t *testing.T) {
	srv := startSigningServer(t, "logs", "fast-secret")
	keys := []string{
		"AWSLogs/123456789012/CloudTrail/eu-west-3/2026/12/07/123456789012_CloudTrail_eu-west-3_20261207T0000Z_abc.json.gz",
		"odd keys/a b+c=d&e~f!g'h(i)j*k,l;m:n@o$p.json",
		"unicode/été/ß/日本.json",
		"percent/100%.json",
	}
	for i, k := range keys {
		srv.objects[k] = strings.Repeat(fmt.Sprint(i), 100+i)
	}
	ctx := context.Background()
	for _, sdk := range []bool{true, false} {
		c := connectTest(t, srv.url, "logs", "AKIDFASTTEST", "fast-secret", "eu-west-3", sdk)
		srv.take()
		for _, k := range keys {
			body := srv.objects[k]
			got, err := c.ReadAll(ctx, k, etagOf(body), int64(len(body)))
			if err != nil || string(got) != body {
				t.Errorf("sdk %v: %q: %q, %v", sdk, k, got, err)
			}
			part := make([]byte, 10)
			if _, err := c.ReaderAt(ctx, k, etagOf(body)).ReadAt(part, 5); err != nil || string(part) != body[5:15] {
				t.Errorf("sdk %v: %q at 5: %q, %v", sdk, k, part, err)
			}
		}
		reqs, bad := srv.take()
		if len(bad) > 0 {
			t.Errorf("sdk %v: signatures refused: %v", sdk, bad)
		}
		want := map[bool]string{true: "sdk", false: "fast"}[sdk]
		for _, r := range reqs {
			if !strings.HasSuffix(r, " "+want) {
				t.Errorf("sdk %v: request %s", sdk, r)
			}
		}
		if len(reqs) != 2*len(keys) || c.Stats.Gets.Load() != int64(2*len(keys)) || c.Stats.Retries.Load() != 0 {
			t.Errorf("sdk %v: %d requests, %d gets, %d retries: %v", sdk, len(reqs), c.Stats.Gets.Load(), c.Stats.Retries.Load(), reqs)
		}
	}

	c := connectTest(t, srv.url, "logs", "AKIDFASTTEST", "fast-secret", "eu-west-3", false)
	key, body := keys[0], srv.objects[keys[0]]
	// 503 SlowDown twice: the fast try, then the SDK's first attempt; its
	// retry succeeds.
	srv.take()
	srv.fail = []int{503, 503}
	if got, err := c.ReadAll(ctx, key, etagOf(body), int64(len(body))); err != nil || string(got) != body {
		t.Errorf("after SlowDown: %q, %v", got, err)
	}
	if reqs, _ := srv.take(); len(reqs) != 3 || c.Stats.Retries.Load() != 2 {
		t.Errorf("SlowDown: %d retries, requests %v", c.Stats.Retries.Load(), reqs)
	}
	// A changed object: 412 from If-Match, classified by the SDK's error.
	_, err := c.ReadAll(ctx, key, etagOf(body+"x"), int64(len(body)))
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindChanged {
		t.Errorf("changed object: %v", err)
	}
	// Access denied names the key and the identity.
	srv.fail = []int{403, 403}
	_, err = c.ReadAll(ctx, key, etagOf(body), int64(len(body)))
	if !errors.As(err, &e) || e.Kind != KindAccessDenied || !strings.Contains(err.Error(), "AKIDFASTTEST") || !strings.Contains(err.Error(), key) {
		t.Errorf("access denied: %v", err)
	}
	if _, bad := srv.take(); len(bad) > 0 {
		t.Errorf("signatures refused: %v", bad)
	}
}
