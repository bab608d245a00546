package console

// keyword is a word of the SELECT dialect with one line of help, shown by
// the editor's completion and its keyword help.
type keyword struct {
	Word string `json:"word"`
	Help string `json:"help"`
}

var keywords = []keyword{
	{"SELECT", "SELECT [DISTINCT] expr [AS name], ... — the columns of the result"},
	{"FROM", "FROM store — a store's ID (or name) as a table; subqueries and UNION ALL too"},
	{"WHERE", "WHERE condition — keeps rows where it is true; eventTime bounds prune files"},
	{"GROUP", "GROUP BY expr, ... — one row per group; positions (GROUP BY 1) work"},
	{"BY", "GROUP BY / ORDER BY"},
	{"HAVING", "HAVING condition — filters groups after GROUP BY"},
	{"ORDER", "ORDER BY expr [ASC|DESC] [NULLS FIRST|LAST], ..."},
	{"LIMIT", "LIMIT n — at most n rows; with ORDER BY eventTime it prunes by time"},
	{"OFFSET", "OFFSET n — skip n rows"},
	{"AS", "expr AS name — names a column or table"},
	{"AND", "a AND b"},
	{"OR", "a OR b"},
	{"NOT", "NOT a"},
	{"IN", "x IN (v1, v2, ...)"},
	{"IS", "x IS [NOT] NULL, x IS [NOT] DISTINCT FROM y"},
	{"NULL", "the missing value"},
	{"LIKE", "x LIKE 'pat%' [ESCAPE '\\'] — % any run, _ one character"},
	{"BETWEEN", "x BETWEEN lo AND hi — both ends included"},
	{"CASE", "CASE WHEN cond THEN v [...] [ELSE v] END"},
	{"WHEN", "CASE WHEN cond THEN v"},
	{"THEN", "CASE WHEN cond THEN v"},
	{"ELSE", "CASE ... ELSE v END"},
	{"END", "ends a CASE"},
	{"DISTINCT", "SELECT DISTINCT, count(DISTINCT x)"},
	{"UNION", "q1 UNION ALL q2 — rows of both"},
	{"ALL", "UNION ALL"},
	{"WITH", "WITH name AS (query) SELECT ... — a named subquery (CTE)"},
	{"ASC", "ascending order (the default)"},
	{"DESC", "descending order"},
	{"NULLS", "NULLS FIRST / NULLS LAST in ORDER BY"},
	{"FIRST", "NULLS FIRST"},
	{"LAST", "NULLS LAST"},
	{"EXPLAIN", "EXPLAIN query — the plan: columns read, time range, pruning"},
	{"ANALYZE", "EXPLAIN ANALYZE query — runs it and shows rows, time, files and row groups skipped"},
	{"CAST", "CAST(x AS type) — bigint, double, varchar, boolean, timestamp, date, json, map(...)"},
	{"TRY_CAST", "TRY_CAST(x AS type) — NULL instead of an error"},
	{"TIMESTAMP", "TIMESTAMP '2024-05-01 00:00:00' — a timestamp literal"},
	{"DATE", "DATE '2024-05-01' — a date literal"},
	{"INTERVAL", "INTERVAL '7' DAY — for time arithmetic: now() - INTERVAL '1' HOUR"},
	{"TRUE", "boolean true"},
	{"FALSE", "boolean false"},
	{"CURRENT_TIMESTAMP", "the query's start time (UTC)"},
}

// sample is one of the editor's sample queries: Lake's console offers
// such a list for common questions; $EDS_ID stands for the chosen store.
type sample struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	SQL         string `json:"sql"`
}

