package world

import (
	"strconv"
	"strings"

	"github.com/trailscope/trailscope/source/synth"
)

// call is one API the generator records: its weight in the overall mix, before a persona's preferences,
// and how to fill the request (nil: requestParameters null).
type call struct {
	source  string
	name    string
	weight  float64
	flags   int
	errRate float64 // chance of failing; 0 means the default
	build   func(g *gen)
	cli     string // aws-cli's md/command, "ec2.describe-instances"
	svc     string // the source without .amazonaws.com
}

const (
	fRead   = 1 << iota // readOnly
	fData               // a data event
	fGlobal             // recorded in us-east-1 only (IAM, Organizations, Route 53, CloudFront, sign-in)
	fHuman              // made by people only (console sign-in)
	fAgent              // made by software on instances and functions only (the SSM agent, log streams)
	fWrite  = 0
)

const defaultErrRate = 0.035

// Request shapes shared by many calls.

// param fills one string parameter.
func param(key string, v func(g *gen) string) func(g *gen) {
	return func(g *gen) { g.e.Request.Str(key, v(g)) }
}

// ec2Set fills the EC2 describe shape {"<set>":{"items":[{"<field>":id}]},"filterSet":{}}, or the set empty.
func ec2Set(set, field string, v func(g *gen) string) func(g *gen) {
	return func(g *gen) {
		if g.r.IntN(2) == 0 {
			g.e.Request.Items(set, field, v(g))
		} else {
			g.e.Request.Obj(set).End()
		}
		g.e.Request.Obj("filterSet").End()
	}
}

// ec2Filter fills a describe filtered by one name and value.
func ec2Filter(name string, v func(g *gen) string) func(g *gen) {
	return func(g *gen) {
		g.e.Request.Obj("filterSet").Arr("items").Obj("").Str("name", name).Items("valueSet", "value", v(g)).End().End().End()
	}
}

// s3Bucket fills an S3 bucket-level call: bucketName, Host, and the sub-resource as an empty parameter.
func s3Bucket(sub string) func(g *gen) {
	return func(g *gen) {
		g.e.S3Call(g.r, g.e.Name, g.e.ReadOnly, g.bucket().name)
		if sub != "" {
			g.e.Request.Str(sub, "")
		}
	}
}

// s3Object fills an S3 object-level data event.
func s3Object(in, out bool) func(g *gen) {
	return func(g *gen) {
		b := g.bucket()
		var nin, nout int64
		size := int64(200 + g.r.IntN(1<<g.r.IntN(24)))
		if in {
			nin = size
		}
		if out {
			nout = size
		}
		g.e.S3Object(g.r, g.e.Name, g.e.ReadOnly, b.name, objectKey(g.r, b, g.acct.id, g.day()), nin, nout)
	}
}

func kmsKey(g *gen) { g.e.AddResource(g.acct.id, "AWS::KMS::Key", g.key()) }

