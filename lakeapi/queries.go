package lakeapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// StartQuery, DescribeQuery, GetQueryResults, ListQueries and CancelQuery.

func (s *Server) registerQueries() {
	s.ops["StartQuery"] = s.startQuery
	s.ops["DescribeQuery"] = s.describeQuery
	s.ops["GetQueryResults"] = s.getQueryResults
	s.ops["ListQueries"] = s.listQueries
	s.ops["CancelQuery"] = s.cancelQuery
}

type startQueryIn struct {
	QueryStatement               string
	DeliveryS3Uri                string
	QueryAlias                   string
	QueryParameters              []string
	EventDataStoreOwnerAccountId string
}

func (s *Server) startQuery(c *call) (any, error) {
	var in startQueryIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if in.DeliveryS3Uri != "" {
		return nil, errorf("UnsupportedOperationException", "ctlake serve does not deliver results to S3 (DeliveryS3Uri); page them with GetQueryResults")
	}
	if err := s.checkOwner(in.EventDataStoreOwnerAccountId); err != nil {
		return nil, err
	}
	stmt := in.QueryStatement
	so := startOptions{}
	switch {
	case stmt != "" && in.QueryAlias != "":
		return nil, errorf("InvalidParameterException", "give QueryStatement or QueryAlias, not both")
	case in.QueryAlias != "":
		var err error
		stmt, err = s.dashboards.aliasStatement(in.QueryAlias, in.QueryParameters)
		if err != nil {
			return nil, err
		}
		so.alias = in.QueryAlias
	case len(in.QueryParameters) > 0:
		return nil, errorf("InvalidParameterException", "QueryParameters go with QueryAlias (a dashboard widget's query)")
	case stmt == "":
		return nil, errorf("InvalidParameterException", "StartQuery needs QueryStatement (or QueryAlias)")
	}
	id, err := s.queries.start(c.ctx, stmt, so)
	if err != nil {
		return nil, err
	}
	s.queries.awaitEnd(c.ctx, id, s.cfg.StartWait)
	return struct {
		QueryId string `json:"QueryId"`
	}{id}, nil
}

// checkOwner accepts EventDataStoreOwnerAccountId only when it names the
// server's own account: there is no other account to share stores from.
func (s *Server) checkOwner(account string) error {
	if account != "" && account != s.cfg.AccountID {
		return errorf("EventDataStoreNotFoundException", "no event data store is shared from account %s; this server's account is %s", account, s.cfg.AccountID)
	}
	return nil
}

type describeQueryIn struct {
	EventDataStore               string
	QueryId                      string
	QueryAlias                   string
	RefreshId                    string
	EventDataStoreOwnerAccountId string
}

type queryStatistics struct {
	EventsMatched         int64  `json:"EventsMatched"`
	EventsScanned         int64  `json:"EventsScanned"`
	BytesScanned          int64  `json:"BytesScanned"`
	ExecutionTimeInMillis int64  `json:"ExecutionTimeInMillis"`
	CreationTime          *epoch `json:"CreationTime,omitempty"`
}

type describeQueryOut struct {
	QueryId         string          `json:"QueryId"`
	QueryString     string          `json:"QueryString"`
	QueryStatus     string          `json:"QueryStatus"`
	QueryStatistics queryStatistics `json:"QueryStatistics"`
	ErrorMessage    string          `json:"ErrorMessage,omitempty"`
}

func (s *Server) describeQuery(c *call) (any, error) {
	var in describeQueryIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := s.checkOwner(in.EventDataStoreOwnerAccountId); err != nil {
		return nil, err
	}
	var rec QueryRecord
	switch {
	case in.QueryId != "":
		r, err := s.queryFor(in.QueryId, in.EventDataStore)
		if err != nil {
			return nil, err
		}
		rec = r
	case in.QueryAlias != "":
		r, ok := s.queries.lastByAlias(in.QueryAlias, in.RefreshId)
		if !ok {
			what := "alias " + in.QueryAlias
			if in.RefreshId != "" {
				what += " in refresh " + in.RefreshId
			}
			return nil, errorf("QueryIdNotFoundException", "No query has run under %s.", what)
		}
		rec = r
	default:
		return nil, errorf("InvalidParameterException", "DescribeQuery needs QueryId (or QueryAlias)")
	}
	out := describeQueryOut{
		QueryId:      rec.ID,
		QueryString:  rec.Statement,
		QueryStatus:  rec.Status,
		ErrorMessage: rec.ErrorMessage,
		QueryStatistics: queryStatistics{
			EventsMatched:         rec.EventsMatched,
			EventsScanned:         rec.EventsScanned,
			BytesScanned:          rec.BytesScanned,
			ExecutionTimeInMillis: rec.ExecutionMillis,
			CreationTime:          at(rec.CreatedAt),
		},
	}
	if rec.Status == stRunning {
		out.QueryStatistics.ExecutionTimeInMillis = s.now().Sub(rec.StartedAt).Milliseconds()
	}
	return out, nil
}

// queryFor finds a query, checking the (deprecated) EventDataStore member
// when the client sends it.
func (s *Server) queryFor(id, store string) (QueryRecord, error) {
	if store != "" {
		if _, _, err := s.resolveActive(store); err != nil {
			return QueryRecord{}, err
		}
	}
	rec, _, ok := s.queries.get(id)
	if !ok {
		return rec, errorf("QueryIdNotFoundException", "The query ID %s does not exist or does not map to a query.", id)
	}
	return rec, nil
}

type getResultsIn struct {
	EventDataStore               string
	QueryId                      string
	NextToken                    string
	MaxQueryResults              int
	EventDataStoreOwnerAccountId string
}

