package cloudtrail

import (
	"net/url"
	"strings"
)

// ListedResource is one entry of a record's resources[] array, as CloudTrail writes it: an ARN, or an
// ARNPrefix for a set of resources (S3 objects under a prefix), with the CloudFormation-style type
// ("AWS::S3::Object") and the owning account.
type ListedResource struct{ ARN, ARNPrefix, Type, AccountID string }

// Key is the canonical "kind id" string of a resource, the value the index interns and posts events
// under ("ec2:instance i-0abc", "s3:object bucket/k/ey"). The ARN is not part of it: an ARN and the
// bare ID of the same thing give the same Key. Nor are the account, region or IAM path, which bare IDs
// do not carry: role "Admin" of two accounts is one resource. Kinds never contain a space, so the first
// space separates kind from ID.
func (r Resource) Key() string { return r.Kind + " " + r.ID }

// maxValueLen bounds the strings taken as IDs: longer values are documents, not names.
const maxValueLen = 1024

// maxDepth bounds how deep the walk goes into nested objects, which bounds its cost on large
// responses. EC2's deepest useful nesting (RunInstances' instancesSet.items[].networkInterfaceSet.items[]
// .groupSet.items[].groupId) is at depth 6.
const maxDepth = 8

// ResourceFromARN canonicalises an ARN (or the ARNPrefix of a resources[] entry) into a Resource:
//
//	arn:aws:ec2:us-east-1:123:instance/i-0abc  -> ec2:instance i-0abc
//	arn:aws:s3:::bucket                        -> s3:bucket bucket
//	arn:aws:s3:::bucket/k/ey                   -> s3:object bucket/k/ey
//	arn:aws:iam::123:role/path/Name            -> iam:role Name
//	arn:aws:lambda:r:123:function:fn:PROD      -> lambda:function fn
//	arn:aws:rds:r:123:db:MyDB                  -> rds:db mydb
//
// It works for every partition (aws, aws-cn, aws-us-gov, ...). An ARN of a type it does not know gives
// kind "service:type" and the rest as the ID ("service" alone when the ARN has no type). ok is false
// when s is not an ARN: fewer than six colon-separated parts, a partition or service that is empty or
// not a name, no resource, or more than 1 KB. The Resource's ARN is s itself.
func ResourceFromARN(s string) (Resource, bool) {
	if len(s) < 8 || len(s) > maxValueLen || s[:4] != "arn:" {
		return Resource{}, false
	}
	rest := s[4:]
	partition, rest, ok1 := strings.Cut(rest, ":")
	service, rest, ok2 := strings.Cut(rest, ":")
	region, rest, ok3 := strings.Cut(rest, ":")
	account, res, ok4 := strings.Cut(rest, ":")
	if !ok1 || !ok2 || !ok3 || !ok4 || !isName(partition) || !isName(service) || res == "" {
		return Resource{}, false
	}
	kind, id := arnResource(service, region, account, res)
	if kind == "" || id == "" {
		return Resource{}, false
	}
	return Resource{Kind: kind, ID: id, ARN: s}, true
}

// arnResource maps the resource part of an ARN of a service to a kind and a canonical ID.
func arnResource(service, region, account, res string) (kind, id string) {
	typ, id, sep := splitType(res)
	switch service {
	case "s3":
		if region == "" && account == "" {
			bucket, key, isObject := strings.Cut(res, "/")
			if !isObject {
				return kindS3Bucket, bucket
			}
			if bucket == "" || key == "" {
				return kindS3Bucket, bucket
			}
			return kindS3Object, res
		}
	case "iam":
		switch typ {
		case "user":
			return kindIAMUser, lastSegment(id)
		case "role":
			return kindIAMRole, lastSegment(id)
		case "group":
			return kindIAMGroup, lastSegment(id)
		case "policy":
			return kindIAMPolicy, lastSegment(id)
		case "instance-profile":
			return kindIAMInstanceProfile, lastSegment(id)
		case "mfa":
			return kindIAMMFA, lastSegment(id)
		case "server-certificate":
			return kindIAMServerCert, lastSegment(id)
		case "saml-provider":
			return kindIAMSAMLProvider, id
		case "oidc-provider":
			return kindIAMOIDCProvider, id
		case "root":
			if sep == 0 {
				return kindIAMRoot, account
			}
		}
	case "ec2":
		switch typ {
		case "instance":
			return kindEC2Instance, id
		case "security-group":
			return kindEC2SecurityGroup, id
		case "volume":
			return kindEC2Volume, id
		case "snapshot":
			return kindEC2Snapshot, id
		case "image":
			return kindEC2Image, id
		case "key-pair":
			return kindEC2KeyPair, id
		case "vpc":
			return kindEC2VPC, id
		case "subnet":
			return kindEC2Subnet, id
		case "network-interface":
			return kindEC2ENI, id
		case "vpc-flow-log":
			return kindEC2FlowLog, id
		}
	case "kms":
		switch typ {
		case "key":
			return kindKMSKey, id
		case "alias":
			return kindKMSAlias, res // aliases are named "alias/..." everywhere in the API
		}
	case "lambda":
		switch typ {
		case "function":
			return kindLambdaFunction, cutAt(id, ':') // drop a version or alias qualifier
		case "layer":
			return kindLambdaLayer, cutAt(id, ':')
		}
	case "rds":
		if sep == ':' {
			// DB identifiers are case-insensitive; RDS stores and prints them lower case.
			id = strings.ToLower(id)
			switch typ {
			case "db":
				return kindRDSDB, id
			case "cluster":
				return kindRDSCluster, id
			case "snapshot":
				return kindRDSSnapshot, id
			case "cluster-snapshot":
				return kindRDSClusterSnapshot, id
			case "subgrp":
				return kindRDSSubnetGroup, id
			case "secgrp":
				return kindRDSSecurityGroup, id
			}
		}
	case "logs":
		if typ == "log-group" {
			return kindLogGroup, cutAt(id, ':') // drop ":*" and ":log-stream:..."
		}
	case "secretsmanager":
		if typ == "secret" {
			return kindSecret, trimSecretSuffix(id)
		}
	case "ssm":
		switch typ {
		case "parameter":
			if strings.IndexByte(id, '/') >= 0 {
				return kindSSMParameter, res[len("parameter"):] // hierarchical names start with a slash
			}
			return kindSSMParameter, id
		case "document":
			return kindSSMDocument, id
		case "managed-instance":
			return kindSSMManaged, id
		}
	case "cloudtrail":
		if typ == "trail" {
			return kindTrail, id
		}
	case "dynamodb":
		if typ == "table" {
			return kindDynamoDBTable, cutAt(id, '/') // table/T/stream/..., table/T/index/...
		}
	case "ecs":
		switch typ {
		case "cluster":
			return kindECSCluster, id
		case "service":
			return kindECSService, lastSegment(id) // service/cluster/name or service/name
		case "task-definition":
			return kindECSTaskDef, cutAt(id, ':') // the family, without the revision
		}
	case "eks":
		switch typ {
		case "cluster":
			return kindEKSCluster, id
		case "nodegroup":
			if _, rest, ok := strings.Cut(id, "/"); ok {
				return kindEKSNodegroup, cutAt(rest, '/')
			}
		}
	case "sns":
		if sep == 0 {
			return kindSNSTopic, res
		}
		if sep == ':' {
			return kindSNSSubscription, res
		}
	case "sqs":
		if sep == 0 {
			return kindSQSQueue, res
		}
	case "cloudformation":
		switch typ {
		case "stack":
			return kindStack, cutAt(id, '/') // stack/name/uuid
		case "stackset":
			return kindStackSet, cutAt(id, ':')
		}
	case "guardduty":
		if typ == "detector" {
			return kindGuardDuty, cutAt(id, '/')
		}
	}
	if sep == 0 || !isName(typ) {
		return service, res
	}
	return service + ":" + typ, id
}

