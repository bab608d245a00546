package gen

// The principals of one account: a set of roles with one or more sessions
// each (Lambda, ECS, EC2, SSO users, CI, service-linked roles), IAM users for
// automation and people, and one of each rarer identity type. Their order
// is their popularity: weights are Zipf over it, so a few are hot.

// roleSpec describes a role and how its sessions look.
type roleSpec struct {
	name     string
	path     string // e.g. "aws-service-role/config.amazonaws.com/"
	sessions int
	session  func(r *rng, i int, a *account) string
	ua       []int
	ipFrom   int    // 0: AWS egress or private addresses, 1: office/home
	invoked  string // the AWS service that uses the role (invokedBy)
	webID    string // OIDC provider of a web-identity role
	human    bool
	mfa      bool
}

// principalBuilder draws one account's principals from r.
type principalBuilder struct {
	a         *account
	r         *rng
	ssoSuffix string
}

func buildPrincipals(a *account, r *rng) {
	pb := &principalBuilder{a: a, r: r, ssoSuffix: randString(r, "0123456789abcdef", 16)}
	roleP := pb.roles()
	users := pb.users()
	// Sessions interleaved so the hottest slots are spread across kinds.
	order := []*principal{roleP[0][0], roleP[1][0], roleP[2][0], users[0], roleP[3][0], roleP[5][0],
		roleP[0][1], roleP[4][0], roleP[2][1], roleP[8][0], roleP[1][1], users[4], roleP[6][0], roleP[3][1],
		roleP[11][0], roleP[12][0], users[1], roleP[7][0], roleP[2][2], users[5], roleP[10][0], users[3],
		roleP[3][2], roleP[7][1], users[6], users[2], roleP[9][0], users[7], roleP[7][2]}
	order = append(order, users[8:]...)
	// The rarer identity types: AWS services, root, federated, Identity Center.
	for _, s := range []string{"cloudtrail.amazonaws.com", "lambda.amazonaws.com", "ec2.amazonaws.com", "s3.amazonaws.com", "secretsmanager.amazonaws.com"} {
		order = append(order, awsService(s))
	}
	order = append(order, pb.root())
	order = append(order, pb.federated())
	a.webID = pb.webIdentity()
	order = append(order, pb.identityCenter())
	a.prin = order
	a.pw = newWeighted(zipfWeights(len(order), 1.1, 1))
	for _, p := range order {
		if p.human && p.kind != pIdentityCenter {
			a.humans = append(a.humans, p)
		}
	}
	for i := 0; i < 3; i++ {
		a.qapps = append(a.qapps, pb.qappsSession(i))
	}
}

// pickIP returns the index of a habitual source IP.
func (pb *principalBuilder) pickIP(from int) int {
	a, r := pb.a, pb.r
	if from == 1 {
		return a.office[0] + r.intn(a.office[1]-a.office[0])
	}
	if r.chance(0.5) {
		return r.intn(a.awsIPs)
	}
	return a.office[1] + r.intn(10)
}

func (pb *principalBuilder) roleSpecs() []roleSpec {
	sso := pb.ssoSuffix
	return []roleSpec{
		{name: "payments-api-lambda-role", sessions: 2, session: func(r *rng, i int, a *account) string { return a.fns[i] }, ua: []int{uaBoto3, uaJS}},
		{name: "orders-worker-ecs-task-role", sessions: 2, session: func(r *rng, i int, a *account) string { return randString(r, "0123456789abcdef", 32) }, ua: []int{uaJava}},
		{name: "app-ec2-instance-role", sessions: 3, session: func(r *rng, i int, a *account) string { return a.inst[4+i] }, ua: []int{uaGo, uaBoto3}},
		{name: "AWSReservedSSO_AdministratorAccess_" + sso, sessions: 3, session: func(r *rng, i int, a *account) string { return humanNames[i] + "@" + a.org + ".com" }, ua: []int{uaChrome, uaCLI, uaFirefox}, ipFrom: 1, human: true, mfa: true},
		{name: "github-actions-deploy", sessions: 1, session: func(r *rng, i int, a *account) string { return "GitHubActions" }, ua: []int{uaTF, uaCLI}, webID: "token.actions.githubusercontent.com"},
		{name: "AWSServiceRoleForConfig", path: "aws-service-role/config.amazonaws.com/", sessions: 1, session: func(r *rng, i int, a *account) string { return "AWSConfig-Describe" }, ua: []int{0}, invoked: "config.amazonaws.com"},
		{name: "terraform-apply", sessions: 1, session: func(r *rng, i int, a *account) string { return "terraform-" + randString(r, "0123456789", 10) }, ua: []int{uaTF}, ipFrom: 1},
		{name: "AWSReservedSSO_ReadOnlyAccess_" + sso[:8] + sso[:8], sessions: 3, session: func(r *rng, i int, a *account) string { return humanNames[3+i] + "@" + a.org + ".com" }, ua: []int{uaChrome, uaCLI1, uaS3Con}, ipFrom: 1, human: true},
		{name: "DatadogIntegrationRole", sessions: 1, session: func(r *rng, i int, a *account) string { return "DatadogAWSIntegration" }, ua: []int{uaBoto3}},
		{name: "OrganizationAccountAccessRole", sessions: 1, session: func(r *rng, i int, a *account) string { return humanNames[6] }, ua: []int{uaChrome}, ipFrom: 1, human: true, mfa: true},
		{name: "AWSServiceRoleForAmazonGuardDuty", path: "aws-service-role/guardduty.amazonaws.com/", sessions: 1, session: func(r *rng, i int, a *account) string { return "AmazonGuardDuty" }, ua: []int{0}, invoked: "guardduty.amazonaws.com"},
		{name: "bedrock-agent-role", sessions: 1, session: func(r *rng, i int, a *account) string { return "BedrockAgentSession" }, ua: []int{uaBoto3}},
		{name: "states-execution-role", sessions: 1, session: func(r *rng, i int, a *account) string { return randString(r, mixedAlnum, 32) }, ua: []int{uaJava}},
	}
}

