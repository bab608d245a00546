package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"sort"
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
	if c, ok := commands[cmd]; ok && !c.data {
		return nil, false, fmt.Errorf("%w: --data does not apply to %s, which uses no store (the commands that take it: %s)", errUsage, cmd, strings.Join(dataCommands(), ", "))
	}
	if cmd == "store" {
		if len(rest) == 0 || strings.HasPrefix(rest[0], "-") {
			return args, false, nil // no subcommand: store's usage says so
		}
		return append([]string{cmd, rest[0]}, append(data, rest[1:]...)...), false, nil
	}
	return append([]string{cmd}, append(data, rest...)...), false, nil
}

// dataCommands lists the commands that take --data, sorted.
func dataCommands() []string {
	var names []string
	for n, c := range commands {
		if c.data {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// buildCommit is the commit a build stamps by hand, for builds in which Go
// cannot: Go stamps vcs.revision only when the module sits in a git
// checkout whose .git is a folder, so a build in a git worktree (.git is a
// file there) or from a source archive has none. Set it with
//
//	go build -ldflags "-X main.buildCommit=$(git rev-parse HEAD)" ./cmd/ctlake
//
// (append "-dirty" when the tree has changes). Go's own stamp wins.
var buildCommit string

// versionText is what --version prints: the module version and the VCS
// commit the binary was built from (go install stamps both), and Go's.
func versionText() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = &debug.BuildInfo{GoVersion: runtime.Version()}
	}
	return versionOf(bi, buildCommit)
}

// versionOf formats build information: `go install …@v1.2.3` records the
// module version; a build in a git checkout records the commit, else the
// commit stamped with -ldflags (stamped), else it says why there is none.
func versionOf(bi *debug.BuildInfo, stamped string) string {
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
	var commit string
	switch {
	case rev != "":
		commit = "commit " + rev
		if at != "" || modified != "" {
			commit += " (" + strings.TrimPrefix(at+modified, ", ") + ")"
		}
	case stamped != "":
		commit = "commit " + stamped + " (set at link time)"
	case bi.Main.Version != "" && bi.Main.Version != "(devel)":
		// go install …@version: the module proxy's copy has no VCS
		// data; the version names the source.
		commit = "(no commit recorded: a released module version)"
	default:
		commit = "commit unknown (no VCS stamp: Go stamps it only in a git checkout whose .git is a folder, not in a git worktree or an archive, nor with -buildvcs=false; -ldflags '-X main.buildCommit=REV' sets it)"
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
