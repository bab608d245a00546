package testenv

import (
	"bytes"
	"io"
	"net/http"
)

// BufferedBodies is the transport of AWS SDK for Go clients in tests. It
// works around a race in the SDK (aws/aws-sdk-go-v2#2737) that a fast
// loopback server provokes: smithy closes the request body as soon as the
// response headers arrive, and if net/http's write loop has not yet made
// its final read of the body (checking for bytes beyond Content-Length),
// that read fails and the connection is closed under the response body
// still being read ("use of closed network connection"). A copy of the
// body that the SDK never closes takes the race away.
type BufferedBodies struct{ Next http.RoundTripper }

func (b BufferedBodies) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	return b.Next.RoundTrip(req)
}
