package difftest

// pair is one query written twice: in CloudTrail Lake SQL for ctlake and in
// DuckDB SQL over duckpeer's table (JSON columns for userIdentity,
// requestParameters, resources, ...). ordered says the query has a total
// ORDER BY, so rows compare in order; otherwise both sides are sorted.
//
// Constructs that needed care (see the README's equivalence table):
//   - struct fields: ctlake matches a field by exact name, else the first
//     key equal ignoring case; DuckDB's ->> is exact, so ct_field/ct_object
//     (duckpeer's macros) stand in for userIdentity.x.y.
//   - integer division: Trino's 7/2 is 3, DuckDB's / is always a double
//     division; use // on the DuckDB side.
//   - concat: Trino's concat/|| give NULL when any argument is NULL, DuckDB's
//     concat() skips NULLs (its || does not): use || on both sides.
//   - regexp_extract: Trino gives NULL when the pattern does not match,
//     DuckDB ”; guard with regexp_matches.
//   - date_diff: Trino's is DuckDB's date_sub (whole units elapsed).
//   - numbers inside maps: ctlake keeps the source text (1.50), DuckDB
//     respells it (1.5): compare them as doubles.
//   - day_of_week is ISO (Monday = 1): DuckDB's isodow.
//   - array_sort(array_agg(x)) vs list_sort(list(x)): NULLs sort last in
//     Trino and first in DuckDB by default, so NULLs are filtered out.
//   - array_join of an empty array is ” in Trino; DuckDB's array_to_string
//     of an empty list is NULL.
//   - count_if over only NULLs is 0 in Trino, NULL in DuckDB: the DuckDB
//     side uses lake_count_if (a macro: coalesce(count_if(b), 0)).
//   - parenthesize DuckDB's -> / ->> before IS NULL, =, AND: it binds looser.
//   - LIMIT: only with an ORDER BY that is total, else the kept rows differ.
type pair struct {
	name    string
	lake    string
	duck    string
	ordered bool
}

