package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
)

// Global flags may come before the command, as with git, docker and
// kubectl: `ctlake --data DIR query …` is `ctlake query --data DIR …`.
// --data is handed to the command (after the subcommand for store), where
// a --data given after the command still wins.

// globalArgs moves the global flags before the command to after it. It
// returns version when --version was asked for.
func globalArgs(args []string) (out []string, version bool, err error) {
	var data []string
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && len(args[0]) > 1 {
		name, value, hasValue := strings.Cut(strings.TrimLeft(args[0], "-"), "=")
		switch name {
		case "version":
			return nil, true, nil
		case "h", "help":
			return args, false, nil
		case "data":
			if !hasValue {
				if len(args) < 2 {
					return nil, false, fmt.Errorf("%w: %s needs a directory", errUsage, args[0])
				}
				value, args = args[1], args[1:]
			}
			data = []string{"--data", value}
		default:
			return nil, false, fmt.Errorf("%w: unknown global flag %s (before the command: --data DIR, --version; the command's own flags go after it)", errUsage, args[0])
		}
		args = args[1:]
	}
	if len(args) == 0 || data == nil {
		return args, false, nil
	}
	cmd, rest := args[0], args[1:]
	if cmd == "store" && len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		return append([]string{cmd, rest[0]}, append(data, rest[1:]...)...), false, nil
	}
	return append([]string{cmd}, append(data, rest...)...), false, nil
}

// versionText is what --version prints: the module version and the VCS
// commit the binary was built from (go install stamps both), and Go's.
func versionText() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "ctlake (no build information) " + runtime.Version()
	}
	return versionOf(bi)
}

// versionOf formats build information: `go install …@v1.2.3` records the
// module version; a build in a git checkout records the commit (a build
// from a git worktree does not: Go looks for a .git folder).
func versionOf(bi *debug.BuildInfo) string {
	version := bi.Main.Version
	if version == "" {
		version = "(devel)"
	}
	var rev, at, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", with uncommitted changes"
			}
		}
	}
	commit := "commit unknown (not built from a git checkout)"
	if rev != "" {
		commit = "commit " + rev
		if at != "" || modified != "" {
			commit += " (" + strings.TrimPrefix(at+modified, ", ") + ")"
		}
	}
	return fmt.Sprintf("ctlake %s %s, %s %s/%s", version, commit, bi.GoVersion, runtime.GOOS, runtime.GOARCH)
}

func init() {
	register(command{name: "version", summary: "print ctlake's version and commit (also --version)", run: func(_ context.Context, args []string, stdout, _ io.Writer) error {
		if len(args) > 0 {
			return fmt.Errorf("%w: version takes no arguments", errUsage)
		}
		fmt.Fprintln(stdout, versionText())
		return nil
	}})
}
