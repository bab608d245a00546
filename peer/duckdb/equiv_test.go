package duckpeer

import (
	"context"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// equivalence is one row of the README's "CloudTrail Lake (Trino) ↔ DuckDB"
// table: the DuckDB form is run on the trio and must give want, worked out
// by hand from the fixture texts (and, for the Lake form, from Trino's
// documented semantics; the Lake form is not run here).
type equivalence struct {
	construct string
	lake      string // CloudTrail Lake / Trino form (documentation only)
	duck      string // DuckDB form, a full query returning one row
	want      []any
}

var equivalences = []equivalence{
	{"map value", `element_at(requestParameters, 'bucketName')`,
		`SELECT requestParameters->>'bucketName' FROM events WHERE eventID = 'e1'`, []any{"b1"}},
	{"map value, other spelling", `requestParameters['bucketName']`,
		`SELECT json_extract_string(requestParameters, '$.bucketName') FROM events WHERE eventID = 'e1'`, []any{"b1"}},
	{"map value, missing key", `element_at(requestParameters, 'nope')`,
		`SELECT requestParameters->>'nope' FROM events WHERE eventID = 'e1'`, []any{nil}},
	{"map keys are case-sensitive", `element_at(requestParameters, 'host')`,
		`SELECT requestParameters->>'host', requestParameters->>'Host' FROM events WHERE eventID = 'e1'`,
		[]any{nil, "b1.s3.amazonaws.com"}},
	// ctlake keeps the source text of nested values ({"k":[1,2],"z":"\u00e9"},
	// "1.50"); DuckDB re-serializes them: escapes decoded, numbers respelt.
	{"map value holding an object", `element_at(requestParameters, 'nested')`,
		`SELECT requestParameters->>'nested' FROM events WHERE eventID = 'e1'`, []any{`{"k":[1,2],"z":"é"}`}},
	{"map value holding a number", `element_at(requestParameters, 'n')`,
		`SELECT requestParameters->>'n', requestParameters->>'maxCount' FROM events WHERE eventID IN ('e1', 'e3') ORDER BY eventID LIMIT 1`,
		[]any{"1.5", nil}},
	{"number kept as text", `element_at(requestParameters, 'maxCount')`,
		`SELECT requestParameters->>'maxCount' FROM events WHERE eventID = 'e3'`, []any{"2"}},
	{"empty string value", `element_at(requestParameters, 'acl')`,
		`SELECT requestParameters->>'acl' FROM events WHERE eventID = 'e1'`, []any{""}},
	{"JSON path into a map value", `json_extract_scalar(element_at(requestParameters, 'nested'), '$.k[1]')`,
		`SELECT json_extract_string(requestParameters, '$.nested.k[1]') FROM events WHERE eventID = 'e1'`, []any{"2"}},
	// Trino's json_extract_scalar is NULL on an object; DuckDB's
	// json_extract_string returns the object's text.
	{"JSON path to an object", `json_extract_scalar(element_at(requestParameters, 'nested'), '$')  -- NULL`,
		`SELECT json_extract_string(requestParameters, '$.nested') FROM events WHERE eventID = 'e1'`, []any{`{"k":[1,2],"z":"é"}`}},
	{"scalar-only JSON path", `json_extract_scalar(x, '$.a')`,
		`SELECT CASE WHEN json_type(requestParameters, '$.nested') NOT IN ('OBJECT', 'ARRAY') THEN json_extract_string(requestParameters, '$.nested') END FROM events WHERE eventID = 'e1'`,
		[]any{nil}},
	{"struct field", `userIdentity.arn`,
		`SELECT userIdentity->>'arn' FROM events WHERE eventID = 'e2'`, []any{"arn:aws:sts::111122223333:assumed-role/r1/s"}},
	{"nested struct field", `userIdentity.sessionContext.sessionIssuer.userName`,
		`SELECT userIdentity->>'$.sessionContext.sessionIssuer.userName' FROM events WHERE eventID = 'e1'`, []any{"r1"}},
	{"nested struct field, function form", `userIdentity.sessionContext.sessionIssuer.userName`,
		`SELECT json_extract_string(userIdentity, '$.sessionContext.sessionIssuer.userName') FROM events WHERE eventID = 'e1'`, []any{"r1"}},
	{"struct field, ctlake's case rule", `userIdentity.sessionContext.sessionIssuer.userName`,
		`SELECT ct_field(ct_object(ct_object(userIdentity, 'SessionContext'), 'sessionissuer'), 'userName') FROM events WHERE eventID = 'e1'`, []any{"r1"}},
	// ctlake types creationDate as a timestamp; in DuckDB it is text in JSON.
	{"nested timestamp", `userIdentity.sessionContext.attributes.creationDate`,
		`SELECT CAST(userIdentity->>'$.sessionContext.attributes.creationDate' AS TIMESTAMP_NS) FROM events WHERE eventID = 'e1'`,
		[]any{utc("2024-03-01T09:00:00Z")}},
	// Trino arrays are 1-based, DuckDB JSON arrays 0-based.
	{"array element field", `element_at(resources, 1).ARN`,
		`SELECT resources->0->>'ARN' FROM events WHERE eventID = 'e1'`, []any{"arn:aws:s3:::b1"}},
	{"array element field, path form", `resources[2].type`,
		`SELECT resources->>'$[1].type' FROM events WHERE eventID = 'e1'`, []any{"AWS::S3::Object"}},
	{"array element past the end", `element_at(resources, 1).ARN`,
		`SELECT resources->0->>'ARN' FROM events WHERE eventID = 'e5'`, []any{nil}},
	{"array length", `cardinality(resources)`,
		`SELECT json_array_length(resources) FROM events WHERE eventID = 'e1'`, []any{int64(2)}},
	{"array length, empty and absent", `cardinality(resources)`,
		`SELECT json_array_length(r5.resources), json_array_length(r2.resources) FROM events r5, events r2 WHERE r5.eventID = 'e5' AND r2.eventID = 'e2'`,
		[]any{int64(0), nil}},
	{"map size", `cardinality(requestParameters)`,
		`SELECT len(json_keys(requestParameters)) FROM events WHERE eventID = 'e1'`, []any{int64(5)}},
	{"map keys", `map_keys(requestParameters)`,
		`SELECT json_keys(requestParameters) FROM events WHERE eventID = 'e2'`, []any{`["bucketName","key"]`}},
	{"count distinct", `count(DISTINCT userIdentity.arn)`,
		`SELECT count(DISTINCT userIdentity->>'arn') FROM events`, []any{int64(3)}},
	{"approximate distinct", `approx_distinct(eventSource)`,
		`SELECT approx_count_distinct(eventSource) FROM events`, []any{int64(4)}},
	{"any value", `arbitrary(eventSource)`,
		`SELECT any_value(eventSource), arbitrary(eventSource) FROM events WHERE eventName = 'GetUser'`,
		[]any{"iam.amazonaws.com", "iam.amazonaws.com"}},
	{"truncate time", `date_trunc('hour', eventTime)`,
		`SELECT date_trunc('hour', eventTime) FROM events WHERE eventID = 'e2'`, []any{utc("2024-03-01T10:00:00Z")}},
	// Trino's date_diff counts whole units elapsed (DuckDB date_sub);
	// DuckDB's date_diff counts unit boundaries crossed. 10:20:30 to
	// 11:00:00.12: 0 whole hours, 1 boundary.
	{"whole units between times", `date_diff('hour', a.eventTime, b.eventTime)`,
		`SELECT date_sub('hour', a.eventTime, b.eventTime), date_diff('hour', a.eventTime, b.eventTime) FROM events a, events b WHERE a.eventID = 'e1' AND b.eventID = 'e3'`,
		[]any{int64(0), int64(1)}},
	{"seconds between times", `date_diff('second', a.eventTime, b.eventTime)`,
		`SELECT date_sub('second', a.eventTime, b.eventTime) FROM events a, events b WHERE a.eventID = 'e1' AND b.eventID = 'e3'`,
		[]any{int64(2370)}},
	{"time vs string literal", `eventTime > '2024-03-01 11:00:00'`,
		`SELECT count(*) FROM events WHERE eventTime > '2024-03-01 11:00:00'`, []any{int64(2)}},
	{"time vs timestamp literal", `eventTime >= timestamp '2024-03-01 10:59:59.500'`,
		`SELECT count(*) FROM events WHERE eventTime >= TIMESTAMP '2024-03-01 10:59:59.500'`, []any{int64(3)}},
	{"time range", `eventTime BETWEEN '2024-03-01 10:00:00' AND '2024-03-01 11:00:00'`,
		`SELECT count(*) FROM events WHERE eventTime BETWEEN '2024-03-01 10:00:00' AND '2024-03-01 11:00:00'`, []any{int64(3)}},
	{"format time", `date_format(eventTime, '%Y-%m-%d %H:%i')`,
		`SELECT strftime(eventTime, '%Y-%m-%d %H:%M') FROM events WHERE eventID = 'e1'`, []any{"2024-03-01 10:20"}},
	{"parse ISO time", `from_iso8601_timestamp('2024-03-01T12:00:00+02:00')`,
		`SELECT CAST('2024-03-01T12:00:00+02:00' AS TIMESTAMPTZ)`, []any{utc("2024-03-01T10:00:00Z")}},
	{"Unix seconds", `to_unixtime(eventTime)`,
		`SELECT epoch(eventTime) FROM events WHERE eventID = 'e2'`, []any{1709290799.5}},
	{"LIKE", `eventName LIKE 'Get%'`,
		`SELECT count(*) FROM events WHERE eventName LIKE 'Get%'`, []any{int64(3)}},
	{"LIKE is case-sensitive", `eventName LIKE 'get%'`,
		`SELECT count(*) FROM events WHERE eventName LIKE 'get%'`, []any{int64(0)}},
	{"regular expression search", `regexp_like(eventName, 'Instances$')`,
		`SELECT count(*) FROM events WHERE regexp_matches(eventName, 'Instances$')`, []any{int64(1)}},
	{"regular expression, unanchored", `regexp_like(eventName, 'Bucket')`,
		`SELECT count(*) FROM events WHERE regexp_matches(eventName, 'Bucket')`, []any{int64(1)}},
	// ->> binds more loosely than AND, NOT and = in DuckDB's grammar:
	// always parenthesize it (see TestArrowPrecedence).
	{"JSON field in a condition", `userIdentity.type = 'IAMUser' AND readOnly`,
		`SELECT count(*) FROM events WHERE (userIdentity->>'type') = 'IAMUser' AND readOnly`, []any{int64(1)}},
	{"boolean column", `readOnly = true`,
		`SELECT count(*) FROM events WHERE readOnly = true`, []any{int64(2)}},
	{"null test", `errorCode IS NOT NULL`,
		`SELECT count(*) FROM events WHERE errorCode IS NOT NULL`, []any{int64(1)}},
	{"group by with ordering", `SELECT eventSource, count(*) ... GROUP BY 1 ORDER BY 2 DESC, 1`,
		`SELECT list(eventSource || '=' || c ORDER BY c DESC, eventSource) FROM (SELECT eventSource, count(*) c FROM events GROUP BY 1)`,
		[]any{`["s3.amazonaws.com=2","ec2.amazonaws.com=1","iam.amazonaws.com=1","sts.amazonaws.com=1"]`}},
}

func TestEquivalences(t *testing.T) {
	p := trioPeer(t)
	for _, e := range equivalences {
		got := queryOne(t, p, e.duck)
		if !reflect.DeepEqual(got, e.want) {
			t.Errorf("%s: %s\n got %#v\nwant %#v", e.construct, e.duck, got, e.want)
		}
	}
}

var codeSpan = regexp.MustCompile("`([^`]+)`")

// TestREADMEFormsAreTested keeps the README's table honest: every DuckDB
// form it shows (the third cell of each table row) must be part of a query
// run by TestEquivalences.
func TestREADMEFormsAreTested(t *testing.T) {
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, e := range equivalences {
		all.WriteString(e.duck)
		all.WriteString("\n")
	}
	inTable, rows := false, 0
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "| Construct |") {
			inTable = true
			continue
		}
		if !inTable {
			continue
		}
		if !strings.HasPrefix(line, "|") {
			inTable = false
			continue
		}
		cells := strings.Split(line, "|")
		if len(cells) < 4 || strings.HasPrefix(strings.TrimSpace(cells[1]), "---") {
			continue
		}
		rows++
		forms := codeSpan.FindAllStringSubmatch(cells[3], -1)
		if len(forms) == 0 {
			t.Errorf("README row without a DuckDB form: %s", line)
		}
		for _, m := range forms {
			if form := m[1]; !strings.Contains(all.String(), form) {
				t.Errorf("README DuckDB form %q is not run by TestEquivalences", form)
			}
		}
	}
	if rows < 20 {
		t.Errorf("README equivalence table has %d rows; the test expects the full table", rows)
	}
}

// TestArrowPrecedence pins down a trap for anyone translating Lake SQL:
// DuckDB parses "a AND j->>'k' = 'v'" as "(a AND j) ->> ('k' = 'v')", so
// the unparenthesized form fails (or worse, means something else). If a
// DuckDB upgrade changes this, the README's advice can be relaxed.
func TestArrowPrecedence(t *testing.T) {
	p := trioPeer(t)
	ctx := context.Background()
	_, _, err := p.Query(ctx, `SELECT count(*) FROM events WHERE readOnly AND userIdentity->>'type' = 'IAMUser'`)
	if err == nil {
		t.Error("unparenthesized ->> after AND ran; DuckDB's precedence changed, revisit the README")
	}
	row := queryOne(t, p, `SELECT count(*) FROM events WHERE readOnly AND (userIdentity->>'type') = 'IAMUser'`)
	if row[0] != int64(1) {
		t.Errorf("parenthesized: %v, want 1", row[0])
	}
	row = queryOne(t, p, `SELECT count(*) FROM events WHERE readOnly AND json_extract_string(userIdentity, '$.type') = 'IAMUser'`)
	if row[0] != int64(1) {
		t.Errorf("function form: %v, want 1", row[0])
	}
}
