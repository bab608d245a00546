package s3io

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Kind sorts S3 failures by what the user can do about them.
type Kind int

const (
	KindOther        Kind = iota
	KindNoSuchBucket      // the bucket does not exist
	KindNotFound          // the object does not exist (deleted since listed)
	KindAccessDenied      // the identity lacks a permission
	KindCredentials       // the credentials are missing, expired or refused: nothing will work until they are renewed
	KindChanged           // the object changed while being read (its ETag moved)
	KindCut               // the body kept being cut short, resumes exhausted
)

// Error is a failed S3 operation: what was attempted, on which object, what
// S3 said, and the identity in use where that matters.
type Error struct {
	Op       string // "list", "read", "upload", ...
	Bucket   string
	Key      string
	Kind     Kind
	Code     string // S3's error code, if it gave one
	Identity string // for KindAccessDenied and KindCredentials
	Err      error
}

func (e *Error) Error() string {
	where := URL(e.Bucket, e.Key)
	var b strings.Builder
	switch e.Kind {
	case KindNoSuchBucket:
		fmt.Fprintf(&b, "bucket %q does not exist (or is in a partition these credentials cannot see)", e.Bucket)
		return b.String()
	case KindNotFound:
		fmt.Fprintf(&b, "%s: %s: no such object (deleted since it was listed?)", e.Op, where)
	case KindAccessDenied:
		fmt.Fprintf(&b, "%s %s: access denied to %s", e.Op, where, e.Identity)
		if need := permissionFor(e.Op); need != "" {
			fmt.Fprintf(&b, " (it needs %s)", need)
		}
	case KindCredentials:
		fmt.Fprintf(&b, "%s %s: the credentials were refused (%s) for %s; renew them (aws sso login, a new session token, ...) and run the same command again", e.Op, where, e.codeOr("expired"), e.Identity)
	case KindChanged:
		fmt.Fprintf(&b, "%s %s: the object changed while it was read", e.Op, where)
	default:
		fmt.Fprintf(&b, "%s %s", e.Op, where)
	}
	if e.Err != nil && e.Kind != KindCredentials {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

func (e *Error) codeOr(def string) string {
	if e.Code != "" {
		return e.Code
	}
	return def
}

func permissionFor(op string) string {
	switch op {
	case "list":
		return "s3:ListBucket on the bucket"
	case "read":
		return "s3:GetObject on this object"
	case "upload":
		return "s3:PutObject under this prefix"
	case "delete":
		return "s3:DeleteObject under this prefix"
	case "open":
		return "s3:ListBucket on the bucket"
	}
	return ""
}

// Fatal reports whether err means that no later request can succeed
// either (credentials refused), so a run should stop rather than go on
// object by object.
func Fatal(err error) bool {
	var e *Error
	return errors.As(err, &e) && (e.Kind == KindCredentials || e.Kind == KindNoSuchBucket)
}

// credentialCodes are S3's and STS's codes for credentials that will not
// work until renewed.
var credentialCodes = map[string]bool{
	"ExpiredToken": true, "ExpiredTokenException": true, "TokenRefreshRequired": true,
	"InvalidAccessKeyId": true, "InvalidToken": true, "SignatureDoesNotMatch": true,
	"RequestExpired": true, "InvalidClientTokenId": true, "UnrecognizedClientException": true,
}

// wrap classifies an SDK error as an *Error for key (empty: the bucket).
func (c *Client) wrap(ctx context.Context, op, key string, err error) error {
	if err == nil {
		return nil
	}
	var already *Error
	if errors.As(err, &already) {
		return err
	}
	e := &Error{Op: op, Bucket: c.Bucket, Key: key, Err: err}
	var api smithy.APIError
	if errors.As(err, &api) {
		e.Code = api.ErrorCode()
	}
	status := 0
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	switch {
	case e.Code == "NoSuchBucket" || (key == "" && status == http.StatusNotFound):
		e.Kind = KindNoSuchBucket
	case e.Code == "NoSuchKey" || status == http.StatusNotFound:
		e.Kind = KindNotFound
	case credentialCodes[e.Code]:
		e.Kind = KindCredentials
	case e.Code == "AccessDenied" || status == http.StatusForbidden:
		e.Kind = KindAccessDenied
	case e.Code == "PreconditionFailed" || status == http.StatusPreconditionFailed:
		e.Kind = KindChanged
	case isNoCredentials(err):
		e.Kind = KindCredentials
	}
	if e.Kind == KindAccessDenied || e.Kind == KindCredentials {
		e.Identity = c.Identity(ctx)
		e.Err = trimRetries(err)
	}
	return e
}

// isNoCredentials: the SDK found no credentials at all, or could not
// refresh them (an SSO token that expired, a role that cannot be assumed).
func isNoCredentials(err error) bool {
	s := err.Error()
	return strings.Contains(s, "failed to retrieve credentials") || strings.Contains(s, "failed to refresh cached credentials")
}

// trimRetries drops the retryer's wrapping, whose text repeats the cause.
func trimRetries(err error) error {
	var max *retry.MaxAttemptsError
	if errors.As(err, &max) {
		return max.Err
	}
	return err
}

func asError(err error, e **Error) bool { return errors.As(err, e) }
