package difftest

// joinPairs are joins, subqueries and set operations over one store:
// self-joins, the store joined with CTEs and derived tables, semi and anti
// joins (IN, NOT IN with its NULL rules, EXISTS, NOT EXISTS), scalar
// subqueries, UNION/INTERSECT/EXCEPT with ALL, and OFFSET/FETCH. They run
// on every data set. Beyond the constructs of pairs_test.go:
//   - a time window "the last day of the data" is written with a scalar
//     subquery, so that each data set has rows in it;
//   - Trino's FETCH NEXT n ROWS ONLY is DuckDB's LIMIT n; OFFSET is the
//     same in both;
//   - NOT IN and IN over a subquery with a NULL follow the SQL standard
//     in both (NULL, not FALSE), which the NOT IN pairs check.
var joinPairs = []pair{
	{"self-join on eventID, one side the last day",
		`SELECT count(*), count(DISTINCT a.eventName) FROM events a JOIN events b ON a.eventID = b.eventID
		 WHERE b.eventTime >= (SELECT date_trunc('day', max(eventTime)) FROM events)`,
		`SELECT count(*), count(DISTINCT a.eventName) FROM events a JOIN events b ON a.eventID = b.eventID
		 WHERE b.eventTime >= (SELECT date_trunc('day', max(eventTime)) FROM events)`, false},
	{"self-join on address within a minute",
		`SELECT a.sourceIPAddress, count(*) AS n FROM events a JOIN events b
		 ON a.sourceIPAddress = b.sourceIPAddress AND b.eventTime > a.eventTime AND b.eventTime <= a.eventTime + INTERVAL '1' MINUTE
		 GROUP BY 1`,
		`SELECT a.sourceIPAddress, count(*) AS n FROM events a JOIN events b
		 ON a.sourceIPAddress = b.sourceIPAddress AND b.eventTime > a.eventTime AND b.eventTime <= a.eventTime + INTERVAL 1 MINUTE
		 GROUP BY 1`, false},
	{"AssumeRole then activity with its key",
		`SELECT ar.eventID, act.eventName, count(*) FROM events ar JOIN events act
		 ON json_extract_scalar(element_at(ar.responseElements, 'credentials'), '$.accessKeyId') = act.userIdentity.accessKeyId
		 WHERE ar.eventName = 'AssumeRole' AND act.eventTime >= ar.eventTime GROUP BY 1, 2`,
		`SELECT ar.eventID, act.eventName, count(*) FROM events ar JOIN events act
		 ON json_extract_string(ar.responseElements, '$.credentials.accessKeyId') = ct_field(act.userIdentity, 'accessKeyId')
		 WHERE ar.eventName = 'AssumeRole' AND act.eventTime >= ar.eventTime GROUP BY 1, 2`, false},
	{"store joined with a CTE of busy principals",
		`WITH p AS (SELECT userIdentity.arn AS arn, count(*) AS n FROM events WHERE userIdentity.arn IS NOT NULL GROUP BY 1 HAVING count(*) > 3)
		 SELECT e.eventName, count(*), max(p.n) FROM events e JOIN p ON e.userIdentity.arn = p.arn GROUP BY 1`,
		`WITH p AS (SELECT ct_field(userIdentity, 'arn') AS arn, count(*) AS n FROM events WHERE ct_field(userIdentity, 'arn') IS NOT NULL GROUP BY 1 HAVING count(*) > 3)
		 SELECT e.eventName, count(*), max(p.n) FROM events e JOIN p ON ct_field(e.userIdentity, 'arn') = p.arn GROUP BY 1`, false},
	{"left join of two aggregations",
		`WITH errs AS (SELECT eventSource, count(*) AS n FROM events WHERE errorCode IS NOT NULL GROUP BY 1)
		 SELECT s.eventSource, s.total, e.n FROM (SELECT eventSource, count(*) AS total FROM events GROUP BY 1) s
		 LEFT JOIN errs e ON s.eventSource = e.eventSource`,
		`WITH errs AS (SELECT eventSource, count(*) AS n FROM events WHERE errorCode IS NOT NULL GROUP BY 1)
		 SELECT s.eventSource, s.total, e.n FROM (SELECT eventSource, count(*) AS total FROM events GROUP BY 1) s
		 LEFT JOIN errs e ON s.eventSource = e.eventSource`, false},
	{"full join on region",
		`SELECT coalesce(a.r, b.r) AS r, a.n, b.m FROM (SELECT awsRegion AS r, count(*) AS n FROM events WHERE readOnly GROUP BY 1) a
		 FULL JOIN (SELECT awsRegion AS r, count(*) AS m FROM events WHERE errorCode IS NOT NULL GROUP BY 1) b ON a.r = b.r`,
		`SELECT coalesce(a.r, b.r) AS r, a.n, b.m FROM (SELECT awsRegion AS r, count(*) AS n FROM events WHERE readOnly GROUP BY 1) a
		 FULL JOIN (SELECT awsRegion AS r, count(*) AS m FROM events WHERE errorCode IS NOT NULL GROUP BY 1) b ON a.r = b.r`, false},
	{"right join with a residual condition",
		`SELECT b.eventSource, count(a.eventName) FROM (SELECT eventSource, eventName FROM events WHERE errorCode IS NOT NULL) a
		 RIGHT JOIN (SELECT DISTINCT eventSource FROM events) b ON a.eventSource = b.eventSource AND a.eventName LIKE 'Get%' GROUP BY 1`,
		`SELECT b.eventSource, count(a.eventName) FROM (SELECT eventSource, eventName FROM events WHERE errorCode IS NOT NULL) a
		 RIGHT JOIN (SELECT DISTINCT eventSource FROM events) b ON a.eventSource = b.eventSource AND a.eventName LIKE 'Get%' GROUP BY 1`, false},
	{"join USING",
		`SELECT eventSource, a.n, b.m FROM (SELECT eventSource, count(*) AS n FROM events GROUP BY 1) a
		 JOIN (SELECT eventSource, count(DISTINCT eventName) AS m FROM events GROUP BY 1) b USING (eventSource)`,
		`SELECT eventSource, a.n, b.m FROM (SELECT eventSource, count(*) AS n FROM events GROUP BY 1) a
		 JOIN (SELECT eventSource, count(DISTINCT eventName) AS m FROM events GROUP BY 1) b USING (eventSource)`, false},
	{"comma join with the key in WHERE",
		`SELECT count(*) FROM events a, events b WHERE a.eventID = b.eventID AND a.readOnly AND b.errorCode IS NULL`,
		`SELECT count(*) FROM events a, events b WHERE a.eventID = b.eventID AND a.readOnly AND b.errorCode IS NULL`, false},
	{"cross join of totals",
		`SELECT a.n, b.m, a.n - b.m FROM (SELECT count(*) AS n FROM events) a CROSS JOIN (SELECT count(*) AS m FROM events WHERE readOnly) b`,
		`SELECT a.n, b.m, a.n - b.m FROM (SELECT count(*) AS n FROM events) a CROSS JOIN (SELECT count(*) AS m FROM events WHERE readOnly) b`, false},
	{"three-way join",
		`SELECT count(*) FROM events a JOIN events b ON a.eventID = b.eventID JOIN (SELECT DISTINCT eventName FROM events WHERE errorCode IS NOT NULL) c ON c.eventName = b.eventName`,
		`SELECT count(*) FROM events a JOIN events b ON a.eventID = b.eventID JOIN (SELECT DISTINCT eventName FROM events WHERE errorCode IS NOT NULL) c ON c.eventName = b.eventName`, false},
	{"IN subquery",
		`SELECT eventName, count(*) FROM events WHERE userIdentity.arn IN (SELECT userIdentity.arn FROM events WHERE errorCode IS NOT NULL) GROUP BY 1`,
		`SELECT eventName, count(*) FROM events WHERE ct_field(userIdentity, 'arn') IN (SELECT ct_field(userIdentity, 'arn') FROM events WHERE errorCode IS NOT NULL) GROUP BY 1`, false},
	{"NOT IN with NULLs in the subquery",
		`SELECT count(*) FROM events WHERE sourceIPAddress NOT IN (SELECT sourceIPAddress FROM events WHERE errorCode IS NOT NULL)`,
		`SELECT count(*) FROM events WHERE sourceIPAddress NOT IN (SELECT sourceIPAddress FROM events WHERE errorCode IS NOT NULL)`, false},
	{"NOT IN without NULLs",
		`SELECT count(*), count(DISTINCT eventName) FROM events WHERE eventName NOT IN (SELECT eventName FROM events WHERE errorCode IS NOT NULL AND eventName IS NOT NULL)`,
		`SELECT count(*), count(DISTINCT eventName) FROM events WHERE eventName NOT IN (SELECT eventName FROM events WHERE errorCode IS NOT NULL AND eventName IS NOT NULL)`, false},
	{"IN as a value",
		`SELECT userAgent IN (SELECT userAgent FROM events WHERE errorCode IS NOT NULL) AS seen, count(*) FROM events GROUP BY 1`,
		`SELECT userAgent IN (SELECT userAgent FROM events WHERE errorCode IS NOT NULL) AS seen, count(*) FROM events GROUP BY 1`, false},
	{"correlated EXISTS",
		`SELECT count(*) FROM events e WHERE EXISTS (SELECT 1 FROM events f WHERE f.userIdentity.arn = e.userIdentity.arn AND f.errorCode IS NOT NULL)`,
		`SELECT count(*) FROM events e WHERE EXISTS (SELECT 1 FROM events f WHERE ct_field(f.userIdentity, 'arn') = ct_field(e.userIdentity, 'arn') AND f.errorCode IS NOT NULL)`, false},
	{"correlated NOT EXISTS with a residual",
		`SELECT e.sourceIPAddress, count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM events f WHERE f.sourceIPAddress = e.sourceIPAddress AND f.eventTime < e.eventTime) GROUP BY 1`,
		`SELECT e.sourceIPAddress, count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM events f WHERE f.sourceIPAddress = e.sourceIPAddress AND f.eventTime < e.eventTime) GROUP BY 1`, false},
	{"correlated IN",
		`SELECT count(*) FROM events e WHERE e.eventName IN (SELECT f.eventName FROM events f WHERE f.awsRegion = e.awsRegion AND f.errorCode IS NOT NULL)`,
		`SELECT count(*) FROM events e WHERE e.eventName IN (SELECT f.eventName FROM events f WHERE f.awsRegion = e.awsRegion AND f.errorCode IS NOT NULL)`, false},
	{"correlated NOT IN",
		`SELECT count(*) FROM events e WHERE e.sourceIPAddress NOT IN (SELECT f.sourceIPAddress FROM events f WHERE f.eventName = e.eventName AND f.readOnly = false)`,
		`SELECT count(*) FROM events e WHERE e.sourceIPAddress NOT IN (SELECT f.sourceIPAddress FROM events f WHERE f.eventName = e.eventName AND f.readOnly = false)`, false},
	{"scalar subquery in WHERE",
		`SELECT count(*), count(DISTINCT eventName) FROM events WHERE eventTime >= (SELECT max(eventTime) FROM events) - INTERVAL '1' DAY`,
		`SELECT count(*), count(DISTINCT eventName) FROM events WHERE eventTime >= (SELECT max(eventTime) FROM events) - INTERVAL 1 DAY`, false},
	{"correlated scalar count",
		`SELECT e.eventSource, (SELECT count(*) FROM events f WHERE f.eventSource = e.eventSource AND f.errorCode IS NOT NULL) AS errs FROM (SELECT DISTINCT eventSource FROM events) e`,
		`SELECT e.eventSource, (SELECT count(*) FROM events f WHERE f.eventSource = e.eventSource AND f.errorCode IS NOT NULL) AS errs FROM (SELECT DISTINCT eventSource FROM events) e`, false},
	{"correlated scalar max",
		`SELECT e.eventName, (SELECT max(f.eventTime) FROM events f WHERE f.eventName = e.eventName AND f.readOnly) AS last_read FROM (SELECT DISTINCT eventName FROM events) e`,
		`SELECT e.eventName, (SELECT max(f.eventTime) FROM events f WHERE f.eventName = e.eventName AND f.readOnly) AS last_read FROM (SELECT DISTINCT eventName FROM events) e`, false},
	{"scalar subquery in HAVING and SELECT",
		`SELECT eventSource, count(*) AS n, (SELECT count(*) FROM events) AS total FROM events GROUP BY eventSource
		 HAVING count(*) * 20 > (SELECT count(*) FROM events)`,
		`SELECT eventSource, count(*) AS n, (SELECT count(*) FROM events) AS total FROM events GROUP BY eventSource
		 HAVING count(*) * 20 > (SELECT count(*) FROM events)`, false},
	{"UNION",
		`SELECT eventSource FROM events WHERE readOnly UNION SELECT eventSource FROM events WHERE errorCode IS NOT NULL`,
		`SELECT eventSource FROM events WHERE readOnly UNION SELECT eventSource FROM events WHERE errorCode IS NOT NULL`, false},
	{"INTERSECT",
		`SELECT eventName, awsRegion FROM events WHERE readOnly INTERSECT SELECT eventName, awsRegion FROM events WHERE errorCode IS NOT NULL`,
		`SELECT eventName, awsRegion FROM events WHERE readOnly INTERSECT SELECT eventName, awsRegion FROM events WHERE errorCode IS NOT NULL`, false},
	{"EXCEPT",
		`SELECT eventName FROM events EXCEPT SELECT eventName FROM events WHERE readOnly`,
		`SELECT eventName FROM events EXCEPT SELECT eventName FROM events WHERE readOnly`, false},
	{"INTERSECT ALL",
		`SELECT x, count(*) FROM (SELECT eventSource AS x FROM events WHERE readOnly INTERSECT ALL SELECT eventSource FROM events WHERE errorCode IS NOT NULL) GROUP BY 1`,
		`SELECT x, count(*) FROM (SELECT eventSource AS x FROM events WHERE readOnly INTERSECT ALL SELECT eventSource FROM events WHERE errorCode IS NOT NULL) GROUP BY 1`, false},
	{"EXCEPT ALL",
		`SELECT x, count(*) FROM (SELECT eventSource AS x FROM events EXCEPT ALL SELECT eventSource FROM events WHERE readOnly) GROUP BY 1`,
		`SELECT x, count(*) FROM (SELECT eventSource AS x FROM events EXCEPT ALL SELECT eventSource FROM events WHERE readOnly) GROUP BY 1`, false},
	{"INTERSECT before UNION",
		`SELECT awsRegion FROM events WHERE readOnly UNION SELECT eventSource FROM events INTERSECT SELECT eventSource FROM events WHERE errorCode IS NOT NULL`,
		`SELECT awsRegion FROM events WHERE readOnly UNION (SELECT eventSource FROM events INTERSECT SELECT eventSource FROM events WHERE errorCode IS NOT NULL)`, false},
	{"OFFSET and FETCH",
		`SELECT eventName, count(*) AS n FROM events GROUP BY 1 ORDER BY n DESC, eventName OFFSET 2 ROWS FETCH NEXT 5 ROWS ONLY`,
		`SELECT eventName, count(*) AS n FROM events GROUP BY 1 ORDER BY n DESC, eventName LIMIT 5 OFFSET 2`, true},
	{"OFFSET alone",
		`SELECT eventSource, count(*) AS n FROM events GROUP BY 1 ORDER BY n, eventSource OFFSET 3`,
		`SELECT eventSource, count(*) AS n FROM events GROUP BY 1 ORDER BY n, eventSource OFFSET 3`, true},
	{"DISTINCT ordered by an aliased column",
		`SELECT DISTINCT awsRegion AS Region, recipientAccountId AS AccountID FROM events ORDER BY recipientAccountId, awsRegion`,
		`SELECT DISTINCT awsRegion AS Region, recipientAccountId AS AccountID FROM events ORDER BY AccountID, Region`, true},
}