// isName reports whether s is a non-empty run of letters, digits, '-', '_' and '.': what partitions,
// services and resource types are made of. Kinds are made of them, so a kind never holds a space.
func isName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return s != ""
}

// splitType splits the resource part of an ARN at its first '/' or ':' into a type and the rest.
// sep is the separator found, 0 when there is none.
func splitType(res string) (typ, rest string, sep byte) {
	for i := 0; i < len(res); i++ {
		if c := res[i]; c == '/' || c == ':' {
			return res[:i], res[i+1:], c
		}
	}
	return res, "", 0
}

func lastSegment(s string) string {
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[i+1:]
	}
	return s
}

func cutAt(s string, c byte) string {
	if i := strings.IndexByte(s, c); i >= 0 {
		return s[:i]
	}
	return s
}

// trimSecretSuffix removes the "-AbCdEf" that Secrets Manager appends to a secret's name in its ARN,
// so that the ARN and the name of a secret are one resource.
func trimSecretSuffix(s string) string {
	n := len(s)
	if n < 8 || s[n-7] != '-' {
		return s
	}
	for i := n - 6; i < n; i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return s
		}
	}
	return s[:n-7]
}

// NormalizeResourceTerm turns what a user typed after "resource:" into the canonical ID that
// ExtractResources would have indexed: the ID of an ARN (also URL-encoded), the bucket/key of an
// s3:// URL, the queue name of an SQS queue URL. Anything else is returned as it is.
func NormalizeResourceTerm(v string) string {
	v = strings.TrimSpace(v)
	if r, ok := ResourceFromARN(unescapeARN(v)); ok {
		return r.ID
	}
	if rest, ok := strings.CutPrefix(v, "s3://"); ok && rest != "" {
		return strings.TrimSuffix(rest, "/")
	}
	if strings.HasPrefix(v, "https://sqs.") || strings.HasPrefix(v, "https://queue.amazonaws.com/") {
		if name := lastSegment(strings.TrimSuffix(v, "/")); name != "" {
			return name
		}
	}
	return v
}

// unescapeARN decodes an ARN that a client URL-encoded ("arn%3Aaws%3Aiam..."), as some EKS and API
// Gateway requests carry them.
func unescapeARN(s string) string {
	if len(s) > 6 && (s[:6] == "arn%3A" || s[:6] == "arn%3a") {
		if d, err := url.PathUnescape(s); err == nil {
			return d
		}
	}
	return s
}

// ExtractResources returns the resources an event touched, de-duplicated by (Kind, ID): those of its
// resources[] array, and those named by the requestParameters and responseElements (raw JSON; nil,
// "null" and garbage give nothing) of well-known calls. source is the eventSource
// ("ec2.amazonaws.com") and name the eventName: the meaning of a key depends on the service (`name` is
// a trail under cloudtrail, a parameter under ssm, a cluster under eks) and, for a few keys, on the
// call. Any key whose name ends in "Arn" (or "ARN", "Arns", ...) and holds an ARN is taken in every
// service. It never panics. The strings returned do not alias request or response (the caller may
// reuse those buffers); those that come from listed are listed's own.
func ExtractResources(source, name string, listed []ListedResource, request, response []byte) []Resource {
	w := walker{svc: serviceOf(source), name: name}
	for _, l := range listed {
		w.addListed(l)
	}
	w.walkRaw(request, true)
	w.walkRaw(response, false)
	if w.bucket != "" && w.objKey != "" {
		w.add(kindS3Object, w.bucket+"/"+w.objKey) // the concatenation copies: no alias of request
	}
	return w.out
}
