package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DuckServer is one duckpeer process that imported tables once and runs
// queries as they come (duckpeer query -stdin), so that a benchmark can
// alternate ctlake and DuckDB run by run without re-importing.
type DuckServer struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

// Serve starts duckpeer with each table (name → JSON path) imported.
func (d *Duck) Serve(ctx context.Context, tables map[string]string) (*DuckServer, error) {
	return d.serve(ctx, nil, tables)
}

// ServeDB starts duckpeer on the database file db, whose first table
// (by name) is imported from its JSON path only when the file lacks it:
// later runs query the table kept there, DuckDB's native storage, without
// importing again.
func (d *Duck) ServeDB(ctx context.Context, db string, tables map[string]string) (*DuckServer, error) {
	return d.serve(ctx, []string{"-db", db}, tables)
}

func (d *Duck) serve(ctx context.Context, extra []string, tables map[string]string) (*DuckServer, error) {
	names := make([]string, 0, len(tables))
	for n := range tables {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, fmt.Errorf("duckpeer: no table to import")
	}
	args := append([]string{"query", "-stdin", "-table", names[0]}, extra...)
	for _, n := range names[1:] {
		args = append(args, "-load", n+"="+tables[n])
	}
	args = append(args, tables[names[0]])
	cmd := exec.CommandContext(ctx, d.Bin, args...)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("duckpeer: %w", err)
	}
	return &DuckServer{cmd: cmd, in: in, out: bufio.NewReaderSize(out, 1<<20)}, nil
}

// Query runs one query (the first waits for the imports) and returns its
// canonical rows and the query's own time.
func (s *DuckServer) Query(sql string) (*DuckRun, error) {
	if _, err := io.WriteString(s.in, strings.ReplaceAll(sql, "\n", " ")+"\n"); err != nil {
		return nil, fmt.Errorf("duckpeer: %w", err)
	}
	var lines []string
	for {
		l, err := s.out.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("duckpeer: %w", err)
		}
		l = strings.TrimSuffix(l, "\n")
		if tail, ok := strings.CutPrefix(l, "\x1e"); ok {
			if msg, isErr := strings.CutPrefix(tail, "error: "); isErr {
				return nil, fmt.Errorf("duckdb: %s", msg)
			}
			_, took, ok := strings.Cut(tail, " rows in ")
			dur, err := time.ParseDuration(took)
			if !ok || err != nil {
				return nil, fmt.Errorf("duckpeer: bad timing line %q", tail)
			}
			return &DuckRun{Rows: duckTSV(lines), Seconds: dur.Seconds()}, nil
		}
		lines = append(lines, l)
	}
}

// ResetPeak restarts the process's resident set high-water mark (Linux).
func (s *DuckServer) ResetPeak() {
	os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", s.cmd.Process.Pid), []byte("5"), 0)
}

// Peak is the process's resident set high-water mark in bytes (0 where
// the platform does not say).
func (s *DuckServer) Peak() int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	return vmHWM(string(b))
}

// CPU is the process's user + system CPU time so far in seconds (Linux;
// 0 elsewhere).
func (s *DuckServer) CPU() float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	return statCPU(string(b))
}

// statCPU reads utime + stime (fields 14 and 15, in clock ticks of
// 1/100 s) from a /proc/PID/stat line; the command name in parentheses
// may hold spaces, so fields count from its closing parenthesis.
func statCPU(stat string) float64 {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(stat[i+1:])
	if len(f) < 13 {
		return 0
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	s, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return float64(u+s) / 100
}

// Close ends the process.
func (s *DuckServer) Close() error {
	s.in.Close()
	return s.cmd.Wait()
}
