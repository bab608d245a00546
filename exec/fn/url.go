package fn

import (
	"net/url"
	"strings"

	"github.com/ctlake/ctlake/planner"
)

// URL functions (Trino's url_extract_*), over RFC 3986 parsing. Like Trino,
// a string that does not parse as a URL gives NULL, and parts that are
// absent give NULL (port) or '' (path).

func parseURL(s string) (*url.URL, bool) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, false
	}
	return u, true
}

func (c *Catalog) addURL() {
	part := func(name string, f func(u *url.URL) (string, bool)) {
		c.fixed(name, ts(tV), tV, rowKernel(ts(tV), tV, false, func(a []planner.Value) (planner.Value, error) {
			u, ok := parseURL(a[0].Str)
			if !ok {
				return vnull, nil
			}
			s, ok := f(u)
			if !ok {
				return vnull, nil
			}
			return v(s), nil
		}))
	}
	part("url_extract_protocol", func(u *url.URL) (string, bool) { return u.Scheme, u.Scheme != "" })
	part("url_extract_host", func(u *url.URL) (string, bool) { return u.Hostname(), u.Host != "" })
	part("url_extract_path", func(u *url.URL) (string, bool) { return u.EscapedPath(), true })
	part("url_extract_query", func(u *url.URL) (string, bool) { return u.RawQuery, u.RawQuery != "" || u.ForceQuery })
	part("url_extract_fragment", func(u *url.URL) (string, bool) { return u.EscapedFragment(), u.Fragment != "" })
	c.fixed("url_extract_port", ts(tV), tI, rowKernel(ts(tV), tI, false, func(a []planner.Value) (planner.Value, error) {
		u, ok := parseURL(a[0].Str)
		if !ok || u.Port() == "" {
			return vnull, nil
		}
		p, err := parseBigint(u.Port())
		if err != nil {
			return vnull, nil
		}
		return vi(p), nil
	}))
	c.fixed("url_extract_parameter", ts(tV, tV), tV, rowKernel(ts(tV, tV), tV, false, func(a []planner.Value) (planner.Value, error) {
		u, ok := parseURL(a[0].Str)
		if !ok {
			return vnull, nil
		}
		for _, kv := range strings.Split(u.RawQuery, "&") {
			k, val, _ := strings.Cut(kv, "=")
			if k == a[1].Str {
				return v(val), nil
			}
		}
		return vnull, nil
	}))
	c.fixed("url_encode", ts(tV), tV, rowKernel(ts(tV), tV, false, func(a []planner.Value) (planner.Value, error) {
		return v(url.QueryEscape(a[0].Str)), nil
	}))
	c.fixed("url_decode", ts(tV), tV, rowKernel(ts(tV), tV, false, func(a []planner.Value) (planner.Value, error) {
		s, err := url.QueryUnescape(a[0].Str)
		if err != nil {
			return vnull, err
		}
		return v(s), nil
	}))
}
