package gen

// Event categories, in Summary.Categories order.
const (
	catManagement = iota
	catData
	catNetwork
	catInsight
	numCats
)

var catNames = [numCats]string{"Management", "Data", "NetworkActivity", "Insight"}

// Share of network activity events, drawn only for the services CloudTrail
// records it for. (Insights are placed by the plan; see insights.go.)
const networkShare = 0.06

// vpceSources are the services whose calls through VPC endpoints CloudTrail
// records as network activity events.
var vpceSources = map[string]bool{"kms.amazonaws.com": true, "s3.amazonaws.com": true, "secretsmanager.amazonaws.com": true,
	"cloudtrail.amazonaws.com": true, "ec2.amazonaws.com": true, "lambda.amazonaws.com": true, "dynamodb.amazonaws.com": true,
	"sts.amazonaws.com": true, "ssm.amazonaws.com": true}

// ev is the per-event scratch of one worker: the choices made so far, which
// the field builders read.
type ev struct {
	r       rng
	a       *account
	ri      int
	region  string
	o       *op
	p       *principal
	t       int64
	failed  bool
	host    string
	res     []byte // resources array body, built by the params builder
	catIdx  int
	opID    int // -1 for Insights
	isError bool
}

// appendEvent appends event number k (the j-th of n in file f) and records
// in e what it was.
func (w *world) appendEvent(dst []byte, e *ev, f *fileSpec, j int) []byte {
	k := f.first + int64(j)
	e.r = eventRNG(w.eventBase, k)
	e.a = w.accts[f.acct]
	e.ri = f.region
	e.region = regions[f.region].name
	e.failed, e.isError = false, false
	e.res = e.res[:0]
	// Roughly, not strictly, time-ordered within the file, as CloudTrail's are.
	pos := (float64(j) + e.r.float()*3 - 1.5) / float64(f.n)
	off := int64(pos * float64(f.win))
	off = min(max(off, 0), f.win-1)
	e.t = f.start + off

	if in, ok := w.insights[k]; ok {
		e.catIdx, e.opID = catInsight, -1
		return w.appendInsight(dst, e, in)
	}
	e.o = w.cat.regOps[e.ri][w.cat.samples[e.ri].pick(&e.r)]
	e.opID = e.o.id
	if e.o.vpce && e.r.chance(networkShare) {
		e.catIdx = catNetwork
		return w.appendNetwork(dst, e)
	}
	if e.o.data {
		e.catIdx = catData
	} else {
		e.catIdx = catManagement
	}
	return w.appendAPICall(dst, e)
}

func (e *ev) pickPrincipal() *principal {
	a := e.a
	switch {
	case e.o.svc.kind == kindQApps:
		return a.qapps[e.r.intn(len(a.qapps))]
	case e.o.svc.kind == kindSignin:
		return a.humans[e.r.intn(len(a.humans))]
	case e.o.name == "AssumeRoleWithWebIdentity":
		return a.webID
	}
	p := a.prin[a.pw.pick(&e.r)]
	if p.kind == pAWSService && !serviceCalls(p.svc, e.o) {
		return a.prin[0] // a service only makes the calls it is known for
	}
	return p
}

// serviceCallsList is what each AWS service principal (userIdentity type
// AWSService) calls on a customer's behalf.
var serviceCallsList = map[string][]string{
	"cloudtrail.amazonaws.com":     {"s3.amazonaws.com GetBucketAcl", "s3.amazonaws.com PutObject", "kms.amazonaws.com GenerateDataKey", "sns.amazonaws.com Publish"},
	"lambda.amazonaws.com":         {"sts.amazonaws.com AssumeRole", "kms.amazonaws.com Decrypt", "sqs.amazonaws.com ReceiveMessage", "sqs.amazonaws.com DeleteMessage"},
	"ec2.amazonaws.com":            {"sts.amazonaws.com AssumeRole", "kms.amazonaws.com Decrypt", "kms.amazonaws.com GenerateDataKeyWithoutPlaintext", "kms.amazonaws.com CreateGrant"},
	"s3.amazonaws.com":             {"kms.amazonaws.com GenerateDataKey", "kms.amazonaws.com Decrypt", "lambda.amazonaws.com Invoke", "sns.amazonaws.com Publish"},
	"secretsmanager.amazonaws.com": {"kms.amazonaws.com Decrypt", "kms.amazonaws.com GenerateDataKey", "lambda.amazonaws.com Invoke"},
}

var serviceCallSet = func() map[string]map[string]bool {
	m := map[string]map[string]bool{}
	for svc, calls := range serviceCallsList {
		m[svc] = map[string]bool{}
		for _, c := range calls {
			m[svc][c] = true
		}
	}
	return m
}()

