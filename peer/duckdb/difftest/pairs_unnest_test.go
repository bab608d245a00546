package difftest

// Pairs for issue 14's UNNEST. DuckDB holds resources as JSON: UNNEST of
// CAST(resources AS JSON[]) gives its elements, and ct_field (ctlake's
// struct-field rule) reads r.type. ctlake's resources are rows of
// (accountId, type, ARN, arnPrefix).
//
// Constructs that needed care:
//   - CROSS JOIN UNNEST drops events whose array is NULL or empty in both;
//     LEFT JOIN UNNEST … ON true keeps them with NULL elements in both.
//   - WITH ORDINALITY numbers elements from 1 in both.
var unnestPairs = []pair{
	{"unnest resources by type",
		`SELECT r.type, count(*) AS n, count(DISTINCT r.ARN) AS arns FROM events CROSS JOIN UNNEST(resources) AS t(r) GROUP BY 1`,
		`SELECT ct_field(r, 'type') AS type, count(*) AS n, count(DISTINCT ct_field(r, 'ARN')) AS arns FROM events CROSS JOIN UNNEST(CAST(resources AS JSON[])) AS t(r) GROUP BY 1`, false},
	{"unnest S3 objects touched",
		`SELECT count(*) AS touches, count(DISTINCT r.ARN) AS objects, count(DISTINCT eventID) AS events FROM events CROSS JOIN UNNEST(resources) AS t(r) WHERE r.type = 'AWS::S3::Object'`,
		`SELECT count(*) AS touches, count(DISTINCT ct_field(r, 'ARN')) AS objects, count(DISTINCT eventID) AS events FROM events CROSS JOIN UNNEST(CAST(resources AS JSON[])) AS t(r) WHERE ct_field(r, 'type') = 'AWS::S3::Object'`, false},
	{"unnest resources with ordinality",
		`SELECT o, r.type, count(*) AS n FROM events CROSS JOIN UNNEST(resources) WITH ORDINALITY AS t(r, o) GROUP BY 1, 2`,
		`SELECT o, ct_field(r, 'type') AS type, count(*) AS n FROM events CROSS JOIN UNNEST(CAST(resources AS JSON[])) WITH ORDINALITY AS t(r, o) GROUP BY 1, 2`, false},
	{"left join unnest keeps events without resources",
		`SELECT eventSource, count(*) AS n, count(r.type) AS typed FROM events LEFT JOIN UNNEST(resources) AS t(r) ON true GROUP BY 1`,
		`SELECT eventSource, count(*) AS n, count(ct_field(r, 'type')) AS typed FROM events LEFT JOIN UNNEST(CAST(resources AS JSON[])) AS t(r) ON true GROUP BY 1`, false},
	{"unnest row fields as columns",
		`SELECT type, accountId, count(*) AS n FROM events CROSS JOIN UNNEST(resources) AS t(accountId, type, arn, prefix) WHERE eventSource = 'kms.amazonaws.com' GROUP BY 1, 2`,
		`SELECT ct_field(r, 'type') AS type, ct_field(r, 'accountId') AS accountId, count(*) AS n FROM events CROSS JOIN UNNEST(CAST(resources AS JSON[])) AS t(r) WHERE eventSource = 'kms.amazonaws.com' GROUP BY 1, 2`, false},
	{"unnest split words",
		`SELECT w, count(*) AS n FROM events CROSS JOIN UNNEST(split(eventName, 'e')) AS t(w) GROUP BY 1`,
		`SELECT w, count(*) AS n FROM events CROSS JOIN UNNEST(string_split(eventName, 'e')) AS t(w) GROUP BY 1`, false},
	{"first resource of each principal (window over unnest)",
		`SELECT arn, rtype, count(*) AS n FROM (SELECT userIdentity.arn AS arn, r.type AS rtype, row_number() OVER (PARTITION BY userIdentity.arn ORDER BY eventTime, eventID, r.ARN, r.type) AS rn FROM events CROSS JOIN UNNEST(resources) AS t(r)) WHERE rn = 1 GROUP BY 1, 2`,
		`SELECT arn, rtype, count(*) AS n FROM (SELECT ct_field(userIdentity, 'arn') AS arn, ct_field(r, 'type') AS rtype, row_number() OVER (PARTITION BY ct_field(userIdentity, 'arn') ORDER BY eventTime, eventID, ct_field(r, 'ARN'), ct_field(r, 'type')) AS rn FROM events CROSS JOIN UNNEST(CAST(resources AS JSON[])) AS t(r)) WHERE rn = 1 GROUP BY 1, 2`, false},
}

func init() { pairs = append(pairs, unnestPairs...) }
