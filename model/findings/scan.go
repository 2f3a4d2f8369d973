package findings

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
)

// This file holds the rules that must look at every event: a principal's habits (its source IPs,
// regions and tools), its hourly rate of writes, and where instance credentials are used from. One
// pass over the time order serves them all; the rest of the engine answers from posting lists.

// habits is what the scan remembers of one principal's habits during the baseline.
type habits struct {
	baseline     int                   // events in the baseline period
	nets         map[netip.Prefix]bool // the networks of its source IPs
	regions, uas map[index.Sym]bool
}

// rate is one role's (or principal's without sessions) writes, hour by hour.
type rate struct {
	first int64 // its first event
	hours []hourCount
}

// hourCount is a principal's writes in one hour.
type hourCount struct {
	hour int64 // Unix hours
	n    int
}

const hourNanos = int64(time.Hour)

// noveltyNet is how much of an address novelty compares: a /16 of IPv4 or a /48 of IPv6. Home and
// office addresses move within their provider's blocks; a leaked key used elsewhere comes from
// another network altogether.
func noveltyNet(a netip.Addr) netip.Prefix {
	bits := 48
	if a.Is4() {
		bits = 16
	}
	p, _ := a.Prefix(bits)
	return p
}

// scanYield is how many events the scan looks at before it lets go of the lock for a moment (a
// variable for the tests).
var scanYield = 1 << 16

