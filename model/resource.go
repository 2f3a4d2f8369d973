package model

import (
	"net/url"
	"strings"
	"unsafe"

	"github.com/tidwall/gjson"
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

// Resource kinds. They follow the resource types of ARNs ("service:type"), so that a bare ID found in
// requestParameters and an ARN of the same thing canonicalise to the same kind.
const (
	kindEC2Instance      = "ec2:instance"
	kindEC2SecurityGroup = "ec2:security-group"
	kindEC2Volume        = "ec2:volume"
	kindEC2Snapshot      = "ec2:snapshot"
	kindEC2Image         = "ec2:image"
	kindEC2KeyPair       = "ec2:key-pair"
	kindEC2VPC           = "ec2:vpc"
	kindEC2Subnet        = "ec2:subnet"
	kindEC2ENI           = "ec2:network-interface"
	kindEC2FlowLog       = "ec2:vpc-flow-log"
	kindEC2IGW           = "ec2:internet-gateway"
	kindEC2RouteTable    = "ec2:route-table"
	kindEC2ElasticIP     = "ec2:elastic-ip"
	kindEC2NATGateway    = "ec2:natgateway"
	kindEC2NetworkACL    = "ec2:network-acl"
	kindEC2LaunchTmpl    = "ec2:launch-template"
	kindEC2TGW           = "ec2:transit-gateway"
	kindEC2Peering       = "ec2:vpc-peering-connection"

	kindS3Bucket = "s3:bucket"
	kindS3Object = "s3:object"

	kindIAMUser            = "iam:user"
	kindIAMRole            = "iam:role"
	kindIAMGroup           = "iam:group"
	kindIAMPolicy          = "iam:policy"
	kindIAMInstanceProfile = "iam:instance-profile"
	kindIAMAccessKey       = "iam:access-key"
	kindIAMMFA             = "iam:mfa"
	kindIAMSAMLProvider    = "iam:saml-provider"
	kindIAMOIDCProvider    = "iam:oidc-provider"
	kindIAMServerCert      = "iam:server-certificate"
	kindIAMRoot            = "iam:root"

	kindLambdaFunction = "lambda:function"
	kindLambdaLayer    = "lambda:layer"
	kindKMSKey         = "kms:key"
	kindKMSAlias       = "kms:alias"

	kindRDSDB              = "rds:db"
	kindRDSCluster         = "rds:cluster"
	kindRDSSnapshot        = "rds:snapshot"
	kindRDSClusterSnapshot = "rds:cluster-snapshot"
	kindRDSSubnetGroup     = "rds:subgrp"
	kindRDSSecurityGroup   = "rds:secgrp"

	kindTrail           = "cloudtrail:trail"
	kindSecret          = "secretsmanager:secret"
	kindSSMParameter    = "ssm:parameter"
	kindSSMDocument     = "ssm:document"
	kindSSMManaged      = "ssm:managed-instance"
	kindECSCluster      = "ecs:cluster"
	kindECSService      = "ecs:service"
	kindECSTaskDef      = "ecs:task-definition"
	kindEKSCluster      = "eks:cluster"
	kindEKSNodegroup    = "eks:nodegroup"
	kindDynamoDBTable   = "dynamodb:table"
	kindSNSTopic        = "sns:topic"
	kindSNSSubscription = "sns:subscription"
	kindSQSQueue        = "sqs:queue"
	kindStack           = "cloudformation:stack"
	kindStackSet        = "cloudformation:stackset"
	kindGuardDuty       = "guardduty:detector"
	kindConfigRecorder  = "config:configuration-recorder"
	kindConfigChannel   = "config:delivery-channel"
	kindConfigRule      = "config:config-rule"
	kindLogGroup        = "logs:log-group"
)

// Pseudo-kinds of the key tables: how to read a value rather than what it is.
const (
	pkARN      = "=arn"      // only ARNs (or arrays of ARNs); other strings are ignored
	pkInstance = "=instance" // i-... is an EC2 instance, mi-... an SSM managed instance
	pkEC2ByID  = "=ec2"      // an EC2 ID whose prefix says its kind: vpc-, sg-, i-, ...
	pkSkip     = "=skip"     // neither a resource nor worth walking into
	pkEC2Filt  = "=filter"   // EC2 filterSet: the values of filters such as vpc-id are IDs
)

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

// service is an eventSource the extractor knows keys of.
type service uint8

const (
	svcOther service = iota
	svcEC2
	svcS3
	svcIAM
	svcSTS
	svcLambda
	svcKMS
	svcRDS
	svcCloudTrail
	svcSecrets
	svcSSM
	svcECS
	svcEKS
	svcDynamoDB
	svcSNS
	svcSQS
	svcCloudFormation
	svcGuardDuty
	svcConfig
	svcLogs
)

func serviceOf(source string) service {
	switch strings.TrimSuffix(source, ".amazonaws.com") {
	case "ec2":
		return svcEC2
	case "s3":
		return svcS3
	case "iam":
		return svcIAM
	case "sts":
		return svcSTS
	case "lambda":
		return svcLambda
	case "kms":
		return svcKMS
	case "rds":
		return svcRDS
	case "cloudtrail":
		return svcCloudTrail
	case "secretsmanager":
		return svcSecrets
	case "ssm":
		return svcSSM
	case "ecs":
		return svcECS
	case "eks":
		return svcEKS
	case "dynamodb":
		return svcDynamoDB
	case "sns":
		return svcSNS
	case "sqs":
		return svcSQS
	case "cloudformation":
		return svcCloudFormation
	case "guardduty":
		return svcGuardDuty
	case "config":
		return svcConfig
	case "logs":
		return svcLogs
	}
	return svcOther
}

// walker collects the resources of one event. It walks requestParameters and responseElements in
// one pass over their bytes, without decoding them: each key is looked up as it goes by, strings are
// views into the JSON (cloned only when kept), and what is not wanted (policies, tags, values deeper
// than maxDepth) is skipped over by a bracket count. A generic JSON walker (gjson's ForEach) scans a
// nested value once per level it is nested in; this one scans each byte once.
type walker struct {
	svc     service
	name    string // eventName
	out     []Resource
	bucket  string // S3: requestParameters.bucketName and key, views into s until joined
	objKey  string
	s       string // the JSON being walked
	request bool
}

// Modes of the walk below a key.
const (
	modeNormal = iota
	modeFilter // an EC2 filterSet: only the "value"s are looked at
	modeTables // DynamoDB requestItems: the keys are table names
)

func (w *walker) addListed(l ListedResource) {
	if l.ARN != "" {
		if r, ok := ResourceFromARN(l.ARN); ok {
			w.addResource(r)
		}
		return
	}
	if l.ARNPrefix == "" {
		return
	}
	r, ok := ResourceFromARN(l.ARNPrefix)
	if !ok {
		return
	}
	if r.Kind == kindS3Object {
		// A prefix names a set of objects, not one: what they share is the bucket.
		r.Kind, r.ID, r.ARN = kindS3Bucket, cutAt(r.ID, '/'), ""
	}
	w.addResource(r)
}

// addResource appends r unless a resource of the same kind and ID is there already, in which case
// it only fills in a missing ARN.
func (w *walker) addResource(r Resource) {
	for i := range w.out {
		if w.out[i].ID == r.ID && w.out[i].Kind == r.Kind {
			if w.out[i].ARN == "" && r.ARN != "" {
				w.out[i].ARN = r.ARN
			}
			return
		}
	}
	w.push(r)
}

func (w *walker) push(r Resource) {
	if w.out == nil {
		w.out = make([]Resource, 0, 4)
	}
	w.out = append(w.out, r)
}

// walkRaw walks one of requestParameters and responseElements. The JSON is viewed in place, without a
// copy; everything kept from it is cloned.
func (w *walker) walkRaw(raw []byte, request bool) {
	if len(raw) < 2 {
		return
	}
	w.s = unsafe.String(unsafe.SliceData(raw), len(raw))
	w.request = request
	if i := w.ws(0); i < len(w.s) && w.s[i] == '{' {
		w.object(i, 0, "", modeNormal)
	}
	w.s = ""
}

// ws skips white space.
func (w *walker) ws(i int) int {
	for i < len(w.s) {
		switch w.s[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// str reads the string that starts at s[i] == '"'. It returns the string (a view into s unless it
// had escapes) and the index after it; ok is false when the string does not end.
func (w *walker) str(i int) (v string, next int, ok bool) {
	// A byte loop first: keys and IDs are short, and a call to IndexByte costs more than it saves on
	// them. Long strings (session tokens, policy documents) go on with IndexByte.
	escaped := false
	k := i + 1
	for end := min(len(w.s), k+32); k < end; k++ {
		switch w.s[k] {
		case '"':
			return w.unquote(i, k, escaped), k + 1, true
		case '\\':
			escaped = true
			k++
		}
	}
	for k < len(w.s) {
		q := strings.IndexByte(w.s[k:], '"')
		if q < 0 {
			return "", len(w.s), false
		}
		q += k
		n := 0 // backslashes before the quote: an odd number escapes it
		for p := q - 1; p > i && w.s[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			escaped = escaped || strings.IndexByte(w.s[k:q], '\\') >= 0
			return w.unquote(i, q, escaped), q + 1, true
		}
		escaped, k = true, q+1
	}
	return "", len(w.s), false
}

// unquote gives the string between the quotes at s[i] and s[k], decoding its escapes if it has any.
func (w *walker) unquote(i, k int, escaped bool) string {
	if escaped {
		return gjson.Parse(w.s[i : k+1]).Str
	}
	return w.s[i+1 : k]
}

// skip passes over the value at s[i] and returns the index after it (len(s) on garbage).
func (w *walker) skip(i int) int {
	if i >= len(w.s) {
		return len(w.s)
	}
	switch w.s[i] {
	case '"':
		_, next, _ := w.str(i)
		return next
	case '{', '[':
		depth := 0
		for i < len(w.s) {
			switch w.s[i] {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			case '"':
				_, next, ok := w.str(i)
				if !ok {
					return len(w.s)
				}
				i = next
				continue
			}
			i++
		}
		return len(w.s)
	}
	for i < len(w.s) { // a number, true, false, null
		switch w.s[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

// object walks the object at s[i] == '{' whose members are at depth. inherit is the kind of the key
// that holds the object: its "content", "item" and "name" members name a resource of that kind
// ({"FlowLogId": {"content": "fl-1"}}, {"iamInstanceProfile": {"name": "p"}}). It returns the index
// after the object, len(s) on garbage.
func (w *walker) object(i, depth int, inherit string, mode int) int {
	i = w.ws(i + 1)
	if i < len(w.s) && w.s[i] == '}' {
		return i + 1
	}
	for i < len(w.s) {
		if w.s[i] != '"' {
			return len(w.s)
		}
		key, next, ok := w.str(i)
		if !ok {
			return len(w.s)
		}
		i = w.ws(next)
		if i >= len(w.s) || w.s[i] != ':' {
			return len(w.s)
		}
		i = w.ws(i + 1)
		if i >= len(w.s) {
			return i
		}
		i = w.ws(w.member(i, key, depth, inherit, mode))
		if i >= len(w.s) {
			return i
		}
		switch w.s[i] {
		case ',':
			i = w.ws(i + 1)
		case '}':
			return i + 1
		default:
			return len(w.s)
		}
	}
	return len(w.s)
}

// member handles the value at s[i] of key in an object at depth, and returns the index after it.
func (w *walker) member(i int, key string, depth int, inherit string, mode int) int {
	var kind string
	switch mode {
	case modeFilter:
		if key == "value" {
			kind = pkEC2ByID
		}
	case modeTables:
		w.addValue(kindDynamoDBTable, key)
		return w.skip(i)
	default:
		if inherit != "" {
			switch key {
			case "content", "item", "name", "Name":
				kind = inherit
			}
		}
		if kind == "" {
			kind = w.kindOf(key, depth)
		}
		if kind == "" && isARNKey(key) {
			kind = pkARN
		}
	}
	switch w.s[i] {
	case '"':
		v, next, _ := w.str(i)
		if w.request && depth == 0 && w.svc == svcS3 {
			// An object is named by two keys, bucketName and key: remembered here, joined at the end.
			switch key {
			case "bucketName":
				w.bucket = v
			case "key":
				w.objKey = v
				return next
			}
		}
		if kind != "" && kind != pkSkip && kind != pkEC2Filt {
			w.addValue(kind, v)
		}
		return next
	case '{':
		if depth >= maxDepth || kind == pkSkip {
			return w.skip(i)
		}
		switch {
		case kind == pkEC2Filt:
			mode = modeFilter
		case w.svc == svcDynamoDB && key == "requestItems":
			mode = modeTables
		}
		return w.object(i, depth+1, kind, mode)
	case '[':
		if depth >= maxDepth || kind == pkSkip {
			return w.skip(i)
		}
		if kind == pkEC2Filt {
			kind, mode = "", modeFilter
		}
		return w.array(i, depth+1, kind, mode)
	}
	return w.skip(i)
}

// array walks the array at s[i] == '['. Its strings are resources of kind (when not empty), its
// objects are walked with members at depth. It returns the index after the array.
func (w *walker) array(i, depth int, kind string, mode int) int {
	i = w.ws(i + 1)
	if i < len(w.s) && w.s[i] == ']' {
		return i + 1
	}
	for i < len(w.s) {
		switch w.s[i] {
		case '"':
			v, next, _ := w.str(i)
			if kind != "" && mode == modeNormal {
				w.addValue(kind, v)
			}
			i = next
		case '{':
			if depth > maxDepth {
				i = w.skip(i)
			} else {
				i = w.object(i, depth, "", mode)
			}
		case '[':
			if depth >= maxDepth {
				i = w.skip(i)
			} else {
				i = w.array(i, depth+1, "", mode)
			}
		default:
			i = w.skip(i)
		}
		i = w.ws(i)
		if i >= len(w.s) {
			return i
		}
		switch w.s[i] {
		case ',':
			i = w.ws(i + 1)
		case ']':
			return i + 1
		default:
			return len(w.s)
		}
	}
	return len(w.s)
}

// addValue canonicalises one string found under a key of the given kind and adds it.
func (w *walker) addValue(kind, s string) {
	if s == "" || len(s) > maxValueLen {
		return
	}
	if len(s) > 4 && s[0] == 'a' && s[1] == 'r' && s[2] == 'n' {
		if s[3] == '%' {
			s = unescapeARN(s)
		}
		if strings.HasPrefix(s, "arn:") {
			if r, ok := ResourceFromARN(s); ok && !w.has(r.Kind, r.ID) {
				r, _ = ResourceFromARN(strings.Clone(s))
				w.push(r)
			}
			return
		}
	}
	switch kind {
	case pkARN:
		return
	case pkInstance:
		switch {
		case strings.HasPrefix(s, "i-"):
			kind = kindEC2Instance
		case strings.HasPrefix(s, "mi-"):
			kind = kindSSMManaged
		case w.svc == svcEC2:
			kind = kindEC2Instance
		default:
			return
		}
	case pkEC2ByID:
		if kind = ec2KindByID(s); kind == "" {
			return
		}
	case kindKMSKey:
		if strings.HasPrefix(s, "alias/") {
			kind = kindKMSAlias
		}
	case kindKMSAlias:
		if !strings.HasPrefix(s, "alias/") {
			s = "alias/" + s
		}
	case kindLambdaFunction:
		// A name, a partial ARN ("123456789012:function:fn") or a name with a qualifier ("fn:PROD").
		if i := strings.LastIndex(s, "function:"); i >= 0 {
			s = s[i+len("function:"):]
		}
		s = cutAt(s, ':')
	case kindSSMParameter:
		s = cutAt(s, ':') // name:version, name:label
		if len(s) > 1 && s[0] == '/' && strings.IndexByte(s[1:], '/') < 0 {
			s = s[1:] // "/name" and "name" have the same ARN: one resource
		}
	case kindSQSQueue:
		s = lastSegment(strings.TrimSuffix(s, "/"))
	case kindRDSDB, kindRDSCluster, kindRDSSnapshot, kindRDSClusterSnapshot, kindRDSSubnetGroup, kindRDSSecurityGroup:
		s = strings.ToLower(s)
	case kindECSTaskDef:
		s = cutAt(s, ':')
	case kindECSCluster, kindECSService:
		s = lastSegment(s)
	case kindIAMOIDCProvider:
		s = strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://")
	case kindS3Object:
		// x-amz-copy-source: "bucket/key", "/bucket/key?versionId=...", URL-encoded.
		s = strings.TrimPrefix(cutAt(s, '?'), "/")
		if strings.IndexByte(s, '%') >= 0 {
			if d, err := url.PathUnescape(s); err == nil {
				s = d
			}
		}
		if b, k, ok := strings.Cut(s, "/"); !ok || b == "" || k == "" {
			return
		}
	}
	if s == "" || w.has(kind, s) {
		return
	}
	w.push(Resource{Kind: kind, ID: strings.Clone(s)})
}

// add adds a resource whose ID is already a string of its own.
func (w *walker) add(kind, id string) {
	if id != "" && len(id) <= maxValueLen && !w.has(kind, id) {
		w.push(Resource{Kind: kind, ID: id})
	}
}

func (w *walker) has(kind, id string) bool {
	for i := range w.out {
		if w.out[i].ID == id && w.out[i].Kind == kind {
			return true
		}
	}
	return false
}

// isARNKey reports whether a key's name says it holds ARNs: roleArn, trailARN, policyArns,
// PARAMETER_ARN, aws:s3:arn, ResourceARNList, ...
func isARNKey(k string) bool {
	n := len(k)
	switch {
	case n >= 3 && hasSuffixFold(k, "arn"):
		return true
	case n >= 4 && hasSuffixFold(k, "arns"):
		return true
	case n >= 7 && hasSuffixFold(k, "arnlist"):
		return true
	}
	return false
}

// hasSuffixFold is strings.HasSuffix ignoring ASCII case; suffix must be lower case.
func hasSuffixFold(s, suffix string) bool {
	s = s[len(s)-len(suffix):]
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != suffix[i] {
			return false
		}
	}
	return true
}

// ec2KindByID gives the kind of an EC2 ID from its prefix, "" when the prefix is not known.
func ec2KindByID(s string) string {
	p, _, ok := strings.Cut(s, "-")
	if !ok {
		return ""
	}
	switch p {
	case "i":
		return kindEC2Instance
	case "sg":
		return kindEC2SecurityGroup
	case "vol":
		return kindEC2Volume
	case "snap":
		return kindEC2Snapshot
	case "ami":
		return kindEC2Image
	case "vpc":
		return kindEC2VPC
	case "subnet":
		return kindEC2Subnet
	case "eni":
		return kindEC2ENI
	case "fl":
		return kindEC2FlowLog
	case "igw":
		return kindEC2IGW
	case "rtb":
		return kindEC2RouteTable
	case "eipalloc":
		return kindEC2ElasticIP
	case "nat":
		return kindEC2NATGateway
	case "acl":
		return kindEC2NetworkACL
	case "lt":
		return kindEC2LaunchTmpl
	case "tgw":
		return kindEC2TGW
	case "pcx":
		return kindEC2Peering
	case "key":
		return kindEC2KeyPair
	}
	return ""
}

// kindOf says what the value of a key holds in the event's service: a kind, a pseudo-kind, or ""
// for a key that names nothing (the walk goes on into it).
func (w *walker) kindOf(key string, depth int) string {
	var k string
	switch w.svc {
	case svcEC2:
		k = ec2Key(key, depth)
	case svcS3:
		k = s3Key(key)
	case svcIAM:
		k = w.iamKey(key)
	case svcSTS:
		switch key {
		case "accessKeyId":
			k = kindIAMAccessKey // the minted credentials
		case "serialNumber":
			k = kindIAMMFA
		}
	case svcLambda:
		switch key {
		case "functionName", "FunctionName":
			k = kindLambdaFunction
		case "layerName":
			k = kindLambdaLayer
		case "role", "layers":
			k = pkARN
		}
	case svcKMS:
		switch key {
		case "keyId", "targetKeyId", "destinationKeyId", "sourceKeyId", "KeyId":
			k = kindKMSKey
		case "aliasName":
			k = kindKMSAlias
		}
	case svcRDS:
		k = rdsKey(key)
	case svcCloudTrail:
		switch key {
		case "trailName", "trailNameList":
			k = kindTrail
		case "name":
			if depth == 0 && (strings.Contains(w.name, "Trail") || strings.Contains(w.name, "Logging")) {
				k = kindTrail
			}
		case "resourceIdList", "resourceId":
			k = pkARN
		}
	case svcSecrets:
		switch key {
		case "secretId", "secretIdList", "SecretId":
			k = kindSecret
		case "name":
			if depth == 0 {
				k = kindSecret
			}
		}
	case svcSSM:
		k = w.ssmKey(key, depth)
	case svcECS:
		switch key {
		case "cluster", "clusters", "clusterName":
			k = kindECSCluster
		case "service", "services", "serviceName":
			k = kindECSService
		case "taskDefinition", "family":
			k = kindECSTaskDef
		}
	case svcEKS:
		switch key {
		case "name":
			if depth <= 1 {
				k = kindEKSCluster
			}
		case "clusterName":
			k = kindEKSCluster
		case "nodegroupName":
			k = kindEKSNodegroup
		}
	case svcDynamoDB:
		switch key {
		case "tableName", "TableName", "globalTableName":
			k = kindDynamoDBTable
		}
	case svcSNS:
		if key == "name" && depth == 0 && w.name == "CreateTopic" {
			k = kindSNSTopic
		}
	case svcSQS:
		if key == "queueName" || key == "QueueName" {
			k = kindSQSQueue
		}
	case svcCloudFormation:
		switch key {
		case "stackName", "stackId", "StackName", "StackId":
			k = kindStack
		case "stackSetName", "StackSetName":
			k = kindStackSet
		}
	case svcGuardDuty:
		if key == "detectorId" {
			k = kindGuardDuty
		}
	case svcConfig:
		switch key {
		case "configurationRecorderName", "configurationRecorder", "ConfigurationRecorderName":
			k = kindConfigRecorder
		case "deliveryChannelName", "deliveryChannel", "DeliveryChannelName":
			k = kindConfigChannel
		case "configRuleName", "ConfigRuleName":
			k = kindConfigRule
		}
	case svcLogs:
		if key == "logGroupIdentifier" {
			k = kindLogGroup
		}
	}
	if k != "" {
		return k
	}
	return globalKey(key)
}

// globalKey covers keys that mean the same in every service.
func globalKey(key string) string {
	switch key {
	case "instanceId", "instanceIds", "InstanceId", "InstanceIds":
		return pkInstance
	case "s3BucketName", "S3BucketName":
		return kindS3Bucket
	case "kmsKeyId", "KmsKeyId", "kMSKeyId", "KMSKeyId":
		return kindKMSKey
	case "queueUrl", "QueueUrl":
		return kindSQSQueue
	case "logGroupName", "LogGroupName":
		return kindLogGroup
	// Policies, tags, filters and the caller's own session are not resources the event touched, and
	// policies name many ARNs (Resource, Principal, aws:SourceArn) that it did not touch.
	case "policy", "policyDocument", "bucketPolicy", "assumeRolePolicyDocument", "resourcePolicy",
		"Statement", "Condition", "tags", "tagSet", "tagSpecificationSet", "tagsList", "tagList",
		"Tags", "TagSpecification", "filterSet", "filters", "Filter", "environment",
		"assumedRoleUser", "federatedUser", "userIdentity", "runtimeVersionConfig":
		return pkSkip
	}
	return ""
}

func ec2Key(key string, depth int) string {
	switch key {
	case "instanceId":
		return kindEC2Instance
	case "groupId", "GroupId", "groupIds", "securityGroupIds", "SecurityGroupId":
		return kindEC2SecurityGroup
	case "groupName":
		if depth <= 1 {
			return kindEC2SecurityGroup // a security group named in the request; deeper it is "default" noise
		}
	case "volumeId", "VolumeId":
		return kindEC2Volume
	case "snapshotId", "sourceSnapshotId", "SnapshotId", "SourceSnapshotId":
		return kindEC2Snapshot
	case "imageId", "sourceImageId", "ImageId", "SourceImageId":
		return kindEC2Image
	case "keyName", "KeyName":
		return kindEC2KeyPair
	case "vpcId", "VpcId":
		return kindEC2VPC
	case "subnetId", "SubnetId":
		return kindEC2Subnet
	case "networkInterfaceId", "NetworkInterfaceId":
		return kindEC2ENI
	case "flowLogId", "flowLogIds", "FlowLogId", "FlowLogIds", "flowLogIdSet":
		return kindEC2FlowLog
	case "internetGatewayId", "InternetGatewayId":
		return kindEC2IGW
	case "routeTableId", "RouteTableId":
		return kindEC2RouteTable
	case "allocationId", "AllocationId":
		return kindEC2ElasticIP
	case "natGatewayId", "NatGatewayId":
		return kindEC2NATGateway
	case "networkAclId", "NetworkAclId":
		return kindEC2NetworkACL
	case "launchTemplateId", "launchTemplateName", "LaunchTemplateId", "LaunchTemplateName":
		return kindEC2LaunchTmpl
	case "transitGatewayId", "TransitGatewayId":
		return kindEC2TGW
	case "vpcPeeringConnectionId", "VpcPeeringConnectionId":
		return kindEC2Peering
	case "resourceId", "ResourceId":
		return pkEC2ByID
	case "filterSet":
		return pkEC2Filt
	case "LogDestination", "logDestination":
		return pkARN // the log group or bucket a flow log writes to
	case "iamInstanceProfile", "IamInstanceProfile":
		return kindIAMInstanceProfile // {"name": ...} or {"arn": ...}
	}
	return ""
}

func s3Key(key string) string {
	switch key {
	case "bucketName", "bucket", "Bucket", "TargetBucket":
		return kindS3Bucket
	case "x-amz-copy-source":
		return kindS3Object
	}
	return ""
}

func (w *walker) iamKey(key string) string {
	switch key {
	case "userName", "newUserName":
		return kindIAMUser
	case "roleName":
		return kindIAMRole
	case "groupName", "newGroupName":
		return kindIAMGroup
	case "policyName":
		return kindIAMPolicy // an inline policy, or a managed one being created: named, either way
	case "instanceProfileName":
		return kindIAMInstanceProfile
	case "accessKeyId":
		return kindIAMAccessKey
	case "serialNumber", "virtualMFADeviceName":
		return kindIAMMFA
	case "serverCertificateName", "newServerCertificateName":
		return kindIAMServerCert
	case "url":
		if strings.Contains(w.name, "OpenIDConnectProvider") {
			return kindIAMOIDCProvider
		}
	case "name":
		if strings.Contains(w.name, "SAMLProvider") {
			return kindIAMSAMLProvider
		}
	}
	return ""
}

func rdsKey(key string) string {
	switch key {
	case "dBInstanceIdentifier", "sourceDBInstanceIdentifier", "targetDBInstanceIdentifier":
		return kindRDSDB
	case "dBClusterIdentifier", "sourceDBClusterIdentifier", "targetDBClusterIdentifier":
		return kindRDSCluster
	case "dBSnapshotIdentifier", "sourceDBSnapshotIdentifier", "targetDBSnapshotIdentifier", "finalDBSnapshotIdentifier":
		return kindRDSSnapshot
	case "dBClusterSnapshotIdentifier", "sourceDBClusterSnapshotIdentifier", "targetDBClusterSnapshotIdentifier":
		return kindRDSClusterSnapshot
	case "dBSubnetGroupName":
		return kindRDSSubnetGroup
	case "dBSecurityGroupName":
		return kindRDSSecurityGroup
	case "resourceName":
		return pkARN
	}
	return ""
}

func (w *walker) ssmKey(key string, depth int) string {
	switch key {
	case "name", "names":
		if depth == 0 {
			switch {
			case strings.Contains(w.name, "Parameter"):
				return kindSSMParameter
			case strings.Contains(w.name, "Document"):
				return kindSSMDocument
			}
		}
	case "documentName":
		return kindSSMDocument
	case "target":
		return pkInstance
	}
	return ""
}
