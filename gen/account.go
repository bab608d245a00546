package gen

import "strconv"

// account is one simulated AWS account: its principals (a few hot, a long
// tail), its source IPs and the named resources its traffic touches. All of it
// is drawn once from the seed, so every event of the account reuses the same
// small, realistic pools.
type account struct {
	id   string
	org  string
	prin []*principal
	pw   weighted
	// humans sign in to the console; qapps are Identity Center sessions
	// with onBehalfOf, the only callers Q Apps accepts.
	humans  []*principal
	qapps   []*principal
	webID   *principal // calls AssumeRoleWithWebIdentity only
	ips     []string
	ipw     weighted
	awsIPs  int // ips[:awsIPs] are AWS egress (NAT) addresses
	office  [2]int
	buckets []string
	bw      weighted
	keys    []string // KMS key UUIDs
	fns     []string
	tables  []string
	roles   []roleRef
	users   []string
	inst    []string
	vpces   []string
	misc    []string // generic resource names
	agents  []string
	kbs     []string
	wfs     []string
	qappIDs []string
	storeID string // identity store id
}

type roleRef struct{ name, arn, id string }

var orgNames = []string{"acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka", "cyberdyne", "tyrell"}

var humanNames = []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "oscar"}

var bucketPurposes = []string{"prod-data", "app-assets", "logs-archive", "ml-training", "backups", "athena-results",
	"terraform-state", "static-site", "uploads", "data-lake-raw", "data-lake-curated", "cloudtrail-logs"}

var functionNames = []string{"payments-api", "orders-worker", "thumbnail-generator", "auth-authorizer", "etl-transform",
	"slack-notifier", "s3-object-indexer", "nightly-report", "webhook-handler", "user-signup", "invoice-pdf", "cleanup-cron"}

var tableNames = []string{"orders", "users", "sessions", "inventory", "payments", "audit-log", "feature-flags", "carts"}

var miscNames = []string{"prod", "staging", "main", "web", "api", "workers", "analytics", "default", "core", "batch"}

func (a *account) arn(svc, region, rest string) string {
	return "arn:aws:" + svc + ":" + region + ":" + a.id + ":" + rest
}

// newAccount draws account number idx; taken holds the IDs already used, so
// that accounts never share an ID, and orgOffset rotates the company names
// (accounts of one run get distinct names, hence distinct bucket names).
func newAccount(r *rng, idx, orgOffset int, taken map[string]bool) *account {
	a := &account{}
	for a.id == "" || taken[a.id] {
		a.id = strconv.Itoa(1+r.intn(9)) + randString(r, "0123456789", 11)
	}
	taken[a.id] = true
	a.org = orgNames[(idx+orgOffset)%len(orgNames)]
	if idx >= len(orgNames) {
		a.org += strconv.Itoa(idx / len(orgNames))
	}
	a.storeID = "d-" + randString(r, "0123456789abcdef", 10)

	// Source IPs: AWS egress (NAT gateways, Lambda), office/home ISPs,
	// private VPC addresses, and a couple of IPv6 clients.
	awsFirst := []int{3, 18, 34, 35, 44, 52, 54}
	ispFirst := []int{73, 81, 86, 92, 98, 176, 185, 203}
	for i := 0; i < 8; i++ {
		a.ips = append(a.ips, ipv4(awsFirst[r.intn(len(awsFirst))], r))
	}
	a.awsIPs = len(a.ips)
	a.office[0] = len(a.ips)
	for i := 0; i < 6; i++ {
		a.ips = append(a.ips, ipv4(ispFirst[r.intn(len(ispFirst))], r))
	}
	a.office[1] = len(a.ips)
	for i := 0; i < 10; i++ {
		a.ips = append(a.ips, ipv4(10, r))
	}
	a.ips = append(a.ips, "2600:1f18:"+randString(r, "0123456789abcdef", 4)+":"+randString(r, "0123456789abcdef", 4)+"::"+randString(r, "0123456789abcdef", 3))
	a.ips = append(a.ips, "2a02:"+randString(r, "0123456789abcdef", 4)+":"+randString(r, "0123456789abcdef", 4)+"::1")
	a.ipw = newWeighted(zipfWeights(len(a.ips), 1.0, 1.5))

	for i, p := range bucketPurposes {
		name := a.org + "-" + p
		if i%3 == 0 {
			name += "-" + a.id
		}
		a.buckets = append(a.buckets, name)
	}
	a.bw = newWeighted(zipfWeights(len(a.buckets), 1.2, 1))
	for i := 0; i < 6; i++ {
		var u rng = rng{s: r.next()}
		a.keys = append(a.keys, string(appendUUID(nil, &u)))
	}
	a.fns = functionNames
	a.tables = tableNames
	a.misc = miscNames
	for i := 0; i < 4; i++ {
		a.inst = append(a.inst, "i-0"+randString(r, "0123456789abcdef", 16))
		a.vpces = append(a.vpces, "vpce-0"+randString(r, "0123456789abcdef", 16))
	}
	for i := 0; i < 12; i++ {
		a.inst = append(a.inst, "i-0"+randString(r, "0123456789abcdef", 16))
	}
	for i := 0; i < 3; i++ {
		a.agents = append(a.agents, randString(r, upperAlnum, 10))
		a.kbs = append(a.kbs, randString(r, upperAlnum, 10))
		a.qappIDs = append(a.qappIDs, string(appendUUID(nil, &rng{s: r.next()})))
	}
	a.wfs = []string{"invoice-intake", "price-watch", "vendor-portal-sync"}
	a.users = append([]string{"ci-deploy", "terraform", "backup-svc", "datadog-integration"}, humanNames...)
	buildPrincipals(a, r)
	return a
}

func ipv4(first int, r *rng) string {
	var b []byte
	b = strconv.AppendInt(b, int64(first), 10)
	for i := 0; i < 3; i++ {
		b = append(b, '.')
		v := r.intn(254) + 1
		b = strconv.AppendInt(b, int64(v), 10)
	}
	return string(b)
}

// pickIP returns the source IP of a principal: mostly its own habitual
// address, else one from the account's skewed pool.
func (a *account) pickIP(p *principal, r *rng) string {
	if p.ip >= 0 && r.chance(0.75) {
		return a.ips[p.ip]
	}
	return a.ips[a.ipw.pick(r)]
}

func (a *account) pickBucket(r *rng) string { return a.buckets[a.bw.pick(r)] }

func (a *account) roleARN(name string) string { return "arn:aws:iam::" + a.id + ":role/" + name }
