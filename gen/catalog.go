package gen

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// svcKind selects the builder of a service's requestParameters,
// responseElements, additionalEventData and resources (see params*.go).
type svcKind uint8

const (
	kindGeneric svcKind = iota
	kindS3
	kindKMS
	kindSTS
	kindEC2
	kindLambda
	kindDynamo
	kindLogs
	kindIAM
	kindSSM
	kindSecrets
	kindBedrock
	kindStates
	kindNovaAct
	kindQApps
	kindSignin
	kindCloudTrail
)

type service struct {
	source     string // eventSource
	host       string // endpoint prefix: <host>.<region>.amazonaws.com
	global     bool   // recorded in us-east-1 only
	weight     float64
	kind       svcKind
	resType    string // resources[].type of its data events
	apiVersion string
	ops        string
}

// op is one (eventSource, eventName) pair with everything about it that does
// not change from event to event.
type op struct {
	id        int
	svc       *service
	name      string
	key       string // "eventSource eventName"
	weight    float64
	data      bool // eventCategory Data, managementEvent false
	readOnly  bool
	svcEvent  bool // AwsServiceEvent rather than AwsApiCall
	vpce      bool // network activity events exist for its service
	noun      string
	paramKey  string   // generic builder: e.g. "clusterName"
	arnNoun   string   // generic builder: e.g. "cluster"
	iamAction string   // e.g. "ec2:DescribeInstances", for AccessDenied messages
	hosts     []string // per region: clientProvidedHostHeader
}

// catalog is the parsed, weighted API list plus one sampler per region
// (non-us-east-1 regions exclude global services).
type catalog struct {
	ops     []*op
	byKey   map[[2]string]*op
	samples []weighted // per region index
	regOps  [][]*op    // per region: the ops its sampler indexes
}

var readVerbs = []string{"Get", "Describe", "List", "Head", "Lookup", "Search", "BatchGet", "Query", "Scan", "Check", "Select", "View", "Filter"}

var nounVerbs = []string{"BatchGet", "BatchCreate", "BatchUpdate", "BatchWrite", "BatchImport", "BatchCheck", "Batch",
	"Get", "Describe", "List", "Create", "Delete", "Update", "Put", "Start", "Stop", "Modify", "Tag", "Untag",
	"Attach", "Detach", "Register", "Deregister", "Enable", "Disable", "Set", "Send", "Receive", "Change",
	"Submit", "Run", "Execute", "Import", "Complete", "Initiate", "Upload", "Request", "Validate", "Publish",
	"Subscribe", "Unsubscribe", "Associate", "Disassociate", "Authorize", "Revoke", "Reboot", "Increase",
	"Archive", "Move", "Leave", "Admin", "Respond", "Purge", "Remove", "Select", "Retire", "Schedule", "Apply", "Invoke"}

func isReadName(name string) bool {
	for _, v := range readVerbs {
		if strings.HasPrefix(name, v) {
			return true
		}
	}
	return false
}

// nounOf strips the verb and any trailing API-version digits:
// "DescribeDBInstances" → "DBInstances", "GetFunction20150331v2" → "Function".
func nounOf(name string) string {
	if i := strings.IndexFunc(name, unicode.IsDigit); i > 0 {
		name = name[:i]
	}
	for _, v := range nounVerbs {
		if strings.HasPrefix(name, v) && len(name) > len(v) {
			return name[len(v):]
		}
	}
	return name
}

func lowerFirst(s string) string {
	// "DBInstances" → "dbInstances", "Stacks" → "stacks".
	i := 0
	for i < len(s) && s[i] >= 'A' && s[i] <= 'Z' {
		i++
	}
	switch {
	case i == 0:
		return s
	case i == 1 || i == len(s):
		return strings.ToLower(s[:i]) + s[i:]
	default:
		return strings.ToLower(s[:i-1]) + s[i-1:]
	}
}

