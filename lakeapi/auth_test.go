package lakeapi

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The golden vector of lake-api.md §3: botocore's SigV4Auth with the clock
// fixed at 2024-01-01T00:00:00Z, reproduced there by a separate HMAC.
const (
	goldenBody      = `{"QueryStatement": "SELECT 1"}`
	goldenBodyHash  = "dc5c38016d93064d91d4f05cd6f9691e09cf38e228ad7b74a27d7b83aea538d7"
	goldenCanonHash = "9fd41356e945cea961bb430648f0db37085d18873f4bd3e95bf286eb204fbc21"
	goldenSignature = "b0ff00750b4c1c78cda871f08ca0a8a117fa786b6594526053ec6ad73f93331e"
	goldenTarget    = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.StartQuery"
)

var goldenTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// goldenRequest is the request botocore signed for the vector, as the
// server receives it (Host in r.Host, not among the headers).
func goldenRequest(body, signature string) *http.Request {
	r, _ := http.NewRequest("POST", "http://127.0.0.1:8080/", bytes.NewReader([]byte(body)))
	r.Host = "127.0.0.1:8080"
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	r.Header.Set("X-Amz-Date", "20240101T000000Z")
	r.Header.Set("X-Amz-Target", goldenTarget)
	r.Header.Set("User-Agent", "aws-cli/1.45.11 botocore/1.43.11") // not signed
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/cloudtrail/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature="+signature)
	return r
}

func goldenVerifier(now time.Time) *verifier {
	return &verifier{keys: map[string]string{testAKID: testSecret}, now: func() time.Time { return now }}
}

// TestGoldenVectorItself recomputes the vector with the standard library
// alone, so the constants above are known to be one consistent vector.
func TestGoldenVectorItself(t *testing.T) {
	sum := sha256.Sum256([]byte(goldenBody))
	if got := hex.EncodeToString(sum[:]); got != goldenBodyHash {
		t.Fatalf("body hash %s", got)
	}
	canon := "POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:127.0.0.1:8080\nx-amz-date:20240101T000000Z\nx-amz-target:" + goldenTarget +
		"\n\ncontent-type;host;x-amz-date;x-amz-target\n" + goldenBodyHash
	ch := sha256.Sum256([]byte(canon))
	if got := hex.EncodeToString(ch[:]); got != goldenCanonHash {
		t.Fatalf("canonical request hash %s", got)
	}
	mac := func(key []byte, s string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(s))
		return h.Sum(nil)
	}
	k := mac(mac(mac(mac([]byte("AWS4"+testSecret), "20240101"), "us-east-1"), "cloudtrail"), "aws4_request")
	sts := "AWS4-HMAC-SHA256\n20240101T000000Z\n20240101/us-east-1/cloudtrail/aws4_request\n" + goldenCanonHash
	if got := hex.EncodeToString(mac(k, sts)); got != goldenSignature {
		t.Fatalf("signature %s", got)
	}
}

// TestSigV4GoldenVector: the verifier accepts botocore's signature and
// refuses every alteration with the error AWS gives.
func TestSigV4GoldenVector(t *testing.T) {
	region, err := goldenVerifier(goldenTime).verify(goldenRequest(goldenBody, goldenSignature), []byte(goldenBody))
	if err != nil {
		t.Fatalf("golden request refused: %v", err)
	}
	if region != "us-east-1" {
		t.Fatalf("region %q", region)
	}
	// Within the skew either way.
	for _, d := range []time.Duration{-14 * time.Minute, 14 * time.Minute} {
		if _, err := goldenVerifier(goldenTime.Add(d)).verify(goldenRequest(goldenBody, goldenSignature), []byte(goldenBody)); err != nil {
			t.Fatalf("clock %v away refused: %v", d, err)
		}
	}
	cases := []struct {
		name string
		req  func() (*http.Request, []byte)
		now  time.Time
		code string
	}{
		{"body changed", func() (*http.Request, []byte) {
			b := `{"QueryStatement": "SELECT 2"}`
			return goldenRequest(b, goldenSignature), []byte(b)
		}, goldenTime, "InvalidSignatureException"},
		{"signature changed", func() (*http.Request, []byte) {
			return goldenRequest(goldenBody, strings.Replace(goldenSignature, "b0ff", "b0fe", 1)), []byte(goldenBody)
		}, goldenTime, "InvalidSignatureException"},
		{"signed header changed", func() (*http.Request, []byte) {
			r := goldenRequest(goldenBody, goldenSignature)
			r.Header.Set("X-Amz-Target", "CloudTrail_20131101.StartQuery")
			return r, []byte(goldenBody)
		}, goldenTime, "InvalidSignatureException"},
		{"host changed", func() (*http.Request, []byte) {
			r := goldenRequest(goldenBody, goldenSignature)
			r.Host = "127.0.0.1:8081"
			return r, []byte(goldenBody)
		}, goldenTime, "InvalidSignatureException"},
		{"stale", func() (*http.Request, []byte) { return goldenRequest(goldenBody, goldenSignature), []byte(goldenBody) },
			goldenTime.Add(16 * time.Minute), "InvalidSignatureException"},
		{"from the future", func() (*http.Request, []byte) { return goldenRequest(goldenBody, goldenSignature), []byte(goldenBody) },
			goldenTime.Add(-16 * time.Minute), "InvalidSignatureException"},
		{"missing", func() (*http.Request, []byte) {
			r := goldenRequest(goldenBody, goldenSignature)
			r.Header.Del("Authorization")
			return r, []byte(goldenBody)
		}, goldenTime, "MissingAuthenticationToken"},
		{"unknown key", func() (*http.Request, []byte) {
			r := goldenRequest(goldenBody, goldenSignature)
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "AKIDEXAMPLE", "AKIDOTHER", 1))
			return r, []byte(goldenBody)
		}, goldenTime, "UnrecognizedClientException"},
		{"malformed", func() (*http.Request, []byte) {
			r := goldenRequest(goldenBody, goldenSignature)
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/cloudtrail/aws4_request")
			return r, []byte(goldenBody)
		}, goldenTime, "IncompleteSignature"},
		{"not sigv4", func() (*http.Request, []byte) {
			r := goldenRequest(goldenBody, goldenSignature)
			r.Header.Set("Authorization", "Basic dXNlcjpwYXNz")
			return r, []byte(goldenBody)
		}, goldenTime, "IncompleteSignature"},
		{"no date", func() (*http.Request, []byte) {
			r := goldenRequest(goldenBody, goldenSignature)
			r.Header.Del("X-Amz-Date")
			return r, []byte(goldenBody)
		}, goldenTime, "IncompleteSignature"},
		{"scope date differs", func() (*http.Request, []byte) {
			r := goldenRequest(goldenBody, goldenSignature)
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/20240101/", "/20231231/", 1))
			return r, []byte(goldenBody)
		}, goldenTime, "InvalidSignatureException"},
		{"host not signed", func() (*http.Request, []byte) {
			r := goldenRequest(goldenBody, goldenSignature)
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "content-type;host;", "content-type;", 1))
			return r, []byte(goldenBody)
		}, goldenTime, "IncompleteSignature"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, body := c.req()
			_, err := goldenVerifier(c.now).verify(r, body)
			if err == nil || err.Code != c.code {
				t.Fatalf("got %v, want %s", err, c.code)
			}
			if err.Code == "MissingAuthenticationToken" || err.Code == "UnrecognizedClientException" {
				if err.Status != 403 {
					t.Fatalf("status %d, want 403", err.Status)
				}
			} else if err.Status != 400 {
				t.Fatalf("status %d, want 400", err.Status)
			}
		})
	}
}
