package bench

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Query is one benchmark query in CloudTrail Lake SQL, with DuckDB's
// spelling of the same question (for the peer comparison; "" when the
// peer does not run it). {T} stands for the table, {day}/{dayEnd} for the
// last generated day, {hour} for six hours before its end, {eventID} and
// {arn} for values taken from the data, {rare} for the least frequent
// eventName.
type Query struct {
	Name    string
	Kind    string // "full", "time-pruned" or "selective"
	SQL     string
	Duck    string
	Ordered bool // the result order is fully determined (else compared as a multiset)
}

// Suite is the fixed benchmark suite: the seven showcase questions, then
// time-range-pruned and selective variants. ORDER BY carries tie-breakers
// so that every scan must return identical rows.
var Suite = []Query{
	{Name: "count-by-api", Kind: "full", Ordered: true,
		SQL:  "SELECT eventSource, eventName, count(*) AS n FROM {T} GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT 20",
		Duck: "SELECT eventSource, eventName, count(*) AS n FROM {T} GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT 20"},
	{Name: "errors-by-arn-range", Kind: "time-pruned", Ordered: true,
		SQL:  "SELECT userIdentity.arn AS principal, errorCode, count(*) AS n FROM {T} WHERE eventTime >= TIMESTAMP '{day}' AND eventTime < TIMESTAMP '{dayEnd}' AND errorCode IS NOT NULL GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT 20",
		Duck: "SELECT userIdentity->>'arn' AS principal, errorCode, count(*) AS n FROM {T} WHERE eventTime >= TIMESTAMP '{day}' AND eventTime < TIMESTAMP '{dayEnd}' AND errorCode IS NOT NULL GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT 20"},
	{Name: "hourly-histogram", Kind: "full", Ordered: true,
		SQL:  "SELECT date_trunc('hour', eventTime) AS hour, count(*) AS n FROM {T} GROUP BY 1 ORDER BY 1",
		Duck: "SELECT date_trunc('hour', eventTime) AS hour, count(*) AS n FROM {T} GROUP BY 1 ORDER BY 1"},
	{Name: "eventid-lookup", Kind: "selective", Ordered: true,
		SQL:  "SELECT eventTime, eventSource, eventName, userIdentity.arn, sourceIPAddress FROM {T} WHERE eventID = '{eventID}'",
		Duck: "SELECT eventTime, eventSource, eventName, userIdentity->>'arn' AS arn, sourceIPAddress FROM {T} WHERE eventID = '{eventID}'"},
	{Name: "top-s3-buckets", Kind: "full", Ordered: true,
		SQL:  "SELECT element_at(requestParameters, 'bucketName') AS bucket, count(*) AS n FROM {T} WHERE eventSource = 's3.amazonaws.com' GROUP BY 1 ORDER BY n DESC, 1 LIMIT 10",
		Duck: "SELECT json_extract_string(requestParameters, '$.bucketName') AS bucket, count(*) AS n FROM {T} WHERE eventSource = 's3.amazonaws.com' GROUP BY 1 ORDER BY n DESC, 1 LIMIT 10"},
	{Name: "distinct-ips-cli", Kind: "full", Ordered: true,
		SQL:  "SELECT count(DISTINCT sourceIPAddress) AS ips FROM {T} WHERE userAgent LIKE 'aws-cli/%'",
		Duck: "SELECT count(DISTINCT sourceIPAddress) AS ips FROM {T} WHERE userAgent LIKE 'aws-cli/%'"},
	{Name: "latest-10", Kind: "full", Ordered: true,
		SQL: "SELECT * FROM {T} ORDER BY eventTime DESC, eventID LIMIT 10",
		// The same SELECT *: DuckDB materialises all of its columns for the
		// ten rows as ctlake does (an earlier suite timed DuckDB on
		// eventID, eventTime only: 15 ms instead of ~22 ms on 1M events).
		Duck: "SELECT * FROM {T} ORDER BY eventTime DESC, eventID LIMIT 10"},
	// Variants: the same questions narrowed by time (files, stripes and row
	// groups outside the range are skipped) or by a selective predicate.
	{Name: "count-by-api-last-day", Kind: "time-pruned", Ordered: true,
		SQL:  "SELECT eventSource, eventName, count(*) AS n FROM {T} WHERE eventTime >= TIMESTAMP '{day}' GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT 20",
		Duck: "SELECT eventSource, eventName, count(*) AS n FROM {T} WHERE eventTime >= TIMESTAMP '{day}' GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT 20"},
	{Name: "hourly-last-6h", Kind: "time-pruned", Ordered: true,
		SQL:  "SELECT date_trunc('hour', eventTime) AS hour, count(*) AS n FROM {T} WHERE eventTime >= TIMESTAMP '{hour}' GROUP BY 1 ORDER BY 1",
		Duck: "SELECT date_trunc('hour', eventTime) AS hour, count(*) AS n FROM {T} WHERE eventTime >= TIMESTAMP '{hour}' GROUP BY 1 ORDER BY 1"},
	{Name: "rare-api", Kind: "selective", Ordered: true,
		SQL:  "SELECT count(*) AS n, count(DISTINCT userIdentity.arn) AS principals FROM {T} WHERE eventName = '{rare}'",
		Duck: "SELECT count(*) AS n, count(DISTINCT userIdentity->>'arn') AS principals FROM {T} WHERE eventName = '{rare}'"},
	{Name: "one-principal-latest", Kind: "selective", Ordered: true,
		SQL:  "SELECT eventTime, eventName, sourceIPAddress FROM {T} WHERE userIdentity.arn = '{arn}' ORDER BY eventTime DESC, eventID LIMIT 20",
		Duck: "SELECT eventTime, eventName, sourceIPAddress FROM {T} WHERE (userIdentity->>'arn') = '{arn}' ORDER BY eventTime DESC, eventID LIMIT 20"},
	// A lambda over the resources array (issue 14): the AWS sample
	// "S3 objects touched"; DuckDB holds resources as JSON.
	{Name: "any-match-s3-objects", Kind: "full", Ordered: true,
		SQL:  "SELECT count_if(any_match(resources, r -> r.type = 'AWS::S3::Object')) AS n FROM {T}",
		Duck: "SELECT count_if(len(list_filter(CAST(resources AS JSON[]), r -> (r->>'type') = 'AWS::S3::Object')) > 0) AS n FROM {T}"},
	// filter and transform over the same array, folded to one number.
	{Name: "filter-s3-objects", Kind: "full", Ordered: true,
		SQL:  "SELECT sum(cardinality(filter(resources, r -> r.type = 'AWS::S3::Object'))) AS n FROM {T}",
		Duck: "SELECT sum(len(list_filter(CAST(resources AS JSON[]), r -> (r->>'type') = 'AWS::S3::Object'))) AS n FROM {T}"},
	{Name: "transform-types", Kind: "full", Ordered: true,
		SQL:  "SELECT count_if(contains(transform(resources, r -> lower(r.type)), 'aws::s3::object')) AS n FROM {T}",
		Duck: "SELECT count_if(list_contains(list_transform(CAST(resources AS JSON[]), r -> lower(r->>'type')), 'aws::s3::object')) AS n FROM {T}"},
	// The same question by UNNEST, and two window questions (issue 14):
	// the first event of each principal (a per-partition top-1) and the
	// time between consecutive calls of each principal (lag).
	{Name: "unnest-s3-objects", Kind: "full", Ordered: true,
		SQL:  "SELECT count(DISTINCT r.ARN) AS objects FROM {T} CROSS JOIN UNNEST(resources) AS t(r) WHERE r.type = 'AWS::S3::Object'",
		Duck: "SELECT count(DISTINCT r->>'ARN') AS objects FROM {T} CROSS JOIN UNNEST(CAST(resources AS JSON[])) AS t(r) WHERE (r->>'type') = 'AWS::S3::Object'"},
	{Name: "first-per-principal", Kind: "full", Ordered: true,
		SQL:  "SELECT count(*) AS n, count(DISTINCT eventName) AS apis FROM (SELECT eventName, row_number() OVER (PARTITION BY userIdentity.arn ORDER BY eventTime, eventID) AS rn FROM {T}) WHERE rn = 1",
		Duck: "SELECT count(*) AS n, count(DISTINCT eventName) AS apis FROM (SELECT eventName, row_number() OVER (PARTITION BY userIdentity->>'arn' ORDER BY eventTime, eventID) AS rn FROM {T}) WHERE rn = 1"},
	{Name: "lag-gaps-per-principal", Kind: "full", Ordered: true,
		SQL:  "SELECT sum(gap) AS total, max(gap) AS longest FROM (SELECT date_diff('second', lag(eventTime) OVER (PARTITION BY userIdentity.arn ORDER BY eventTime, eventID), eventTime) AS gap FROM {T})",
		Duck: "SELECT sum(gap) AS total, max(gap) AS longest FROM (SELECT date_sub('second', lag(eventTime) OVER (PARTITION BY userIdentity->>'arn' ORDER BY eventTime, eventID), eventTime) AS gap FROM {T})"},
}

