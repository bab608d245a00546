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

// dateMark stands for the per-event creationDate while a userIdentity object
// is rendered; setJSON splits the object around it.
const dateMark = "\x00"

// setJSON closes the userIdentity object b and stores it in p.
func (p *principal) setJSON(b []byte) {
	s := string(closeObj(b))
	if i := strings.Index(s, dateMark); i >= 0 {
		p.pre, p.post = []byte(s[:i]), []byte(s[i+len(dateMark):])
	} else {
		p.pre = []byte(s)
	}
}

// sessionAttrs appends sessionContext.attributes with a dateMark.
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
