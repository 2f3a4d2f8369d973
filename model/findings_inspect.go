package model

import (
	"cmp"
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/tidwall/gjson"
)

// This file holds the rules that must read a record's request or response: a security group rule's
// CIDR and ports, a policy document, whether a console sign-in used MFA. The index does not keep
// these, so the raw record is read back, for the few events of the few calls that carry them; what
// was read is remembered by the Finder, since it never changes for an event.

// fact is what a rule learnt from one raw record.
type fact struct {
	read   bool     // the raw record was read (false: it was not kept, or could not be read)
	hit    bool     // the rule's condition holds
	sev    Severity // the severity this event gives its finding when hit
	detail string
	failed bool // a console sign-in that failed
	noMFA  bool // a console sign-in without MFA
	days   int  // a log group's retention
}

// inspection is a kind of raw record a rule reads, and how.
type inspection struct {
	calls []apiCall
	read  func(c *inspectCtx) fact
}

// inspectCtx is one record being inspected.
type inspectCtx struct {
	rec     gjson.Result
	req     gjson.Result // requestParameters
	account string       // the account the event happened in: shares and trusts outside it matter
	name    string
	target  string // what the call acted on, from the index
}

// inspected names the inspections; the rules after gatherInspection refer to them.
const (
	inLogin = iota
	inSecurityGroup
	inShare
	inBucketPolicy
	inBucketACL
	inPublicAccessBlock
	inInlinePolicy
	inTrust
	inLambdaPermission
	inRetention
	inDetector
	inRunInstances
	inParameters
	inUserDataModified
	inUserDataRead
	numInspections
)

var inspections = [numInspections]inspection{
	inLogin:             {[]apiCall{{"signin", []string{"ConsoleLogin"}}}, readLogin},
	inSecurityGroup:     {[]apiCall{{"ec2", []string{"AuthorizeSecurityGroupIngress", "ModifySecurityGroupRules"}}}, readSecurityGroup},
	inShare:             {[]apiCall{{"ec2", []string{"ModifySnapshotAttribute", "ModifyImageAttribute"}}, {"rds", []string{"ModifyDBSnapshotAttribute", "ModifyDBClusterSnapshotAttribute"}}}, readShare},
	inBucketPolicy:      {[]apiCall{{"s3", []string{"PutBucketPolicy"}}}, readBucketPolicy},
	inBucketACL:         {[]apiCall{{"s3", []string{"PutBucketAcl"}}}, readBucketACL},
	inPublicAccessBlock: {[]apiCall{{"s3", []string{"PutBucketPublicAccessBlock"}}, {"s3control", []string{"PutPublicAccessBlock"}}}, readPublicAccessBlock},
	inInlinePolicy:      {[]apiCall{{"iam", []string{"PutUserPolicy", "PutRolePolicy", "PutGroupPolicy", "CreatePolicyVersion"}}}, readInlinePolicy},
	inTrust:             {[]apiCall{{"iam", []string{"UpdateAssumeRolePolicy", "CreateRole"}}}, readTrust},
	inLambdaPermission:  {[]apiCall{{"lambda", []string{"AddPermission", "CreateFunctionUrlConfig", "UpdateFunctionUrlConfig"}}}, readLambdaPermission},
	inRetention:         {[]apiCall{{"logs", []string{"PutRetentionPolicy"}}}, readRetention},
	inDetector:          {[]apiCall{{"guardduty", []string{"UpdateDetector"}}}, readDetector},
	inRunInstances:      {[]apiCall{{"ec2", []string{"RunInstances"}}}, readRunInstances},
	inParameters:        {[]apiCall{{"ssm", []string{"GetParameter", "GetParameters", "GetParametersByPath"}}}, readParameters},
	inUserDataModified:  {[]apiCall{{"ec2", []string{"ModifyInstanceAttribute"}}}, readUserDataModified},
	inUserDataRead:      {[]apiCall{{"ec2", []string{"DescribeInstanceAttribute"}}}, readUserDataRead},
}

