package console

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"sort"
	"strings"
	"sync"
)

// The page is plain ES modules and hand-written CSS under web/, embedded
// as they are: no build step, so `go install` needs nothing but Go, and
// what the browser runs is what the repository holds.
//
//go:embed web
var webFS embed.FS

// asset is one embedded file as served: its bytes, gzipped when that
// saves, and an ETag so that a reload costs a 304.
type asset struct {
	body, gz    []byte
	etag, ctype string
}

// assets are the embedded files by path under web/, prepared once. The
// index gains a modulepreload link per module: the browser then fetches
// every module at once instead of discovering them import by import (four
// round trips deep), the largest share of the first load.
var assets = sync.OnceValue(func() map[string]*asset {
	m := map[string]*asset{}
	var modules []string
	fs.WalkDir(webFS, "web", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := webFS.ReadFile(p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, "web/")
		if path.Ext(rel) == ".js" && rel != "js/app.js" {
			modules = append(modules, rel)
		}
		m[rel] = &asset{body: b}
		return nil
	})
	if idx := m["index.html"]; idx != nil {
		sort.Strings(modules)
		var links strings.Builder
		for _, p := range modules {
			links.WriteString(`<link rel="modulepreload" href="/static/` + p + `">` + "\n")
		}
		idx.body = bytes.Replace(idx.body, []byte("</head>"), []byte(links.String()+"</head>"), 1)
	}
	for p, a := range m {
		sum := sha256.Sum256(a.body)
		a.etag = `"` + hex.EncodeToString(sum[:12]) + `"`
		a.ctype = mime.TypeByExtension(path.Ext(p))
		switch path.Ext(p) {
		case ".js":
			a.ctype = "text/javascript; charset=utf-8"
		case ".html":
			a.ctype = "text/html; charset=utf-8"
		}
		if a.ctype == "" {
			a.ctype = "application/octet-stream"
		}
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		zw.Write(a.body)
		zw.Close()
		if gz.Len() < len(a.body)*9/10 {
			a.gz = gz.Bytes()
		}
	}
	return m
})

// serve writes an asset: 304 when the browser holds this version, gzipped
// when the browser takes it.
func (a *asset) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("ETag", a.etag)
	h.Set("Vary", "Accept-Encoding")
	if inm := r.Header.Get("If-None-Match"); inm != "" && strings.Contains(inm, a.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := a.body
	if a.gz != nil && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = a.gz
	}
	w.Write(body)
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) == "gzip" && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

func (c *Console) serveIndex(w http.ResponseWriter, r *http.Request) {
	a := assets()["index.html"]
	if a == nil {
		http.Error(w, "the console's page is missing from the binary", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	a.serve(w, r)
}

// serveStatic serves web/<path> for /static/<path>. Files change with the
// binary, so the browser revalidates them (no long caching; the ETag makes
// that a 304).
func (c *Console) serveStatic(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimPrefix(r.URL.Path, "/static/")
	a := assets()[p]
	if p == "" || strings.Contains(p, "..") || strings.HasSuffix(p, "/") || p == "index.html" || a == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	a.serve(w, r)
}

// fsWalk calls fn with every embedded file's path and text (tests).
func fsWalk(fn func(path, text string)) error {
	return fs.WalkDir(webFS, "web", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := webFS.ReadFile(p)
		if err != nil {
			return err
		}
		fn(p, string(b))
		return nil
	})
}
