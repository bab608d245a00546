package lakeapi

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ctlake/ctlake/s3io"
)

// fakeSTS answers AssumeRole with fixed temporary credentials and records
// the roles asked for.
type fakeSTS struct {
	mu    sync.Mutex
	roles []string
}

func (f *fakeSTS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	if r.Form.Get("Action") != "AssumeRole" {
		http.Error(w, "unexpected "+r.Form.Get("Action"), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.roles = append(f.roles, r.Form.Get("RoleArn")+" "+r.Form.Get("RoleSessionName"))
	f.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	w.Write([]byte(`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>ASIAASSUMEDROLE</AccessKeyId><SecretAccessKey>assumed-secret</SecretAccessKey><SessionToken>assumed-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>
<AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/import/ctlake</Arn><AssumedRoleId>AROAEXAMPLE:ctlake</AssumedRoleId></AssumedRoleUser>
</AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`))
}

// TestImportS3AssumeRole: with S3AssumeRole the import's
// S3BucketAccessRoleArn is assumed through STS (a fake on loopback) and
// every S3 request is signed with the role's credentials, not the
// server's; an ARN that is not a role's is refused at StartImport. Without
// it, the server's own key reads the bucket and STS is not called.
func TestImportS3AssumeRole(t *testing.T) {
	day0 := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	fake, _ := s3ImportFixture(t, day0)
	sts := &fakeSTS{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ss := &httptest.Server{Listener: ln, Config: &http.Server{Handler: sts}}
	ss.Start()
	defer ss.Close()
	t.Setenv("AWS_ENDPOINT_URL_STS", ss.URL)
	role := "arn:aws:iam::111122223333:role/CloudTrailLakeImport"
	s3opts := s3io.Options{Endpoint: fake.URL, PathStyle: true, MaxBackoff: 20 * time.Millisecond, Timeout: 5 * time.Second}
	for _, assume := range []bool{true, false} {
		fake.Reset()
		h := startServer(t, "", Config{S3: s3opts, S3AssumeRole: assume})
		arn := h.mustOK("CreateEventDataStore", map[string]any{"Name": "role", "AdvancedEventSelectors": []any{
			map[string]any{"Name": "all", "FieldSelectors": []any{map[string]any{"Field": "eventCategory", "Equals": []string{"Management", "Data", "NetworkActivity", "Insight"}}}}}})["EventDataStoreArn"].(string)
		src := map[string]any{"S3": map[string]any{"S3LocationUri": "s3://trail-bucket/", "S3BucketRegion": "us-east-1", "S3BucketAccessRoleArn": "none"}}
		if assume {
			h.mustFail("StartImport", map[string]any{"Destinations": []string{arn}, "ImportSource": src}, "InvalidImportSourceException", 400)
		}
		src["S3"].(map[string]any)["S3BucketAccessRoleArn"] = role
		id := h.mustOK("StartImport", map[string]any{"Destinations": []string{arn}, "ImportSource": src})["ImportId"].(string)
		h.srv.imports.wg.Wait()
		g := h.mustOK("GetImport", map[string]any{"ImportId": id})
		if g["ImportStatus"] != "COMPLETED" || g["ImportStatistics"].(map[string]any)["EventsCompleted"].(float64) != 400 {
			t.Fatalf("assume %v: %v", assume, g)
		}
		want := "AKIDS3TEST"
		if assume {
			want = "ASIAASSUMEDROLE"
		}
		reqs := fake.Requests()
		for _, r := range reqs {
			if r.AccessKey != want {
				t.Fatalf("assume %v: %s %s signed by %q, want %q", assume, r.Op, r.Key, r.AccessKey, want)
			}
		}
		if len(reqs) == 0 {
			t.Fatalf("assume %v: no S3 request", assume)
		}
		sts.mu.Lock()
		roles := append([]string(nil), sts.roles...)
		sts.roles = nil
		sts.mu.Unlock()
		if assume && (len(roles) != 1 || !strings.HasPrefix(roles[0], role+" ctlake-import-"+id[:8])) || !assume && len(roles) != 0 {
			t.Fatalf("assume %v: STS was asked for %q", assume, roles)
		}
		h.stop()
	}
}
