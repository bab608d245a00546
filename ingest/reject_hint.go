package ingest

import (
	"errors"
	"fmt"
	"strings"

	"github.com/valyala/fastjson"
)

// Exports by log shippers (Logstash, Elastic, Splunk) often carry an
// event's time in a field of their own and drop eventTime. Such events are
// rejected, but a field that holds a parseable time is noted on the reject,
// so that ingest and `query --table` can say which --time-field would take
// them instead of leaving the user to guess.

// timeFieldCandidates are the top-level fields checked, in order.
var timeFieldCandidates = []string{"@timestamp", "timestamp", "time"}

// TimeError is why an event without a parseable eventTime is rejected.
type TimeError struct {
	Value string // eventTime as found ("absent", or its JSON text)
	// Hint is a top-level field that holds a parseable time, which
	// --time-field would use; "" when none does.
	Hint string
}

func (e *TimeError) Error() string { return fmt.Sprintf("no parseable eventTime (%s)", e.Value) }

// timeHint returns the first candidate field of o, other than the
// configured fallback, whose value parses as a time.
func timeHint(o *fastjson.Object, configured []string) string {
	for _, name := range timeFieldCandidates {
		if len(configured) == 1 && configured[0] == name {
			continue
		}
		if _, ok := timeOf(o.Get(name)); ok {
			return name
		}
	}
	return ""
}

// TimeHints counts rejected events by the field --time-field would take.
type TimeHints map[string]int64

// Add counts r if it has a hint.
func (h TimeHints) Add(r *Reject) {
	if r.TimeHint != "" {
		h[r.TimeHint]++
	}
}

// Merge adds o's counts.
func (h TimeHints) Merge(o TimeHints) {
	for k, n := range o {
		h[k] += n
	}
}

// Message is the hint for the field that would take the most of rejected
// events, or "" when no rejected event has one.
func (h TimeHints) Message(rejected int64) string {
	best, n := "", int64(0)
	for _, name := range timeFieldCandidates {
		if h[name] > n {
			best, n = name, h[name]
		}
	}
	if n == 0 {
		return ""
	}
	of := fmt.Sprintf("%d of the %d rejected events have", n, rejected)
	if n == rejected {
		of = fmt.Sprintf("all %d rejected events have", n)
		if n == 1 {
			of = "the rejected event has"
		}
	}
	return fmt.Sprintf("%s no eventTime but a parseable %q: --time-field %s would take %s", of, best, quoteFlag(best), map[bool]string{true: "it", false: "them"}[n == 1])
}

// quoteFlag quotes a field name for a shell only where needed.
func quoteFlag(s string) string {
	if strings.ContainsAny(s, " '\"$`\\") {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return s
}

// timeHintOf is the hint carried by a decoding error.
func timeHintOf(err error) string {
	var te *TimeError
	if errors.As(err, &te) {
		return te.Hint
	}
	return ""
}
