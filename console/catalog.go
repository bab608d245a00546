package console

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/engine"
	"github.com/ctlake/ctlake/exec/fn"
	"github.com/ctlake/ctlake/orcstore"
	"github.com/ctlake/ctlake/planner"
)

// The editor's knowledge of the language: the stores (for FROM), the
// event schema as a tree of dotted paths with Trino types (for the schema
// browser and completion after a dot), every function with its signatures
// (from the engine's own catalog, so completion offers exactly what runs),
// the keywords with a line of help each, and Lake's sample queries.

// column is one node of the schema tree.
type column struct {
	Name     string   `json:"name"`
	Type     string   `json:"type"`
	Children []column `json:"children,omitempty"`
}

// storeSummary is a store as the editor lists it.
type storeSummary struct {
	ID           string     `json:"id"`
	Name         string     `json:"name"`
	ARN          string     `json:"arn"`
	Events       int64      `json:"events"`
	MinEventTime *time.Time `json:"minEventTime,omitempty"`
	MaxEventTime *time.Time `json:"maxEventTime,omitempty"`
}

type catalogOut struct {
	Stores    []storeSummary `json:"stores"`
	Columns   []column       `json:"columns"`
	Functions []fn.FuncInfo  `json:"functions"`
	Keywords  []keyword      `json:"keywords"`
	Samples   []sample       `json:"samples"`
}

func (c *Console) getCatalog(w http.ResponseWriter, r *http.Request, _ *session) {
	infos, err := c.srv.Catalog().List()
	if err != nil {
		fail(w, err)
		return
	}
	out := catalogOut{Stores: []storeSummary{}, Columns: schemaTree(orcstore.EventSchema.Fields()),
		Functions: c.srv.Engine().Functions().Describe(), Keywords: keywords, Samples: samples}
	for _, info := range infos {
		st, err := c.srv.Catalog().Open(info.ID)
		if err != nil {
			continue // deleted since List
		}
		sum := storeSummary{ID: info.ID, Name: info.Name, ARN: info.ARN}
		if m, err := st.ReadManifest(); err == nil { // figures only: no lease
			sum.Events = m.Rows()
			if len(m.Files) > 0 {
				lo, hi := m.TimeRange()
				sum.MinEventTime, sum.MaxEventTime = &lo, &hi
			}
		}
		out.Stores = append(out.Stores, sum)
	}
	writeJSON(w, out)
}

// schemaTree is the event schema as the editor shows it: struct fields as
// children (completed after a dot), lists of structs with their element's
// fields (element_at(resources, 1).arn).
func schemaTree(fields []arrow.Field) []column {
	out := make([]column, 0, len(fields))
	for _, f := range fields {
		col := column{Name: f.Name, Type: typeName(f.Type)}
		switch t := f.Type.(type) {
		case *arrow.StructType:
			col.Children = schemaTree(t.Fields())
		case *arrow.ListType:
			if st, ok := t.Elem().(*arrow.StructType); ok {
				col.Children = schemaTree(st.Fields())
			}
		}
		out = append(out, col)
	}
	return out
}

func typeName(dt arrow.DataType) string {
	t, err := planner.TypeFromArrow(dt)
	if err != nil {
		return dt.String()
	}
	return t.String()
}

// mapKeysSample is how many events the map-key sample reads.
const mapKeysSample = 5000

// mapColumns are the flexible JSON parts whose keys the schema browser
// samples.
var mapColumns = map[string]bool{"requestParameters": true, "responseElements": true, "additionalEventData": true, "serviceEventDetails": true}

// getMapKeys samples the keys of a map column of a store (the newest
// mapKeysSample events that have the map), so the schema browser can
// offer element_at(requestParameters, 'bucketName'), counted.
func (c *Console) getMapKeys(w http.ResponseWriter, r *http.Request, _ *session) {
	store, col := r.URL.Query().Get("store"), r.URL.Query().Get("column")
	if !mapColumns[col] {
		writeError(w, http.StatusBadRequest, "InvalidParameterException", "column must be requestParameters, responseElements, additionalEventData or serviceEventDetails")
		return
	}
	st, err := c.srv.Catalog().Open(store)
	if err != nil {
		writeError(w, http.StatusNotFound, "EventDataStoreNotFoundException", err.Error())
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	q := fmt.Sprintf("SELECT map_keys(%s) FROM %s WHERE %s IS NOT NULL ORDER BY eventTime DESC LIMIT %d", col, st.Info.ID, col, mapKeysSample)
	out, err := c.srv.Engine().Run(ctx, q, engine.Options{MemoryLimit: 256 << 20})
	if err != nil {
		fail(w, err)
		return
	}
	defer out.Release()
	counts := map[string]int{}
	for _, rec := range out.Records {
		l, ok := rec.Column(0).(*array.List)
		if !ok {
			continue
		}
		keys, ok := l.ListValues().(*array.String)
		if !ok {
			continue
		}
		for i := 0; i < l.Len(); i++ {
			if l.IsNull(i) {
				continue
			}
			lo, hi := l.ValueOffsets(i)
			for j := lo; j < hi; j++ {
				counts[keys.Value(int(j))]++
			}
		}
	}
	type keyCount struct {
		Key    string `json:"key"`
		Events int    `json:"events"`
	}
	list := make([]keyCount, 0, len(counts))
	for k, n := range counts {
		list = append(list, keyCount{k, n})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].Events != list[j].Events {
			return list[i].Events > list[j].Events
		}
		return list[i].Key < list[j].Key
	})
	if len(list) > 500 {
		list = list[:500]
	}
	writeJSON(w, map[string]any{"keys": list, "sampled": out.Rows()})
}