// inspectionRules are the rules each inspection serves: it runs when one of them is enabled.
var inspectionRules = [numInspections][]string{
	inLogin:             {"root-console-login", "console-login-no-mfa", "console-login-failures"},
	inSecurityGroup:     {"sg-open-world"},
	inShare:             {"snapshot-shared"},
	inBucketPolicy:      {"s3-public"},
	inBucketACL:         {"s3-public"},
	inPublicAccessBlock: {"s3-block-public-off"},
	inInlinePolicy:      {"admin-policy", "policy-changed"},
	inTrust:             {"trust-policy"},
	inLambdaPermission:  {"lambda-public"},
	inRetention:         {"log-tampering"},
	inDetector:          {"detection-disabled"},
	inRunInstances:      {"unusual-instance"},
	inParameters:        {"parameters-bulk"},
	inUserDataModified:  {"user-data-modified"},
	inUserDataRead:      {"user-data-read"},
}

// candidate is an event whose raw record a rule reads.
type candidate struct {
	ref   EventRef
	store uint32
	off   int64
	kind  int
	ctx   inspectCtx // account, name and target, taken from the index
}

// gatherInspection chooses the events to read: the calls of each inspection, narrowed by what the
// index already says (an AWS service's launches, the sign-ins of SSO users, reads that are not in
// bulk). The caller holds the lock.
func (r *run) gatherInspection() {
	x := r.x
	s := x.syms.strs
	for kind := range numInspections {
		if !slices.ContainsFunc(inspectionRules[kind], r.enabled) {
			continue
		}
		refs := r.eventsOf(inspections[kind].calls...)
		switch kind {
		case inLogin:
			refs = slices.DeleteFunc(refs, func(ref EventRef) bool {
				t := r.ident(x.events.at(ref)).idType
				return t != "IAMUser" && t != "Root" // SSO and SAML users' MFA is their identity provider's
			})
		case inRunInstances, inSecurityGroup:
			// AWS launching for Auto Scaling, or managing the groups of a load balancer or ECS.
			refs = slices.DeleteFunc(refs, func(ref EventRef) bool { return r.byService(x.events.at(ref)) })
		case inParameters:
			refs = r.bulk(refs, "ssm:parameter")
		case inUserDataRead:
			refs = r.bulk(refs, "ec2:instance")
		}
		r.cands[kind] = refs
		for _, ref := range refs {
			if _, ok := r.facts[ref]; ok {
				continue
			}
			if f, ok := decodeFact(x.inspected[ref]); ok {
				r.facts[ref] = f // read when the record was decoded: no raw read
				continue
			}
			e := x.events.at(ref)
			if kind == inLogin && (e.errMsg != 0 || e.errCode != 0) {
				r.facts[ref] = fact{read: true, failed: true} // known without the record
				continue
			}
			account := s[e.account]
			if account == "" {
				account = s[x.idents[e.ident].account]
			}
			r.toRead = append(r.toRead, candidate{ref: ref, store: e.store, off: e.rawOff, kind: kind,
				ctx: inspectCtx{account: account, name: trimAPIVersion(s[e.name]), target: x.firstResource(e)}})
		}
	}
}

// inspectRaw runs an inspection over a raw record; ctx holds what the index knows of the event.
func inspectRaw(kind int, ctx inspectCtx, raw []byte) fact {
	ctx.rec = gjson.ParseBytes(raw)
	ctx.req = ctx.rec.Get("requestParameters")
	f := inspections[kind].read(&ctx)
	f.read = true
	return f
}

// inspectionOf maps the calls the inspections read (eventSource, eventName without API version) to
// their inspection.
var inspectionOf = sync.OnceValue(func() map[[2]string]int {
	m := map[[2]string]int{}
	for kind, in := range inspections {
		for _, c := range in.calls {
			for _, n := range c.names {
				m[[2]string{c.source + ".amazonaws.com", n}] = kind
			}
		}
	}
	return m
})

