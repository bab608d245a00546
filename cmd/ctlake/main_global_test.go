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
	if got := versionOf(bi); !strings.HasPrefix(got, "ctlake v0.4.0 commit 0123456789abcdef (2026-05-31T12:00:00Z, with uncommitted changes), go1.25.0 ") {
		t.Fatalf("versionOf: %q", got)
	}
}
