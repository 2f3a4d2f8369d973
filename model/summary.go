package model

import (
	"cmp"
	"slices"
	"strings"
	"time"
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
	Resource    Resource
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

func (a *principalAcc) add(e *event) {
	if a.events == 0 || e.time < a.first {
		a.first = e.time
	}
	if a.events == 0 || e.time >= a.last {
		a.last = e.time
		a.idType = e.idType
	}
	a.events++
	if e.readOnly == False {
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

func (x *Index) principalSummary(a *principalAcc) PrincipalSummary {
	name := x.syms.strs[a.name]
	if name == "" {
		name = "(no identity)"
	}
	return PrincipalSummary{
		Principal: name, Type: x.syms.strs[a.idType],
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
	groups := map[Sym]*principalAcc{}
	var last *principalAcc
	var lastKey Sym
	for _, ref := range refs {
		if int(ref) >= x.events.len() {
			continue
		}
		e := x.events.at(ref)
		key := e.role
		if key == 0 {
			key = e.principal
		}
		g := last
		if g == nil || key != lastKey {
			g = groups[key]
			if g == nil {
				g = newPrincipalAcc(key)
				groups[key] = g
			}
			last, lastKey = g, key
		}
		g.add(e)
		if e.principal != 0 && e.principal != key {
			if g.sessions == nil {
				g.sessions = map[Sym]*principalAcc{}
			}
			s := g.sessions[e.principal]
			if s == nil {
				s = newPrincipalAcc(e.principal)
				g.sessions[e.principal] = s
			}
			s.add(e)
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
			if e.principal != 0 && e.principal != a.lastP {
				a.lastP = e.principal
				a.principals[e.principal] = struct{}{}
			}
		}
	}
	out := make([]ResourceSummary, 0, len(accs))
	for k, a := range accs {
		le := x.events.at(a.lastRef)
		out = append(out, ResourceSummary{
			Resource: x.resources[k], Events: a.events, Principals: len(a.principals),
			First: time.Unix(0, a.first).UTC(), Last: time.Unix(0, a.last).UTC(),
			LastEvent: x.syms.strs[le.name], LastBy: x.syms.strs[le.principal],
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