// InspectRecord reads from a record's raw JSON what the findings rules need beyond the index (a
// security group rule's CIDR and ports, a policy document, whether a sign-in used MFA), and returns
// it in a compact form; "" for the events no rule reads, which is all but a few calls. A source that
// has the bytes at hand when it decodes a record may keep this with it, so that the rules never
// read raw records back: re-reading a gzipped archive costs a decompression per file.
func InspectRecord(r *Record, raw []byte) string {
	kind, ok := inspectionOf()[[2]string{r.Source, trimAPIVersion(r.Name)}]
	if !ok {
		return ""
	}
	ctx := inspectCtx{account: cmp.Or(r.Account, r.Identity.Account), name: trimAPIVersion(r.Name)}
	if len(r.Resources) > 0 {
		ctx.target = r.Resources[0].ID
	}
	return inspectRaw(kind, ctx, raw).encode()
}

// factSep separates the fields of an encoded fact: a character no detail holds.
const factSep = "\x1f"

// encode writes a fact for InspectRecord.
func (f fact) encode() string {
	b := func(v bool) string {
		if v {
			return "1"
		}
		return "0"
	}
	return strings.Join([]string{"f1", b(f.hit), strconv.Itoa(int(f.sev)), b(f.failed), b(f.noMFA),
		strconv.Itoa(f.days), strings.ReplaceAll(f.detail, factSep, " ")}, factSep)
}

// decodeFact reads what InspectRecord wrote.
func decodeFact(s string) (fact, bool) {
	p := strings.SplitN(s, factSep, 7)
	if len(p) != 7 || p[0] != "f1" {
		return fact{}, false
	}
	sev, err1 := strconv.Atoi(p[2])
	days, err2 := strconv.Atoi(p[5])
	if err1 != nil || err2 != nil || sev < 0 || sev > int(SeverityCritical) {
		return fact{}, false
	}
	return fact{read: true, hit: p[1] == "1", sev: Severity(sev), failed: p[3] == "1", noMFA: p[4] == "1",
		days: days, detail: p[6]}, true
}

// bulk keeps the events of principals that touched many distinct resources of a kind within the
// secrets window: reading one parameter is routine, reading fifty is not worth a raw read each.
func (r *run) bulk(refs []EventRef, kind string) []EventRef {
	x := r.x
	var out []EventRef
	keys := func(e *event, ref EventRef) []Sym {
		if ks := x.resourceKeys(e, kind); len(ks) > 0 {
			return ks
		}
		return []Sym{Sym(ref) | 1<<31}
	}
	groups := r.byPrincipal(refs)
	for _, p := range symKeys(groups) {
		out = append(out, burstRefs(x, groups[p], r.opts.SecretsWindow, r.opts.SecretsBurst, keys)...)
	}
	return out
}

// inspectRules reads the raw records gathered, without holding the index's lock (Raw takes it for a
// moment), then runs the rules that need them.
func (r *run) inspectRules() {
	// Read in store order: records of one file come back from one decompression.
	slices.SortFunc(r.toRead, func(a, b candidate) int {
		return cmp.Or(cmp.Compare(a.store, b.store), cmp.Compare(a.off, b.off))
	})
	for _, c := range r.toRead {
		raw, err := r.x.Raw(c.ref)
		if err != nil {
			r.facts[c.ref] = fact{}
			continue
		}
		r.facts[c.ref] = inspectRaw(c.kind, c.ctx, raw)
	}
	r.toRead = nil

	x := r.x
	x.mu.RLock()
	defer x.mu.RUnlock()
	r.logins()
	r.inspected(inSecurityGroup, "sg-open-world")
	r.inspected(inShare, "snapshot-shared")
	r.inspected(inBucketPolicy, "s3-public")
	r.inspected(inBucketACL, "s3-public")
	r.inspected(inPublicAccessBlock, "s3-block-public-off")
	r.inspected(inTrust, "trust-policy")
	r.inspected(inLambdaPermission, "lambda-public")
	r.inspected(inDetector, "detection-disabled")
	r.inspected(inRunInstances, "unusual-instance")
	r.bulkInspected(inParameters, "parameters-bulk", "ssm:parameter", "parameter")
	r.inspected(inUserDataModified, "user-data-modified")
	r.bulkInspected(inUserDataRead, "user-data-read", "ec2:instance", "instance")
	r.inlinePolicies()
	r.logTampering()
}

