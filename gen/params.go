package gen

import "strconv"

// The params builders write requestParameters, responseElements and, when
// the service records it, additionalEventData (each followed by a comma), and
// collect resources into e.res. responseElements is null for reads and for
// failed calls, as in CloudTrail.

func (e *ev) appendParams(dst []byte) []byte {
	switch e.o.svc.kind {
	case kindS3:
		return e.s3(dst)
	case kindKMS:
		return e.kms(dst)
	case kindSTS:
		return e.sts(dst)
	case kindEC2:
		return e.ec2(dst)
	case kindIAM:
		return e.iam(dst)
	case kindLambda:
		return e.lambda(dst)
	case kindDynamo:
		return e.dynamo(dst)
	case kindBedrock:
		return e.bedrock(dst)
	case kindStates:
		return e.states(dst)
	case kindNovaAct:
		return e.novaAct(dst)
	case kindQApps:
		return e.qapps(dst)
	case kindSignin:
		return e.signin(dst)
	case kindLogs, kindSSM, kindSecrets, kindCloudTrail:
		return e.named(dst)
	}
	return e.generic(dst)
}

const (
	reqNull  = `"requestParameters":null,`
	respNull = `"responseElements":null,`
	reqOpen  = `"requestParameters":{`
	respOpen = `"responseElements":{`
)

// endObj closes an object opened by reqOpen/respOpen and adds the comma.
func endObj(dst []byte) []byte { return append(closeObj(dst), ',') }

// addRes adds one resources[] element.
func (e *ev) addRes(typ, arn string, withAccount bool) {
	b := append(e.res, '{')
	if withAccount {
		b = appendKV(b, "accountId", e.a.id)
	}
	b = appendKV(b, "type", typ)
	b = appendKV(b, "ARN", arn)
	e.res = append(closeObj(b), ',')
}

// okResp reports whether this call gets a responseElements object.
func (e *ev) okResp() bool { return !e.failed && !e.o.readOnly }

func (e *ev) arn(svc, rest string) string { return e.a.arn(svc, e.region, rest) }

// pick returns a Zipf-ish element of s (index i with weight ~ 1/(i+1)).
func (e *ev) pick(s []string) string {
	x := e.r.float()
	i := int(float64(len(s)) * x * x * x)
	return s[i]
}

func (e *ev) appendHex(dst []byte, n int) []byte {
	return appendRand(dst, &e.r, "0123456789abcdef", n)
}

// generic covers services without a dedicated builder: reads name the
// resource or a page size, writes name the resource and get its ARN back.
func (e *ev) generic(dst []byte) []byte {
	o, r := e.o, &e.r
	name := e.pick(e.a.misc)
	svc := iamPrefix(o.svc.source)
	if o.data {
		arn := e.arn(svc, o.arnNoun+"/"+name)
		if o.svc.resType == "AWS::SQS::Queue" {
			arn = e.arn("sqs", name+"-queue")
			dst = append(dst, reqOpen...)
			dst = appendKV(dst, "queueUrl", "https://sqs."+e.region+".amazonaws.com/"+e.a.id+"/"+name+"-queue")
			if o.name == "ReceiveMessage" {
				dst = appendKInt(dst, "maxNumberOfMessages", int64(1+r.intn(10)))
				dst = appendKInt(dst, "waitTimeSeconds", 20)
			}
		} else {
			arn = e.arn("sns", name+"-events")
			dst = append(dst, reqOpen...)
			dst = appendKV(dst, "topicArn", arn)
			dst = append(dst, `"message":"HIDDEN_DUE_TO_SECURITY_REASONS",`...)
		}
		dst = endObj(dst)
		if e.okResp() && (o.name == "Publish" || o.name == "SendMessage") {
			dst = append(dst, respOpen...)
			dst = append(dst, `"messageId":"`...)
			dst = appendUUID(dst, r)
			dst = append(dst, '"')
			dst = endObj(dst)
		} else {
			dst = append(dst, respNull...)
		}
		e.addRes(o.svc.resType, arn, true)
		return dst
	}
	if o.readOnly {
		switch r.intn(3) {
		case 0:
			dst = append(dst, reqNull...)
		case 1:
			dst = append(dst, reqOpen...)
			dst = appendKInt(dst, "maxResults", int64([]int{20, 50, 100, 1000}[r.intn(4)]))
			dst = endObj(dst)
		default:
			dst = append(dst, reqOpen...)
			dst = appendKV(dst, o.paramKey, name)
			dst = endObj(dst)
		}
		return append(dst, respNull...)
	}
	dst = append(dst, reqOpen...)
	dst = appendKV(dst, o.paramKey, name)
	if r.chance(0.3) {
		dst = append(dst, `"tags":[{"key":"env","value":"prod"},{"key":"team","value":"platform"}],`...)
	}
	dst = endObj(dst)
	if e.okResp() && r.chance(0.6) {
		dst = append(dst, respOpen...)
		dst = appendKV(dst, lowerFirst(singular(o.noun))+"Arn", e.arn(svc, o.arnNoun+"/"+name))
		dst = endObj(dst)
	} else {
		dst = append(dst, respNull...)
	}
	return dst
}