func serviceCalls(svc string, o *op) bool { return serviceCallSet[svc][o.key] }

func (e *ev) appendIdentity(dst []byte) []byte {
	p := e.p
	dst = append(dst, p.pre...)
	if p.post != nil {
		dst = appendISO(dst, e.t-1-int64(e.r.intn(3600)))
		dst = append(dst, p.post...)
	}
	return dst
}

func eventVersion(o *op) string {
	if o.svc.kind == kindNovaAct || o.svc.kind == kindBedrock {
		return "1.08"
	}
	return "1.09"
}

func (w *world) appendAPICall(dst []byte, e *ev) []byte {
	o := e.o
	r := &e.r
	if o.svcEvent {
		return w.appendServiceEvent(dst, e)
	}
	e.p = e.pickPrincipal()
	p := e.p
	e.host = o.hosts[e.ri]
	dst = append(dst, `{"eventVersion":"`...)
	dst = append(dst, eventVersion(o)...)
	dst = append(dst, `","userIdentity":`...)
	if o.svc.kind == kindSignin && p.login != nil {
		dst = append(dst, p.login...)
	} else {
		dst = e.appendIdentity(dst)
	}
	dst = append(dst, `,"eventTime":"`...)
	dst = appendISO(dst, e.t)
	dst = append(dst, `",`...)
	dst = appendKV(dst, "eventSource", o.svc.source)
	dst = appendKV(dst, "eventName", o.name)
	dst = appendKV(dst, "awsRegion", e.region)
	ua := p.ua
	var uaStr string
	switch {
	case ua < 0:
		uaStr = p.svc
	case r.chance(0.88):
		uaStr = userAgents[ua]
	default:
		ua = r.intn(len(userAgents))
		uaStr = userAgents[ua]
	}
	var ip string
	switch {
	case p.svc != "":
		ip = p.svc
	case ua == uaInternal:
		ip = "AWS Internal" // console calls made on the user's behalf
	default:
		ip = e.a.pickIP(p, r)
	}
	dst = appendKV(dst, "sourceIPAddress", ip)
	dst = appendKV(dst, "userAgent", uaStr)
	if r.chance(errorRate(o)) {
		e.failed, e.isError = true, true
		dst = e.appendError(dst)
	}
	dst = e.appendParams(dst)
	if o.svc.kind != kindSignin {
		dst = append(dst, `"requestID":"`...)
		if o.svc.kind == kindS3 {
			dst = appendRand(dst, r, upperHex, 16)
		} else {
			dst = appendUUID(dst, r)
		}
		dst = append(dst, '"', ',')
	}
	dst = append(dst, `"eventID":"`...)
	dst = appendUUID(dst, r)
	dst = append(dst, '"', ',')
	dst = appendKBool(dst, "readOnly", o.readOnly)
	if len(e.res) > 0 {
		dst = append(dst, `"resources":[`...)
		dst = append(dst, e.res...)
		dst = closeArr(dst)
		dst = append(dst, ',')
	}
	if o.svc.kind == kindSignin {
		dst = append(dst, `"eventType":"AwsConsoleSignIn",`...)
	} else {
		dst = append(dst, `"eventType":"AwsApiCall",`...)
	}
	if o.svc.apiVersion != "" {
		dst = appendKV(dst, "apiVersion", o.svc.apiVersion)
	}
	dst = appendKBool(dst, "managementEvent", !o.data)
	dst = appendKV(dst, "recipientAccountId", e.a.id)
	if len(ip) > 3 && ip[:3] == "10." && o.vpce {
		dst = appendKV(dst, "vpcEndpointId", e.a.vpces[int(e.t)%len(e.a.vpces)])
	}
	if o.data {
		dst = append(dst, `"eventCategory":"Data",`...)
	} else {
		dst = append(dst, `"eventCategory":"Management",`...)
	}
	if p.svc == "" && uaStr != "AWS Internal" {
		dst = append(dst, `"tlsDetails":{`...)
		if r.chance(0.6) {
			dst = append(dst, `"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256",`...)
		} else {
			dst = append(dst, `"tlsVersion":"TLSv1.2","cipherSuite":"ECDHE-RSA-AES128-GCM-SHA256",`...)
		}
		dst = appendKV(dst, "clientProvidedHostHeader", e.host)
		dst = closeObj(dst)
		dst = append(dst, ',')
	}
	if p.console && isConsoleUA(ua) {
		dst = append(dst, `"sessionCredentialFromConsole":"true",`...)
	}
	return closeObj(dst)
}

