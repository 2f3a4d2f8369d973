package findings

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/trailscope/trailscope/model/catalog"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
)

// This file holds the rules that count: bulk reads, bursts of launches, deletions and denials, and the
// tools named in user agents, with the helpers that group and count events.

// passwordData raises GetPasswordData: any call, and many instances at once more so.
func (r *run) passwordData() {
	if !r.enabled("password-data") {
		return
	}
	v := r.v
	c := call("ec2", "GetPasswordData")
	groups := r.byPrincipal(r.eventsOf(c))
	for _, p := range symKeys(groups) {
		refs := groups[p]
		d := r.draftFor(mustRule("password-data"), p, "")
		d.refs, d.terms, d.exact = refs, eventTerms(c), true
		n := len(distinctResources(v, refs, "ec2:instance"))
		d.note(fmt.Sprintf("%d instance%s", n, pluralS(n)))
		if len(burstRefs(v, refs, r.opts.SecretsWindow, r.opts.SecretsBurst, resourceKeysOf(v, "ec2:instance"))) > 0 {
			d.raise(catalog.SeverityHigh)
		}
	}
}

// secrets raises bulk reads of Secrets Manager secrets.
func (r *run) secrets() {
	if !r.enabled("secrets-bulk") {
		return
	}
	v := r.v
	get := call("secretsmanager", "GetSecretValue")
	batch := call("secretsmanager", "BatchGetSecretValue")
	groups := r.byPrincipal(r.eventsOf(get, batch))
	keys := resourceKeysOf(v, "secretsmanager:secret") // a secret the record does not name: count the call
	for _, p := range symKeys(groups) {
		refs := groups[p]
		var hit []index.EventRef
		for _, ref := range refs {
			if catalog.TrimAPIVersion(v.Str(v.Event(ref).Name())) == "BatchGetSecretValue" {
				hit = append(hit, ref) // itself a bulk read
			}
		}
		hit = append(hit, burstRefs(v, refs, r.opts.SecretsWindow, r.opts.SecretsBurst, keys)...)
		if len(hit) == 0 {
			continue
		}
		d := r.draftFor(mustRule("secrets-bulk"), p, "")
		d.refs, d.terms = hit, eventTerms(get, batch)
		if n := len(distinctResources(v, hit, "secretsmanager:secret")); n > 0 {
			d.note(fmt.Sprintf("%d secrets", n))
		}
		if slices.ContainsFunc(hit, func(ref index.EventRef) bool {
			return v.Str(v.Event(ref).Name()) == "BatchGetSecretValue"
		}) {
			d.note("BatchGetSecretValue")
		}
	}
}

// instanceBursts raises runs of RunInstances or TerminateInstances by one principal.
func (r *run) instanceBursts() {
	if !r.enabled("instance-burst") {
		return
	}
	v := r.v
	for _, name := range []string{"RunInstances", "TerminateInstances"} {
		c := call("ec2", name)
		var mine []index.EventRef
		for _, ref := range r.eventsOf(c) {
			if !r.byService(v.Event(ref)) {
				mine = append(mine, ref)
			}
		}
		groups := r.byPrincipal(mine)
		for _, p := range symKeys(groups) {
			hit := burstRefs(v, groups[p], r.opts.InstanceWindow, r.opts.InstanceBurst, resourceKeysOf(v, "ec2:instance"))
			if len(hit) == 0 {
				continue
			}
			d := r.draftFor(mustRule("instance-burst"), p, name)
			d.refs, d.terms, d.exact = hit, eventTerms(c), false
			n := len(distinctResources(v, hit, "ec2:instance"))
			verb := "launched"
			if name == "TerminateInstances" {
				verb = "terminated"
				d.raise(catalog.SeverityHigh)
			}
			d.note(fmt.Sprintf("%d instances %s in %d calls", n, verb, len(hit)))
		}
	}
}

