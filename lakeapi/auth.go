package lakeapi

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Every request is checked as AWS checks SigV4: the Authorization header's
// credential scope, a known access key, X-Amz-Date within 15 minutes of the
// server's clock, then the signature recomputed over the headers the client
// says it signed and compared in constant time. The recomputation is the
// AWS SDK's own signer run over a copy of the request holding only those
// headers, so the canonical request is built exactly as the clients build
// theirs (botocore and the Go SDK sign different header sets; each request
// names its own).

// maxSkew is how far X-Amz-Date may be from the server's clock.
const maxSkew = 15 * time.Minute

// signingService is the SigV4 service name of CloudTrail.
const signingService = "cloudtrail"

// unsignable are headers the SDK signer leaves out whatever it is told; a
// request that signs one cannot be verified by re-signing.
var unsignable = map[string]bool{"user-agent": true, "x-amzn-trace-id": true, "expect": true, "transfer-encoding": true}

var authRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^AWS4-HMAC-SHA256\s+(.*)$`) })

// sigv4 is a parsed Authorization header.
type sigv4 struct {
	AccessKey     string
	Date          string // yyyymmdd
	Region        string
	Service       string
	SignedHeaders []string
	Signature     string
}

func parseAuthorization(h string) (*sigv4, *apiError) {
	m := authRE().FindStringSubmatch(strings.TrimSpace(h))
	if m == nil {
		return nil, errorf("IncompleteSignature", "Authorization header must start with 'AWS4-HMAC-SHA256 ' (only SigV4 is accepted)")
	}
	parts := map[string]string{}
	for _, p := range strings.Split(m[1], ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok {
			return nil, errorf("IncompleteSignature", "Authorization header: %q is not key=value", strings.TrimSpace(p))
		}
		parts[k] = v
	}
	for _, k := range []string{"Credential", "SignedHeaders", "Signature"} {
		if parts[k] == "" {
			return nil, errorf("IncompleteSignature", "Authorization header requires a '%s' parameter", k)
		}
	}
	cred := strings.Split(parts["Credential"], "/")
	if len(cred) != 5 || cred[4] != "aws4_request" || len(cred[1]) != 8 {
		return nil, errorf("IncompleteSignature", "Credential must be ACCESS_KEY/YYYYMMDD/REGION/SERVICE/aws4_request, got %q", parts["Credential"])
	}
	sig := parts["Signature"]
	if len(sig) != 64 || strings.Trim(sig, "0123456789abcdef") != "" {
		return nil, errorf("IncompleteSignature", "Signature must be 64 lowercase hex digits")
	}
	signed := strings.Split(parts["SignedHeaders"], ";")
	return &sigv4{AccessKey: cred[0], Date: cred[1], Region: cred[2], Service: cred[3], SignedHeaders: signed, Signature: sig}, nil
}

// verifier checks SigV4 signatures against a set of static keys.
type verifier struct {
	keys map[string]string // access key ID → secret
	now  func() time.Time
}

// verify checks r (whose body has been read into body) and returns the
// region its signature is scoped to.
func (v *verifier) verify(r *http.Request, body []byte) (string, *apiError) {
	h := r.Header.Get("Authorization")
	if h == "" {
		if r.URL.Query().Get("X-Amz-Signature") != "" {
			return "", errorf("IncompleteSignature", "presigned URLs are not accepted; sign the Authorization header")
		}
		return "", errorf("MissingAuthenticationToken", "Request is missing Authentication Token (ctlake serve checks SigV4 signatures; configure the access key it printed, or start it with --no-auth)")
	}
	a, aerr := parseAuthorization(h)
	if aerr != nil {
		return "", aerr
	}
	secret, ok := v.keys[a.AccessKey]
	if !ok {
		return "", errorf("UnrecognizedClientException", "The security token included in the request is invalid: access key %q is not one this server knows", a.AccessKey)
	}
	if !contains(a.SignedHeaders, "host") {
		return "", errorf("IncompleteSignature", "SignedHeaders must include host")
	}
	for _, name := range a.SignedHeaders {
		if name != strings.ToLower(name) || name == "" {
			return "", errorf("IncompleteSignature", "SignedHeaders must be lowercase header names separated by ';'")
		}
		if unsignable[name] {
			return "", errorf("IncompleteSignature", "signing the %s header is not supported; leave it out of SignedHeaders", name)
		}
		if name != "host" && len(r.Header.Values(name)) == 0 {
			return "", errorf("IncompleteSignature", "signed header %s is missing from the request", name)
		}
	}
	dateHeader := r.Header.Get("X-Amz-Date")
	if dateHeader == "" {
		return "", errorf("IncompleteSignature", "Authorization header requires existence of an 'X-Amz-Date' header")
	}
	t, err := time.Parse("20060102T150405Z", dateHeader)
	if err != nil {
		return "", errorf("IncompleteSignature", "X-Amz-Date %q is not yyyymmddThhmmssZ", dateHeader)
	}
	if t.Format("20060102") != a.Date {
		return "", errorf("InvalidSignatureException", "Credential should be scoped to a valid date: %s is not the date of X-Amz-Date %s", a.Date, dateHeader)
	}
	now := v.now()
	if t.Before(now.Add(-maxSkew)) {
		return "", errorf("InvalidSignatureException", "Signature expired: %s is now earlier than %s (%s - 15 min.)",
			dateHeader, now.Add(-maxSkew).UTC().Format("20060102T150405Z"), now.UTC().Format("20060102T150405Z"))
	}
	if t.After(now.Add(maxSkew)) {
		return "", errorf("InvalidSignatureException", "Signature not yet current: %s is still later than %s (%s + 15 min.)",
			dateHeader, now.Add(maxSkew).UTC().Format("20060102T150405Z"), now.UTC().Format("20060102T150405Z"))
	}
	want, err := resign(r, body, a, secret, t)
	if err != nil {
		return "", errorf("IncompleteSignature", "cannot verify the signature: %v", err)
	}
	if subtle.ConstantTimeCompare([]byte(want), []byte(a.Signature)) != 1 {
		return "", errorf("InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.")
	}
	return a.Region, nil
}

// resign signs a copy of r holding only the headers a names, with the same
// scope and time, and returns the signature the SDK's signer computes.
func resign(r *http.Request, body []byte, a *sigv4, secret string, t time.Time) (string, error) {
	cp, err := http.NewRequest(r.Method, "http://"+r.Host+r.URL.RequestURI(), nil)
	if err != nil {
		return "", err
	}
	cp.Host = r.Host
	for _, name := range a.SignedHeaders {
		switch name {
		case "host":
		case "content-length":
			// The signer signs Content-Length whenever ContentLength > 0,
			// so set it only when the client signed it.
			cp.ContentLength = int64(len(body))
		default:
			for _, val := range r.Header.Values(name) {
				cp.Header.Add(name, val)
			}
		}
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: a.AccessKey, SecretAccessKey: secret, SessionToken: r.Header.Get("X-Amz-Security-Token")}
	if !contains(a.SignedHeaders, "x-amz-security-token") {
		creds.SessionToken = "" // unsigned: the signer would add and sign it
	}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, cp, hex.EncodeToString(sum[:]), a.Service, a.Region, t); err != nil {
		return "", err
	}
	got, perr := parseAuthorization(cp.Header.Get("Authorization"))
	if perr != nil {
		return "", perr
	}
	if strings.Join(got.SignedHeaders, ";") != strings.Join(a.SignedHeaders, ";") {
		// The copy signed a different header set (the client's list was not
		// sorted, or named a header twice): not a valid SigV4 request.
		return "", errorf("IncompleteSignature", "SignedHeaders %q must be the sorted, distinct names of the signed headers", strings.Join(a.SignedHeaders, ";"))
	}
	return got.Signature, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
