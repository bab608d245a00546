package s3io

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Options are how to reach S3. The zero value is AWS itself with the
// standard credential chain (environment, shared config and credentials
// files with AWS_PROFILE, SSO, role assumption, container and instance
// roles), as the AWS CLI resolves it.
type Options struct {
	// Endpoint is an S3-compatible endpoint (MinIO, Ceph, a local test
	// server), as the AWS CLI's --endpoint-url.
	Endpoint string
	// PathStyle addresses buckets as endpoint/bucket/key rather than
	// bucket.endpoint/key (most S3-compatible stores need it).
	PathStyle bool
	// Region overrides the configured region; by default the bucket's own
	// region is discovered (on AWS) so that a bucket in another region than
	// the profile's works without a flag.
	Region string
	// Profile selects a shared config profile (default: AWS_PROFILE, else
	// "default").
	Profile string
	// AssumeRole, when set, is the ARN of an IAM role to read the bucket
	// as: the credentials loaded above call STS AssumeRole (through the
	// SDK's stscreds, refreshed before they expire), as Lake does with an
	// import's S3BucketAccessRoleArn. STS is AWS's unless the environment
	// names another (AWS_ENDPOINT_URL_STS).
	AssumeRole string
	// RoleSessionName names the assumed role's session (default "ctlake").
	RoleSessionName string
	// HTTPClient replaces the SDK's HTTP client (tests).
	HTTPClient aws.HTTPClient
	// MaxAttempts bounds the tries of one request, the first included
	// (default 10); the SDK's retryer backs off exponentially with jitter
	// on 5xx, SlowDown, throttling, timeouts and connection errors.
	MaxAttempts int
	// MaxBackoff caps one retry's wait (default 20 s).
	MaxBackoff time.Duration
	// SDKGets sends every object GET through the SDK's GetObject, not the
	// leaner path of get.go (benchmarks comparing the two).
	SDKGets bool
	// Timeout is how long a response may take to start, and how long a
	// body may stall, before the attempt is abandoned and retried (default
	// 60 s).
	Timeout time.Duration
}

// Stats counts a client's work; every field is read atomically.
type Stats struct {
	Attempts atomic.Int64 // HTTP requests made, retries included
	Retries  atomic.Int64 // requests the SDK's retryer repeated
	Resumes  atomic.Int64 // object bodies cut short and resumed with a range request
	Lists    atomic.Int64 // LIST calls (pages)
	Gets     atomic.Int64 // GET calls, resumes included
	Puts     atomic.Int64 // uploads (single or multipart objects)
	Bytes    atomic.Int64 // object bytes received
}

// Client is an S3 client bound to one bucket.
type Client struct {
	S3     *s3.Client
	Bucket string
	Region string
	Stats  *Stats

	cfg  aws.Config
	opts Options

	fast     *fastGetter // GETs outside the SDK's middleware (get.go); nil: all through the SDK
	idOnce   sync.Once
	identity string
}

const (
	defaultMaxAttempts = 10
	defaultMaxBackoff  = 20 * time.Second
	defaultTimeout     = 60 * time.Second
)