// named covers logs, ssm, secretsmanager and cloudtrail: one named resource
// per call, plus the service's usual extras.
func (e *ev) named(dst []byte) []byte {
	o, r := e.o, &e.r
	app := e.pick(e.a.misc)
	dst = append(dst, reqOpen...)
	switch o.svc.kind {
	case kindLogs:
		if o.name == "DescribeLogGroups" {
			dst = appendKV(dst, "logGroupNamePrefix", "/aws/lambda/")
		} else {
			dst = appendKV(dst, "logGroupName", "/aws/lambda/"+e.pick(e.a.fns))
		}
		if o.name == "CreateLogStream" || o.name == "GetLogEvents" {
			y, mo, d, _, _, _ := civil(e.t)
			b := make([]byte, 0, 48)
			b = append4(b, y)
			b = append(b, '/')
			b = append2(b, mo)
			b = append(b, '/')
			b = append2(b, d)
			b = append(b, "/[$LATEST]"...)
			b = e.appendHex(b, 32)
			dst = appendKV(dst, "logStreamName", string(b))
		}
		if o.name == "PutRetentionPolicy" {
			dst = appendKInt(dst, "retentionInDays", int64([]int{7, 30, 90, 365}[r.intn(4)]))
		}
	case kindSSM:
		pname := "/" + app + "/" + []string{"prod", "staging"}[r.intn(2)] + "/" + []string{"db-url", "api-key", "feature-flags", "redis-endpoint"}[r.intn(4)]
		switch o.name {
		case "GetParameter", "PutParameter", "DeleteParameter":
			dst = appendKV(dst, "name", pname)
			if o.name == "GetParameter" {
				dst = appendKBool(dst, "withDecryption", r.chance(0.7))
			} else if o.name == "PutParameter" {
				dst = append(dst, `"type":"SecureString","overwrite":true,"value":"HIDDEN_DUE_TO_SECURITY_REASONS",`...)
			}
		case "GetParameters":
			dst = append(dst, `"names":[`...)
			dst = appendStr(dst, pname)
			dst = append(dst, ',')
			dst = appendStr(dst, pname+"-v2")
			dst = append(dst, `],"withDecryption":true,`...)
		case "GetParametersByPath":
			dst = appendKV(dst, "path", "/"+app+"/")
			dst = append(dst, `"recursive":true,"withDecryption":true,`...)
		case "SendCommand", "StartSession":
			dst = append(dst, `"instanceIds":[`...)
			dst = appendStr(dst, e.pick(e.a.inst))
			dst = append(dst, `],"documentName":"AWS-RunShellScript",`...)
		default:
			dst = appendKInt(dst, "maxResults", 50)
		}
	case kindSecrets:
		sid := e.arn("secretsmanager", "secret:"+app+"/"+[]string{"db", "api", "oauth"}[r.intn(3)]+"-"+"AbCdEf")
		if o.name == "ListSecrets" {
			dst = appendKInt(dst, "maxResults", 100)
		} else if o.name == "BatchGetSecretValue" {
			dst = append(dst, `"secretIdList":[`...)
			dst = appendStr(dst, sid)
			dst = append(dst, `],`...)
		} else {
			dst = appendKV(dst, "secretId", sid)
			e.addRes("AWS::SecretsManager::Secret", sid, true)
		}
	case kindCloudTrail:
		switch o.name {
		case "LookupEvents":
			dst = append(dst, `"lookupAttributes":[{"attributeKey":"EventName","attributeValue":"ConsoleLogin"}],"maxResults":50,`...)
		case "StartQuery":
			dst = appendKV(dst, "queryStatement", "SELECT eventName, count(*) FROM "+string(e.appendHex(nil, 8))+" GROUP BY eventName")
		case "StartEventDataStoreIngestion", "GetEventDataStore", "CreateEventDataStore":
			dst = appendKV(dst, "eventDataStore", e.arn("cloudtrail", "eventdatastore/"+string(appendUUID(nil, r))))
		default:
			dst = appendKV(dst, "name", e.arn("cloudtrail", "trail/"+e.a.org+"-org-trail"))
		}
	}
	dst = endObj(dst)
	if e.okResp() && r.chance(0.5) {
		dst = append(dst, respOpen...)
		switch o.svc.kind {
		case kindSecrets:
			dst = appendKV(dst, "arn", e.arn("secretsmanager", "secret:"+app+"-db-AbCdEf"))
			dst = append(dst, `"versionId":"`...)
			dst = appendUUID(dst, r)
			dst = append(dst, '"', ',')
		case kindCloudTrail:
			dst = appendKV(dst, "trailARN", e.arn("cloudtrail", "trail/"+e.a.org+"-org-trail"))
		default:
			dst = append(dst, `"version":`...)
			dst = strconv.AppendInt(dst, int64(1+r.intn(40)), 10)
			dst = append(dst, `,"tier":"Standard",`...)
		}
		return endObj(dst)
	}
	return append(dst, respNull...)
}
