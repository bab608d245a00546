package fn

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/ctlake/ctlake/planner"
)

// Why no overload fits a call. Trino's "Unexpected parameters (varchar)
// for function lower" leaves the user to find the culprit; we name the
// argument (position and types) when one argument is to blame in every
// overload of the call's arity, and the arity when none has it. The error
// is a *planner.ArgError so the binder points the caret at that argument.

// overload is one signature as the error explains it: parameters that
// say whether an argument type fits and how they print.
type overload struct {
	params   []param
	variadic bool // the last parameter repeats
	known    bool // false: the signature could not be read; blame nothing
}

type param struct {
	show string
	fits func(planner.Type) bool
}

// overloadOf is a concrete parameter list (a fixed scalar, or what a
// polymorphic binder returned).
func overloadOf(ps []planner.Type, variadic bool) overload {
	o := overload{variadic: variadic, known: true}
	for _, p := range ps {
		p := p
		o.params = append(o.params, param{show: p.String(), fits: func(t planner.Type) bool { return coerceCost(t, p) >= 0 }})
	}
	return o
}

var typeVar = regexp.MustCompile(`^[A-Z][A-Z0-9]?$`)

// overloadsOfSig reads a polymorphic signature as registered, e.g.
// "(map(K,V), K) or (array(T), bigint)" or "(array(T), varchar[, varchar])".
// Forms it cannot read come back unknown.
func overloadsOfSig(sig string) []overload {
	var out []overload
	for _, alt := range splitTop(sig, " or ") {
		alt = strings.TrimSpace(alt)
		end := strings.LastIndex(alt, ")") // "(T) with T orderable" ends its parameters at the last one
		if !strings.HasPrefix(alt, "(") || end < 0 || strings.Contains(alt, "…") {
			out = append(out, overload{})
			continue
		}
		inner := alt[1:end]
		forms := []string{inner}
		if i := strings.Index(inner, "["); i >= 0 && strings.HasSuffix(inner, "]") {
			forms = []string{inner[:i], inner[:i] + inner[i+1:len(inner)-1]}
		}
		for _, f := range forms {
			out = append(out, overloadOfText(f))
		}
	}
	return out
}

func overloadOfText(inner string) overload {
	o := overload{known: true}
	if strings.TrimSpace(inner) == "" {
		return o
	}
	for _, p := range splitTop(inner, ",") {
		p = strings.TrimSpace(p)
		if p == "..." {
			o.variadic = true
			continue
		}
		if strings.HasSuffix(p, "...") {
			o.variadic = true
			p = strings.TrimSuffix(p, "...")
		}
		o.params = append(o.params, param{show: p, fits: patternFits(p)})
	}
	return o
}

// patternFits matches a type against one parameter of a signature's
// text: a type variable takes anything, array(…)/map(…)/row(…) their kind,
// a concrete type what coerces to it (NULL to anything, bigint to double).
func patternFits(p string) func(planner.Type) bool {
	kindOf := map[string]planner.Kind{"array(": planner.KindArray, "map(": planner.KindMap, "row(": planner.KindRow}
	for prefix, k := range kindOf {
		if strings.HasPrefix(p, prefix) {
			k := k
			return func(t planner.Type) bool { return t.Kind == k || t.Kind == planner.KindUnknown }
		}
	}
	if typeVar.MatchString(p) {
		return func(planner.Type) bool { return true }
	}
	return func(t planner.Type) bool {
		s := t.String()
		return t.Kind == planner.KindUnknown || s == p || strings.HasPrefix(s, p+" ") ||
			(p == "double" && t.Kind == planner.KindBigint) ||
			(strings.HasPrefix(p, "timestamp") && (t.Kind == planner.KindDate || t.IsTimestamp()))
	}
}

// splitTop splits s at sep outside parentheses.
func splitTop(s, sep string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
		}
		if depth == 0 && strings.HasPrefix(s[i:], sep) {
			out = append(out, s[start:i])
			start = i + len(sep)
			i += len(sep) - 1
		}
	}
	return append(out, s[start:])
}

// arityFits reports whether o takes n arguments.
func (o overload) arityFits(n int) bool {
	if o.variadic {
		return n >= len(o.params)
	}
	return n == len(o.params)
}

// at is the parameter for argument i.
func (o overload) at(i int) param {
	if i >= len(o.params) {
		return o.params[len(o.params)-1]
	}
	return o.params[i]
}

// firstMisfit is the first argument o does not take, or -1 when all fit
// (the binder refused for a reason beyond single types, e.g. contains(
// array(bigint), varchar)).
func (o overload) firstMisfit(args []planner.Type) int {
	for i, a := range args {
		if !o.at(i).fits(a) {
			return i
		}
	}
	return -1
}

// mismatch explains a call no overload takes. sigs are the registered
// signatures (for the "expects" list), alts the overloads to judge.
func mismatch(name string, sigs []string, alts []overload, args []planner.Type) error {
	got := make([]string, len(args))
	for i, a := range args {
		got[i] = a.String()
	}
	var uniq []string
	for _, sig := range sigs {
		for _, s := range splitTop(sig, " or ") {
			if !slices.Contains(uniq, s) {
				uniq = append(uniq, s)
			}
		}
	}
	full := fmt.Sprintf("%s expects %s, got (%s)", name, joinOr(uniq), strings.Join(got, ", "))
	multi := len(uniq) > 1 || len(alts) > 1
	detail := func(msg string) string {
		if multi {
			return msg + ": " + full
		}
		return msg
	}
	blame, same, arities, known := -1, true, []string{}, true
	var wants []string
	for _, o := range alts {
		if !o.known {
			known = false
			continue
		}
		if !o.arityFits(len(args)) {
			arities = append(arities, arity(o))
			continue
		}
		i := o.firstMisfit(args)
		switch {
		case i < 0 || (blame >= 0 && i != blame):
			same = false
		default:
			blame = i
			if w := o.at(i).show; !slices.Contains(wants, w) {
				wants = append(wants, w)
			}
		}
	}
	switch {
	case known && blame >= 0 && same:
		msg := fmt.Sprintf("argument %d of %s must be %s, not %s", blame+1, name, joinOr(wants), got[blame])
		return &planner.ArgError{Arg: blame, Msg: detail(msg)}
	case known && blame < 0 && same && len(arities) > 0:
		slices.Sort(arities)
		arities = slices.Compact(arities)
		msg := fmt.Sprintf("%s takes %s, not %d", name, joinOr(arities), len(args))
		if !multi { // keep the argument types: "uuid takes no arguments, not 1: uuid expects (), got (bigint)"
			msg += ": " + full
		}
		return &planner.ArgError{Arg: -1, Msg: detail(msg)}
	}
	return &planner.ArgError{Arg: -1, Msg: full}
}

func arity(o overload) string {
	n := len(o.params)
	switch {
	case o.variadic:
		return fmt.Sprintf("%d or more arguments", n)
	case n == 0:
		return "no arguments"
	case n == 1:
		return "1 argument"
	}
	return fmt.Sprintf("%d arguments", n)
}

// joinOr lists alternatives: "a", "a or b", "a, b or c".
func joinOr(xs []string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}
