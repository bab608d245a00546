package s3fake

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Fault is what the proxy does to one request.
type Fault int

const (
	Pass     Fault = iota // forward it
	Err500                // answer 500 InternalError
	SlowDown              // answer 503 SlowDown
	Reset                 // close the connection without answering
	Truncate              // forward, but cut the body at half its length and close
	Slow                  // wait Proxy.Delay, then forward
	Expired               // answer 400 ExpiredToken, as S3 does for an expired session token
	Denied                // answer 403 AccessDenied
)

func (f Fault) String() string {
	return [...]string{"pass", "500", "SlowDown", "reset", "truncate", "slow", "expired", "denied"}[f]
}

// Proxy is a fault-injecting HTTP proxy in front of a server.
type Proxy struct {
	URL   string
	Delay time.Duration // for Slow
	// Decide picks the fault for a request; n counts the requests for the
	// same method and path so far (0 for the first).
	Decide func(r *http.Request, n int) Fault

	mu       sync.Mutex
	seen     map[string]int
	injected map[Fault]int
	srv      *httptest.Server
	rp       *httputil.ReverseProxy
}

// StartProxy starts a proxy to target on 127.0.0.1.
func StartProxy(tb testing.TB, target string, decide func(r *http.Request, n int) Fault) *Proxy {
	tb.Helper()
	u, err := url.Parse(target)
	if err != nil {
		tb.Fatal(err)
	}
	p := &Proxy{Decide: decide, Delay: 300 * time.Millisecond, seen: map[string]int{}, injected: map[Fault]int{}}
	p.rp = httputil.NewSingleHostReverseProxy(u)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	p.srv = &httptest.Server{Listener: ln, Config: &http.Server{Handler: p}}
	p.srv.Start()
	p.URL = p.srv.URL
	tb.Cleanup(func() {
		p.srv.CloseClientConnections()
		p.srv.Close()
	})
	return p
}

// Injected is how many requests got each fault.
func (p *Proxy) Injected() map[Fault]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[Fault]int{}
	for k, v := range p.injected {
		out[k] = v
	}
	return out
}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.Method + " " + r.URL.Path
	p.mu.Lock()
	n := p.seen[id]
	p.seen[id] = n + 1
	p.mu.Unlock()
	f := Pass
	if p.Decide != nil {
		f = p.Decide(r, n)
	}
	p.mu.Lock()
	p.injected[f]++
	p.mu.Unlock()
	switch f {
	case Err500:
		writeError(w, http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
	case SlowDown:
		writeError(w, http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.")
	case Expired:
		writeError(w, http.StatusBadRequest, "ExpiredToken", "The provided token has expired.")
	case Denied:
		writeError(w, http.StatusForbidden, "AccessDenied", "Access Denied")
	case Reset:
		hijackClose(w)
	case Truncate:
		p.truncate(w, r)
	case Slow:
		time.Sleep(p.Delay)
		p.rp.ServeHTTP(w, r)
	default:
		p.rp.ServeHTTP(w, r)
	}
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message><RequestId>fault</RequestId></Error>`, code, msg)
}

func hijackClose(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			if tc, ok := c.(*net.TCPConn); ok {
				tc.SetLinger(0) // a reset, not a clean close
			}
			c.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// truncate forwards the request, sends the response's headers with its
// full Content-Length, half the body, and closes the connection.
func (p *Proxy) truncate(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	p.rp.ServeHTTP(rec, r)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	c, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	defer c.Close()
	bw := bufio.NewWriter(buf)
	fmt.Fprintf(bw, "HTTP/1.1 %d %s\r\n", res.StatusCode, http.StatusText(res.StatusCode))
	res.Header.Set("Content-Length", strconv.Itoa(len(body)))
	res.Header.Write(bw)
	bw.WriteString("\r\n")
	bw.Write(body[:len(body)/2])
	bw.Flush()
	buf.Flush()
}
