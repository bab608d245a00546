package s3fake

import (
	"os"
	"testing"
)

// TestSetCredentials: the test key pair and region are set, and the
// shared config and credentials files point at nothing, so a user's
// ~/.aws cannot change whom a test signs as.
func TestSetCredentials(t *testing.T) {
	t.Setenv("AWS_PROFILE", "users-own")
	SetCredentials(t, "AKIDENV", "env-secret", "eu-west-1")
	for k, want := range map[string]string{"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_REGION": "eu-west-1", "AWS_PROFILE": "", "AWS_EC2_METADATA_DISABLED": "true"} {
		if got := os.Getenv(k); got != want {
			t.Errorf("%s=%q, want %q", k, got, want)
		}
	}
	for _, k := range []string{"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"} {
		p := os.Getenv(k)
		if _, err := os.Stat(p); p == "" || !os.IsNotExist(err) {
			t.Errorf("%s=%q (%v): want a path to no file", k, p, err)
		}
	}
}
