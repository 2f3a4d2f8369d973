package findings

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/trailscope/trailscope/model/catalog"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/model/inspect"
)

// This file holds the rules that need a record's request or response: model/inspect reads it, at decode
// time when the source kept it (Record.Inspected) or here from the raw record; what was read is remembered
// by the Finder, since it never changes for an event.

// inspectionRules are the rules each inspection serves: it runs when one of them is enabled.
var inspectionRules = [inspect.NumKinds][]string{
	inspect.Login:             {"root-console-login", "console-login-no-mfa", "console-login-failures"},
	inspect.SecurityGroup:     {"sg-open-world"},
	inspect.Share:             {"snapshot-shared"},
	inspect.BucketPolicy:      {"s3-public"},
	inspect.BucketACL:         {"s3-public"},
	inspect.PublicAccessBlock: {"s3-block-public-off"},
	inspect.InlinePolicy:      {"admin-policy", "policy-changed"},
	inspect.Trust:             {"trust-policy"},
	inspect.LambdaPermission:  {"lambda-public"},
	inspect.Retention:         {"log-tampering"},
	inspect.Detector:          {"detection-disabled"},
	inspect.RunInstances:      {"unusual-instance"},
	inspect.Parameters:        {"parameters-bulk"},
	inspect.UserDataModified:  {"user-data-modified"},
	inspect.UserDataRead:      {"user-data-read"},
}

// candidate is an event whose raw record a rule reads.
type candidate struct {
	ref   index.EventRef
	store uint32
	off   int64
	kind  inspect.Kind
	ev    inspect.Event // account, name and target, taken from the index
}

// gatherInspection chooses the events to read: the calls of each inspection, narrowed by what the
// index already says (an AWS service's launches, the sign-ins of SSO users, reads that are not in
// bulk).
func (r *run) gatherInspection() {
	v := r.v
	s := v.Str
	for kind := range inspect.NumKinds {
		if !slices.ContainsFunc(inspectionRules[kind], r.enabled) {
			continue
		}
		refs := r.eventsOf(kind.Calls()...)
		switch kind {
		case inspect.Login:
			refs = slices.DeleteFunc(refs, func(ref index.EventRef) bool {
				t := r.ident(v.Event(ref)).idType
				return t != "IAMUser" && t != "Root" // SSO and SAML users' MFA is their identity provider's
			})
		case inspect.RunInstances, inspect.SecurityGroup:
			// AWS launching for Auto Scaling, or managing the groups of a load balancer or ECS.
			refs = slices.DeleteFunc(refs, func(ref index.EventRef) bool { return r.byService(v.Event(ref)) })
		case inspect.Parameters:
			refs = r.bulk(refs, "ssm:parameter")
		case inspect.UserDataRead:
			refs = r.bulk(refs, "ec2:instance")
		}
		r.cands[kind] = refs
		for _, ref := range refs {
			if _, ok := r.facts[ref]; ok {
				continue
			}
			if f, ok := inspect.Decode(v.Inspected(ref)); ok {
				r.facts[ref] = f // read when the record was decoded: no raw read
				continue
			}
			e := v.Event(ref)
			if kind == inspect.Login && (e.ErrorMessage() != 0 || e.ErrorCode() != 0) {
				r.facts[ref] = inspect.Fact{Read: true, Failed: true} // known without the record
				continue
			}
			account := s(e.Account())
			if account == "" {
				account = s(e.Who().Account())
			}
			store, off := e.RawPos()
			r.toRead = append(r.toRead, candidate{ref: ref, store: store, off: off, kind: kind,
				ev: inspect.Event{Account: account, Name: catalog.TrimAPIVersion(s(e.Name())), Target: firstResource(v, e)}})
		}
	}
}

// bulk keeps the events of principals that touched many distinct resources of a kind within the
// secrets window: reading one parameter is routine, reading fifty is not worth a raw read each.
func (r *run) bulk(refs []index.EventRef, kind string) []index.EventRef {
	v := r.v
	var out []index.EventRef
	keys := resourceKeysOf(v, kind)
	groups := r.byPrincipal(refs)
	for _, p := range symKeys(groups) {
		out = append(out, burstRefs(v, groups[p], r.opts.SecretsWindow, r.opts.SecretsBurst, keys)...)
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
			r.facts[c.ref] = inspect.Fact{}
			continue
		}
		r.facts[c.ref] = inspect.Raw(c.kind, c.ev, raw)
	}
	r.toRead = nil
	r.read(func(index.View) { r.inspectedRules() })
}

