package scenarios

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/tidwall/gjson"
	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/model/scenario"
)

// answerTerminated: the TerminateInstances of the subject, its identity and address, and the console
// sign-in that opened the session from the same address.
func answerTerminated(x *index.Index, s scenario.Scenario) (scenario.Answer, error) {
	refs, err := find(x, term(filter.FieldEvent, "TerminateInstances"), term(filter.FieldError, "none"), term(filter.FieldResource, s.Subject))
	if err != nil {
		return scenario.Answer{}, err
	}
	if len(refs) == 0 {
		return scenario.Answer{}, fmt.Errorf("no successful TerminateInstances of %s in the loaded events", s.Subject)
	}
	ref := refs[0]
	r := x.Record(ref)
	id := r.Identity
	a := scenario.Answer{Principal: id.Principal, AccessKey: id.AccessKey, SourceIP: r.SourceIP, Resources: []string{s.Subject},
		Key: ref, Evidence: []index.EventRef{ref}}
	a.Behind, a.Chain = behind(x, ref)
	name := cmp.Or(id.UserName, id.Session, id.Principal)
	a.Filter = text(term(filter.FieldPrincipal, name), term(filter.FieldIP, r.SourceIP), term(filter.FieldEvent, "ConsoleLogin", "TerminateInstances"))

	var b strings.Builder
	fmt.Fprintf(&b, "%s terminated %s at %s", id.Principal, s.Subject, when(r.Time))
	if id.Console {
		b.WriteString(" in a console session")
	}
	fmt.Fprintf(&b, ", with the key %s, from %s.", cmp.Or(id.AccessKey, "?"), r.SourceIP)

	// The sign-in that began the session: the same principal, from the same address, before.
	logins, err := find(x, term(filter.FieldEvent, "ConsoleLogin"), term(filter.FieldError, "none"), term(filter.FieldIP, r.SourceIP))
	if err != nil {
		return scenario.Answer{}, err
	}
	var login index.EventRef
	found := false
	for _, l := range logins {
		lr := x.Record(l)
		if lr.Identity.Principal == id.Principal && !lr.Time.After(r.Time) && r.Time.Sub(lr.Time) < 12*time.Hour {
			login, found = l, true
		}
	}
	if found {
		lr := x.Record(login)
		a.Evidence = []index.EventRef{login, ref}
		mfa := rawField(x, login, "additionalEventData.MFAUsed") == "Yes"
		fmt.Fprintf(&b, " That session began with a console sign-in at %s from the same address", clock(lr.Time))
		if mfa {
			b.WriteString(", with MFA")
		} else {
			b.WriteString(", without MFA")
		}
		b.WriteString(".")
	}
	others, err := find(x, term(filter.FieldPrincipal, name), term(filter.FieldIP, r.SourceIP))
	if err != nil {
		return scenario.Answer{}, err
	}
	fmt.Fprintf(&b, " %s made %s from that address this week.", name, plural(len(others), "call", "calls"))
	switch {
	case a.Behind != "":
		fmt.Fprintf(&b, " The session's credentials lead back to %s.", a.Behind)
	case found:
		b.WriteString(" They were their own credentials, signed in from their own address: the denial does not hold.")
	}
	a.Text = b.String()
	return a, nil
}

// pentestAgent reports whether a user agent names a penetration-testing distribution, as the aws-cli and
// SDKs write the OS into it (GuardDuty's PenTest findings look for the same).
func pentestAgent(ua string) bool {
	ua = strings.ToLower(ua)
	for _, os := range []string{"kali", "parrot", "pentoo"} {
		if strings.Contains(ua, os) {
			return true
		}
	}
	return false
}

