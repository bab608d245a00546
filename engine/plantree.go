package engine

import (
	"context"

	"github.com/ctlake/ctlake/exec"
	"github.com/ctlake/ctlake/planner"
)

// PlanNode is one node of a plan as data, for front-ends that draw the
// tree themselves (the console) rather than print EXPLAIN's text. It holds
// what the text holds: the node's line, its attributes and, after EXPLAIN
// ANALYZE, its figures.
type PlanNode struct {
	Name     string       `json:"name"`
	Attrs    []PlanAttr   `json:"attrs,omitempty"`
	Figures  *PlanFigures `json:"figures,omitempty"`
	Children []*PlanNode  `json:"children,omitempty"`
}

// PlanAttr is one attribute line ("time range: [...)").
type PlanAttr struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// PlanFigures are an operator's runtime figures. Extra holds what the
// operator reports of its own: a scan's files, stripes and row groups read
// and skipped, an aggregation's groups.
type PlanFigures struct {
	Rows   int64             `json:"rows"`
	TimeNs int64             `json:"timeNs"`
	Extra  map[string]string `json:"extra,omitempty"`
}

// PlanTree is the plan as EXPLAIN shows it, as data.
func (q *Query) PlanTree() *PlanNode { return planTree(q.Plan.Root, nil) }

// AnalyzeTree runs the query to the end, dropping its rows (as EXPLAIN
// ANALYZE does), and returns the plan with each operator's figures, as
// text (Analyze's) and as data.
func (q *Query) AnalyzeTree(ctx context.Context, times TimeFormat) (string, *PlanNode, Stats, error) {
	defer q.Close()
	opStats, s, err := q.Profile(ctx)
	if err != nil {
		return "", nil, s, err
	}
	est, _ := q.Estimate(ctx) // each scan's estimate beside what it read, as Analyze prints
	return FormatAnalyze(q.Plan, opStats, times, est.ByScan), planTree(q.Plan.Root, exec.StatsByNode(q.Plan.Root, opStats)), s, nil
}

func planTree(n planner.Node, figures map[planner.Node]*exec.OpStats) *PlanNode {
	name, attrs := n.Explain()
	out := &PlanNode{Name: name}
	for _, a := range attrs {
		out.Attrs = append(out.Attrs, PlanAttr{Key: a.Key, Value: a.Value})
	}
	if s := figures[n]; s != nil {
		out.Figures = &PlanFigures{Rows: s.Rows, TimeNs: int64(s.Time), Extra: s.Extra}
	}
	for _, in := range n.Inputs() {
		out.Children = append(out.Children, planTree(in, figures))
	}
	return out
}