// Connect loads the AWS configuration (config.LoadDefaultConfig: the
// credential chain is the SDK's, not ours), finds the bucket's region and
// checks that the bucket exists and is reachable with these credentials.
func Connect(ctx context.Context, bucket string, opts Options) (*Client, error) {
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = defaultMaxAttempts
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = defaultMaxBackoff
	}
	if opts.Timeout <= 0 {
		opts.Timeout = defaultTimeout
	}
	stats := &Stats{}
	var loads []func(*config.LoadOptions) error
	if opts.Profile != "" {
		loads = append(loads, config.WithSharedConfigProfile(opts.Profile))
	}
	if opts.Region != "" {
		loads = append(loads, config.WithRegion(opts.Region))
	}
	hc := opts.HTTPClient
	if hc == nil {
		hc = awshttp.NewBuildableClient().
			WithTransportOptions(func(tr *http.Transport) {
				tr.ResponseHeaderTimeout = opts.Timeout
				// Keep a connection per concurrent GET (ingest's
				// default is 64 at once, --fetchers more) for reuse:
				// the SDK's defaults (10 a host, 100 in all) close the
				// rest after each response, and every GET would dial
				// (and on AWS handshake TLS) anew.
				tr.MaxIdleConnsPerHost = 256
				tr.MaxIdleConns = 256
			}).
			WithReadTimeout(opts.Timeout)
	}
	loads = append(loads,
		config.WithHTTPClient(hc),
		config.WithRetryer(func() aws.Retryer {
			std := retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = opts.MaxAttempts
				o.MaxBackoff = opts.MaxBackoff
				// The standard retryer's quota stops retrying after ~100
				// failures in a row; an ingest of thousands of objects
				// behind a flaky link should keep backing off instead.
				o.RateLimiter = ratelimit.None
			})
			return &countingRetryer{RetryerV2: std, stats: stats}
		}),
	)
	cfg, err := config.LoadDefaultConfig(ctx, loads...)
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	if opts.AssumeRole != "" {
		name := opts.RoleSessionName
		if name == "" {
			name = "ctlake"
		}
		provider := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), opts.AssumeRole, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = name
		})
		cfg.Credentials = aws.NewCredentialsCache(provider)
		if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
			return nil, fmt.Errorf("assuming role %s to read s3://%s: %w", opts.AssumeRole, bucket, err)
		}
	}
	c := &Client{Bucket: bucket, Stats: stats, cfg: cfg, opts: opts}
	c.Region = cfg.Region
	if opts.Endpoint == "" && opts.Region == "" {
		// The bucket's region, from HeadBucket's x-amz-bucket-region.
		probe := s3.NewFromConfig(cfg, func(o *s3.Options) {
			if o.Region == "" {
				o.Region = "us-east-1"
			}
		})
		region, err := manager.GetBucketRegion(ctx, probe, bucket)
		var nf manager.BucketNotFound
		switch {
		case errors.As(err, &nf):
			return nil, &Error{Op: "find the region of", Bucket: bucket, Kind: KindNoSuchBucket, Err: err}
		case err != nil:
			return nil, c.wrap(ctx, "find the region of", "", err)
		}
		c.Region = region
	}
	if c.Region == "" {
		c.Region = "us-east-1"
	}
	c.cfg.Region = c.Region
	c.S3 = s3.NewFromConfig(c.cfg, func(o *s3.Options) {
		if opts.Endpoint != "" {
			o.BaseEndpoint = aws.String(opts.Endpoint)
		}
		o.UsePathStyle = opts.PathStyle
		o.Region = c.Region
		// Checksums only where S3 requires them: S3-compatible stores
		// do not all accept the SDK's newer trailing checksums.
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})
	var signed captureRequest
	if _, err := c.S3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)}, withCapture(&signed)); err != nil {
		return nil, c.wrap(ctx, "open", "", err)
	}
	if !opts.SDKGets {
		c.fast = newFastGetter(c.cfg, signed.req)
	}
	return c, nil
}

// Identity describes the credentials in use for error messages: the
// caller's ARN when STS answers, and always the access key ID and where the
// SDK found it. It is looked up once, on the first error that needs it.
func (c *Client) Identity(ctx context.Context) string {
	c.idOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		creds, err := c.cfg.Credentials.Retrieve(ctx)
		if err != nil {
			c.identity = "no usable credentials (" + err.Error() + ")"
			return
		}
		id := "access key " + creds.AccessKeyID
		if creds.Source != "" {
			id += " from " + creds.Source
		}
		if c.opts.Endpoint == "" { // an S3-compatible store has no STS
			out, err := sts.NewFromConfig(c.cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if err == nil && out.Arn != nil {
				id = *out.Arn + " (" + id + ")"
			}
		}
		c.identity = id
	})
	return c.identity
}

// countingRetryer is the SDK's standard retryer, counting the attempts and
// the retries it decides on (RetryDelay is asked once per retry).
type countingRetryer struct {
	aws.RetryerV2
	stats *Stats
}

func (r *countingRetryer) GetAttemptToken(ctx context.Context) (func(error) error, error) {
	r.stats.Attempts.Add(1)
	return r.RetryerV2.GetAttemptToken(ctx)
}

func (r *countingRetryer) RetryDelay(attempt int, err error) (time.Duration, error) {
	r.stats.Retries.Add(1)
	return r.RetryerV2.RetryDelay(attempt, err)
}
