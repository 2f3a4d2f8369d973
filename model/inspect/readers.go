package inspect

import (
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
	"github.com/trailscope/trailscope/model/catalog"
)

// The readers. Each looks at one kind of record and says whether its rule holds, how badly, and why.

func readLogin(c *record) Fact {
	f := Fact{}
	if c.rec.Get("responseElements.ConsoleLogin").String() == "Failure" || c.rec.Get("errorMessage").String() != "" {
		f.Failed = true
	}
	f.NoMFA = !strings.EqualFold(c.rec.Get("additionalEventData.MFAUsed").String(), "yes")
	return f
}

// sensitivePorts are ports whose exposure to the internet is rarely intended: remote administration,
// databases, caches and search engines, file sharing, container and cluster daemons.
var sensitivePorts = []int{20, 21, 22, 23, 135, 139, 445, 1433, 1521, 2375, 2376, 2379, 3306, 3389, 5432, 5601, 5900,
	5984, 5985, 5986, 6379, 6443, 7001, 8020, 9042, 9200, 9300, 10250, 11211, 27017}

func readSecurityGroup(c *record) Fact {
	f := Fact{}
	addRule := func(proto string, from, to int64, cidr string) {
		if !worldCIDR(cidr) {
			return
		}
		sev := catalog.SeverityMedium
		var what string
		switch {
		case proto == "-1" || proto == "all":
			what, sev = "all traffic", catalog.SeverityHigh
		case from <= 0 && to >= 65535 || from == -1:
			what, sev = "all "+proto+" ports", catalog.SeverityHigh
		case from == to:
			what = fmt.Sprintf("%d/%s", from, proto)
		default:
			what = fmt.Sprintf("%d-%d/%s", from, to, proto)
		}
		for _, p := range sensitivePorts {
			if int64(p) >= from && int64(p) <= to {
				sev = catalog.SeverityHigh
			}
		}
		if sev == catalog.SeverityMedium && (from == 80 || from == 443) && from == to {
			sev = catalog.SeverityLow // a web server, most likely meant to be public
		}
		f.Hit = true
		f.Sev = max(f.Sev, sev)
		if f.Detail == "" {
			f.Detail = what + " from " + cidr + " on " + c.Target
		}
	}
	req := c.req
	if cidr := req.Get("cidrIp").String(); cidr != "" {
		addRule(strings.ToLower(req.Get("ipProtocol").String()), req.Get("fromPort").Int(), req.Get("toPort").Int(), cidr)
	}
	for _, p := range ctItems(req.Get("ipPermissions")) {
		proto := strings.ToLower(p.Get("ipProtocol").String())
		from, to := p.Get("fromPort").Int(), p.Get("toPort").Int()
		for _, rg := range ctItems(p.Get("ipRanges")) {
			addRule(proto, from, to, rg.Get("cidrIp").String())
		}
		for _, rg := range ctItems(p.Get("ipv6Ranges")) {
			addRule(proto, from, to, rg.Get("cidrIpv6").String())
		}
	}
	// ModifySecurityGroupRules, and the rule set AuthorizeSecurityGroupIngress answers with.
	for _, path := range []string{"ModifySecurityGroupRulesRequest.SecurityGroupRule", "securityGroupRules"} {
		for _, g := range ctItems(req.Get(path)) {
			sr := g.Get("SecurityGroupRule")
			if !sr.Exists() {
				sr = g.Get("securityGroupRule")
			}
			get := func(k string) gjson.Result { return jsonGetFold(sr, k) }
			proto := strings.ToLower(get("IpProtocol").String())
			for _, k := range []string{"CidrIpv4", "CidrIpv6"} {
				if cidr := get(k).String(); cidr != "" {
					addRule(proto, get("FromPort").Int(), get("ToPort").Int(), cidr)
				}
			}
		}
	}
	if !f.Hit {
		for _, g := range ctItems(c.rec.Get("responseElements.securityGroupRuleSet")) {
			if g.Get("isEgress").Bool() {
				continue
			}
			proto := strings.ToLower(g.Get("ipProtocol").String())
			for _, k := range []string{"cidrIpv4", "cidrIpv6"} {
				if cidr := g.Get(k).String(); cidr != "" {
					addRule(proto, g.Get("fromPort").Int(), g.Get("toPort").Int(), cidr)
				}
			}
		}
	}
	return f
}