// inspected raises, for a rule, the events whose records showed what it looks for.
func (r *run) inspected(kind int, id string) {
	if !r.enabled(id) {
		return
	}
	x := r.x
	ru := mustRule(id)
	for _, ref := range r.cands[kind] {
		f := r.facts[ref]
		if !f.hit {
			continue
		}
		d := r.draftFor(ru, x.principalOf(x.events.at(ref)), "")
		r.hitDraft(d, ref, f)
		d.terms, d.exact = eventTerms(inspections[kind].calls...), false
	}
}

// bulkInspected raises principals whose inspected events (parameters decrypted, user data read)
// still make a burst of distinct resources.
func (r *run) bulkInspected(kind int, id, resKind, noun string) {
	if !r.enabled(id) {
		return
	}
	x := r.x
	var hits []EventRef
	for _, ref := range r.cands[kind] {
		if r.facts[ref].hit {
			hits = append(hits, ref)
		}
	}
	groups := r.byPrincipal(hits)
	keys := func(e *event, ref EventRef) []Sym {
		if ks := x.resourceKeys(e, resKind); len(ks) > 0 {
			return ks
		}
		return []Sym{Sym(ref) | 1<<31}
	}
	for _, p := range symKeys(groups) {
		hit := burstRefs(x, groups[p], r.opts.SecretsWindow, r.opts.SecretsBurst, keys)
		if len(hit) == 0 {
			continue
		}
		d := r.draftFor(mustRule(id), p, "")
		d.refs, d.terms = hit, eventTerms(inspections[kind].calls...)
		n := len(distinctResources(x, hit, resKind))
		d.note(fmt.Sprintf("%d %s%s in %d calls", n, noun, pluralS(n), len(hit)))
	}
}

// hitDraft adds an inspected event to a draft: the first sets the severity, later ones can raise it.
func (r *run) hitDraft(d *draft, ref EventRef, f fact) {
	if len(d.refs) == 0 {
		d.sev = f.sev
	}
	d.raise(f.sev)
	d.refs = append(d.refs, ref)
	d.note(f.detail)
}

// inlinePolicies raises inline policies and new policy versions: administrator ones high, others low
// (medium when a new version becomes the default), and default versions switched.
func (r *run) inlinePolicies() {
	x := r.x
	calls := inspections[inInlinePolicy].calls
	for _, ref := range r.cands[inInlinePolicy] {
		f := r.facts[ref]
		if !f.read {
			continue
		}
		id := "policy-changed"
		if f.hit {
			id = "admin-policy"
		}
		if !r.enabled(id) {
			continue
		}
		d := r.draftFor(mustRule(id), r.actor(id, x.events.at(ref)), "")
		d.raise(f.sev)
		d.refs = append(d.refs, ref)
		d.note(f.detail)
		d.terms, d.exact = eventTerms(calls...), false
	}
	if r.enabled("policy-changed") {
		c := apiCall{"iam", []string{"SetDefaultPolicyVersion"}}
		for _, ref := range r.eventsOf(c) {
			e := x.events.at(ref)
			d := r.draftFor(mustRule("policy-changed"), r.actor("policy-changed", e), "")
			d.raise(SeverityMedium)
			d.refs = append(d.refs, ref)
			d.note("SetDefaultPolicyVersion " + x.firstResource(e))
			d.exact = false
		}
	}
}

