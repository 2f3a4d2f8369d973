package cloudtrail

import (
	"net/url"
	"strings"
	"unsafe"

	"github.com/tidwall/gjson"
)

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
