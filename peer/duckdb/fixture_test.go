package duckpeer

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// The trio: five hand-written events in three files of different shapes
// (a gzip Records file, NDJSON, a JSON array) plus a pretty-printed objects
// file, with the value spellings real data has (bool vs "true", offsets,
// nine fraction digits, nested objects). Expected values in the tests are
// worked out by hand from these texts.
const trioRecords = `{"Records":[
 {"eventVersion":"1.08","eventID":"e1","eventTime":"2024-03-01T10:20:30Z",
  "eventSource":"s3.amazonaws.com","eventName":"GetBucketAcl","awsRegion":"us-east-1",
  "userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333",
                  "sessionContext":{"sessionIssuer":{"userName":"r1"},
                                    "attributes":{"creationDate":"2024-03-01T09:00:00Z","mfaAuthenticated":"false"}}},
  "requestParameters":{"bucketName":"b1","Host":"b1.s3.amazonaws.com","acl":"","nested":{"k":[1, 2],"z":"\u00e9"},"n":1.50},
  "resources":[{"ARN":"arn:aws:s3:::b1","type":"AWS::S3::Bucket"},{"ARN":"arn:aws:s3:::b1/x","type":"AWS::S3::Object"}],
  "readOnly":true,"managementEvent":false,"eventCategory":"Management","sourceIPAddress":"10.0.0.1"},
 {"eventVersion":"1.08","eventID":"e2","eventTime":"2024-03-01T10:59:59.5Z",
  "eventSource":"s3.amazonaws.com","eventName":"PutObject","awsRegion":"us-east-1",
  "userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/r1/s"},
  "requestParameters":{"bucketName":"b2","key":"k/1"},"errorCode":"AccessDenied",
  "readOnly":false,"eventCategory":"Data","sourceIPAddress":"10.0.0.2"}
]}`

const trioNDJSON = `{"eventVersion":"1.09","eventID":"e3","eventTime":"2024-03-01 11:00:00.123456789","eventSource":"ec2.amazonaws.com","eventName":"RunInstances","awsRegion":"eu-west-1","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice"},"requestParameters":{"instanceType":"t3.micro","maxCount":2},"readOnly":"FALSE","managementEvent":"true","sourceIPAddress":"10.0.0.1"}
{"eventVersion":"1.09","eventID":"e4","eventTime":"redacted","eventSource":"ec2.amazonaws.com","eventName":"RunInstances"}
`

const trioArray = `[
   {"eventID":"e5","eventTime":"2024-03-01T12:00:00+02:00","eventSource":"iam.amazonaws.com","eventName":"GetUser",
    "awsRegion":"us-east-1","readOnly":1,"requestParameters":null,"resources":[],
    "userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root"},"recipientAccountId":111122223333}
]`

const trioObjects = `{
  "eventID": "e6",
  "eventTime": "2024-03-02t00:00:00z",
  "eventSource": "sts.amazonaws.com",
  "eventName": "GetCallerIdentity",
  "readOnly": true
}
`

// writeTrio writes the fixture files into a fresh directory and returns
// their paths.
func writeTrio(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write([]byte(trioRecords)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"111122223333_CloudTrail_us-east-1_20240301T1025Z_abc.json.gz": gz.Bytes(),
		"events.ndjson": []byte(trioNDJSON),
		"array.json":    []byte(trioArray),
		"pretty.json":   []byte(trioObjects),
	}
	var paths []string
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// trioPeer loads the trio into table "events".
func trioPeer(t *testing.T) *Peer {
	t.Helper()
	p, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	n, err := p.LoadJSON(context.Background(), "events", writeTrio(t))
	if err != nil {
		t.Fatal(err)
	}
	if n != 5 { // e4's eventTime does not parse
		t.Fatalf("loaded %d rows, want 5", n)
	}
	return p
}

// queryOne runs q and returns its single row.
func queryOne(t *testing.T, p *Peer, q string) []any {
	t.Helper()
	_, rows, err := p.Query(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	if len(rows) != 1 {
		t.Fatalf("%s: %d rows, want 1", q, len(rows))
	}
	return rows[0]
}