// otherPairs join the store with a second one ("other"): the generated
// data set only, where querytest's fixture has both.
var otherPairs = []pair{
	{"two stores on eventID",
		`SELECT count(*), count(DISTINCT o.eventID), count_if(e.eventName = o.eventName) FROM events e JOIN other o ON e.eventID = o.eventID`,
		`SELECT count(*), count(DISTINCT o.eventID), lake_count_if(e.eventName = o.eventName) FROM events e JOIN other o ON e.eventID = o.eventID`, false},
	{"two stores, left join and the anti-join pattern",
		`SELECT e.eventSource, count(*) FROM events e LEFT JOIN other o ON e.eventID = o.eventID WHERE o.eventID IS NULL GROUP BY 1`,
		`SELECT e.eventSource, count(*) FROM events e LEFT JOIN other o ON e.eventID = o.eventID WHERE o.eventID IS NULL GROUP BY 1`, false},
	{"two stores, full join on principal",
		`SELECT coalesce(a.arn, b.arn), a.n, b.m FROM (SELECT userIdentity.arn AS arn, count(*) AS n FROM events GROUP BY 1) a
		 FULL JOIN (SELECT userIdentity.arn AS arn, count(*) AS m FROM other GROUP BY 1) b ON a.arn = b.arn`,
		`SELECT coalesce(a.arn, b.arn), a.n, b.m FROM (SELECT ct_field(userIdentity, 'arn') AS arn, count(*) AS n FROM events GROUP BY 1) a
		 FULL JOIN (SELECT ct_field(userIdentity, 'arn') AS arn, count(*) AS m FROM other GROUP BY 1) b ON a.arn = b.arn`, false},
	{"two stores, semi and anti joins",
		`SELECT count_if(eventName IN (SELECT eventName FROM other)), count_if(sourceIPAddress NOT IN (SELECT sourceIPAddress FROM other)) FROM events`,
		`SELECT lake_count_if(eventName IN (SELECT eventName FROM other)), lake_count_if(sourceIPAddress NOT IN (SELECT sourceIPAddress FROM other)) FROM events`, false},
	{"two stores, correlated NOT EXISTS",
		`SELECT count(*) FROM other o WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.eventID = o.eventID AND e.eventName = o.eventName)`,
		`SELECT count(*) FROM other o WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.eventID = o.eventID AND e.eventName = o.eventName)`, false},
	{"two stores, many-to-many on name and region",
		`SELECT e.eventName, count(*) FROM events e JOIN other o ON e.eventName = o.eventName AND e.awsRegion = o.awsRegion GROUP BY 1`,
		`SELECT e.eventName, count(*) FROM events e JOIN other o ON e.eventName = o.eventName AND e.awsRegion = o.awsRegion GROUP BY 1`, false},
	{"two stores, set operations",
		`SELECT eventName FROM other EXCEPT SELECT eventName FROM events UNION ALL SELECT eventName FROM events INTERSECT SELECT eventName FROM other WHERE readOnly`,
		`(SELECT eventName FROM other EXCEPT SELECT eventName FROM events) UNION ALL (SELECT eventName FROM events INTERSECT SELECT eventName FROM other WHERE readOnly)`, false},
}
