package gen

import "strings"

// pkind is userIdentity.type.
type pkind uint8

const (
	pIAMUser pkind = iota
	pAssumedRole
	pRoot
	pAWSService
	pFederated
	pWebIdentity
	pIdentityCenter
)

// principal is one caller. Its userIdentity object is rendered once; for
// session credentials the object is split around sessionContext's
// creationDate (pre + date + post), which varies per event.
type principal struct {
	kind    pkind
	arn     string
	pre     []byte
	post    []byte // nil: no creationDate, pre is the whole object
	ua      int    // habitual user agent (index into userAgents); -1: the service name
	ip      int    // habitual IP index, -1: none
	svc     string // AWS service acting (AWSService type or invokedBy)
	console bool   // a console session: sessionCredentialFromConsole
	human   bool
	// login is the userIdentity of this human's ConsoleLogin events, which
	// carry no access key or session context.
	login []byte
}

// setLogin renders p.login; userName is empty for roles.
func (p *principal) setLogin(typ, principalID, accountID, userName string) {
	b := []byte{'{'}
	b = appendKV(b, "type", typ)
	b = appendKV(b, "principalId", principalID)
	b = appendKV(b, "arn", p.arn)
	b = appendKV(b, "accountId", accountID)
	if userName != "" {
		b = appendKV(b, "userName", userName)
	}
	p.login = closeObj(b)
}

// User agents seen in real trails; the index is stored per principal.
var userAgents = []string{
	"aws-cli/2.15.40 md/awscrt#0.19.19 ua/2.0 os/linux#5.10.215-203.850.amzn2.x86_64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#amzn.2 md/prompt#off md/command#s3.cp",
	"Boto3/1.34.84 md/Botocore#1.34.84 ua/2.0 os/linux#5.10.214-202.855.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.3 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.34.84",
	"aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.2 md/GOOS#linux md/GOARCH#amd64 api/s3#1.53.1",
	"aws-sdk-java/2.25.40 Linux/5.10.215-203.850.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.11+9-LTS Java/17.0.11 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy",
	"aws-sdk-js/3.556.0 ua/2.0 os/linux#5.10.215-203.850.amzn2.x86_64 lang/js md/nodejs#20.12.2 api/dynamodb#3.556.0 exec-env/AWS_Lambda_nodejs20.x",
	"APN/1.0 HashiCorp/1.0 Terraform/1.8.2 (+https://www.terraform.io) terraform-provider-aws/5.47.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.26.1 ua/2.0 os/linux lang/go#1.22.2 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.156.0",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
	"AWS Internal",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
	"aws-cli/1.32.101 md/Botocore#1.34.101 ua/2.0 os/macos#23.4.0 md/arch#arm64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#legacy botocore/1.34.101",
	"[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.705 Linux/5.10.215-181.850.amzn2int.x86_64 OpenJDK_64-Bit_Server_VM/25.402-b08 java/1.8.0_402 vendor/Oracle_Corporation cfg/retry-mode/standard]",
	"Boto3/1.34.84 md/Botocore#1.34.84 ua/2.0 os/macos#23.4.0 md/arch#arm64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.84",
}

const (
	uaCLI      = 0
	uaBoto3    = 1
	uaGo       = 2
	uaJava     = 3
	uaJS       = 4
	uaTF       = 5
	uaChrome   = 6
	uaInternal = 7
	uaFirefox  = 8
	uaCLI1     = 9
	uaS3Con    = 10
	uaBotoMac  = 11
)

func isConsoleUA(ua int) bool {
	return ua == uaChrome || ua == uaFirefox || ua == uaS3Con || ua == uaInternal
}

const dateMark = "\x00"

// identity renders a userIdentity object; a dateMark inside it is where the
// per-event creationDate goes.
type identity struct {
	b []byte
}

func (id *identity) kv(k, v string) { id.b = appendKV(id.b, k, v) }

func (p *principal) setJSON(b []byte) {
	s := string(closeObj(b))
	if i := strings.Index(s, dateMark); i >= 0 {
		p.pre, p.post = []byte(s[:i]), []byte(s[i+len(dateMark):])
	} else {
		p.pre = []byte(s)
	}
}

func sessionAttrs(b []byte, mfa bool) []byte {
	b = append(b, `"attributes":{"creationDate":"`+dateMark+`","mfaAuthenticated":`...)
	if mfa {
		b = append(b, `"true"}`...)
	} else {
		b = append(b, `"false"}`...)
	}
	return b
}

func akid(r *rng, prefix string) string { return prefix + randString(r, upperAlnum, 16) }
func pid(r *rng, prefix string) string  { return prefix + randString(r, upperAlnum, 17) }

