package fn

import (
	"errors"
	"strings"
	"testing"

	"github.com/ctlake/ctlake/planner"
)

// TestMismatchBlamesArgument checks that a call no overload takes names
// the argument to blame (as planner.ArgError.Arg, for the caret) only when
// every overload of the call's arity fails on that same argument.
func TestMismatchBlamesArgument(t *testing.T) {
	c := NewCatalog()
	arrI := planner.ArrayOf(tI)
	cases := []struct {
		name string
		args []planner.Type
		arg  int
		msg  string
	}{
		{"cardinality", ts(tV), 0, "argument 1 of cardinality must be map(K,V) or array(T), not varchar: "},
		{"array_join", ts(arrI, tI), 1, "argument 2 of array_join must be varchar, not bigint"},
		{"array_join", ts(arrI, tV, tI), 2, "argument 3 of array_join must be varchar, not bigint"},
		{"levenshtein_distance", ts(tV, tTS), 1, "argument 2 of levenshtein_distance must be varchar, not timestamp(3)"},
		{"levenshtein_distance", ts(tV), -1, "levenshtein_distance takes 2 arguments, not 1: levenshtein_distance expects (varchar, varchar), got (varchar)"},
		{"from_utf8", ts(tB, tV, tV), -1, "from_utf8 takes 1 argument or 2 arguments, not 3: "},
		// Every argument fits some parameter; the element types disagree.
		{"contains", ts(arrI, tB), -1, "contains expects (array(T), T), (ipprefix, ipaddress) or (varchar, ipaddress), got (array(bigint), boolean)"},
	}
	for _, cs := range cases {
		_, err := c.ResolveScalar(cs.name, cs.args)
		var ae *planner.ArgError
		if !errors.As(err, &ae) {
			t.Errorf("%s%v: %v, want a *planner.ArgError", cs.name, cs.args, err)
			continue
		}
		if ae.Arg != cs.arg || !strings.HasPrefix(ae.Msg, cs.msg) {
			t.Errorf("%s%v: argument %d %q, want %d %q", cs.name, cs.args, ae.Arg, ae.Msg, cs.arg, cs.msg)
		}
	}
}

func TestOverloadsOfSig(t *testing.T) {
	for sig, want := range map[string][]int{
		"(array(T), varchar[, varchar])":      {2, 3},
		"(map(K,V), K) or (array(T), bigint)": {2, 2},
		"() or (T)":                           {0, 1},
		"(T1, T2, ...)":                       {2},
	} {
		var got []int
		for _, o := range overloadsOfSig(sig) {
			if !o.known {
				t.Errorf("%s: an overload could not be read", sig)
			}
			got = append(got, len(o.params))
		}
		if len(got) != len(want) || (len(got) > 0 && got[0] != want[0]) || got[len(got)-1] != want[len(want)-1] {
			t.Errorf("%s: %v parameters, want %v", sig, got, want)
		}
	}
	if o := overloadsOfSig("(… timestamp(3) with time zone …)"); len(o) != 1 || o[0].known {
		t.Errorf("an unreadable signature must blame nothing: %+v", o)
	}
}
