package lakeapi

import (
	"strings"
	"testing"
	"time"
)

// TestValidation sends each operation requests the clients let through
// (they check only required members, types and minimums) and checks the
// server refuses them with the exception the model names and its status.
func TestValidation(t *testing.T) {
	h := startServer(t, fixtureData(t), Config{})
	qid := h.startQuery("SELECT 1")
	h.waitStatus(qid)
	long := strings.Repeat("a", 10001)
	eds := "arn:aws:cloudtrail:us-east-1:000000000000:eventdatastore/00000000-0000-4000-8000-000000000000"
	tags := make([]map[string]string, 201)
	for i := range tags {
		tags[i] = map[string]string{"Key": "k", "Value": "v"}
	}
	params := make([]string, 11)
	for i := range params {
		params[i] = "x"
	}
	cases := []struct {
		op     string
		body   any
		code   string
		status int
	}{
		// StartQuery
		{"StartQuery", map[string]any{"QueryStatement": long}, "InvalidParameterException", 400},
		{"StartQuery", map[string]any{"QueryStatement": ""}, "InvalidParameterException", 400},
		{"StartQuery", map[string]any{}, "InvalidParameterException", 400},
		{"StartQuery", map[string]any{"QueryAlias": "1bad"}, "InvalidParameterException", 400},
		{"StartQuery", map[string]any{"QueryAlias": "a", "QueryParameters": params}, "InvalidParameterException", 400},
		{"StartQuery", map[string]any{"QueryStatement": "SELECT 1", "QueryParameters": []string{"x"}}, "InvalidParameterException", 400},
		{"StartQuery", map[string]any{"QueryStatement": "SELECT 1", "DeliveryS3Uri": "s3://bucket/x"}, "UnsupportedOperationException", 400},
		{"StartQuery", map[string]any{"QueryStatement": "SELECT 1", "EventDataStoreOwnerAccountId": "12"}, "InvalidParameterException", 400},
		{"StartQuery", map[string]any{"QueryStatement": "SELECT 1", "EventDataStoreOwnerAccountId": "111122223333"}, "EventDataStoreNotFoundException", 404},
		{"StartQuery", map[string]any{"QueryStatement": "SELECT eventName FROM nosuchstore"}, "InvalidQueryStatementException", 400},
		{"StartQuery", map[string]any{"QueryStatement": "DELETE FROM events"}, "InvalidQueryStatementException", 400},
		{"StartQuery", map[string]any{"QueryStatement": 42}, "SerializationException", 400},
		// DescribeQuery
		{"DescribeQuery", map[string]any{"QueryId": "abc"}, "InvalidParameterException", 400},
		{"DescribeQuery", map[string]any{"QueryId": strings.ToUpper(qid)}, "InvalidParameterException", 400},
		{"DescribeQuery", map[string]any{"QueryId": strings.Repeat("a", 40)}, "InvalidParameterException", 400},
		{"DescribeQuery", map[string]any{}, "InvalidParameterException", 400},
		{"DescribeQuery", map[string]any{"QueryAlias": "a", "RefreshId": "12"}, "InvalidParameterException", 400},
		{"DescribeQuery", map[string]any{"QueryId": "00000000-0000-4000-8000-000000000000"}, "QueryIdNotFoundException", 404},
		{"DescribeQuery", map[string]any{"QueryId": qid, "EventDataStore": "bad store!"}, "EventDataStoreARNInvalidException", 400},
		{"DescribeQuery", map[string]any{"QueryId": qid, "EventDataStore": eds}, "EventDataStoreNotFoundException", 404},
		// GetQueryResults
		{"GetQueryResults", map[string]any{}, "InvalidParameterException", 400},
		{"GetQueryResults", map[string]any{"QueryId": qid, "MaxQueryResults": 0}, "InvalidMaxResultsException", 400},
		{"GetQueryResults", map[string]any{"QueryId": qid, "MaxQueryResults": 1001}, "InvalidMaxResultsException", 400},
		{"GetQueryResults", map[string]any{"QueryId": qid, "MaxQueryResults": 1.5}, "SerializationException", 400},
		{"GetQueryResults", map[string]any{"QueryId": qid, "NextToken": "abc"}, "InvalidNextTokenException", 400},
		{"GetQueryResults", map[string]any{"QueryId": qid, "NextToken": "abcdefgh"}, "InvalidNextTokenException", 400},
		{"GetQueryResults", map[string]any{"QueryId": "00000000-0000-4000-8000-000000000000"}, "QueryIdNotFoundException", 404},
		// ListQueries
		{"ListQueries", map[string]any{}, "InvalidParameterException", 400},
		{"ListQueries", map[string]any{"EventDataStore": "events", "QueryStatus": "BOGUS"}, "InvalidQueryStatusException", 400},
		{"ListQueries", map[string]any{"EventDataStore": "events", "MaxResults": 0}, "InvalidMaxResultsException", 400},
		{"ListQueries", map[string]any{"EventDataStore": "events", "MaxResults": 1001}, "InvalidMaxResultsException", 400},
		{"ListQueries", map[string]any{"EventDataStore": "events", "StartTime": 1704153600, "EndTime": 1704067200}, "InvalidDateRangeException", 400},
		{"ListQueries", map[string]any{"EventDataStore": "events", "NextToken": "zzzz"}, "InvalidNextTokenException", 400},
		{"ListQueries", map[string]any{"EventDataStore": "x"}, "EventDataStoreARNInvalidException", 400},
		{"ListQueries", map[string]any{"EventDataStore": eds}, "EventDataStoreNotFoundException", 404},
		{"ListQueries", map[string]any{"EventDataStore": "arn:aws:s3:::bucket"}, "EventDataStoreARNInvalidException", 400},
		// CancelQuery
		{"CancelQuery", map[string]any{}, "InvalidParameterException", 400},
		{"CancelQuery", map[string]any{"QueryId": "xyz"}, "InvalidParameterException", 400},
		{"CancelQuery", map[string]any{"QueryId": qid}, "InactiveQueryException", 400},
		{"CancelQuery", map[string]any{"QueryId": "00000000-0000-4000-8000-000000000000"}, "QueryIdNotFoundException", 404},
		// CreateEventDataStore
		{"CreateEventDataStore", map[string]any{}, "InvalidParameterException", 400},
		{"CreateEventDataStore", map[string]any{"Name": "ab"}, "InvalidParameterException", 400},
		{"CreateEventDataStore", map[string]any{"Name": "has space"}, "InvalidParameterException", 400},
		{"CreateEventDataStore", map[string]any{"Name": "events"}, "EventDataStoreAlreadyExistsException", 400},
		{"CreateEventDataStore", map[string]any{"Name": "okname", "RetentionPeriod": 5}, "InvalidParameterException", 400},
		{"CreateEventDataStore", map[string]any{"Name": "okname", "RetentionPeriod": 3654}, "InvalidParameterException", 400},
		{"CreateEventDataStore", map[string]any{"Name": "okname", "RetentionPeriod": 3000, "BillingMode": "FIXED_RETENTION_PRICING"}, "InvalidParameterException", 400},
		{"CreateEventDataStore", map[string]any{"Name": "okname", "BillingMode": "CHEAP"}, "InvalidParameterException", 400},
		{"CreateEventDataStore", map[string]any{"Name": "okname", "TagsList": tags}, "InvalidTagParameterException", 400},
		{"CreateEventDataStore", map[string]any{"Name": "okname", "TagsList": []map[string]string{{"Value": "v"}}}, "InvalidTagParameterException", 400},
		{"CreateEventDataStore", map[string]any{"Name": "okname", "KmsKeyId": "alias/x"}, "UnsupportedOperationException", 400},
		{"CreateEventDataStore", map[string]any{"Name": "okname", "MultiRegionEnabled": "yes"}, "SerializationException", 400},
		{"CreateEventDataStore", map[string]any{"Name": "okname", "AdvancedEventSelectors": []any{map[string]any{"FieldSelectors": []any{}}}}, "InvalidEventSelectorsException", 400},
		{"CreateEventDataStore", map[string]any{"Name": "okname", "AdvancedEventSelectors": []any{map[string]any{"FieldSelectors": []any{map[string]any{"Field": "eventName", "Equals": []string{"X"}}}}}}, "InvalidEventSelectorsException", 400},
		{"CreateEventDataStore", map[string]any{"Name": "okname", "AdvancedEventSelectors": []any{map[string]any{"FieldSelectors": []any{map[string]any{"Field": "eventCategory", "Equals": []string{""}}}}}}, "InvalidEventSelectorsException", 400},
		{"CreateEventDataStore", map[string]any{"Name": "00000000-0000-4000-8000-000000000000"}, "InvalidParameterException", 400},
		// GetEventDataStore
		{"GetEventDataStore", map[string]any{}, "InvalidParameterException", 400},
		{"GetEventDataStore", map[string]any{"EventDataStore": "ab"}, "EventDataStoreARNInvalidException", 400},
		{"GetEventDataStore", map[string]any{"EventDataStore": "../../etc/passwd"}, "EventDataStoreNotFoundException", 404},
		{"GetEventDataStore", map[string]any{"EventDataStore": strings.Repeat("a", 257)}, "EventDataStoreARNInvalidException", 400},
		{"GetEventDataStore", map[string]any{"EventDataStore": eds}, "EventDataStoreNotFoundException", 404},
		// ListEventDataStores
		{"ListEventDataStores", map[string]any{"MaxResults": 0}, "InvalidMaxResultsException", 400},
		{"ListEventDataStores", map[string]any{"MaxResults": 1001}, "InvalidMaxResultsException", 400},
		{"ListEventDataStores", map[string]any{"NextToken": "nope"}, "InvalidNextTokenException", 400},
		// UpdateEventDataStore
		{"UpdateEventDataStore", map[string]any{}, "InvalidParameterException", 400},
		{"UpdateEventDataStore", map[string]any{"EventDataStore": "events"}, "InvalidParameterException", 400},
		{"UpdateEventDataStore", map[string]any{"EventDataStore": "events", "RetentionPeriod": 2}, "InvalidParameterException", 400},
		{"UpdateEventDataStore", map[string]any{"EventDataStore": "events", "Name": "x"}, "InvalidParameterException", 400},
		{"UpdateEventDataStore", map[string]any{"EventDataStore": "events", "BillingMode": "FIXED_RETENTION_PRICING"}, "InvalidParameterException", 400},
		{"UpdateEventDataStore", map[string]any{"EventDataStore": eds, "RetentionPeriod": 30}, "EventDataStoreNotFoundException", 404},
		// DeleteEventDataStore
		{"DeleteEventDataStore", map[string]any{}, "InvalidParameterException", 400},
		{"DeleteEventDataStore", map[string]any{"EventDataStore": "events"}, "EventDataStoreTerminationProtectedException", 400},
		{"DeleteEventDataStore", map[string]any{"EventDataStore": eds}, "EventDataStoreNotFoundException", 404},
		// RestoreEventDataStore
		{"RestoreEventDataStore", map[string]any{}, "InvalidParameterException", 400},
		{"RestoreEventDataStore", map[string]any{"EventDataStore": "events"}, "InvalidEventDataStoreStatusException", 400},
		// Start/StopEventDataStoreIngestion
		{"StartEventDataStoreIngestion", map[string]any{}, "InvalidParameterException", 400},
		{"StartEventDataStoreIngestion", map[string]any{"EventDataStore": "events"}, "InvalidEventDataStoreStatusException", 400},
		{"StopEventDataStoreIngestion", map[string]any{"EventDataStore": "x!"}, "EventDataStoreARNInvalidException", 400},
		// StartImport
		{"StartImport", map[string]any{}, "InvalidParameterException", 400},
		{"StartImport", map[string]any{"Destinations": []string{"events", "events"}, "ImportSource": map[string]any{"S3": map[string]any{"S3LocationUri": "/tmp", "S3BucketRegion": "r", "S3BucketAccessRoleArn": "a"}}}, "EventDataStoreARNInvalidException", 400},
		{"StartImport", map[string]any{"Destinations": []string{"events"}, "ImportSource": map[string]any{"S3": map[string]any{"S3LocationUri": "/tmp"}}}, "InvalidImportSourceException", 400},
		{"StartImport", map[string]any{"Destinations": []string{"events"}, "ImportSource": map[string]any{"S3": map[string]any{"S3LocationUri": "relative/dir", "S3BucketRegion": "r", "S3BucketAccessRoleArn": "a"}}}, "InvalidImportSourceException", 400},
		{"StartImport", map[string]any{"Destinations": []string{"events"}, "ImportSource": map[string]any{"S3": map[string]any{"S3LocationUri": "/no/such/dir", "S3BucketRegion": "r", "S3BucketAccessRoleArn": "a"}}}, "InvalidImportSourceException", 400},
		{"StartImport", map[string]any{"ImportId": "00000000-0000-4000-8000-000000000000"}, "ImportNotFoundException", 404},
		{"StartImport", map[string]any{"ImportId": "short"}, "InvalidParameterException", 400},
		// GetImport / StopImport / ListImports / ListImportFailures
		{"GetImport", map[string]any{}, "InvalidParameterException", 400},
		{"GetImport", map[string]any{"ImportId": "00000000-0000-4000-8000-000000000000"}, "ImportNotFoundException", 404},
		{"StopImport", map[string]any{"ImportId": "not-a-uuid-at-all-but-36-chars-long!"}, "InvalidParameterException", 400},
		{"ListImports", map[string]any{"MaxResults": 0}, "InvalidParameterException", 400},
		{"ListImports", map[string]any{"ImportStatus": "DONE"}, "InvalidParameterException", 400},
		{"ListImports", map[string]any{"Destination": "x"}, "EventDataStoreARNInvalidException", 400},
		{"ListImportFailures", map[string]any{}, "InvalidParameterException", 400},
		{"ListImportFailures", map[string]any{"ImportId": "00000000-0000-4000-8000-000000000000", "MaxResults": 1001}, "InvalidParameterException", 400},
		// Dashboards
		{"CreateDashboard", map[string]any{}, "ValidationException", 400},
		{"CreateDashboard", map[string]any{"Name": "a.b"}, "ValidationException", 400},
		{"CreateDashboard", map[string]any{"Name": "dash", "Widgets": []any{map[string]any{"QueryStatement": "SELECT 1"}}}, "ValidationException", 400},
		{"CreateDashboard", map[string]any{"Name": "dash", "Widgets": []any{map[string]any{"QueryStatement": "SELEC 1", "ViewProperties": map[string]string{"View": "Table"}}}}, "InvalidQueryStatementException", 400},
		{"CreateDashboard", map[string]any{"Name": "dash", "Widgets": []any{map[string]any{"QueryStatement": "SELECT 1", "ViewProperties": map[string]string{"V": "Table"}}}}, "ValidationException", 400},
		{"CreateDashboard", map[string]any{"Name": "dash", "RefreshSchedule": map[string]any{"Status": "MAYBE"}}, "ValidationException", 400},
		{"GetDashboard", map[string]any{}, "ValidationException", 400},
		{"GetDashboard", map[string]any{"DashboardId": "nosuch"}, "ResourceNotFoundException", 404},
		{"ListDashboards", map[string]any{"MaxResults": 0}, "ValidationException", 400},
		{"ListDashboards", map[string]any{"Type": "OTHER"}, "ValidationException", 400},
		{"UpdateDashboard", map[string]any{}, "ValidationException", 400},
		{"DeleteDashboard", map[string]any{"DashboardId": "bad id"}, "ValidationException", 400},
		{"StartDashboardRefresh", map[string]any{"DashboardId": "nosuch", "QueryParameterValues": map[string]string{"$StartTime$": "has space"}}, "ValidationException", 400},
		{"StartDashboardRefresh", map[string]any{"DashboardId": "nosuch"}, "ResourceNotFoundException", 404},
	}
	for _, c := range cases {
		h.mustFail(c.op, c.body, c.code, c.status)
	}
	// The message names the member and the constraint, as AWS's does.
	msg := h.mustFail("GetQueryResults", map[string]any{"QueryId": qid, "MaxQueryResults": 5000}, "InvalidMaxResultsException", 400)
	if !strings.Contains(msg, "'maxQueryResults'") || !strings.Contains(msg, "less than or equal to 1000") {
		t.Errorf("message %q", msg)
	}
	msg = h.mustFail("StartQuery", map[string]any{"QueryStatement": "SELECT eventName FROM events WHERE"}, "InvalidQueryStatementException", 400)
	if !strings.HasPrefix(msg, "1:") {
		t.Errorf("syntax error without line:col: %q", msg)
	}
}