// inspectedRules runs the rules that read what the inspections found.
func (r *run) inspectedRules() {
	r.logins()
	r.inspected(inspect.SecurityGroup, "sg-open-world")
	r.inspected(inspect.Share, "snapshot-shared")
	r.inspected(inspect.BucketPolicy, "s3-public")
	r.inspected(inspect.BucketACL, "s3-public")
	r.inspected(inspect.PublicAccessBlock, "s3-block-public-off")
	r.inspected(inspect.Trust, "trust-policy")
	r.inspected(inspect.LambdaPermission, "lambda-public")
	r.inspected(inspect.Detector, "detection-disabled")
	r.inspected(inspect.RunInstances, "unusual-instance")
	r.bulkInspected(inspect.Parameters, "parameters-bulk", "ssm:parameter", "parameter")
	r.inspected(inspect.UserDataModified, "user-data-modified")
	r.bulkInspected(inspect.UserDataRead, "user-data-read", "ec2:instance", "instance")
	r.inlinePolicies()
	r.logTampering()
}

// inspected raises, for a rule, the events whose records showed what it looks for.
func (r *run) inspected(kind inspect.Kind, id string) {
	if !r.enabled(id) {
		return
	}
	v := r.v
	ru := mustRule(id)
	for _, ref := range r.cands[kind] {
		f := r.facts[ref]
		if !f.Hit {
			continue
		}
		d := r.draftFor(ru, v.Event(ref).Who().Principal(), "")
		r.hitDraft(d, ref, f)
		d.terms, d.exact = eventTerms(kind.Calls()...), false
	}
}

// bulkInspected raises principals whose inspected events (parameters decrypted, user data read)
// still make a burst of distinct resources.
func (r *run) bulkInspected(kind inspect.Kind, id, resKind, noun string) {
	if !r.enabled(id) {
		return
	}
	v := r.v
	var hits []index.EventRef
	for _, ref := range r.cands[kind] {
		if r.facts[ref].Hit {
			hits = append(hits, ref)
		}
	}
	groups := r.byPrincipal(hits)
	keys := resourceKeysOf(v, resKind)
	for _, p := range symKeys(groups) {
		hit := burstRefs(v, groups[p], r.opts.SecretsWindow, r.opts.SecretsBurst, keys)
		if len(hit) == 0 {
			continue
		}
		d := r.draftFor(mustRule(id), p, "")
		d.refs, d.terms = hit, eventTerms(kind.Calls()...)
		n := len(distinctResources(v, hit, resKind))
		d.note(fmt.Sprintf("%d %s%s in %d calls", n, noun, pluralS(n), len(hit)))
	}
}

// hitDraft adds an inspected event to a draft: the first sets the severity, later ones can raise it.
func (r *run) hitDraft(d *draft, ref index.EventRef, f inspect.Fact) {
	if len(d.refs) == 0 {
		d.sev = f.Sev
	}
	d.raise(f.Sev)
	d.refs = append(d.refs, ref)
	d.note(f.Detail)
}

// inlinePolicies raises inline policies and new policy versions: administrator ones high, others low
// (medium when a new version becomes the default), and default versions switched.
func (r *run) inlinePolicies() {
	v := r.v
	calls := inspect.InlinePolicy.Calls()
	for _, ref := range r.cands[inspect.InlinePolicy] {
		f := r.facts[ref]
		if !f.Read {
			continue
		}
		id := "policy-changed"
		if f.Hit {
			id = "admin-policy"
		}
		if !r.enabled(id) {
			continue
		}
		d := r.draftFor(mustRule(id), r.actor(id, v.Event(ref)), "")
		d.raise(f.Sev)
		d.refs = append(d.refs, ref)
		d.note(f.Detail)
		d.terms, d.exact = eventTerms(calls...), false
	}
	if r.enabled("policy-changed") {
		c := call("iam", "SetDefaultPolicyVersion")
		for _, ref := range r.eventsOf(c) {
			e := v.Event(ref)
			d := r.draftFor(mustRule("policy-changed"), r.actor("policy-changed", e), "")
			d.raise(catalog.SeverityMedium)
			d.refs = append(d.refs, ref)
			d.note("SetDefaultPolicyVersion " + firstResource(v, e))
			d.exact = false
		}
	}
}

