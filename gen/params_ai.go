package gen

// Bedrock, Step Functions, Nova Act, Q Apps and console sign-in, shaped after
// the example records on their CloudTrail documentation pages.

var bedrockModels = []string{"anthropic.claude-3-5-sonnet-20240620-v1:0", "anthropic.claude-3-haiku-20240307-v1:0",
	"amazon.titan-embed-text-v2:0", "meta.llama3-70b-instruct-v1:0", "amazon.nova-pro-v1:0", "stability.stable-diffusion-xl-v1",
	"cohere.embed-english-v3", "mistral.mistral-large-2402-v1:0"}

func (e *ev) bedrock(dst []byte) []byte {
	o, r := e.o, &e.r
	dst = append(dst, reqOpen...)
	switch o.name {
	case "InvokeModel", "InvokeModelWithResponseStream", "Converse", "ConverseStream", "GetFoundationModel", "CreateModelCustomizationJob":
		dst = appendKV(dst, "modelId", e.pick(bedrockModels))
		if o.name == "CreateModelCustomizationJob" {
			dst = appendKV(dst, "jobName", "ft-"+e.pick(e.a.misc))
			dst = append(dst, `"trainingDataConfig":{"s3Uri":`...)
			dst = appendStr(dst, "s3://"+e.a.buckets[3]+"/train.jsonl")
			dst = append(dst, `},`...)
		}
	case "InvokeAgent":
		agent := e.pick(e.a.agents)
		dst = appendKV(dst, "agentId", agent)
		dst = appendKV(dst, "agentAliasId", "TSTALIASID")
		dst = append(dst, `"sessionId":"`...)
		dst = appendUUID(dst, r)
		dst = append(dst, `","inputText":"HIDDEN_DUE_TO_SECURITY_REASONS",`...)
		e.addRes("AWS::Bedrock::AgentAlias", e.arn("bedrock", "agent-alias/"+agent+"/TSTALIASID"), true)
	case "Retrieve", "RetrieveAndGenerate":
		kb := e.pick(e.a.kbs)
		dst = appendKV(dst, "knowledgeBaseId", kb)
		dst = append(dst, `"retrievalQuery":{"text":"HIDDEN_DUE_TO_SECURITY_REASONS"},`...)
		e.addRes("AWS::Bedrock::KnowledgeBase", e.arn("bedrock", "knowledge-base/"+kb), true)
	case "ApplyGuardrail", "GetGuardrail", "DeleteGuardrail":
		dst = appendKV(dst, "guardrailIdentifier", randString(r, "abcdefghijklmnopqrstuvwxyz0123456789", 12))
	case "CreateAgent", "CreateGuardrail", "CreateKnowledgeBase":
		dst = appendKV(dst, lowerFirst(o.noun)+"Name", e.pick(e.a.misc)+"-"+kebab(o.noun))
	case "GetAgent":
		dst = appendKV(dst, "agentId", e.pick(e.a.agents))
	default:
		if r.chance(0.5) {
			dst = appendKInt(dst, "maxResults", 50)
		}
	}
	dst = endObj(dst)
	if !e.failed && (o.name == "CreateAgent" || o.name == "CreateModelCustomizationJob") {
		dst = append(dst, respOpen...)
		if o.name == "CreateAgent" {
			dst = append(dst, `"agent":{"agentId":"`...)
			dst = appendRand(dst, r, upperAlnum, 10)
			dst = append(dst, `","agentStatus":"CREATING"},`...)
		} else {
			dst = appendKV(dst, "jobArn", e.arn("bedrock", "model-customization-job/"+randString(r, "abcdefghijklmnopqrstuvwxyz0123456789", 12)))
		}
		return endObj(dst)
	}
	return append(dst, respNull...)
}

var stateMachines = []string{"OrderFulfillment", "ETLNightly", "ImageProcessing", "UserOnboarding", "InvoiceApproval"}

func (e *ev) states(dst []byte) []byte {
	o, r := e.o, &e.r
	sm := e.pick(stateMachines)
	smARN := e.arn("states", "stateMachine:"+sm)
	execARN := func(dst []byte) []byte {
		dst = append(dst, "arn:aws:states:"...)
		dst = append(dst, e.region...)
		dst = append(dst, ':')
		dst = append(dst, e.a.id...)
		dst = append(dst, ":execution:"...)
		dst = append(dst, sm...)
		dst = append(dst, ':')
		return appendUUID(dst, r)
	}
	dst = append(dst, reqOpen...)
	switch o.name {
	case "StartExecution", "StartSyncExecution":
		dst = appendKV(dst, "stateMachineArn", smARN)
		dst = append(dst, `"name":"`...)
		dst = appendUUID(dst, r)
		dst = append(dst, `","input":"HIDDEN_DUE_TO_SECURITY_REASONS",`...)
	case "DescribeExecution", "StopExecution", "GetExecutionHistory", "DescribeStateMachineForExecution":
		dst = append(dst, `"executionArn":"`...)
		dst = execARN(dst)
		dst = append(dst, '"', ',')
	case "SendTaskSuccess", "SendTaskFailure", "SendTaskHeartbeat":
		dst = append(dst, `"taskToken":"HIDDEN_DUE_TO_SECURITY_REASONS",`...)
		if o.name == "SendTaskSuccess" {
			dst = append(dst, `"output":"HIDDEN_DUE_TO_SECURITY_REASONS",`...)
		}
	case "GetActivityTask", "CreateActivity":
		dst = appendKV(dst, "activityArn", e.arn("states", "activity:"+e.pick(e.a.misc)+"-worker"))
	case "CreateStateMachine", "UpdateStateMachine":
		if o.name == "CreateStateMachine" {
			dst = appendKV(dst, "name", sm)
		} else {
			dst = appendKV(dst, "stateMachineArn", smARN)
		}
		dst = append(dst, `"definition":"HIDDEN_DUE_TO_SECURITY_REASONS",`...)
		dst = appendKV(dst, "roleArn", e.a.roleARN("states-execution-role"))
		dst = append(dst, `"type":"STANDARD","loggingConfiguration":{"level":"OFF","includeExecutionData":false},"tags":[],"tracingConfiguration":{"enabled":false},"publish":false,`...)
	case "ListStateMachines":
		dst = appendKInt(dst, "maxResults", 100)
	default:
		dst = appendKV(dst, "stateMachineArn", smARN)
	}
	dst = endObj(dst)
	if e.failed {
		return append(dst, respNull...)
	}
	switch o.name {
	case "StartExecution", "StartSyncExecution":
		dst = append(dst, `"responseElements":{"executionArn":"`...)
		dst = execARN(dst)
		dst = append(dst, `","startDate":"`...)
		dst = appendHuman(dst, e.t)
		return append(dst, `"},`...)
	case "CreateStateMachine":
		dst = append(dst, respOpen...)
		dst = appendKV(dst, "stateMachineArn", smARN)
		dst = append(dst, `"creationDate":"`...)
		dst = appendHuman(dst, e.t)
		return append(dst, `"},`...)
	}
	return append(dst, respNull...)
}