// objectDeletes raises principals that delete many S3 objects in a short time.
func (r *run) objectDeletes() {
	if !r.enabled("s3-bulk-delete") {
		return
	}
	v := r.v
	c := call("s3", "DeleteObject", "DeleteObjects")
	var mine []index.EventRef
	for _, ref := range r.eventsOf(c) {
		if !r.byService(v.Event(ref)) {
			mine = append(mine, ref)
		}
	}
	keys := resourceKeysOf(v, "s3:object") // DeleteObjects names its keys in a body CloudTrail does not log
	groups := r.byPrincipal(mine)
	for _, p := range symKeys(groups) {
		hit := burstRefs(v, groups[p], r.opts.ObjectWindow, r.opts.ObjectBurst, keys)
		if len(hit) == 0 {
			continue
		}
		d := r.draftFor(mustRule("s3-bulk-delete"), p, "")
		d.refs, d.terms, d.exact = hit, eventTerms(c), false
		buckets := map[string]bool{}
		for _, ref := range hit {
			for _, b := range resourcesOf(v, v.Event(ref), "s3:bucket") {
				buckets[b] = true
			}
		}
		names := make([]string, 0, len(buckets))
		for b := range buckets {
			names = append(names, b)
		}
		slices.Sort(names)
		d.note(fmt.Sprintf("%d objects from %s", len(distinctResources(v, hit, "s3:object")), strings.Join(names, ",")))
	}
}

// deniedBursts raises principals with many denied calls in a short time.
func (r *run) deniedBursts() {
	if !r.enabled("access-denied-burst") {
		return
	}
	v := r.v
	var codes []string
	var refs []index.EventRef
	for code, list := range v.Postings(filter.FieldError) {
		if isDenied(strings.ToLower(v.Str(code))) {
			codes = append(codes, v.Str(code))
			for _, ref := range list {
				if !r.byService(v.Event(ref)) {
					refs = append(refs, ref)
				}
			}
		}
	}
	slices.Sort(codes)
	groups := r.byPrincipal(refs)
	for _, p := range symKeys(groups) {
		hit := burstRefs(v, groups[p], r.opts.DeniedWindow, r.opts.DeniedBurst, nil)
		if len(hit) == 0 {
			continue
		}
		d := r.draftFor(mustRule("access-denied-burst"), p, "")
		d.refs, d.keepFails, d.exact = hit, true, false
		d.terms = []filter.Term{{Field: filter.FieldError, Values: codes}}
		names := map[index.Sym]int{}
		for _, ref := range hit {
			names[v.Event(ref).Name()]++
		}
		d.note(fmt.Sprintf("%d denied", len(hit)))
		for _, n := range topNames(v, names, 3) {
			d.note(n)
		}
	}
}

// isDenied reports whether a lower-cased error code says the caller lacked permission.
func isDenied(code string) bool {
	for _, s := range []string{"accessdenied", "unauthorized", "forbidden", "notauthorized", "authorizationerror"} {
		if strings.Contains(code, s) {
			return true
		}
	}
	return false
}

// offensiveTools are what attack tools and distributions write in the user agent. The scanners at
// medium severity are also run by defenders.
var offensiveTools = []struct {
	token, name string
	sev         catalog.Severity
}{
	{"kali", "Kali Linux", catalog.SeverityHigh},
	{"parrot", "Parrot OS", catalog.SeverityHigh},
	{"pentoo", "Pentoo", catalog.SeverityHigh},
	{"pacu", "Pacu", catalog.SeverityHigh},
	{"trufflehog", "TruffleHog", catalog.SeverityHigh},
	{"s3 browser", "S3 Browser", catalog.SeverityHigh},
	{"s3browser", "S3 Browser", catalog.SeverityHigh},
	{"cloudfox", "CloudFox", catalog.SeverityHigh},
	{"weirdaal", "WeirdAAL", catalog.SeverityHigh},
	{"stratus-red-team", "Stratus Red Team", catalog.SeverityHigh},
	{"pmapper", "PMapper", catalog.SeverityMedium},
	{"scoutsuite", "ScoutSuite", catalog.SeverityMedium},
	{"prowler", "Prowler", catalog.SeverityMedium},
	{"cloudsploit", "CloudSploit", catalog.SeverityMedium},
}