// logTampering raises deleted log groups and streams, and retention cut short.
func (r *run) logTampering() {
	if !r.enabled("log-tampering") {
		return
	}
	v := r.v
	ru := mustRule("log-tampering")
	terms := eventTerms(call("logs", "DeleteLogGroup", "DeleteLogStream", "PutRetentionPolicy"))
	for _, ref := range r.eventsOf(call("logs", "DeleteLogGroup", "DeleteLogStream")) {
		e := v.Event(ref)
		d := r.draftFor(ru, e.Who().Principal(), "")
		d.refs = append(d.refs, ref)
		d.note(callDetail(v.Str(e.Name()), firstResource(v, e)))
		d.terms = terms
	}
	for _, ref := range r.cands[inspect.Retention] {
		f := r.facts[ref]
		if !f.Read || f.Days <= 0 || f.Days > r.opts.ShortRetentionDays {
			continue
		}
		e := v.Event(ref)
		d := r.draftFor(ru, e.Who().Principal(), "")
		d.refs = append(d.refs, ref)
		d.note(fmt.Sprintf("retention of %s cut to %d day%s", firstResource(v, e), f.Days, pluralS(f.Days)))
		d.terms = terms
	}
}

// logins raises root sign-ins, sign-ins without MFA, root activity, and bursts of failed sign-ins.
func (r *run) logins() {
	v := r.v
	s := v.Str
	loginTerms := eventTerms(inspect.Login.Calls()...)
	var failures, successes []index.EventRef
	for _, ref := range r.cands[inspect.Login] {
		f := r.facts[ref]
		if !f.Read {
			continue
		}
		e := v.Event(ref)
		if f.Failed {
			failures = append(failures, ref)
		} else {
			successes = append(successes, ref)
		}
		if r.ident(e).idType == "Root" {
			if r.enabled("root-console-login") {
				d := r.draftFor(mustRule("root-console-login"), e.Who().Principal(), "")
				d.refs = append(d.refs, ref)
				d.terms = []filter.Term{{Field: filter.FieldEvent, Values: []string{"ConsoleLogin"}}, {Field: filter.FieldType, Values: []string{"Root"}}}
				d.exact = true
				switch {
				case f.Failed:
					d.note("failed")
				case f.NoMFA:
					d.note("without MFA")
					d.raise(catalog.SeverityCritical)
				default:
					d.note("with MFA")
				}
			}
			continue
		}
		if !f.Failed && f.NoMFA && r.enabled("console-login-no-mfa") {
			d := r.draftFor(mustRule("console-login-no-mfa"), e.Who().Principal(), "")
			d.refs = append(d.refs, ref)
			d.note("from " + s(e.IP()))
			d.terms, d.exact = loginTerms, false
		}
	}
	r.rootActivity()
	if r.enabled("console-login-failures") {
		r.failedLogins(v.TimeOrder(failures), v.TimeOrder(successes))
	}
}

