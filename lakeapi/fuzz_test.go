package lakeapi

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The parsers of outside input: request bodies (validated against the
// model, then decoded), Authorization headers and NextTokens. None may
// panic; what validation accepts must decode into the handlers' types;
// what a parser returns must be well-formed.

func FuzzValidate(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"QueryStatement": "SELECT 1"}`, `{"QueryId": "3c8a1d6e-0f7b-4a52-9e3d-1b2c3d4e5f60", "MaxQueryResults": 2}`,
		`{"Name": "x", "AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}], "TagsList": [{"Key": "k"}]}`,
		`{"EventDataStore": "arn:aws:cloudtrail:us-east-1:1:eventdatastore/x", "StartTime": 1704067200, "EndTime": "2024-01-02T00:00:00Z"}`,
		`{"Widgets": [{"QueryStatement": "SELECT ?", "ViewProperties": {"View": "Table"}}], "QueryParameterValues": {"$StartTime$": "x"}}`,
		`[1]`, `{"a":`, `null`, `{"MaxResults": 1e400}`,
	} {
		f.Add(0, []byte(s))
	}
	ops := make([]string, 0, len(lakeModel().Operations))
	for op := range lakeModel().Operations {
		ops = append(ops, op)
	}
	f.Fuzz(func(t *testing.T, i int, body []byte) {
		if i < 0 {
			i = -i
		}
		op := ops[i%len(ops)]
		if err := lakeModel().validate(op, body); err != nil {
			if err.Status < 400 || err.Status > 499 || err.Message == "" {
				t.Fatalf("%s: %+v", op, err)
			}
			return
		}
		// Accepted: every handler input type must decode it.
		c := &call{body: body}
		for _, v := range []any{&startQueryIn{}, &describeQueryIn{}, &getResultsIn{}, &listQueriesIn{}, &cancelQueryIn{},
			&createStoreIn{}, &storeRefIn{}, &listStoresIn{}, &updateStoreIn{}, &startImportIn{}, &importIDIn{}, &listImportsIn{}, &dashboardIn{}} {
			if inputOf(op, v) {
				if err := c.decode(v); err != nil {
					t.Fatalf("%s accepted %q but it does not decode: %v", op, body, err)
				}
			}
		}
	})
}

// inputOf reports whether v is the input type of op.
func inputOf(op string, v any) bool {
	switch v.(type) {
	case *startQueryIn:
		return op == "StartQuery"
	case *describeQueryIn:
		return op == "DescribeQuery"
	case *getResultsIn:
		return op == "GetQueryResults"
	case *listQueriesIn:
		return op == "ListQueries"
	case *cancelQueryIn:
		return op == "CancelQuery"
	case *createStoreIn:
		return op == "CreateEventDataStore"
	case *storeRefIn:
		return op == "GetEventDataStore" || op == "DeleteEventDataStore" || op == "RestoreEventDataStore" ||
			op == "StartEventDataStoreIngestion" || op == "StopEventDataStoreIngestion"
	case *listStoresIn:
		return op == "ListEventDataStores"
	case *updateStoreIn:
		return op == "UpdateEventDataStore"
	case *startImportIn:
		return op == "StartImport"
	case *importIDIn:
		return op == "GetImport" || op == "StopImport" || op == "ListImportFailures"
	case *listImportsIn:
		return op == "ListImports"
	case *dashboardIn:
		return op == "CreateDashboard" || op == "GetDashboard" || op == "ListDashboards" || op == "UpdateDashboard" ||
			op == "DeleteDashboard" || op == "StartDashboardRefresh"
	}
	return false
}

func FuzzAuthorization(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/cloudtrail/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + goldenSignature)
	f.Add("AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=, Signature=")
	f.Add("Basic xyz")
	f.Fuzz(func(t *testing.T, h string) {
		r := goldenRequest(goldenBody, goldenSignature)
		r.Header.Set("Authorization", h)
		_, err := goldenVerifier(goldenTime).verify(r, []byte(goldenBody))
		if err == nil && h != goldenRequest(goldenBody, goldenSignature).Header.Get("Authorization") {
			// Another header accepted: it must carry the same signature
			// over the same scope.
			a, perr := parseAuthorization(h)
			if perr != nil || a.Signature != goldenSignature {
				t.Fatalf("accepted %q", h)
			}
		}
	})
}

func FuzzPageToken(f *testing.F) {
	f.Add("3c8a1d6e-0f7b-4a52-9e3d-1b2c3d4e5f60", pageToken("3c8a1d6e-0f7b-4a52-9e3d-1b2c3d4e5f60", 42))
	f.Add("x", "AAAA")
	f.Fuzz(func(t *testing.T, id, token string) {
		off, err := parsePageToken(id, token)
		if err == nil && (off < 0 || pageToken(id, off) != token) {
			t.Fatalf("token %q for %q decodes to %d, which encodes differently", token, id, off)
		}
	})
}

// FuzzReadPage reads pages at arbitrary offsets of a results file: either
// an error or whole rows.
func FuzzReadPage(f *testing.F) {
	dir := f.TempDir()
	path := filepath.Join(dir, "r.ndjson")
	content := []byte("[{\"a\":\"1\"}]\n[{\"a\":\"22\"}]\n[{\"a\":null}]\n")
	if err := os.WriteFile(path, content, 0o600); err != nil {
		f.Fatal(err)
	}
	f.Add(int64(0), 2)
	f.Add(int64(12), 1)
	f.Fuzz(func(t *testing.T, off int64, max int) {
		if max < 1 || max > 1000 || off < 0 {
			return
		}
		rows, n, next, err := readPage(path, int64(len(content)), off, max)
		if err != nil {
			return
		}
		var v []json.RawMessage
		if n > 0 && json.Unmarshal(append(append([]byte("["), rows...), ']'), &v) != nil || len(v) != n || next > int64(len(content)) {
			t.Fatalf("offset %d: %d rows %q next %d", off, n, rows, next)
		}
		if n > 0 && !bytes.HasPrefix(content[off:], rows[:1]) {
			t.Fatal("page does not start at the offset")
		}
	})
}

// TestModelMatchesBotocore re-extracts the model from the installed
// botocore (where there is one) and compares shapes and operations with the
// embedded model.json, so a newer model's changes are noticed.
func TestModelMatchesBotocore(t *testing.T) {
	out, err := exec.Command("python3", "testdata/extract_model.py").Output()
	if err != nil {
		t.Skipf("cannot run testdata/extract_model.py (python3 with botocore needed): %v", err)
	}
	var fresh, embedded serviceModel
	if err := json.Unmarshal(out, &fresh); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(modelJSON, &embedded); err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(fresh)
	b, _ := json.Marshal(embedded)
	if !bytes.Equal(a, b) {
		t.Fatal("the installed botocore's CloudTrail model differs from model.json; regenerate it: python3 lakeapi/testdata/extract_model.py > lakeapi/model.json")
	}
}