// offensiveTools raises user agents that name an attack tool. It looks at distinct user agents (a
// few thousand), not at events.
func (r *run) offensiveTools() {
	if !r.enabled("offensive-tool") {
		return
	}
	v := r.v
	ru := mustRule("offensive-tool")
	var uas []index.Sym
	for ua := range v.Postings(filter.FieldUA) {
		uas = append(uas, ua)
	}
	slices.Sort(uas)
	for _, ua := range uas {
		lower := strings.ToLower(v.Str(ua))
		for _, t := range offensiveTools {
			if !strings.Contains(lower, t.token) {
				continue
			}
			for _, ref := range v.TimeOrder(v.Posting(filter.FieldUA, ua)) {
				e := v.Event(ref)
				d := r.draftFor(ru, e.Who().Principal(), t.name)
				d.refs = append(d.refs, ref)
				d.sev = min(d.sev, t.sev)
				d.note(t.name)
				d.terms, d.exact = []filter.Term{{Field: filter.FieldUA, Values: []string{t.token}}}, true
			}
			break
		}
	}
}

// byPrincipal groups refs by principal, each group in time order.
func (r *run) byPrincipal(refs []index.EventRef) map[index.Sym][]index.EventRef {
	v := r.v
	out := map[index.Sym][]index.EventRef{}
	for _, ref := range refs {
		p := v.Event(ref).Who().Principal()
		out[p] = append(out[p], ref)
	}
	for p, list := range out {
		out[p] = v.TimeOrder(list)
	}
	return out
}

func symKeys[V any](m map[index.Sym]V) []index.Sym {
	keys := make([]index.Sym, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// burst returns the events of refs (in time order) that lie in a window of the given length holding
// at least threshold distinct keys (events, when keys is nil).
func burstRefs(v index.View, refs []index.EventRef, window time.Duration, threshold int, keys func(index.Event, index.EventRef) []index.Sym) []index.EventRef {
	if len(refs) == 0 || threshold <= 0 {
		return nil
	}
	keysOf := func(i int) []index.Sym {
		e := v.Event(refs[i])
		if keys == nil {
			return []index.Sym{index.Sym(i)}
		}
		return keys(e, refs[i])
	}
	count := map[index.Sym]int{}
	var out []index.EventRef
	marked := 0 // refs[:marked] are in out already
	j := 0
	for i := range refs {
		ti := v.Event(refs[i]).Nanos()
		for j < len(refs) && v.Event(refs[j]).Nanos()-ti <= int64(window) {
			for _, k := range keysOf(j) {
				count[k]++
			}
			j++
		}
		if len(count) >= threshold {
			for m := max(i, marked); m < j; m++ {
				out = append(out, refs[m])
			}
			marked = max(marked, j)
		}
		for _, k := range keysOf(i) {
			if count[k]--; count[k] == 0 {
				delete(count, k)
			}
		}
	}
	return out
}

// resourceKeysOf counts resources of a kind, for burstRefs: the ones an event names, or the event itself
// when it names none (a launch that failed, a call whose record leaves its target out).
func resourceKeysOf(v index.View, kind string) func(index.Event, index.EventRef) []index.Sym {
	return func(e index.Event, ref index.EventRef) []index.Sym {
		if ks := resourceKeys(v, e, kind); len(ks) > 0 {
			return ks
		}
		return []index.Sym{index.Sym(ref) | 1<<31}
	}
}

func distinctResources(v index.View, refs []index.EventRef, kind string) map[index.Sym]bool {
	out := map[index.Sym]bool{}
	for _, ref := range refs {
		for _, k := range resourceKeys(v, v.Event(ref), kind) {
			out[k] = true
		}
	}
	return out
}

// topNames returns the names of the n most frequent keys of counts, ties in name order.
func topNames(v index.View, counts map[index.Sym]int, n int) []string {
	keys := symKeys(counts)
	slices.SortFunc(keys, func(a, b index.Sym) int {
		return cmp.Or(cmp.Compare(counts[b], counts[a]), cmp.Compare(v.Str(a), v.Str(b)))
	})
	out := make([]string, 0, n)
	for _, k := range keys[:min(n, len(keys))] {
		out = append(out, v.Str(k))
	}
	return out
}

func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
