package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/ctlake/ctlake/engine"
	"github.com/ctlake/ctlake/exec"
)

// scanLimits are --max-bytes-scanned and --max-events-scanned (query and
// shell): a query whose scans would read more, by the estimate EXPLAIN
// prints, is refused before it reads anything (engine.ScanLimitError).
type scanLimits struct {
	bytes, events string
}

func addScanLimitFlags(fs *flag.FlagSet) *scanLimits {
	l := &scanLimits{}
	fs.StringVar(&l.bytes, "max-bytes-scanned", "", "refuse a query whose scans would read more than SIZE (e.g. 500MB, 2GiB), estimated from metadata before reading")
	fs.StringVar(&l.events, "max-events-scanned", "", "refuse a query whose scans would decode more than N events (e.g. 1000000, 10M), estimated before reading")
	return l
}

// apply sets the limits in o.
func (l *scanLimits) apply(o *engine.Options) error {
	if l.bytes != "" {
		n, err := parseBytes(l.bytes)
		if err != nil {
			return fmt.Errorf("%w: --max-bytes-scanned: %v", errUsage, err)
		}
		o.MaxBytesScanned = n
	}
	if l.events != "" {
		n, err := parseCount(l.events)
		if err != nil {
			return fmt.Errorf("%w: --max-events-scanned: %v", errUsage, err)
		}
		o.MaxEventsScanned = n
	}
	return nil
}

// parseCount reads a count: digits with an optional decimal suffix K, M or
// G (thousands, millions, billions).
func parseCount(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	switch {
	case strings.HasSuffix(t, "K") || strings.HasSuffix(t, "k"):
		mult = 1e3
	case strings.HasSuffix(t, "M"):
		mult = 1e6
	case strings.HasSuffix(t, "G"):
		mult = 1e9
	}
	if mult > 1 {
		t = t[:len(t)-1]
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("cannot read count %q (use e.g. 1000000 or 10M)", s)
	}
	return int64(v * float64(mult)), nil
}

// limits runs the shell's .limits command: with no argument it prints the
// limits; "bytes SIZE", "events N" set one, "off" clears both.
func (sh *shell) limits(args []string) {
	o := &sh.eng.opts
	show := func(n int64, bytes bool) string {
		if n <= 0 {
			return "none"
		}
		if bytes {
			return exec.FormatBytes(n)
		}
		return strconv.FormatInt(n, 10)
	}
	switch {
	case len(args) == 0:
		fmt.Fprintf(sh.msg, "max bytes scanned: %s; max events scanned: %s\n", show(o.MaxBytesScanned, true), show(o.MaxEventsScanned, false))
	case len(args) == 1 && strings.EqualFold(args[0], "off"):
		o.MaxBytesScanned, o.MaxEventsScanned = 0, 0
	case len(args) == 2 && strings.EqualFold(args[0], "bytes"):
		n, err := parseBytes(args[1])
		if err != nil {
			sh.fail(err)
			return
		}
		o.MaxBytesScanned = n
	case len(args) == 2 && strings.EqualFold(args[0], "events"):
		n, err := parseCount(args[1])
		if err != nil {
			sh.fail(err)
			return
		}
		o.MaxEventsScanned = n
	default:
		sh.fail(fmt.Errorf("usage: .limits [bytes SIZE | events N | off]"))
	}
}