// defaultPageRows is the page size when MaxQueryResults is not given
// (Lake states none; its maximum keeps round trips few).
const defaultPageRows = 1000

func (s *Server) getQueryResults(c *call) (any, error) {
	var in getResultsIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := s.checkOwner(in.EventDataStoreOwnerAccountId); err != nil {
		return nil, err
	}
	rec, err := s.queryFor(in.QueryId, in.EventDataStore)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString(`{"QueryStatus":`)
	writeJSONValue(&b, rec.Status)
	if !rec.hasResults() {
		// Still QUEUED or RUNNING (clients that poll GetQueryResults read
		// the state here), or FAILED/CANCELLED: no rows.
		if in.NextToken != "" {
			return nil, errorf("InvalidNextTokenException", "the query is %s; it has no pages", rec.Status)
		}
		fmt.Fprintf(&b, `,"QueryStatistics":{"ResultsCount":0,"TotalResultsCount":0,"BytesScanned":%d}`, rec.BytesScanned)
		if rec.ErrorMessage != "" {
			b.WriteString(`,"ErrorMessage":`)
			writeJSONValue(&b, rec.ErrorMessage)
		}
		b.WriteString("}")
		return json.RawMessage(b.Bytes()), nil
	}
	var offset int64
	if in.NextToken != "" {
		if offset, err = parsePageToken(rec.ID, in.NextToken); err != nil || offset > rec.ResultBytes {
			return nil, errorf("InvalidNextTokenException", "NextToken is not a page of query %s", rec.ID)
		}
	}
	max := in.MaxQueryResults
	if max == 0 {
		max = defaultPageRows
	}
	rows, n, next, err := readPage(s.queries.resultPath(rec.ID), rec.ResultBytes, offset, max)
	if err != nil {
		if in.NextToken != "" {
			return nil, errorf("InvalidNextTokenException", "NextToken is not a page of query %s: %v", rec.ID, err)
		}
		return nil, fmt.Errorf("query %s results: %w", rec.ID, err)
	}
	fmt.Fprintf(&b, `,"QueryStatistics":{"ResultsCount":%d,"TotalResultsCount":%d,"BytesScanned":%d}`, n, rec.Rows, rec.BytesScanned)
	b.WriteString(`,"QueryResultRows":[`)
	b.Write(rows)
	b.WriteString("]")
	if next < rec.ResultBytes {
		b.WriteString(`,"NextToken":`)
		writeJSONValue(&b, pageToken(rec.ID, next))
	}
	if rec.ErrorMessage != "" {
		b.WriteString(`,"ErrorMessage":`)
		writeJSONValue(&b, rec.ErrorMessage)
	}
	b.WriteString("}")
	return json.RawMessage(b.Bytes()), nil
}

func writeJSONValue(b *bytes.Buffer, v string) {
	b.Write(appendJSONString(nil, []byte(v)))
}

type listQueriesIn struct {
	EventDataStore string
	NextToken      string
	MaxResults     int
	StartTime      *epoch
	EndTime        *epoch
	QueryStatus    string
}

type queryListItem struct {
	QueryId      string `json:"QueryId"`
	QueryStatus  string `json:"QueryStatus"`
	CreationTime *epoch `json:"CreationTime,omitempty"`
}

func (s *Server) listQueries(c *call) (any, error) {
	var in listQueriesIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	st, _, err := s.resolveActive(in.EventDataStore)
	if err != nil {
		return nil, err
	}
	var from, to time.Time
	if in.StartTime != nil {
		from = time.Time(*in.StartTime)
	}
	if in.EndTime != nil {
		to = time.Time(*in.EndTime)
	}
	if !from.IsZero() && !to.IsZero() && from.After(to) {
		return nil, errorf("InvalidDateRangeException", "StartTime %s is after EndTime %s", from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339))
	}
	recs := s.queries.list(func(r *QueryRecord) bool {
		return contains(r.Stores, st.Info.ID) &&
			(in.QueryStatus == "" || r.Status == in.QueryStatus) &&
			(from.IsZero() || !r.CreatedAt.Before(from)) &&
			(to.IsZero() || !r.CreatedAt.After(to))
	})
	// Newest first, as Lake lists them.
	key := func(r QueryRecord) string {
		return fmt.Sprintf("%020d|%s", int64(1<<62)-r.CreatedAt.UnixNano(), r.ID)
	}
	page, next, err := pageOf(c.op, recs, key, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := struct {
		Queries   []queryListItem `json:"Queries"`
		NextToken string          `json:"NextToken,omitempty"`
	}{Queries: []queryListItem{}, NextToken: next}
	for _, r := range page {
		out.Queries = append(out.Queries, queryListItem{QueryId: r.ID, QueryStatus: r.Status, CreationTime: at(r.CreatedAt)})
	}
	return out, nil
}

type cancelQueryIn struct {
	EventDataStore               string
	QueryId                      string
	EventDataStoreOwnerAccountId string
}

func (s *Server) cancelQuery(c *call) (any, error) {
	var in cancelQueryIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := s.checkOwner(in.EventDataStoreOwnerAccountId); err != nil {
		return nil, err
	}
	if _, err := s.queryFor(in.QueryId, in.EventDataStore); err != nil {
		return nil, err
	}
	status, err := s.queries.cancelQuery(in.QueryId, "The query was cancelled by CancelQuery.")
	if err != nil {
		return nil, err
	}
	return struct {
		QueryId     string `json:"QueryId"`
		QueryStatus string `json:"QueryStatus"`
	}{in.QueryId, status}, nil
}
