package index

import (
	"errors"
	"math/bits"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
)

var errNoRaw = errors.New("the raw record of this event was not kept")

// Result is the answer to a query: matching events, oldest first.
type Result struct {
	Refs  []EventRef
	Total int // events in the index when the query ran
}

// bitset is a set of events, one bit per EventRef.
type bitset []uint64

func newBitset(n int) bitset         { return make(bitset, (n+63)/64) }
func (b bitset) set(i EventRef)      { b[i/64] |= 1 << (i % 64) }
func (b bitset) has(i EventRef) bool { return b[i/64]&(1<<(i%64)) != 0 }

func (b bitset) and(o bitset) {
	for i := range b {
		b[i] &= o[i]
	}
}

func (b bitset) not(n int) {
	for i := range b {
		b[i] = ^b[i]
	}
	if r := n % 64; r != 0 {
		b[len(b)-1] &= 1<<r - 1
	}
}

func (b bitset) count() int {
	c := 0
	for _, w := range b {
		c += bits.OnesCount64(w)
	}
	return c
}

// Query returns the events that match q, oldest first. Terms that narrow time are answered by binary
// search over the time order; value terms by posting lists, unions of the lists of the values that
// match (substring terms search a field's distinct values, never its events); readonly:, req: and
// negated time terms are the only scans.
func (x *Index) Query(q filter.Query) Result {
	x.rlockSorted()
	defer x.mu.RUnlock()
	n := len(x.order)
	res := Result{Total: n}
	if n == 0 {
		return res
	}
	lo, hi := 0, n
	newest := x.events.at(x.order[n-1]).time
	var sets []bitset
	for _, t := range q.Terms {
		if (t.Field == filter.FieldSince || t.Field == filter.FieldUntil) && !t.Negate {
			at := termTime(t, newest)
			if t.Field == filter.FieldSince {
				lo = max(lo, sort.Search(n, func(i int) bool { return x.events.at(x.order[i]).time >= at }))
			} else {
				hi = min(hi, sort.Search(n, func(i int) bool { return x.events.at(x.order[i]).time > at }))
			}
			continue
		}
		s := x.termSet(t, newest)
		if t.Negate {
			s.not(x.events.len())
		}
		sets = append(sets, s)
	}
	if lo >= hi {
		return res
	}
	if len(sets) == 0 {
		res.Refs = append([]EventRef(nil), x.order[lo:hi]...)
		return res
	}
	all := sets[0]
	for _, s := range sets[1:] {
		all.and(s)
	}
	res.Refs = make([]EventRef, 0, min(all.count(), hi-lo))
	for _, ref := range x.order[lo:hi] {
		if all.has(ref) {
			res.Refs = append(res.Refs, ref)
		}
	}
	return res
}

func termTime(t filter.Term, newest int64) int64 {
	if !t.At.IsZero() {
		return t.At.UnixNano()
	}
	return newest - int64(t.Ago)
}

