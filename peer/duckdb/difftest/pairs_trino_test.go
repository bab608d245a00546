package difftest

// Pairs for issue 14's expressions and grouping: lambdas over resources,
// ROLLUP / CUBE / GROUPING SETS with grouping(), aggregate FILTER, ordered
// aggregates, and the new functions. DuckDB holds resources as JSON:
// CAST(resources AS JSON[]) is its list of elements, and ct_field (ctlake's
// struct-field rule) reads r.type.
//
// Constructs that needed care:
//   - Trino's any_match is TRUE if an element matches, else NULL if a
//     predicate was NULL, else FALSE; DuckDB's list_filter keeps the
//     elements whose lambda is TRUE, so any_match(l, p) is
//     len(list_filter(l, p)) > 0 where only TRUE is counted (count_if), and
//     the three values are spelled out with a second list_filter for NULL.
//   - reduce over an empty array gives its initial value; DuckDB's
//     list_sum of an empty list is NULL: coalesce.
//   - approx_percentile is exact in ctlake (the value at rank
//     round(p*(n-1))); DuckDB's quantile_disc takes floor(p*(n-1)), so the
//     DuckDB side indexes the sorted list itself.
//   - to_hex is upper case in Trino, DuckDB's md5/sha256 give lower case.
//   - Trino's lambda comparator in array_sort returns -1/0/1; the DuckDB
//     side is list_reverse_sort for the descending comparator used here.
//   - AT TIME ZONE, and at_timezone of a timestamp (Trino coerces it to
//     one with time zone, in the session zone UTC), is DuckDB's
//     timezone(zone, TIMESTAMPTZ) (ICU).
//   - zip_with pads the shorter array with NULLs, as DuckDB's list_zip
//     does; a NULL array gives NULL, so the DuckDB side spells that out.
//   - format follows Java's String.format, which prints a NULL argument as
//     "null"; DuckDB's printf gives NULL.
//   - IPADDRESS rejects IPv4 octets with leading zeros (023.1.2.3), as
//     Guava's parser in Trino does; the anonymized data sets have them.
var trinoPairs = []pair{
	// Lambdas over resources.
	{"any_match over resources",
		`SELECT count_if(any_match(resources, r -> r.type = 'AWS::S3::Object')) AS s3obj, count_if(any_match(resources, r -> r.ARN LIKE '%bucket%')) AS b FROM events`,
		`SELECT lake_count_if(len(list_filter(CAST(resources AS JSON[]), r -> ct_field(r, 'type') = 'AWS::S3::Object')) > 0) AS s3obj, lake_count_if(len(list_filter(CAST(resources AS JSON[]), r -> ct_field(r, 'ARN') LIKE '%bucket%')) > 0) AS b FROM events`, false},
	{"any_match three-valued, grouped",
		`SELECT eventSource, any_match(resources, r -> r.type LIKE 'AWS::S3::%') AS s3, count(*) FROM events GROUP BY 1, 2`,
		`SELECT eventSource, CASE WHEN resources IS NULL THEN NULL WHEN len(list_filter(CAST(resources AS JSON[]), r -> ct_field(r, 'type') LIKE 'AWS::S3::%')) > 0 THEN true WHEN len(list_filter(CAST(resources AS JSON[]), r -> ct_field(r, 'type') IS NULL)) > 0 THEN NULL ELSE false END AS s3, count(*) FROM events GROUP BY 1, 2`, false},
	{"all_match and none_match",
		`SELECT count_if(all_match(resources, r -> r.accountId IS NOT NULL)) AS owned, count_if(none_match(resources, r -> r.type = 'AWS::IAM::Role')) AS no_role FROM events`,
		`SELECT lake_count_if(len(list_filter(CAST(resources AS JSON[]), r -> ct_field(r, 'accountId') IS NULL)) = 0) AS owned, lake_count_if(len(list_filter(CAST(resources AS JSON[]), r -> ct_field(r, 'type') = 'AWS::IAM::Role' OR ct_field(r, 'type') IS NULL)) = 0) AS no_role FROM events`, false},
	{"transform resources",
		`SELECT transform(resources, r -> r.type) AS types, count(*) FROM events GROUP BY 1`,
		`SELECT list_transform(CAST(resources AS JSON[]), r -> ct_field(r, 'type')) AS types, count(*) FROM events GROUP BY 1`, false},
	{"filter resources, cardinality",
		`SELECT cardinality(filter(resources, r -> r.ARN LIKE 'arn:aws:s3:::%')) AS n, count(*) FROM events GROUP BY 1`,
		`SELECT len(list_filter(CAST(resources AS JSON[]), r -> ct_field(r, 'ARN') LIKE 'arn:aws:s3:::%')) AS n, count(*) FROM events GROUP BY 1`, false},
	{"lambda capturing an outer column",
		`SELECT count_if(any_match(resources, r -> strpos(r.ARN, recipientAccountId) > 0)) AS own, count_if(any_match(resources, r -> r.accountId = userIdentity.accountId)) AS same FROM events`,
		`SELECT lake_count_if(len(list_filter(CAST(resources AS JSON[]), r -> strpos(ct_field(r, 'ARN'), recipientAccountId) > 0)) > 0) AS own, lake_count_if(len(list_filter(CAST(resources AS JSON[]), r -> ct_field(r, 'accountId') = ct_field(userIdentity, 'accountId'))) > 0) AS same FROM events`, false},
	{"reduce resources",
		`SELECT eventSource, sum(reduce(resources, 0, (s, r) -> s + coalesce(length(r.ARN), 0), s -> s)) AS chars FROM events GROUP BY 1`,
		`SELECT eventSource, sum(CASE WHEN resources IS NULL THEN NULL ELSE coalesce(list_sum(list_transform(CAST(resources AS JSON[]), r -> coalesce(length(ct_field(r, 'ARN')), 0))), 0) END) AS chars FROM events GROUP BY 1`, false},
	{"array_sort with a comparator",
		`SELECT array_sort(filter(transform(resources, r -> r.ARN), a -> a IS NOT NULL), (a, b) -> if(a < b, 1, if(a = b, 0, -1))) AS arns, count(*) FROM events WHERE cardinality(resources) > 1 GROUP BY 1`,
		`SELECT list_reverse_sort(list_filter(list_transform(CAST(resources AS JSON[]), r -> ct_field(r, 'ARN')), a -> a IS NOT NULL)) AS arns, count(*) FROM events WHERE json_array_length(resources) > 1 GROUP BY 1`, false},
	{"map_filter and transform_values on requestParameters",
		`SELECT cardinality(map_filter(requestParameters, (k, v) -> v IS NOT NULL)) AS n, count(*) FROM events GROUP BY 1`,
		`SELECT len(list_filter(json_keys(requestParameters), k -> (requestParameters->>k) IS NOT NULL)) AS n, count(*) FROM events GROUP BY 1`, false},

	// Grouping.
	{"ROLLUP",
		`SELECT eventSource, readOnly, count(*) AS n FROM events GROUP BY ROLLUP (eventSource, readOnly)`,
		`SELECT eventSource, readOnly, count(*) AS n FROM events GROUP BY ROLLUP (eventSource, readOnly)`, false},
	{"CUBE with grouping()",
		`SELECT awsRegion, eventType, grouping(awsRegion, eventType) AS g, count(*) AS n FROM events GROUP BY CUBE (awsRegion, eventType)`,
		`SELECT awsRegion, eventType, grouping(awsRegion, eventType) AS g, count(*) AS n FROM events GROUP BY CUBE (awsRegion, eventType)`, false},
	{"GROUPING SETS",
		`SELECT eventSource, errorCode, count(*) AS n, count(DISTINCT eventName) AS names FROM events GROUP BY GROUPING SETS ((eventSource), (errorCode), (eventSource, errorCode), ())`,
		`SELECT eventSource, errorCode, count(*) AS n, count(DISTINCT eventName) AS names FROM events GROUP BY GROUPING SETS ((eventSource), (errorCode), (eventSource, errorCode), ())`, false},
	{"FILTER",
		`SELECT eventSource, count(*) FILTER (WHERE errorCode IS NOT NULL) AS errors, count(DISTINCT eventName) FILTER (WHERE readOnly) AS ro_names, sum(length(eventName)) FILTER (WHERE awsRegion LIKE 'us-%') AS s FROM events GROUP BY 1`,
		`SELECT eventSource, count(*) FILTER (WHERE errorCode IS NOT NULL) AS errors, count(DISTINCT eventName) FILTER (WHERE readOnly) AS ro_names, sum(length(eventName)) FILTER (WHERE awsRegion LIKE 'us-%') AS s FROM events GROUP BY 1`, false},
	{"FILTER with ROLLUP",
		`SELECT awsRegion, count(*) FILTER (WHERE readOnly) AS ro, max(eventTime) FILTER (WHERE errorCode IS NOT NULL) AS last_error, count(*) AS n FROM events GROUP BY ROLLUP (awsRegion)`,
		`SELECT awsRegion, count(*) FILTER (WHERE readOnly) AS ro, max(eventTime) FILTER (WHERE errorCode IS NOT NULL) AS last_error, count(*) AS n FROM events GROUP BY ROLLUP (awsRegion)`, false},
	{"array_agg ORDER BY",
		`SELECT eventSource, array_agg(eventName ORDER BY eventTime, eventID NULLS LAST, eventName) AS names FROM events WHERE errorCode IS NOT NULL GROUP BY 1`,
		`SELECT eventSource, list(eventName ORDER BY eventTime, eventID NULLS LAST, eventName) AS names FROM events WHERE errorCode IS NOT NULL GROUP BY 1`, false},
	{"listagg WITHIN GROUP",
		`SELECT eventSource, listagg(DISTINCT awsRegion, ',') WITHIN GROUP (ORDER BY awsRegion) AS regions FROM events WHERE awsRegion IS NOT NULL GROUP BY 1`,
		`SELECT eventSource, string_agg(DISTINCT awsRegion, ',' ORDER BY awsRegion) AS regions FROM events WHERE awsRegion IS NOT NULL GROUP BY 1`, false},
	{"approx_percentile over an array of percentages",
		`SELECT eventSource, approx_percentile(length(eventName), ARRAY[0.0, 0.5, 0.9, 1.0]) AS ps FROM events GROUP BY 1`,
		`SELECT eventSource, CASE WHEN l IS NULL OR len(l) = 0 THEN NULL ELSE [l[CAST(round(p * (len(l) - 1)) AS BIGINT) + 1] FOR p IN [0.0, 0.5, 0.9, 1.0]] END AS ps FROM (SELECT eventSource, list_sort(list(length(eventName)) FILTER (WHERE eventName IS NOT NULL)) AS l FROM events GROUP BY 1)`, false},

	// Functions.
	{"hashes and encodings",
		`SELECT eventName, to_hex(md5(to_utf8(eventName))) AS m, to_hex(sha256(to_utf8(eventName))) AS s, to_base64(to_utf8(eventName)) AS b FROM events GROUP BY 1`,
		`SELECT eventName, upper(md5(eventName)) AS m, upper(sha256(eventName)) AS s, to_base64(encode(eventName)) AS b FROM events GROUP BY 1`, false},
	{"levenshtein, format, width_bucket",
		`SELECT eventName, levenshtein_distance(eventName, 'GetObject') AS d, format('%s:%d', eventSource, length(eventName)) AS f, width_bucket(length(eventName), 0, 40, 8) AS w FROM events GROUP BY eventName, eventSource`,
		`SELECT eventName, levenshtein(eventName, 'GetObject') AS d, printf('%s:%s', coalesce(eventSource, 'null'), coalesce(CAST(length(eventName) AS VARCHAR), 'null')) AS f, CASE WHEN length(eventName) < 0 THEN 0 WHEN length(eventName) >= 40 THEN 9 ELSE floor(length(eventName) * 8 / 40) + 1 END AS w FROM events GROUP BY eventName, eventSource`, false},
	{"private IP ranges",
		`SELECT count_if(contains('10.0.0.0/8', TRY_CAST(sourceIPAddress AS IPADDRESS))) AS ten, count_if(contains(IPPREFIX '192.168.0.0/16', TRY_CAST(sourceIPAddress AS IPADDRESS))) AS home, count(TRY_CAST(sourceIPAddress AS IPADDRESS)) AS ips FROM events`,
		`SELECT lake_count_if(regexp_matches(sourceIPAddress, '^10\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$')) AS ten, lake_count_if(regexp_matches(sourceIPAddress, '^192\.168\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$')) AS home, count(CASE WHEN regexp_matches(sourceIPAddress, '^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$') OR (strpos(sourceIPAddress, ':') > 0 AND regexp_matches(sourceIPAddress, '^[0-9A-Fa-f:.]+$')) THEN 1 END) AS ips FROM events`, false},
	{"AT TIME ZONE",
		`SELECT hour(eventTime AT TIME ZONE 'America/New_York') AS h, day_of_week(eventTime AT TIME ZONE 'Asia/Tokyo') AS d, count(*) FROM events GROUP BY 1, 2`,
		`SELECT hour(timezone('America/New_York', CAST(eventTime AS TIMESTAMPTZ))) AS h, isodow(timezone('Asia/Tokyo', CAST(eventTime AS TIMESTAMPTZ))) AS d, count(*) FROM events GROUP BY 1, 2`, false},
	{"interval between first and last call",
		`SELECT eventSource, to_milliseconds(max(eventTime) - min(eventTime)) AS span_ms FROM events GROUP BY 1`,
		`SELECT eventSource, epoch_ms(max(eventTime)) - epoch_ms(min(eventTime)) AS span_ms FROM events GROUP BY 1`, false},
	{"json_exists and json_value",
		`SELECT count_if(json_exists(CAST(requestParameters AS json), 'lax $.bucketName')) AS has_bucket, json_value(CAST(requestParameters AS json), 'lax $.bucketName') AS b, count(*) FROM events GROUP BY 2`,
		`SELECT lake_count_if((requestParameters->'bucketName') IS NOT NULL) AS has_bucket, requestParameters->>'bucketName' AS b, count(*) FROM events GROUP BY 2`, false},
	{"at_timezone, to_utf8/from_utf8, levenshtein to the empty string",
		`SELECT hour(at_timezone(eventTime, 'America/New_York')) AS h, from_utf8(to_utf8(eventName)) AS n, levenshtein_distance(coalesce(errorCode, ''), '') AS code_len, count(*) FROM events GROUP BY 1, 2, 3`,
		`SELECT hour(timezone('America/New_York', CAST(eventTime AS TIMESTAMPTZ))) AS h, decode(encode(eventName)) AS n, levenshtein(coalesce(errorCode, ''), '') AS code_len, count(*) FROM events GROUP BY 1, 2, 3`, false},
	{"zip_with over resources",
		`SELECT zip_with(transform(resources, r -> r.type), transform(resources, r -> r.ARN), (t, a) -> coalesce(t, '?') || '|' || coalesce(a, '?')) AS z, count(*) FROM events GROUP BY 1`,
		`SELECT CASE WHEN resources IS NULL THEN NULL ELSE list_transform(list_zip(list_transform(CAST(resources AS JSON[]), r -> ct_field(r, 'type')), list_transform(CAST(resources AS JSON[]), r -> ct_field(r, 'ARN'))), z -> coalesce(z[1], '?') || '|' || coalesce(z[2], '?')) END AS z, count(*) FROM events GROUP BY 1`, false},
	{"try, ARRAY and contains",
		`SELECT count(try(CAST(recipientAccountId AS bigint))) AS accounts, count_if(contains(ARRAY['GetObject', 'PutObject', 'ListBuckets'], eventName)) AS s3ops FROM events`,
		`SELECT count(TRY_CAST(recipientAccountId AS BIGINT)) AS accounts, lake_count_if(list_contains(['GetObject', 'PutObject', 'ListBuckets'], eventName)) AS s3ops FROM events`, false},
}

func init() { pairs = append(pairs, trinoPairs...) }
