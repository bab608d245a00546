package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// BenchmarkShellPaste times the echo of a 4 KB query pasted into `ctlake
// shell` on a pseudo-terminal: from the write of the paste to the moment
// its last characters are on the terminal, as a user sees it. "burst" is
// a terminal without bracketed paste (the text arrives in one go),
// "bracketed" one that marks the paste. The echo-ms metric is the median.
//
//	go test -run XXX -bench ShellPaste -benchtime 20x ./cmd/ctlake
func BenchmarkShellPaste(b *testing.B) {
	for _, mode := range []string{"burst", "bracketed"} {
		b.Run(mode, func(b *testing.B) {
			sh := startShell(b, "--data", b.TempDir(), "--history", b.TempDir()+"/h")
			sh.poll = 200 * time.Microsecond
			sh.expect("ctlake> ", long)
			var times []time.Duration
			i := 0
			for b.Loop() {
				marker := fmt.Sprintf("-- end of paste %06d", i)
				i++
				query := pastedQuery(4096 - len(marker))
				text := query + marker
				if mode == "bracketed" {
					text = pasteStart + text + pasteEnd
				}
				start := time.Now()
				sh.send(text)
				sh.expect(marker, long)
				times = append(times, time.Since(start))
				// Ctrl-C drops the line; wait for the next prompt.
				sh.send("\x03")
				sh.expect("^C", long)
				sh.expect("ctlake> ", long)
			}
			b.ReportMetric(float64(median(times).Microseconds())/1000, "echo-ms")
		})
	}
}

// pastedQuery is a plausible long query of n bytes.
func pastedQuery(n int) string {
	var sb strings.Builder
	sb.WriteString("SELECT eventTime, eventName, userIdentity.arn FROM trail WHERE eventName IN (")
	for k := 0; sb.Len() < n-2; k++ {
		fmt.Fprintf(&sb, "'Event%04d', ", k)
	}
	s := sb.String()
	if len(s) > n {
		s = s[:n]
	}
	return s + strings.Repeat(" ", n-len(s))
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s[len(s)/2]
}
