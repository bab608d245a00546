package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/chzyer/readline"

	"github.com/ctlake/ctlake/engine"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/resultfmt"
)

func init() {
	register(command{name: "shell", summary: "interactive SQL shell (runs statements from stdin when it is not a terminal)", run: runShell, data: true})
}

// shell is the state of one `ctlake shell` session: settings changed by
// meta-commands and where results go.
type shell struct {
	eng     *querier
	catalog *orcstore.Catalog
	format  string
	timer   bool
	stats   bool
	params  params
	out     io.Writer // results (.output)
	outFile *os.File  // non-nil while .output names a file
	stdout  io.Writer // the terminal or the stdout ctlake was given
	msg     io.Writer // errors and notices
	sigs    chan os.Signal
	failed  int  // statements that failed (exit status of a script)
	depth   int  // nesting of .read
	tty     bool // reading from a terminal
	hinted  bool // the "wider than the terminal" hint was given
	stopped bool // Ctrl-C cancelled a query: the script (stdin, .read) it came from stops too

	historyWarned bool // the query history could not be written (said once)
}

func runShell(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runShellIO(ctx, args, os.Stdin, stdout, stderr)
}

func runShellIO(ctx context.Context, args []string, stdin *os.File, stdout, stderr io.Writer) error {
	fs := newFlagSet("shell", "", stderr)
	open := dataFlag(fs)
	format := fs.String("format", "table", "result format: "+strings.Join(textFormats, ", "))
	store := fs.String("store", "", "store name or ID that $EDS_ID stands for")
	history := fs.String("history", "", "history file (default: shell_history in the data directory)")
	memLimit := fs.String("memory-limit", "2GiB", "most memory a query's aggregations, sorts and joins may hold; the process stays under about twice this")
	workers := fs.Int("workers", 0, "parallel scan workers (default: one per CPU)")
	scanLim := addScanLimitFlags(fs)
	tables := jsonTables{}
	fs.Var(tables, "table", "NAME=PATH: query JSON files (file, folder or glob) as table NAME without ingesting them (repeatable)")
	jsonOpts := jsonFlags(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: shell takes no arguments (pipe statements into it, or use .read FILE)", errUsage)
	}
	if !isTextFormat(*format) {
		return fmt.Errorf("%w: unknown format %q (want %s)", errUsage, *format, strings.Join(textFormats, ", "))
	}
	limit, err := parseBytes(*memLimit)
	if err != nil {
		return fmt.Errorf("%w: --memory-limit: %v", errUsage, err)
	}
	setSoftMemoryLimit(limit)
	c, err := open()
	if err != nil {
		return err
	}
	sh := &shell{eng: newQuerier(c), catalog: c, format: *format, params: params{},
		out: stdout, stdout: stdout, msg: stderr, sigs: make(chan os.Signal, 1)}
	sh.eng.opts = engine.Options{MemoryLimit: limit, Workers: *workers, JSONTables: tables, JSON: *jsonOpts}
	if err := scanLim.apply(&sh.eng.opts); err != nil {
		return err
	}
	if *store != "" {
		s, err := c.Open(*store)
		if err != nil {
			return err
		}
		sh.params["EDS_ID"] = s.Info.ID
	}
	// Ctrl-C while a query runs arrives as SIGINT (the terminal is in cooked
	// mode then) and cancels that query only; at the prompt readline sees it
	// as a key. The context main derives from SIGINT is not used for queries,
	// or the first Ctrl-C would cancel every later one too.
	signal.Notify(sh.sigs, os.Interrupt)
	defer signal.Stop(sh.sigs)
	base := context.WithoutCancel(ctx)
	defer sh.closeOutput()

	if !readline.IsTerminal(int(stdin.Fd())) {
		sh.script(base, stdin, "stdin")
		if sh.failed > 0 {
			return fmt.Errorf("%d statement(s) failed", sh.failed)
		}
		return nil
	}
	sh.timer, sh.tty = true, true
	hist := *history
	if hist == "" {
		hist = filepath.Join(c.Dir, "shell_history")
	}
	return sh.interactive(base, stdin, hist)
}

const (
	prompt     = "ctlake> "
	contPrompt = "   ...> "
)

