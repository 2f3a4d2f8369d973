package index

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/trailscope/trailscope/model/cloudtrail"
)

// PrincipalSummary aggregates the events of one principal in a result: the console's principals
// view. A role's summary holds its sessions.
type PrincipalSummary struct {
	Principal    string // the readable principal; for a role group, the role ("role/Admin")
	Type         string // identity type of its most recent event
	Events       int
	Writes       int // readOnly false
	Errors       int
	First, Last  time.Time
	IPs, Regions int                // distinct source IPs and regions
	Sessions     []PrincipalSummary // the sessions of a role, most events first; nil when there are none
}

// ResourceSummary aggregates the events that touched one resource in a result: the resources view.
type ResourceSummary struct {
	Resource    cloudtrail.Resource
	Events      int
	Principals  int // distinct principals
	First, Last time.Time
	LastEvent   string // the name of its most recent event
	LastBy      string // the principal of its most recent event
}

// principalAcc accumulates one principal or role group.
type principalAcc struct {
	name           Sym
	idType         Sym
	events, writes int
	errors         int
	first, last    int64
	ips, regions   map[Sym]struct{}
	lastIP, lastRg Sym
	sessions       map[Sym]*principalAcc
}

func (a *principalAcc) add(e *event, idType Sym, readOnly cloudtrail.Tri) {
	if a.events == 0 || e.time < a.first {
		a.first = e.time
	}
	if a.events == 0 || e.time >= a.last {
		a.last = e.time
		a.idType = idType
	}
	a.events++
	if readOnly == cloudtrail.False {
		a.writes++
	}
	if e.errCode != 0 {
		a.errors++
	}
	if e.ip != 0 && e.ip != a.lastIP {
		a.lastIP = e.ip
		a.ips[e.ip] = struct{}{}
	}
	if e.region != 0 && e.region != a.lastRg {
		a.lastRg = e.region
		a.regions[e.region] = struct{}{}
	}
}

// merge adds what o accumulated to a.
func (a *principalAcc) merge(o *principalAcc) {
	if o.events == 0 {
		return
	}
	if a.events == 0 || o.first < a.first {
		a.first = o.first
	}
	if a.events == 0 || o.last >= a.last {
		a.last, a.idType = o.last, o.idType
	}
	a.events += o.events
	a.writes += o.writes
	a.errors += o.errors
	for ip := range o.ips {
		a.ips[ip] = struct{}{}
	}
	for rg := range o.regions {
		a.regions[rg] = struct{}{}
	}
}

func (x *Index) principalSummary(a *principalAcc) PrincipalSummary {
	name := x.syms.str(a.name)
	if name == "" {
		name = "(no identity)"
	}
	return PrincipalSummary{
		Principal: name, Type: x.syms.str(a.idType),
		Events: a.events, Writes: a.writes, Errors: a.errors,
		First: time.Unix(0, a.first).UTC(), Last: time.Unix(0, a.last).UTC(),
		IPs: len(a.ips), Regions: len(a.regions),
	}
}

func newPrincipalAcc(name Sym) *principalAcc {
	return &principalAcc{name: name, ips: map[Sym]struct{}{}, regions: map[Sym]struct{}{}}
}

// SummarizePrincipals groups the events refs by principal: one summary per role (with its sessions)
// or per principal without sessions, most events first.
func (x *Index) SummarizePrincipals(refs []EventRef) []PrincipalSummary {
	x.mu.RLock()
	defer x.mu.RUnlock()
	// Events of one identity share a principal and a role: accumulate by identity (a slice index,
	// not a map lookup per event), then roll identities up into principals and roles.
	byIdent := make([]*principalAcc, x.idents.len())
	for _, ref := range refs {
		if int(ref) >= x.events.len() {
			continue
		}
		e := x.events.at(ref)
		a := byIdent[e.ident]
		if a == nil {
			a = newPrincipalAcc(0)
			byIdent[e.ident] = a
		}
		a.add(e, x.idents.at(e.ident).idType, x.readOnly(e))
	}
	groups := map[Sym]*principalAcc{}
	for i, a := range byIdent {
		if a == nil {
			continue
		}
		who := x.idents.at(uint32(i))
		key := who.role
		if key == 0 {
			key = who.principal
		}
		g := groups[key]
		if g == nil {
			g = newPrincipalAcc(key)
			groups[key] = g
		}
		g.merge(a)
		if who.principal != 0 && who.principal != key {
			if g.sessions == nil {
				g.sessions = map[Sym]*principalAcc{}
			}
			s := g.sessions[who.principal]
			if s == nil {
				s = newPrincipalAcc(who.principal)
				g.sessions[who.principal] = s
			}
			s.merge(a)
		}
	}
	out := make([]PrincipalSummary, 0, len(groups))
	for _, g := range groups {
		ps := x.principalSummary(g)
		if len(g.sessions) > 0 {
			ps.Sessions = make([]PrincipalSummary, 0, len(g.sessions))
			for _, s := range g.sessions {
				ps.Sessions = append(ps.Sessions, x.principalSummary(s))
			}
			slices.SortFunc(ps.Sessions, byEvents)
		}
		out = append(out, ps)
	}
	slices.SortFunc(out, byEvents)
	return out
}

func byEvents(a, b PrincipalSummary) int {
	if c := cmp.Compare(b.Events, a.Events); c != 0 {
		return c
	}
	return strings.Compare(a.Principal, b.Principal)
}

type resourceAcc struct {
	events      int
	first, last int64
	lastRef     EventRef
	principals  map[Sym]struct{}
	lastP       Sym
}

// SummarizeResources groups the events refs by the resources they touched, most events first.
func (x *Index) SummarizeResources(refs []EventRef) []ResourceSummary {
	x.mu.RLock()
	defer x.mu.RUnlock()
	accs := map[Sym]*resourceAcc{}
	for _, ref := range refs {
		if int(ref) >= x.events.len() {
			continue
		}
		e := x.events.at(ref)
		for _, k := range x.res[e.resOff : e.resOff+e.resN] {
			a := accs[k]
			if a == nil {
				a = &resourceAcc{first: e.time, last: e.time, lastRef: ref, principals: map[Sym]struct{}{}}
				accs[k] = a
			}
			a.events++
			a.first = min(a.first, e.time)
			if e.time >= a.last {
				a.last, a.lastRef = e.time, ref
			}
			if p := x.idents.at(e.ident).principal; p != 0 && p != a.lastP {
				a.lastP = p
				a.principals[p] = struct{}{}
			}
		}
	}
	out := make([]ResourceSummary, 0, len(accs))
	for k, a := range accs {
		le := x.events.at(a.lastRef)
		out = append(out, ResourceSummary{
			Resource: x.resourceLocked(k), Events: a.events, Principals: len(a.principals),
			First: time.Unix(0, a.first).UTC(), Last: time.Unix(0, a.last).UTC(),
			LastEvent: x.syms.str(le.name), LastBy: x.syms.str(x.idents.at(le.ident).principal),
		})
	}
	slices.SortFunc(out, func(a, b ResourceSummary) int {
		if c := cmp.Compare(b.Events, a.Events); c != 0 {
			return c
		}
		if c := strings.Compare(a.Resource.Kind, b.Resource.Kind); c != 0 {
			return c
		}
		return strings.Compare(a.Resource.ID, b.Resource.ID)
	})
	return out
}