// roles returns the sessions of each role of roleSpecs, in that order.
func (pb *principalBuilder) roles() [][]*principal {
	var out [][]*principal
	for _, rs := range pb.roleSpecs() {
		id := pid(pb.r, "AROA")
		var ps []*principal
		for i := 0; i < rs.sessions; i++ {
			ps = append(ps, pb.assumed(rs, rs.session(pb.r, i, pb.a), id))
		}
		out = append(out, ps)
	}
	return out
}

func (pb *principalBuilder) assumed(rs roleSpec, sess string, issuerID string) *principal {
	a, r := pb.a, pb.r
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
		p.ip = pb.pickIP(rs.ipFrom)
	}
	p.console = rs.human && isConsoleUA(p.ua)
	a.roles = append(a.roles, roleRef{name: rs.name, arn: roleARN, id: issuerID})
	return p
}

// users returns the account's IAM users: the first four are automation
// (long-term AKIA keys), the rest people, half of them in console sessions.
func (pb *principalBuilder) users() []*principal {
	a, r := pb.a, pb.r
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
		if human && i%2 == 0 {
			b = appendKV(b, "accessKeyId", akid(r, "ASIA"))
			b = appendKV(b, "userName", u)
			b = append(b, `"sessionContext":{"sessionIssuer":{},"webIdFederationData":{},`...)
			b = sessionAttrs(b, i%4 == 0)
			b = append(b, '}', ',')
			p.ua = []int{uaChrome, uaFirefox, uaS3Con}[r.intn(3)]
			p.console = true
			p.ip = pb.pickIP(1)
		} else {
			b = appendKV(b, "accessKeyId", akid(r, "AKIA"))
			b = appendKV(b, "userName", u)
			p.ua = []int{uaCLI, uaBotoMac, uaGo, uaCLI1}[r.intn(4)]
			from := 0 // automation runs on AWS
			if human {
				from = 1
			}
			p.ip = pb.pickIP(from)
		}
		p.setJSON(b)
		users = append(users, p)
	}
	return users
}

func awsService(s string) *principal {
	p := &principal{kind: pAWSService, svc: s, ua: -1, ip: -1}
	b := []byte{'{'}
	b = appendKV(b, "type", "AWSService")
	b = appendKV(b, "invokedBy", s)
	p.setJSON(b)
	return p
}

func (pb *principalBuilder) root() *principal {
	a, r := pb.a, pb.r
	p := &principal{kind: pRoot, arn: "arn:aws:iam::" + a.id + ":root", human: true, console: true, ua: uaChrome, ip: pb.pickIP(1)}
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
	return p
}

func (pb *principalBuilder) federated() *principal {
	a, r := pb.a, pb.r
	name := "partner-" + humanNames[r.intn(len(humanNames))]
	p := &principal{kind: pFederated, arn: "arn:aws:sts::" + a.id + ":federated-user/" + name, ua: uaBoto3, ip: pb.pickIP(1)}
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
	return p
}

// webIdentity is the Cognito identity that calls AssumeRoleWithWebIdentity.
func (pb *principalBuilder) webIdentity() *principal {
	r := pb.r
	idp := "cognito-identity.amazonaws.com"
	u := "us-east-1:" + string(appendUUID(nil, &rng{s: r.next()}))
	p := &principal{kind: pWebIdentity, ua: uaJS, ip: pb.pickIP(1)}
	b := []byte{'{'}
	b = appendKV(b, "type", "WebIdentityUser")
	b = appendKV(b, "principalId", idp+":"+u)
	b = appendKV(b, "userName", u)
	b = appendKV(b, "identityProvider", idp)
	p.setJSON(b)
	return p
}

func (pb *principalBuilder) identityCenter() *principal {
	a, r := pb.a, pb.r
	p := &principal{kind: pIdentityCenter, ua: uaChrome, ip: pb.pickIP(1), human: true}
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
	return p
}

// qappsSession is an Identity Center role session acting on behalf of a
// user, the only kind of caller Q Apps accepts (as its CloudTrail page shows).
func (pb *principalBuilder) qappsSession(i int) *principal {
	a, r := pb.a, pb.r
	sess := humanNames[i] + "@" + a.org + ".com"
	roleName := "AWSReservedSSO_QBusinessUser_" + pb.ssoSuffix
	rid := pid(r, "AROA")
	p := &principal{kind: pAssumedRole, arn: "arn:aws:sts::" + a.id + ":assumed-role/" + roleName + "/" + sess, ua: uaChrome, ip: pb.pickIP(1), human: true, console: true}
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
	return p
}