// logTampering raises deleted log groups and streams, and retention cut short.
func (r *run) logTampering() {
	if !r.enabled("log-tampering") {
		return
	}
	x := r.x
	ru := mustRule("log-tampering")
	terms := eventTerms(apiCall{"logs", []string{"DeleteLogGroup", "DeleteLogStream", "PutRetentionPolicy"}})
	for _, ref := range r.eventsOf(apiCall{"logs", []string{"DeleteLogGroup", "DeleteLogStream"}}) {
		e := x.events.at(ref)
		d := r.draftFor(ru, x.principalOf(e), "")
		d.refs = append(d.refs, ref)
		d.note(callDetail(x.syms.strs[e.name], x.firstResource(e)))
		d.terms = terms
	}
	for _, ref := range r.cands[inRetention] {
		f := r.facts[ref]
		if !f.read || f.days <= 0 || f.days > r.opts.ShortRetentionDays {
			continue
		}
		e := x.events.at(ref)
		d := r.draftFor(ru, x.principalOf(e), "")
		d.refs = append(d.refs, ref)
		d.note(fmt.Sprintf("retention of %s cut to %d day%s", x.firstResource(e), f.days, pluralS(f.days)))
		d.terms = terms
	}
}

// logins raises root sign-ins, sign-ins without MFA, root activity, and bursts of failed sign-ins.
func (r *run) logins() {
	x := r.x
	s := x.syms.strs
	loginTerms := eventTerms(inspections[inLogin].calls...)
	var failures, successes []EventRef
	for _, ref := range r.cands[inLogin] {
		f := r.facts[ref]
		if !f.read {
			continue
		}
		e := x.events.at(ref)
		if f.failed {
			failures = append(failures, ref)
		} else {
			successes = append(successes, ref)
		}
		if r.ident(e).idType == "Root" {
			if r.enabled("root-console-login") {
				d := r.draftFor(mustRule("root-console-login"), x.principalOf(e), "")
				d.refs = append(d.refs, ref)
				d.terms = []Term{{Field: FieldEvent, Values: []string{"ConsoleLogin"}}, {Field: FieldType, Values: []string{"Root"}}}
				d.exact = true
				switch {
				case f.failed:
					d.note("failed")
				case f.noMFA:
					d.note("without MFA")
					d.raise(SeverityCritical)
				default:
					d.note("with MFA")
				}
			}
			continue
		}
		if !f.failed && f.noMFA && r.enabled("console-login-no-mfa") {
			d := r.draftFor(mustRule("console-login-no-mfa"), x.principalOf(e), "")
			d.refs = append(d.refs, ref)
			d.note("from " + s[e.ip])
			d.terms, d.exact = loginTerms, false
		}
	}
	r.rootActivity()
	if r.enabled("console-login-failures") {
		r.failedLogins(x.timeOrder(failures), x.timeOrder(successes))
	}
}

// rootActivity raises root's calls other than signing in, and any made with a long-term root key.
func (r *run) rootActivity() {
	x := r.x
	s := x.syms.strs
	v, ok := x.syms.lookup("Root")
	if !ok || x.post[pType][v] == nil {
		return
	}
	calls := map[*draft]map[Sym]int{}
	for _, ref := range x.timeOrder(*x.post[pType][v]) {
		e := x.events.at(ref)
		name := s[e.name]
		if e.invokedBy != 0 || name == "ConsoleLogin" {
			continue // AWS acting for root, or the sign-in (its own rule)
		}
		who := &x.idents[e.ident]
		if key := s[who.key]; strings.HasPrefix(key, "AKIA") && r.enabled("root-access-key") {
			d := r.draftFor(mustRule("root-access-key"), who.principal, "")
			d.refs = append(d.refs, ref)
			d.note("key " + key)
			d.terms, d.exact = []Term{{Field: FieldKey, Values: []string{key}}}, true
			continue
		}
		if r.enabled("root-activity") {
			d := r.draftFor(mustRule("root-activity"), who.principal, "")
			d.refs = append(d.refs, ref)
			if calls[d] == nil {
				calls[d] = map[Sym]int{}
			}
			calls[d][e.name]++
			d.terms, d.exact = []Term{{Field: FieldType, Values: []string{"Root"}}, {Field: FieldEvent, Values: []string{"ConsoleLogin"}, Negate: true}}, false
		}
	}
	for d, counts := range calls {
		for _, n := range x.topNames(counts, maxDetails-1) {
			d.note(n)
		}
		if len(counts) >= maxDetails {
			d.note(fmt.Sprintf("%d other calls", len(counts)-(maxDetails-1)))
		}
	}
}

