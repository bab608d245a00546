package testenv

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestBufferedBodies: the next transport gets the whole body in a copy
// (closing it does not close the caller's), which GetBody can replay.
func TestBufferedBodies(t *testing.T) {
	var got, replay string
	rt := BufferedBodies{Next: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		got = string(b)
		rc, err := r.GetBody()
		if err != nil {
			return nil, err
		}
		b, _ = io.ReadAll(rc)
		replay = string(b)
		return &http.Response{StatusCode: 200, Body: http.NoBody}, nil
	})}
	req, err := http.NewRequest("POST", "http://127.0.0.1/", strings.NewReader(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rt.RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	if got != `{"a":1}` || replay != got {
		t.Fatalf("next transport read %q, replay %q", got, replay)
	}
}
