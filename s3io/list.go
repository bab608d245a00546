package s3io

import (
	"context"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Object is one listed object.
type Object struct {
	Key          string
	ETag         string // as S3 gives it, quotes removed
	Size         int64
	LastModified time.Time
}

// List lists the objects under prefix, page by page (1,000 keys a call).
// With a delimiter ("/"), keys below the next delimiter are rolled up into
// the returned common prefixes instead: one level of a folder tree. fn,
// if not nil, is called for each object in key order.
func (c *Client) List(ctx context.Context, prefix, delimiter string, fn func(Object)) (prefixes []string, err error) {
	in := &s3.ListObjectsV2Input{Bucket: aws.String(c.Bucket), Prefix: aws.String(prefix)}
	if delimiter != "" {
		in.Delimiter = aws.String(delimiter)
	}
	p := s3.NewListObjectsV2Paginator(c.S3, in)
	for p.HasMorePages() {
		c.Stats.Lists.Add(1)
		out, err := p.NextPage(ctx)
		if err != nil {
			return prefixes, c.wrap(ctx, "list", prefix, err)
		}
		for _, cp := range out.CommonPrefixes {
			prefixes = append(prefixes, aws.ToString(cp.Prefix))
		}
		if fn == nil {
			continue
		}
		for _, o := range out.Contents {
			obj := Object{Key: aws.ToString(o.Key), ETag: TrimETag(aws.ToString(o.ETag)), Size: aws.ToInt64(o.Size)}
			if o.LastModified != nil {
				obj.LastModified = *o.LastModified
			}
			fn(obj)
		}
	}
	return prefixes, nil
}

// Head returns an object's size, ETag and user metadata.
func (c *Client) Head(ctx context.Context, key string) (Object, map[string]string, error) {
	out, err := c.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(c.Bucket), Key: aws.String(key)})
	if err != nil {
		return Object{}, nil, c.wrap(ctx, "read", key, err)
	}
	o := Object{Key: key, ETag: TrimETag(aws.ToString(out.ETag)), Size: aws.ToInt64(out.ContentLength)}
	if out.LastModified != nil {
		o.LastModified = *out.LastModified
	}
	return o, out.Metadata, nil
}

// TrimETag removes the quotes S3 puts around ETags.
func TrimETag(s string) string { return strings.Trim(s, `"`) }