type roleSpec struct {
	name     string
	path     string // e.g. "aws-service-role/config.amazonaws.com/"
	sessions int
	session  func(r *rng, i int, a *account) string
	ua       []int
	ipFrom   int // 0: aws egress/private, 1: office
	invoked  string
	webID    string
	human    bool
	mfa      bool
}

func buildPrincipals(a *account, r *rng) {
	ssoSuffix := randString(r, "0123456789abcdef", 16)
	roleID := func() string { return pid(r, "AROA") }
	pickIP := func(from int) int {
		if from == 1 {
			return a.office[0] + r.intn(a.office[1]-a.office[0])
		}
		if r.chance(0.5) {
			return r.intn(a.awsIPs)
		}
		return a.office[1] + r.intn(10)
	}
	assumed := func(rs roleSpec, sess string, issuerID string) *principal {
		roleARN := "arn:aws:iam::" + a.id + ":role/" + rs.path + rs.name
		p := &principal{kind: pAssumedRole, arn: "arn:aws:sts::" + a.id + ":assumed-role/" + rs.name + "/" + sess, human: rs.human}
		b := []byte{'{'}
		b = appendKV(b, "type", "AssumedRole")
		b = appendKV(b, "principalId", issuerID+":"+sess)
		p.setLogin("AssumedRole", issuerID+":"+sess, a.id, "")
		b = appendKV(b, "arn", p.arn)
		b = appendKV(b, "accountId", a.id)
		b = appendKV(b, "accessKeyId", akid(r, "ASIA"))
		b = append(b, `"sessionContext":{"sessionIssuer":{`...)
		b = appendKV(b, "type", "Role")
		b = appendKV(b, "principalId", issuerID)
		b = appendKV(b, "arn", roleARN)
		b = appendKV(b, "accountId", a.id)
		b = appendKV(b, "userName", rs.name)
		b = closeObj(b)
		b = append(b, `,"webIdFederationData":{`...)
		if rs.webID != "" {
			b = appendKV(b, "federatedProvider", "arn:aws:iam::"+a.id+":oidc-provider/"+rs.webID)
			b = append(b, `"attributes":{}`...)
		}
		b = closeObj(b)
		b = append(b, ',')
		b = sessionAttrs(b, rs.mfa)
		b = append(b, '}', ',')
		if rs.invoked != "" {
			b = appendKV(b, "invokedBy", rs.invoked)
			p.svc = rs.invoked
		}
		p.setJSON(b)
		p.ua = rs.ua[r.intn(len(rs.ua))]
		if rs.invoked != "" {
			p.ua, p.ip = -1, -1
		} else {
			p.ip = pickIP(rs.ipFrom)
		}
		p.console = rs.human && isConsoleUA(p.ua)
		a.roles = append(a.roles, roleRef{name: rs.name, arn: roleARN, id: issuerID})
		return p
	}
	specs := []roleSpec{
		{name: "payments-api-lambda-role", sessions: 2, session: func(r *rng, i int, a *account) string { return a.fns[i] }, ua: []int{uaBoto3, uaJS}},
		{name: "orders-worker-ecs-task-role", sessions: 2, session: func(r *rng, i int, a *account) string { return randString(r, "0123456789abcdef", 32) }, ua: []int{uaJava}},
		{name: "app-ec2-instance-role", sessions: 3, session: func(r *rng, i int, a *account) string { return a.inst[4+i] }, ua: []int{uaGo, uaBoto3}},
		{name: "AWSReservedSSO_AdministratorAccess_" + ssoSuffix, sessions: 3, session: func(r *rng, i int, a *account) string { return humanNames[i] + "@" + a.org + ".com" }, ua: []int{uaChrome, uaCLI, uaFirefox}, ipFrom: 1, human: true, mfa: true},
		{name: "github-actions-deploy", sessions: 1, session: func(r *rng, i int, a *account) string { return "GitHubActions" }, ua: []int{uaTF, uaCLI}, webID: "token.actions.githubusercontent.com"},
		{name: "AWSServiceRoleForConfig", path: "aws-service-role/config.amazonaws.com/", sessions: 1, session: func(r *rng, i int, a *account) string { return "AWSConfig-Describe" }, ua: []int{0}, invoked: "config.amazonaws.com"},
		{name: "terraform-apply", sessions: 1, session: func(r *rng, i int, a *account) string { return "terraform-" + randString(r, "0123456789", 10) }, ua: []int{uaTF}, ipFrom: 1},
		{name: "AWSReservedSSO_ReadOnlyAccess_" + ssoSuffix[:8] + ssoSuffix[:8], sessions: 3, session: func(r *rng, i int, a *account) string { return humanNames[3+i] + "@" + a.org + ".com" }, ua: []int{uaChrome, uaCLI1, uaS3Con}, ipFrom: 1, human: true},
		{name: "DatadogIntegrationRole", sessions: 1, session: func(r *rng, i int, a *account) string { return "DatadogAWSIntegration" }, ua: []int{uaBoto3}},
		{name: "OrganizationAccountAccessRole", sessions: 1, session: func(r *rng, i int, a *account) string { return humanNames[6] }, ua: []int{uaChrome}, ipFrom: 1, human: true, mfa: true},
		{name: "AWSServiceRoleForAmazonGuardDuty", path: "aws-service-role/guardduty.amazonaws.com/", sessions: 1, session: func(r *rng, i int, a *account) string { return "AmazonGuardDuty" }, ua: []int{0}, invoked: "guardduty.amazonaws.com"},
		{name: "bedrock-agent-role", sessions: 1, session: func(r *rng, i int, a *account) string { return "BedrockAgentSession" }, ua: []int{uaBoto3}},
		{name: "states-execution-role", sessions: 1, session: func(r *rng, i int, a *account) string { return randString(r, mixedAlnum, 32) }, ua: []int{uaJava}},
	}
	// Sessions interleaved so the hottest slots are spread across kinds.
	var roleP [][]*principal
	for _, rs := range specs {
		id := roleID()
		var ps []*principal
		for i := 0; i < rs.sessions; i++ {
			ps = append(ps, assumed(rs, rs.session(r, i, a), id))
		}
		roleP = append(roleP, ps)
	}
	users := make([]*principal, 0, len(a.users))
	for i, u := range a.users {
		human := i >= 4
		p := &principal{kind: pIAMUser, arn: "arn:aws:iam::" + a.id + ":user/" + u, human: human}
		b := []byte{'{'}
		b = appendKV(b, "type", "IAMUser")
		userID := pid(r, "AIDA")
		p.setLogin("IAMUser", userID, a.id, u)
		b = appendKV(b, "principalId", userID)
		b = appendKV(b, "arn", p.arn)
		b = appendKV(b, "accountId", a.id)
		console := human && i%2 == 0
		if console {
			b = appendKV(b, "accessKeyId", akid(r, "ASIA"))
			b = appendKV(b, "userName", u)
			b = append(b, `"sessionContext":{"sessionIssuer":{},"webIdFederationData":{},`...)
			b = sessionAttrs(b, i%4 == 0)
			b = append(b, '}', ',')
			p.ua = []int{uaChrome, uaFirefox, uaS3Con}[r.intn(3)]
			p.console = true
			p.ip = pickIP(1)
		} else {
			b = appendKV(b, "accessKeyId", akid(r, "AKIA"))
			b = appendKV(b, "userName", u)
			p.ua = []int{uaCLI, uaBotoMac, uaGo, uaCLI1}[r.intn(4)]
			from := 0 // automation runs on AWS
			if human {
				from = 1
			}
			p.ip = pickIP(from)
		}
		p.setJSON(b)
		users = append(users, p)
	}
	// Order by intended popularity; weights are Zipf over this order.
	order := []*principal{roleP[0][0], roleP[1][0], roleP[2][0], users[0], roleP[3][0], roleP[5][0],
		roleP[0][1], roleP[4][0], roleP[2][1], roleP[8][0], roleP[1][1], users[4], roleP[6][0], roleP[3][1],
		roleP[11][0], roleP[12][0], users[1], roleP[7][0], roleP[2][2], users[5], roleP[10][0], users[3],
		roleP[3][2], roleP[7][1], users[6], users[2], roleP[9][0], users[7], roleP[7][2]}
	for _, u := range users[8:] {
		order = append(order, u)
	}
	// The rarer identity types: AWS services, root, federated, web identity.
	for _, s := range []string{"cloudtrail.amazonaws.com", "lambda.amazonaws.com", "ec2.amazonaws.com", "s3.amazonaws.com", "secretsmanager.amazonaws.com"} {
		p := &principal{kind: pAWSService, svc: s, ua: -1, ip: -1}
		b := []byte{'{'}
		b = appendKV(b, "type", "AWSService")
		b = appendKV(b, "invokedBy", s)
		p.setJSON(b)
		order = append(order, p)
	}
	{
		p := &principal{kind: pRoot, arn: "arn:aws:iam::" + a.id + ":root", human: true, console: true, ua: uaChrome, ip: pickIP(1)}
		b := []byte{'{'}
		b = appendKV(b, "type", "Root")
		p.setLogin("Root", a.id, a.id, "")
		b = appendKV(b, "principalId", a.id)
		b = appendKV(b, "arn", p.arn)
		b = appendKV(b, "accountId", a.id)
		b = appendKV(b, "accessKeyId", akid(r, "ASIA"))
		b = append(b, `"sessionContext":{"sessionIssuer":{},"webIdFederationData":{},`...)
		b = sessionAttrs(b, true)
		b = append(b, '}', ',')
		p.setJSON(b)
		order = append(order, p)
	}
	{
		name := "partner-" + humanNames[r.intn(len(humanNames))]
		p := &principal{kind: pFederated, arn: "arn:aws:sts::" + a.id + ":federated-user/" + name, ua: uaBoto3, ip: pickIP(1)}
		b := []byte{'{'}
		b = appendKV(b, "type", "FederatedUser")
		b = appendKV(b, "principalId", a.id+":"+name)
		b = appendKV(b, "arn", p.arn)
		b = appendKV(b, "accountId", a.id)
		b = appendKV(b, "accessKeyId", akid(r, "ASIA"))
		b = append(b, `"sessionContext":{"sessionIssuer":{`...)
		b = appendKV(b, "type", "IAMUser")
		b = appendKV(b, "principalId", pid(r, "AIDA"))
		b = appendKV(b, "arn", "arn:aws:iam::"+a.id+":user/backup-svc")
		b = appendKV(b, "accountId", a.id)
		b = appendKV(b, "userName", "backup-svc")
		b = closeObj(b)
		b = append(b, `,"webIdFederationData":{},`...)
		b = sessionAttrs(b, false)
		b = append(b, '}', ',')
		p.setJSON(b)
		order = append(order, p)
	}
	{
		idp := "cognito-identity.amazonaws.com"
		u := "us-east-1:" + string(appendUUID(nil, &rng{s: r.next()}))
		p := &principal{kind: pWebIdentity, ua: uaJS, ip: pickIP(1)}
		b := []byte{'{'}
		b = appendKV(b, "type", "WebIdentityUser")
		b = appendKV(b, "principalId", idp+":"+u)
		b = appendKV(b, "userName", u)
		b = appendKV(b, "identityProvider", idp)
		p.setJSON(b)
		a.webID = p
	}
	{
		p := &principal{kind: pIdentityCenter, ua: uaChrome, ip: pickIP(1), human: true}
		b := []byte{'{'}
		b = appendKV(b, "type", "IdentityCenterUser")
		b = appendKV(b, "accountId", a.id)
		b = append(b, `"onBehalfOf":{`...)
		b = appendKV(b, "userId", string(appendUUID(nil, &rng{s: r.next()})))
		b = appendKV(b, "identityStoreArn", "arn:aws:identitystore::"+a.id+":identitystore/"+a.storeID)
		b = closeObj(b)
		b = append(b, ',')
		b = appendKV(b, "credentialId", randString(r, mixedAlnum, 40))
		p.setJSON(b)
		order = append(order, p)
	}
	a.prin = order
	a.pw = newWeighted(zipfWeights(len(order), 1.1, 1))
	for _, p := range order {
		if p.human && p.kind != pIdentityCenter {
			a.humans = append(a.humans, p)
		}
	}
	// Q Apps callers: Identity Center role sessions acting on behalf of a user.
	for i := 0; i < 3; i++ {
		sess := humanNames[i] + "@" + a.org + ".com"
		roleName := "AWSReservedSSO_QBusinessUser_" + ssoSuffix
		rid := pid(r, "AROA")
		p := &principal{kind: pAssumedRole, arn: "arn:aws:sts::" + a.id + ":assumed-role/" + roleName + "/" + sess, ua: uaChrome, ip: pickIP(1), human: true, console: true}
		b := []byte{'{'}
		b = appendKV(b, "type", "AssumedRole")
		b = appendKV(b, "principalId", rid+":"+sess)
		b = appendKV(b, "arn", p.arn)
		b = appendKV(b, "accountId", a.id)
		b = appendKV(b, "accessKeyId", akid(r, "ASIA"))
		b = append(b, `"sessionContext":{"sessionIssuer":{`...)
		b = appendKV(b, "type", "Role")
		b = appendKV(b, "principalId", rid)
		b = appendKV(b, "arn", a.roleARN(roleName))
		b = appendKV(b, "accountId", a.id)
		b = appendKV(b, "userName", roleName)
		b = closeObj(b)
		b = append(b, ',')
		b = sessionAttrs(b, false)
		b = append(b, '}', ',')
		b = append(b, `"onBehalfOf":{`...)
		b = appendKV(b, "userId", string(appendUUID(nil, &rng{s: r.next()})))
		b = appendKV(b, "identityStoreArn", "arn:aws:identitystore::"+a.id+":identitystore/"+a.storeID)
		b = closeObj(b)
		b = append(b, ',')
		p.setJSON(b)
		a.qapps = append(a.qapps, p)
	}
}