// answerLeakedKey: the subject's events with a pentest user agent, everything from their address, and
// what was created and tampered with.
func answerLeakedKey(x *index.Index, s scenario.Scenario) (scenario.Answer, error) {
	refs, err := find(x, term(filter.FieldPrincipal, s.Subject))
	if err != nil {
		return scenario.Answer{}, err
	}
	var ips []string
	a := scenario.Answer{}
	for _, ref := range refs {
		r := x.Record(ref)
		if r.Identity.UserName != s.Subject || !pentestAgent(r.UserAgent) {
			continue
		}
		if a.AccessKey == "" {
			a.Principal, a.AccessKey, a.SourceIP = r.Identity.Principal, r.Identity.AccessKey, r.SourceIP
		}
		if !slices.Contains(ips, r.SourceIP) {
			ips = append(ips, r.SourceIP)
		}
	}
	if len(ips) == 0 {
		return scenario.Answer{}, fmt.Errorf("no events of %s with a penetration-testing user agent", s.Subject)
	}
	a.Filter = text(term(filter.FieldIP, ips...))
	if a.Evidence, err = findText(x, a.Filter); err != nil {
		return scenario.Answer{}, err
	}
	a.Count = len(a.Evidence)
	a.Key = a.Evidence[0]
	first, last := x.Record(a.Evidence[0]), x.Record(a.Evidence[len(a.Evidence)-1])

	var recon []string
	var users, keys, policies, tamper []string
	reads := 0
	for _, ref := range a.Evidence {
		r := x.Record(ref)
		switch {
		case r.ErrorCode == "" && r.Name == "CreateUser":
			users = append(users, rawField(x, ref, "requestParameters.userName"))
		case r.ErrorCode == "" && r.Name == "CreateAccessKey":
			keys = append(keys, rawField(x, ref, "responseElements.accessKey.accessKeyId"))
		case r.ErrorCode == "" && (r.Name == "AttachUserPolicy" || r.Name == "PutUserPolicy"):
			policies = append(policies, cmp.Or(rawField(x, ref, "requestParameters.policyArn"), rawField(x, ref, "requestParameters.policyName")))
		case r.Source == filter.EventSource("cloudtrail") && r.ReadOnly != cloudtrail.True:
			trail := cmp.Or(rawField(x, ref, "requestParameters.name"), rawField(x, ref, "requestParameters.trailName"))
			t := r.Name + " " + trail[strings.LastIndexByte(trail, '/')+1:]
			if r.ErrorCode != "" {
				t += " (" + r.ErrorCode + ")"
			}
			tamper = append(tamper, t)
		case r.ReadOnly == cloudtrail.True:
			reads++
			if !slices.Contains(recon, r.Name) && len(recon) < 6 {
				recon = append(recon, r.Name)
			}
		}
	}
	a.Resources = append(append(append(a.Resources, users...), keys...), policies...)

	var b strings.Builder
	fmt.Fprintf(&b, "Yes. %s's key %s was used from %s with a penetration-testing user agent (%s), %s to %s: %s.",
		s.Subject, a.AccessKey, strings.Join(ips, ", "), first.UserAgent, when(first.Time), clock(last.Time),
		plural(a.Count, "call", "calls"))
	fmt.Fprintf(&b, " Reconnaissance first (%s: %s)", strings.Join(recon, ", "), plural(reads, "read", "reads"))
	if len(users) > 0 {
		fmt.Fprintf(&b, "; then persistence: user %s created", strings.Join(users, ", "))
		if len(policies) > 0 {
			fmt.Fprintf(&b, ", %s attached", strings.Join(policies, ", "))
		}
		if len(keys) > 0 {
			fmt.Fprintf(&b, ", access key %s made for it", strings.Join(keys, ", "))
		}
	}
	if len(tamper) > 0 {
		fmt.Fprintf(&b, "; then an attempt on the trail: %s", strings.Join(tamper, ", "))
	}
	b.WriteString(". Deactivate both keys and delete the backdoor user.")
	a.Text = b.String()
	return a, nil
}

// opensToWorld reports whether an AuthorizeSecurityGroupIngress record opens port to any address.
func opensToWorld(raw []byte, port int64) bool {
	open := false
	gjson.GetBytes(raw, "requestParameters.ipPermissions.items").ForEach(func(_, p gjson.Result) bool {
		from, to := p.Get("fromPort").Int(), p.Get("toPort").Int()
		proto := p.Get("ipProtocol").String()
		if (proto == "-1" || (from <= port && port <= to)) &&
			(p.Get(`ipRanges.items.#(cidrIp=="0.0.0.0/0")`).Exists() || p.Get(`ipv6Ranges.items.#(cidrIpv6=="::/0")`).Exists()) {
			open = true
		}
		return !open
	})
	return open
}

