package inspect

import (
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/trailscope/trailscope/model/catalog"
)

func TestReadSecurityGroup(t *testing.T) {
	for _, tt := range []struct {
		req    string
		hit    bool
		sev    catalog.Severity
		detail string
	}{
		{`{"groupId":"sg-1","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]}}`, true, catalog.SeverityHigh, "22/tcp from 0.0.0.0/0"},
		{`{"groupId":"sg-1","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":443,"toPort":443,"ipv6Ranges":{"items":[{"cidrIpv6":"::/0"}]}}]}}`, true, catalog.SeverityLow, "443/tcp from ::/0"},
		{`{"groupId":"sg-1","ipPermissions":{"items":[{"ipProtocol":"-1","ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]}}`, true, catalog.SeverityHigh, "all traffic"},
		{`{"groupId":"sg-1","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":8200,"toPort":8300,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]}}`, true, catalog.SeverityMedium, "8200-8300/tcp"},
		{`{"groupId":"sg-1","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":{"items":[{"cidrIp":"10.0.0.0/8"}]}}]}}`, false, 0, ""},
		{`{"groupId":"sg-1","cidrIp":"208.236.235.254/0","fromPort":22,"toPort":22,"ipProtocol":"tcp"}`, true, catalog.SeverityHigh, "22/tcp"},
		{`{"ModifySecurityGroupRulesRequest":{"GroupId":"sg-1","SecurityGroupRule":{"SecurityGroupRule":{"IpProtocol":"tcp","FromPort":3389,"ToPort":3389,"CidrIpv4":"0.0.0.0/0"}}}}`, true, catalog.SeverityHigh, "3389/tcp"},
	} {
		c := record{req: parseJSON(tt.req), Event: Event{Target: "sg-1"}}
		f := readSecurityGroup(&c)
		if f.Hit != tt.hit || f.Sev != tt.sev || !strings.Contains(f.Detail, tt.detail) {
			t.Errorf("%s: %+v, want hit %v, %s, %q", tt.req, f, tt.hit, tt.sev, tt.detail)
		}
	}
}

func TestReadPolicies(t *testing.T) {
	own := "111111111111"
	for _, tt := range []struct {
		name string
		read func(*record) Fact
		ctx  string // CloudTrail's requestParameters
		sev  catalog.Severity
	}{
		{"PutBucketPolicy", readBucketPolicy, `{"bucketPolicy":{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}}`, catalog.SeverityCritical},
		{"PutBucketPolicy", readBucketPolicy, `{"bucketPolicy":{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}]}}`, 0},
		{"PutBucketPolicy", readBucketPolicy, `{"bucketPolicy":{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111111111111:root","arn:aws:iam::222222222222:root"]},"Action":"s3:*"}]}}`, catalog.SeverityHigh},
		{"PutBucketAcl", readBucketACL, `{"AccessControlPolicy":{"AccessControlList":{"Grant":[{"Grantee":{"URI":"http://acs.amazonaws.com/groups/global/AllUsers"},"Permission":"READ"}]}}}`, catalog.SeverityHigh},
		{"PutBucketAcl", readBucketACL, `{"x-amz-acl":["private"]}`, 0},
		{"PutBucketPublicAccessBlock", readPublicAccessBlock, `{"PublicAccessBlockConfiguration":{"BlockPublicAcls":false,"IgnorePublicAcls":true,"BlockPublicPolicy":true,"RestrictPublicBuckets":true}}`, catalog.SeverityMedium},
		{"PutRolePolicy", readInlinePolicy, `{"policyDocument":"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}"}`, catalog.SeverityHigh},
		{"PutRolePolicy", readInlinePolicy, `{"policyDocument":"%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22*%3A*%22%2C%22Resource%22%3A%5B%22*%22%5D%7D%5D%7D"}`, catalog.SeverityHigh},
		{"CreatePolicyVersion", readInlinePolicy, `{"policyDocument":"{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:Get*\",\"Resource\":\"*\"}]}","setAsDefault":true}`, catalog.SeverityMedium},
		{"UpdateAssumeRolePolicy", readTrust, `{"policyDocument":"{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"sts:AssumeRole\"}]}"}`, catalog.SeverityCritical},
		{"CreateRole", readTrust, `{"assumeRolePolicyDocument":"{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"}`, 0},
		{"AddPermission", readLambdaPermission, `{"principal":"*","action":"lambda:InvokeFunction","sourceArn":"arn:aws:s3:::bucket"}`, 0},
		{"AddPermission", readLambdaPermission, `{"principal":"333333333333","action":"lambda:InvokeFunction"}`, catalog.SeverityHigh},
		{"ModifySnapshotAttribute", readShare, `{"createVolumePermission":{"add":{"items":[{"group":"all"}]}}}`, catalog.SeverityCritical},
		{"ModifySnapshotAttribute", readShare, `{"createVolumePermission":{"add":{"items":[{"userId":"111111111111"}]}}}`, 0},
		{"ModifyDBSnapshotAttribute", readShare, `{"attributeName":"restore","valuesToAdd":["444444444444"]}`, catalog.SeverityHigh},
		{"RunInstances", readRunInstances, `{"instanceType":"g5.12xlarge","instancesSet":{"items":[{"maxCount":4}]}}`, catalog.SeverityMedium},
		{"RunInstances", readRunInstances, `{"instanceType":"t3.micro"}`, 0},
	} {
		c := record{req: parseJSON(tt.ctx), Event: Event{Account: own, Name: tt.name, Target: "thing"}}
		f := tt.read(&c)
		sev := catalog.Severity(0)
		if f.Hit || tt.name == "CreatePolicyVersion" {
			sev = f.Sev
		}
		if sev != tt.sev {
			t.Errorf("%s %s: %+v, want %s", tt.name, tt.ctx, f, tt.sev)
		}
	}
}

func TestUnusualInstanceType(t *testing.T) {
	for typ, want := range map[string]bool{
		"p2.xlarge": true, "p4d.24xlarge": true, "g4dn.xlarge": true, "inf2.xlarge": true, "trn1.32xlarge": true,
		"x2iedn.xlarge": true, "m5.24xlarge": true, "c6i.metal": true, "m5.large": false, "t3.micro": false,
		"c5.12xlarge": false, "gr6.4xlarge": false, "": false,
	} {
		if got := unusualInstanceType(typ); got != want {
			t.Errorf("%q: %v, want %v", typ, got, want)
		}
	}
}

func parseJSON(s string) gjson.Result { return gjson.Parse(s) }
