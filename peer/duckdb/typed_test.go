package duckpeer

import (
	"reflect"
	"testing"
	"time"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// TestTypedValues checks each column kind on the trio: TIMESTAMP_NS times
// (offset, nine digits, lower-case t/z), booleans from true / "FALSE" /
// non-boolean values, and JSON access.
func TestTypedValues(t *testing.T) {
	p := trioPeer(t)
	q := `SELECT eventTime, readOnly, managementEvent,
	        requestParameters->>'bucketName', json_extract_string(requestParameters, '$.bucketName'),
	        userIdentity->>'arn', resources->0->>'ARN', recipientAccountId
	      FROM events WHERE eventID = ?`
	cases := []struct {
		id   string
		want []any
	}{
		{"e1", []any{utc("2024-03-01T10:20:30Z"), true, false, "b1", "b1",
			"arn:aws:iam::111122223333:user/alice", "arn:aws:s3:::b1", nil}},
		{"e2", []any{utc("2024-03-01T10:59:59.5Z"), false, nil, "b2", "b2",
			"arn:aws:sts::111122223333:assumed-role/r1/s", nil, nil}},
		// "FALSE" and "true" are booleans by ctlake's rule; 9 digits kept.
		{"e3", []any{utc("2024-03-01T11:00:00.123456789Z"), false, true, nil, nil,
			"arn:aws:iam::111122223333:user/alice", nil, nil}},
		// +02:00 is honoured; readOnly 1 is no boolean; a numeric account
		// id becomes its text; requestParameters null is SQL NULL.
		{"e5", []any{utc("2024-03-01T10:00:00Z"), nil, nil, nil, nil,
			"arn:aws:iam::111122223333:root", nil, "111122223333"}},
		{"e6", []any{utc("2024-03-02T00:00:00Z"), true, nil, nil, nil, nil, nil, nil}},
	}
	for _, c := range cases {
		got := queryOne(t, p, replaceParam(q, c.id))
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %#v\nwant %#v", c.id, got, c.want)
		}
	}
	types := queryOne(t, p, `SELECT typeof(eventTime), typeof(readOnly), typeof(managementEvent),
		typeof(requestParameters), typeof(userIdentity), typeof(eventName) FROM events LIMIT 1`)
	wantTypes := []any{"TIMESTAMP_NS", "BOOLEAN", "BOOLEAN", "JSON", "JSON", "VARCHAR"}
	if !reflect.DeepEqual(types, wantTypes) {
		t.Errorf("column types %v, want %v", types, wantTypes)
	}
}

// replaceParam substitutes the single ? of q with a string literal (Query
// takes no parameters; the ids here are plain).
func replaceParam(q, v string) string {
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			return q[:i] + lit(v) + q[i+1:]
		}
	}
	return q
}