// samples are written for ctlake after the questions Lake's console
// samples and AWS's sample repository answer (our own text; every one is
// planned by a test against a store).
var samples = []sample{
	{"Recent events", "The latest 100 events with who did what, where.",
		`SELECT eventTime, eventSource, eventName, userIdentity.arn AS principal, awsRegion, sourceIPAddress, errorCode
FROM $EDS_ID
ORDER BY eventTime DESC
LIMIT 100`},
	{"Top APIs by calls", "The 20 most called APIs.",
		`SELECT eventSource, eventName, count(*) AS calls
FROM $EDS_ID
GROUP BY eventSource, eventName
ORDER BY calls DESC
LIMIT 20`},
	{"Top errors", "The most frequent error codes, with an example message.",
		`SELECT errorCode, count(*) AS errors, arbitrary(errorMessage) AS example
FROM $EDS_ID
WHERE errorCode IS NOT NULL
GROUP BY errorCode
ORDER BY errors DESC
LIMIT 20`},
	{"Access denied by principal", "Who is refused, how often, and on which APIs.",
		`SELECT userIdentity.arn AS principal, count(*) AS denied, array_agg(DISTINCT eventName) AS apis
FROM $EDS_ID
WHERE errorCode IN ('AccessDenied', 'AccessDeniedException', 'Client.UnauthorizedOperation', 'UnauthorizedOperation')
GROUP BY userIdentity.arn
ORDER BY denied DESC
LIMIT 50`},
	{"Console sign-ins without MFA", "Successful console logins that did not use MFA.",
		`SELECT eventTime, userIdentity.arn AS principal, sourceIPAddress,
       element_at(additionalEventData, 'MFAUsed') AS mfaUsed
FROM $EDS_ID
WHERE eventName = 'ConsoleLogin'
  AND element_at(responseElements, 'ConsoleLogin') = 'Success'
  AND element_at(additionalEventData, 'MFAUsed') = 'No'
ORDER BY eventTime DESC`},
	{"Failed console sign-ins", "Console logins that failed, by principal and source IP.",
		`SELECT userIdentity.arn AS principal, sourceIPAddress, count(*) AS failures, max(eventTime) AS last
FROM $EDS_ID
WHERE eventName = 'ConsoleLogin' AND errorMessage IS NOT NULL
GROUP BY 1, 2
ORDER BY failures DESC`},
	{"IAM users, keys and policies created", "Identity changes that grant new access.",
		`SELECT eventTime, eventName, userIdentity.arn AS actor,
       coalesce(element_at(requestParameters, 'userName'), element_at(requestParameters, 'policyName'), element_at(requestParameters, 'roleName')) AS target
FROM $EDS_ID
WHERE eventSource = 'iam.amazonaws.com'
  AND eventName IN ('CreateUser', 'CreateAccessKey', 'CreateLoginProfile', 'CreatePolicy', 'CreatePolicyVersion', 'AttachUserPolicy', 'AttachRolePolicy', 'PutUserPolicy', 'PutRolePolicy')
ORDER BY eventTime DESC`},
	{"Activity of an access key", "Everything one access key did (change the key).",
		`SELECT eventTime, eventSource, eventName, awsRegion, sourceIPAddress, errorCode
FROM $EDS_ID
WHERE userIdentity.accessKeyId = 'AKIAIOSFODNN7EXAMPLE'
ORDER BY eventTime DESC`},
	{"Activity from an IP address", "Everything done from one source IP (change the address).",
		`SELECT eventTime, userIdentity.arn AS principal, eventSource, eventName, errorCode
FROM $EDS_ID
WHERE sourceIPAddress = '203.0.113.10'
ORDER BY eventTime DESC`},
	{"Security groups opened to the world", "Ingress rules that allow 0.0.0.0/0.",
		`SELECT eventTime, userIdentity.arn AS actor, awsRegion, element_at(requestParameters, 'groupId') AS groupId,
       element_at(requestParameters, 'ipPermissions') AS rules
FROM $EDS_ID
WHERE eventSource = 'ec2.amazonaws.com'
  AND eventName IN ('AuthorizeSecurityGroupIngress', 'ModifySecurityGroupRules')
  AND element_at(requestParameters, 'ipPermissions') LIKE '%0.0.0.0/0%'
ORDER BY eventTime DESC`},
	{"Instances launched", "RunInstances calls by principal and region.",
		`SELECT userIdentity.arn AS principal, awsRegion, count(*) AS launches
FROM $EDS_ID
WHERE eventSource = 'ec2.amazonaws.com' AND eventName = 'RunInstances' AND errorCode IS NULL
GROUP BY 1, 2
ORDER BY launches DESC`},
	{"Top S3 buckets", "The most accessed buckets (S3 data events).",
		`SELECT element_at(requestParameters, 'bucketName') AS bucket, count(*) AS requests
FROM $EDS_ID
WHERE eventSource = 's3.amazonaws.com'
GROUP BY 1
ORDER BY requests DESC
LIMIT 20`},
	{"S3 errors", "Failed S3 requests by bucket and error.",
		`SELECT element_at(requestParameters, 'bucketName') AS bucket, errorCode, count(*) AS errors
FROM $EDS_ID
WHERE eventSource = 's3.amazonaws.com' AND errorCode IS NOT NULL
GROUP BY 1, 2
ORDER BY errors DESC`},
	{"CloudTrail configuration changes", "Trails stopped, deleted or changed.",
		`SELECT eventTime, eventName, userIdentity.arn AS actor, element_at(requestParameters, 'name') AS trail
FROM $EDS_ID
WHERE eventSource = 'cloudtrail.amazonaws.com'
  AND eventName IN ('StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors', 'DeleteEventDataStore')
ORDER BY eventTime DESC`},
	{"Bedrock model invocations", "Which models are called, by whom.",
		`SELECT element_at(requestParameters, 'modelId') AS model, userIdentity.arn AS principal, count(*) AS calls
FROM $EDS_ID
WHERE eventSource = 'bedrock.amazonaws.com'
  AND eventName IN ('InvokeModel', 'InvokeModelWithResponseStream', 'Converse', 'ConverseStream')
GROUP BY 1, 2
ORDER BY calls DESC`},
	{"Events by region", "Where activity happens.",
		`SELECT awsRegion, count(*) AS events
FROM $EDS_ID
GROUP BY awsRegion
ORDER BY events DESC`},
	{"Events per hour", "Activity over time, hour by hour.",
		`SELECT date_trunc('hour', eventTime) AS hour, count(*) AS events
FROM $EDS_ID
GROUP BY 1
ORDER BY 1`},
	{"TLS versions in use", "Clients still on old TLS versions.",
		`SELECT tlsDetails.tlsVersion AS tls, eventSource, count(*) AS calls
FROM $EDS_ID
WHERE tlsDetails.tlsVersion IS NOT NULL
GROUP BY 1, 2
ORDER BY calls DESC`},
	{"One event in full", "The whole CloudTrail record of one event, as JSON.",
		`SELECT eventTime, eventName, eventJson
FROM $EDS_ID
ORDER BY eventTime DESC
LIMIT 10`},
}