// appendServiceEvent writes an AwsServiceEvent: the service acts on its own,
// userIdentity has only accountId and invokedBy (Step Functions'
// InvokeHTTPEndpoint data event is the model).
func (w *world) appendServiceEvent(dst []byte, e *ev) []byte {
	o := e.o
	src := o.svc.source
	dst = append(dst, `{"eventVersion":"1.09","userIdentity":{`...)
	dst = appendKV(dst, "accountId", e.a.id)
	dst = appendKV(dst, "invokedBy", src)
	dst = closeObj(dst)
	dst = append(dst, `,"eventTime":"`...)
	dst = appendISO(dst, e.t)
	dst = append(dst, `",`...)
	dst = appendKV(dst, "eventSource", src)
	dst = appendKV(dst, "eventName", o.name)
	dst = appendKV(dst, "awsRegion", e.region)
	dst = appendKV(dst, "sourceIPAddress", src)
	dst = appendKV(dst, "userAgent", src)
	dst = append(dst, `"requestParameters":null,"responseElements":null,"eventID":"`...)
	dst = appendUUID(dst, &e.r)
	dst = append(dst, `","readOnly":false,"resources":[{`...)
	dst = appendKV(dst, "accountId", e.a.id)
	dst = appendKV(dst, "type", o.svc.resType)
	sm := stateMachines[e.r.intn(len(stateMachines))]
	dst = appendKV(dst, "ARN", e.a.arn("states", e.region, "stateMachine:"+sm))
	dst = closeObj(dst)
	dst = append(dst, `],"eventType":"AwsServiceEvent","managementEvent":false,`...)
	dst = appendKV(dst, "recipientAccountId", e.a.id)
	dst = append(dst, `"serviceEventDetails":{`...)
	dst = appendKV(dst, "httpMethod", []string{"GET", "POST", "PUT"}[e.r.intn(3)])
	dst = appendKV(dst, "httpEndpoint", httpEndpoints[e.r.intn(len(httpEndpoints))])
	dst = closeObj(dst)
	dst = append(dst, `,"eventCategory":"Data"}`...)
	return dst
}

var httpEndpoints = []string{"https://api.stripe.com/v1/charges", "https://hooks.slack.com/services/T000/B000/XXXX", "https://example.com/webhook", "https://api.github.com/repos/acme/app/dispatches"}

// appendNetwork writes a network activity event (eventType AwsVpceEvent): a
// call seen by the VPC endpoint owner, with no request details, denied by the
// endpoint policy about a third of the time.
func (w *world) appendNetwork(dst []byte, e *ev) []byte {
	o, r, a := e.o, &e.r, e.a
	denied := r.chance(0.3)
	dst = append(dst, `{"eventVersion":"1.09","userIdentity":`...)
	if denied && r.chance(0.5) {
		other := w.accts[(int(e.t)+1)%len(w.accts)].id
		if len(w.accts) == 1 {
			other = "777788889999"
		}
		dst = append(dst, '{')
		dst = appendKV(dst, "type", "AWSAccount")
		dst = appendKV(dst, "principalId", akid(r, "AROA")+":session")
		dst = appendKV(dst, "accountId", other)
		dst = closeObj(dst)
	} else {
		e.p = a.prin[a.pw.pick(r)]
		if e.p.svc != "" || e.p.kind == pIdentityCenter {
			e.p = a.prin[0]
		}
		dst = e.appendIdentity(dst)
	}
	dst = append(dst, `,"eventTime":"`...)
	dst = appendISO(dst, e.t)
	dst = append(dst, `",`...)
	dst = appendKV(dst, "eventSource", o.svc.source)
	dst = appendKV(dst, "eventName", o.name)
	dst = appendKV(dst, "awsRegion", e.region)
	dst = appendKV(dst, "sourceIPAddress", a.ips[a.office[1]+r.intn(10)])
	if denied {
		e.isError = true
		dst = append(dst, `"errorCode":"VpceAccessDenied","errorMessage":"The request was denied due to a VPC endpoint policy",`...)
	}
	dst = append(dst, `"requestID":"`...)
	dst = appendUUID(dst, r)
	dst = append(dst, `","eventID":"`...)
	dst = appendUUID(dst, r)
	dst = append(dst, `","eventType":"AwsVpceEvent",`...)
	dst = appendKV(dst, "recipientAccountId", a.id)
	dst = append(dst, `"sharedEventID":"`...)
	dst = appendUUID(dst, r)
	dst = append(dst, `",`...)
	dst = appendKV(dst, "vpcEndpointId", a.vpces[r.intn(len(a.vpces))])
	dst = appendKV(dst, "vpcEndpointAccountId", a.id)
	dst = append(dst, `"eventCategory":"NetworkActivity"}`...)
	return dst
}