// Params are the data-dependent values the suite's placeholders take.
type Params struct {
	Day, DayEnd, Hour  string // 'YYYY-MM-DD hh:mm:ss'
	HourEnd            string `json:",omitempty"` // the join suite's hour
	EventID, ARN, Rare string
}

// Text substitutes p and the table name into a query text.
func (p Params) Text(q, table string) string {
	return strings.NewReplacer("{T}", table, "{day}", p.Day, "{dayEnd}", p.DayEnd, "{hour}", p.Hour,
		"{eventID}", p.EventID, "{arn}", p.ARN, "{rare}", p.Rare).Replace(q)
}

// FindParams takes the suite's values from a table: the last day of
// events, an eventID from the middle of it, a principal with a few dozen
// events and the rarest eventName.
func FindParams(ctx context.Context, r *Runner, table string) (Params, error) {
	var p Params
	one := func(q string) (string, error) {
		out, err := r.Run(ctx, strings.ReplaceAll(q, "{T}", table))
		if err != nil {
			return "", fmt.Errorf("%s: %w", q, err)
		}
		if len(out.Rows) == 0 {
			return "", fmt.Errorf("%s: no rows", q)
		}
		return out.Rows[0], nil
	}
	hi, err := one("SELECT max(eventTime) FROM {T}")
	if err != nil {
		return p, err
	}
	t, err := time.Parse("2006-01-02 15:04:05.000000000", hi)
	if err != nil {
		return p, fmt.Errorf("max(eventTime) %q: %w", hi, err)
	}
	const layout = "2006-01-02 15:04:05"
	day := t.Truncate(24 * time.Hour)
	p.Day, p.DayEnd = day.Format(layout), day.Add(24*time.Hour).Format(layout)
	p.Hour = t.Truncate(time.Hour).Add(-5 * time.Hour).Format(layout)
	if p.EventID, err = one("SELECT min(eventID) FROM {T} WHERE eventTime >= TIMESTAMP '" + day.Add(12*time.Hour).Format(layout) + "' AND eventTime < TIMESTAMP '" + day.Add(13*time.Hour).Format(layout) + "'"); err != nil {
		return p, err
	}
	if p.ARN, err = one("SELECT arn FROM (SELECT userIdentity.arn AS arn, count(*) AS n FROM {T} WHERE userIdentity.arn IS NOT NULL GROUP BY 1) WHERE n >= 20 ORDER BY n, arn LIMIT 1"); err != nil {
		return p, err
	}
	if p.Rare, err = one("SELECT eventName FROM {T} GROUP BY 1 ORDER BY count(*), 1 LIMIT 1"); err != nil {
		return p, err
	}
	return p, nil
}