// TestProtocolErrors covers what goes wrong before an operation runs.
func TestProtocolErrors(t *testing.T) {
	h := startServer(t, "", Config{MaxBodyBytes: 1 << 10})
	send := func(target string, body []byte) response {
		if target == "" {
			target = "CloudTrail_20131101.ListEventDataStores"
		}
		return h.send(h.signedTarget(target, body, testAKID, testSecret, time.Now()))
	}
	check := func(r response, status int, code string) {
		t.Helper()
		if r.status != status || r.header.Get("X-Amzn-ErrorType") != code || !strings.Contains(string(r.body), `"__type":"`+code+`"`) {
			t.Fatalf("got %d %s %s, want %d %s", r.status, r.header.Get("X-Amzn-ErrorType"), r.body, status, code)
		}
		if r.header.Get("x-amzn-RequestId") == "" || r.header.Get("Content-Type") != jsonContentType {
			t.Fatalf("headers %v", r.header)
		}
	}
	check(send("", []byte(`{"MaxResults":`)), 400, "SerializationException")
	check(send("", []byte(`[1]`)), 400, "SerializationException")
	check(send("", []byte(`{"a":"`+strings.Repeat("x", 2000)+`"}`)), 413, "RequestEntityTooLargeException")
	check(send("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.ListTrails", []byte(`{}`)), 400, "UnsupportedOperationException")
	check(send("CloudTrail_20131101.LookupEvents", []byte(`{}`)), 400, "UnsupportedOperationException")
	check(send("CloudTrail_20131101.MakeCoffee", []byte(`{}`)), 400, "UnknownOperationException")
	check(send("DynamoDB_20120810.ListTables", []byte(`{}`)), 400, "UnknownOperationException")
	// Both target spellings reach the operation; an empty body is {}.
	for _, target := range []string{"CloudTrail_20131101.ListEventDataStores", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.ListEventDataStores"} {
		r := send(target, nil)
		if r.status != 200 || r.header.Get("x-amzn-RequestId") == "" || string(r.body) != "{\"EventDataStores\":[]}\n" {
			t.Fatalf("%s: %d %q", target, r.status, r.body)
		}
	}
}

// TestNoAuth: with NoAuth, unsigned requests (aws --no-sign-request) and
// signed ones both pass.
func TestNoAuth(t *testing.T) {
	h := startServer(t, "", Config{NoAuth: true})
	unsigned := h.send(h.signedTarget("CloudTrail_20131101.ListEventDataStores", []byte(`{}`), "", "", time.Now()))
	signed := h.send(h.signedTarget("CloudTrail_20131101.ListEventDataStores", []byte(`{}`), "AKIDANY", "whatever", time.Now()))
	if unsigned.status != 200 || signed.status != 200 {
		t.Fatalf("unsigned %d %s, signed %d %s", unsigned.status, unsigned.body, signed.status, signed.body)
	}
	out := h.mustOK("CreateEventDataStore", map[string]any{"Name": "noauth"})
	if !strings.Contains(out["EventDataStoreArn"].(string), ":us-east-1:") {
		t.Fatalf("%v", out)
	}
}
