package main

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ctlake/ctlake/gen"
)

// tortureEnv turns on the long versions of the damage and concurrency
// tests (README, Testing).
const tortureEnv = "CTLAKE_TORTURE"

func torture() bool { return os.Getenv(tortureEnv) != "" }

// ctlakeRun runs the CLI in this process and returns its exit status,
// stdout and stderr.
func ctlakeRun(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	st := runMain(context.Background(), args, &out, &errb)
	return st, out.String(), errb.String()
}

// TestBitFlips damages copies of a store, one seeded corruption per copy:
// a single flipped bit or 16 overwritten bytes at a random offset of a
// random file (ORC files and manifest.json, by size). 'store verify' must
// report every one, naming the file; each of five queries must either fail
// with an error naming the file or print exactly what it printed on the
// undamaged store (the corruption hit bytes it does not read); the fifth
// reads every value, so most corruptions are read by some query. No silent
// wrong answer. 18 corruptions by default; 100 flips and 50 overwrites with
// CTLAKE_TORTURE=1.
func TestBitFlips(t *testing.T) {
	flips, overwrites := 12, 6
	if torture() {
		flips, overwrites = 100, 50
	}
	tmp := t.TempDir()
	in := filepath.Join(tmp, "in")
	if _, err := gen.Write(context.Background(), gen.Config{Events: 6000, Seed: 21, Days: 2, Workers: 1}, gen.LayoutS3, in); err != nil {
		t.Fatal(err)
	}
	pristine := filepath.Join(tmp, "pristine")
	if st, _, e := ctlakeRun("ingest", "--data", pristine, "--store", "flips", "--create", "--memory-limit", "2MiB", "--quiet", in); st != 0 {
		t.Fatalf("ingest: %s", e)
	}
	st, idOut, e := ctlakeRun("query", "--data", pristine, "--format", "csv", "SELECT max(eventID) FROM flips WHERE eventID < '8'")
	if st != 0 {
		t.Fatal(e)
	}
	lookup := strings.TrimSpace(strings.Split(strings.TrimSpace(idOut), "\n")[1])
	queries := []string{
		"SELECT count(*) FROM flips",
		"SELECT eventSource, eventName, count(*) AS n FROM flips GROUP BY eventSource, eventName ORDER BY n DESC, eventSource, eventName",
		"SELECT eventID, eventName, awsRegion, userIdentity.arn FROM flips WHERE eventID = '" + lookup + "'",
		"SELECT * FROM flips ORDER BY eventTime DESC, eventID LIMIT 7",
		// Every value of every column, so that most corruptions are read.
		"SELECT * FROM flips ORDER BY eventTime, eventID",
	}
	want := make([]string, len(queries))
	for i, q := range queries {
		st, out, e := ctlakeRun("query", "--data", pristine, "--format", "csv", q)
		if st != 0 || len(out) < 10 {
			t.Fatalf("%s on the undamaged store: %s", q, e)
		}
		want[i] = out
	}
	if st, _, e := ctlakeRun("store", "verify", "--data", pristine, "flips"); st != 0 {
		t.Fatalf("verify of the undamaged store: %s", e)
	}

	// The files to damage, with their sizes as weights.
	var files []string
	var sizes []int64
	var total int64
	filepath.WalkDir(pristine, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".orc") || filepath.Base(p) == "manifest.json") {
			info, _ := d.Info()
			rel, _ := filepath.Rel(pristine, p)
			files = append(files, rel)
			sizes = append(sizes, info.Size())
			total += info.Size()
		}
		return nil
	})
	if len(files) < 4 {
		t.Fatalf("fixture: %d files", len(files))
	}
	rng := rand.New(rand.NewSource(13))
	var errored, same, verified int
	for trial := 0; trial < flips+overwrites; trial++ {
		pick := rng.Int63n(total)
		fi := 0
		for pick >= sizes[fi] {
			pick -= sizes[fi]
			fi++
		}
		dir := filepath.Join(tmp, "trial")
		os.RemoveAll(dir)
		copyTree(t, pristine, dir)
		target := filepath.Join(dir, files[fi])
		b, err := os.ReadFile(target)
		if err != nil {
			t.Fatal(err)
		}
		what := ""
		if trial < flips {
			bit := rng.Intn(8)
			b[pick] ^= 1 << bit
			what = "bit flip"
		} else {
			off := min(int(pick), len(b)-16)
			old := append([]byte(nil), b[off:off+16]...)
			for bytes.Equal(b[off:off+16], old) {
				rng.Read(b[off : off+16])
			}
			what = "16-byte overwrite"
		}
		if err := os.WriteFile(target, b, 0o644); err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(target)
		desc := func() string { return what + " at offset " + strconv.FormatInt(pick, 10) + " of " + files[fi] }

		st, out, e := ctlakeRun("store", "verify", "--data", dir, "flips")
		if st == 0 || !strings.Contains(out+e, name) {
			t.Errorf("%s: verify did not report it (status %d):\n%s%s", desc(), st, out, e)
		} else {
			verified++
		}
		for i, q := range queries {
			st, out, e := ctlakeRun("query", "--data", dir, "--format", "csv", q)
			switch {
			case st == 0 && out == want[i]:
				same++
			case st == 0:
				t.Errorf("%s: SILENT WRONG ANSWER to %s:\n%s\nwant:\n%s", desc(), q, clip(out, 600), clip(want[i], 600))
			case !strings.Contains(e, name):
				t.Errorf("%s: %s failed without naming %s: %s", desc(), q, name, e)
			default:
				errored++
			}
		}
	}
	t.Logf("%d corruptions (%d bit flips, %d 16-byte overwrites) over %d files: verify reported %d; queries: %d errors naming the file, %d unchanged answers, 0 silent wrong answers allowed",
		flips+overwrites, flips, overwrites, len(files), verified, errored, same)
}

// copyTree copies a folder of regular files (a data directory).
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		src, err := os.Open(p)
		if err != nil {
			return err
		}
		defer src.Close()
		out, err := os.Create(dst)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, src); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
}
