package ingest

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func mkfiles(t *testing.T, root string, paths ...string) {
	t.Helper()
	for _, p := range paths {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func rel(t *testing.T, root string, ins []Input) []string {
	var out []string
	for _, in := range ins {
		if in.Path == "" {
			out = append(out, in.Name)
			continue
		}
		r, err := filepath.Rel(root, in.Path)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, filepath.ToSlash(r))
	}
	return out
}

func TestDiscover(t *testing.T) {
	root := t.TempDir()
	acct := "s3/AWSLogs/111122223333/"
	mkfiles(t, root,
		acct+"CloudTrail/us-east-1/2023/07/09/111122223333_CloudTrail_us-east-1_20230709T2355Z_a.json.gz",
		acct+"CloudTrail/us-east-1/2023/07/10/111122223333_CloudTrail_us-east-1_20230710T0005Z_b.json.gz",
		acct+"CloudTrail/us-east-1/2023/07/10/111122223333_CloudTrail_us-east-1_20230710T1145Z_c.json.gz",
		acct+"CloudTrail/us-east-1/2023/07/12/111122223333_CloudTrail_us-east-1_20230712T0000Z_d.json.gz",
		acct+"CloudTrail/us-east-1/2023/07/10/.DS_Store",
		acct+"CloudTrail-Digest/us-east-1/2023/07/10/111122223333_CloudTrail-Digest_us-east-1_x.json.gz",
		acct+"CloudTrail-Insight/us-east-1/2023/07/10/111122223333_CloudTrail-Insight_us-east-1_20230710T1200Z_i.json.gz",
		acct+"Config/us-east-1/2023/07/10/ConfigSnapshot/cfg.json.gz",
		"plain/b.ndjson", "plain/a.json", "plain/README.md", "plain/sub/c.jsonl", "plain/notes.txt",
	)
	cases := []struct {
		name  string
		args  []string
		opts  DiscoverOptions
		want  []string
		nerrs int
	}{
		{name: "plain dir, lexical, recursive, non-logs skipped", args: []string{root + "/plain"},
			want: []string{"plain/a.json", "plain/b.ndjson", "plain/sub/c.jsonl"}},
		{name: "explicit file whatever its name, stdin", args: []string{root + "/plain/notes.txt", "-"},
			want: []string{"plain/notes.txt", "-"}},
		{name: "cloudtrail layout", args: []string{root + "/s3"}, want: []string{
			acct + "CloudTrail/us-east-1/2023/07/09/111122223333_CloudTrail_us-east-1_20230709T2355Z_a.json.gz",
			acct + "CloudTrail/us-east-1/2023/07/10/111122223333_CloudTrail_us-east-1_20230710T0005Z_b.json.gz",
			acct + "CloudTrail/us-east-1/2023/07/10/111122223333_CloudTrail_us-east-1_20230710T1145Z_c.json.gz",
			acct + "CloudTrail/us-east-1/2023/07/12/111122223333_CloudTrail_us-east-1_20230712T0000Z_d.json.gz",
			acct + "CloudTrail-Insight/us-east-1/2023/07/10/111122223333_CloudTrail-Insight_us-east-1_20230710T1200Z_i.json.gz",
		}},
		{name: "since/until by path date", args: []string{root + "/s3"},
			opts: DiscoverOptions{Since: time.Date(2023, 7, 10, 12, 0, 0, 0, time.UTC), Until: time.Date(2023, 7, 10, 13, 0, 0, 0, time.UTC)},
			want: []string{
				acct + "CloudTrail/us-east-1/2023/07/10/111122223333_CloudTrail_us-east-1_20230710T0005Z_b.json.gz",
				acct + "CloudTrail/us-east-1/2023/07/10/111122223333_CloudTrail_us-east-1_20230710T1145Z_c.json.gz",
				acct + "CloudTrail-Insight/us-east-1/2023/07/10/111122223333_CloudTrail-Insight_us-east-1_20230710T1200Z_i.json.gz",
			}},
		{name: "until keeps the next day's files", args: []string{root + "/s3"},
			opts: DiscoverOptions{Until: time.Date(2023, 7, 9, 1, 0, 0, 0, time.UTC)},
			want: []string{
				acct + "CloudTrail/us-east-1/2023/07/09/111122223333_CloudTrail_us-east-1_20230709T2355Z_a.json.gz",
				acct + "CloudTrail/us-east-1/2023/07/10/111122223333_CloudTrail_us-east-1_20230710T0005Z_b.json.gz",
				acct + "CloudTrail/us-east-1/2023/07/10/111122223333_CloudTrail_us-east-1_20230710T1145Z_c.json.gz",
				acct + "CloudTrail-Insight/us-east-1/2023/07/10/111122223333_CloudTrail-Insight_us-east-1_20230710T1200Z_i.json.gz",
			}},
		{name: "glob", args: []string{root + "/plain/*.json"}, want: []string{"plain/a.json"}},
		{name: "missing path and empty glob are reported, others kept",
			args: []string{root + "/nope.json", root + "/plain/*.zzz", root + "/plain/a.json"},
			want: []string{"plain/a.json"}, nerrs: 2},
	}
	for _, c := range cases {
		ins, errs := Discover(c.args, c.opts)
		if got := rel(t, root, ins); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
		if len(errs) != c.nerrs {
			t.Errorf("%s: errors %v, want %d", c.name, errs, c.nerrs)
		}
	}
}

func TestDiscoverUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: chmod 000 does not block reads, so unreadable files cannot be simulated")
	}
	root := t.TempDir()
	mkfiles(t, root, "d/a.json", "d/b.json", "d/locked/c.json", "d/z.json")
	if err := os.Chmod(filepath.Join(root, "d/b.json"), 0); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(root, "d/locked"), 0); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(filepath.Join(root, "d/locked"), 0o755)
	ins, errs := Discover([]string{root + "/d"}, DiscoverOptions{})
	if got := rel(t, root, ins); !reflect.DeepEqual(got, []string{"d/a.json", "d/b.json", "d/z.json"}) {
		t.Errorf("inputs %q", got)
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "locked") {
		t.Errorf("errors %v, want one naming the unreadable directory", errs)
	}
	for _, in := range ins {
		f, err := in.Open()
		if strings.HasSuffix(in.Path, "b.json") {
			if err == nil || !strings.Contains(err.Error(), "b.json") {
				t.Errorf("open of the unreadable file: %v, want an error naming it", err)
			}
			continue
		}
		if err != nil {
			t.Errorf("open %s: %v", in.Name, err)
			continue
		}
		f.Close()
	}
}

// TestDiscoverLinkedFolder: a folder named through a symbolic link is
// walked (WalkDir alone does not follow a linked root), and the inputs keep
// the link's path.
func TestDiscoverLinkedFolder(t *testing.T) {
	dir := t.TempDir()
	mkfiles(t, filepath.Join(dir, "real"), "AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01/a.json.gz", "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/01/d.json.gz")
	link := filepath.Join(dir, "link")
	if err := os.Symlink(filepath.Join(dir, "real"), link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	ins, errs := Discover([]string{link}, DiscoverOptions{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if got, want := rel(t, link, ins), []string{"AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01/a.json.gz"}; !reflect.DeepEqual(got, want) {
		t.Errorf("inputs %v, want %v", got, want)
	}
}