func (e *ev) novaAct(dst []byte) []byte {
	o, r := e.o, &e.r
	wf := e.pick(e.a.wfs)
	wfARN := e.arn("nova-act", "workflow-definition/"+wf)
	dst = append(dst, reqOpen...)
	switch o.name {
	case "InvokeActStep", "UpdateAct", "CreateAct", "CreateSession", "ListActs":
		dst = appendKV(dst, "workflowDefinitionName", wf)
		dst = append(dst, `"sessionId":"sess-`...)
		dst = e.appendHex(dst, 17)
		dst = append(dst, '"', ',')
		if o.name != "CreateSession" && o.name != "ListActs" {
			dst = append(dst, `"actId":"act-`...)
			dst = e.appendHex(dst, 17)
			dst = append(dst, '"', ',')
		}
	case "GetWorkflowRun", "ListWorkflowRuns", "ListSessions":
		dst = appendKV(dst, "workflowDefinitionName", wf)
		if o.name == "GetWorkflowRun" {
			dst = append(dst, `"workflowRunId":"`...)
			dst = appendUUID(dst, r)
			dst = append(dst, '"', ',')
		}
	case "ListWorkflowDefinitions", "ListModels":
	default:
		dst = appendKV(dst, "workflowName", wf)
	}
	dst = endObj(dst)
	if !e.failed && o.name == "CreateWorkflowDefinition" {
		dst = append(dst, respOpen...)
		dst = appendKV(dst, "workflowName", wf)
		dst = appendKV(dst, "workflowDefinitionArn", wfARN)
		dst = endObj(dst)
	} else {
		dst = append(dst, respNull...)
	}
	if o.data {
		e.addRes("AWS::NovaAct::WorkflowDefinition", wfARN, true)
	}
	return dst
}

func (e *ev) qapps(dst []byte) []byte {
	o, r := e.o, &e.r
	appID := e.a.qappIDs[0]
	dst = append(dst, reqOpen...)
	dst = appendKV(dst, "idc-application-arn", "arn:aws:sso::"+e.a.id+":application/ssoins-"+e.a.storeID[2:]+"/apl-"+e.a.storeID[2:])
	dst = appendKV(dst, "application-id", appID)
	switch o.name {
	case "ListQApps", "ListLibraryItems", "ListTagsForResource":
		dst = appendKInt(dst, "limit", 50)
	case "GetLibraryItem", "UpdateLibraryItem", "DeleteLibraryItem", "CreateLibraryItem":
		dst = append(dst, `"libraryItemId":"`...)
		dst = appendUUID(dst, r)
		dst = append(dst, '"', ',')
	case "PredictQApp":
		dst = append(dst, `"input":"HIDDEN_DUE_TO_SECURITY_REASONS",`...)
	default:
		dst = appendKV(dst, "appId", e.pick(e.a.qappIDs))
	}
	dst = endObj(dst)
	dst = append(dst, respNull...)
	if o.data {
		if o.name == "ListQApps" || o.name == "PredictQApp" {
			e.addRes("AWS::QBusiness::Application", "arn:aws:qbusiness:"+e.region+":"+e.a.id+":application/"+appID, true)
		} else {
			e.addRes("AWS::QApps::QApp", e.arn("qapps", "application/"+appID+"/qapp/"+e.pick(e.a.qappIDs)), true)
		}
	}
	return dst
}

func (e *ev) signin(dst []byte) []byte {
	o := e.o
	dst = append(dst, reqNull...)
	if o.name == "ConsoleLogin" {
		if e.failed {
			dst = append(dst, `"responseElements":{"ConsoleLogin":"Failure"},`...)
		} else {
			dst = append(dst, `"responseElements":{"ConsoleLogin":"Success"},`...)
		}
		dst = append(dst, `"additionalEventData":{"LoginTo":"https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true","MobileVersion":"No","MFAUsed":"`...)
		if e.p.kind == pRoot || e.r.chance(0.5) {
			dst = append(dst, `Yes"},`...)
		} else {
			dst = append(dst, `No"},`...)
		}
		return dst
	}
	dst = append(dst, respOpen...)
	dst = appendKV(dst, o.name, "Success")
	return endObj(dst)
}