// termSet returns the events a term matches, ignoring its negation.
func (x *Index) termSet(t filter.Term, newest int64) bitset {
	s := newBitset(x.events.len())
	switch t.Field {
	case filter.FieldSince, filter.FieldUntil: // negated bounds: a scan, rare
		at := termTime(t, newest)
		for i := range EventRef(x.events.len()) {
			if tm := x.events.at(i).time; (t.Field == filter.FieldSince && tm >= at) || (t.Field == filter.FieldUntil && tm <= at) {
				s.set(EventRef(i))
			}
		}
	case filter.FieldReadOnly:
		want := cloudtrail.False
		if t.Bool {
			want = cloudtrail.True
		}
		for i := range EventRef(x.events.len()) {
			if x.readOnly(x.events.at(i)) == want {
				s.set(EventRef(i))
			}
		}
	case filter.FieldID:
		for _, v := range t.Values {
			if ref, ok := x.lookupID(v); ok {
				s.set(ref)
			}
		}
	case filter.FieldRequest:
		for i := range EventRef(x.events.len()) {
			e := x.events.at(i)
			for _, v := range t.Values {
				if e.req.n != 0 && x.arena.equal(e.req, v) {
					s.set(i)
				}
			}
		}
		for ref, shared := range x.shared {
			for _, v := range t.Values {
				if x.arena.equal(shared, v) {
					s.set(ref)
				}
			}
		}
	case filter.FieldError:
		for _, v := range t.Values {
			switch strings.ToLower(v) {
			case "any":
				x.union(s, pError, matchAll)
			case "none":
				none := newBitset(x.events.len())
				x.union(none, pError, matchAll)
				none.not(x.events.len())
				for i := range s {
					s[i] |= none[i]
				}
			default:
				x.union(s, pError, equalFold(v))
			}
		}
	case filter.FieldEvent:
		x.unionValues(s, pEvent, t.Values, equalFold)
	case filter.FieldType:
		x.unionValues(s, pType, t.Values, equalFold)
	case filter.FieldKey:
		x.unionValues(s, pKey, t.Values, equalFold)
	case filter.FieldLineage:
		var keys []Sym
		for _, v := range t.Values {
			m := equalFold(v)
			for k := range x.post[pKey] {
				if m.pred(x.syms.str(k)) {
					keys = append(keys, k)
				}
			}
			if k, ok := x.syms.lookup(v); ok && x.posting(pKey, k) == nil {
				keys = append(keys, k) // a key minted in the records and never used
			}
		}
		x.lineageLocked(s, keys)
	case filter.FieldFile:
		x.fileSet(s, t.Values)
	case filter.FieldRegion:
		x.unionValues(s, pRegion, t.Values, equalFold)
	case filter.FieldAccount:
		x.unionValues(s, pAccount, t.Values, equalFold)
	case filter.FieldSource:
		x.unionValues(s, pSource, t.Values, func(v string) matcher {
			return equalFold(filter.EventSource(v))
		})
	case filter.FieldUA:
		x.unionValues(s, pUA, t.Values, substring)
	case filter.FieldPrincipal:
		x.unionValues(s, pPrincipal, t.Values, substring)
		x.unionValues(s, pARN, t.Values, substring)
	case filter.FieldResource:
		x.unionValues(s, pResource, t.Values, resourceMatcher)
	case filter.FieldIP:
		x.ipSet(s, t)
	case filter.FieldText:
		for _, p := range []posted{pPrincipal, pARN, pEvent, pIP} {
			x.unionValues(s, p, t.Values, substring)
		}
		x.unionValues(s, pResource, t.Values, resourceMatcher)
	}
	return s
}

func (x *Index) lookupID(id string) (EventRef, bool) {
	return x.byID.find(x, storedForm(id))
}

// union adds the events of every value of field p that m matches.
func (x *Index) union(s bitset, p posted, m matcher) {
	add := func(v Sym) {
		for _, ref := range x.posting(p, v) {
			s.set(ref)
		}
	}
	if m.pred == nil {
		x.hay[p].each(&x.syms, m.sub, add)
		return
	}
	for v := range x.post[p] {
		if m.pred(x.syms.str(v)) {
			add(v)
		}
	}
}

func (x *Index) unionValues(s bitset, p posted, values []string, matcher func(string) matcher) {
	for _, v := range values {
		x.union(s, p, matcher(v))
	}
}

func (x *Index) ipSet(s bitset, t filter.Term) {
	if len(t.Prefixes) > 0 {
		for v, list := range x.post[pIP] {
			if !anyContains(t.Prefixes, x.ips[v]) {
				continue
			}
			for _, ref := range *x.lists.at(list) {
				s.set(ref)
			}
		}
	}
	x.unionValues(s, pIP, t.Names, equalFold)
}

// anyContains reports whether any of the prefixes holds any of the addresses.
func anyContains(prefixes []netip.Prefix, addrs []netip.Addr) bool {
	for _, p := range prefixes {
		for _, a := range addrs {
			if p.Contains(a) {
				return true
			}
		}
	}
	return false
}

// fileSet adds the events read from a file whose path contains one of values (or matches it, with
// wildcards), ignoring case. The raw store names an event's file (cloudtrail.FileStore); events
// whose store names none (a sample, LookupEvents, Athena rows) are in no file.
func (x *Index) fileSet(s bitset, values []string) {
	ms := make([]matcher, len(values))
	for i, v := range values {
		ms[i] = substring(v)
	}
	matches := map[string]bool{} // by file: an archive's events come a file at a time
	for i := range EventRef(x.events.len()) {
		e := x.events.at(i)
		fs, ok := x.stores[e.store].(cloudtrail.FileStore)
		if !ok {
			continue
		}
		file := fs.File(e.rawOff)
		m, seen := matches[file]
		if !seen {
			m = file != "" && slices.ContainsFunc(ms, func(m matcher) bool {
				if m.pred != nil {
					return m.pred(file)
				}
				return strings.Contains(strings.ToLower(file), m.sub)
			})
			matches[file] = m
		}
		if m {
			s.set(i)
		}
	}
}
