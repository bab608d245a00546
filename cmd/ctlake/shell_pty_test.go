package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// These tests drive `ctlake shell` as a person would: the test binary runs
// as ctlake (TestMain, CTLAKE_AS_MAIN) in its own session with a
// pseudo-terminal as its controlling terminal, so readline sees a real
// terminal and Ctrl-C typed during a query reaches the process as SIGINT
// from the terminal driver, exactly as it does for a user.

// openPty opens a pseudo-terminal pair through /dev/ptmx.
func openPty(t testing.TB) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlockpt: %v", err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("ptsname: %v", err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.IoctlSetWinsize(int(s.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 50, Col: 200}); err != nil {
		t.Fatal(err)
	}
	return m, s
}

// ptyShell is a running shell and everything it has printed.
type ptyShell struct {
	t      testing.TB
	cmd    *exec.Cmd
	master *os.File
	mu     sync.Mutex
	out    bytes.Buffer
	seen   int // expect searches from here
	done   chan error
	poll   time.Duration // how often expect looks (20ms; finer to time the echo)
}

func startShell(t testing.TB, args ...string) *ptyShell {
	t.Helper()
	master, slave := openPty(t)
	cmd := ctlakeCmd(t, append([]string{"shell"}, args...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	p := &ptyShell{t: t, cmd: cmd, master: master, done: make(chan error, 1), poll: 20 * time.Millisecond}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			p.mu.Lock()
			p.out.Write(buf[:n])
			p.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		master.Close()
	})
	return p
}

func (p *ptyShell) send(s string) {
	p.t.Helper()
	if _, err := p.master.Write([]byte(s)); err != nil {
		p.t.Fatalf("write to terminal: %v", err)
	}
}

// expect waits until the output after the last match holds want, and moves
// past it.
func (p *ptyShell) expect(want string, timeout time.Duration) {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		p.mu.Lock()
		out := p.out.String()
		p.mu.Unlock()
		if i := strings.Index(out[p.seen:], want); i >= 0 {
			p.seen += i + len(want)
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("no %q within %s; terminal shows after the last match:\n%s", want, timeout, out[p.seen:])
		}
		time.Sleep(p.poll)
	}
}

// sendUntil types key again every half second until the output shows want.
func (p *ptyShell) sendUntil(key, want string) {
	p.t.Helper()
	start := time.Now()
	for !p.contains(want) {
		if time.Since(start) > long {
			p.t.Fatalf("no %q after pressing %q for %s:\n%s", want, key, long, p.out.String()[p.seen:])
		}
		p.send(key)
		deadline := time.Now().Add(500 * time.Millisecond)
		for time.Now().Before(deadline) && !p.contains(want) {
			time.Sleep(20 * time.Millisecond)
		}
	}
	p.expect(want, long)
}

// contains reports whether the output after the last match holds want yet.
func (p *ptyShell) contains(want string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Contains(p.out.String()[p.seen:], want)
}

func (p *ptyShell) wait(timeout time.Duration) {
	p.t.Helper()
	select {
	case err := <-p.done:
		if err != nil {
			p.t.Fatalf("shell exited with %v", err)
		}
	case <-time.After(timeout):
		p.t.Fatalf("shell still running after %s", timeout)
	}
}

// long is generous: the machine may be loaded; nothing waits this long when
// all is well.
const long = 30 * time.Second

// burnCPU keeps n busy goroutines per core spinning until the test ends,
// when CTLAKE_TEST_CPU_BURN=n is set: the shell must keep up on a machine
// that is fully loaded (issue 19), e.g.
//
//	CTLAKE_TEST_CPU_BURN=4 go test ./cmd/ctlake -run '^TestShellTerminal$' -count 30
func burnCPU(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv("CTLAKE_TEST_CPU_BURN"))
	if err != nil || n <= 0 {
		return
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < n*runtime.GOMAXPROCS(0); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := uint64(i)
			for {
				select {
				case <-stop:
					return
				default:
				}
				for k := 0; k < 1_000_000; k++ {
					x = x*6364136223846793005 + 1442695040888963407
				}
			}
		}()
	}
	t.Cleanup(func() { close(stop); wg.Wait() })
	t.Logf("CTLAKE_TEST_CPU_BURN=%d: %d busy goroutines", n, n*runtime.GOMAXPROCS(0))
}

