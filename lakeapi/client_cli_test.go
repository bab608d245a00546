package lakeapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// awsCLI runs the preinstalled AWS CLI against a test server with its own
// config and credentials files (profiles "default" and "wrong"), never the
// user's.
type awsCLI struct {
	t   *testing.T
	env []string
}

func newAWSCLI(t *testing.T) *awsCLI {
	t.Helper()
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("the AWS CLI (aws) is not on PATH: skipping the CLI integration test")
	}
	dir := t.TempDir()
	config := filepath.Join(dir, "config")
	creds := filepath.Join(dir, "credentials")
	os.WriteFile(config, []byte("[default]\nregion = us-east-1\noutput = json\n\n[profile wrong]\nregion = us-east-1\noutput = json\n"), 0o600)
	os.WriteFile(creds, []byte(fmt.Sprintf("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n\n[wrong]\naws_access_key_id = %s\naws_secret_access_key = not-the-secret\n", testAKID, testSecret, testAKID)), 0o600)
	env := []string{"AWS_CONFIG_FILE=" + config, "AWS_SHARED_CREDENTIALS_FILE=" + creds, "AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=", "HOME=" + dir}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "HOME=") {
			env = append(env, kv)
		}
	}
	return &awsCLI{t: t, env: env}
}

// run runs `aws --endpoint-url url cloudtrail args...` and returns its
// exit code, stdout and stderr.
func (c *awsCLI) run(url string, args ...string) (int, []byte, string) {
	c.t.Helper()
	full := append([]string{"--endpoint-url", url, "cloudtrail"}, args...)
	cmd := exec.Command("aws", full...)
	cmd.Env = c.env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		c.t.Fatalf("aws %v: %v", args, err)
	}
	return code, out.Bytes(), errb.String()
}

// ok runs a command that must succeed and decodes its JSON output.
func (c *awsCLI) ok(url string, args ...string) map[string]any {
	c.t.Helper()
	code, out, stderr := c.run(url, args...)
	if code != 0 {
		c.t.Fatalf("aws %v: exit %d: %s", args, code, stderr)
	}
	m := map[string]any{}
	if len(bytes.TrimSpace(out)) > 0 {
		if err := json.Unmarshal(out, &m); err != nil {
			c.t.Fatalf("aws %v: output is not JSON: %s", args, out)
		}
	}
	return m
}

// fails runs a command that must fail with the given error code (exit 255).
func (c *awsCLI) fails(url, code string, args ...string) {
	c.t.Helper()
	exit, _, stderr := c.run(url, args...)
	if exit != 255 || !strings.Contains(stderr, "An error occurred ("+code+")") {
		c.t.Fatalf("aws %v: exit %d, stderr %q; want 255 and %s", args, exit, stderr, code)
	}
}

// TestAWSCLI runs the client flow with the AWS CLI v1.
func TestAWSCLI(t *testing.T) {
	cli := newAWSCLI(t)
	env := newClientEnv(t)
	url := env.h.url
	cr := cli.ok(url, "create-event-data-store", "--name", "cli-store", "--tags-list", "Key=env,Value=test")
	arn := cr["EventDataStoreArn"].(string)
	if cr["TerminationProtectionEnabled"] != true || cr["Status"] != "ENABLED" {
		t.Fatalf("%v", cr)
	}
	src := fmt.Sprintf("S3={S3LocationUri=file://%s,S3BucketRegion=us-east-1,S3BucketAccessRoleArn=arn:aws:iam::000000000000:role/none}", env.logs)
	im := cli.ok(url, "start-import", "--destinations", arn, "--import-source", src)
	var imported float64
	for deadline := time.Now().Add(120 * time.Second); ; {
		g := cli.ok(url, "get-import", "--import-id", im["ImportId"].(string))
		if g["ImportStatus"] == "COMPLETED" {
			imported = g["ImportStatistics"].(map[string]any)["EventsCompleted"].(float64)
			break
		}
		if g["ImportStatus"] == "FAILED" || time.Now().After(deadline) {
			t.Fatalf("import: %v", g)
		}
	}
	id := arn[strings.LastIndex(arn, "/")+1:]
	qid := cli.ok(url, "start-query", "--query-statement", "SELECT eventID, eventName FROM "+id+" ORDER BY eventID")["QueryId"].(string)
	for deadline := time.Now().Add(120 * time.Second); ; {
		d := cli.ok(url, "describe-query", "--query-id", qid)
		if d["QueryStatus"] == "FINISHED" {
			break
		}
		if time.Now().After(deadline) || d["QueryStatus"] == "FAILED" {
			t.Fatalf("query: %v", d)
		}
		time.Sleep(200 * time.Millisecond)
	}
	// The CLI does not page GetQueryResults itself: follow NextToken.
	var rows []any
	args := []string{"get-query-results", "--query-id", qid, "--max-query-results", "97"}
	for pages := 0; ; pages++ {
		p := cli.ok(url, args...)
		rows = append(rows, p["QueryResultRows"].([]any)...)
		next, ok := p["NextToken"].(string)
		if !ok {
			break
		}
		if pages > 100 {
			t.Fatal("no end of pages")
		}
		args = []string{"get-query-results", "--query-id", qid, "--max-query-results", "97", "--next-token", next}
	}
	if float64(len(rows)) != imported || imported == 0 {
		t.Fatalf("%d rows, %v imported", len(rows), imported)
	}
	lq := cli.ok(url, "list-queries", "--event-data-store", arn)
	if qs := lq["Queries"].([]any); len(qs) != 1 || qs[0].(map[string]any)["QueryId"] != qid {
		t.Fatalf("list-queries: %v", lq)
	}
	long := cli.ok(url, "start-query", "--query-statement", "SELECT eventID FROM "+id+" "+holdMarker)["QueryId"].(string)
	env.h.waitStatus(long, "RUNNING")
	if c := cli.ok(url, "cancel-query", "--query-id", long); c["QueryStatus"] != "CANCELLED" {
		t.Fatalf("cancel: %v", c)
	}
	if d := env.h.waitStatus(long); d["QueryStatus"] != "CANCELLED" {
		t.Fatalf("%v", d)
	}
	cli.fails(url, "EventDataStoreTerminationProtectedException", "delete-event-data-store", "--event-data-store", arn)
	cli.fails(url, "QueryIdNotFoundException", "describe-query", "--query-id", "00000000-0000-4000-8000-000000000000")
	cli.fails(url, "InvalidMaxResultsException", "get-query-results", "--query-id", qid, "--max-query-results", "5000")
	// Authentication failures.
	cli.fails(url, "InvalidSignatureException", "--profile", "wrong", "list-event-data-stores")
	cli.fails(url, "MissingAuthenticationToken", "--no-sign-request", "list-event-data-stores")
	cli.fails(env.skewed.url, "InvalidSignatureException", "list-event-data-stores")
}