// worldCIDR reports a CIDR that covers every address (any prefix of length 0).
func worldCIDR(cidr string) bool {
	if p, err := netip.ParsePrefix(cidr); err == nil {
		return p.Bits() == 0
	}
	return strings.HasSuffix(cidr, "/0") // anonymised data keeps the length, not a valid address
}

// items returns the elements of a CloudTrail list, which comes as {"items":[...]}, a plain array, or
// a single object.
func ctItems(v gjson.Result) []gjson.Result {
	if it := v.Get("items"); it.Exists() {
		v = it
	}
	switch {
	case v.IsArray():
		return v.Array()
	case v.IsObject():
		return []gjson.Result{v}
	}
	return nil
}

// jsonGetFold gets a key of an object, ignoring the case of its first letter (CloudTrail writes both).
func jsonGetFold(obj gjson.Result, key string) gjson.Result {
	if v := obj.Get(key); v.Exists() {
		return v
	}
	return obj.Get(strings.ToLower(key[:1]) + key[1:])
}

func readShare(c *record) Fact {
	f := Fact{}
	var with []string
	public := false
	add := func(v string) {
		switch {
		case v == "" || v == c.Account:
		case strings.EqualFold(v, "all"):
			public = true
		default:
			with = append(with, v)
		}
	}
	req := c.req
	switch c.Name {
	case "ModifySnapshotAttribute", "ModifyImageAttribute":
		for _, k := range []string{"createVolumePermission.add", "launchPermission.add"} {
			for _, it := range ctItems(req.Get(k)) {
				add(it.Get("userId").String())
				add(it.Get("group").String())
				add(it.Get("organizationArn").String())
				add(it.Get("organizationalUnitArn").String())
			}
		}
	default: // RDS
		if strings.EqualFold(req.Get("attributeName").String(), "restore") {
			for _, v := range req.Get("valuesToAdd").Array() {
				add(v.String())
			}
		}
	}
	switch {
	case public:
		f.Hit, f.Sev, f.Detail = true, catalog.SeverityCritical, c.Target+" made public"
	case len(with) > 0:
		f.Hit, f.Sev, f.Detail = true, catalog.SeverityHigh, c.Target+" shared with "+strings.Join(with, ",")
	}
	return f
}

// policyDoc reads a policy document, which CloudTrail gives as an object, a JSON string, or a
// URL-encoded JSON string.
func policyDoc(v gjson.Result) gjson.Result {
	if v.Type != gjson.String {
		return v
	}
	s := v.Str
	if strings.HasPrefix(s, "%7B") || strings.HasPrefix(s, "%7b") {
		if u, err := url.QueryUnescape(s); err == nil {
			s = u
		}
	}
	return gjson.Parse(s)
}

// statements returns a policy's statements: a list or a single one.
func policyStatements(doc gjson.Result) []gjson.Result {
	return ctItems(jsonGetFold(doc, "Statement"))
}

// strs returns a string-or-list value as a list.
func jsonStrings(v gjson.Result) []string {
	if v.IsArray() {
		var out []string
		for _, x := range v.Array() {
			out = append(out, x.String())
		}
		return out
	}
	if v.Exists() {
		return []string{v.String()}
	}
	return nil
}

func stmtAllows(st gjson.Result) bool {
	return strings.EqualFold(jsonGetFold(st, "Effect").String(), "Allow")
}

// stmtAWSPrincipals returns the AWS principals a statement names; "*" stands for anyone.
func stmtAWSPrincipals(st gjson.Result) []string {
	p := jsonGetFold(st, "Principal")
	if p.Type == gjson.String {
		return []string{p.Str}
	}
	return jsonStrings(p.Get("AWS"))
}

// principalAccount returns the account of an AWS principal: an ARN's or a bare account ID.
func principalAccount(p string) string {
	if strings.HasPrefix(p, "arn:") {
		parts := strings.SplitN(p, ":", 6)
		if len(parts) == 6 {
			return parts[4]
		}
	}
	return p
}

