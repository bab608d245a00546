package ingest

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// kv is one map entry as the tests see it; a nil Value is NULL.
type kv struct {
	Key   string
	Value any
}

// cell converts row i of a to plain Go values: nil, string, bool, int64
// (timestamps), []kv (maps), map[string]any (structs), []any (lists).
func cell(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch a := a.(type) {
	case *array.String:
		return a.Value(i)
	case *array.Boolean:
		return a.Value(i)
	case *array.Timestamp:
		return int64(a.Value(i))
	case *array.Map:
		out := []kv{}
		start, end := a.ValueOffsets(i)
		for j := int(start); j < int(end); j++ {
			out = append(out, kv{cell(a.Keys(), j).(string), cell(a.Items(), j)})
		}
		return out
	case *array.List:
		out := []any{}
		start, end := a.ValueOffsets(i)
		for j := int(start); j < int(end); j++ {
			out = append(out, cell(a.ListValues(), j))
		}
		return out
	case *array.Struct:
		out := map[string]any{}
		st := a.DataType().(*arrow.StructType)
		for f := 0; f < a.NumField(); f++ {
			if v := cell(a.Field(f), i); v != nil {
				out[st.Field(f).Name] = v
			}
		}
		return out
	}
	panic("cell: " + a.DataType().String())
}

// decodeOne decodes one event and returns its row as column name -> value
// (NULL columns absent), or the Parse error.
func decodeOne(t *testing.T, opts Options, js string) (map[string]any, error) {
	t.Helper()
	d := NewDecoder(opts)
	ev, err := d.Parse([]byte(js))
	if err != nil {
		return nil, err
	}
	b := NewBuilder()
	defer b.Release()
	b.Append(ev)
	rec := b.NewRecord()
	defer rec.Release()
	row := map[string]any{}
	for c := 0; c < int(rec.NumCols()); c++ {
		if v := cell(rec.Column(c), 0); v != nil {
			row[rec.ColumnName(c)] = v
		}
	}
	return row, nil
}

func ns(s string) int64 {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UnixNano()
}

const t0 = `"eventTime":"2023-07-10T11:45:03Z"`

