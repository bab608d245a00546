// Command ctlake is a local, open-source CloudTrail Lake: it ingests CloudTrail
// JSON into ORC event data stores and answers CloudTrail Lake SQL over them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"sort"
	"strings"
	"syscall"
)

// command is one ctlake subcommand. Each lives in its own cmd_*.go file and
// registers itself in init, so that subcommands can be added without touching
// this file.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
	// data: the command reads or writes stores and takes --data DIR, so
	// the global --data before the command is handed to it.
	data bool
}

var commands = map[string]command{}

func register(c command) { commands[c.name] = c }

// errUsage marks an error whose message is a usage problem: main prints it
// and exits with status 2, like flag does.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signalContext()
	defer stop()
	os.Exit(runMain(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// signalContext is cancelled by Ctrl-C and by SIGTERM: `ingest --follow`
// under a service manager stops on the latter, committing what it read.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

func runMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	args, version, err := globalArgs(args)
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "ctlake: %v\n", err)
		return 2
	case version:
		fmt.Fprintln(stdout, versionText())
		return 0
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "ctlake: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	stopProfile, err := startProfile(os.Getenv("CTLAKE_CPUPROFILE"))
	if err != nil {
		fmt.Fprintf(stderr, "ctlake: CTLAKE_CPUPROFILE: %v\n", err)
		return 1
	}
	stopHeap := startHeapProfile(os.Getenv("CTLAKE_HEAPPROFILE"))
	err = c.run(ctx, args[1:], stdout, stderr)
	stopHeap()
	stopProfile()
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "ctlake %s: %v\n", c.name, err)
		return 2
	default:
		fmt.Fprintf(stderr, "ctlake %s: %v\n", c.name, err)
		return 1
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "ctlake: a local CloudTrail Lake — ingest CloudTrail JSON into ORC, query it with Lake SQL.")
	fmt.Fprintln(w, "\nUsage: ctlake [--data DIR] <command> [flags] [args]    (ctlake --version: version and commit)\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	width := 0
	for _, n := range names {
		width = max(width, len(n))
	}
	for _, n := range names {
		fmt.Fprintf(w, "  %-*s  %s\n", width, n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'ctlake <command> -h' for a command's flags.")
}

// newFlagSet returns a flag set that reports errors instead of exiting, with
// a usage line naming the command.
func newFlagSet(name, argsUsage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("ctlake "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: ctlake %s [flags] %s\n", name, argsUsage)
		var b strings.Builder
		fs.SetOutput(&b)
		fs.PrintDefaults()
		fs.SetOutput(stderr)
		if b.Len() > 0 {
			fmt.Fprintf(stderr, "\nFlags:\n%s", b.String())
		}
	}
	return fs
}

// startProfile writes a CPU profile of the command to path when it is set
// (CTLAKE_CPUPROFILE), for finding where ingest or a query spends its time
// without a test harness. The returned function stops and flushes it.
func startProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
