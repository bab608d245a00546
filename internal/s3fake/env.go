package s3fake

import (
	"path/filepath"
	"strings"
	"testing"
)

// CredentialEnv is the environment ("NAME=value" entries) that points the
// AWS SDK's default chain at a static test key pair in region, and away
// from the user's own settings: no profile, no ~/.aws files (config and
// credentials are paths in dir that do not exist), no CA bundle, no
// instance metadata. A child process gets it appended to its environment.
func CredentialEnv(dir, accessKey, secret, region string) []string {
	none := filepath.Join(dir, "none")
	return []string{
		"AWS_ACCESS_KEY_ID=" + accessKey,
		"AWS_SECRET_ACCESS_KEY=" + secret,
		"AWS_SESSION_TOKEN=",
		"AWS_REGION=" + region,
		"AWS_PROFILE=",
		"AWS_CONFIG_FILE=" + none,
		"AWS_SHARED_CREDENTIALS_FILE=" + none,
		"AWS_CA_BUNDLE=",
		"AWS_EC2_METADATA_DISABLED=true",
	}
}

// SetCredentials sets CredentialEnv in this process for the test (restored
// when it ends), so that SDK clients the test makes sign with accessKey.
func SetCredentials(tb testing.TB, accessKey, secret, region string) {
	tb.Helper()
	for _, kv := range CredentialEnv(tb.TempDir(), accessKey, secret, region) {
		k, v, _ := strings.Cut(kv, "=")
		tb.Setenv(k, v)
	}
}