func TestDecodeRules(t *testing.T) {
	cases := []struct {
		name string
		js   string
		col  string
		want any // nil: column is NULL
	}{
		{"eventJson compacts whitespace only", "{ \"a\" : [1, 2.50, {\"b\" : \"x  y\\\"} \\u00e9\"}] ,\n " + t0 + " }",
			"eventJson", `{"a":[1,2.50,{"b":"x  y\"} \u00e9"}],` + t0 + `}`},
		{"eventTime Z", `{` + t0 + `}`, "eventTime", ns("2023-07-10T11:45:03Z")},
		{"eventTime offset", `{"eventTime":"2023-07-10T13:45:03.5+02:00"}`, "eventTime", ns("2023-07-10T11:45:03.5Z")},
		{"eventTime space form", `{"eventTime":"2025-01-21 17:49:47.000000001"}`, "eventTime", ns("2025-01-21T17:49:47.000000001Z")},
		{"string as is", `{` + t0 + `,"eventSource":"a\u00e9\n"}`, "eventSource", "aé\n"},
		{"eventJson keeps escapes of decoded fields", `{` + t0 + `,"eventSource":"a\u00e9\n","userIdentity":{"arn":"\/x"}}`,
			"eventJson", `{` + t0 + `,"eventSource":"a\u00e9\n","userIdentity":{"arn":"\/x"}}`},
		{"number as text", `{` + t0 + `,"eventSource":123.50}`, "eventSource", "123.50"},
		{"bool as text", `{` + t0 + `,"eventName":true}`, "eventName", "true"},
		{"object as compact text", `{` + t0 + `,"errorCode":{"a": [1, "b"]}}`, "errorCode", `{"a":[1,"b"]}`},
		{"null string", `{` + t0 + `,"awsRegion":null}`, "awsRegion", nil},
		{"absent string", `{` + t0 + `}`, "awsRegion", nil},
		{"readOnly true", `{` + t0 + `,"readOnly":true}`, "readOnly", true},
		{"readOnly TRUE string", `{` + t0 + `,"readOnly":"TRUE"}`, "readOnly", true},
		{"readOnly False string", `{` + t0 + `,"readOnly":"False"}`, "readOnly", false},
		{"readOnly other string", `{` + t0 + `,"readOnly":"yes"}`, "readOnly", nil},
		{"managementEvent number", `{` + t0 + `,"managementEvent":1}`, "managementEvent", nil},
		{"map rules", `{` + t0 + `,"requestParameters":{"s":"x","n":5,"b":false,"z":null,"o":{"k": [1, {"a":"b"}]},"Tagging":{},"tagging":""}}`,
			"requestParameters", []kv{{"s", "x"}, {"n", "5"}, {"b", "false"}, {"z", nil}, {"o", `{"k":[1,{"a":"b"}]}`}, {"Tagging", "{}"}, {"tagging", ""}}},
		{"map empty", `{` + t0 + `,"responseElements":{}}`, "responseElements", []kv{}},
		{"map null", `{` + t0 + `,"responseElements":null}`, "responseElements", nil},
		{"map non-object", `{` + t0 + `,"additionalEventData":"x"}`, "additionalEventData", nil},
		{"map array", `{` + t0 + `,"serviceEventDetails":[1]}`, "serviceEventDetails", nil},
		{"map escaped key", `{` + t0 + `,"addendum":{"re\u0061son":"x"}}`, "addendum", []kv{{"reason", "x"}}},
		{"map nested keeps escapes", `{` + t0 + `,"insightDetails":{"o":{"k":"a\"b\u00e9"}}}`, "insightDetails", []kv{{"o", `{"k":"a\"b\u00e9"}`}}},
		{"struct exact and fold", `{` + t0 + `,"userIdentity":{"principalid":"low","type":"IAMUser","accountid":"fold","accountId":"exact","unknown":1,"ARN":"A"}}`,
			"userIdentity", map[string]any{"principalId": "low", "type": "IAMUser", "accountId": "exact", "arn": "A"}},
		{"struct fold first wins", `{` + t0 + `,"tlsDetails":{"TLSVERSION":"a","tlsversion":"b"}}`,
			"tlsDetails", map[string]any{"tlsVersion": "a"}},
		{"struct nested", `{` + t0 + `,"userIdentity":{"sessionContext":{"attributes":{"creationDate":"2023-07-10T11:00:00Z","mfaAuthenticated":false},"sessionIssuer":{},"webIdFederationData":{"attributes":{"x":1}}}}}`,
			"userIdentity", map[string]any{"sessionContext": map[string]any{
				"attributes":          map[string]any{"creationDate": ns("2023-07-10T11:00:00Z"), "mfaAuthenticated": "false"},
				"sessionIssuer":       map[string]any{},
				"webIdFederationData": map[string]any{"attributes": []kv{{"x", "1"}}}}}},
		{"struct bad creationDate", `{` + t0 + `,"userIdentity":{"sessionContext":{"attributes":{"creationDate":"soon"}}}}`,
			"userIdentity", map[string]any{"sessionContext": map[string]any{"attributes": map[string]any{}}}},
		{"struct non-object", `{` + t0 + `,"userIdentity":"root"}`, "userIdentity", nil},
		{"struct null", `{` + t0 + `,"tlsDetails":null}`, "tlsDetails", nil},
		{"resources", `{` + t0 + `,"resources":[{"ARN":"a1","type":"T"},{"arn":"a2","accountId":7},"str"]}`,
			"resources", []any{map[string]any{"ARN": "a1", "type": "T"}, map[string]any{"ARN": "a2", "accountId": "7"}, nil}},
		{"resources empty", `{` + t0 + `,"resources":[]}`, "resources", []any{}},
		{"resources null", `{` + t0 + `,"resources":null}`, "resources", nil},
		{"resources object", `{` + t0 + `,"resources":{"ARN":"x"}}`, "resources", nil},
		{"checksum stays NULL", `{` + t0 + `,"eventJsonChecksum":"abc"}`, "eventJsonChecksum", nil},
		{"insight keeps top-level columns", `{` + t0 + `,"eventCategory":"Insight","insightDetails":{"eventSource":"ec2.amazonaws.com"}}`, "eventSource", nil},
		{"top-level fold", `{"EVENTTIME":"2023-07-10T11:45:03Z","EventName":"X"}`, "eventName", "X"},
	}
	for _, c := range cases {
		row, err := decodeOne(t, Options{}, c.js)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := row[c.col]; !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %s = %#v, want %#v", c.name, c.col, got, c.want)
		}
	}
}

