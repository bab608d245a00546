package lakeapi

import (
	"encoding/base64"
	"sort"
	"strings"
)

// List operations page with an opaque NextToken that names the last item
// returned and the operation it belongs to; the next page starts after that
// item in the list's order, so items added or removed between calls shift
// nothing already seen.

const listTokenPrefix = "ctl1|"

func listToken(op, lastKey string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(listTokenPrefix + op + "|" + lastKey))
}

// pageOf returns the page of items (sorted by key) that follows token, at
// most max long (0: no limit), and the token of the next page ("" at the end).
func pageOf[T any](op string, items []T, key func(T) string, token string, max int) ([]T, string, error) {
	sort.SliceStable(items, func(i, j int) bool { return key(items[i]) < key(items[j]) })
	start := 0
	if token != "" {
		b, err := base64.RawURLEncoding.DecodeString(token)
		rest, ok := strings.CutPrefix(string(b), listTokenPrefix+op+"|")
		if err != nil || !ok {
			return nil, "", errorf("InvalidNextTokenException", "NextToken %q was not issued by %s", cut(token, 40), op)
		}
		start = sort.Search(len(items), func(i int) bool { return key(items[i]) > rest })
	}
	end := len(items)
	if max > 0 && start+max < end {
		end = start + max
	}
	page := items[start:end]
	next := ""
	if end < len(items) && len(page) > 0 {
		next = listToken(op, key(page[len(page)-1]))
	}
	return page, next, nil
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
