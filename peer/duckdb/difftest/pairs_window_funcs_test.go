package difftest

// Pairs for issue 14's window functions. DuckDB's window syntax is
// Trino's, so most pairs differ only where DuckDB reads JSON (ct_field for
// userIdentity.arn) or names a function differently (date_sub for Trino's
// date_diff).
//
// Constructs that needed care:
//   - Row numbers, lag, lead and ROWS frames depend on the order among
//     peers: those windows order by eventTime, eventID and then the columns
//     the query shows. The real data sets keep duplicate events (NoDedup),
//     and Panther's test events reuse eventIDs and times for different
//     calls; rows still tied are equal in every shown column, so any order
//     among them gives the same multiset of output rows.
//   - DuckDB writes IGNORE NULLS inside the call (lag(x IGNORE NULLS)),
//     Trino after it (lag(x) IGNORE NULLS).
//   - sum of bigints is HUGEINT in DuckDB; the comparison reads it as a
//     number.
//   - NULL partition keys (events without userIdentity.arn) form one
//     partition in both.
var windowPairs = []pair{
	{"first event of each principal",
		`SELECT arn, eventName, eventTime FROM (SELECT userIdentity.arn AS arn, eventName, eventTime, row_number() OVER (PARTITION BY userIdentity.arn ORDER BY eventTime, eventID, eventName) AS rn FROM events) WHERE rn = 1`,
		`SELECT arn, eventName, eventTime FROM (SELECT ct_field(userIdentity, 'arn') AS arn, eventName, eventTime, row_number() OVER (PARTITION BY ct_field(userIdentity, 'arn') ORDER BY eventTime, eventID, eventName) AS rn FROM events) WHERE rn = 1`, false},
	{"three latest calls per source",
		`SELECT eventSource, eventID, rn FROM (SELECT eventSource, eventID, row_number() OVER (PARTITION BY eventSource ORDER BY eventTime DESC, eventID DESC) AS rn FROM events) WHERE rn <= 3`,
		`SELECT eventSource, eventID, rn FROM (SELECT eventSource, eventID, row_number() OVER (PARTITION BY eventSource ORDER BY eventTime DESC, eventID DESC) AS rn FROM events) WHERE rn <= 3`, false},
	{"rank of APIs within their service",
		`SELECT eventSource, eventName, n, rk, drk FROM (SELECT eventSource, eventName, count(*) AS n, rank() OVER (PARTITION BY eventSource ORDER BY count(*) DESC) AS rk, dense_rank() OVER (PARTITION BY eventSource ORDER BY count(*) DESC) AS drk FROM events GROUP BY 1, 2) WHERE rk <= 3`,
		`SELECT eventSource, eventName, n, rk, drk FROM (SELECT eventSource, eventName, count(*) AS n, rank() OVER (PARTITION BY eventSource ORDER BY count(*) DESC) AS rk, dense_rank() OVER (PARTITION BY eventSource ORDER BY count(*) DESC) AS drk FROM events GROUP BY 1, 2) WHERE rk <= 3`, false},
	{"time between consecutive calls per principal",
		`SELECT arn, count(gap) AS gaps, sum(gap) AS total, max(gap) AS longest, min(gap) AS shortest FROM (SELECT userIdentity.arn AS arn, date_diff('second', lag(eventTime) OVER (PARTITION BY userIdentity.arn ORDER BY eventTime, eventID), eventTime) AS gap FROM events) GROUP BY arn`,
		`SELECT arn, count(gap) AS gaps, sum(gap) AS total, max(gap) AS longest, min(gap) AS shortest FROM (SELECT ct_field(userIdentity, 'arn') AS arn, date_sub('second', lag(eventTime) OVER (PARTITION BY ct_field(userIdentity, 'arn') ORDER BY eventTime, eventID), eventTime) AS gap FROM events) GROUP BY arn`, false},
	{"next call of each service (lead, offsets, defaults)",
		`SELECT eventName, nxt, after2, count(*) AS n FROM (SELECT eventName, lead(eventName) OVER w AS nxt, lead(eventName, 2, '-') OVER w AS after2 FROM events WINDOW w AS (PARTITION BY eventSource ORDER BY eventTime, eventID, eventName)) GROUP BY 1, 2, 3`,
		`SELECT eventName, nxt, after2, count(*) AS n FROM (SELECT eventName, lead(eventName) OVER w AS nxt, lead(eventName, 2, '-') OVER w AS after2 FROM events WINDOW w AS (PARTITION BY eventSource ORDER BY eventTime, eventID, eventName)) GROUP BY 1, 2, 3`, false},
	{"previous error code, ignoring NULLs",
		`SELECT errorCode, prev, count(*) AS n FROM (SELECT errorCode, lag(errorCode) IGNORE NULLS OVER (PARTITION BY eventSource ORDER BY eventTime, eventID, errorCode) AS prev FROM events) GROUP BY 1, 2`,
		`SELECT errorCode, prev, count(*) AS n FROM (SELECT errorCode, lag(errorCode IGNORE NULLS) OVER (PARTITION BY eventSource ORDER BY eventTime, eventID, errorCode) AS prev FROM events) GROUP BY 1, 2`, false},
	{"hourly ranks with ties",
		`SELECT DISTINCT date_trunc('hour', eventTime) AS h, rank() OVER w AS rk, dense_rank() OVER w AS drk, percent_rank() OVER w AS pr, cume_dist() OVER w AS cd FROM events WINDOW w AS (ORDER BY date_trunc('hour', eventTime))`,
		`SELECT DISTINCT date_trunc('hour', eventTime) AS h, rank() OVER w AS rk, dense_rank() OVER w AS drk, percent_rank() OVER w AS pr, cume_dist() OVER w AS cd FROM events WINDOW w AS (ORDER BY date_trunc('hour', eventTime))`, false},
	{"principals in quartiles of activity",
		`SELECT arn, n, ntile(4) OVER (ORDER BY n DESC, arn) AS q, ntile(7) OVER (ORDER BY n, arn) AS s FROM (SELECT userIdentity.arn AS arn, count(*) AS n FROM events GROUP BY 1)`,
		`SELECT arn, n, ntile(4) OVER (ORDER BY n DESC, arn) AS q, ntile(7) OVER (ORDER BY n, arn) AS s FROM (SELECT ct_field(userIdentity, 'arn') AS arn, count(*) AS n FROM events GROUP BY 1)`, false},
	{"running and moving totals per hour",
		`SELECT h, n, sum(n) OVER (ORDER BY h) AS running, avg(n) OVER (ORDER BY h ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS moving, round(100.0 * n / sum(n) OVER (), 6) AS pct, max(n) OVER (ORDER BY h ROWS BETWEEN 3 PRECEDING AND 3 FOLLOWING) AS peak FROM (SELECT date_trunc('hour', eventTime) AS h, count(*) AS n FROM events GROUP BY 1)`,
		`SELECT h, n, sum(n) OVER (ORDER BY h) AS running, avg(n) OVER (ORDER BY h ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS moving, round(100.0 * n / sum(n) OVER (), 6) AS pct, max(n) OVER (ORDER BY h ROWS BETWEEN 3 PRECEDING AND 3 FOLLOWING) AS peak FROM (SELECT date_trunc('hour', eventTime) AS h, count(*) AS n FROM events GROUP BY 1)`, false},
	{"bursts: calls in the hour before each call",
		`SELECT arn, max(c) AS burst, sum(c) AS s FROM (SELECT userIdentity.arn AS arn, count(*) OVER (PARTITION BY userIdentity.arn ORDER BY eventTime RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW) AS c FROM events) GROUP BY arn`,
		`SELECT arn, max(c) AS burst, sum(c) AS s FROM (SELECT ct_field(userIdentity, 'arn') AS arn, count(*) OVER (PARTITION BY ct_field(userIdentity, 'arn') ORDER BY eventTime RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW) AS c FROM events) GROUP BY arn`, false},
	{"RANGE frames around each call, both directions",
		`SELECT eventSource, sum(a) AS a, sum(b) AS b, sum(c) AS c FROM (SELECT eventSource, count(*) OVER (PARTITION BY eventSource ORDER BY eventTime DESC RANGE BETWEEN INTERVAL '10' MINUTE PRECEDING AND INTERVAL '5' MINUTE FOLLOWING) AS a, count(*) OVER (PARTITION BY eventSource ORDER BY eventTime RANGE BETWEEN INTERVAL '1' DAY FOLLOWING AND UNBOUNDED FOLLOWING) AS b, count(*) OVER (PARTITION BY eventSource ORDER BY eventTime RANGE CURRENT ROW) AS c FROM events) GROUP BY 1`,
		`SELECT eventSource, sum(a) AS a, sum(b) AS b, sum(c) AS c FROM (SELECT eventSource, count(*) OVER (PARTITION BY eventSource ORDER BY eventTime DESC RANGE BETWEEN INTERVAL '10' MINUTE PRECEDING AND INTERVAL '5' MINUTE FOLLOWING) AS a, count(*) OVER (PARTITION BY eventSource ORDER BY eventTime RANGE BETWEEN INTERVAL '1' DAY FOLLOWING AND UNBOUNDED FOLLOWING) AS b, count(*) OVER (PARTITION BY eventSource ORDER BY eventTime RANGE CURRENT ROW) AS c FROM events) GROUP BY 1`, false},
	{"first, last and second call of each service",
		`SELECT DISTINCT eventSource, first_value(eventName) OVER w AS first, last_value(eventName) OVER w AS last, nth_value(eventName, 2) OVER w AS second FROM events WINDOW w AS (PARTITION BY eventSource ORDER BY eventTime, eventID, eventName ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)`,
		`SELECT DISTINCT eventSource, first_value(eventName) OVER w AS first, last_value(eventName) OVER w AS last, nth_value(eventName, 2) OVER w AS second FROM events WINDOW w AS (PARTITION BY eventSource ORDER BY eventTime, eventID, eventName ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)`, false},
	{"sliding min and max around each call",
		`SELECT eventSource, count(*) AS n, sum(date_diff('second', lo, hi)) AS spread FROM (SELECT eventSource, min(eventTime) OVER w AS lo, max(eventTime) OVER w AS hi FROM events WINDOW w AS (PARTITION BY eventSource ORDER BY eventTime, eventID ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING)) GROUP BY 1`,
		`SELECT eventSource, count(*) AS n, sum(date_sub('second', lo, hi)) AS spread FROM (SELECT eventSource, min(eventTime) OVER w AS lo, max(eventTime) OVER w AS hi FROM events WINDOW w AS (PARTITION BY eventSource ORDER BY eventTime, eventID ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING)) GROUP BY 1`, false},
	{"GROUPS frames over days",
		`SELECT DISTINCT date_trunc('day', eventTime) AS d, count(*) OVER (ORDER BY date_trunc('day', eventTime) GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW) AS two_days, count(*) OVER (ORDER BY date_trunc('day', eventTime) GROUPS BETWEEN 1 FOLLOWING AND 2 FOLLOWING) AS next_two FROM events`,
		`SELECT DISTINCT date_trunc('day', eventTime) AS d, count(*) OVER (ORDER BY date_trunc('day', eventTime) GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW) AS two_days, count(*) OVER (ORDER BY date_trunc('day', eventTime) GROUPS BETWEEN 1 FOLLOWING AND 2 FOLLOWING) AS next_two FROM events`, false},
	{"latest events by a window in ORDER BY",
		`SELECT eventID, eventName, row_number() OVER (ORDER BY eventTime DESC, eventID DESC) AS newest FROM events ORDER BY newest LIMIT 5`,
		`SELECT eventID, eventName, row_number() OVER (ORDER BY eventTime DESC, eventID DESC) AS newest FROM events ORDER BY newest LIMIT 5`, true},
	{"running error count per service (FILTER over a window)",
		`SELECT eventSource, max(errs) AS errs, sum(errs) AS s FROM (SELECT eventSource, count(*) FILTER (WHERE errorCode IS NOT NULL) OVER (PARTITION BY eventSource ORDER BY eventTime, eventID) AS errs FROM events) GROUP BY 1`,
		`SELECT eventSource, max(errs) AS errs, sum(errs) AS s FROM (SELECT eventSource, count(*) FILTER (WHERE errorCode IS NOT NULL) OVER (PARTITION BY eventSource ORDER BY eventTime, eventID) AS errs FROM events) GROUP BY 1`, false},
}

func init() { pairs = append(pairs, windowPairs...) }