func TestDecodeInstancesSetLike(t *testing.T) {
	// The official sample query element_at(responseElements,'instancesSet')
	// like '%"instanceId":"i-b188560f"%' needs compact nested JSON.
	js := `{` + t0 + `,"responseElements":{"instancesSet": {"items": [ {"instanceId": "i-b188560f"} ]}}}`
	row, err := decodeOne(t, Options{}, js)
	if err != nil {
		t.Fatal(err)
	}
	v := row["responseElements"].([]kv)[0].Value.(string)
	if !strings.Contains(v, `"instanceId":"i-b188560f"`) {
		t.Errorf("instancesSet = %s", v)
	}
}

func TestDecodeRejects(t *testing.T) {
	cases := []struct {
		name, js, reason string
		opts             Options
	}{
		{"invalid UTF-8", "{" + t0 + ",\"a\":\"\xff\"}", "invalid UTF-8 at byte 41", Options{}},
		{"missing eventTime", `{"eventName":"x"}`, "no parseable eventTime (absent)", Options{}},
		{"null eventTime", `{"eventTime":null}`, "no parseable eventTime (null)", Options{}},
		{"garbled eventTime", `{"eventTime":"redacted"}`, `no parseable eventTime ("redacted")`, Options{}},
		{"numeric eventTime", `{"eventTime":1688989503}`, "no parseable eventTime (1688989503)", Options{}},
		{"fallback also bad", `{"@timestamp":"x"}`, "no parseable eventTime", Options{TimeField: "@timestamp"}},
		{"invalid JSON", `{"eventTime":"2023-07-10T11:45:03Z","a":tru}`, "invalid JSON", Options{}},
		{"NaN is not JSON", `{"eventTime":"2023-07-10T11:45:03Z","a":NaN}`, "invalid JSON", Options{}},
		{"control char in string", "{\"eventTime\":\"2023-07-10T11:45:03Z\",\"a\":\"\x01\"}", "invalid JSON", Options{}},
		{"not an object", `[1]`, "not a JSON object", Options{}},
	}
	for _, c := range cases {
		_, err := decodeOne(t, c.opts, c.js)
		if err == nil || !strings.Contains(err.Error(), c.reason) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.reason)
		}
	}
}

func TestDecodeTimeFallback(t *testing.T) {
	opts := Options{TimeField: "@timestamp"}
	row, err := decodeOne(t, opts, `{"@timestamp":"2020-09-14T00:44:20.000Z","eventName":"X"}`)
	if err != nil {
		t.Fatal(err)
	}
	if row["eventTime"] != ns("2020-09-14T00:44:20Z") {
		t.Errorf("eventTime = %v", row["eventTime"])
	}
	// A parseable eventTime wins over the fallback.
	row, _ = decodeOne(t, opts, `{"@timestamp":"2020-09-14T00:44:20Z",`+t0+`}`)
	if row["eventTime"] != ns("2023-07-10T11:45:03Z") {
		t.Errorf("eventTime = %v", row["eventTime"])
	}
	row, _ = decodeOne(t, Options{TimeField: "meta.at"}, `{"meta":{"at":"2020-09-14 00:44:20"}}`)
	if row["eventTime"] != ns("2020-09-14T00:44:20Z") {
		t.Errorf("dotted fallback: eventTime = %v", row["eventTime"])
	}
}

