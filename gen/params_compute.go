package gen

import "strconv"

// STS, EC2, IAM and Lambda builders.

func (e *ev) appendCredentials(dst []byte, hours int64) []byte {
	r := &e.r
	dst = append(dst, `"credentials":{"accessKeyId":"ASIA`...)
	dst = appendRand(dst, r, upperAlnum, 16)
	dst = append(dst, `","sessionToken":"IQoJb3JpZ2luX2VjE`...)
	dst = appendRand(dst, r, mixedAlnum, 96)
	dst = append(dst, `","expiration":"`...)
	dst = appendHuman(dst, e.t+hours*3600)
	return append(dst, `"},`...)
}

var sessionNames = []string{"botocore-session-1714571107", "aws-go-sdk-1714571107", "GitHubActions", "terraform-run", "AWSCLI-Session", "cross-account-audit"}

func (e *ev) sts(dst []byte) []byte {
	o, r := e.o, &e.r
	switch o.name {
	case "GetCallerIdentity", "GetAccessKeyInfo", "DecodeAuthorizationMessage":
		return append(dst, reqNull+respNull...)
	case "GetSessionToken", "GetFederationToken":
		dst = append(dst, reqOpen...)
		dst = appendKInt(dst, "durationSeconds", 43200)
		dst = endObj(dst)
		if e.failed {
			return append(dst, respNull...)
		}
		dst = append(dst, respOpen...)
		dst = e.appendCredentials(dst, 12)
		return endObj(dst)
	}
	role := e.a.roles[r.intn(len(e.a.roles))]
	sess := sessionNames[r.intn(len(sessionNames))]
	if o.name == "AssumeRoleWithWebIdentity" {
		sess = "GitHubActions"
	}
	dst = append(dst, reqOpen...)
	dst = appendKV(dst, "roleArn", role.arn)
	dst = appendKV(dst, "roleSessionName", sess)
	dst = appendKInt(dst, "durationSeconds", 3600)
	if o.name == "AssumeRole" && r.chance(0.2) {
		dst = appendKV(dst, "externalId", "HIDDEN_DUE_TO_SECURITY_REASONS")
	}
	dst = endObj(dst)
	if e.failed {
		dst = append(dst, respNull...)
	} else {
		dst = append(dst, respOpen...)
		dst = e.appendCredentials(dst, 1)
		dst = append(dst, `"assumedRoleUser":{`...)
		dst = appendKV(dst, "assumedRoleId", role.id+":"+sess)
		dst = appendKV(dst, "arn", "arn:aws:sts::"+e.a.id+":assumed-role/"+role.name+"/"+sess)
		dst = closeObj(dst)
		dst = append(dst, ',')
		if o.name == "AssumeRoleWithWebIdentity" {
			dst = append(dst, `"subjectFromWebIdentityToken":"repo:`...)
			dst = append(dst, e.a.org...)
			dst = append(dst, `/platform:ref:refs/heads/main","audience":"sts.amazonaws.com","provider":"arn:aws:iam::`...)
			dst = append(dst, e.a.id...)
			dst = append(dst, `:oidc-provider/token.actions.githubusercontent.com",`...)
		}
		dst = endObj(dst)
	}
	e.addRes("AWS::IAM::Role", role.arn, true)
	return dst
}

func (e *ev) appendInstanceItems(dst []byte) []byte {
	dst = append(dst, `"instancesSet":{"items":[{"instanceId":`...)
	dst = appendStr(dst, e.pick(e.a.inst))
	return append(dst, `}]},`...)
}