// scan runs the rules that look at every event, in the time order of the View it is given (r.v). It
// yields the View every scanYield events, so that Add need not wait for the whole pass, and reads the
// order as it was when it started: the events before that position never move.
func (r *run) scan() {
	novelty := r.enabled("new-source-ip") || r.enabled("new-region") || r.enabled("new-user-agent")
	spikes := r.enabled("write-spike")
	creds := r.enabled("instance-credentials-elsewhere")
	v := r.v
	order := v.Order()
	if len(order) == 0 || !novelty && !spikes && !creds {
		return
	}
	oldest, newest := v.Event(order[0]).Nanos(), v.Event(order[len(order)-1]).Nanos()
	baselineEnd := oldest + int64(r.opts.NoveltyBaseline)
	novelty = novelty && newest > baselineEnd

	habitsOf := map[index.Sym]*habits{}
	rates := map[index.Sym]*rate{}
	var lastH *habits
	var lastR *rate
	var lastP, lastRole index.Sym
	uaFamily := map[index.Sym]index.Sym{} // user agent -> its family, interned locally
	families := map[string]index.Sym{}
	runtime := map[index.Sym]bool{} // user agents of code running inside AWS (Lambda, ECS...)
	familyOf := func(ua index.Sym) index.Sym {
		f, ok := uaFamily[ua]
		if !ok {
			name := userAgentFamily(v.Str(ua))
			if f, ok = families[name]; !ok {
				f = index.Sym(len(families) + 1)
				families[name] = f
			}
			uaFamily[ua] = f
			runtime[ua] = strings.Contains(strings.ToLower(v.Str(ua)), "exec-env/")
		}
		return f
	}
	famName := func(f index.Sym) string {
		for n, id := range families {
			if id == f {
				return n
			}
		}
		return ""
	}
	nets := map[index.Sym]netip.Prefix{}
	netOf := func(ip index.Sym) netip.Prefix {
		n, ok := nets[ip]
		if !ok {
			n = noveltyNet(v.Addrs(ip)[0])
			nets[ip] = n
		}
		return n
	}
	type novel struct {
		values map[index.Sym]bool
		refs   []index.EventRef
	}
	novels := [3]map[index.Sym]*novel{{}, {}, {}} // by rule (IP, region, user agent), then by principal
	addNovel := func(kind int, p, v index.Sym, ref index.EventRef) {
		n := novels[kind][p]
		if n == nil {
			n = &novel{values: map[index.Sym]bool{}}
			novels[kind][p] = n
		}
		n.values[v] = true
		n.refs = append(n.refs, ref)
	}
	instanceIPs := map[[2]index.Sym][]index.EventRef{} // (principal, ip) of instance sessions
	peopleIPs := map[index.Sym]index.Sym{}             // ip -> a person who used it

	for i, ref := range order {
		if i%scanYield == scanYield-1 {
			v.Yield()
		}
		e := v.Event(ref)
		if e.InvokedBy() != 0 {
			continue
		}
		info := r.ident(e)
		if info.service {
			continue
		}
		hasIP := e.IP() != 0 && len(v.Addrs(e.IP())) > 0
		if creds && hasIP {
			if info.instance {
				k := [2]index.Sym{e.Who().Principal(), e.IP()}
				instanceIPs[k] = append(instanceIPs[k], ref)
			} else if _, ok := peopleIPs[e.IP()]; !ok && r.person(e) {
				peopleIPs[e.IP()] = e.Who().Principal()
			}
		}
		if spikes {
			role := e.Who().Role()
			rt := lastR
			if rt == nil || role != lastRole {
				rt = rates[role]
				if rt == nil {
					rt = &rate{first: e.Nanos()}
					rates[role] = rt
				}
				lastR, lastRole = rt, role
			}
			if e.ReadOnly() == cloudtrail.False {
				hr := e.Nanos() / hourNanos
				if n := len(rt.hours); n > 0 && rt.hours[n-1].hour == hr {
					rt.hours[n-1].n++
				} else {
					rt.hours = append(rt.hours, hourCount{hr, 1})
				}
			}
		}
		if !novelty {
			continue
		}
		p := e.Who().Principal()
		h := lastH
		if h == nil || p != lastP {
			h = habitsOf[p]
			if h == nil {
				if e.Nanos() >= baselineEnd {
					continue // first seen after the baseline: nothing to compare with
				}
				h = &habits{nets: map[netip.Prefix]bool{}, regions: map[index.Sym]bool{}, uas: map[index.Sym]bool{}}
				habitsOf[p] = h
			}
			lastH, lastP = h, p
		}
		var fam index.Sym
		if e.UserAgent() != 0 {
			fam = familyOf(e.UserAgent())
		}
		if e.Nanos() < baselineEnd {
			h.baseline++
			if hasIP {
				h.nets[netOf(e.IP())] = true
			}
			if e.Region() != 0 {
				h.regions[e.Region()] = true
			}
			if fam != 0 {
				h.uas[fam] = true
			}
			continue
		}
		if h.baseline < r.opts.NoveltyMinEvents {
			continue
		}
		most := r.opts.NoveltyMaxHabits
		if hasIP && len(h.nets) <= most && !info.instance && !runtime[e.UserAgent()] && !h.nets[netOf(e.IP())] {
			addNovel(0, p, e.IP(), ref)
		}
		if e.Region() != 0 && len(h.regions) <= most && !h.regions[e.Region()] {
			addNovel(1, p, e.Region(), ref)
		}
		if fam != 0 && len(h.uas) <= most && !h.uas[fam] {
			addNovel(2, p, fam, ref)
		}
	}

	if novelty {
		s := v.Str
		since := filter.Term{Field: filter.FieldSince, Values: []string{time.Unix(0, baselineEnd).UTC().Format(time.RFC3339Nano)}}
		for kind, id := range []string{"new-source-ip", "new-region", "new-user-agent"} {
			if !r.enabled(id) {
				continue
			}
			ru := mustRule(id)
			for _, p := range symKeys(novels[kind]) {
				n := novels[kind][p]
				d := r.draftFor(ru, p, "")
				d.refs = n.refs
				var values []string
				for _, val := range symKeys(n.values) {
					if kind == 2 {
						values = append(values, famName(val))
					} else {
						values = append(values, s(val))
					}
				}
				slices.Sort(values)
				for _, val := range values {
					d.note(val)
				}
				switch kind {
				case 0:
					d.terms, d.exact = []filter.Term{{Field: filter.FieldIP, Values: values}, since}, true
				case 1:
					d.terms, d.exact = []filter.Term{{Field: filter.FieldRegion, Values: values}, since}, true
				default:
					d.terms = []filter.Term{since}
				}
			}
		}
	}
	if spikes {
		r.writeSpikes(rates)
	}
	if creds {
		r.instanceCredentials(instanceIPs, peopleIPs)
	}
}

// userAgentFamily reduces a user agent to the client that sent it, without versions: "aws-cli",
// "Boto3", "S3Console", "stratus-red-team". Versions change every week; clients do not.
func userAgentFamily(ua string) string {
	ua = strings.TrimLeft(ua, "[ ")
	end := strings.IndexAny(ua, "/ (;,]")
	if end < 0 {
		end = len(ua)
	}
	fam := ua[:end]
	if i := strings.IndexByte(fam, '_'); i > 0 && strings.ContainsAny(fam[i:], "0123456789") {
		fam = fam[:i] // stratus-red-team_5c59eb79-...: a run ID
	}
	switch fam {
	case "":
		return ua
	case "Mozilla", "S3Console", "console.amazonaws.com", "AWS":
		return "the console" // the browser, and the console's own clients, are one way of working
	}
	return fam
}

