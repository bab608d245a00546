package lakeapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

// The CloudTrail API speaks AWS JSON 1.1: POST /, the operation in
// X-Amz-Target, a JSON object in and out, timestamps as epoch-second
// numbers, errors as {"__type","message"} with the status Smithy assigns.

const jsonContentType = "application/x-amz-json-1.1"

// apiError is an error as the wire carries it. Handlers return it (or any
// error, which becomes InternalFailure); the server writes it.
type apiError struct {
	Code    string // the exception name, e.g. QueryIdNotFoundException
	Status  int
	Message string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// statusOf is the HTTP status Smithy's model gives each error
// (smithy.api#httpError); everything not listed is a 400.
var statusOf = map[string]int{
	"EventDataStoreNotFoundException":       http.StatusNotFound,
	"QueryIdNotFoundException":              http.StatusNotFound,
	"ImportNotFoundException":               http.StatusNotFound,
	"S3BucketDoesNotExistException":         http.StatusNotFound,
	"OrganizationsNotInUseException":        http.StatusNotFound,
	"ResourceNotFoundException":             http.StatusNotFound,
	"InsufficientS3BucketPolicyException":   http.StatusForbidden,
	"NoManagementAccountSLRExistsException": http.StatusForbidden,
	"AccessDeniedException":                 http.StatusForbidden,
	"MissingAuthenticationToken":            http.StatusForbidden,
	"InvalidClientTokenId":                  http.StatusForbidden,
	"UnrecognizedClientException":           http.StatusForbidden,
	"MaxConcurrentQueriesException":         http.StatusTooManyRequests,
	"ThrottlingException":                   http.StatusTooManyRequests,
	"ConflictException":                     http.StatusConflict,
	"RequestEntityTooLargeException":        http.StatusRequestEntityTooLarge,
	"InternalFailure":                       http.StatusInternalServerError,
	"ServiceUnavailable":                    http.StatusServiceUnavailable,
}

// errorf builds an apiError with code's status.
func errorf(code, format string, args ...any) *apiError {
	st, ok := statusOf[code]
	if !ok {
		st = http.StatusBadRequest
	}
	return &apiError{Code: code, Status: st, Message: fmt.Sprintf(format, args...)}
}

// epoch is a timestamp on the wire: epoch seconds as a JSON number, with
// milliseconds when the time has them (aws-sdk-go-v2 rejects anything but a
// number; botocore accepts both).
type epoch time.Time

func (t epoch) MarshalJSON() ([]byte, error) {
	tt := time.Time(t)
	ms := tt.UnixMilli()
	if ms%1000 == 0 {
		return strconv.AppendInt(nil, ms/1000, 10), nil
	}
	return strconv.AppendFloat(nil, float64(ms)/1000, 'f', 3, 64), nil
}

func (t *epoch) UnmarshalJSON(b []byte) error {
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		// botocore sends numbers; accept ISO 8601 too, as AWS does.
		var s string
		if err2 := json.Unmarshal(b, &s); err2 != nil {
			return fmt.Errorf("expected a timestamp (epoch seconds)")
		}
		tt, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return fmt.Errorf("timestamp %q: want epoch seconds or ISO 8601", s)
		}
		*t = epoch(tt)
		return nil
	}
	if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e12 {
		return fmt.Errorf("timestamp %v is out of range", f)
	}
	// float64 holds epoch seconds to about a microsecond; round there so
	// 1700000000.123 means .123000 exactly, not .122999906.
	sec, frac := math.Modf(f)
	*t = epoch(time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3).UTC())
	return nil
}

// at returns a pointer to t as a wire timestamp; nil for the zero time, so
// that an absent time is left out of the response.
func at(t time.Time) *epoch {
	if t.IsZero() {
		return nil
	}
	e := epoch(t)
	return &e
}

// writeJSON writes a 200 answer.
func writeJSON(w http.ResponseWriter, v any) {
	if raw, ok := v.(json.RawMessage); ok {
		// Built by the handler (GetQueryResults pages): already valid JSON.
		w.Header().Set("Content-Type", jsonContentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(raw)))
		w.WriteHeader(http.StatusOK)
		w.Write(raw)
		return
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		writeError(w, errorf("InternalFailure", "encoding the response: %v", err))
		return
	}
	w.Header().Set("Content-Type", jsonContentType)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}

// writeError writes e as botocore and the Go SDK read it: the code in the
// body's __type (botocore reads only that) and in X-Amzn-ErrorType (the Go
// SDK prefers it).
func writeError(w http.ResponseWriter, e *apiError) {
	b, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}{e.Code, e.Message})
	w.Header().Set("Content-Type", jsonContentType)
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(e.Status)
	w.Write(b)
}