var pairs = []pair{
	// The seven benchmark queries of the issue.
	{"count by source and name",
		`SELECT eventSource, eventName, count(*) AS n FROM events GROUP BY eventSource, eventName`,
		`SELECT eventSource, eventName, count(*) AS n FROM events GROUP BY eventSource, eventName`, false},
	{"errors by principal in a time range",
		`SELECT userIdentity.arn, count(*) AS n FROM events WHERE errorCode IS NOT NULL AND eventTime >= '2017-01-01' AND eventTime < '2024-05-04' GROUP BY userIdentity.arn`,
		`SELECT ct_field(userIdentity, 'arn'), count(*) AS n FROM events WHERE errorCode IS NOT NULL AND eventTime >= '2017-01-01' AND eventTime < '2024-05-04' GROUP BY 1`, false},
	{"hourly histogram",
		`SELECT date_trunc('hour', eventTime) AS h, count(*) AS n FROM events GROUP BY 1 ORDER BY 1`,
		`SELECT date_trunc('hour', eventTime) AS h, count(*) AS n FROM events GROUP BY 1 ORDER BY 1`, true},
	{"lookup by eventID",
		`SELECT eventID, eventName, eventTime, sourceIPAddress FROM events WHERE eventID = 'hand-0001' OR eventID BETWEEN '00' AND '03'`,
		`SELECT eventID, eventName, eventTime, sourceIPAddress FROM events WHERE eventID = 'hand-0001' OR eventID BETWEEN '00' AND '03'`, false},
	{"top S3 buckets",
		`SELECT element_at(requestParameters, 'bucketName') AS b, count(*) AS n FROM events WHERE eventSource = 's3.amazonaws.com' GROUP BY 1 ORDER BY n DESC, b NULLS FIRST LIMIT 5`,
		`SELECT requestParameters->>'bucketName' AS b, count(*) AS n FROM events WHERE eventSource = 's3.amazonaws.com' GROUP BY 1 ORDER BY n DESC, b NULLS FIRST LIMIT 5`, true},
	{"distinct IPs of an agent",
		`SELECT count(DISTINCT sourceIPAddress) FROM events WHERE userAgent LIKE '%aws-cli%' OR userAgent LIKE '%Boto%'`,
		`SELECT count(DISTINCT sourceIPAddress) FROM events WHERE userAgent LIKE '%aws-cli%' OR userAgent LIKE '%Boto%'`, false},
	{"latest events",
		`SELECT eventTime, eventID, eventName FROM events ORDER BY eventTime DESC, eventID DESC LIMIT 10`,
		`SELECT eventTime, eventID, eventName FROM events ORDER BY eventTime DESC, eventID DESC LIMIT 10`, true},

	// Filters.
	{"count", `SELECT count(*) FROM events`, `SELECT count(*) FROM events`, false},
	{"time range with strings",
		`SELECT count(*) FROM events WHERE eventTime >= '2020-09-14 00:50:00' AND eventTime < '2023-07-10 12:00:00'`,
		`SELECT count(*) FROM events WHERE eventTime >= '2020-09-14 00:50:00' AND eventTime < '2023-07-10 12:00:00'`, false},
	{"between timestamps",
		`SELECT count(*) FROM events WHERE eventTime BETWEEN TIMESTAMP '2024-05-02 00:00:00' AND TIMESTAMP '2024-05-03 12:00:00' OR eventTime < TIMESTAMP '2020-09-14 01:00:00'`,
		`SELECT count(*) FROM events WHERE eventTime BETWEEN TIMESTAMP '2024-05-02 00:00:00' AND TIMESTAMP '2024-05-03 12:00:00' OR eventTime < TIMESTAMP '2020-09-14 01:00:00'`, false},
	{"IN and NOT IN",
		`SELECT count_if(eventName IN ('GetObject', 'PutObject', 'ListBuckets')) AS a, count_if(awsRegion NOT IN ('us-east-1', 'eu-west-1')) AS b FROM events`,
		`SELECT lake_count_if(eventName IN ('GetObject', 'PutObject', 'ListBuckets')) AS a, lake_count_if(awsRegion NOT IN ('us-east-1', 'eu-west-1')) AS b FROM events`, false},
	{"IN with NULL",
		`SELECT count(*) FROM events WHERE errorCode NOT IN ('AccessDenied', NULL) OR errorCode IN ('ThrottlingException', NULL)`,
		`SELECT count(*) FROM events WHERE errorCode NOT IN ('AccessDenied', NULL) OR errorCode IN ('ThrottlingException', NULL)`, false},
	{"LIKE variants",
		`SELECT count_if(userAgent LIKE 'aws-cli/%') AS a, count_if(eventName LIKE 'Get_____') AS b, count_if(sourceIPAddress NOT LIKE '%.%') AS c, count_if(userAgent LIKE '%!%%' ESCAPE '!') AS d FROM events`,
		`SELECT lake_count_if(userAgent LIKE 'aws-cli/%') AS a, lake_count_if(eventName LIKE 'Get_____') AS b, lake_count_if(sourceIPAddress NOT LIKE '%.%') AS c, lake_count_if(userAgent LIKE '%!%%' ESCAPE '!') AS d FROM events`, false},
	{"comparisons on strings",
		`SELECT count_if(eventName < 'D') AS a, count_if(eventName <= 'Describe') AS b, count_if(eventName > 'List') AS c, count_if(eventName >= 'Put') AS d, count_if(eventName <> 'GetObject') AS e FROM events`,
		`SELECT lake_count_if(eventName < 'D') AS a, lake_count_if(eventName <= 'Describe') AS b, lake_count_if(eventName > 'List') AS c, lake_count_if(eventName >= 'Put') AS d, lake_count_if(eventName <> 'GetObject') AS e FROM events`, false},
	{"IS DISTINCT FROM",
		`SELECT count_if(errorCode IS DISTINCT FROM 'AccessDenied') AS a, count_if(errorCode IS NOT DISTINCT FROM NULL) AS b FROM events`,
		`SELECT lake_count_if(errorCode IS DISTINCT FROM 'AccessDenied') AS a, lake_count_if(errorCode IS NOT DISTINCT FROM NULL) AS b FROM events`, false},
	{"NULL maps and structs",
		`SELECT count_if(requestParameters IS NULL) AS a, count_if(responseElements IS NOT NULL) AS b, count_if(additionalEventData IS NOT NULL) AS c, count_if(userIdentity IS NULL) AS d, count_if(resources IS NULL) AS e FROM events`,
		`SELECT lake_count_if(requestParameters IS NULL) AS a, lake_count_if(responseElements IS NOT NULL) AS b, lake_count_if(additionalEventData IS NOT NULL) AS c, lake_count_if(userIdentity IS NULL) AS d, lake_count_if(resources IS NULL) AS e FROM events`, false},
	{"three-valued logic",
		`SELECT count_if(readOnly AND errorCode IS NULL) AS a, count_if(NOT readOnly OR errorCode = 'AccessDenied') AS b, count_if(NOT (readOnly OR managementEvent)) AS c FROM events`,
		`SELECT lake_count_if(readOnly AND errorCode IS NULL) AS a, lake_count_if(NOT readOnly OR errorCode = 'AccessDenied') AS b, lake_count_if(NOT (readOnly OR managementEvent)) AS c FROM events`, false},

	// Columns and nested values.
	{"distinct regions", `SELECT DISTINCT awsRegion FROM events`, `SELECT DISTINCT awsRegion FROM events`, false},
	{"readOnly and managementEvent",
		`SELECT readOnly, managementEvent, count(*) FROM events GROUP BY 1, 2`,
		`SELECT readOnly, managementEvent, count(*) FROM events GROUP BY 1, 2`, false},
	{"event types and categories",
		`SELECT eventType, eventCategory, eventVersion, count(*) FROM events GROUP BY 1, 2, 3`,
		`SELECT eventType, eventCategory, eventVersion, count(*) FROM events GROUP BY 1, 2, 3`, false},
	{"identity type",
		`SELECT userIdentity.type, userIdentity.accountId, count(*) FROM events GROUP BY 1, 2`,
		`SELECT ct_field(userIdentity, 'type'), ct_field(userIdentity, 'accountId'), count(*) FROM events GROUP BY 1, 2`, false},
	{"session issuer",
		`SELECT userIdentity.sessionContext.sessionIssuer.userName AS u, userIdentity.sessionContext.attributes.mfaAuthenticated AS mfa, count(*) FROM events GROUP BY 1, 2`,
		`SELECT ct_field(ct_object(ct_object(userIdentity, 'sessionContext'), 'sessionIssuer'), 'userName') AS u, ct_field(ct_object(ct_object(userIdentity, 'sessionContext'), 'attributes'), 'mfaAuthenticated') AS mfa, count(*) FROM events GROUP BY 1, 2`, false},
	{"session creation date",
		`SELECT min(userIdentity.sessionContext.attributes.creationDate), max(userIdentity.sessionContext.attributes.creationDate), count(userIdentity.sessionContext.attributes.creationDate) FROM events`,
		`WITH c AS (SELECT TRY_CAST(upper(ct_field(ct_object(ct_object(userIdentity, 'sessionContext'), 'attributes'), 'creationDate')) AS TIMESTAMP_NS) AS d FROM events) SELECT min(d), max(d), count(d) FROM c`, false},
	{"first resource ARN",
		`SELECT element_at(resources, 1).ARN AS arn, element_at(resources, 1).type AS t, count(*) FROM events GROUP BY 1, 2`,
		`SELECT ct_field(resources->0, 'ARN') AS arn, ct_field(resources->0, 'type') AS t, count(*) FROM events GROUP BY 1, 2`, false},
	{"resource count",
		`SELECT cardinality(resources) AS n, count(*) FROM events GROUP BY 1`,
		`SELECT json_array_length(resources) AS n, count(*) FROM events GROUP BY 1`, false},
	{"request parameter count",
		`SELECT cardinality(requestParameters) AS n, count(*) FROM events GROUP BY 1`,
		`SELECT len(json_keys(requestParameters)) AS n, count(*) FROM events GROUP BY 1`, false},
	{"request parameter keys",
		`SELECT array_join(array_sort(map_keys(requestParameters)), ',') AS ks, count(*) FROM events GROUP BY 1`,
		`SELECT CASE WHEN requestParameters IS NOT NULL THEN coalesce(array_to_string(list_sort(json_keys(requestParameters)), ','), '') END AS ks, count(*) FROM events GROUP BY 1`, false},
	{"tls version",
		`SELECT tlsDetails.tlsVersion, tlsDetails.cipherSuite, count(*) FROM events GROUP BY 1, 2`,
		`SELECT ct_field(tlsDetails, 'tlsVersion'), ct_field(tlsDetails, 'cipherSuite'), count(*) FROM events GROUP BY 1, 2`, false},
	{"number inside a map",
		`SELECT sum(TRY_CAST(element_at(additionalEventData, 'bytesTransferredOut') AS double)) AS s, count(element_at(additionalEventData, 'bytesTransferredOut')) AS n FROM events`,
		`SELECT sum(TRY_CAST(additionalEventData->>'bytesTransferredOut' AS double)) AS s, count(additionalEventData->>'bytesTransferredOut') AS n FROM events`, false},
	{"json path inside a map value",
		`SELECT json_extract_scalar(element_at(requestParameters, 'nested'), '$.k[1]') AS k, count(*) FROM events WHERE element_at(requestParameters, 'nested') IS NOT NULL GROUP BY 1`,
		`SELECT json_extract_string(requestParameters, '$.nested.k[1]') AS k, count(*) FROM events WHERE (requestParameters->'nested') IS NOT NULL AND json_type(requestParameters->'nested') <> 'NULL' GROUP BY 1`, false},
	{"accounts", `SELECT count(DISTINCT recipientAccountId), count(DISTINCT userIdentity.accountId) FROM events`,
		`SELECT count(DISTINCT recipientAccountId), count(DISTINCT ct_field(userIdentity, 'accountId')) FROM events`, false},

	// Functions.
	{"hour of day", `SELECT hour(eventTime) AS h, count(*) FROM events GROUP BY 1`, `SELECT hour(eventTime) AS h, count(*) FROM events GROUP BY 1`, false},
	{"day of week", `SELECT day_of_week(eventTime) AS d, count(*) FROM events GROUP BY 1`, `SELECT isodow(eventTime) AS d, count(*) FROM events GROUP BY 1`, false},
	{"date_format",
		`SELECT date_format(eventTime, '%Y-%m-%d %H') AS d, count(*) FROM events GROUP BY 1`,
		`SELECT strftime(eventTime, '%Y-%m-%d %H') AS d, count(*) FROM events GROUP BY 1`, false},
	{"cast to date", `SELECT CAST(eventTime AS date) AS d, count(*) FROM events GROUP BY 1`, `SELECT CAST(eventTime AS DATE) AS d, count(*) FROM events GROUP BY 1`, false},
	{"time span",
		`SELECT min(eventTime), max(eventTime), date_diff('second', min(eventTime), max(eventTime)) FROM events`,
		`SELECT min(eventTime), max(eventTime), date_sub('second', min(eventTime), max(eventTime)) FROM events`, false},
	{"date_trunc day and minute",
		`SELECT date_trunc('day', eventTime) AS d, count(DISTINCT date_trunc('minute', eventTime)) AS m FROM events GROUP BY 1`,
		`SELECT date_trunc('day', eventTime) AS d, count(DISTINCT date_trunc('minute', eventTime)) AS m FROM events GROUP BY 1`, false},
	{"date arithmetic",
		`SELECT count_if(date_add('hour', 1, eventTime) > TIMESTAMP '2024-05-04 00:00:00') AS a, count_if(eventTime - INTERVAL '1' DAY < TIMESTAMP '2023-07-10 00:00:00') AS b, max(to_unixtime(eventTime)) AS c FROM events`,
		`SELECT lake_count_if(eventTime + INTERVAL 1 HOUR > TIMESTAMP '2024-05-04 00:00:00') AS a, lake_count_if(eventTime - INTERVAL 1 DAY < TIMESTAMP '2023-07-10 00:00:00') AS b, max(epoch(eventTime)) AS c FROM events`, false},
	{"lower and LIKE", `SELECT count_if(lower(eventName) LIKE '%list%') AS a, count_if(upper(eventSource) LIKE 'S3%') AS b FROM events`,
		`SELECT lake_count_if(lower(eventName) LIKE '%list%') AS a, lake_count_if(upper(eventSource) LIKE 'S3%') AS b FROM events`, false},
	{"length", `SELECT eventSource, avg(length(eventName)) AS a, max(length(userAgent)) AS m, sum(length(eventID)) AS s FROM events GROUP BY 1`,
		`SELECT eventSource, avg(length(eventName)) AS a, max(length(userAgent)) AS m, sum(length(eventID)) AS s FROM events GROUP BY 1`, false},
	{"substr", `SELECT substr(eventName, 1, 3) AS p, count(*) FROM events GROUP BY 1`, `SELECT substr(eventName, 1, 3) AS p, count(*) FROM events GROUP BY 1`, false},
	{"split_part", `SELECT split_part(eventSource, '.', 1) AS s, split_part(userAgent, '/', 1) AS a, count(*) FROM events GROUP BY 1, 2`,
		`SELECT split_part(eventSource, '.', 1) AS s, split_part(userAgent, '/', 1) AS a, count(*) FROM events GROUP BY 1, 2`, false},
	{"concatenation", `SELECT count(DISTINCT eventSource || ':' || eventName), count(eventSource || errorCode) FROM events`,
		`SELECT count(DISTINCT eventSource || ':' || eventName), count(eventSource || errorCode) FROM events`, false},
	{"coalesce and CASE",
		`SELECT coalesce(errorCode, 'OK') AS c, CASE WHEN errorCode IS NULL THEN 'ok' WHEN errorCode LIKE '%Denied%' THEN 'denied' ELSE 'error' END AS k, count(*) FROM events GROUP BY 1, 2`,
		`SELECT coalesce(errorCode, 'OK') AS c, CASE WHEN errorCode IS NULL THEN 'ok' WHEN errorCode LIKE '%Denied%' THEN 'denied' ELSE 'error' END AS k, count(*) FROM events GROUP BY 1, 2`, false},
	{"if and nullif",
		`SELECT if(readOnly, 'r', 'w') AS rw, count(DISTINCT nullif(sourceIPAddress, '')) AS ips FROM events GROUP BY 1`,
		`SELECT CASE WHEN readOnly THEN 'r' ELSE 'w' END AS rw, count(DISTINCT nullif(sourceIPAddress, '')) AS ips FROM events GROUP BY 1`, false},
	{"regexp_extract",
		`SELECT regexp_extract(userAgent, '^([A-Za-z-]+)/', 1) AS a, count(*) FROM events GROUP BY 1`,
		`SELECT CASE WHEN regexp_matches(userAgent, '^([A-Za-z-]+)/') THEN regexp_extract(userAgent, '^([A-Za-z-]+)/', 1) END AS a, count(*) FROM events GROUP BY 1`, false},
	{"arithmetic",
		`SELECT count(*) / 7 AS a, count(*) % 7 AS b, count(*) * 1.0 / 7 AS c, round(avg(length(eventName)), 2) AS d FROM events`,
		`SELECT count(*) // 7 AS a, count(*) % 7 AS b, count(*) * 1.0 / 7 AS c, round(avg(length(eventName)), 2) AS d FROM events`, false},
	{"casts",
		`SELECT CAST(readOnly AS varchar) AS r, TRY_CAST(recipientAccountId AS bigint) % 1000 AS acct, count(*) FROM events GROUP BY 1, 2`,
		`SELECT CAST(readOnly AS VARCHAR) AS r, TRY_CAST(recipientAccountId AS BIGINT) % 1000 AS acct, count(*) FROM events GROUP BY 1, 2`, false},

	// Aggregates and query structure.
	{"aggregates per source",
		`SELECT eventSource, count(*), count(errorCode), count(DISTINCT eventName), count_if(readOnly), min(eventName), max(eventName), min(eventTime), max(eventTime) FROM events GROUP BY eventSource`,
		`SELECT eventSource, count(*), count(errorCode), count(DISTINCT eventName), lake_count_if(readOnly), min(eventName), max(eventName), min(eventTime), max(eventTime) FROM events GROUP BY eventSource`, false},
	{"min_by and max_by",
		`SELECT eventSource, min_by(eventName, eventID), max_by(awsRegion, eventID) FROM events WHERE eventID IS NOT NULL GROUP BY 1`,
		`SELECT eventSource, arg_min(eventName, eventID), arg_max(awsRegion, eventID) FROM events WHERE eventID IS NOT NULL GROUP BY 1`, false},
	{"array_agg",
		`SELECT eventSource, array_sort(array_agg(DISTINCT awsRegion)) AS r FROM events WHERE awsRegion IS NOT NULL GROUP BY 1`,
		`SELECT eventSource, list_sort(list(DISTINCT awsRegion)) AS r FROM events WHERE awsRegion IS NOT NULL GROUP BY 1`, false},
	{"HAVING",
		`SELECT eventName, count(*) AS n FROM events GROUP BY eventName HAVING count(*) > 5 AND max(eventTime) > TIMESTAMP '2000-01-01 00:00:00'`,
		`SELECT eventName, count(*) AS n FROM events GROUP BY eventName HAVING count(*) > 5 AND max(eventTime) > TIMESTAMP '2000-01-01 00:00:00'`, false},
	{"ORDER BY NULLS FIRST with LIMIT",
		`SELECT errorCode, count(*) AS n FROM events GROUP BY 1 ORDER BY errorCode NULLS FIRST LIMIT 5`,
		`SELECT errorCode, count(*) AS n FROM events GROUP BY 1 ORDER BY errorCode NULLS FIRST LIMIT 5`, true},
	{"ORDER BY DESC",
		`SELECT eventName, count(*) AS n FROM events GROUP BY 1 ORDER BY n DESC, eventName DESC`,
		`SELECT eventName, count(*) AS n FROM events GROUP BY 1 ORDER BY n DESC, eventName DESC`, true},
	{"subquery in FROM",
		`SELECT src, max(n) AS most, count(*) AS names FROM (SELECT eventSource AS src, eventName, count(*) AS n FROM events GROUP BY 1, 2) GROUP BY src`,
		`SELECT src, max(n) AS most, count(*) AS names FROM (SELECT eventSource AS src, eventName, count(*) AS n FROM events GROUP BY 1, 2) GROUP BY src`, false},
	{"aliased subquery",
		`SELECT s.eventSource, s.n FROM (SELECT eventSource, count(*) AS n FROM events GROUP BY eventSource) AS s WHERE s.n > 10`,
		`SELECT s.eventSource, s.n FROM (SELECT eventSource, count(*) AS n FROM events GROUP BY eventSource) AS s WHERE s.n > 10`, false},
	{"WITH",
		`WITH e AS (SELECT userIdentity.arn AS arn, errorCode FROM events WHERE errorCode IS NOT NULL) SELECT arn, count(*) FROM e GROUP BY arn`,
		`WITH e AS (SELECT ct_field(userIdentity, 'arn') AS arn, errorCode FROM events WHERE errorCode IS NOT NULL) SELECT arn, count(*) FROM e GROUP BY arn`, false},
	{"UNION ALL",
		`SELECT k, count(*) FROM (SELECT 'read' AS k FROM events WHERE readOnly UNION ALL SELECT 'error' FROM events WHERE errorCode IS NOT NULL UNION ALL SELECT eventName FROM events WHERE eventName LIKE 'Create%') GROUP BY k`,
		`SELECT k, count(*) FROM (SELECT 'read' AS k FROM events WHERE readOnly UNION ALL SELECT 'error' FROM events WHERE errorCode IS NOT NULL UNION ALL SELECT eventName FROM events WHERE eventName LIKE 'Create%') GROUP BY k`, false},
	{"DISTINCT pairs",
		`SELECT count(*) FROM (SELECT DISTINCT eventSource, awsRegion FROM events)`,
		`SELECT count(*) FROM (SELECT DISTINCT eventSource, awsRegion FROM events)`, false},
	{"source IP shapes",
		`SELECT CASE WHEN sourceIPAddress LIKE '%.amazonaws.com' THEN 'service' WHEN strpos(sourceIPAddress, ':') > 0 THEN 'v6' ELSE 'v4' END AS k, count(*) FROM events GROUP BY 1`,
		`SELECT CASE WHEN sourceIPAddress LIKE '%.amazonaws.com' THEN 'service' WHEN strpos(sourceIPAddress, ':') > 0 THEN 'v6' ELSE 'v4' END AS k, count(*) FROM events GROUP BY 1`, false},
}