// writeSpikes raises hours in which a principal wrote far more than its baseline.
func (r *run) writeSpikes(hist map[index.Sym]*rate) {
	o := r.opts
	baseHours := int64(o.SpikeBaseline / time.Hour)
	historyHours := int64(o.SpikeHistory / time.Hour)
	ru := mustRule("write-spike")
	for _, role := range symKeys(hist) {
		h := hist[role]
		firstHour := h.first / hourNanos
		sum, lo := 0, 0
		for i, hc := range h.hours {
			for lo < i && h.hours[lo].hour < hc.hour-baseHours {
				sum -= h.hours[lo].n
				lo++
			}
			seen := hc.hour - firstHour
			if hc.n >= o.SpikeMin && seen >= historyHours {
				mean := float64(sum) / float64(min(seen, baseHours))
				if float64(hc.n) >= o.SpikeFactor*mean {
					d := r.draftFor(ru, role, "")
					d.refs = append(d.refs, r.writesIn(role, hc.hour)...)
					d.note(fmt.Sprintf("%d writes in the hour from %s (usually %.1f)",
						hc.n, time.Unix(hc.hour*3600, 0).UTC().Format("2006-01-02 15:04"), mean))
					d.terms = []filter.Term{{Field: filter.FieldReadOnly, Values: []string{"false"}, Bool: false}}
				}
			}
			sum += hc.n
		}
	}
}

// writesIn returns a role's write events in one hour, found by binary search of the time order.
func (r *run) writesIn(role index.Sym, hour int64) []index.EventRef {
	v := r.v
	order := v.Order()
	from, to := hour*hourNanos, (hour+1)*hourNanos
	i := sort.Search(len(order), func(i int) bool { return v.Event(order[i]).Nanos() >= from })
	var out []index.EventRef
	for ; i < len(order); i++ {
		e := v.Event(order[i])
		if e.Nanos() >= to {
			break
		}
		if e.ReadOnly() == cloudtrail.False && e.InvokedBy() == 0 && e.Who().Role() == role {
			out = append(out, order[i])
		}
	}
	return out
}

// instanceCredentials raises instance-role sessions used from an address a person used too (their
// laptop, an attacker's host), or, when AWS's address ranges are known, from outside them. Other
// workloads share an instance's address legitimately (a CI runner's roles, EKS pods): only people,
// directly or behind a session's credential chain, count.
func (r *run) instanceCredentials(instanceIPs map[[2]index.Sym][]index.EventRef, peopleIPs map[index.Sym]index.Sym) {
	v := r.v
	s := v.Str
	ru := mustRule("instance-credentials-elsewhere")
	keys := make([][2]index.Sym, 0, len(instanceIPs))
	for k := range instanceIPs {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]index.Sym) int {
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		return int(a[1]) - int(b[1])
	})
	for _, k := range keys {
		principal, ip := k[0], k[1]
		why := ""
		if other, ok := peopleIPs[ip]; ok {
			why = "from " + s(ip) + ", also used by " + s(other)
		} else if len(r.opts.AWSRanges) > 0 && !slices.ContainsFunc(v.Addrs(ip), inside(r.opts.AWSRanges)) {
			why = "from " + s(ip) + ", outside AWS"
		}
		if why == "" {
			continue
		}
		d := r.draftFor(ru, principal, "")
		d.refs = append(d.refs, instanceIPs[k]...)
		d.note(why)
		ips := []string{}
		for _, t := range d.terms {
			if t.Field == filter.FieldIP {
				ips = t.Values
			}
		}
		d.terms = []filter.Term{{Field: filter.FieldIP, Values: append(ips, s(ip))}}
		d.exact = true
	}
}

// inside returns a test of whether an address is in any of the ranges.
func inside(ranges []netip.Prefix) func(netip.Addr) bool {
	return func(a netip.Addr) bool {
		return slices.ContainsFunc(ranges, func(p netip.Prefix) bool { return p.Contains(a) })
	}
}
