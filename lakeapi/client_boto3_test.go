package lakeapi

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBoto3 runs the client flow from testdata/boto3_flow.py.
func TestBoto3(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not on PATH: skipping the boto3 integration test")
	}
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		t.Skip("boto3 is not installed for python3: skipping the boto3 integration test")
	}
	env := newClientEnv(t)
	cmd := exec.Command("python3", "testdata/boto3_flow.py", env.h.url, env.skewed.url, env.logs)
	cmd.Env = append(cmd.Environ(), "AWS_CONFIG_FILE=/nonexistent", "AWS_SHARED_CREDENTIALS_FILE=/nonexistent", "AWS_EC2_METADATA_DISABLED=true")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "ok\n") {
		t.Fatalf("boto3 flow: %v\n%s", err, out)
	}
	t.Logf("boto3 flow: %s", strings.TrimSpace(strings.TrimPrefix(string(out), "ok\n")))
}