// answerRoleChain: the rule that opened port 22 to the world on the subject, and its credential chain.
func answerRoleChain(x *index.Index, s scenario.Scenario) (scenario.Answer, error) {
	opened := []filter.Term{term(filter.FieldEvent, "AuthorizeSecurityGroupIngress"), term(filter.FieldResource, s.Subject)}
	refs, err := find(x, append(opened, term(filter.FieldError, "none"))...)
	if err != nil {
		return scenario.Answer{}, err
	}
	for _, ref := range refs {
		raw, err := x.Raw(ref)
		if err != nil || !opensToWorld(raw, 22) {
			continue
		}
		r := x.Record(ref)
		a := scenario.Answer{Principal: r.Identity.Principal, AccessKey: r.Identity.AccessKey, SourceIP: r.SourceIP,
			Resources: []string{s.Subject}, Key: ref, Evidence: []index.EventRef{ref}, Filter: text(opened...)}
		a.Behind, a.Chain = behind(x, ref)
		var b strings.Builder
		fmt.Fprintf(&b, "The rule allowing tcp 22 from 0.0.0.0/0 was added at %s by %s of account %s, from %s.",
			when(r.Time), r.Identity.Principal, r.Identity.Account, r.SourceIP)
		if len(a.Chain) > 0 {
			b.WriteString(" " + describeChain(x, a.Chain))
			fmt.Fprintf(&b, " The person behind it is %s; the session names along the way do not say so.", a.Behind)
		}
		a.Text = b.String()
		return a, nil
	}
	return scenario.Answer{}, fmt.Errorf("no rule opening port 22 to the world on %s in the loaded events", s.Subject)
}

// burst returns the longest run of refs (time-ordered) with no gap over maxGap that contains the busiest
// window of span: a loop that ran, from its first call to its last.
func burst(x *index.Index, refs []index.EventRef, weight func(index.EventRef) int, span, maxGap time.Duration) (run []index.EventRef, best int) {
	if len(refs) == 0 {
		return nil, 0
	}
	times := make([]time.Time, len(refs))
	for i, ref := range refs {
		times[i] = x.Time(ref)
	}
	bestAt, sum, lo := 0, 0, 0
	for hi, ref := range refs {
		sum += weight(ref)
		for times[hi].Sub(times[lo]) > span {
			sum -= weight(refs[lo])
			lo++
		}
		if sum > best {
			best, bestAt = sum, hi
		}
	}
	from, to := bestAt, bestAt
	for from > 0 && times[from].Sub(times[from-1]) <= maxGap {
		from--
	}
	for to+1 < len(refs) && times[to+1].Sub(times[to]) <= maxGap {
		to++
	}
	return refs[from : to+1], best
}

// byPrincipal groups refs by their principal, keeping time order within each group.
func byPrincipal(x *index.Index, refs []index.EventRef) map[string][]index.EventRef {
	groups := map[string][]index.EventRef{}
	for _, ref := range refs {
		p := x.Record(ref).Identity.Principal
		groups[p] = append(groups[p], ref)
	}
	return groups
}

// busiest returns the group whose busiest window of span weighs the most, its burst and that weight.
func busiest(x *index.Index, groups map[string][]index.EventRef, weight func(index.EventRef) int, span, maxGap time.Duration) (string, []index.EventRef, int) {
	names := make([]string, 0, len(groups))
	for p := range groups {
		names = append(names, p)
	}
	slices.Sort(names)
	var who string
	var run []index.EventRef
	best := 0
	for _, p := range names {
		r, n := burst(x, groups[p], weight, span, maxGap)
		if n > best {
			who, run, best = p, r, n
		}
	}
	return who, run, best
}

// countKinds counts an event's resources of a kind.
func countKind(r cloudtrail.Record, kind string) int {
	n := 0
	for _, res := range r.Resources {
		if res.Kind == kind {
			n++
		}
	}
	return n
}

