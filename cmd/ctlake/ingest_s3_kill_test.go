package main

import (
	"context"
	"io/fs"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ctlake/ctlake/gen"
	"github.com/ctlake/ctlake/internal/s3fake"
	"github.com/ctlake/ctlake/internal/testenv"
	"github.com/ctlake/ctlake/orcstore"
)

const killBucket = "killed-trail"

// s3ChildEnv is the environment of a ctlake child process talking to the
// test's S3 server with test credentials, away from the user's ~/.aws.
func s3ChildEnv(t *testing.T) []string {
	env := append(os.Environ(), "CTLAKE_AS_MAIN=1")
	return append(env, s3fake.CredentialEnv(t.TempDir(), "AKIDKILLTEST", "kill-secret", "us-east-1")...)
}

// TestS3IngestSurvivesKill9 kills `ctlake ingest s3://...` with SIGKILL at
// random instants (8 rounds; CTLAKE_KILL_SOAK=N for more) and checks after
// each that the store holds exactly the events of the objects its source
// log records (no object recorded without its events, no events of an
// unrecorded object), that no object recorded in an earlier round is
// fetched again, and finally that a rerun completes the store exactly,
// each object recorded once.
func TestS3IngestSurvivesKill9(t *testing.T) {
	rounds := 8
	if v := os.Getenv("CTLAKE_KILL_SOAK"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("CTLAKE_KILL_SOAK=%q: %v", v, err)
		}
		rounds = n
	}
	tmp := t.TempDir()
	in := filepath.Join(tmp, "in")
	sum, err := gen.Write(context.Background(), gen.Config{Events: 2000, Seed: 12, Days: 2, Duplicates: 0.1, Workers: 1}, gen.LayoutS3, in)
	if err != nil {
		t.Fatal(err)
	}
	srv := s3fake.Start(t)
	srv.CreateBucket(t, killBucket)
	perObject := map[string]map[string]bool{} // s3:// URL → eventIDs
	filepath.WalkDir(in, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(in, p)
		key := filepath.ToSlash(rel)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		srv.Put(t, killBucket, key, b)
		if !strings.Contains(key, "Digest") {
			perObject["s3://"+killBucket+"/"+key] = gzIDs(t, p)
		}
		return nil
	})

	data := filepath.Join(tmp, "data")
	cat := killedCatalog(t, data)
	env := s3ChildEnv(t)
	args := []string{"ingest", "--data", data, "--store", "killed", "--memory-limit", "1MiB", "--quiet",
		"--endpoint-url", srv.URL, "--path-style", "s3://" + killBucket + "/"}
	command := func(args ...string) *exec.Cmd {
		exe, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		c := exec.Command(exe, args...)
		c.Env = env
		return c
	}

	recorded := map[string]bool{} // committed before the current round
	check := func(round int) {
		s, m, got := committedEvents(t, cat, round)
		want := map[string]bool{}
		seenKey := map[string]bool{}
		err := s.Sources(m, func(o orcstore.SourceObject) {
			if seenKey[o.Key] {
				t.Errorf("round %d: %s recorded twice", round, o.Key)
			}
			seenKey[o.Key] = true
			ids, ok := perObject[o.Key]
			if !ok {
				t.Errorf("round %d: recorded %s is not a log object", round, o.Key)
			}
			for id := range ids {
				want[id] = true
			}
		})
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		for id := range got {
			if !want[id] {
				t.Fatalf("round %d: event %s is stored but no recorded object holds it", round, id)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("round %d: %d events stored, the %d recorded objects hold %d", round, len(got), len(seenKey), len(want))
		}
		for k, n := range srv.GetsByKey() {
			if recorded["s3://"+killBucket+"/"+k] {
				t.Errorf("round %d: %s was committed in an earlier round, yet fetched %d times", round, k, n)
			}
		}
		for k := range seenKey {
			recorded[k] = true
		}
		srv.Reset()
	}

	// Kill instants are spread over the time the objects not yet committed
	// take on this machine, after the fixed cost of a run (start, connect,
	// list, plan: a rerun with nothing left to fetch). Spread over a whole
	// ingest's time, a round after a deep first kill finished the rest
	// before its kill, and only one round was killed mid-ingest.
	scratch := filepath.Join(tmp, "scratch")
	began := time.Now()
	cal := command("ingest", "--data", scratch, "--store", "scratch", "--create", "--memory-limit", "1MiB", "--quiet", "--endpoint-url", srv.URL, "--path-style", "s3://"+killBucket+"/")
	if out, err := cal.CombinedOutput(); err != nil {
		t.Fatalf("calibration ingest: %v\n%s", err, out)
	}
	full := time.Since(began)
	began = time.Now()
	if out, err := command(cal.Args[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("calibration rerun: %v\n%s", err, out)
	}
	fixed := min(time.Since(began), full/2)
	srv.Reset()
	rng := rand.New(rand.NewSource(20261207))
	killed := 0
	for round := 0; round < rounds; round++ {
		remaining := float64(len(perObject)-len(recorded)) / float64(len(perObject))
		delay := fixed + time.Duration((0.05+0.6*rng.Float64())*float64(full-fixed)*remaining)
		if runAndKill(t, command(args...), delay, round) {
			killed++
		}
		check(round)
		t.Logf("round %d: killed after %v, %d of %d objects committed", round, delay, len(recorded), len(perObject))
	}
	if rounds >= 4 && killed < 2 {
		t.Errorf("only %d of %d rounds were killed mid-ingest", killed, rounds)
	}
	cmd := command(args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("rerun: %v\n%s", err, out)
	}
	check(rounds)
	if len(recorded) != len(perObject) {
		t.Errorf("%d objects recorded after the rerun, the bucket holds %d", len(recorded), len(perObject))
	}
	s, _ := cat.Open("killed")
	m, _ := s.Snapshot()
	if m.Rows() != sum.Events {
		t.Errorf("after the rerun: %d events, gen made %d unique", m.Rows(), sum.Events)
	}
	t.Logf("%d kills; a whole ingest takes %v, a run with nothing to fetch %v", killed, full, fixed)
}

func gzIDs(t *testing.T, p string) map[string]bool {
	var doc struct{ Records []struct{ EventID string } }
	testenv.DecodeGzJSON(t, p, &doc)
	ids := map[string]bool{}
	for _, r := range doc.Records {
		ids[r.EventID] = true
	}
	return ids
}