// policyOutsiders returns, of a policy's Allow statements, "anyone" and the accounts other than own its
// principals name. Statements with a Condition are left out when they let in anyone: conditions
// usually narrow them (a source VPC, an organization).
func policyOutsiders(doc gjson.Result, own string) (anyone bool, accounts []string) {
	for _, st := range policyStatements(doc) {
		if !stmtAllows(st) {
			continue
		}
		for _, p := range stmtAWSPrincipals(st) {
			switch a := principalAccount(p); {
			case p == "*":
				if !jsonGetFold(st, "Condition").Exists() {
					anyone = true
				}
			case a != "" && a != own && !slices.Contains(accounts, a):
				accounts = append(accounts, a)
			}
		}
	}
	return anyone, accounts
}

func readBucketPolicy(c *record) Fact {
	f := Fact{}
	doc := policyDoc(c.req.Get("bucketPolicy"))
	anyone, accounts := policyOutsiders(doc, c.Account)
	switch {
	case anyone:
		f.Hit, f.Sev, f.Detail = true, catalog.SeverityCritical, "policy of "+c.Target+" lets anyone in"
	case len(accounts) > 0:
		f.Hit, f.Sev, f.Detail = true, catalog.SeverityHigh, "policy of "+c.Target+" lets in account "+strings.Join(accounts, ",")
	}
	return f
}

func readBucketACL(c *record) Fact {
	f := Fact{}
	for _, acl := range jsonStrings(c.req.Get("x-amz-acl")) {
		if strings.HasPrefix(acl, "public-") || acl == "authenticated-read" {
			f.Hit, f.Sev, f.Detail = true, catalog.SeverityHigh, "ACL of "+c.Target+" set to "+acl
			return f
		}
	}
	for _, g := range ctItems(c.req.Get("AccessControlPolicy.AccessControlList.Grant")) {
		uri := g.Get("Grantee.URI").String()
		if strings.HasSuffix(uri, "/AllUsers") || strings.HasSuffix(uri, "/AuthenticatedUsers") {
			f.Hit, f.Sev = true, catalog.SeverityHigh
			f.Detail = "ACL of " + c.Target + " grants " + g.Get("Permission").String() + " to " + uri[strings.LastIndexByte(uri, '/')+1:]
			return f
		}
	}
	return f
}

func readPublicAccessBlock(c *record) Fact {
	f := Fact{}
	conf := c.req.Get("PublicAccessBlockConfiguration")
	var off []string
	for _, k := range []string{"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"} {
		if v := conf.Get(k); v.Exists() && !v.Bool() {
			off = append(off, k)
		}
	}
	if len(off) > 0 {
		what := c.Target
		if what == "" {
			what = "the account"
		}
		f.Hit, f.Sev, f.Detail = true, catalog.SeverityMedium, strings.Join(off, "+")+" off for "+what
	}
	return f
}

// adminStatement reports an Allow of every action on every resource.
func adminStatement(st gjson.Result) bool {
	if !stmtAllows(st) {
		return false
	}
	star := func(k string, want ...string) bool {
		for _, v := range jsonStrings(jsonGetFold(st, k)) {
			if slices.Contains(want, v) {
				return true
			}
		}
		return false
	}
	return star("Action", "*", "*:*") && star("Resource", "*")
}

func readInlinePolicy(c *record) Fact {
	f := Fact{Sev: catalog.SeverityLow}
	doc := policyDoc(c.req.Get("policyDocument"))
	target := c.Target
	if c.Name == "CreatePolicyVersion" {
		target = "policy " + target
	}
	f.Detail = c.Name + " " + target
	if slices.ContainsFunc(policyStatements(doc), adminStatement) {
		f.Hit, f.Sev = true, catalog.SeverityHigh
		f.Detail = "Allow *:* via " + c.Name + " on " + target
		return f
	}
	if c.Name == "CreatePolicyVersion" && c.req.Get("setAsDefault").Bool() {
		f.Sev = catalog.SeverityMedium
		f.Detail += " (new default)"
	}
	return f
}