func (e *ev) ec2(dst []byte) []byte {
	o, r := e.o, &e.r
	dst = append(dst, reqOpen...)
	switch {
	case o.name == "DescribeInstances":
		if r.chance(0.5) {
			dst = e.appendInstanceItems(dst)
			dst = append(dst, `"filterSet":{},`...)
		} else {
			dst = append(dst, `"instancesSet":{},"filterSet":{"items":[{"name":"instance-state-name","valueSet":{"items":[{"value":"running"},{"value":"pending"}]}}]},`...)
		}
	case o.name == "DescribeRegions" || o.name == "DescribeAccountAttributes" || o.name == "DescribeAvailabilityZones":
		dst = append(dst, `"filterSet":{},`...)
	case o.readOnly:
		set := lowerFirst(singular(o.noun)) + "Set"
		switch r.intn(3) {
		case 0:
			dst = appendKey(dst, set)
			dst = append(dst, `{},"filterSet":{},`...)
		case 1:
			dst = appendKey(dst, set)
			dst = append(dst, `{},"filterSet":{"items":[{"name":"vpc-id","valueSet":{"items":[{"value":"vpc-0`...)
			dst = e.appendHex(dst, 16)
			dst = append(dst, `"}]}}]},`...)
		default:
			dst = append(dst, `"maxResults":1000,"filterSet":{},`...)
		}
	case o.name == "RunInstances":
		dst = append(dst, `"instancesSet":{"items":[{"imageId":"ami-0`...)
		dst = e.appendHex(dst, 16)
		dst = append(dst, `","minCount":1,"maxCount":1}]},"instanceType":"`...)
		dst = append(dst, []string{"t3.micro", "m6i.large", "c7g.xlarge", "r6i.2xlarge"}[r.intn(4)]...)
		dst = append(dst, `","blockDeviceMapping":{},"monitoring":{"enabled":false},"disableApiTermination":false,"disableApiStop":false,"clientToken":"`...)
		dst = appendUUID(dst, r)
		dst = append(dst, `","tagSpecificationSet":{"items":[{"resourceType":"instance","tags":[{"key":"Name","value":"web-`...)
		dst = strconv.AppendInt(dst, int64(r.intn(50)), 10)
		dst = append(dst, `"}]}]},`...)
	case o.name == "StartInstances" || o.name == "StopInstances" || o.name == "TerminateInstances" || o.name == "ModifyInstanceAttribute" || o.name == "GetConsoleOutput" || o.name == "GetPasswordData":
		dst = e.appendInstanceItems(dst)
		if o.name == "StopInstances" {
			dst = append(dst, `"force":false,`...)
		}
	case o.name == "CreateTags" || o.name == "DeleteTags":
		dst = append(dst, `"resourcesSet":{"items":[{"resourceId":`...)
		dst = appendStr(dst, e.pick(e.a.inst))
		dst = append(dst, `}]},"tagSet":{"items":[{"key":"env","value":"prod"}]},`...)
	case o.name == "AuthorizeSecurityGroupIngress" || o.name == "RevokeSecurityGroupIngress":
		dst = append(dst, `"groupId":"sg-0`...)
		dst = e.appendHex(dst, 16)
		dst = append(dst, `","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":`...)
		port := []int{22, 443, 3389, 5432}[r.intn(4)]
		dst = strconv.AppendInt(dst, int64(port), 10)
		dst = append(dst, `,"toPort":`...)
		dst = strconv.AppendInt(dst, int64(port), 10)
		dst = append(dst, `,"groups":{},"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]},"ipv6Ranges":{},"prefixListIds":{}}]},`...)
	default:
		dst = appendKey(dst, lowerFirst(singular(o.noun))+"Id")
		dst = append(dst, '"')
		dst = append(dst, kebab(singular(o.noun))[:min(3, len(o.noun))]...)
		dst = append(dst, "-0"...)
		dst = e.appendHex(dst, 16)
		dst = append(dst, '"', ',')
	}
	dst = endObj(dst)
	if !e.okResp() {
		return append(dst, respNull...)
	}
	dst = append(dst, `"responseElements":{"requestId":"`...)
	dst = appendUUID(dst, r)
	dst = append(dst, '"', ',')
	switch o.name {
	case "StartInstances", "StopInstances", "TerminateInstances":
		cur, prev := `{"code":0,"name":"pending"}`, `{"code":80,"name":"stopped"}`
		if o.name != "StartInstances" {
			cur, prev = `{"code":64,"name":"stopping"}`, `{"code":16,"name":"running"}`
		}
		dst = append(dst, `"instancesSet":{"items":[{"instanceId":`...)
		dst = appendStr(dst, e.pick(e.a.inst))
		dst = append(dst, `,"currentState":`...)
		dst = append(dst, cur...)
		dst = append(dst, `,"previousState":`...)
		dst = append(dst, prev...)
		dst = append(dst, `}]},`...)
	case "RunInstances":
		dst = append(dst, `"reservationId":"r-0`...)
		dst = e.appendHex(dst, 16)
		dst = append(dst, `",`...)
		dst = appendKV(dst, "ownerId", e.a.id)
		dst = append(dst, `"groupSet":{},"instancesSet":{"items":[{"instanceId":"i-0`...)
		dst = e.appendHex(dst, 16)
		dst = append(dst, `","instanceState":{"code":0,"name":"pending"},"launchTime":`...)
		dst = strconv.AppendInt(dst, e.t*1000, 10)
		dst = append(dst, `}]},`...)
	default:
		dst = append(dst, `"_return":true,`...)
	}
	return endObj(dst)
}

