package planner

import "fmt"

// The optimizer rewrites a bound plan with rules, one per file (rule_*.go),
// applied to every node bottom-up, pass after pass, until a pass changes
// nothing or maxPasses is reached (OctoSQL's optimizer loop, with a cap).
// Every rule keeps the columns of the node it rewrites (their number,
// order and types), so that the expressions above it stay valid; only the
// final column pruning (prune.go) changes what nodes produce.

// rule rewrites one node; ok reports that it did.
type rule struct {
	name  string
	apply func(n Node) (Node, bool)
}

// maxPasses bounds the fixpoint loop. Plans of real queries settle in a
// handful of passes; the cap guards against two rules undoing each other.
const maxPasses = 32

// Rule names, as Plan.Fired counts them (tests assert that a rule fired).
const (
	RuleMergeFilters        = "mergeFilters"
	RulePushFilterProject   = "pushFilterThroughProject"
	RulePushFilterAggregate = "pushFilterThroughAggregate"
	RulePushFilterJoin      = "pushFilterIntoJoin"
	RulePushJoinCondition   = "pushJoinCondition"
	RuleJoinKeys            = "joinKeys"
	RuleMarkToSemi          = "markToSemi"
	RuleTransitive          = "transitiveEqualities"
	RulePushFilterScan      = "pushFilterIntoScan"
	RuleRemoveTrueFilter    = "removeTrueFilter"
	RuleLimitToTopN         = "limitSortToTopN"
	RulePushTopN            = "pushTopN"
	RuleBuildSide           = "chooseBuildSide"
	RuleMergeProjects       = "mergeProjects"
	RuleDynamicFilter       = "dynamicFilter"
	RulePartitionTopN       = "partitionTopN"
	RulePushFilterUnnest    = "pushFilterThroughUnnest"
	RulePushFilterSample    = "pushFilterBelowSample"
)

// optimize runs the rules on root and returns the new root.
func (b *binder) optimize(root Node) (Node, error) {
	rules := []rule{
		{RuleMergeFilters, mergeFilters},
		{RuleRemoveTrueFilter, removeTrueFilter},
		{RuleMarkToSemi, markToSemi},
		{RulePushFilterProject, pushFilterThroughProject},
		{RulePushFilterAggregate, pushFilterThroughAggregate},
		{RulePushFilterJoin, pushFilterIntoJoin},
		{RulePushJoinCondition, pushJoinCondition},
		{RuleJoinKeys, joinKeys},
		{RulePushFilterUnnest, pushFilterThroughUnnest},
		{RulePushFilterSample, pushFilterBelowSample},
	}
	if !b.opts.NoPushdown {
		rules = append(rules, rule{RuleTransitive, transitiveEqualities}, rule{RulePushFilterScan, pushFilterIntoScan})
	}
	settled := false
	for pass := 0; pass < maxPasses && !settled; pass++ {
		settled = true
		root = rewriteTree(root, func(n Node) Node {
			for _, r := range rules {
				if m, ok := r.apply(n); ok {
					b.fired[r.name]++
					settled = false
					n = m
				}
			}
			return n
		})
	}
	if !settled {
		return nil, fmt.Errorf("internal error: the optimizer did not settle in %d passes", maxPasses)
	}
	if !b.opts.NoPushdown {
		root = b.once(root, RuleLimitToTopN, limitSortToTopN)
		root = b.once(root, RulePartitionTopN, partitionTopN)
		root = b.once(root, RulePushTopN, pushTopN)
	}
	root = b.once(root, RuleBuildSide, chooseBuildSide)
	return root, nil
}

// once applies a rule to every node in one pass.
func (b *binder) once(root Node, name string, apply func(Node) (Node, bool)) Node {
	return rewriteTree(root, func(n Node) Node {
		if m, ok := apply(n); ok {
			b.fired[name]++
			return m
		}
		return n
	})
}

// rewriteTree replaces every node of the tree by fn(node), children first.
func rewriteTree(n Node, fn func(Node) Node) Node {
	for i, in := range n.Inputs() {
		setInput(n, i, rewriteTree(in, fn))
	}
	return fn(n)
}

// setInput replaces input i of n.
func setInput(n Node, i int, in Node) {
	switch n := n.(type) {
	case *Filter:
		n.Input = in
	case *Project:
		n.Input = in
	case *Aggregate:
		n.Input = in
	case *Sort:
		n.Input = in
	case *TopN:
		n.Input = in
	case *Limit:
		n.Input = in
	case *Distinct:
		n.Input = in
	case *Window:
		n.Input = in
	case *PartitionTopN:
		n.Input = in
	case *Unnest:
		n.Input = in
	case *Sample:
		n.Input = in
	case *UnionAll:
		n.Ins[i] = in
	case *Join:
		if i == 0 {
			n.Left = in
		} else {
			n.Right = in
		}
	case *SetOp:
		if i == 0 {
			n.Left = in
		} else {
			n.Right = in
		}
	default:
		panic(fmt.Sprintf("planner: setInput on %T", n))
	}
}

// refs lists the input columns an expression reads.
func refs(e Expr) map[int]bool {
	out := map[int]bool{}
	Walk(e, func(x Expr) bool {
		if r, ok := x.(*InputRef); ok {
			out[r.Index] = true
		}
		return true
	})
	return out
}

// within reports whether every column in rs is in [lo, hi).
func within(rs map[int]bool, lo, hi int) bool {
	for r := range rs {
		if r < lo || r >= hi {
			return false
		}
	}
	return true
}

// shift moves every column reference of e by d.
func shift(e Expr, d int) Expr {
	if d == 0 {
		return e
	}
	out, _ := mapRefs(e, func(r *InputRef) (Expr, error) {
		c := *r
		c.Index += d
		return &c, nil
	})
	return out
}

// substitute replaces each column reference of e by exprs[index].
func substitute(e Expr, exprs []Expr) Expr {
	out, _ := mapRefs(e, func(r *InputRef) (Expr, error) { return exprs[r.Index], nil })
	return out
}

// mapRefs rebuilds e with each InputRef replaced by fn(ref).
func mapRefs(e Expr, fn func(*InputRef) (Expr, error)) (Expr, error) {
	if r, ok := e.(*InputRef); ok {
		return fn(r)
	}
	return mapChildren(e, func(c Expr) (Expr, error) { return mapRefs(c, fn) })
}

// deterministic reports an expression that gives the same value each time
// it is evaluated on a row (so it may be evaluated twice or earlier).
func deterministic(e Expr) bool {
	ok := true
	Walk(e, func(x Expr) bool {
		if c, isCall := x.(*Call); isCall && c.Fn != nil && !c.Fn.Deterministic() {
			ok = false
		}
		return ok
	})
	return ok
}

// and joins conjuncts into one condition (nil for none).
func and(cs []Expr) Expr {
	if len(cs) == 0 {
		return nil
	}
	return conjunction(cs, cs[0].Pos())
}

// filterOver wraps n in a filter of the conjuncts (n itself for none).
func filterOver(n Node, cs []Expr) Node {
	if len(cs) == 0 {
		return n
	}
	return &Filter{Input: n, Cond: and(cs)}
}
