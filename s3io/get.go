package s3io

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/encoding/httpbinding"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// The GET fast path. CloudTrail delivers tens of thousands of objects of a
// few KB, so an ingest's GETs cost per request, not per byte. Through the
// SDK's GetObject one costs about 0.17 ms of CPU and 45 KB of garbage in
// its middleware alone (endpoint rules, auth scheme selection, user agent,
// invocation IDs, checksum and metrics bookkeeping, output deserializing)
// before the HTTP round trip — about a tenth of a 1M-event ingest's CPU,
// and the garbage makes the collector run more often over the decoders'
// large live heap. The fast path sends the same request the SDK would: to
// the URL, signing name and region the SDK itself resolved for this
// bucket (captured from Connect's HeadBucket), signed with the SDK's SigV4
// signer and credentials, over the SDK's HTTP client (its timeouts). Only
// a 200/206 answer is taken from it; anything else — an error status, a
// transport error, credentials that cannot be had — repeats the request
// through GetObject, so retries, backoff and error classification stay
// the SDK's.

// emptyPayloadHash is the SHA-256 of an empty body (a GET has none).
const emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// fastGetter sends signed GETs outside the SDK's middleware stack.
type fastGetter struct {
	hc      aws.HTTPClient
	creds   aws.CredentialsProvider
	signer  *v4.Signer
	base    url.URL // the bucket's URL as the SDK addressed it
	path    string  // its path and escaped path, without a trailing slash
	rawPath string
	service string // signing name and region from the SDK's signature
	region  string
}

// captureRequest records the HTTP request an SDK call sends, once signed.
type captureRequest struct{ req *http.Request }

func (*captureRequest) ID() string { return "ctlakeCaptureRequest" }

func (c *captureRequest) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	if r, ok := in.Request.(*smithyhttp.Request); ok {
		c.req = r.Request.Clone(ctx)
	}
	return next.HandleFinalize(ctx, in)
}

// withCapture adds cap at the end of the finalize step (after signing).
func withCapture(cap *captureRequest) func(*s3.Options) {
	return func(o *s3.Options) {
		o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
			return st.Finalize.Add(cap, middleware.After)
		})
	}
}

// newFastGetter makes the fast path from the bucket request the SDK signed
// (HeadBucket), or returns nil when that request was not a plain SigV4
// one (anonymous access, SigV4a, S3 Express sessions): those keep the SDK.
func newFastGetter(cfg aws.Config, signed *http.Request) *fastGetter {
	if signed == nil || cfg.Credentials == nil || cfg.HTTPClient == nil {
		return nil
	}
	service, region, ok := sigV4Scope(signed.Header.Get("Authorization"))
	if !ok || service != "s3" || signed.Header.Get("X-Amz-S3session-Token") != "" {
		return nil
	}
	base := *signed.URL
	base.RawQuery, base.Fragment = "", ""
	return &fastGetter{
		hc:      cfg.HTTPClient,
		creds:   cfg.Credentials,
		signer:  v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }),
		base:    base,
		path:    strings.TrimSuffix(base.Path, "/"),
		rawPath: strings.TrimSuffix(base.EscapedPath(), "/"),
		service: service,
		region:  region,
	}
}

// sigV4Scope reads the service and region of a SigV4 Authorization header
// ("AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, ...").
func sigV4Scope(auth string) (service, region string, ok bool) {
	rest, ok := strings.CutPrefix(auth, "AWS4-HMAC-SHA256 Credential=")
	if !ok {
		return "", "", false
	}
	scope, _, _ := strings.Cut(rest, ",")
	parts := strings.Split(scope, "/")
	if len(parts) != 5 || parts[4] != "aws4_request" {
		return "", "", false
	}
	return parts[3], parts[2], true
}

// getResult is what an object GET gives back, by either path.
type getResult struct {
	body          io.ReadCloser
	etag          string
	contentLength *int64
}

// errFastFailed: the fast path did not give an answer to use.
var errFastFailed = errors.New("fast GET failed")

// get reads key (rng: a Range header value or ""), by the fast path when
// there is one, else — or when it fails — by the SDK's GetObject.
func (c *Client) get(ctx context.Context, key, etag, rng string) (getResult, error) {
	c.Stats.Gets.Add(1)
	if c.fast != nil {
		res, err := c.fast.get(ctx, key, etag, rng)
		c.Stats.Attempts.Add(1)
		if err == nil {
			return res, nil
		}
		if ctx.Err() != nil {
			return getResult{}, ctx.Err()
		}
		c.Stats.Retries.Add(1) // asked again below, through the SDK
	}
	in := &s3.GetObjectInput{Bucket: aws.String(c.Bucket), Key: aws.String(key)}
	if etag != "" {
		in.IfMatch = aws.String(`"` + etag + `"`)
	}
	if rng != "" {
		in.Range = aws.String(rng)
	}
	out, err := c.S3.GetObject(ctx, in)
	if err != nil {
		return getResult{}, err
	}
	return getResult{body: out.Body, etag: aws.ToString(out.ETag), contentLength: out.ContentLength}, nil
}

func (f *fastGetter) get(ctx context.Context, key, etag, rng string) (getResult, error) {
	u := f.base
	u.Path = f.path + "/" + key
	u.RawPath = f.rawPath + "/" + httpbinding.EscapePath(key, false)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "", nil)
	if err != nil {
		return getResult{}, err
	}
	req.URL = &u
	req.Host = u.Host
	h := req.Header
	h.Set("Accept-Encoding", "identity") // the bytes as stored, never transparently gunzipped
	h.Set("X-Amz-Content-Sha256", emptyPayloadHash)
	if etag != "" {
		h.Set("If-Match", `"`+etag+`"`)
	}
	if rng != "" {
		h.Set("Range", rng)
	}
	creds, err := f.creds.Retrieve(ctx)
	if err != nil {
		return getResult{}, errFastFailed
	}
	if err := f.signer.SignHTTP(ctx, creds, req, emptyPayloadHash, f.service, f.region, time.Now()); err != nil {
		return getResult{}, errFastFailed
	}
	resp, err := f.hc.Do(req)
	if err != nil {
		return getResult{}, fmt.Errorf("%w: %v", errFastFailed, err)
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusPartialContent {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // keep the connection
		resp.Body.Close()
		return getResult{}, fmt.Errorf("%w: %s", errFastFailed, resp.Status)
	}
	res := getResult{body: resp.Body, etag: resp.Header.Get("ETag")}
	if resp.ContentLength >= 0 {
		n := resp.ContentLength
		res.contentLength = &n
	}
	return res, nil
}