// catalog is every call of the mix: about 210 names over 33 services.
var catalog = []call{
	// EC2: describes dominate, launches and security group changes are rare.
	{source: "ec2", name: "DescribeInstances", weight: 40, flags: fRead, build: func(g *gen) {
		if g.r.IntN(3) == 0 {
			g.e.DescribeInstances(g.instance())
		} else {
			g.e.DescribeInstances()
		}
	}},
	{source: "ec2", name: "DescribeInstanceStatus", weight: 12, flags: fRead, build: func(g *gen) {
		g.e.Request.Obj("instancesSet").End().Obj("filterSet").End().Bool("includeAllInstances", g.r.IntN(2) == 0)
	}},
	{source: "ec2", name: "DescribeSecurityGroups", weight: 14, flags: fRead, build: ec2Set("securityGroupIdSet", "groupId", (*gen).sg)},
	{source: "ec2", name: "DescribeVpcs", weight: 8, flags: fRead, build: ec2Set("vpcSet", "vpcId", (*gen).vpc)},
	{source: "ec2", name: "DescribeSubnets", weight: 8, flags: fRead, build: ec2Filter("vpc-id", (*gen).vpc)},
	{source: "ec2", name: "DescribeRouteTables", weight: 5, flags: fRead, build: ec2Filter("vpc-id", (*gen).vpc)},
	{source: "ec2", name: "DescribeNetworkInterfaces", weight: 10, flags: fRead, build: ec2Set("networkInterfaceIdSet", "networkInterfaceId", (*gen).eni)},
	{source: "ec2", name: "DescribeVolumes", weight: 8, flags: fRead, build: ec2Set("volumeSet", "volumeId", (*gen).volume)},
	{source: "ec2", name: "DescribeSnapshots", weight: 5, flags: fRead, build: func(g *gen) {
		g.e.Request.Obj("snapshotSet").End().Items("ownersSet", "owner", "self").Obj("sharedUsers").End().Obj("filterSet").End()
	}},
	{source: "ec2", name: "DescribeImages", weight: 6, flags: fRead, build: ec2Set("imagesSet", "imageId", (*gen).ami)},
	{source: "ec2", name: "DescribeAvailabilityZones", weight: 4, flags: fRead, build: func(g *gen) {
		g.e.Request.Obj("availabilityZoneSet").End().Obj("availabilityZoneIdSet").End().Bool("allAvailabilityZones", false)
	}},
	{source: "ec2", name: "DescribeRegions", weight: 4, flags: fRead, build: func(g *gen) { g.e.Request.Obj("regionSet").End() }},
	{source: "ec2", name: "DescribeAccountAttributes", weight: 4, flags: fRead, build: func(g *gen) {
		g.e.Request.Items("accountAttributeNameSet", "attributeName", "supported-platforms").Obj("filterSet").End()
	}},
	{source: "ec2", name: "DescribeTags", weight: 4, flags: fRead, build: ec2Filter("resource-id", (*gen).instance)},
	{source: "ec2", name: "DescribeInstanceAttribute", weight: 2, flags: fRead, build: func(g *gen) {
		g.e.Request.Str("instanceId", g.instance()).Str("attribute", synth.Pick(g.r, []string{"userData", "disableApiTermination", "instanceType", "instanceInitiatedShutdownBehavior"}))
	}},
	{source: "ec2", name: "GetConsoleOutput", weight: 0.2, flags: fRead, build: param("instanceId", (*gen).instance)},
	{source: "ec2", name: "RunInstances", weight: 0.5, build: func(g *gen) {
		ids := []string{g.r.ID("i-")}
		if g.r.IntN(4) == 0 {
			ids = append(ids, g.r.ID("i-"))
		}
		g.e.RunInstances(g.r, g.ami(), g.instanceType(), g.subnet(), g.sg(), ids...)
	}},
	{source: "ec2", name: "TerminateInstances", weight: 0.4, build: func(g *gen) { g.e.TerminateInstances(g.instance()) }},
	{source: "ec2", name: "StartInstances", weight: 0.4, build: func(g *gen) { g.e.StartInstances(g.instance()) }},
	{source: "ec2", name: "StopInstances", weight: 0.4, build: func(g *gen) { g.e.StopInstances(g.instance()) }},
	{source: "ec2", name: "CreateTags", weight: 1.5, build: func(g *gen) {
		g.e.Response.Str("requestId", g.e.RequestID).Bool("_return", true)
		g.e.Request.Items("resourcesSet", "resourceId", g.instance()).Obj("tagSet").Arr("items").Obj("").
			Str("key", synth.Pick(g.r, []string{"Name", "Owner", "CostCenter", "Environment"})).Str("value", synth.Pick(g.r, apps)).End().End().End()
	}},
	{source: "ec2", name: "AuthorizeSecurityGroupIngress", weight: 0.3, build: func(g *gen) {
		port := synth.Pick(g.r, []int{443, 443, 80, 22, 5432, 3306, 6379, 8080})
		cidr := synth.Pick(g.r, []string{"10.0.0.0/16", "10.0.0.0/8", "172.31.0.0/16", g.r.PublicIP() + "/32", "0.0.0.0/0"})
		g.e.AuthorizeSecurityGroupIngress(g.r, g.sg(), "tcp", port, port, cidr)
	}},
	{source: "ec2", name: "RevokeSecurityGroupIngress", weight: 0.2, build: func(g *gen) {
		g.e.Response.Str("requestId", g.e.RequestID).Bool("_return", true)
		port := int64(synth.Pick(g.r, []int{443, 80, 22, 8080}))
		g.e.Request.Str("groupId", g.sg()).Obj("ipPermissions").Arr("items").Obj("").Str("ipProtocol", "tcp").
			Int("fromPort", port).Int("toPort", port).Items("ipRanges", "cidrIp", "10.0.0.0/16").End().End().End()
	}},
	{source: "ec2", name: "CreateSecurityGroup", weight: 0.15, build: func(g *gen) {
		name := synth.Pick(g.r, apps) + "-" + synth.Pick(g.r, []string{"web", "db", "cache", "lb", "worker"}) + "-sg"
		g.e.Request.Str("groupName", name).Str("groupDescription", "Managed by Terraform").Str("vpcId", g.vpc())
		g.e.Response.Str("requestId", g.e.RequestID).Bool("_return", true).Str("groupId", g.r.ID("sg-"))
	}},
	{source: "ec2", name: "CreateSnapshot", weight: 0.4, build: func(g *gen) {
		g.e.CreateSnapshot(g.volume(), g.r.ID("snap-"), 8<<g.r.IntN(6))
	}},
	{source: "ec2", name: "DeleteSnapshot", weight: 0.3, build: param("snapshotId", (*gen).snapshot)},
	{source: "ec2", name: "ModifySnapshotAttribute", weight: 0.01, build: func(g *gen) {
		g.e.ModifySnapshotAttribute(g.snapshot(), g.otherAccount())
	}},
	{source: "ec2", name: "CreateNetworkInterface", weight: 0.8, build: func(g *gen) {
		g.e.Request.Str("subnetId", g.subnet()).Str("description", "AWS Lambda VPC ENI-"+synth.Pick(g.r, apps)+"-handler").
			Items("groupSet", "groupId", g.sg())
		g.e.Response.Str("requestId", g.e.RequestID).Obj("networkInterface").Str("networkInterfaceId", g.r.ID("eni-")).
			Str("subnetId", g.subnet()).Str("status", "pending").End()
	}},
	{source: "ec2", name: "DeleteNetworkInterface", weight: 0.8, build: param("networkInterfaceId", (*gen).eni)},

	// S3: object reads and writes are data events; the console and auditors read bucket settings.
	{source: "s3", name: "GetObject", weight: 110, flags: fRead | fData, errRate: 0.01, build: s3Object(false, true)},
	{source: "s3", name: "PutObject", weight: 40, flags: fData, errRate: 0.005, build: s3Object(true, false)},
	{source: "s3", name: "HeadObject", weight: 25, flags: fRead | fData, errRate: 0.04, build: s3Object(false, false)},
	{source: "s3", name: "DeleteObject", weight: 5, flags: fData, errRate: 0.005, build: s3Object(false, false)},
	{source: "s3", name: "ListObjects", weight: 12, flags: fRead | fData, errRate: 0.005, build: func(g *gen) {
		b := g.bucket()
		g.e.S3Request(g.r, "ListObjects", true, b.name)
		g.e.Request.Str("list-type", "2").Str("prefix", strings.SplitN(objectKey(g.r, b, g.acct.id, g.day()), "/", 2)[0]+"/").
			Str("encoding-type", "url").Str("max-keys", "1000")
		g.e.S3Additional(g.r, 0, int64(500+g.r.IntN(40000)))
		g.e.AddResource(g.acct.id, "AWS::S3::Bucket", "arn:aws:s3:::"+b.name)
	}},
	{source: "s3", name: "CopyObject", weight: 2, flags: fData, errRate: 0.005, build: s3Object(true, false)},
	{source: "s3", name: "UploadPart", weight: 4, flags: fData, errRate: 0.005, build: s3Object(true, false)},
	{source: "s3", name: "ListBuckets", weight: 6, flags: fRead, build: func(g *gen) { g.e.ListBuckets(g.r) }},
	{source: "s3", name: "GetBucketLocation", weight: 8, flags: fRead, build: s3Bucket("location")},
	{source: "s3", name: "GetBucketAcl", weight: 6, flags: fRead, build: s3Bucket("acl")},
	{source: "s3", name: "GetBucketPolicy", weight: 4, flags: fRead, errRate: 0.3, build: s3Bucket("policy")},
	{source: "s3", name: "GetBucketPolicyStatus", weight: 2, flags: fRead, build: s3Bucket("policyStatus")},
	{source: "s3", name: "GetBucketVersioning", weight: 3, flags: fRead, build: s3Bucket("versioning")},
	{source: "s3", name: "GetBucketEncryption", weight: 3, flags: fRead, build: s3Bucket("encryption")},
	{source: "s3", name: "GetBucketTagging", weight: 3, flags: fRead, errRate: 0.2, build: s3Bucket("tagging")},
	{source: "s3", name: "GetBucketPublicAccessBlock", weight: 3, flags: fRead, errRate: 0.1, build: s3Bucket("publicAccessBlock")},
	{source: "s3", name: "GetBucketLogging", weight: 2, flags: fRead, build: s3Bucket("logging")},
	{source: "s3", name: "GetBucketLifecycle", weight: 2, flags: fRead, errRate: 0.3, build: s3Bucket("lifecycle")},
	{source: "s3", name: "GetBucketCors", weight: 1.5, flags: fRead, errRate: 0.5, build: s3Bucket("cors")},
	{source: "s3", name: "PutBucketPolicy", weight: 0.08, build: func(g *gen) {
		b := g.bucket()
		g.e.PutBucketPolicy(g.r, b.name, `{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::`+
			b.name+`","arn:aws:s3:::`+b.name+`/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`)
	}},
	{source: "s3", name: "PutBucketTagging", weight: 0.2, build: s3Bucket("tagging")},
	{source: "s3", name: "PutBucketPublicAccessBlock", weight: 0.1, build: s3Bucket("publicAccessBlock")},
	{source: "s3", name: "DeleteBucketPolicy", weight: 0.03, build: s3Bucket("policy")},
	{source: "s3", name: "CreateBucket", weight: 0.05, build: s3Bucket("")},

	// IAM: global, read by Terraform and auditors, written rarely.
	{source: "iam", name: "GetUser", weight: 6, flags: fRead | fGlobal, build: param("userName", (*gen).userName)},
	{source: "iam", name: "ListUsers", weight: 3, flags: fRead | fGlobal},
	{source: "iam", name: "GetRole", weight: 8, flags: fRead | fGlobal, build: param("roleName", (*gen).roleName)},
	{source: "iam", name: "ListRoles", weight: 4, flags: fRead | fGlobal},
	{source: "iam", name: "ListAttachedRolePolicies", weight: 5, flags: fRead | fGlobal, build: param("roleName", (*gen).roleName)},
	{source: "iam", name: "ListRolePolicies", weight: 4, flags: fRead | fGlobal, build: param("roleName", (*gen).roleName)},
	{source: "iam", name: "GetRolePolicy", weight: 2, flags: fRead | fGlobal, build: func(g *gen) {
		g.e.Request.Str("roleName", g.roleName()).Str("policyName", "inline-policy")
	}},
	{source: "iam", name: "ListAttachedUserPolicies", weight: 3, flags: fRead | fGlobal, build: param("userName", (*gen).userName)},
	{source: "iam", name: "ListAccessKeys", weight: 3, flags: fRead | fGlobal, build: param("userName", (*gen).userName)},
	{source: "iam", name: "GetPolicy", weight: 4, flags: fRead | fGlobal, build: param("policyArn", (*gen).policyARN)},
	{source: "iam", name: "GetPolicyVersion", weight: 3, flags: fRead | fGlobal, build: func(g *gen) {
		g.e.Request.Str("policyArn", g.policyARN()).Str("versionId", "v"+strconv.Itoa(1+g.r.IntN(5)))
	}},
	{source: "iam", name: "ListPolicies", weight: 2, flags: fRead | fGlobal, build: func(g *gen) {
		g.e.Request.Str("scope", "Local").Bool("onlyAttached", false).Int("maxItems", 100)
	}},
	{source: "iam", name: "GetAccountSummary", weight: 1, flags: fRead | fGlobal},
	{source: "iam", name: "GetCredentialReport", weight: 0.3, flags: fRead | fGlobal},
	{source: "iam", name: "CreateUser", weight: 0.04, flags: fGlobal, build: func(g *gen) {
		g.e.CreateUser(synth.Pick(g.r, firstNames)+"."+synth.Pick(g.r, lastNames), g.r.UniqueID("AIDA", g.acct.infix))
	}},
	{source: "iam", name: "DeleteUser", weight: 0.02, flags: fGlobal, build: param("userName", (*gen).userName)},
	{source: "iam", name: "CreateAccessKey", weight: 0.06, flags: fGlobal, build: func(g *gen) {
		g.e.CreateAccessKey(g.userName(), g.r.AccessKeyID("AKIA", g.acct.infix))
	}},
	{source: "iam", name: "DeleteAccessKey", weight: 0.05, flags: fGlobal, build: func(g *gen) {
		g.e.Request.Str("userName", g.userName()).Str("accessKeyId", g.r.AccessKeyID("AKIA", g.acct.infix))
	}},
	{source: "iam", name: "AttachUserPolicy", weight: 0.04, flags: fGlobal, build: func(g *gen) {
		g.e.AttachUserPolicy(g.userName(), synth.Pick(g.r, awsPolicies))
	}},
	{source: "iam", name: "AttachRolePolicy", weight: 0.08, flags: fGlobal, build: func(g *gen) {
		g.e.AttachRolePolicy(g.roleName(), synth.Pick(g.r, awsPolicies))
	}},
	{source: "iam", name: "CreateRole", weight: 0.06, flags: fGlobal, build: func(g *gen) {
		name := synth.Pick(g.r, apps) + "-" + synth.Pick(g.r, []string{"task", "worker", "reader", "exporter"}) + "-role"
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
		g.e.Request.Str("roleName", name).Str("assumeRolePolicyDocument", doc).Str("path", "/").Int("maxSessionDuration", 3600)
		g.e.Response.Obj("role").Str("path", "/").Str("roleName", name).Str("roleId", g.r.UniqueID("AROA", g.acct.infix)).
			Str("arn", "arn:aws:iam::"+g.acct.id+":role/"+name).Str("createDate", synth.AWSDate(g.e.Time)).
			Str("assumeRolePolicyDocument", strings.NewReplacer(`"`, "%22", "{", "%7B", "}", "%7D", ":", "%3A", ",", "%2C", "[", "%5B", "]", "%5D").Replace(doc)).End()
	}},
	{source: "iam", name: "PutRolePolicy", weight: 0.06, flags: fGlobal, build: func(g *gen) {
		g.e.Request.Str("roleName", g.roleName()).Str("policyName", "inline-policy").
			Str("policyDocument", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::acme-`+g.acct.env+`-*/*"}]}`)
	}},
	{source: "iam", name: "CreatePolicyVersion", weight: 0.06, flags: fGlobal, build: func(g *gen) {
		g.e.Request.Str("policyArn", g.policyARN()).Bool("setAsDefault", true).
			Str("policyDocument", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ssm:GetParameter*","Resource":"*"}]}`)
	}},
	{source: "iam", name: "CreateLoginProfile", weight: 0.01, flags: fGlobal, build: func(g *gen) { g.e.CreateLoginProfile(g.userName()) }},

	// STS. Minting calls come from the session plan, not from here; this AssumeRole is the refused kind.
	{source: "sts", name: "GetCallerIdentity", weight: 25, flags: fRead},
	{source: "sts", name: "AssumeRole", weight: 1.2, flags: fRead, errRate: 1},
	{source: "sts", name: "GetAccessKeyInfo", weight: 0.1, flags: fRead, build: func(g *gen) {
		g.e.Request.Str("accessKeyId", g.r.AccessKeyID("AKIA", g.acct.infix))
	}},
	{source: "sts", name: "DecodeAuthorizationMessage", weight: 0.1, flags: fRead, build: func(g *gen) {
		g.e.Request.Str("encodedMessage", "HIDDEN_DUE_TO_SECURITY_REASONS")
	}},

	// KMS: the busiest service after S3, mostly on behalf of other services.
	{source: "kms", name: "Decrypt", weight: 55, flags: fRead, build: func(g *gen) {
		g.e.Request.Str("encryptionAlgorithm", "SYMMETRIC_DEFAULT")
		if g.r.IntN(2) == 0 {
			g.e.Request.Obj("encryptionContext").Str("aws:s3:arn", "arn:aws:s3:::"+g.bucket().name).End()
		}
		kmsKey(g)
	}},
	{source: "kms", name: "GenerateDataKey", weight: 30, flags: fRead, build: func(g *gen) {
		k := g.key()
		g.e.Request.Str("keyId", k).Str("keySpec", "AES_256")
		g.e.AddResource(g.acct.id, "AWS::KMS::Key", k)
	}},
	{source: "kms", name: "Encrypt", weight: 6, flags: fRead, build: func(g *gen) {
		k := g.key()
		g.e.Request.Str("keyId", k).Str("encryptionAlgorithm", "SYMMETRIC_DEFAULT")
		g.e.AddResource(g.acct.id, "AWS::KMS::Key", k)
	}},
	{source: "kms", name: "DescribeKey", weight: 8, flags: fRead, build: func(g *gen) {
		k := g.key()
		g.e.Request.Str("keyId", k)
		g.e.AddResource(g.acct.id, "AWS::KMS::Key", k)
	}},
	{source: "kms", name: "ListAliases", weight: 4, flags: fRead},
	{source: "kms", name: "GetKeyPolicy", weight: 2, flags: fRead, build: func(g *gen) {
		g.e.Request.Str("keyId", g.key()).Str("policyName", "default")
	}},
	{source: "kms", name: "GetKeyRotationStatus", weight: 2, flags: fRead, build: param("keyId", (*gen).key)},
	{source: "kms", name: "CreateGrant", weight: 1, build: func(g *gen) {
		k := g.key()
		g.e.Request.Str("keyId", k).Str("granteePrincipal", synth.Pick(g.r, []string{"ebs.amazonaws.com", "rds.amazonaws.com"})).
			Arr("operations").Str("", "Decrypt").Str("", "GenerateDataKeyWithoutPlaintext").End()
		g.e.Response.Str("grantId", g.r.Hex(64))
		g.e.AddResource(g.acct.id, "AWS::KMS::Key", k)
	}},
	{source: "kms", name: "ScheduleKeyDeletion", weight: 0.005, build: func(g *gen) {
		g.e.Request.Str("keyId", g.key()).Int("pendingWindowInDays", 7)
	}},

	// Lambda.
	{source: "lambda", name: "Invoke", weight: 12, flags: fData, errRate: 0.01, build: func(g *gen) {
		fn := "arn:aws:lambda:" + g.region + ":" + g.acct.id + ":function:" + g.function()
		g.e.Request.Str("functionName", fn).Str("invocationType", synth.Pick(g.r, []string{"RequestResponse", "Event"}))
		g.e.AddResource(g.acct.id, "AWS::Lambda::Function", fn)
	}},
	{source: "lambda", name: "GetFunction20150331v2", weight: 4, flags: fRead, build: param("functionName", (*gen).function)},
	{source: "lambda", name: "ListFunctions20150331", weight: 4, flags: fRead},
	{source: "lambda", name: "GetFunctionConfiguration20150331v2", weight: 3, flags: fRead, build: param("functionName", (*gen).function)},
	{source: "lambda", name: "ListVersionsByFunction20150331", weight: 1, flags: fRead, build: param("functionName", (*gen).function)},
	{source: "lambda", name: "ListEventSourceMappings20150331", weight: 1, flags: fRead, build: param("functionName", (*gen).function)},
	{source: "lambda", name: "UpdateFunctionCode20150331v2", weight: 0.3, build: func(g *gen) {
		fn := g.function()
		g.e.Request.Str("functionName", fn).Bool("publish", true).Str("s3Bucket", "acme-"+g.acct.env+"-lambda-artifacts").
			Str("s3Key", fn+"/"+g.r.Hex(7)+".zip")
		g.e.Response.Str("functionName", fn).Str("functionArn", "arn:aws:lambda:"+g.region+":"+g.acct.id+":function:"+fn).
			Str("runtime", synth.Pick(g.r, []string{"python3.12", "nodejs20.x"})).Int("codeSize", int64(100000+g.r.IntN(9e6))).
			Str("state", "Pending").Str("lastUpdateStatus", "InProgress")
	}},
	{source: "lambda", name: "UpdateFunctionConfiguration20150331v2", weight: 0.2, build: func(g *gen) {
		g.e.Request.Str("functionName", g.function()).Int("timeout", int64(synth.Pick(g.r, []int{30, 60, 300, 900})))
	}},
	{source: "lambda", name: "AddPermission20150331v2", weight: 0.05, build: func(g *gen) {
		g.e.Request.Str("functionName", g.function()).Str("statementId", "AllowExecutionFromEventBridge").
			Str("action", "lambda:InvokeFunction").Str("principal", "events.amazonaws.com")
	}},

	// DynamoDB: item calls are data events.
	{source: "dynamodb", name: "GetItem", weight: 22, flags: fRead | fData, errRate: 0.005, build: ddbItem},
	{source: "dynamodb", name: "PutItem", weight: 10, flags: fData, errRate: 0.01, build: ddbItem},
	{source: "dynamodb", name: "Query", weight: 16, flags: fRead | fData, errRate: 0.005, build: func(g *gen) {
		ddbItem(g)
		g.e.Request.Str("keyConditionExpression", "pk = :pk").Int("limit", 100)
	}},
	{source: "dynamodb", name: "UpdateItem", weight: 7, flags: fData, errRate: 0.01, build: ddbItem},
	{source: "dynamodb", name: "BatchWriteItem", weight: 3, flags: fData, errRate: 0.005, build: ddbItem},
	{source: "dynamodb", name: "DescribeTable", weight: 6, flags: fRead, build: param("tableName", (*gen).table)},
	{source: "dynamodb", name: "ListTables", weight: 2, flags: fRead},
	{source: "dynamodb", name: "DescribeTimeToLive", weight: 1, flags: fRead, build: param("tableName", (*gen).table)},

	// CloudWatch Logs and CloudWatch.
	{source: "logs", name: "CreateLogStream", weight: 14, flags: fAgent, build: func(g *gen) {
		g.e.Request.Str("logGroupName", g.logGroup()).Str("logStreamName", g.day()[:4]+"/"+g.day()[5:7]+"/"+g.day()[8:]+"/[$LATEST]"+g.r.Hex(32))
	}},
	{source: "logs", name: "DescribeLogGroups", weight: 4, flags: fRead, build: func(g *gen) {
		g.e.Request.Str("logGroupNamePrefix", "/aws/lambda/"+synth.Pick(g.r, apps))
	}},
	{source: "logs", name: "DescribeLogStreams", weight: 4, flags: fRead, build: func(g *gen) {
		g.e.Request.Str("logGroupName", g.logGroup()).Str("orderBy", "LastEventTime").Bool("descending", true)
	}},
	{source: "logs", name: "FilterLogEvents", weight: 2, flags: fRead, build: func(g *gen) {
		g.e.Request.Str("logGroupName", g.logGroup()).Int("startTime", g.e.Time.Add(-3600e9).UnixMilli()).Str("filterPattern", "ERROR")
	}},
	{source: "logs", name: "StartQuery", weight: 1, flags: fRead, build: func(g *gen) {
		g.e.Request.Str("logGroupName", g.logGroup()).Str("queryString", "fields @timestamp, @message | sort @timestamp desc | limit 100")
		g.e.Response.Str("queryId", g.r.UUID())
	}},
	{source: "logs", name: "PutRetentionPolicy", weight: 0.05, build: func(g *gen) {
		g.e.Request.Str("logGroupName", g.logGroup()).Int("retentionInDays", int64(synth.Pick(g.r, []int{14, 30, 90, 365})))
	}},
	{source: "monitoring", name: "GetMetricData", weight: 15, flags: fRead, build: func(g *gen) {
		g.e.Request.Int("startTime", g.e.Time.Add(-3600e9).Unix()).Int("endTime", g.e.Time.Unix()).Arr("metricDataQueries").
			Obj("").Str("id", "m1").Obj("metricStat").Obj("metric").Str("namespace", synth.Pick(g.r, []string{"AWS/EC2", "AWS/Lambda", "AWS/RDS", "AWS/ApplicationELB"})).
			Str("metricName", synth.Pick(g.r, []string{"CPUUtilization", "Invocations", "Errors", "RequestCount"})).End().Int("period", 300).Str("stat", "Average").End().End().End()
	}},
	{source: "monitoring", name: "GetMetricStatistics", weight: 8, flags: fRead, build: func(g *gen) {
		g.e.Request.Str("namespace", "AWS/EC2").Str("metricName", "CPUUtilization").Arr("dimensions").Obj("").Str("name", "InstanceId").
			Str("value", g.instance()).End().End().Int("period", 300).Arr("statistics").Str("", "Average").End()
	}},
	{source: "monitoring", name: "ListMetrics", weight: 5, flags: fRead, build: func(g *gen) {
		g.e.Request.Str("namespace", synth.Pick(g.r, []string{"AWS/EC2", "AWS/Lambda", "AWS/RDS", "AWS/SQS"}))
	}},
	{source: "monitoring", name: "DescribeAlarms", weight: 6, flags: fRead, build: func(g *gen) { g.e.Request.Int("maxRecords", 100) }},
	{source: "monitoring", name: "PutMetricAlarm", weight: 0.1, build: func(g *gen) {
		app := synth.Pick(g.r, apps)
		g.e.Request.Str("alarmName", g.acct.env+"-"+app+"-high-cpu").Str("metricName", "CPUUtilization").Str("namespace", "AWS/EC2").
			Str("statistic", "Average").Int("period", 300).Int("evaluationPeriods", 3).Str("comparisonOperator", "GreaterThanThreshold").Int("threshold", 80)
	}},

	// Systems Manager and Secrets Manager.
	{source: "ssm", name: "GetParameter", weight: 22, flags: fRead, errRate: 0.02, build: func(g *gen) {
		g.e.GetParameter(g.param(), g.r.IntN(2) == 0)
	}},
	{source: "ssm", name: "GetParameters", weight: 7, flags: fRead, build: func(g *gen) {
		g.e.Request.Arr("names").Str("", g.param()).Str("", g.param()).End().Bool("withDecryption", true)
	}},
	{source: "ssm", name: "GetParametersByPath", weight: 5, flags: fRead, build: func(g *gen) {
		g.e.Request.Str("path", "/"+g.acct.env+"/"+synth.Pick(g.r, apps)+"/").Bool("recursive", true).Bool("withDecryption", true)
	}},
	{source: "ssm", name: "DescribeParameters", weight: 3, flags: fRead, build: func(g *gen) { g.e.Request.Int("maxResults", 50) }},
	{source: "ssm", name: "UpdateInstanceInformation", weight: 10, flags: fAgent, build: func(g *gen) {
		g.e.Request.Str("instanceId", g.instance()).Str("agentVersion", "3.3.131.0").Str("agentStatus", "Active").
			Str("platformType", "Linux").Str("platformName", "Amazon Linux").Str("platformVersion", "2023").Str("iPAddress", g.r.PrivateIP())
	}},
	{source: "ssm", name: "DescribeInstanceInformation", weight: 4, flags: fRead, build: func(g *gen) { g.e.Request.Int("maxResults", 50) }},
	{source: "ssm", name: "PutParameter", weight: 0.2, build: func(g *gen) {
		g.e.Request.Str("name", g.param()).Str("type", "SecureString").Bool("overwrite", true).Str("keyId", "alias/aws/ssm")
		g.e.Response.Int("version", int64(2+g.r.IntN(20))).Str("tier", "Standard")
	}},
	{source: "ssm", name: "SendCommand", weight: 0.05, build: func(g *gen) {
		g.e.Request.Arr("instanceIds").Str("", g.instance()).End()
		g.e.Request.Str("documentName", "AWS-RunShellScript").Obj("parameters").Str("commands", "HIDDEN_DUE_TO_SECURITY_REASONS").End()
	}},
	{source: "ssm", name: "StartSession", weight: 0.05, build: func(g *gen) {
		g.e.Request.Str("target", g.instance())
		g.e.Response.Str("sessionId", g.e.Identity.UserName+"-"+g.r.Hex(17)).Str("tokenValue", "Value hidden due to security reasons.")
	}},
	{source: "secretsmanager", name: "GetSecretValue", weight: 12, flags: fRead, errRate: 0.02, build: func(g *gen) { g.e.GetSecretValue(g.secret()) }},
	{source: "secretsmanager", name: "DescribeSecret", weight: 3, flags: fRead, build: param("secretId", (*gen).secret)},
	{source: "secretsmanager", name: "ListSecrets", weight: 1.5, flags: fRead},
	{source: "secretsmanager", name: "GetResourcePolicy", weight: 0.5, flags: fRead, build: param("secretId", (*gen).secret)},
	{source: "secretsmanager", name: "PutSecretValue", weight: 0.1, build: func(g *gen) {
		g.e.Request.Str("secretId", g.secret()).Str("clientRequestToken", g.r.UUID())
	}},
	{source: "secretsmanager", name: "RotateSecret", weight: 0.02, build: param("secretId", (*gen).secret)},

	// RDS.
	{source: "rds", name: "DescribeDBInstances", weight: 6, flags: fRead, build: func(g *gen) {
		if g.r.IntN(2) == 0 {
			g.e.Request.Str("dBInstanceIdentifier", g.db())
		}
	}},
	{source: "rds", name: "DescribeDBClusters", weight: 3, flags: fRead},
	{source: "rds", name: "DescribeDBSnapshots", weight: 2, flags: fRead, build: param("dBInstanceIdentifier", (*gen).db)},
	{source: "rds", name: "CreateDBSnapshot", weight: 0.05, build: func(g *gen) {
		db := g.db()
		g.e.Request.Str("dBSnapshotIdentifier", db+"-manual-"+g.day()).Str("dBInstanceIdentifier", db)
	}},
	{source: "rds", name: "ModifyDBInstance", weight: 0.03, build: func(g *gen) {
		g.e.Request.Str("dBInstanceIdentifier", g.db()).Int("backupRetentionPeriod", 7).Bool("applyImmediately", false)
	}},

	// CloudTrail.
	{source: "cloudtrail", name: "DescribeTrails", weight: 3, flags: fRead, build: func(g *gen) { g.e.Request.Bool("includeShadowTrails", false) }},
	{source: "cloudtrail", name: "GetTrailStatus", weight: 2, flags: fRead, build: param("name", (*gen).trail)},
	{source: "cloudtrail", name: "LookupEvents", weight: 2, flags: fRead, build: func(g *gen) {
		g.e.Request.Int("maxResults", 50).Arr("lookupAttributes").Obj("").Str("attributeKey", "EventName").
			Str("attributeValue", synth.Pick(g.r, []string{"ConsoleLogin", "RunInstances", "CreateUser", "DeleteBucket"})).End().End()
	}},
	{source: "cloudtrail", name: "GetEventSelectors", weight: 1.5, flags: fRead, build: param("trailName", (*gen).trail)},
	{source: "cloudtrail", name: "StopLogging", weight: 0.004, build: func(g *gen) { g.e.StopLogging(g.trail()) }},
	{source: "cloudtrail", name: "UpdateTrail", weight: 0.01, build: func(g *gen) {
		g.e.Request.Str("name", g.trail()).Bool("isMultiRegionTrail", true).Bool("enableLogFileValidation", true)
	}},

	// SNS and SQS: publishing and message calls are data events.
	{source: "sns", name: "Publish", weight: 9, flags: fData, errRate: 0.005, build: func(g *gen) {
		t := g.topic()
		g.e.Request.Str("topicArn", t).Str("message", "HIDDEN_DUE_TO_SECURITY_REASONS")
		g.e.Response.Str("messageId", g.r.UUID())
		g.e.AddResource(g.acct.id, "AWS::SNS::Topic", t)
	}},
	{source: "sns", name: "ListTopics", weight: 2, flags: fRead},
	{source: "sns", name: "GetTopicAttributes", weight: 2, flags: fRead, build: param("topicArn", (*gen).topic)},
	{source: "sns", name: "Subscribe", weight: 0.05, build: func(g *gen) {
		g.e.Request.Str("topicArn", g.topic()).Str("protocol", "email").Str("endpoint", "HIDDEN_DUE_TO_SECURITY_REASONS")
	}},
	{source: "sqs", name: "SendMessage", weight: 14, flags: fData, errRate: 0.005, build: sqsData},
	{source: "sqs", name: "ReceiveMessage", weight: 24, flags: fRead | fData, errRate: 0.005, build: func(g *gen) {
		sqsData(g)
		g.e.Request.Int("maxNumberOfMessages", 10).Int("waitTimeSeconds", 20)
	}},
	{source: "sqs", name: "DeleteMessage", weight: 14, flags: fData, errRate: 0.005, build: sqsData},
	{source: "sqs", name: "GetQueueAttributes", weight: 4, flags: fRead, build: func(g *gen) {
		g.e.Request.Str("queueUrl", g.queue()).Arr("attributeNames").Str("", "All").End()
	}},
	{source: "sqs", name: "ListQueues", weight: 2, flags: fRead},
	{source: "sqs", name: "GetQueueUrl", weight: 3, flags: fRead, build: func(g *gen) {
		q := g.queue()
		g.e.Request.Str("queueName", q[strings.LastIndexByte(q, '/')+1:])
	}},
	{source: "sqs", name: "SetQueueAttributes", weight: 0.05, build: func(g *gen) {
		g.e.Request.Str("queueUrl", g.queue()).Obj("attributes").Str("VisibilityTimeout", "300").End()
	}},
	{source: "sqs", name: "PurgeQueue", weight: 0.02, build: param("queueUrl", (*gen).queue)},

	// Containers: ECS, ECR, EKS.
	{source: "ecs", name: "DescribeServices", weight: 4, flags: fRead, build: func(g *gen) {
		g.e.Request.Str("cluster", g.cluster()).Arr("services").Str("", g.acct.env+"-"+synth.Pick(g.r, apps)).End()
	}},
	{source: "ecs", name: "DescribeTasks", weight: 4, flags: fRead, build: func(g *gen) {
		c := g.cluster()
		g.e.Request.Str("cluster", c).Arr("tasks").Str("", "arn:aws:ecs:"+g.region+":"+g.acct.id+":task/"+c+"/"+g.r.Hex(32)).End()
	}},
	{source: "ecs", name: "ListTasks", weight: 4, flags: fRead, build: func(g *gen) {
		g.e.Request.Str("cluster", g.cluster()).Str("serviceName", g.acct.env+"-"+synth.Pick(g.r, apps))
	}},
	{source: "ecs", name: "DescribeTaskDefinition", weight: 2, flags: fRead, build: func(g *gen) {
		g.e.Request.Str("taskDefinition", g.acct.env+"-"+synth.Pick(g.r, apps)+":"+strconv.Itoa(1+g.r.IntN(80)))
	}},
	{source: "ecs", name: "UpdateService", weight: 0.2, build: func(g *gen) {
		g.e.Request.Str("cluster", g.cluster()).Str("service", g.acct.env+"-"+synth.Pick(g.r, apps)).Int("desiredCount", int64(1+g.r.IntN(6))).Bool("forceNewDeployment", true)
	}},
	{source: "ecr", name: "GetAuthorizationToken", weight: 8, flags: fRead},
	{source: "ecr", name: "BatchGetImage", weight: 6, flags: fRead, build: ecrImage},
	{source: "ecr", name: "GetDownloadUrlForLayer", weight: 8, flags: fRead, build: func(g *gen) {
		g.e.Request.Str("repositoryName", g.repo()).Str("layerDigest", "sha256:"+g.r.Hex(64))
	}},
	{source: "ecr", name: "DescribeImages", weight: 2, flags: fRead, build: param("repositoryName", (*gen).repo)},
	{source: "ecr", name: "PutImage", weight: 0.3, build: func(g *gen) {
		g.e.Request.Str("repositoryName", g.repo()).Str("imageTag", g.r.Hex(7)).Str("imageManifestMediaType", "application/vnd.docker.distribution.manifest.v2+json")
	}},
	{source: "eks", name: "DescribeCluster", weight: 4, flags: fRead, build: param("name", (*gen).eks)},
	{source: "eks", name: "ListClusters", weight: 1, flags: fRead},
	{source: "eks", name: "ListNodegroups", weight: 1, flags: fRead, build: param("name", (*gen).eks)},

	// Load balancing and Auto Scaling.
	{source: "elasticloadbalancing", name: "DescribeLoadBalancers", weight: 4, flags: fRead},
	{source: "elasticloadbalancing", name: "DescribeTargetHealth", weight: 5, flags: fRead, build: param("targetGroupArn", (*gen).tg)},
	{source: "elasticloadbalancing", name: "DescribeTargetGroups", weight: 3, flags: fRead},
	{source: "elasticloadbalancing", name: "RegisterTargets", weight: 0.4, build: tgTargets},
	{source: "elasticloadbalancing", name: "DeregisterTargets", weight: 0.4, build: tgTargets},
	{source: "autoscaling", name: "DescribeAutoScalingGroups", weight: 5, flags: fRead},
	{source: "autoscaling", name: "DescribeScalingActivities", weight: 2, flags: fRead, build: param("autoScalingGroupName", (*gen).asg)},
	{source: "autoscaling", name: "DescribePolicies", weight: 1, flags: fRead, build: param("autoScalingGroupName", (*gen).asg)},
	{source: "autoscaling", name: "SetDesiredCapacity", weight: 0.1, build: func(g *gen) {
		g.e.Request.Str("autoScalingGroupName", g.asg()).Int("desiredCapacity", int64(1+g.r.IntN(10))).Bool("honorCooldown", false)
	}},
	{source: "autoscaling", name: "UpdateAutoScalingGroup", weight: 0.1, build: func(g *gen) {
		g.e.Request.Str("autoScalingGroupName", g.asg()).Int("minSize", 1).Int("maxSize", int64(4+g.r.IntN(10)))
	}},

	// CloudFormation.
	{source: "cloudformation", name: "DescribeStacks", weight: 6, flags: fRead, build: param("stackName", (*gen).stack)},
	{source: "cloudformation", name: "ListStacks", weight: 2, flags: fRead},
	{source: "cloudformation", name: "DescribeStackEvents", weight: 3, flags: fRead, build: param("stackName", (*gen).stack)},
	{source: "cloudformation", name: "DescribeStackResources", weight: 2, flags: fRead, build: param("stackName", (*gen).stack)},
	{source: "cloudformation", name: "CreateChangeSet", weight: 0.1, build: func(g *gen) {
		s := g.stack()
		g.e.Request.Str("stackName", s).Str("changeSetName", "cs-"+g.r.Hex(8)).Str("changeSetType", "UPDATE").
			Arr("capabilities").Str("", "CAPABILITY_NAMED_IAM").End()
		g.e.Response.Str("id", "arn:aws:cloudformation:"+g.region+":"+g.acct.id+":changeSet/cs/"+g.r.UUID()).
			Str("stackId", "arn:aws:cloudformation:"+g.region+":"+g.acct.id+":stack/"+s+"/"+g.r.UUID())
	}},
	{source: "cloudformation", name: "ExecuteChangeSet", weight: 0.08, build: func(g *gen) {
		g.e.Request.Str("stackName", g.stack()).Str("changeSetName", "cs-"+g.r.Hex(8))
	}},

	// Global services: Route 53, Organizations, CloudFront, sign-in.
	{source: "route53", name: "ListHostedZones", weight: 2, flags: fRead | fGlobal},
	{source: "route53", name: "ListResourceRecordSets", weight: 3, flags: fRead | fGlobal, build: param("hostedZoneId", (*gen).zone)},
	{source: "route53", name: "ChangeResourceRecordSets", weight: 0.1, flags: fGlobal, build: func(g *gen) {
		g.e.Request.Str("hostedZoneId", g.zone()).Obj("changeBatch").Arr("changes").Obj("").Str("action", "UPSERT").
			Obj("resourceRecordSet").Str("name", synth.Pick(g.r, apps)+".acme.example.").Str("type", "CNAME").Int("tTL", 300).End().End().End().End()
		g.e.Response.Obj("changeInfo").Str("id", "/change/C"+g.r.FromAlphabet(synth.UpperAlnum, 20)).Str("status", "PENDING").End()
	}},
	{source: "organizations", name: "DescribeOrganization", weight: 2, flags: fRead | fGlobal},
	{source: "organizations", name: "ListAccounts", weight: 1, flags: fRead | fGlobal},
	{source: "signin", name: "ConsoleLogin", weight: 3, flags: fGlobal | fHuman},

	// Security services.
	{source: "config", name: "DescribeConfigRules", weight: 1, flags: fRead},
	{source: "config", name: "PutEvaluations", weight: 3, flags: fAgent, build: func(g *gen) {
		g.e.Request.Arr("evaluations").Obj("").Str("complianceResourceType", "AWS::EC2::SecurityGroup").
			Str("complianceResourceId", g.sg()).Str("complianceType", synth.Pick(g.r, []string{"COMPLIANT", "NON_COMPLIANT"})).End().End().
			Str("resultToken", "HIDDEN_DUE_TO_SECURITY_REASONS")
	}},
	{source: "config", name: "DescribeConfigurationRecorders", weight: 1, flags: fRead},
	{source: "guardduty", name: "ListDetectors", weight: 2, flags: fRead},
	{source: "guardduty", name: "GetDetector", weight: 1, flags: fRead, build: func(g *gen) { g.e.Request.Str("detectorId", g.r.Hex(32)) }},
	{source: "guardduty", name: "ListFindings", weight: 1, flags: fRead, build: func(g *gen) { g.e.Request.Str("detectorId", g.r.Hex(32)) }},
	{source: "securityhub", name: "GetFindings", weight: 2, flags: fRead, build: func(g *gen) { g.e.Request.Int("maxResults", 100) }},
	{source: "securityhub", name: "BatchImportFindings", weight: 2, flags: fAgent},

	// Analytics: Athena, Glue, Kinesis.
	{source: "athena", name: "StartQueryExecution", weight: 2, build: func(g *gen) {
		g.e.Request.Str("queryString", "SELECT * FROM "+synth.Pick(g.r, apps)+"_events WHERE dt = '"+g.day()+"' LIMIT 100").
			Str("workGroup", synth.Pick(g.r, g.res.workgroups))
		g.e.Response.Str("queryExecutionId", g.r.UUID())
	}},
	{source: "athena", name: "GetQueryExecution", weight: 5, flags: fRead, build: func(g *gen) { g.e.Request.Str("queryExecutionId", g.r.UUID()) }},
	{source: "athena", name: "GetQueryResults", weight: 3, flags: fRead, build: func(g *gen) { g.e.Request.Str("queryExecutionId", g.r.UUID()) }},
	{source: "glue", name: "GetTable", weight: 4, flags: fRead, build: func(g *gen) {
		g.e.Request.Str("databaseName", g.acct.env+"_datalake").Str("name", synth.Pick(g.r, apps)+"_events")
	}},
	{source: "glue", name: "GetPartitions", weight: 3, flags: fRead, build: func(g *gen) {
		g.e.Request.Str("databaseName", g.acct.env+"_datalake").Str("tableName", synth.Pick(g.r, apps)+"_events").Str("expression", "dt = '"+g.day()+"'")
	}},
	{source: "glue", name: "StartCrawler", weight: 0.1, build: param("name", (*gen).crawler)},
	{source: "kinesis", name: "PutRecords", weight: 5, flags: fData, errRate: 0.01, build: func(g *gen) {
		s := "arn:aws:kinesis:" + g.region + ":" + g.acct.id + ":stream/" + g.streamName()
		g.e.Request.Str("streamARN", s)
		g.e.AddResource(g.acct.id, "AWS::Kinesis::Stream", s)
	}},
	{source: "kinesis", name: "DescribeStreamSummary", weight: 2, flags: fRead, build: param("streamName", (*gen).streamName)},
	{source: "kinesis", name: "ListShards", weight: 1, flags: fRead, build: param("streamName", (*gen).streamName)},

	// Orchestration and the rest.
	{source: "events", name: "PutEvents", weight: 5, flags: fData, errRate: 0.005, build: func(g *gen) {
		g.e.Request.Arr("entries").Obj("").Str("source", "acme."+synth.Pick(g.r, apps)).Str("detailType", "StateChanged").End().End()
	}},
	{source: "events", name: "DescribeRule", weight: 1, flags: fRead, build: param("name", (*gen).rule)},
	{source: "events", name: "PutRule", weight: 0.05, build: func(g *gen) {
		g.e.Request.Str("name", g.rule()).Str("scheduleExpression", "rate(5 minutes)").Str("state", "ENABLED")
	}},
	{source: "states", name: "StartExecution", weight: 2, build: func(g *gen) {
		m := g.machine()
		g.e.Request.Str("stateMachineArn", m).Str("input", "HIDDEN_DUE_TO_SECURITY_REASONS")
		g.e.Response.Str("executionArn", strings.Replace(m, ":stateMachine:", ":execution:", 1)+":"+g.r.UUID()).Int("startDate", g.e.Time.UnixMilli())
	}},
	{source: "states", name: "DescribeExecution", weight: 2, flags: fRead, build: func(g *gen) {
		g.e.Request.Str("executionArn", strings.Replace(g.machine(), ":stateMachine:", ":execution:", 1)+":"+g.r.UUID())
	}},
	{source: "tagging", name: "GetResources", weight: 2, flags: fRead, build: func(g *gen) {
		g.e.Request.Arr("resourceTypeFilters").Str("", synth.Pick(g.r, []string{"ec2:instance", "rds:db", "lambda:function", "s3"})).End().Int("resourcesPerPage", 100)
	}},
}

var awsPolicies = []string{
	"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
	"arn:aws:iam::aws:policy/CloudWatchLogsFullAccess", "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
	"arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole", "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
	"arn:aws:iam::aws:policy/AdministratorAccess",
}

func ddbItem(g *gen) {
	t := "arn:aws:dynamodb:" + g.region + ":" + g.acct.id + ":table/" + g.table()
	g.e.Request.Str("tableName", t[strings.LastIndexByte(t, '/')+1:]).Obj("key").Obj("pk").Str("S", "HIDDEN_DUE_TO_SECURITY_REASONS").End().End()
	g.e.AddResource(g.acct.id, "AWS::DynamoDB::Table", t)
}

func sqsData(g *gen) {
	q := g.queue()
	g.e.Request.Str("queueUrl", q)
	name := q[strings.LastIndexByte(q, '/')+1:]
	g.e.AddResource(g.acct.id, "AWS::SQS::Queue", "arn:aws:sqs:"+g.region+":"+g.acct.id+":"+name)
}

func ecrImage(g *gen) {
	g.e.Request.Str("repositoryName", g.repo()).Str("registryId", g.acct.id).Arr("imageIds").Obj("").Str("imageTag", synth.Pick(g.r, []string{"latest", "main", g.r.Hex(7)})).End().End().
		Arr("acceptedMediaTypes").Str("", "application/vnd.docker.distribution.manifest.v2+json").End()
}

func tgTargets(g *gen) {
	g.e.Request.Str("targetGroupArn", g.tg()).Arr("targets").Obj("").Str("id", g.instance()).Int("port", 8080).End().End()
}

// personaSpec says how much a persona favours each service, writes and data events.
type personaSpec struct {
	services map[string]float64
	other    float64 // weight of services not listed
	write    float64 // factor for management writes
	data     float64 // factor for data events
}

var personas = [nPersonas]personaSpec{
	pAdmin: {other: 1, write: 3, data: 0.3, services: map[string]float64{"iam": 2, "signin": 1}},
	pDev: {other: 0.4, write: 2, data: 0.3, services: map[string]float64{
		"ec2": 2, "lambda": 3, "logs": 3, "s3": 1.5, "dynamodb": 1.5, "cloudformation": 3, "ecr": 2, "ecs": 3, "sqs": 1,
		"ssm": 1.5, "states": 2, "monitoring": 2, "iam": 0.3, "signin": 1, "sts": 1}},
	pAudit: {other: 1, write: 0, data: 0, services: map[string]float64{
		"iam": 3, "config": 3, "cloudtrail": 3, "guardduty": 3, "securityhub": 3, "ec2": 1.5, "s3": 1.5, "signin": 1}},
	pDeploy: {other: 0.3, write: 2.5, data: 0.15, services: map[string]float64{
		"ec2": 2, "iam": 2, "s3": 1, "lambda": 2, "cloudformation": 3, "ecr": 3, "ecs": 2, "logs": 1, "route53": 2,
		"elasticloadbalancing": 2, "autoscaling": 1, "rds": 1, "kms": 0.5, "ssm": 1, "secretsmanager": 1, "sts": 2, "signin": 0}},
	pApp: {other: 0, write: 0.3, data: 1, services: map[string]float64{
		"s3": 3, "kms": 1.5, "secretsmanager": 2, "ssm": 2, "dynamodb": 2, "sqs": 3, "sns": 2, "sts": 1, "logs": 0.5,
		"events": 1, "kinesis": 1}},
	pLambda: {other: 0, write: 0.3, data: 1, services: map[string]float64{
		"s3": 2, "dynamodb": 4, "kms": 1.5, "sqs": 3, "sns": 2, "secretsmanager": 1.5, "ssm": 2, "logs": 1, "events": 2,
		"states": 1, "kinesis": 2, "sts": 0.5, "lambda": 0.5}},
	pData: {other: 0, write: 0.5, data: 1, services: map[string]float64{
		"s3": 5, "glue": 4, "athena": 4, "kms": 1.5, "dynamodb": 1, "sts": 0.5, "states": 1, "kinesis": 1}},
	pMonitor: {other: 0.2, write: 0.05, data: 0, services: map[string]float64{
		"monitoring": 4, "ec2": 2, "rds": 2, "elasticloadbalancing": 2, "autoscaling": 2, "lambda": 1, "dynamodb": 1,
		"s3": 0.5, "iam": 1, "config": 2, "cloudtrail": 1, "tagging": 3, "securityhub": 2, "signin": 0}},
	pAuto: {other: 0, write: 6, data: 0, services: map[string]float64{
		"ec2": 3, "autoscaling": 3, "elasticloadbalancing": 3, "ecs": 3, "monitoring": 1}},
	pRoot: {other: 0.1, write: 1, data: 0, services: map[string]float64{"iam": 5, "organizations": 3, "signin": 10, "s3": 0.5}},
}

// pickTable is a cumulative weight table over catalog indices.
type pickTable struct {
	cum []float64
	idx []int
}

func (t *pickTable) pick(r *synth.Rand) *call {
	x := r.Float64() * t.cum[len(t.cum)-1]
	lo, hi := 0, len(t.cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if t.cum[m] > x {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return &catalog[t.idx[lo]]
}

// callTables[persona][0] are the calls a persona makes in us-east-1; [1] elsewhere (no global services).
var callTables = func() (t [nPersonas][2]pickTable) {
	for i := range catalog {
		c := &catalog[i]
		c.svc = c.source
		c.source += ".amazonaws.com"
		c.cli = c.svc + "." + kebab(c.name)
	}
	for p := range nPersonas {
		spec := personas[p]
		for region := range 2 {
			tab := &t[p][region]
			sum := 0.0
			for i := range catalog {
				c := &catalog[i]
				if region == 1 && c.flags&fGlobal != 0 {
					continue
				}
				if c.flags&fHuman != 0 && p != pAdmin && p != pDev && p != pAudit && p != pRoot {
					continue
				}
				if c.flags&fAgent != 0 && p != pApp && p != pLambda && p != pAuto && p != pMonitor {
					continue
				}
				w := c.weight
				if f, ok := spec.services[c.svc]; ok {
					w *= f
				} else {
					w *= spec.other
				}
				switch {
				case c.flags&fData != 0:
					w *= spec.data
				case c.flags&fRead == 0:
					w *= spec.write
				}
				if w <= 0 {
					continue
				}
				sum += w
				tab.cum = append(tab.cum, sum)
				tab.idx = append(tab.idx, i)
			}
		}
	}
	return t
}()

// kebab turns an API name into aws-cli's command form: DescribeInstances -> describe-instances; Lambda's
// versioned names lose their date.
func kebab(name string) string {
	if i := strings.Index(name, "2015"); i > 0 {
		name = name[:i]
	}
	var b strings.Builder
	for i, c := range name {
		if c >= 'A' && c <= 'Z' {
			if i > 0 {
				b.WriteByte('-')
			}
			c += 'a' - 'A'
		}
		b.WriteRune(c)
	}
	return b.String()
}