func TestShellTerminal(t *testing.T) {
	burnCPU(t)
	data := shellFixture(t)
	history := filepath.Join(t.TempDir(), "history")

	// The expected total comes from the one-shot query, not the shell.
	rc, want, errs := runCLI(t, "query", "--data", data, "--format", "csv",
		"SELECT eventName, count(*) AS n FROM small GROUP BY 1 ORDER BY n DESC, eventName LIMIT 1")
	if rc != 0 {
		t.Fatal(errs)
	}
	top := strings.Split(strings.Split(want, "\n")[1], ",") // eventName, n

	sh := startShell(t, "--data", data, "--history", history)
	sh.expect("ctlake> ", long)

	t.Run("multi-line statement", func(t *testing.T) {
		sh.t = t
		sh.send("SELECT eventName,\r")
		sh.expect("...> ", long)
		sh.send("  count(*) AS n -- a ';' in a comment does not end it\r")
		sh.expect("...> ", long)
		sh.send("FROM small WHERE eventName <> 'x;y'\r")
		sh.expect("...> ", long)
		sh.send("GROUP BY 1 ORDER BY n DESC, eventName LIMIT 1;\r")
		sh.expect("(1 row", long)
		sh.expect("ctlake> ", long)
		// Ctrl-C at a continuation prompt drops the unfinished statement.
		sh.send("SELECT no_such_column\r")
		sh.expect("...> ", long)
		sh.send("\x03")
		sh.expect("ctlake> ", long)
		if !strings.Contains(sh.out.String(), top[0]) || !strings.Contains(sh.out.String(), top[1]) {
			t.Fatalf("result lacks %v:\n%s", top, sh.out.String())
		}
	})

	t.Run("complete nested column path", func(t *testing.T) {
		sh.t = t
		// Listing: every field of sessionContext is offered.
		sh.send("SELECT userIdentity.sessionContext.\t")
		for _, f := range []string{"attributes", "sessionIssuer", "webIdFederationData", "sourceIdentity"} {
			sh.expect(f, long)
		}
		// Ctrl-C first closes the candidate list (readline's complete
		// mode), then clears the line.
		sh.sendUntil("\x03", "^C")
		sh.expect("ctlake> ", long)
		// Unique prefixes complete in place, segment by segment; the
		// statement only runs if both completions happened.
		sh.send("SELECT userIdentity.sessionContext.sessionI\t")
		sh.expect("sessionIssuer", long)
		sh.send(".userN\t")
		sh.expect("userName", long)
		sh.send(" FROM small WHERE userIdentity.sessionContext.sessionIssuer.userName IS NOT NULL LIMIT 2;\r")
		sh.expect("userName", long)
		sh.expect("(2 rows", long)
		sh.expect("ctlake> ", long)
	})

	t.Run("Ctrl-C cancels a long query", func(t *testing.T) {
		sh.t = t
		// 40 scans of the store with a slow regular expression on each
		// event: about a minute of work when nothing stops it.
		branches := strings.TrimSuffix(strings.Repeat("SELECT eventJson FROM small UNION ALL ", 40), " UNION ALL ")
		sh.send("SELECT count(*) FROM (" + branches + ") WHERE regexp_like(lpad(eventJson, 5000, eventJson), '(\\w+\\s*)+:(\\w+\\s*)+z{3}');\r")
		// Ctrl-C before readline has taken the whole statement and its
		// Enter would clear the line instead of cancelling the query (on
		// a loaded machine the echo of this 2,000-character line took
		// seconds): wait until the line is echoed and ended.
		sh.expect("+z{3}');", long)
		sh.expect("\n", long)
		// The first Ctrl-C may still come before the query starts; keep
		// pressing it, as a user would, until the shell says it cancelled.
		sh.sendUntil("\x03", "query cancelled")
		sh.expect("ctlake> ", long)
		// The shell is still usable: the next query runs to the end.
		sh.send("SELECT count(*) AS total FROM small;\r")
		sh.expect(fmt.Sprint(fixtureEvents), long)
		sh.expect("(1 row", long)
	})

	sh.send("SELECT 42 AS answer;\r")
	sh.expect("(1 row", long)
	sh.send("\x04") // Ctrl-D leaves
	sh.wait(long)

	t.Run("history survives a restart", func(t *testing.T) {
		b, err := os.ReadFile(history)
		if err != nil {
			t.Fatal(err)
		}
		// The multi-line statement is one entry, on one line.
		if !strings.Contains(string(b), "SELECT eventName, count(*) AS n FROM small WHERE eventName <> 'x;y' GROUP BY 1") {
			t.Fatalf("history file:\n%s", b)
		}
		sh2 := startShell(t, "--data", data, "--history", history)
		sh2.expect("ctlake> ", long)
		sh2.send("\x1b[A") // Up: the last statement of the first session
		sh2.expect("SELECT 42 AS answer;", long)
		sh2.send("\r")
		sh2.expect("42", long)
		sh2.expect("(1 row", long)
		sh2.send(".quit\r")
		sh2.wait(long)
	})
}