// failedLogins raises bursts of failed sign-ins from one IP, then for one user among the failures no
// IP burst explains; a success after the burst (same IP or user) makes it high.
func (r *run) failedLogins(failures, successes []EventRef) {
	x := r.x
	s := x.syms.strs
	ru := mustRule("console-login-failures")
	w, n := r.opts.FailedLoginWindow, r.opts.FailedLogins
	terms := eventTerms(inspections[inLogin].calls...)
	inBurst := map[EventRef]bool{}
	succeeded := func(hit []EventRef, same func(*event) bool) bool {
		last := x.events.at(hit[len(hit)-1]).time
		for _, ref := range successes {
			e := x.events.at(ref)
			if e.time >= last && e.time-last <= int64(w) && same(e) {
				return true
			}
		}
		return false
	}
	byIP := map[Sym][]EventRef{}
	for _, ref := range failures {
		e := x.events.at(ref)
		byIP[e.ip] = append(byIP[e.ip], ref)
	}
	for _, ip := range symKeys(byIP) {
		hit := burstRefs(x, byIP[ip], w, n, nil)
		if len(hit) == 0 || ip == 0 {
			continue
		}
		users := map[Sym]bool{}
		for _, ref := range hit {
			inBurst[ref] = true
			users[x.principalOf(x.events.at(ref))] = true
		}
		d := r.draftFor(ru, 0, "ip "+s[ip])
		d.refs, d.keepFails, d.exact = hit, true, false
		d.terms = append(slices.Clone(terms), Term{Field: FieldIP, Values: []string{s[ip]}})
		d.note(fmt.Sprintf("%d from %s against %d user%s", len(hit), s[ip], len(users), pluralS(len(users))))
		if succeeded(hit, func(e *event) bool { return e.ip == ip }) {
			d.note("then a success from the same IP")
			d.raise(SeverityHigh)
		}
	}
	byUser := map[Sym][]EventRef{}
	for _, ref := range failures {
		if !inBurst[ref] {
			p := x.principalOf(x.events.at(ref))
			byUser[p] = append(byUser[p], ref)
		}
	}
	for _, p := range symKeys(byUser) {
		hit := burstRefs(x, byUser[p], w, n, nil)
		if len(hit) == 0 {
			continue
		}
		d := r.draftFor(ru, p, "")
		d.refs, d.keepFails, d.exact = hit, true, false
		d.terms = terms
		d.note(fmt.Sprintf("%d failed", len(hit)))
		if succeeded(hit, func(e *event) bool { return x.principalOf(e) == p }) {
			d.note("then a success")
			d.raise(SeverityHigh)
		}
	}
}

// isFailedLogin reports a console sign-in that failed, as far as the index tells (errorMessage).
func isFailedLogin(x *Index, e *event) bool {
	return e.errMsg != 0 && x.syms.strs[e.name] == "ConsoleLogin"
}

// The readers. Each looks at one kind of record and says whether its rule holds, how badly, and why.

func readLogin(c *inspectCtx) fact {
	f := fact{}
	if c.rec.Get("responseElements.ConsoleLogin").String() == "Failure" || c.rec.Get("errorMessage").String() != "" {
		f.failed = true
	}
	f.noMFA = !strings.EqualFold(c.rec.Get("additionalEventData.MFAUsed").String(), "yes")
	return f
}

// sensitivePorts are ports whose exposure to the internet is rarely intended: remote administration,
// databases, caches and search engines, file sharing, container and cluster daemons.
var sensitivePorts = []int{20, 21, 22, 23, 135, 139, 445, 1433, 1521, 2375, 2376, 2379, 3306, 3389, 5432, 5601, 5900,
	5984, 5985, 5986, 6379, 6443, 7001, 8020, 9042, 9200, 9300, 10250, 11211, 27017}

