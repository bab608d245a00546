package s3io

import (
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	for _, c := range []struct{ in, bucket, key, err string }{
		{"s3://b", "b", "", ""},
		{"s3://b/", "b", "", ""},
		{"s3://trail/AWSLogs/123/", "trail", "AWSLogs/123/", ""},
		{"s3://b/k.json.gz", "b", "k.json.gz", ""},
		{"s3:///key", "", "", "no bucket"},
		{"http://b/k", "", "", "not an s3://"},
		{"s3://b c/k", "", "", "not a bucket name"},
	} {
		b, k, err := ParseURL(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || b != c.bucket || k != c.key {
			t.Errorf("%q: %q %q %v", c.in, b, k, err)
		}
	}
}

// FuzzParseURL: any text either fails or splits so that URL rebuilds it.
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"s3://b/k", "s3://", "s3://b", "s3:///x", "s3://a/b/c/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, k, err := ParseURL(s)
		if err != nil {
			return
		}
		if b == "" || strings.Contains(b, "/") {
			t.Fatalf("%q: bucket %q", s, b)
		}
		if got := URL(b, k); got != s && got != s+"/" {
			t.Fatalf("%q -> %q %q -> %q", s, b, k, got)
		}
	})
}
