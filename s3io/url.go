package s3io

import (
	"fmt"
	"strings"
)

// IsURL reports whether s names an S3 location (s3://bucket[/key]).
func IsURL(s string) bool { return strings.HasPrefix(s, "s3://") }

// ParseURL splits s3://bucket/key into its bucket and key (the key may be
// empty, a prefix ending in "/", or an object's key).
func ParseURL(s string) (bucket, key string, err error) {
	rest, ok := strings.CutPrefix(s, "s3://")
	if !ok {
		return "", "", fmt.Errorf("%q is not an s3:// URL", s)
	}
	bucket, key, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("%q: no bucket name", s)
	}
	if strings.ContainsAny(bucket, " \t\n?#") {
		return "", "", fmt.Errorf("%q: %q is not a bucket name", s, bucket)
	}
	return bucket, key, nil
}

// URL is the s3:// URL of key in bucket.
func URL(bucket, key string) string { return "s3://" + bucket + "/" + key }