func TestParseTime(t *testing.T) {
	good := []struct{ in, ref string }{
		{"2023-07-10T11:45:03Z", "2023-07-10T11:45:03Z"},
		{"2023-07-10T11:45:03.123Z", "2023-07-10T11:45:03.123Z"},
		{"2023-07-10T11:45:03.123456789Z", "2023-07-10T11:45:03.123456789Z"},
		{"2023-07-10T11:45:03.1234567891Z", "2023-07-10T11:45:03.123456789Z"},
		{"2023-07-10T11:45:03+02:00", "2023-07-10T11:45:03+02:00"},
		{"2023-07-10T11:45:03-0530", "2023-07-10T11:45:03-05:30"},
		{"2023-07-10T11:45:03+01", "2023-07-10T11:45:03+01:00"},
		{"2023-07-10T11:45:03", "2023-07-10T11:45:03Z"},
		{"2023-07-10 11:45:03", "2023-07-10T11:45:03Z"},
		{"2021-01-24 04:55:45.000", "2021-01-24T04:55:45Z"},
		{"2024-02-29T23:59:59Z", "2024-02-29T23:59:59Z"},
		{"1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"},
		{"1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59.5Z"},
		{"2000-03-01T00:00:00Z", "2000-03-01T00:00:00Z"},
	}
	for _, c := range good {
		got, ok := parseTime([]byte(c.in))
		if !ok || got != ns(c.ref) {
			t.Errorf("parseTime(%q) = %d, %v; want %d", c.in, got, ok, ns(c.ref))
		}
	}
	bad := []string{"", "redacted", "...", "2023-07-10", "2023-13-10T11:45:03Z", "2023-02-29T11:45:03Z",
		"2023-07-10T24:00:00Z", "2023-07-10T11:45:03.Z", "2023-07-10T11:45:03 Z", "2023-07-10X11:45:03Z",
		"2023-07-10T11:45:03+2:00", "1600-01-01T00:00:00Z", "2023-07-1OT11:45:03Z"}
	for _, s := range bad {
		if _, ok := parseTime([]byte(s)); ok {
			t.Errorf("parseTime(%q) accepted", s)
		}
	}
}

func TestEventAccessors(t *testing.T) {
	d := NewDecoder(Options{})
	ev, err := d.Parse([]byte(`{` + t0 + `,"eventID":"id-1","eventSource":"s3.amazonaws.com","readOnly":"True",
		"userIdentity":{"ARN":"arn:u"},"resources":[{"ARN":"a1","type":"AWS::S3::Object"},{"arn":"a2"},{"type":"T3"}],
		"errorCode":null,"sessionCredentialFromConsole":true,"vpcEndpointId":7}`))
	if err != nil {
		t.Fatal(err)
	}
	if ev.Time() != ns("2023-07-10T11:45:03Z") {
		t.Errorf("Time = %d", ev.Time())
	}
	if id, ok := ev.ID(); !ok || string(id) != "id-1" {
		t.Errorf("ID = %q, %v", id, ok)
	}
	cases := []struct {
		field string
		want  []string
	}{
		{"eventSource", []string{"s3.amazonaws.com"}},
		{"EVENTSOURCE", []string{"s3.amazonaws.com"}},
		{"readOnly", []string{"true"}},
		{"userIdentity.arn", []string{"arn:u"}},
		{"resources.ARN", []string{"a1", "a2"}},
		{"resources.type", []string{"AWS::S3::Object", "T3"}},
		{"errorCode", nil},
		{"eventName", nil},
		{"sessionCredentialFromConsole", []string{"true"}},
		{"vpcEndpointId", []string{"7"}},
	}
	for _, c := range cases {
		f, err := ParseField(c.field)
		if err != nil {
			t.Errorf("%s: %v", c.field, err)
			continue
		}
		if got := ev.Strings(f); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s = %q, want %q", c.field, got, c.want)
		}
	}
	for _, bad := range []string{"nope", "requestParameters", "userIdentity.sessionContext", "eventName.x", "resources.nope"} {
		if _, err := ParseField(bad); err == nil {
			t.Errorf("ParseField(%q) accepted", bad)
		}
	}
	if _, err := d.Parse([]byte(`{"eventName":"x"}`)); err == nil {
		t.Error("Parse without eventTime accepted")
	}
	ev, _ = d.Parse([]byte(`{` + t0 + `}`))
	if _, ok := ev.ID(); ok {
		t.Error("ID present on an event without eventID")
	}
}
