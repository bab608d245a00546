// Package console serves ctlake's web console beside the Lake API of
// `ctlake serve`: a single page (plain ES modules and CSS embedded in the
// binary, nothing loaded from elsewhere) to write Lake queries, read their
// results as a grid or a chart, keep saved queries and dashboards, and look
// after stores.
//
// The page talks to the server through two doors, both behind a session:
// the Lake API operations themselves (POST /console/api/lake, answered by
// lakeapi's own handlers, so the console runs, pages and cancels queries
// exactly as the AWS CLI does), and a few JSON endpoints for what Lake's
// API has no operation for (the schema and function list, history across
// stores, rows at any position, exports, saved queries, store details).
//
// Security: a session starts from the token the server prints when it
// starts (as Jupyter does) or from one of the API's access key pairs; the
// session cookie is HttpOnly and SameSite=Strict; every request that
// changes something carries the session's CSRF token in a header; every
// response forbids framing, inline script and loads from other origins
// (Content-Security-Policy), and the page renders data only as text.
package console

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log"
	"net/http"
	"strings"

	"github.com/ctlake/ctlake/lakeapi"
)

// Options configure the console.
type Options struct {
	// Token opens a session (GET /?token=...); empty: a random one, see
	// Console.Token.
	Token string
	// AllowedHosts are the Host header values the console answers (the
	// listener's address and loopback names), refusing others so that a
	// page of another site cannot reach it through DNS rebinding; empty:
	// any host (a server listening beyond loopback).
	AllowedHosts []string
	Log          *log.Logger
}

// Console is the console's HTTP side.
type Console struct {
	srv      *lakeapi.Server
	token    string
	hosts    map[string]bool
	sessions *sessions
	log      *log.Logger
}

// New makes the console of srv.
func New(srv *lakeapi.Server, o Options) (*Console, error) {
	c := &Console{srv: srv, token: o.Token, log: o.Log, sessions: newSessions()}
	if c.token == "" {
		t, err := randomToken(24)
		if err != nil {
			return nil, err
		}
		c.token = t
	}
	if len(c.token) < 16 {
		return nil, fmt.Errorf("console token must be at least 16 characters")
	}
	if len(o.AllowedHosts) > 0 {
		c.hosts = map[string]bool{}
		for _, h := range o.AllowedHosts {
			c.hosts[strings.ToLower(h)] = true
		}
	}
	if c.log == nil {
		c.log = log.New(discard{}, "", 0)
	}
	return c, nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// Token is the token that opens a session.
func (c *Console) Token() string { return c.token }

// LoginURL is the address to open in a browser, with the token.
func (c *Console) LoginURL(base string) string {
	return strings.TrimSuffix(base, "/") + "/?token=" + c.token
}

// Register adds the console's routes to mux (lakeapi.Server.Mux), beside
// the API's POST /.
func (c *Console) Register(mux *http.ServeMux) {
	mux.Handle("GET /{$}", c.page(http.HandlerFunc(c.serveIndex)))
	mux.Handle("GET /static/", c.page(http.HandlerFunc(c.serveStatic)))
	mux.Handle("GET /favicon.ico", c.page(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })))
	mux.Handle("POST /console/login", c.page(http.HandlerFunc(c.login)))
	mux.Handle("POST /console/logout", c.api(c.logout, true))
	c.registerAPI(mux)
}

func randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
