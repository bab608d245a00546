package gen

import (
	"strings"
	"testing"
)

func TestCatalog(t *testing.T) {
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.ops) < 300 {
		t.Errorf("catalog has %d (eventSource, eventName) pairs, want hundreds", len(c.ops))
	}
	// Pairs the brief and the service pages name, with their data/management
	// split as the CloudTrail documentation gives it.
	want := []struct {
		src, name string
		data      bool
	}{
		{"kms.amazonaws.com", "Decrypt", false}, {"kms.amazonaws.com", "GenerateDataKey", false},
		{"s3.amazonaws.com", "GetObject", true}, {"s3.amazonaws.com", "PutObject", true}, {"s3.amazonaws.com", "GetBucketAcl", false},
		{"sts.amazonaws.com", "AssumeRole", false}, {"ec2.amazonaws.com", "DescribeInstances", false},
		{"lambda.amazonaws.com", "Invoke", true}, {"dynamodb.amazonaws.com", "GetItem", true}, {"logs.amazonaws.com", "CreateLogStream", false},
		{"iam.amazonaws.com", "PutUserPolicy", false}, {"signin.amazonaws.com", "ConsoleLogin", false},
		{"bedrock.amazonaws.com", "InvokeModel", false}, {"bedrock.amazonaws.com", "Converse", false},
		{"bedrock.amazonaws.com", "InvokeAgent", true}, {"bedrock.amazonaws.com", "Retrieve", true},
		{"states.amazonaws.com", "StartExecution", false}, {"states.amazonaws.com", "CreateStateMachine", false},
		{"states.amazonaws.com", "InvokeHTTPEndpoint", true},
		{"nova-act.amazonaws.com", "CreateWorkflowDefinition", false}, {"nova-act.amazonaws.com", "ListModels", false},
		{"nova-act.amazonaws.com", "InvokeActStep", true}, {"nova-act.amazonaws.com", "CreateSession", true},
		{"qapps.amazonaws.com", "GetLibraryItem", false}, {"qapps.amazonaws.com", "ListLibraryItems", false},
		{"sns.amazonaws.com", "Publish", true},
	}
	for _, w := range want {
		o := c.byKey[[2]string{w.src, w.name}]
		if o == nil {
			t.Errorf("catalog lacks %s %s", w.src, w.name)
			continue
		}
		if o.data != w.data {
			t.Errorf("%s %s: data = %v, want %v", w.src, w.name, o.data, w.data)
		}
	}
	for _, o := range c.ops {
		if (strings.HasPrefix(o.name, "Get") || strings.HasPrefix(o.name, "Describe") || strings.HasPrefix(o.name, "List")) && !o.readOnly {
			t.Errorf("%s %s: readOnly false for a Get/Describe/List API", o.svc.source, o.name)
		}
		if (strings.HasPrefix(o.name, "Create") || strings.HasPrefix(o.name, "Delete") || strings.HasPrefix(o.name, "Put")) && o.readOnly {
			t.Errorf("%s %s: readOnly true for a Create/Delete/Put API", o.svc.source, o.name)
		}
		if o.data && o.svc.resType == "" && o.svc.kind == kindGeneric {
			t.Errorf("%s %s: data event without a resource type", o.svc.source, o.name)
		}
	}
	// The calls AWS service principals make exist in the catalog.
	for svc, calls := range serviceCallsList {
		for _, call := range calls {
			src, name, _ := strings.Cut(call, " ")
			if c.byKey[[2]string{src, name}] == nil {
				t.Errorf("%s calls %s, which the catalog lacks", svc, call)
			}
		}
	}
	// Global services appear only in us-east-1's sampler.
	for ri := range regions {
		for _, o := range c.regOps[ri] {
			if o.svc.global && ri != 0 {
				t.Errorf("global %s sampled in %s", o.svc.source, regions[ri].name)
			}
		}
	}
}

func TestNounHelpers(t *testing.T) {
	cases := []struct{ name, noun, key, arn string }{
		{"DescribeDBInstances", "DBInstances", "dbInstanceName", "dbinstance"},
		{"GetFunction20150331v2", "Function", "functionName", "function"},
		{"ListPolicies", "Policies", "policyName", "policy"},
		{"CreateCluster", "Cluster", "clusterName", "cluster"},
		{"DescribeAddresses", "Addresses", "addressName", "address"},
	}
	for _, c := range cases {
		n := nounOf(c.name)
		if n != c.noun {
			t.Errorf("nounOf(%s) = %s, want %s", c.name, n, c.noun)
		}
		if k := lowerFirst(singular(n)) + "Name"; k != c.key {
			t.Errorf("param key of %s = %s, want %s", c.name, k, c.key)
		}
		if a := kebab(singular(n)); strings.ReplaceAll(a, "-", "") != c.arn {
			t.Errorf("arn noun of %s = %s, want %s", c.name, a, c.arn)
		}
	}
}