// rootActivity raises root's calls other than signing in, and any made with a long-term root key.
func (r *run) rootActivity() {
	v := r.v
	s := v.Str
	root, ok := v.Lookup("Root")
	if !ok || v.Posting(filter.FieldType, root) == nil {
		return
	}
	calls := map[*draft]map[index.Sym]int{}
	for _, ref := range v.TimeOrder(v.Posting(filter.FieldType, root)) {
		e := v.Event(ref)
		name := s(e.Name())
		if e.InvokedBy() != 0 || name == "ConsoleLogin" {
			continue // AWS acting for root, or the sign-in (its own rule)
		}
		who := e.Who()
		if key := s(who.Key()); strings.HasPrefix(key, "AKIA") && r.enabled("root-access-key") {
			d := r.draftFor(mustRule("root-access-key"), who.Principal(), "")
			d.refs = append(d.refs, ref)
			d.note("key " + key)
			d.terms, d.exact = []filter.Term{{Field: filter.FieldKey, Values: []string{key}}}, true
			continue
		}
		if r.enabled("root-activity") {
			d := r.draftFor(mustRule("root-activity"), who.Principal(), "")
			d.refs = append(d.refs, ref)
			if calls[d] == nil {
				calls[d] = map[index.Sym]int{}
			}
			calls[d][e.Name()]++
			d.terms, d.exact = []filter.Term{{Field: filter.FieldType, Values: []string{"Root"}}, {Field: filter.FieldEvent, Values: []string{"ConsoleLogin"}, Negate: true}}, false
		}
	}
	for d, counts := range calls {
		for _, n := range topNames(v, counts, maxDetails-1) {
			d.note(n)
		}
		if len(counts) >= maxDetails {
			d.note(fmt.Sprintf("%d other calls", len(counts)-(maxDetails-1)))
		}
	}
}

// failedLogins raises bursts of failed sign-ins from one IP, then for one user among the failures no
// IP burst explains; a success after the burst (same IP or user) makes it high.
func (r *run) failedLogins(failures, successes []index.EventRef) {
	v := r.v
	s := v.Str
	ru := mustRule("console-login-failures")
	w, n := r.opts.FailedLoginWindow, r.opts.FailedLogins
	terms := eventTerms(inspect.Login.Calls()...)
	inBurst := map[index.EventRef]bool{}
	succeeded := func(hit []index.EventRef, same func(index.Event) bool) bool {
		last := v.Event(hit[len(hit)-1]).Nanos()
		for _, ref := range successes {
			e := v.Event(ref)
			if e.Nanos() >= last && e.Nanos()-last <= int64(w) && same(e) {
				return true
			}
		}
		return false
	}
	byIP := map[index.Sym][]index.EventRef{}
	for _, ref := range failures {
		e := v.Event(ref)
		byIP[e.IP()] = append(byIP[e.IP()], ref)
	}
	for _, ip := range symKeys(byIP) {
		hit := burstRefs(v, byIP[ip], w, n, nil)
		if len(hit) == 0 || ip == 0 {
			continue
		}
		users := map[index.Sym]bool{}
		for _, ref := range hit {
			inBurst[ref] = true
			users[v.Event(ref).Who().Principal()] = true
		}
		d := r.draftFor(ru, 0, "ip "+s(ip))
		d.refs, d.keepFails, d.exact = hit, true, false
		d.terms = append(slices.Clone(terms), filter.Term{Field: filter.FieldIP, Values: []string{s(ip)}})
		d.note(fmt.Sprintf("%d from %s against %d user%s", len(hit), s(ip), len(users), pluralS(len(users))))
		if succeeded(hit, func(e index.Event) bool { return e.IP() == ip }) {
			d.note("then a success from the same IP")
			d.raise(catalog.SeverityHigh)
		}
	}
	byUser := map[index.Sym][]index.EventRef{}
	for _, ref := range failures {
		if !inBurst[ref] {
			p := v.Event(ref).Who().Principal()
			byUser[p] = append(byUser[p], ref)
		}
	}
	for _, p := range symKeys(byUser) {
		hit := burstRefs(v, byUser[p], w, n, nil)
		if len(hit) == 0 {
			continue
		}
		d := r.draftFor(ru, p, "")
		d.refs, d.keepFails, d.exact = hit, true, false
		d.terms = terms
		d.note(fmt.Sprintf("%d failed", len(hit)))
		if succeeded(hit, func(e index.Event) bool { return e.Who().Principal() == p }) {
			d.note("then a success")
			d.raise(catalog.SeverityHigh)
		}
	}
}

// isFailedLogin reports a console sign-in that failed, as far as the index tells (errorMessage).
func isFailedLogin(v index.View, e index.Event) bool {
	return e.ErrorMessage() != 0 && v.Str(e.Name()) == "ConsoleLogin"
}