// answerCostSpike: the principal that launched the most instances in one hour, the whole loop, and why it
// stopped.
func answerCostSpike(x *index.Index, s scenario.Scenario) (scenario.Answer, error) {
	refs, err := find(x, term(filter.FieldEvent, "RunInstances"))
	if err != nil {
		return scenario.Answer{}, err
	}
	launched := func(ref index.EventRef) int {
		r := x.Record(ref)
		if r.ErrorCode != "" {
			return 0
		}
		return countKind(r, kindInstance)
	}
	who, run, perHour := busiest(x, byPrincipal(x, refs), launched, time.Hour, 10*time.Minute)
	if perHour < 50 {
		return scenario.Answer{}, errors.New("no principal launched more than 50 instances in an hour")
	}
	first := x.Record(run[0])
	a := scenario.Answer{Principal: who, AccessKey: first.Identity.AccessKey, SourceIP: first.SourceIP, Key: run[0], Evidence: run,
		Filter: text(term(filter.FieldEvent, "RunInstances"), term(filter.FieldPrincipal, who))}
	a.Behind, a.Chain = behind(x, run[0])
	var regions, types []string
	errs := map[string]int{}
	var lastOK, firstErr time.Time
	for _, ref := range run {
		r := x.Record(ref)
		if !slices.Contains(regions, r.Region) {
			regions = append(regions, r.Region)
		}
		if r.ErrorCode != "" {
			errs[r.ErrorCode]++
			if firstErr.IsZero() {
				firstErr = r.Time
			}
			continue
		}
		lastOK = r.Time
		a.Count += countKind(r, kindInstance)
		if t := rawField(x, ref, "requestParameters.instanceType"); t != "" && !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	a.Resources = regions
	last := x.Record(run[len(run)-1])
	var b strings.Builder
	fmt.Fprintf(&b, "%s called RunInstances %d times in %s between %s and %s and launched %d %s instances (%d in its busiest hour).",
		who, len(run), strings.Join(regions, ", "), when(first.Time), clock(last.Time), a.Count, strings.Join(types, "/"), perHour)
	if len(errs) > 0 {
		codes := make([]string, 0, len(errs))
		for c, n := range errs {
			codes = append(codes, fmt.Sprintf("%d with %s", n, c))
		}
		slices.Sort(codes)
		fmt.Fprintf(&b, " From %s the calls failed (%s): the account's quota stopped it, not a person.", clock(firstErr), strings.Join(codes, ", "))
	} else {
		fmt.Fprintf(&b, " The last launch was at %s.", clock(lastOK))
	}
	if a.Behind != "" {
		fmt.Fprintf(&b, " %s The calls all come from %s (%s): a script in a loop.", describeChain(x, a.Chain), first.SourceIP, shortAgent(first.UserAgent))
	}
	a.Text = b.String()
	return a, nil
}

// shortAgent returns the first word of a user agent ("Boto3/1.34.69"), or "a web browser".
func shortAgent(ua string) string {
	if strings.HasPrefix(ua, "Mozilla/") {
		return "a web browser"
	}
	ua = strings.TrimPrefix(ua, "[")
	if i := strings.IndexByte(ua, ' '); i > 0 {
		return ua[:i]
	}
	return ua
}

// answerRootNoMFA: root's console sign-in without MFA, and what it did from that address afterwards.
func answerRootNoMFA(x *index.Index, s scenario.Scenario) (scenario.Answer, error) {
	logins, err := find(x, term(filter.FieldType, "Root"), term(filter.FieldEvent, "ConsoleLogin"), term(filter.FieldError, "none"))
	if err != nil {
		return scenario.Answer{}, err
	}
	withMFA := 0
	var login index.EventRef
	found := false
	for _, ref := range logins {
		if rawField(x, ref, "additionalEventData.MFAUsed") == "No" {
			if !found {
				login, found = ref, true
			}
		} else {
			withMFA++
		}
	}
	if !found {
		return scenario.Answer{}, errors.New("no console sign-in of root without MFA in the loaded events")
	}
	lr := x.Record(login)
	a := scenario.Answer{Principal: lr.Identity.Principal, SourceIP: lr.SourceIP, Key: login,
		Filter: text(term(filter.FieldType, "Root"), term(filter.FieldIP, lr.SourceIP), term(filter.FieldAccount, lr.Account))}
	refs, err := findText(x, a.Filter)
	if err != nil {
		return scenario.Answer{}, err
	}
	var deleted, calls []string
	for _, ref := range refs {
		r := x.Record(ref)
		if r.Time.Before(lr.Time) || r.Time.Sub(lr.Time) > 12*time.Hour {
			continue
		}
		a.Evidence = append(a.Evidence, ref)
		if ref == login {
			continue
		}
		if a.AccessKey == "" {
			a.AccessKey = r.Identity.AccessKey
		}
		if !slices.Contains(calls, r.Name) {
			calls = append(calls, r.Name)
		}
		if r.ErrorCode == "" && strings.HasPrefix(r.Name, "Delete") {
			ids := resourceIDs(r.Resources)
			deleted = append(deleted, r.Name+" "+strings.Join(ids, ","))
			a.Resources = append(a.Resources, ids...)
		}
	}
	last := x.Record(a.Evidence[len(a.Evidence)-1])
	var b strings.Builder
	fmt.Fprintf(&b, "Root of account %s signed in to the console without MFA at %s from %s (%s).",
		lr.Account, when(lr.Time), lr.SourceIP, shortAgent(lr.UserAgent))
	if len(calls) > 0 {
		fmt.Fprintf(&b, " Until %s it called %s", clock(last.Time), strings.Join(calls, ", "))
		if len(deleted) > 0 {
			fmt.Fprintf(&b, "; it deleted: %s", strings.Join(deleted, "; "))
		}
		b.WriteString(".")
	}
	fmt.Fprintf(&b, " The other %s of root this week used MFA.", plural(withMFA, "sign-in", "sign-ins"))
	a.Text = b.String()
	return a, nil
}

func resourceIDs(rs []cloudtrail.Resource) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

// denied matches the error codes of a refused call across services (AccessDenied,
// AccessDeniedException, Client.UnauthorizedOperation, SNS's AuthorizationError...): wildcards ignore case.
var denied = term(filter.FieldError, "*Denied*", "*Authoriz*")

// answerDeniedStorm: the principal denied most in one hour, what it tried, its chain, and the fix if one
// followed.
func answerDeniedStorm(x *index.Index, s scenario.Scenario) (scenario.Answer, error) {
	refs, err := find(x, denied)
	if err != nil {
		return scenario.Answer{}, err
	}
	who, run, perHour := busiest(x, byPrincipal(x, refs), func(index.EventRef) int { return 1 }, time.Hour, 10*time.Minute)
	if perHour < 50 {
		return scenario.Answer{}, errors.New("no principal was denied more than 50 times in an hour")
	}
	first, last := x.Record(run[0]), x.Record(run[len(run)-1])
	a := scenario.Answer{Principal: who, AccessKey: first.Identity.AccessKey, SourceIP: first.SourceIP, Key: run[0], Evidence: run,
		Count: len(run), Filter: text(term(filter.FieldPrincipal, who), denied)}
	a.Behind, a.Chain = behind(x, run[0])
	names, services, regions := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, ref := range run {
		r := x.Record(ref)
		names[r.Name], services[r.Source], regions[r.Region] = true, true, true
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s was denied %d times between %s and %s: %d different calls to %d services in %d regions, from %s (%s). A tool enumerating everything, with a policy that allows little of it.",
		who, len(run), when(first.Time), clock(last.Time), len(names), len(services), len(regions), first.SourceIP, shortAgent(first.UserAgent))
	if len(a.Chain) > 0 {
		b.WriteString(" " + describeChain(x, a.Chain))
	}
	if role := first.Identity.IssuerName; role != "" {
		a.Resources = []string{role}
		fixes, err := find(x, term(filter.FieldEvent, "AttachRolePolicy", "PutRolePolicy"), term(filter.FieldError, "none"), term(filter.FieldResource, role))
		if err != nil {
			return scenario.Answer{}, err
		}
		for _, ref := range fixes {
			r := x.Record(ref)
			if r.Time.After(last.Time) {
				fmt.Fprintf(&b, " At %s %s attached %s to role %s; the role's later runs are rarely denied.",
					when(r.Time), r.Identity.Principal, cmp.Or(rawField(x, ref, "requestParameters.policyArn"), rawField(x, ref, "requestParameters.policyName")), role)
				break
			}
		}
	}
	a.Text = b.String()
	return a, nil
}

// answerBucketWipe: the principal and bucket with the most deletions, what it read first, from where, and
// whose credentials they were.
func answerBucketWipe(x *index.Index, s scenario.Scenario) (scenario.Answer, error) {
	refs, err := find(x, term(filter.FieldEvent, "DeleteObject"), term(filter.FieldError, "none"))
	if err != nil {
		return scenario.Answer{}, err
	}
	type key struct{ principal, bucket, ip string }
	counts := map[key]int{}
	var best key
	for _, ref := range refs {
		r := x.Record(ref)
		for _, res := range r.Resources {
			if res.Kind == kindBucket {
				k := key{r.Identity.Principal, res.ID, r.SourceIP}
				counts[k]++
				if c := counts[k]; c > counts[best] || (c == counts[best] && cmp.Compare(k.bucket, best.bucket) < 0) {
					best = k
				}
			}
		}
	}
	if counts[best] < 50 {
		return scenario.Answer{}, errors.New("no principal deleted more than 50 objects of one bucket")
	}
	a := scenario.Answer{Principal: best.principal, SourceIP: best.ip, Resources: []string{best.bucket},
		Filter: text(term(filter.FieldIP, best.ip), term(filter.FieldResource, best.bucket))}
	if a.Evidence, err = findText(x, a.Filter); err != nil {
		return scenario.Answer{}, err
	}
	reads, notes := 0, []string{}
	for _, ref := range a.Evidence {
		r := x.Record(ref)
		switch {
		case r.ErrorCode != "":
		case r.Name == "GetObject":
			reads++
		case r.Name == "DeleteObject":
			if a.Count == 0 {
				a.Key = ref
			}
			a.Count++
		case r.Name == "PutObject":
			notes = append(notes, rawField(x, ref, "requestParameters.key"))
		}
	}
	first, last := x.Record(a.Evidence[0]), x.Record(a.Evidence[len(a.Evidence)-1])
	a.AccessKey = first.Identity.AccessKey
	a.Behind, a.Chain = behind(x, a.Evidence[0])
	var b strings.Builder
	fmt.Fprintf(&b, "%s read %d objects of %s and deleted %d, between %s and %s, from %s (%s).",
		best.principal, reads, best.bucket, a.Count, when(first.Time), clock(last.Time), best.ip, shortAgent(first.UserAgent))
	if len(notes) > 0 {
		fmt.Fprintf(&b, " Then it wrote %s: a ransom note.", strings.Join(notes, ", "))
	}
	// The same session from elsewhere: where the credentials belong.
	if key := first.Identity.AccessKey; key != "" {
		same, err := find(x, term(filter.FieldKey, key), filter.Term{Field: filter.FieldIP, Values: []string{best.ip}, Negate: true})
		if err != nil {
			return scenario.Answer{}, err
		}
		home := map[string]bool{}
		for _, ref := range same {
			home[x.Record(ref).SourceIP] = true
		}
		if len(same) > 0 {
			addrs := slices.Sorted(maps.Keys(home))
			fmt.Fprintf(&b, " The same key made %s from %s", plural(len(same), "other call", "other calls"), strings.Join(addrs, ", "))
			if sess := first.Identity.Session; strings.HasPrefix(sess, "i-") {
				fmt.Fprintf(&b, ", the address of instance %s whose role session it is", sess)
			}
			b.WriteString(": the instance's credentials were stolen and used from outside.")
		}
	}
	if len(a.Chain) > 0 {
		b.WriteString(" " + describeChain(x, a.Chain))
	}
	a.Text = b.String()
	return a, nil
}

// answerScaleIn: the TerminateInstances made by AWS services on behalf of Auto Scaling.
func answerScaleIn(x *index.Index, s scenario.Scenario) (scenario.Answer, error) {
	refs, err := find(x, term(filter.FieldEvent, "TerminateInstances"), term(filter.FieldError, "none"))
	if err != nil {
		return scenario.Answer{}, err
	}
	a := scenario.Answer{}
	for _, ref := range refs {
		r := x.Record(ref)
		if r.Identity.InvokedBy != filter.EventSource("autoscaling") {
			continue
		}
		if a.Principal == "" {
			a.Principal, a.SourceIP, a.Key = r.Identity.Principal, r.SourceIP, ref
			a.Filter = text(term(filter.FieldEvent, "TerminateInstances"), term(filter.FieldPrincipal, r.Identity.IssuerName))
		}
		a.Evidence = append(a.Evidence, ref)
		a.Count += countKind(r, kindInstance)
	}
	if len(a.Evidence) == 0 {
		return scenario.Answer{}, errors.New("no TerminateInstances by Auto Scaling in the loaded events")
	}
	a.Text = fmt.Sprintf("No. %s of the week's TerminateInstances (%s) were made by %s, invoked by autoscaling.amazonaws.com "+
		"from %s: Auto Scaling groups scaling in or replacing unhealthy instances. It is a service-linked role that "+
		"only the service can assume; no person's key or address is involved.",
		plural(len(a.Evidence), "call", "calls"), plural(a.Count, "instance", "instances"), a.Principal, a.SourceIP)
	return a, nil
}
