package index

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/trailscope/trailscope/model/cloudtrail"
)

// Profile is what a set of events (a principal's) says about who made them: the console's principal
// card. Each list is its distinct values with their event counts, most first.
type Profile struct {
	Events      int
	First, Last time.Time
	Errors      int
	Keys        []ValueCount // access keys; Index.KeyChain tells each one's lineage
	IPs         []ValueCount
	UserAgents  []ValueCount
	Regions     []ValueCount
	Writes      []ValueCount // the calls that changed something (readOnly false), by event name
	ErrorCodes  []ValueCount
}

// Profile sums up the events refs: first and last seen, keys, addresses, agents, regions, errors and
// write calls, each with its count.
func (x *Index) Profile(refs []EventRef) Profile {
	x.mu.RLock()
	defer x.mu.RUnlock()
	var p Profile
	keys, ips, uas, regions, writes, errs := map[Sym]int{}, map[Sym]int{}, map[Sym]int{}, map[Sym]int{}, map[Sym]int{}, map[Sym]int{}
	var first, last int64
	for _, ref := range refs {
		if int(ref) >= x.events.len() {
			continue
		}
		e := x.events.at(ref)
		if p.Events == 0 || e.time < first {
			first = e.time
		}
		if p.Events == 0 || e.time > last {
			last = e.time
		}
		p.Events++
		count(keys, x.idents.at(e.ident).key)
		count(ips, e.ip)
		count(uas, e.ua)
		count(regions, e.region)
		if e.errCode != 0 {
			p.Errors++
			errs[e.errCode]++
		}
		if x.readOnly(e) == cloudtrail.False && e.errCode == 0 {
			writes[e.name]++
		}
	}
	if p.Events > 0 {
		p.First, p.Last = time.Unix(0, first).UTC(), time.Unix(0, last).UTC()
	}
	p.Keys, p.IPs, p.UserAgents = x.sortedCounts(keys), x.sortedCounts(ips), x.sortedCounts(uas)
	p.Regions, p.Writes, p.ErrorCodes = x.sortedCounts(regions), x.sortedCounts(writes), x.sortedCounts(errs)
	return p
}

// count counts a value, leaving out the empty one.
func count(m map[Sym]int, v Sym) {
	if v != 0 {
		m[v]++
	}
}

// sortedCounts turns counts by Sym into values, most first, then by value.
func (x *Index) sortedCounts(m map[Sym]int) []ValueCount {
	out := make([]ValueCount, 0, len(m))
	for v, n := range m {
		out = append(out, ValueCount{Value: x.syms.str(v), Count: n})
	}
	slices.SortFunc(out, func(a, b ValueCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Value, b.Value))
	})
	return out
}