func readSecurityGroup(c *inspectCtx) fact {
	f := fact{}
	addRule := func(proto string, from, to int64, cidr string) {
		if !worldCIDR(cidr) {
			return
		}
		sev := SeverityMedium
		var what string
		switch {
		case proto == "-1" || proto == "all":
			what, sev = "all traffic", SeverityHigh
		case from <= 0 && to >= 65535 || from == -1:
			what, sev = "all "+proto+" ports", SeverityHigh
		case from == to:
			what = fmt.Sprintf("%d/%s", from, proto)
		default:
			what = fmt.Sprintf("%d-%d/%s", from, to, proto)
		}
		for _, p := range sensitivePorts {
			if int64(p) >= from && int64(p) <= to {
				sev = SeverityHigh
			}
		}
		if sev == SeverityMedium && (from == 80 || from == 443) && from == to {
			sev = SeverityLow // a web server, most likely meant to be public
		}
		f.hit = true
		f.sev = max(f.sev, sev)
		if f.detail == "" {
			f.detail = what + " from " + cidr + " on " + c.target
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
	if !f.hit {
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

func readShare(c *inspectCtx) fact {
	f := fact{}
	var with []string
	public := false
	add := func(v string) {
		switch {
		case v == "" || v == c.account:
		case strings.EqualFold(v, "all"):
			public = true
		default:
			with = append(with, v)
		}
	}
	req := c.req
	switch c.name {
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
		f.hit, f.sev, f.detail = true, SeverityCritical, c.target+" made public"
	case len(with) > 0:
		f.hit, f.sev, f.detail = true, SeverityHigh, c.target+" shared with "+strings.Join(with, ",")
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

func readBucketPolicy(c *inspectCtx) fact {
	f := fact{}
	doc := policyDoc(c.req.Get("bucketPolicy"))
	anyone, accounts := policyOutsiders(doc, c.account)
	switch {
	case anyone:
		f.hit, f.sev, f.detail = true, SeverityCritical, "policy of "+c.target+" lets anyone in"
	case len(accounts) > 0:
		f.hit, f.sev, f.detail = true, SeverityHigh, "policy of "+c.target+" lets in account "+strings.Join(accounts, ",")
	}
	return f
}

func readBucketACL(c *inspectCtx) fact {
	f := fact{}
	for _, acl := range jsonStrings(c.req.Get("x-amz-acl")) {
		if strings.HasPrefix(acl, "public-") || acl == "authenticated-read" {
			f.hit, f.sev, f.detail = true, SeverityHigh, "ACL of "+c.target+" set to "+acl
			return f
		}
	}
	for _, g := range ctItems(c.req.Get("AccessControlPolicy.AccessControlList.Grant")) {
		uri := g.Get("Grantee.URI").String()
		if strings.HasSuffix(uri, "/AllUsers") || strings.HasSuffix(uri, "/AuthenticatedUsers") {
			f.hit, f.sev = true, SeverityHigh
			f.detail = "ACL of " + c.target + " grants " + g.Get("Permission").String() + " to " + uri[strings.LastIndexByte(uri, '/')+1:]
			return f
		}
	}
	return f
}

func readPublicAccessBlock(c *inspectCtx) fact {
	f := fact{}
	conf := c.req.Get("PublicAccessBlockConfiguration")
	var off []string
	for _, k := range []string{"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"} {
		if v := conf.Get(k); v.Exists() && !v.Bool() {
			off = append(off, k)
		}
	}
	if len(off) > 0 {
		what := c.target
		if what == "" {
			what = "the account"
		}
		f.hit, f.sev, f.detail = true, SeverityMedium, strings.Join(off, "+")+" off for "+what
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

func readInlinePolicy(c *inspectCtx) fact {
	f := fact{sev: SeverityLow}
	doc := policyDoc(c.req.Get("policyDocument"))
	target := c.target
	if c.name == "CreatePolicyVersion" {
		target = "policy " + target
	}
	f.detail = c.name + " " + target
	if slices.ContainsFunc(policyStatements(doc), adminStatement) {
		f.hit, f.sev = true, SeverityHigh
		f.detail = "Allow *:* via " + c.name + " on " + target
		return f
	}
	if c.name == "CreatePolicyVersion" && c.req.Get("setAsDefault").Bool() {
		f.sev = SeverityMedium
		f.detail += " (new default)"
	}
	return f
}

func readTrust(c *inspectCtx) fact {
	f := fact{}
	key := "policyDocument"
	if c.name == "CreateRole" {
		key = "assumeRolePolicyDocument"
	}
	anyone, accounts := policyOutsiders(policyDoc(c.req.Get(key)), c.account)
	verb := map[string]string{"CreateRole": "new role", "UpdateAssumeRolePolicy": "role"}[c.name]
	switch {
	case anyone:
		f.hit, f.sev, f.detail = true, SeverityCritical, verb+" "+c.target+" trusts anyone"
	case len(accounts) > 0:
		f.hit, f.sev, f.detail = true, SeverityHigh, verb+" "+c.target+" trusts account "+strings.Join(accounts, ",")
	case c.name == "UpdateAssumeRolePolicy":
		f.hit, f.sev, f.detail = true, SeverityMedium, "trust of "+c.target+" changed"
	}
	return f
}

func readLambdaPermission(c *inspectCtx) fact {
	f := fact{}
	req := c.req
	if c.name != "AddPermission" {
		if req.Get("authType").String() == "NONE" {
			f.hit, f.sev, f.detail = true, SeverityHigh, "public URL for "+c.target
		}
		return f
	}
	p := req.Get("principal").String()
	narrowed := req.Get("sourceArn").Exists() || req.Get("sourceAccount").Exists() || req.Get("principalOrgID").Exists()
	switch a := principalAccount(p); {
	case p == "*" && !narrowed:
		f.hit, f.sev, f.detail = true, SeverityHigh, c.target+" invocable by anyone"
	case req.Get("functionUrlAuthType").String() == "NONE":
		f.hit, f.sev, f.detail = true, SeverityHigh, "public URL for "+c.target
	case a != "" && a != c.account && isAccountID(a):
		f.hit, f.sev, f.detail = true, SeverityHigh, c.target+" invocable by account "+a
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

func readRetention(c *inspectCtx) fact {
	return fact{days: int(c.req.Get("retentionInDays").Int())}
}

func readDetector(c *inspectCtx) fact {
	if v := c.req.Get("enable"); v.Exists() && !v.Bool() {
		return fact{hit: true, sev: SeverityHigh, detail: "GuardDuty detector " + c.target + " disabled"}
	}
	return fact{}
}

func readRunInstances(c *inspectCtx) fact {
	t := c.req.Get("instanceType").String()
	if !unusualInstanceType(t) {
		return fact{}
	}
	n := int64(0)
	for _, it := range ctItems(c.req.Get("instancesSet")) {
		n += it.Get("maxCount").Int()
	}
	d := t
	if n > 1 {
		d = fmt.Sprintf("%s x%d", t, n)
	}
	return fact{hit: true, sev: SeverityMedium, detail: d}
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

func readParameters(c *inspectCtx) fact {
	if c.req.Get("withDecryption").Bool() {
		return fact{hit: true, sev: SeverityMedium}
	}
	return fact{}
}

func readUserDataModified(c *inspectCtx) fact {
	if c.req.Get("userData").Exists() || c.req.Get("attribute").String() == "userData" {
		return fact{hit: true, sev: SeverityMedium, detail: "on " + c.target}
	}
	return fact{}
}

func readUserDataRead(c *inspectCtx) fact {
	if c.req.Get("attribute").String() == "userData" {
		return fact{hit: true, sev: SeverityMedium}
	}
	return fact{}
}
