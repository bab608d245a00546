package lakeapi

import (
	"bufio"
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The server's keys live in DATA/api/credentials, in the AWS shared
// credentials format, so that the file itself can be handed to the clients:
//
//	AWS_SHARED_CREDENTIALS_FILE=DATA/api/credentials aws --profile ctlake ...
//
// Every profile in it is a key pair the server accepts. The first `serve`
// creates it with one random pair (mode 0600) and prints that pair once.

// CredentialsProfile is the profile name of the generated key pair.
const CredentialsProfile = "ctlake"

// KeyPair is one static access key.
type KeyPair struct {
	AccessKeyID     string
	SecretAccessKey string
}

// CredentialsPath is the credentials file of a data directory.
func CredentialsPath(dataDir string) string {
	return filepath.Join(dataDir, "api", "credentials")
}

// LoadOrCreateCredentials reads the key pairs of path, creating the file
// with a new random pair when it does not exist (created reports that, so
// the caller can print the pair once).
func LoadOrCreateCredentials(path string) (keys []KeyPair, created bool, err error) {
	keys, err = LoadCredentials(path)
	if err == nil {
		return keys, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	kp, err := NewKeyPair()
	if err != nil {
		return nil, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, err
	}
	text := fmt.Sprintf("# Access keys ctlake serve accepts (one profile per pair). Keep this file private.\n[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n",
		CredentialsProfile, kp.AccessKeyID, kp.SecretAccessKey)
	// O_EXCL: two servers starting at once do not overwrite each other's key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			keys, err := LoadCredentials(path)
			return keys, false, err
		}
		return nil, false, err
	}
	_, werr := f.WriteString(text)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(path)
		return nil, false, fmt.Errorf("%s: %w", path, err)
	}
	return []KeyPair{kp}, true, nil
}

// LoadCredentials reads every profile's key pair from an AWS shared
// credentials file. A file readable by others is refused, as ssh refuses a
// private key anyone can read.
func LoadCredentials(path string) ([]KeyPair, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s: credentials file is readable by other users (mode %v); run chmod 600 on it", path, st.Mode().Perm())
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var keys []KeyPair
	var cur *KeyPair
	section := ""
	flush := func() error {
		if cur == nil {
			return nil
		}
		if cur.AccessKeyID == "" || cur.SecretAccessKey == "" {
			return fmt.Errorf("%s: profile [%s] needs aws_access_key_id and aws_secret_access_key", path, section)
		}
		keys = append(keys, *cur)
		cur = nil
		return nil
	}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		t := strings.TrimSpace(sc.Text())
		switch {
		case t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, ";"):
		case strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]"):
			if err := flush(); err != nil {
				return nil, err
			}
			section = strings.TrimSpace(t[1 : len(t)-1])
			cur = &KeyPair{}
		default:
			k, v, ok := strings.Cut(t, "=")
			if !ok || cur == nil {
				return nil, fmt.Errorf("%s:%d: want key = value inside a [profile]", path, line)
			}
			switch strings.TrimSpace(k) {
			case "aws_access_key_id":
				cur.AccessKeyID = strings.TrimSpace(v)
			case "aws_secret_access_key":
				cur.SecretAccessKey = strings.TrimSpace(v)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if err := flush(); err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s: no key pairs", path)
	}
	return keys, nil
}

// NewKeyPair makes a random key pair shaped like AWS's: a 20-character
// access key ID and a 40-character secret.
func NewKeyPair() (KeyPair, error) {
	var id [10]byte
	var secret [30]byte
	if _, err := rand.Read(id[:]); err != nil {
		return KeyPair{}, err
	}
	if _, err := rand.Read(secret[:]); err != nil {
		return KeyPair{}, err
	}
	akid := "AKCL" + base32.StdEncoding.EncodeToString(id[:])[:16]
	return KeyPair{AccessKeyID: akid, SecretAccessKey: base64.StdEncoding.EncodeToString(secret[:])}, nil
}