// policyDocument returns an IAM policy as CloudTrail records it: a JSON
// document inside a JSON string.
func (e *ev) policyDocument() string {
	r := &e.r
	switch r.intn(3) {
	case 0:
		return "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": [\"s3:GetObject\", \"s3:PutObject\"],\n      \"Resource\": \"arn:aws:s3:::" + e.a.pickBucket(r) + "/*\"\n    }\n  ]\n}"
	case 1:
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	}
	return `{"Version":"2012-10-17","Statement":[{"Sid":"AdminAccess","Effect":"Allow","Action":"*","Resource":"*"}]}`
}

func (e *ev) iam(dst []byte) []byte {
	o, r := e.o, &e.r
	user := e.pick(e.a.users)
	role := e.a.roles[r.intn(len(e.a.roles))].name
	policy := []string{"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::" + e.a.id + ":policy/app-s3-access"}[r.intn(3)]
	dst = append(dst, reqOpen...)
	switch o.name {
	case "ListRoles", "ListUsers", "ListPolicies", "GenerateCredentialReport", "GetCredentialReport", "GetAccountAuthorizationDetails":
		if o.name == "ListPolicies" {
			dst = append(dst, `"scope":"Local","onlyAttached":false,`...)
		} else if o.name == "GetAccountAuthorizationDetails" {
			dst = append(dst, `"filter":["User","Role","Group","LocalManagedPolicy"],`...)
		}
	case "GetPolicy", "GetPolicyVersion":
		dst = appendKV(dst, "policyArn", policy)
		if o.name == "GetPolicyVersion" {
			dst = appendKV(dst, "versionId", "v1")
		}
	case "PutRolePolicy", "PutUserPolicy":
		if o.name == "PutRolePolicy" {
			dst = appendKV(dst, "roleName", role)
		} else {
			dst = appendKV(dst, "userName", user)
		}
		dst = appendKV(dst, "policyName", "inline-"+e.pick(e.a.misc))
		dst = appendKV(dst, "policyDocument", e.policyDocument())
	case "CreatePolicy", "CreatePolicyVersion":
		dst = appendKV(dst, "policyName", "app-"+e.pick(e.a.misc)+"-access")
		dst = appendKV(dst, "policyDocument", e.policyDocument())
	case "CreateRole", "UpdateAssumeRolePolicy":
		dst = appendKV(dst, "roleName", role)
		dst = appendKV(dst, "assumeRolePolicyDocument", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	case "AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy":
		if o.name == "AttachUserPolicy" {
			dst = appendKV(dst, "userName", user)
		} else {
			dst = appendKV(dst, "roleName", role)
		}
		dst = appendKV(dst, "policyArn", policy)
	case "SimulatePrincipalPolicy":
		dst = appendKV(dst, "policySourceArn", "arn:aws:iam::"+e.a.id+":role/"+role)
		dst = append(dst, `"actionNames":["s3:GetObject","kms:Decrypt"],`...)
	default:
		if o.paramKey == "roleName" || o.paramKey == "rolePolicyName" || o.paramKey == "attachedRolePolicyName" || o.paramKey == "instanceProfilesForRoleName" {
			dst = appendKV(dst, "roleName", role)
		} else {
			dst = appendKV(dst, "userName", user)
		}
	}
	dst = endObj(dst)
	if !e.okResp() {
		return append(dst, respNull...)
	}
	switch o.name {
	case "CreateAccessKey":
		dst = append(dst, `"responseElements":{"accessKey":{`...)
		dst = appendKV(dst, "userName", user)
		dst = appendKV(dst, "accessKeyId", akid(r, "AKIA"))
		dst = append(dst, `"status":"Active","createDate":"`...)
		dst = appendHuman(dst, e.t)
		return append(dst, `"}},`...)
	case "CreateRole":
		dst = append(dst, `"responseElements":{"role":{"path":"/",`...)
		dst = appendKV(dst, "roleName", role)
		dst = appendKV(dst, "roleId", pid(r, "AROA"))
		dst = appendKV(dst, "arn", e.a.roleARN(role))
		dst = append(dst, `"createDate":"`...)
		dst = appendHuman(dst, e.t)
		return append(dst, `"}},`...)
	case "CreateUser":
		dst = append(dst, `"responseElements":{"user":{"path":"/",`...)
		dst = appendKV(dst, "userName", user)
		dst = appendKV(dst, "userId", pid(r, "AIDA"))
		dst = appendKV(dst, "arn", "arn:aws:iam::"+e.a.id+":user/"+user)
		dst = append(dst, `"createDate":"`...)
		dst = appendHuman(dst, e.t)
		return append(dst, `"}},`...)
	case "CreatePolicy":
		dst = append(dst, `"responseElements":{"policy":{`...)
		dst = appendKV(dst, "policyId", pid(r, "ANPA"))
		dst = append(dst, `"path":"/","defaultVersionId":"v1","attachmentCount":0,"permissionsBoundaryUsageCount":0,"isAttachable":true,"createDate":"`...)
		dst = appendHuman(dst, e.t)
		return append(dst, `"}},`...)
	}
	return append(dst, respNull...)
}

var runtimes = []string{"python3.12", "nodejs20.x", "java21", "provided.al2023"}

func (e *ev) lambda(dst []byte) []byte {
	o, r := e.o, &e.r
	fn := e.pick(e.a.fns)
	fnARN := e.arn("lambda", "function:"+fn)
	dst = append(dst, reqOpen...)
	switch o.name {
	case "Invoke":
		dst = appendKV(dst, "functionName", fnARN)
		if r.chance(0.4) {
			dst = appendKV(dst, "sourceArn", e.arn("sqs", e.pick(e.a.misc)+"-queue"))
		}
		if r.chance(0.3) {
			dst = append(dst, `"invocationType":"Event",`...)
		}
	case "ListFunctions20150331", "ListEventSourceMappings20150331", "GetAccountSettings20160819":
		if o.name == "ListFunctions20150331" {
			dst = append(dst, `"functionVersion":"ALL","maxItems":50,`...)
		}
	case "UpdateFunctionCode20150331v2":
		dst = appendKV(dst, "functionName", fn)
		dst = append(dst, `"publish":false,"dryRun":false,"architectures":["x86_64"],`...)
	default:
		dst = appendKV(dst, "functionName", fn)
	}
	dst = endObj(dst)
	if e.okResp() && o.name != "Invoke" {
		dst = append(dst, respOpen...)
		dst = appendKV(dst, "functionName", fn)
		dst = appendKV(dst, "functionArn", fnARN)
		dst = appendKV(dst, "runtime", runtimes[r.intn(len(runtimes))])
		dst = appendKV(dst, "role", e.a.roleARN("payments-api-lambda-role"))
		dst = append(dst, `"handler":"app.handler","codeSize":`...)
		dst = strconv.AppendInt(dst, int64(1000+r.intn(50<<20)), 10)
		dst = append(dst, `,"timeout":30,"memorySize":`...)
		dst = strconv.AppendInt(dst, int64(128<<r.intn(4)), 10)
		dst = append(dst, `,"lastModified":"`...)
		dst = appendISO(dst, e.t)
		dst = append(dst, `","version":"$LATEST","tracingConfig":{"mode":"PassThrough"},"state":"Active","architectures":["x86_64"],"ephemeralStorage":{"size":512},`...)
		dst = endObj(dst)
	} else {
		dst = append(dst, respNull...)
	}
	if o.name == "Invoke" {
		dst = append(dst, `"additionalEventData":{"functionVersion":`...)
		dst = appendStr(dst, fnARN+":$LATEST")
		dst = append(dst, '}', ',')
		e.addRes("AWS::Lambda::Function", fnARN, true)
	}
	return dst
}