func singular(s string) string {
	switch {
	case strings.HasSuffix(s, "ies"):
		return s[:len(s)-3] + "y"
	case strings.HasSuffix(s, "sses"), strings.HasSuffix(s, "shes"):
		return s[:len(s)-2]
	case strings.HasSuffix(s, "s") && !strings.HasSuffix(s, "ss"):
		return s[:len(s)-1]
	}
	return s
}

func kebab(s string) string {
	var b strings.Builder
	for i, c := range s {
		if unicode.IsUpper(c) {
			if i > 0 && !unicode.IsUpper(rune(s[i-1])) {
				b.WriteByte('-')
			}
			b.WriteRune(unicode.ToLower(c))
		} else {
			b.WriteRune(c)
		}
	}
	return b.String()
}

func iamPrefix(source string) string {
	p := strings.TrimSuffix(source, ".amazonaws.com")
	switch p {
	case "monitoring":
		return "cloudwatch"
	case "elasticloadbalancing", "ec2", "s3", "iam":
		return p
	case "states":
		return "states"
	}
	return p
}

func buildCatalog() (*catalog, error) {
	c := &catalog{byKey: map[[2]string]*op{}}
	for si := range services {
		s := &services[si]
		for pos, tok := range strings.Fields(s.ops) {
			name, flags, mult := tok, "", 1.0
			if i := strings.IndexByte(name, '*'); i >= 0 {
				m, err := strconv.ParseFloat(name[i+1:], 64)
				if err != nil {
					return nil, fmt.Errorf("catalog %s %q: %w", s.source, tok, err)
				}
				name, mult = name[:i], m
			}
			if i := strings.IndexByte(name, ':'); i >= 0 {
				name, flags = name[:i], name[i+1:]
			}
			o := &op{id: len(c.ops), svc: s, name: name, key: s.source + " " + name, readOnly: isReadName(name)}
			o.weight = s.weight * mult / math.Pow(float64(pos+1), 1.1)
			for _, f := range flags {
				switch f {
				case 'D':
					o.data = true
				case 'R':
					o.readOnly = true
				case 'W':
					o.readOnly = false
				case 'S':
					o.svcEvent = true
				case ':':
				default:
					return nil, fmt.Errorf("catalog %s %q: unknown flag %q", s.source, tok, f)
				}
			}
			o.vpce = vpceSources[s.source]
			o.noun = nounOf(name)
			sing := singular(o.noun)
			o.paramKey = lowerFirst(sing) + "Name"
			o.arnNoun = kebab(sing)
			fnName := name
			if i := strings.IndexFunc(fnName, unicode.IsDigit); i > 0 {
				fnName = fnName[:i]
			}
			o.iamAction = iamPrefix(s.source) + ":" + fnName
			for _, r := range regions {
				o.hosts = append(o.hosts, hostFor(s, r.name))
			}
			key := [2]string{s.source, name}
			if c.byKey[key] != nil {
				return nil, fmt.Errorf("catalog: duplicate %s %s", s.source, name)
			}
			c.byKey[key] = o
			c.ops = append(c.ops, o)
		}
	}
	for ri := range regions {
		var ops []*op
		var w []float64
		for _, o := range c.ops {
			if o.svc.global && ri != 0 {
				continue
			}
			ops = append(ops, o)
			w = append(w, o.weight)
		}
		c.regOps = append(c.regOps, ops)
		c.samples = append(c.samples, newWeighted(w))
	}
	return c, nil
}

func hostFor(s *service, region string) string {
	switch {
	case s.global && s.kind == kindSignin:
		return "signin.aws.amazon.com"
	case s.global:
		return s.host + ".amazonaws.com"
	case s.kind == kindBedrock:
		return "bedrock-runtime." + region + ".amazonaws.com"
	}
	return s.host + "." + region + ".amazonaws.com"
}

// loadCatalog builds the catalog once, on first use: building it at init
// took ~3 ms and 0.7 MB (enough to start a garbage collection) in every
// ctlake process, queries included, that never generate an event. The
// tables are constants, so a failure is a programming error caught by the
// package tests (TestCatalog).
var loadCatalog = sync.OnceValues(buildCatalog)
