package lakeapi

import (
	"fmt"
	"strings"
)

// Managed dashboards are built in, modelled on Lake's managed ones and its
// Highlights dashboard (cloudtrail-lake.md §1.1): ListDashboards lists them
// with Type MANAGED, GetDashboard shows their widgets, and
// StartDashboardRefresh runs them over one store, named by the
// $EventDataStoreId$ parameter as Lake requires for managed dashboards. They
// cannot be changed or deleted; the console saves a copy as a custom
// dashboard to change one.
//
// Each widget's statement reads FROM $EventDataStoreId$ (replaced by the
// store's ID) and takes the refresh's time range through Lake's '?'
// placeholders and $StartTime$/$EndTime$ parameters. Every ranking orders
// ties by name as well, so two runs over the same events print the same
// rows. ViewProperties say how the console draws each result: View is
// Number (the first row's values), LineChart (a time column, then values or
// a series column and a value), BarChart (a category and values),
// StackedBarChart (a category, a series and a value) or Table.

// ManagedPrefix starts the name of every managed dashboard; custom
// dashboards may not use it.
const ManagedPrefix = "AWSCloudTrail-"

// storeParam is the parameter naming the store a managed dashboard reads.
const storeParam = "$EventDataStoreId$"

// timeRange is the refresh's time range as each managed widget filters it.
const timeRange = "eventTime >= '?' AND eventTime < '?'"

type managedDef struct {
	name    string
	widgets []managedWidget
}

type managedWidget struct {
	title, view, sql string
}

