package sql

import "testing"

// BenchmarkParse parses a typical Lake query (the brief's everyday form);
// b.SetBytes makes the MB/s column comparable across query sizes.
func BenchmarkParse(b *testing.B) {
	queries := map[string]string{
		"typical": `SELECT eventName, count(*) AS n FROM 2a8f2138-0caa-4b2e-8c2a-0c7e1b7f2a11 WHERE eventTime > '2024-01-01 00:00:00' AND eventSource='s3.amazonaws.com' GROUP BY 1 ORDER BY n DESC LIMIT 10`,
		"nested": `SELECT eventTime, userIdentity.sessionContext.sessionIssuer.arn AS role,
       json_extract_scalar(element_at(requestParameters, 'ModifySecurityGroupRulesRequest'), '$.GroupId') AS groupId,
       CASE WHEN errorCode IS NULL THEN 'ok' ELSE 'failed' END AS outcome
FROM 0233062b-51c6-4d93-a0cb-1c8b4a0f7e3d
WHERE eventSource = 'ec2.amazonaws.com' AND eventName IN ('AuthorizeSecurityGroupIngress', 'ModifySecurityGroupRules')
  AND element_at(requestParameters, 'ipPermissions') LIKE '%0.0.0.0/0%'
  AND eventTime > DATE_ADD('week', -1, CURRENT_TIMESTAMP) AND CAST(readOnly AS varchar) = 'false'
ORDER BY eventTime DESC NULLS LAST LIMIT 100`,
	}
	for name, q := range queries {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(q)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := Parse(q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
