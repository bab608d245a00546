package gen

// services is the API catalog: every eventSource the generator emits and the
// eventNames it calls, in the service's own popularity order. An op's weight
// is service weight × multiplier / (position+1)^1.1, so each service's
// traffic is Zipf-like and the multipliers pin the hot spots real accounts
// show (KMS Decrypt, S3 GetObject, sts AssumeRole, ec2 Describe*).
//
// An op is written "Name[:flags][*mult]". Flags: D = data event (its
// resources carry the service's data resource type), R / W = force readOnly
// true / false when the name's verb would say otherwise, S = AwsServiceEvent.
// Names and the data/management split of Bedrock, Step Functions, Nova Act
// and Q Apps follow their CloudTrail documentation pages.
var services = []service{
	{source: "s3.amazonaws.com", host: "s3", weight: 22, kind: kindS3, resType: "AWS::S3::Object",
		ops: "GetObject:D*4 PutObject:D*2.2 HeadObject:D*1.5 ListObjects:DR*0.6 DeleteObject:D*1.5 GetBucketAcl*0.4 " +
			"CopyObject:D*1.5 CreateMultipartUpload:D*2 UploadPart:D*3 CompleteMultipartUpload:D*3 " +
			"GetBucketLocation*0.4 ListBuckets GetBucketPolicy GetBucketVersioning GetBucketEncryption " +
			"GetBucketTagging GetBucketLogging PutBucketPolicy GetBucketPublicAccessBlock PutBucketTagging " +
			"CreateBucket DeleteBucket PutBucketPublicAccessBlock DeleteObjects:D GetObjectTagging:D PutObjectAcl:D"},
	{source: "kms.amazonaws.com", host: "kms", weight: 15, kind: kindKMS, resType: "AWS::KMS::Key",
		ops: "Decrypt:R*1.3 GenerateDataKey:R Encrypt:R*0.5 DescribeKey ListAliases ListKeys GenerateDataKeyWithoutPlaintext:R " +
			"ReEncrypt:R GetKeyPolicy GetKeyRotationStatus ListResourceTags CreateGrant ListGrants RetireGrant " +
			"CreateKey ScheduleKeyDeletion PutKeyPolicy EnableKeyRotation Sign:R Verify:R"},
	{source: "sts.amazonaws.com", host: "sts", weight: 9, kind: kindSTS,
		ops: "AssumeRole:R*1.4 GetCallerIdentity AssumeRoleWithWebIdentity:R*0.8 GetSessionToken:R AssumeRoleWithSAML:R " +
			"GetFederationToken:R DecodeAuthorizationMessage:R GetAccessKeyInfo"},
	{source: "ec2.amazonaws.com", host: "ec2", weight: 12, kind: kindEC2,
		ops: "DescribeInstances*1.2 DescribeSecurityGroups DescribeSubnets DescribeVpcs DescribeNetworkInterfaces " +
			"DescribeRouteTables DescribeVolumes DescribeInstanceStatus DescribeImages DescribeAvailabilityZones " +
			"DescribeTags DescribeSnapshots DescribeAddresses DescribeNatGateways DescribeVpcEndpoints " +
			"DescribeKeyPairs DescribeLaunchTemplates DescribeRegions DescribeAccountAttributes DescribeInstanceTypes " +
			"DescribeVpcAttribute DescribeInternetGateways DescribeNetworkAcls DescribePrefixLists DescribeSpotPriceHistory " +
			"CreateTags RunInstances StartInstances StopInstances TerminateInstances CreateNetworkInterface " +
			"DeleteNetworkInterface AttachVolume CreateVolume CreateSnapshot DeleteSnapshot AuthorizeSecurityGroupIngress " +
			"RevokeSecurityGroupIngress CreateSecurityGroup ModifyInstanceAttribute GetConsoleOutput GetPasswordData " +
			"CreateKeyPair ImportKeyPair DeleteTags AssociateAddress"},
	{source: "lambda.amazonaws.com", host: "lambda", weight: 6, kind: kindLambda, resType: "AWS::Lambda::Function",
		ops: "Invoke:D*3 GetFunction20150331v2 ListFunctions20150331 GetFunctionConfiguration20150331v2 " +
			"GetPolicy20150331v2 ListEventSourceMappings20150331 UpdateFunctionCode20150331v2 " +
			"UpdateFunctionConfiguration20150331v2 CreateFunction20150331 AddPermission20150331v2 " +
			"ListVersionsByFunction20150331 PublishVersion20150331 DeleteFunction20150331 ListTags20170331 GetAccountSettings20160819"},
	{source: "dynamodb.amazonaws.com", host: "dynamodb", weight: 6, kind: kindDynamo, resType: "AWS::DynamoDB::Table", apiVersion: "2012-08-10",
		ops: "GetItem:D*1.5 Query:D PutItem:D UpdateItem:D BatchGetItem:D BatchWriteItem:D:W DeleteItem:D Scan:D " +
			"DescribeTable TransactWriteItems:D:W ListTables DescribeTimeToLive DescribeContinuousBackups " +
			"ListTagsOfResource CreateTable UpdateTable DeleteTable"},
	{source: "logs.amazonaws.com", host: "logs", weight: 3, kind: kindLogs,
		ops: "CreateLogStream DescribeLogGroups DescribeLogStreams FilterLogEvents:R GetLogEvents StartQuery:R " +
			"GetQueryResults CreateLogGroup PutRetentionPolicy DescribeMetricFilters PutSubscriptionFilter " +
			"DeleteLogGroup ListTagsForResource DescribeSubscriptionFilters"},
	{source: "iam.amazonaws.com", host: "iam", global: true, weight: 4, kind: kindIAM,
		ops: "GetUser GetRole ListRoles GetPolicy GetPolicyVersion ListAttachedRolePolicies ListRolePolicies " +
			"ListUsers ListAccessKeys GetAccountAuthorizationDetails ListPolicies GetRolePolicy ListGroupsForUser " +
			"ListMFADevices GenerateCredentialReport GetCredentialReport ListInstanceProfilesForRole SimulatePrincipalPolicy:R " +
			"CreateRole PutRolePolicy AttachRolePolicy PutUserPolicy CreateAccessKey CreatePolicy CreatePolicyVersion " +
			"UpdateAssumeRolePolicy DeleteAccessKey CreateUser AttachUserPolicy DeleteRolePolicy DetachRolePolicy " +
			"UpdateAccessKey CreateLoginProfile AddUserToGroup DeleteUser DeleteRole TagRole"},
	{source: "ssm.amazonaws.com", host: "ssm", weight: 3, kind: kindSSM,
		ops: "GetParameter*1.3 GetParameters GetParametersByPath DescribeInstanceInformation UpdateInstanceInformation " +
			"DescribeParameters ListTagsForResource PutParameter ListAssociations GetDocument SendCommand " +
			"StartSession DescribeSessions DeleteParameter ListCommandInvocations"},
	{source: "secretsmanager.amazonaws.com", host: "secretsmanager", weight: 2, kind: kindSecrets,
		ops: "GetSecretValue*1.5 DescribeSecret ListSecrets BatchGetSecretValue GetResourcePolicy PutSecretValue " +
			"CreateSecret UpdateSecret RotateSecret DeleteSecret TagResource"},
	{source: "bedrock.amazonaws.com", host: "bedrock", weight: 2.2, kind: kindBedrock,
		ops: "InvokeModel:W*1.3 Converse:W InvokeModelWithResponseStream:W ConverseStream:W ListFoundationModels " +
			"InvokeAgent:DW Retrieve:DR RetrieveAndGenerate:DW GetFoundationModel ApplyGuardrail:W ListGuardrails " +
			"GetGuardrail CreateAgent ListAgents GetAgent CreateModelCustomizationJob StopModelCustomizationJob " +
			"ListCustomModels CreateGuardrail DeleteGuardrail CreateKnowledgeBase ListKnowledgeBases"},
	{source: "states.amazonaws.com", host: "states", weight: 1.5, kind: kindStates, resType: "AWS::StepFunctions::StateMachine",
		ops: "StartExecution DescribeExecution GetActivityTask SendTaskSuccess InvokeHTTPEndpoint:DS ListExecutions " +
			"StartSyncExecution DescribeStateMachine GetExecutionHistory ListStateMachines SendTaskHeartbeat SendTaskFailure " +
			"StopExecution DescribeStateMachineForExecution CreateStateMachine UpdateStateMachine DeleteStateMachine " +
			"CreateActivity DescribeMapRun ListMapRuns CreateStateMachineAlias PublishStateMachineVersion ValidateStateMachineDefinition:R " +
			"TagResource ListTagsForResource"},
	{source: "nova-act.amazonaws.com", host: "nova-act", weight: 0.4, kind: kindNovaAct, resType: "AWS::NovaAct::WorkflowDefinition",
		ops: "InvokeActStep:D*2 CreateAct:D UpdateAct:D CreateSession:D GetWorkflowRun ListWorkflowRuns ListSessions " +
			"ListActs GetWorkflowDefinition ListWorkflowDefinitions ListModels CreateWorkflowDefinition DeleteWorkflowDefinition"},
	{source: "qapps.amazonaws.com", host: "data.qapps", weight: 0.4, kind: kindQApps, resType: "AWS::QApps::QApp",
		ops: "GetQApp:D PredictQApp:DW StartQAppSession:D ListQApps:D GetLibraryItem ListLibraryItems GetQAppSession:D " +
			"UpdateQAppSession:D CreateQApp:D UpdateQApp:D ImportDocument:D StopQAppSession:D DeleteQApp:D " +
			"CreateLibraryItem UpdateLibraryItem DeleteLibraryItem TagResource UntagResource ListTagsForResource"},
	{source: "monitoring.amazonaws.com", host: "monitoring", weight: 2, kind: kindGeneric,
		ops: "GetMetricData DescribeAlarms ListMetrics GetMetricStatistics DescribeAlarmHistory PutMetricAlarm " +
			"ListDashboards GetDashboard PutDashboard DeleteAlarms SetAlarmState"},
	{source: "sqs.amazonaws.com", host: "sqs", weight: 2, kind: kindGeneric, resType: "AWS::SQS::Queue",
		ops: "ReceiveMessage:DR*2 SendMessage:D DeleteMessage:D GetQueueAttributes ListQueues GetQueueUrl ChangeMessageVisibility:D " +
			"SetQueueAttributes CreateQueue DeleteQueue ListQueueTags PurgeQueue"},
	{source: "sns.amazonaws.com", host: "sns", weight: 1, kind: kindGeneric, resType: "AWS::SNS::Topic",
		ops: "Publish:D*2 ListTopics GetTopicAttributes ListSubscriptions ListSubscriptionsByTopic Subscribe CreateTopic " +
			"SetTopicAttributes Unsubscribe DeleteTopic"},
	{source: "ecr.amazonaws.com", host: "api.ecr", weight: 2, kind: kindGeneric,
		ops: "GetAuthorizationToken BatchGetImage GetDownloadUrlForLayer BatchCheckLayerAvailability:R DescribeImages " +
			"DescribeRepositories ListImages PutImage InitiateLayerUpload UploadLayerPart CompleteLayerUpload CreateRepository " +
			"DescribeImageScanFindings GetLifecyclePolicy"},
	{source: "ecs.amazonaws.com", host: "ecs", weight: 1.5, kind: kindGeneric,
		ops: "DescribeServices DescribeTasks ListTasks DescribeTaskDefinition DescribeClusters ListServices " +
			"SubmitTaskStateChange SubmitContainerStateChange UpdateService RunTask RegisterTaskDefinition " +
			"StopTask ListClusters DescribeContainerInstances CreateService DeregisterTaskDefinition"},
	{source: "eks.amazonaws.com", host: "eks", weight: 0.8, kind: kindGeneric,
		ops: "DescribeCluster ListClusters DescribeNodegroup ListNodegroups DescribeAddon ListAddons " +
			"AccessKubernetesApi:R UpdateNodegroupConfig CreateNodegroup CreateCluster DeleteNodegroup"},
	{source: "rds.amazonaws.com", host: "rds", weight: 1, kind: kindGeneric,
		ops: "DescribeDBInstances DescribeDBClusters DescribeDBSnapshots DescribeDBEngineVersions DescribeEvents " +
			"DescribeOrderableDBInstanceOptions ListTagsForResource DescribeDBParameterGroups CreateDBSnapshot " +
			"ModifyDBInstance CreateDBInstance DeleteDBInstance StartDBInstance StopDBInstance RebootDBInstance"},
	{source: "cloudformation.amazonaws.com", host: "cloudformation", weight: 1, kind: kindGeneric,
		ops: "DescribeStacks DescribeStackEvents ListStacks GetTemplate DescribeStackResources ListStackResources " +
			"DescribeChangeSet GetTemplateSummary ValidateTemplate:R CreateChangeSet ExecuteChangeSet UpdateStack " +
			"CreateStack DeleteStack"},
	{source: "elasticloadbalancing.amazonaws.com", host: "elasticloadbalancing", weight: 1, kind: kindGeneric,
		ops: "DescribeTargetHealth DescribeLoadBalancers DescribeTargetGroups DescribeListeners DescribeRules " +
			"DescribeLoadBalancerAttributes DescribeTags RegisterTargets DeregisterTargets ModifyTargetGroup " +
			"CreateLoadBalancer CreateTargetGroup DeleteLoadBalancer"},
	{source: "autoscaling.amazonaws.com", host: "autoscaling", weight: 1, kind: kindGeneric,
		ops: "DescribeAutoScalingGroups DescribeScalingActivities DescribeLaunchConfigurations DescribeLifecycleHooks " +
			"DescribePolicies CompleteLifecycleAction SetDesiredCapacity UpdateAutoScalingGroup CreateAutoScalingGroup " +
			"DeleteAutoScalingGroup"},
	{source: "route53.amazonaws.com", host: "route53", global: true, weight: 0.5, kind: kindGeneric,
		ops: "ListHostedZones ListResourceRecordSets GetHostedZone GetChange ChangeResourceRecordSets ListHealthChecks " +
			"CreateHostedZone DeleteHostedZone"},
	{source: "cloudtrail.amazonaws.com", host: "cloudtrail", weight: 0.6, kind: kindCloudTrail,
		ops: "LookupEvents DescribeTrails GetTrailStatus ListTrails GetEventSelectors GetInsightSelectors ListEventDataStores " +
			"StartQuery:W GetQueryResults DescribeQuery ListTags GetEventDataStore StartLogging StopLogging " +
			"PutEventSelectors UpdateTrail CreateTrail DeleteTrail StartEventDataStoreIngestion CreateEventDataStore"},
	{source: "config.amazonaws.com", host: "config", weight: 0.8, kind: kindGeneric,
		ops: "PutEvaluations DescribeConfigRules DescribeConfigurationRecorders DescribeConfigurationRecorderStatus " +
			"GetComplianceDetailsByConfigRule DescribeDeliveryChannels SelectResourceConfig:R PutConfigRule " +
			"StartConfigRulesEvaluation StopConfigurationRecorder DeleteConfigRule"},
	{source: "guardduty.amazonaws.com", host: "guardduty", weight: 0.4, kind: kindGeneric,
		ops: "ListDetectors GetDetector ListFindings GetFindings GetFindingsStatistics ListMembers UpdateDetector " +
			"ArchiveFindings CreateFilter DeleteDetector"},
	{source: "organizations.amazonaws.com", host: "organizations", global: true, weight: 0.3, kind: kindGeneric,
		ops: "DescribeOrganization ListAccounts DescribeAccount ListPoliciesForTarget ListRoots ListOrganizationalUnitsForParent " +
			"ListAWSServiceAccessForOrganization CreateAccount MoveAccount LeaveOrganization"},
	{source: "signin.amazonaws.com", host: "signin", global: true, weight: 0.35, kind: kindSignin,
		ops: "ConsoleLogin:W*2 SwitchRole:W ExitRole:W CheckMfa:W"},
	{source: "sso.amazonaws.com", host: "portal.sso", weight: 0.4, kind: kindGeneric,
		ops: "GetRoleCredentials ListAccounts ListAccountRoles Federate:W Authenticate:W Logout:W ListInstances " +
			"DescribePermissionSet CreateAccountAssignment DeleteAccountAssignment"},
	{source: "health.amazonaws.com", host: "health", global: true, weight: 0.3, kind: kindGeneric,
		ops: "DescribeEventAggregates DescribeEvents DescribeEventDetails DescribeAffectedEntities"},
	{source: "events.amazonaws.com", host: "events", weight: 0.6, kind: kindGeneric,
		ops: "ListRules DescribeRule ListTargetsByRule DescribeEventBus PutRule PutTargets ListEventBuses " +
			"EnableRule DisableRule DeleteRule RemoveTargets"},
	{source: "acm.amazonaws.com", host: "acm", weight: 0.2, kind: kindGeneric,
		ops: "DescribeCertificate ListCertificates GetCertificate ListTagsForCertificate RequestCertificate " +
			"DeleteCertificate ImportCertificate"},
	{source: "apigateway.amazonaws.com", host: "apigateway", weight: 0.4, kind: kindGeneric,
		ops: "GetRestApis GetResources GetStages GetDeployments GetApiKeys CreateDeployment UpdateStage " +
			"CreateRestApi DeleteRestApi"},
	{source: "cognito-idp.amazonaws.com", host: "cognito-idp", weight: 0.3, kind: kindGeneric,
		ops: "InitiateAuth:W DescribeUserPool ListUsers AdminGetUser AdminCreateUser RespondToAuthChallenge:W " +
			"AdminInitiateAuth:W ListUserPools AdminDeleteUser"},
	{source: "glue.amazonaws.com", host: "glue", weight: 0.3, kind: kindGeneric,
		ops: "GetTable GetDatabase GetPartitions GetTables GetDatabases BatchCreatePartition StartJobRun " +
			"GetJobRun CreateTable UpdateTable StartCrawler"},
	{source: "athena.amazonaws.com", host: "athena", weight: 0.4, kind: kindGeneric,
		ops: "GetQueryExecution StartQueryExecution:W GetQueryResults GetWorkGroup ListWorkGroups ListQueryExecutions " +
			"StopQueryExecution BatchGetQueryExecution ListDataCatalogs"},
	{source: "kinesis.amazonaws.com", host: "kinesis", weight: 0.3, kind: kindGeneric,
		ops: "DescribeStreamSummary ListStreams DescribeStream ListShards CreateStream DeleteStream " +
			"IncreaseStreamRetentionPeriod"},
	{source: "securityhub.amazonaws.com", host: "securityhub", weight: 0.3, kind: kindGeneric,
		ops: "BatchImportFindings GetFindings DescribeHub GetEnabledStandards BatchUpdateFindings DescribeStandardsControls " +
			"UpdateStandardsControl"},
	{source: "access-analyzer.amazonaws.com", host: "access-analyzer", weight: 0.2, kind: kindGeneric,
		ops: "ListAnalyzers ListFindings GetFinding ValidatePolicy:R StartResourceScan CreateAnalyzer"},
	{source: "tagging.amazonaws.com", host: "tagging", weight: 0.2, kind: kindGeneric,
		ops: "GetResources GetTagKeys GetTagValues TagResources UntagResources"},
	{source: "elasticache.amazonaws.com", host: "elasticache", weight: 0.2, kind: kindGeneric,
		ops: "DescribeCacheClusters DescribeReplicationGroups DescribeCacheSubnetGroups ListTagsForResource " +
			"ModifyReplicationGroup CreateCacheCluster DeleteCacheCluster"},
	{source: "cloudfront.amazonaws.com", host: "cloudfront", global: true, weight: 0.2, kind: kindGeneric,
		ops: "ListDistributions GetDistribution GetDistributionConfig CreateInvalidation ListInvalidations " +
			"UpdateDistribution CreateDistribution"},
}

// regions and their share of traffic; us-east-1 also receives the global
// services (IAM, sign-in, Route 53, ...), as CloudTrail records them there.
var regions = []struct {
	name   string
	weight float64
}{
	{"us-east-1", 0.46}, {"us-west-2", 0.2}, {"eu-west-1", 0.13},
	{"eu-central-1", 0.09}, {"ap-southeast-2", 0.07}, {"ap-northeast-1", 0.05},
}