// interactive is the read-eval-print loop on a terminal.
func (sh *shell) interactive(ctx context.Context, stdin *os.File, history string) error {
	// Pastes are inserted in one step and echo only what they add (see
	// shell_paste.go); the shell's own output goes after readline's.
	ps := &pastes{}
	echo := newEchoWriter(sh.stdout, readline.GetScreenWidth)
	term := sh.stdout
	sh.stdout, sh.msg = echo.flushed(sh.stdout), echo.flushed(sh.msg)
	if sh.outFile == nil {
		sh.out = sh.stdout
	}
	rl, err := readline.NewEx(&readline.Config{
		Prompt:                 prompt,
		HistoryFile:            history,
		HistoryLimit:           5000,
		DisableAutoSaveHistory: true, // a statement is saved once, whole, when complete
		HistorySearchFold:      true,
		AutoComplete:           &completer{sh: sh},
		InterruptPrompt:        "^C",
		EOFPrompt:              "",
		Stdin:                  newPasteReader(stdin, ps),
		Stdout:                 echo,
		Stderr:                 sh.msg,
		Listener:               pasteListener{pastes: ps},
		Painter:                placeholderPainter{},
	})
	if err != nil {
		return err
	}
	defer rl.Close()
	if isTerminal(term) {
		io.WriteString(term, bracketedPasteOn)
		defer io.WriteString(term, bracketedPasteOff)
	}
	defer echo.flush()
	fmt.Fprintf(sh.msg, "ctlake shell on %s. End statements with ';'. .help for commands, Ctrl-D to leave.\n", sh.catalog.Dir)
	var buf strings.Builder
	for {
		if buf.Len() == 0 {
			rl.SetPrompt(prompt)
		} else {
			rl.SetPrompt(contPrompt)
		}
		line, err := rl.Readline()
		switch {
		case errors.Is(err, readline.ErrInterrupt):
			buf.Reset() // Ctrl-C at the prompt drops the statement being typed
			continue
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return err
		}
		sh.stopped = false
		if buf.Len() == 0 && isMeta(line) {
			rl.SaveHistory(strings.TrimSpace(line))
			if sh.meta(ctx, line) {
				return nil
			}
			continue
		}
		buf.WriteString(line)
		buf.WriteByte('\n')
		stmts, rest, _ := splitStatements(buf.String())
		for _, st := range stmts {
			rl.SaveHistory(oneLine(st.SQL) + ";")
			sh.execSQL(ctx, st.SQL)
		}
		if len(stmts) > 0 || rest == "" {
			buf.Reset()
			buf.WriteString(strings.TrimLeft(rest, " \t\r\n"))
		}
	}
}

func isMeta(line string) bool { return strings.HasPrefix(strings.TrimSpace(line), ".") }

// script runs statements and meta-commands read from r (stdin that is not a
// terminal, or a .read file). A statement missing its final ';' at the end
// still runs.
func (sh *shell) script(ctx context.Context, r io.Reader, name string) (quit bool) {
	br := bufio.NewReader(r)
	var buf strings.Builder
	lines := 0 // lines read, to place errors at the end in the file
	for !sh.stopped {
		line, err := br.ReadString('\n')
		if line != "" {
			lines++
			if buf.Len() == 0 && isMeta(line) {
				if sh.meta(ctx, line) {
					return true
				}
			} else {
				buf.WriteString(line)
				if !strings.HasSuffix(line, "\n") {
					buf.WriteByte('\n')
				}
				stmts, rest, _ := splitStatements(buf.String())
				for _, st := range stmts {
					if !sh.stopped {
						sh.execSQL(ctx, st.SQL)
					}
				}
				if len(stmts) > 0 || rest == "" {
					buf.Reset()
					buf.WriteString(strings.TrimLeft(rest, " \t\r\n"))
				}
			}
		}
		if err != nil {
			if err != io.EOF {
				fmt.Fprintf(sh.msg, "%s: %v\n", name, err)
				sh.failed++
			}
			break
		}
	}
	// The text after the last ';': a final statement, or one that an
	// unclosed quote or comment kept open to the end (reported with its
	// position in the file; the statements after it still run).
	first := lines - strings.Count(buf.String(), "\n") + 1
	for _, st := range scriptStatements(buf.String()) {
		switch {
		case sh.stopped:
		case st.Err != nil:
			sh.fail(fmt.Errorf("%s:%d:%d: %s\n%s", name, st.Err.Line+first-1, st.Err.Col, st.Err.Msg, st.Err.Caret()))
		default:
			sh.execSQL(ctx, st.SQL)
		}
	}
	if sh.stopped {
		fmt.Fprintf(sh.msg, "%s: stopped after the cancelled query\n", name)
	}
	return false
}