var managedDashboards = []managedDef{
	{"AWSCloudTrail-Highlights", []managedWidget{
		{"Activity summary", "Number", `SELECT count(*) AS events, count_if(errorCode IS NOT NULL) AS errors,
  count(DISTINCT userIdentity.arn) AS principals, count(DISTINCT awsRegion) AS regions
FROM $EventDataStoreId$ WHERE ` + timeRange},
		{"Events over time", "LineChart", `SELECT date_trunc('hour', eventTime) AS hour, count(*) AS events
FROM $EventDataStoreId$ WHERE ` + timeRange + `
GROUP BY 1 ORDER BY 1`},
		{"Top services", "BarChart", `SELECT eventSource, count(*) AS events
FROM $EventDataStoreId$ WHERE ` + timeRange + `
GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`},
		{"Top APIs", "BarChart", `SELECT eventName, count(*) AS calls
FROM $EventDataStoreId$ WHERE ` + timeRange + `
GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`},
		{"Top errors", "BarChart", `SELECT errorCode, count(*) AS errors
FROM $EventDataStoreId$ WHERE ` + timeRange + ` AND errorCode IS NOT NULL
GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`},
		{"Top principals", "BarChart", `SELECT coalesce(userIdentity.arn, userIdentity.invokedBy, userIdentity.type) AS principal, count(*) AS events
FROM $EventDataStoreId$ WHERE ` + timeRange + `
GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`},
		{"Console sign-ins", "BarChart", `SELECT coalesce(element_at(responseElements, 'ConsoleLogin'), 'Unknown') AS result, count(*) AS signins
FROM $EventDataStoreId$ WHERE ` + timeRange + ` AND eventName = 'ConsoleLogin'
GROUP BY 1 ORDER BY 2 DESC, 1`},
		{"Access denied by principal", "BarChart", `SELECT coalesce(userIdentity.arn, userIdentity.type) AS principal, count(*) AS denied
FROM $EventDataStoreId$ WHERE ` + timeRange + `
  AND errorCode IN ('AccessDenied', 'AccessDeniedException', 'Client.UnauthorizedOperation', 'UnauthorizedOperation', 'VpceAccessDenied')
GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`},
		{"New IAM users, keys and policies", "BarChart", `SELECT eventName, count(*) AS changes
FROM $EventDataStoreId$ WHERE ` + timeRange + ` AND eventSource = 'iam.amazonaws.com'
  AND eventName IN ('CreateUser', 'CreateAccessKey', 'CreateLoginProfile', 'CreatePolicy', 'CreatePolicyVersion', 'CreateRole')
  AND errorCode IS NULL
GROUP BY 1 ORDER BY 2 DESC, 1`},
		{"Regions in use", "BarChart", `SELECT awsRegion, count(*) AS events
FROM $EventDataStoreId$ WHERE ` + timeRange + `
GROUP BY 1 ORDER BY 2 DESC, 1`},
	}},
	{"AWSCloudTrail-IAMActivity", []managedWidget{
		{"IAM changes over time", "LineChart", `SELECT date_trunc('hour', eventTime) AS hour, count(*) AS changes
FROM $EventDataStoreId$ WHERE ` + timeRange + ` AND eventSource = 'iam.amazonaws.com' AND NOT readOnly
GROUP BY 1 ORDER BY 1`},
		{"IAM changes by API", "BarChart", `SELECT eventName, count(*) AS changes
FROM $EventDataStoreId$ WHERE ` + timeRange + ` AND eventSource = 'iam.amazonaws.com' AND NOT readOnly
GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 15`},
		{"IAM changes by principal", "StackedBarChart", `SELECT coalesce(userIdentity.arn, userIdentity.type) AS principal,
  CASE WHEN errorCode IS NULL THEN 'succeeded' ELSE 'failed' END AS outcome, count(*) AS changes
FROM $EventDataStoreId$ WHERE ` + timeRange + ` AND eventSource = 'iam.amazonaws.com' AND NOT readOnly
GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 20`},
		{"Failed IAM calls", "BarChart", `SELECT errorCode, count(*) AS calls
FROM $EventDataStoreId$ WHERE ` + timeRange + ` AND eventSource = 'iam.amazonaws.com' AND errorCode IS NOT NULL
GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`},
		{"Users, keys and policies created", "Table", `SELECT eventTime, eventName, userIdentity.arn AS actor,
  coalesce(element_at(requestParameters, 'userName'), element_at(requestParameters, 'policyName'), element_at(requestParameters, 'roleName')) AS target
FROM $EventDataStoreId$ WHERE ` + timeRange + ` AND eventSource = 'iam.amazonaws.com'
  AND eventName IN ('CreateUser', 'CreateAccessKey', 'CreateLoginProfile', 'CreatePolicy', 'CreatePolicyVersion', 'CreateRole', 'AttachUserPolicy', 'AttachRolePolicy', 'PutUserPolicy', 'PutRolePolicy')
ORDER BY eventTime DESC, eventName LIMIT 50`},
	}},
	{"AWSCloudTrail-S3DataEvents", []managedWidget{
		{"S3 data events over time", "LineChart", `SELECT date_trunc('hour', eventTime) AS hour, count(*) AS events
FROM $EventDataStoreId$ WHERE ` + timeRange + ` AND eventSource = 's3.amazonaws.com' AND eventCategory = 'Data'
GROUP BY 1 ORDER BY 1`},
		{"Top buckets", "BarChart", `SELECT element_at(requestParameters, 'bucketName') AS bucket, count(*) AS events
FROM $EventDataStoreId$ WHERE ` + timeRange + ` AND eventSource = 's3.amazonaws.com' AND eventCategory = 'Data'
GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`},
		{"S3 data operations", "BarChart", `SELECT eventName, count(*) AS events
FROM $EventDataStoreId$ WHERE ` + timeRange + ` AND eventSource = 's3.amazonaws.com' AND eventCategory = 'Data'
GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`},
		{"Top S3 principals", "BarChart", `SELECT coalesce(userIdentity.arn, userIdentity.invokedBy, userIdentity.type) AS principal, count(*) AS events
FROM $EventDataStoreId$ WHERE ` + timeRange + ` AND eventSource = 's3.amazonaws.com' AND eventCategory = 'Data'
GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`},
		{"S3 errors by bucket", "StackedBarChart", `SELECT element_at(requestParameters, 'bucketName') AS bucket, errorCode, count(*) AS errors
FROM $EventDataStoreId$ WHERE ` + timeRange + ` AND eventSource = 's3.amazonaws.com' AND errorCode IS NOT NULL
GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 20`},
	}},
	{"AWSCloudTrail-EC2NetworkChanges", []managedWidget{
		{"EC2 changes over time", "LineChart", `SELECT date_trunc('hour', eventTime) AS hour, count(*) AS changes
FROM $EventDataStoreId$ WHERE ` + timeRange + ` AND eventSource = 'ec2.amazonaws.com' AND NOT readOnly
GROUP BY 1 ORDER BY 1`},
		{"EC2 changes by API", "BarChart", `SELECT eventName, count(*) AS changes
FROM $EventDataStoreId$ WHERE ` + timeRange + ` AND eventSource = 'ec2.amazonaws.com' AND NOT readOnly
GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 15`},
		{"Security group and network changes", "Table", `SELECT eventTime, eventName, userIdentity.arn AS actor, awsRegion,
  coalesce(element_at(requestParameters, 'groupId'), element_at(requestParameters, 'vpcId'), element_at(requestParameters, 'networkInterfaceId')) AS resource
FROM $EventDataStoreId$ WHERE ` + timeRange + ` AND eventSource = 'ec2.amazonaws.com'
  AND eventName IN ('AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress',
    'CreateSecurityGroup', 'DeleteSecurityGroup', 'ModifySecurityGroupRules', 'CreateVpc', 'DeleteVpc', 'CreateNetworkInterface', 'DeleteNetworkInterface',
    'AssociateAddress', 'CreateRoute', 'DeleteRoute', 'CreateInternetGateway', 'AttachInternetGateway')
ORDER BY eventTime DESC, eventName LIMIT 50`},
		{"Instances started and stopped", "StackedBarChart", `SELECT awsRegion, eventName, count(*) AS calls
FROM $EventDataStoreId$ WHERE ` + timeRange + ` AND eventSource = 'ec2.amazonaws.com'
  AND eventName IN ('RunInstances', 'StartInstances', 'StopInstances', 'TerminateInstances')
GROUP BY 1, 2 ORDER BY 1, 2`},
		{"Network activity denied by VPC endpoint", "BarChart", `SELECT eventSource, count(*) AS denied
FROM $EventDataStoreId$ WHERE ` + timeRange + ` AND eventCategory = 'NetworkActivity' AND errorCode = 'VpceAccessDenied'
GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`},
	}},
	{"AWSCloudTrail-BedrockActivity", []managedWidget{
		{"Bedrock calls over time", "LineChart", `SELECT date_trunc('hour', eventTime) AS hour, count(*) AS calls
FROM $EventDataStoreId$ WHERE ` + timeRange + ` AND eventSource LIKE 'bedrock%'
GROUP BY 1 ORDER BY 1`},
		{"Bedrock APIs", "BarChart", `SELECT eventName, count(*) AS calls
FROM $EventDataStoreId$ WHERE ` + timeRange + ` AND eventSource LIKE 'bedrock%'
GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 15`},
		{"Models invoked", "BarChart", `SELECT element_at(requestParameters, 'modelId') AS model, count(*) AS invocations
FROM $EventDataStoreId$ WHERE ` + timeRange + ` AND eventSource = 'bedrock.amazonaws.com'
  AND eventName IN ('InvokeModel', 'InvokeModelWithResponseStream', 'Converse', 'ConverseStream')
GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`},
		{"Bedrock callers", "StackedBarChart", `SELECT coalesce(userIdentity.arn, userIdentity.type) AS principal, eventName, count(*) AS calls
FROM $EventDataStoreId$ WHERE ` + timeRange + ` AND eventSource LIKE 'bedrock%'
GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 20`},
		{"Bedrock errors", "BarChart", `SELECT errorCode, count(*) AS calls
FROM $EventDataStoreId$ WHERE ` + timeRange + ` AND eventSource LIKE 'bedrock%' AND errorCode IS NOT NULL
GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`},
	}},
}

// newManaged builds the managed dashboards (their refresh state is
// loaded from DATA/api/dashboards/managed by the caller).
func newManaged() map[string]*dashboard {
	out := map[string]*dashboard{}
	for _, d := range managedDashboards {
		db := &dashboard{Name: d.name, Status: "CREATED", managed: true}
		for i, w := range d.widgets {
			db.Widgets = append(db.Widgets, widget{
				QueryAlias:      fmt.Sprintf("%s-%d", d.name, i+1),
				QueryStatement:  w.sql,
				QueryParameters: []string{"$StartTime$", "$EndTime$"},
				ViewProperties:  map[string]string{"Title": w.title, "View": w.view},
			})
		}
		out[d.name] = db
	}
	return out
}

// bindStore puts a store's ID where a managed widget reads FROM
// $EventDataStoreId$.
func bindStore(stmt, storeID string) string { return strings.ReplaceAll(stmt, storeParam, storeID) }