func readTrust(c *record) Fact {
	f := Fact{}
	key := "policyDocument"
	if c.Name == "CreateRole" {
		key = "assumeRolePolicyDocument"
	}
	anyone, accounts := policyOutsiders(policyDoc(c.req.Get(key)), c.Account)
	verb := map[string]string{"CreateRole": "new role", "UpdateAssumeRolePolicy": "role"}[c.Name]
	switch {
	case anyone:
		f.Hit, f.Sev, f.Detail = true, catalog.SeverityCritical, verb+" "+c.Target+" trusts anyone"
	case len(accounts) > 0:
		f.Hit, f.Sev, f.Detail = true, catalog.SeverityHigh, verb+" "+c.Target+" trusts account "+strings.Join(accounts, ",")
	case c.Name == "UpdateAssumeRolePolicy":
		f.Hit, f.Sev, f.Detail = true, catalog.SeverityMedium, "trust of "+c.Target+" changed"
	}
	return f
}

func readLambdaPermission(c *record) Fact {
	f := Fact{}
	req := c.req
	if c.Name != "AddPermission" {
		if req.Get("authType").String() == "NONE" {
			f.Hit, f.Sev, f.Detail = true, catalog.SeverityHigh, "public URL for "+c.Target
		}
		return f
	}
	p := req.Get("principal").String()
	narrowed := req.Get("sourceArn").Exists() || req.Get("sourceAccount").Exists() || req.Get("principalOrgID").Exists()
	switch a := principalAccount(p); {
	case p == "*" && !narrowed:
		f.Hit, f.Sev, f.Detail = true, catalog.SeverityHigh, c.Target+" invocable by anyone"
	case req.Get("functionUrlAuthType").String() == "NONE":
		f.Hit, f.Sev, f.Detail = true, catalog.SeverityHigh, "public URL for "+c.Target
	case a != "" && a != c.Account && isAccountID(a):
		f.Hit, f.Sev, f.Detail = true, catalog.SeverityHigh, c.Target+" invocable by account "+a
	}
	return f
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

func readRetention(c *record) Fact {
	return Fact{Days: int(c.req.Get("retentionInDays").Int())}
}

func readDetector(c *record) Fact {
	if v := c.req.Get("enable"); v.Exists() && !v.Bool() {
		return Fact{Hit: true, Sev: catalog.SeverityHigh, Detail: "GuardDuty detector " + c.Target + " disabled"}
	}
	return Fact{}
}

func readRunInstances(c *record) Fact {
	t := c.req.Get("instanceType").String()
	if !unusualInstanceType(t) {
		return Fact{}
	}
	n := int64(0)
	for _, it := range ctItems(c.req.Get("instancesSet")) {
		n += it.Get("maxCount").Int()
	}
	d := t
	if n > 1 {
		d = fmt.Sprintf("%s x%d", t, n)
	}
	return Fact{Hit: true, Sev: catalog.SeverityMedium, Detail: d}
}

// unusualInstanceType reports GPU, machine-learning, FPGA and very large instance types.
func unusualInstanceType(t string) bool {
	fam, size, ok := strings.Cut(strings.ToLower(t), ".")
	if !ok {
		return false
	}
	if len(fam) >= 2 && (fam[0] == 'p' || fam[0] == 'g') && fam[1] >= '0' && fam[1] <= '9' {
		return true
	}
	for _, p := range []string{"inf", "trn", "dl", "f1", "f2", "vt1", "hpc", "u-", "x1", "x2"} {
		if strings.HasPrefix(fam, p) {
			return true
		}
	}
	if strings.HasPrefix(size, "metal") {
		return true
	}
	if n, ok := strings.CutSuffix(size, "xlarge"); ok {
		if v, err := strconv.Atoi(n); err == nil && v >= 24 {
			return true
		}
	}
	return false
}

func readParameters(c *record) Fact {
	if c.req.Get("withDecryption").Bool() {
		return Fact{Hit: true, Sev: catalog.SeverityMedium}
	}
	return Fact{}
}

func readUserDataModified(c *record) Fact {
	if c.req.Get("userData").Exists() || c.req.Get("attribute").String() == "userData" {
		return Fact{Hit: true, Sev: catalog.SeverityMedium, Detail: "on " + c.Target}
	}
	return Fact{}
}

func readUserDataRead(c *record) Fact {
	if c.req.Get("attribute").String() == "userData" {
		return Fact{Hit: true, Sev: catalog.SeverityMedium}
	}
	return Fact{}
}