// execSQL runs one statement, printing its result or error. SIGINT during
// the run cancels the query's context, which the scans check between
// batches.
func (sh *shell) execSQL(ctx context.Context, sqlText string) {
	query, err := substitute(sqlText, sh.params)
	if err != nil {
		sh.fail(err)
		return
	}
	for len(sh.sigs) > 0 { // a Ctrl-C from before this query is not meant for it
		<-sh.sigs
	}
	qctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		select {
		case <-sh.sigs:
			cancel()
		case <-done:
		}
	}()
	start := time.Now()
	// The result streams as it prints, so Ctrl-C stays armed until the
	// last row is written.
	out, err := sh.eng.start(qctx, query)
	if err == nil {
		err = sh.print(out)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}
	close(done)
	interrupted := qctx.Err() != nil
	cancel()
	// Every statement joins the query history the console shows.
	var stats engine.Stats
	if out != nil {
		stats = out.Stats()
	}
	switch {
	case err == nil:
		sh.recordShellRun(query, start, "FINISHED", nil, stats)
	case interrupted:
		sh.recordShellRun(query, start, "CANCELLED", nil, stats)
	default:
		sh.recordShellRun(query, start, "FAILED", err, stats)
	}
	if err != nil {
		if interrupted {
			sh.stopped = true
			if sh.tty {
				fmt.Fprintln(sh.msg) // after the ^C the terminal echoed
			}
			sh.fail(fmt.Errorf("query cancelled after %s", time.Since(start).Round(time.Millisecond)))
		} else {
			sh.fail(queryError(query, err))
		}
		return
	}
	if sh.stats {
		printStats(sh.msg, out.Stats())
	}
	printJSONNotice(sh.msg, out.Stats())
}

// print writes a statement's result in the session's format, with the
// "(N rows, time)" footer for the table and line formats.
func (sh *shell) print(out *queryOutput) error {
	if out.Result == nil {
		_, err := io.WriteString(sh.out, out.Explain)
		return err
	}
	var n int64
	var width int
	var err error
	bw := bufio.NewWriterSize(sh.out, 64<<10)
	switch sh.format {
	case "table":
		n, width, err = resultfmt.WriteTableRows(bw, out.Result, 60)
	case "line":
		n, err = resultfmt.WriteLineRows(bw, out.Result)
	default:
		err = resultfmt.Write(bw, sh.format, out.Result)
		if ferr := bw.Flush(); err == nil {
			err = ferr
		}
		if err == nil && sh.timer {
			st := out.Stats()
			fmt.Fprintf(sh.msg, "%s, %s)\n", strings.TrimSuffix(resultfmt.RowCount(st.RowsOut), ")"), formatElapsed(st.Elapsed))
		}
		return err
	}
	if err != nil {
		return err
	}
	footer := resultfmt.RowCount(n)
	if sh.timer {
		footer = strings.TrimSuffix(footer, ")") + ", " + formatElapsed(out.Stats().Elapsed) + ")"
	}
	fmt.Fprintln(bw, footer)
	if err := bw.Flush(); err != nil {
		return err
	}
	if sh.format == "table" && sh.tty && !sh.hinted && sh.outFile == nil {
		if w := readline.GetScreenWidth(); w > 0 && width > w {
			sh.hinted = true
			fmt.Fprintln(sh.msg, "(rows are wider than the terminal: .format line prints one column per line)")
		}
	}
	return nil
}

func formatElapsed(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(100 * time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}

func (sh *shell) fail(err error) {
	sh.failed++
	fmt.Fprintf(sh.msg, "Error: %v\n", err)
}

// textFormats are the formats the shell prints (parquet and arrow are files:
// use ctlake query --out).
var textFormats = []string{"table", "line", "csv", "tsv", "json", "ndjson"}

func isTextFormat(f string) bool {
	for _, x := range textFormats {
		if f == x {
			return true
		}
	}
	return false
}
