package console

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Sessions live in the server's memory: a restart logs everyone out (the
// new token, or the access key, logs in again). A session ends after
// sessionIdle without a request, or at logout.

const (
	cookieName  = "ctlake_console"
	csrfHeader  = "X-CSRF-Token"
	sessionIdle = 12 * time.Hour
	// maxFailedLogins in a minute, beyond which logins are refused for
	// the rest of the minute (a token or secret is not guessed online).
	maxFailedLogins = 20
)

type session struct {
	id, csrf string
	seen     time.Time
}

type sessions struct {
	mu    sync.Mutex
	all   map[string]*session
	fails []time.Time
}

func newSessions() *sessions { return &sessions{all: map[string]*session{}} }

func (ss *sessions) create() (*session, error) {
	id, err := randomToken(32)
	if err != nil {
		return nil, err
	}
	csrf, err := randomToken(32)
	if err != nil {
		return nil, err
	}
	s := &session{id: id, csrf: csrf, seen: time.Now()}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for k, o := range ss.all {
		if time.Since(o.seen) > sessionIdle {
			delete(ss.all, k)
		}
	}
	ss.all[id] = s
	return s, nil
}

// get returns the request's live session (nil: none).
func (ss *sessions) get(r *http.Request) *session {
	ck, err := r.Cookie(cookieName)
	if err != nil || ck.Value == "" {
		return nil
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s := ss.all[ck.Value]
	if s == nil {
		return nil
	}
	if time.Since(s.seen) > sessionIdle {
		delete(ss.all, s.id)
		return nil
	}
	s.seen = time.Now()
	return s
}

func (ss *sessions) drop(s *session) {
	ss.mu.Lock()
	delete(ss.all, s.id)
	ss.mu.Unlock()
}

// failed records a failed login.
func (ss *sessions) failed() {
	ss.mu.Lock()
	ss.fails = append(ss.fails, time.Now())
	ss.mu.Unlock()
}

// throttled reports whether logins are refused for now (too many failed
// in the last minute).
func (ss *sessions) throttled() bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	cut := time.Now().Add(-time.Minute)
	keep := ss.fails[:0]
	for _, t := range ss.fails {
		if t.After(cut) {
			keep = append(keep, t)
		}
	}
	ss.fails = keep
	return len(keep) >= maxFailedLogins
}

// securityHeaders are on every response of the console: no script but
// the page's own files, nothing loaded from another origin, no framing,
// no type sniffing, no referrer.
func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), usb=()")
}

// hostAllowed checks the Host header against the allowed hosts.
func (c *Console) hostAllowed(r *http.Request) bool {
	if c.hosts == nil {
		return true
	}
	return c.hosts[strings.ToLower(r.Host)]
}

// sameOrigin refuses a request whose Origin (sent by browsers on every
// POST) is another site's.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

// page wraps a handler of the console with the host check and headers.
func (c *Console) page(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		securityHeaders(w.Header())
		if !c.hostAllowed(r) {
			http.Error(w, "this server answers its console on its own address only (Host "+r.Host+" refused)", http.StatusMisdirectedRequest)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// apiHandler is a console endpoint, called with the request's session.
type apiHandler func(w http.ResponseWriter, r *http.Request, s *session)

// api wraps an endpoint: host check, headers, a live session, and for
// requests that change something (mutating, or any method but GET) the
// session's CSRF token in X-CSRF-Token and a same-origin Origin.
func (c *Console) api(h apiHandler, mutating bool) http.Handler {
	return c.page(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		s := c.sessions.get(r)
		if s == nil {
			writeError(w, http.StatusUnauthorized, "Unauthorized", "log in to the console first (open the address ctlake serve printed, with its token)")
			return
		}
		if mutating || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
			if !checkCSRF(r.Header.Get(csrfHeader), s) || !sameOrigin(r) {
				writeError(w, http.StatusForbidden, "InvalidCSRFToken", "the request lacks the session's CSRF token")
				return
			}
		}
		h(w, r, s)
	}))
}

func checkCSRF(got string, s *session) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.csrf)) == 1
}

type loginIn struct {
	Token           string `json:"token"`
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
}

// login starts a session from the server's token or an access key pair.
func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if !sameOrigin(r) {
		writeError(w, http.StatusForbidden, "InvalidOrigin", "logins come from the console's own page")
		return
	}
	if c.sessions.throttled() {
		writeError(w, http.StatusTooManyRequests, "TooManyLogins", "too many failed logins; wait a minute")
		return
	}
	var in loginIn
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 4096))
	if err == nil {
		err = json.Unmarshal(b, &in)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "BadRequest", "want {\"token\": ...} or {\"accessKeyId\": ..., \"secretAccessKey\": ...}")
		return
	}
	ok := false
	switch {
	case in.Token != "":
		ok = subtle.ConstantTimeCompare([]byte(in.Token), []byte(c.token)) == 1
	case in.AccessKeyID != "":
		ok = c.srv.CheckKeyPair(in.AccessKeyID, in.SecretAccessKey)
	}
	if !ok {
		c.sessions.failed()
		c.log.Printf("console: failed login from %s", remoteHost(r))
		writeError(w, http.StatusUnauthorized, "LoginFailed", "wrong token or access key")
		return
	}
	s, err := c.sessions.create()
	if err != nil {
		writeError(w, http.StatusInternalServerError, "InternalFailure", err.Error())
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: s.id, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	writeJSON(w, map[string]string{"csrf": s.csrf})
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request, s *session) {
	c.sessions.drop(s)
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	writeJSON(w, map[string]bool{"ok": true})
}

func remoteHost(r *http.Request) string {
	h, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return h
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// apiError is the console endpoints' error body; Line and Col place a
// query error in the editor.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"col,omitempty"`
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(apiError{Code: code, Message: msg})
}
