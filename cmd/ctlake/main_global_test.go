package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

// Global flags before the command work as after it.
func TestGlobalFlagsBeforeCommand(t *testing.T) {
	data := shellFixture(t)
	_, want, _ := runCLI(t, "query", "--data", data, "--format", "csv", "SELECT count(*) AS n FROM small")
	for _, args := range [][]string{
		{"--data", data, "query", "--format", "csv", "SELECT count(*) AS n FROM small"},
		{"--data=" + data, "query", "--format", "csv", "SELECT count(*) AS n FROM small"},
		{"-data", data, "query", "SELECT count(*) AS n FROM small", "--format", "csv"},
	} {
		if rc, out, errs := runCLI(t, args...); rc != 0 || out != want || want != "n\n3000\n" {
			t.Fatalf("%q: rc %d, %q %s (want %q)", args, rc, out, errs, want)
		}
	}
	if rc, out, errs := runCLI(t, "--data", data, "store", "describe", "small", "--format", "json"); rc != 0 || !strings.Contains(out, `"events": 3000`) {
		t.Fatalf("store describe: rc %d %s %s", rc, out, errs)
	}
	// After the command, a --data of its own wins.
	if rc, _, errs := runCLI(t, "--data", t.TempDir(), "query", "--data", data, "SELECT count(*) FROM small"); rc != 0 {
		t.Fatalf("command's --data: rc %d %s", rc, errs)
	}
	if rc, _, errs := runCLI(t, "--nope", "query", "SELECT 1"); rc != 2 || !strings.Contains(errs, "unknown global flag --nope") {
		t.Fatalf("unknown global flag: rc %d %s", rc, errs)
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"-version"}, {"version"}} {
		rc, out, errs := runCLI(t, args...)
		if rc != 0 || !strings.HasPrefix(out, "ctlake ") || !strings.Contains(out, "go1.") {
			t.Fatalf("%q: rc %d %q %s", args, rc, out, errs)
		}
	}
	bi := &debug.BuildInfo{GoVersion: "go1.25.0", Main: debug.Module{Path: "github.com/ctlake/ctlake", Version: "v0.4.0"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef"}, {Key: "vcs.time", Value: "2026-05-31T12:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	// Go's stamp wins over one set at link time.
	if got := versionOf(bi, "feedface"); !strings.HasPrefix(got, "ctlake v0.4.0 commit 0123456789abcdef (2026-05-31T12:00:00Z, with uncommitted changes), go1.25.0 ") {
		t.Fatalf("versionOf: %q", got)
	}
	// A build in a git worktree has no vcs.* settings.
	devel := &debug.BuildInfo{GoVersion: "go1.25.0", Main: debug.Module{Path: "github.com/ctlake/ctlake", Version: "(devel)"}}
	for _, c := range []struct{ stamped, want string }{
		{"feedface-dirty", "ctlake (devel) commit feedface-dirty (set at link time), go1.25.0 "},
		{"", "ctlake (devel) commit unknown (no VCS stamp: Go stamps it only in a git checkout whose .git is a folder, not in a git worktree"},
	} {
		if got := versionOf(devel, c.stamped); !strings.HasPrefix(got, c.want) || strings.Contains(got, "main.buildCommit") != (c.stamped == "") {
			t.Fatalf("versionOf(devel, %q) = %q, want prefix %q", c.stamped, got, c.want)
		}
	}
	released := &debug.BuildInfo{GoVersion: "go1.25.0", Main: debug.Module{Path: "github.com/ctlake/ctlake", Version: "v0.4.0"}}
	if got := versionOf(released, ""); !strings.HasPrefix(got, "ctlake v0.4.0 (no commit recorded: a released module version), go1.25.0 ") {
		t.Fatalf("versionOf(released) = %q", got)
	}
}

// --data before a command that uses no store is a clear usage error, not
// "flag provided but not defined"; store without a subcommand says so.
func TestGlobalDataWhereNoStore(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		cmd  string
		args []string
	}{
		{"gen", []string{"--data", dir, "gen", "--events", "10", "--out", dir + "/out"}},
		{"orc", []string{"--data=" + dir, "orc", "meta", "x.orc"}},
		{"bench", []string{"--data", dir, "bench", "--events", "10"}},
		{"version", []string{"--data", dir, "version"}},
	} {
		rc, out, errs := runCLI(t, c.args...)
		if rc != 2 || out != "" || !strings.Contains(errs, "--data does not apply to "+c.cmd+",") ||
			!strings.Contains(errs, "demo, ingest, query, serve, shell, store") {
			t.Fatalf("%q: rc %d %q %s", c.args, rc, out, errs)
		}
	}
	if rc, _, errs := runCLI(t, "--data", dir, "store"); rc != 2 || !strings.Contains(errs, "missing subcommand") {
		t.Fatalf("store without a subcommand: rc %d %s", rc, errs)
	}
}
