package ingest

import (
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/valyala/fastjson"
)

// kind is how one schema node takes its value from JSON.
type kind uint8

const (
	kString kind = iota
	kBool
	kTime
	kMap
	kStruct
	kList
)

// node is one field of the event schema compiled for decoding: for structs,
// the lookup tables that resolve an object's keys to field slots.
type node struct {
	kind    kind
	name    string
	fields  []*node        // kStruct
	exact   map[string]int // kStruct: field name -> index
	fold    map[string]int // kStruct: lower-case field name -> index
	maxFold int            // longest field name, bounds the fold lookup
	elem    *node          // kList

	exactKeys, foldKeys keyTable // exact and fold for resolve's lookups
}

func compile(name string, t arrow.DataType) *node {
	switch t := t.(type) {
	case *arrow.StringType:
		return &node{kind: kString, name: name}
	case *arrow.BooleanType:
		return &node{kind: kBool, name: name}
	case *arrow.TimestampType:
		return &node{kind: kTime, name: name}
	case *arrow.MapType:
		return &node{kind: kMap, name: name}
	case *arrow.ListType:
		return &node{kind: kList, name: name, elem: compile(name, t.Elem())}
	case *arrow.StructType:
		return compileStruct(name, t.Fields())
	}
	panic("ingest: schema type not handled by the decoder: " + t.String()) // programming error, caught by tests
}

func compileStruct(name string, fs []arrow.Field) *node {
	n := &node{kind: kStruct, name: name, exact: map[string]int{}, fold: map[string]int{}}
	for i, f := range fs {
		n.fields = append(n.fields, compile(f.Name, f.Type))
		n.exact[f.Name] = i
		n.fold[strings.ToLower(f.Name)] = i
		n.maxFold = max(n.maxFold, len(f.Name))
	}
	n.exactKeys, n.foldKeys = newKeyTable(n.exact), newKeyTable(n.fold)
	return n
}

// resolve fills slots with o's values for n's fields: an exact-case key
// wins; without one, the first key equal ignoring case is taken. Keys the
// schema does not know are ignored (eventJson keeps them).
func (n *node) resolve(o *fastjson.Object, slots []*fastjson.Value, isExact []bool) {
	clear(slots)
	clear(isExact)
	var low [48]byte
	o.Visit(func(k []byte, v *fastjson.Value) {
		if i, ok := n.exactKeys.lookup(k); ok {
			if !isExact[i] {
				slots[i], isExact[i] = v, true
			}
			return
		}
		if len(k) > n.maxFold || len(k) > len(low) {
			return
		}
		for j, c := range k {
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			low[j] = c
		}
		if i, ok := n.foldKeys.lookup(low[:len(k)]); ok && slots[i] == nil {
			slots[i] = v
		}
	})
}

// field returns the value of field i of a struct node in v, following the
// same exact-then-case-insensitive rule as resolve, or nil. slots and
// isExact are scratch space of at least len(n.fields).
func (n *node) field(v *fastjson.Value, i int, slots []*fastjson.Value, isExact []bool) *fastjson.Value {
	if v == nil || v.Type() != fastjson.TypeObject {
		return nil
	}
	o, _ := v.Object()
	slots, isExact = slots[:len(n.fields)], isExact[:len(n.fields)]
	n.resolve(o, slots, isExact)
	return slots[i]
}

// eventPlan is the compiled top-level schema plus the indexes of the
// columns decoding treats specially.
type eventPlan struct {
	root                               *node
	eventTime, eventJSON, eventJSONSum int
	eventID, userIdentity, resources   int
	uiArn                              int // userIdentity.arn
	resType, resARN                    int // resources[].type, resources[].ARN
}

var plan = newEventPlan(orcstore.EventSchema)

func newEventPlan(s *arrow.Schema) *eventPlan {
	p := &eventPlan{root: compileStruct("", s.Fields())}
	idx := func(n *node, name string) int {
		i, ok := n.exact[name]
		if !ok {
			panic("ingest: schema lacks " + name) // programming error, caught by tests
		}
		return i
	}
	r := p.root
	p.eventTime = idx(r, "eventTime")
	p.eventJSON = idx(r, "eventJson")
	p.eventJSONSum = idx(r, "eventJsonChecksum")
	p.eventID = idx(r, "eventID")
	p.userIdentity = idx(r, "userIdentity")
	p.resources = idx(r, "resources")
	p.uiArn = idx(r.fields[p.userIdentity], "arn")
	p.resType = idx(r.fields[p.resources].elem, "type")
	p.resARN = idx(r.fields[p.resources].elem, "ARN")
	return p
}
