// Package index holds the loaded events in memory and answers questions about them: Add stores records in
// a compact form (interned strings, posting lists per field, a time order), Query evaluates a parsed
// filter (eval.go), and the summaries, histograms and credential chains the console and the reports show
// are computed here. It is safe for one writer and many readers. Analysers that read every event (the
// findings rules) look through a read-only View (view.go) that Read hands them under the index's lock.
package index

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
)

// EventRef identifies an event in an Index: its position in arrival order.
type EventRef = uint32

// posted names the fields that have posting lists: for each distinct value, the events that carry it,
// in arrival order.
type posted uint8

const (
	pEvent posted = iota
	pSource
	pPrincipal
	pRole
	pARN
	pType
	pKey
	pResource
	pIP
	pRegion
	pAccount // recipient and identity account
	pError
	pUA
	numPosted
)

// event is the compact form of a Record the index keeps: interned strings, texts in the arena, and
// the identity shared with the other events of its session.
type event struct {
	time                          int64 // Unix nanoseconds
	name, source, region, account Sym
	ident                         uint32 // in Index.idents
	shape                         uint32 // in Index.shapes: eventType, category, eventVersion
	invokedBy, ip, ua             Sym
	errCode, errMsg, minted       Sym
	id, req                       text
	resOff, resN                  uint32
	store                         uint32
	rawLen                        uint32
	rawOff                        int64
}

// shape is what few combinations there are of a record's type, category, version and readOnly, and of
// where a sign-in reported its failure (Record.ErrorInResponse). (readOnly lives here rather than in the
// event, where its byte padded every event by eight.)
type shape struct {
	eventType, category, version, failedIn Sym
	readOnly                               cloudtrail.Tri
}

// readOnly returns the readOnly of e.
func (x *Index) readOnly(e *event) cloudtrail.Tri { return x.shapes[e.shape].readOnly }

// identity is the interned form of a userIdentity. The events of one session share one, found by
// its access key: one lookup instead of interning fifteen strings for every event.
type identity struct {
	identityKey
	lists [5]uint32 // postings: principal, role, ARN, type, key
}

// identityKey is what makes identities distinct.
type identityKey struct {
	idType, principalID, arn, account, key, userName Sym
	sourceIdentity, behalf, issuerType, issuerARN    Sym
	issuerName, provider, principal, role, session   Sym
	mfa, console                                     bool
}

// appendRef adds ref to a posting list once.
func appendRef(list *[]EventRef, ref EventRef) {
	if n := len(*list); n == 0 || (*list)[n-1] != ref {
		*list = append(*list, ref)
	}
}

// Index holds events in memory and answers queries over them. Add may run while queries run: it is
// safe for one writer and many readers.
type Index struct {
	addMu     sync.Mutex // held by Add throughout: the only writer, so prepare may read the tables below unlocked
	mu        sync.RWMutex
	syms      symtab
	arena     arena
	events    events
	res       []Sym                     // the resources of every event, flattened (event.resOff, event.resN)
	resources map[Sym]resourceInfo      // by the Sym of Resource.Key()
	post      [numPosted]map[Sym]uint32 // value -> its posting list in lists
	lists     postings
	hay       [numPosted]haystack // the distinct values of each field, for substring terms
	idents    identities
	shapes    []shape
	shapeIDs  map[shape]uint32
	shared    map[EventRef]text    // sharedEventID, which few events have
	inspected map[EventRef]string  // Record.Inspected, which few events have
	ips       map[Sym][]netip.Addr // parsed source IPs (a few records carry a comma-separated list)
	byID      idTable
	mintedBy  []EventRef // by the Sym of a temporary access key: the event that minted it, plus one; 0: none
	stores    []cloudtrail.RawStore
	storeIDs  map[cloudtrail.RawStore]uint32
	order     []EventRef // events[:len(order)] sorted by time (then arrival)
	dups      int
	scratch   commitScratch
}

// New returns an empty index.
func New() *Index {
	x := &Index{
		syms:      newSymtab(),
		resources: map[Sym]resourceInfo{},
		ips:       map[Sym][]netip.Addr{},
		byID:      newIDTable(),
		stores:    []cloudtrail.RawStore{nil},
		storeIDs:  map[cloudtrail.RawStore]uint32{},
		shapeIDs:  map[shape]uint32{},
		shared:    map[EventRef]text{},
		inspected: map[EventRef]string{},
	}
	for i := range x.post {
		x.post[i] = map[Sym]uint32{}
	}
	return x
}

// Add appends a batch of records and returns how many were new (duplicates by eventID are dropped).
// Raw stores must be comparable values (pointers). The records are prepared on every core before the
// index is locked; only the merge of the prepared blocks is serial (block.go).
func (x *Index) Add(batch []cloudtrail.Record) int {
	if len(batch) == 0 {
		return 0
	}
	x.addMu.Lock() // one Add at a time: prepare reads what the index holds while no commit runs
	defer x.addMu.Unlock()
	blocks := x.prepareAll(batch)
	x.mu.Lock()
	defer x.mu.Unlock()
	added := 0
	for _, b := range blocks {
		added += x.commitLocked(b)
	}
	return added
}

// shapeLocked returns the index of a shape, adding it the first time.
func (x *Index) shapeLocked(sh shape) uint32 {
	i, ok := x.shapeIDs[sh]
	if !ok {
		i = uint32(len(x.shapes))
		x.shapes = append(x.shapes, sh)
		x.shapeIDs[sh] = i
	}
	return i
}

// postingLocked returns the posting list of value v of field p, creating it.
func (x *Index) postingLocked(p posted, v Sym) *[]EventRef {
	return x.lists.at(x.postingIDLocked(p, v))
}

// postingIDLocked returns the number of the posting list of value v of field p, creating it.
func (x *Index) postingIDLocked(p posted, v Sym) uint32 {
	id, ok := x.post[p][v]
	if !ok {
		id = x.lists.add()
		x.post[p][v] = id
		if searched[p] {
			x.hay[p].add(v)
		}
	}
	return id
}

// searched are the fields whose values substring terms look through (their haystacks).
var searched = [numPosted]bool{pEvent: true, pPrincipal: true, pARN: true, pResource: true, pIP: true, pUA: true}

// mintedLocked returns the event that minted key k.
func (x *Index) mintedLocked(k Sym) (EventRef, bool) {
	if int(k) >= len(x.mintedBy) || x.mintedBy[k] == 0 {
		return 0, false
	}
	return x.mintedBy[k] - 1, true
}

// posting returns the posting list of value v of field p; nil when there is none.
func (x *Index) posting(p posted, v Sym) []EventRef {
	if id, ok := x.post[p][v]; ok {
		return *x.lists.at(id)
	}
	return nil
}

// parseIPs reads a sourceIPAddress: an address, a comma-separated list of them, or a service name.
func parseIPs(s string) []netip.Addr {
	var out []netip.Addr
	for part := range strings.SplitSeq(s, ",") {
		if a, err := netip.ParseAddr(strings.TrimSpace(part)); err == nil {
			out = append(out, a.Unmap())
		}
	}
	return out
}

// sortLocked extends the time order over events that arrived since the last query: the new tail is
// sorted and merged, so a query during a load costs O(n) rather than a full sort.
func (x *Index) sortLocked() {
	n := len(x.order)
	if n == x.events.len() {
		return
	}
	tail := make([]EventRef, 0, x.events.len()-n)
	for i := n; i < x.events.len(); i++ {
		tail = append(tail, EventRef(i))
	}
	less := func(a, b EventRef) int {
		if c := cmp.Compare(x.events.at(a).time, x.events.at(b).time); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	}
	slices.SortFunc(tail, less)
	if n == 0 || less(x.order[n-1], tail[0]) < 0 {
		x.order = append(x.order, tail...)
		return
	}
	merged := make([]EventRef, 0, x.events.len())
	i, j := 0, 0
	for i < n && j < len(tail) {
		if less(x.order[i], tail[j]) <= 0 {
			merged = append(merged, x.order[i])
			i++
		} else {
			merged = append(merged, tail[j])
			j++
		}
	}
	merged = append(merged, x.order[i:]...)
	merged = append(merged, tail[j:]...)
	x.order = merged
}

// rlockSorted takes the read lock with the time order complete for the events present.
func (x *Index) rlockSorted() {
	x.mu.RLock()
	if len(x.order) == x.events.len() {
		return
	}
	x.mu.RUnlock()
	x.mu.Lock()
	x.sortLocked()
	x.mu.Unlock()
	x.mu.RLock() // events that arrive in between are not in the order yet: queries skip them
}

// Len returns the number of events held (after de-duplication).
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.events.len()
}

// Duplicates returns how many records were dropped as repeats of an eventID already held.
func (x *Index) Duplicates() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.dups
}

// Span returns the times of the oldest and newest events; ok is false when the index is empty.
func (x *Index) Span() (oldest, newest time.Time, ok bool) {
	x.rlockSorted()
	defer x.mu.RUnlock()
	if len(x.order) == 0 {
		return time.Time{}, time.Time{}, false
	}
	return time.Unix(0, x.events.at(x.order[0]).time).UTC(), time.Unix(0, x.events.at(x.order[len(x.order)-1]).time).UTC(), true
}

// Time returns an event's time (cheaper than Record when that is all a caller needs).
func (x *Index) Time(ref EventRef) time.Time {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return time.Unix(0, x.events.at(ref).time).UTC()
}

// Record returns an event in its string form.
func (x *Index) Record(ref EventRef) cloudtrail.Record {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.recordLocked(ref)
}

func (x *Index) recordLocked(ref EventRef) cloudtrail.Record {
	e := x.events.at(ref)
	who := x.idents.at(e.ident)
	sh := x.shapes[e.shape]
	s := x.syms.str
	r := cloudtrail.Record{
		Time:            time.Unix(0, e.time).UTC(),
		EventVersion:    s(sh.version),
		Name:            s(e.name),
		Source:          s(e.source),
		Region:          s(e.region),
		Account:         s(e.account),
		SourceIP:        s(e.ip),
		UserAgent:       s(e.ua),
		ErrorCode:       s(e.errCode),
		ErrorMessage:    s(e.errMsg),
		ReadOnly:        sh.readOnly,
		ErrorInResponse: s(sh.failedIn),
		EventType:       s(sh.eventType),
		Category:        s(sh.category),
		EventID:         x.arena.get(e.id),
		RequestID:       x.arena.get(e.req),
		SharedID:        x.arena.get(x.shared[ref]),
		Inspected:       x.inspected[ref],
		MintedKey:       s(e.minted),
		Raw:             cloudtrail.RawRef{Store: x.stores[e.store], Off: e.rawOff, Len: int(e.rawLen)},
		Identity: cloudtrail.Identity{
			Type:           s(who.idType),
			PrincipalID:    s(who.principalID),
			ARN:            s(who.arn),
			Account:        s(who.account),
			AccessKey:      s(who.key),
			UserName:       s(who.userName),
			InvokedBy:      s(e.invokedBy),
			SourceIdentity: s(who.sourceIdentity),
			OnBehalfOf:     s(who.behalf),
			IssuerType:     s(who.issuerType),
			IssuerARN:      s(who.issuerARN),
			IssuerName:     s(who.issuerName),
			Provider:       s(who.provider),
			MFA:            who.mfa,
			Console:        who.console,
			Principal:      s(who.principal),
			Role:           s(who.role),
			Session:        s(who.session),
		},
	}
	if e.resN > 0 {
		r.Resources = make([]cloudtrail.Resource, e.resN)
		for i, k := range x.res[e.resOff : e.resOff+e.resN] {
			r.Resources[i] = x.resourceLocked(k)
		}
	}
	return r
}

// Raw returns an event's raw JSON record, read back from where its source keeps it.
func (x *Index) Raw(ref EventRef) ([]byte, error) {
	x.mu.RLock()
	e := *x.events.at(ref)
	store := x.stores[e.store]
	x.mu.RUnlock()
	if store == nil {
		return nil, errNoRaw
	}
	return store.Raw(e.rawOff, int(e.rawLen))
}

// ValueCount is one distinct value of a field and the number of events that carry it.
type ValueCount struct {
	Value string
	Count int
}

// Values returns the distinct values of a field with their event counts, most frequent first: the
// console's views and the filter bar's completion use them. Fields without a posting list give nil.
func (x *Index) Values(f filter.Field) []ValueCount {
	p, ok := postedFor(f)
	if !ok {
		return nil
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	out := make([]ValueCount, 0, len(x.post[p]))
	for v, list := range x.post[p] {
		name := x.syms.str(v)
		if p == pResource {
			name = x.resourceLocked(v).ID
		}
		out = append(out, ValueCount{Value: name, Count: len(*x.lists.at(list))})
	}
	slices.SortFunc(out, func(a, b ValueCount) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return strings.Compare(a.Value, b.Value)
	})
	return out
}

// Resources returns every distinct resource the index holds, with its event count.
func (x *Index) Resources() []ResourceCount {
	x.mu.RLock()
	defer x.mu.RUnlock()
	out := make([]ResourceCount, 0, len(x.resources))
	for k := range x.resources {
		r := x.resourceLocked(k)
		out = append(out, ResourceCount{Resource: r, Count: len(x.posting(pResource, k))})
	}
	slices.SortFunc(out, func(a, b ResourceCount) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return strings.Compare(a.Resource.Key(), b.Resource.Key())
	})
	return out
}

// arnOfS3 reports an S3 bucket's or object's ARN, which is its ID behind a fixed prefix.
func arnOfS3(r cloudtrail.Resource) bool {
	return strings.HasPrefix(r.Kind, "s3:") && strings.HasPrefix(r.ARN, "arn:") && strings.HasSuffix(r.ARN, ":s3:::"+r.ID)
}

// resourceInfo is what the index keeps of a resource beside its key ("kind id"): the ID is the
// key's tail, so it is stored once.
type resourceInfo struct{ kind, arn Sym }

func (x *Index) resourceLocked(k Sym) cloudtrail.Resource {
	info := x.resources[k]
	kind := x.syms.str(info.kind)
	return cloudtrail.Resource{Kind: kind, ID: x.syms.str(k)[len(kind)+1:], ARN: x.syms.str(info.arn)}
}

// ResourceCount is a resource and the number of events that touched it.
type ResourceCount struct {
	Resource cloudtrail.Resource
	Count    int
}

func postedFor(f filter.Field) (posted, bool) {
	switch f {
	case filter.FieldEvent:
		return pEvent, true
	case filter.FieldSource:
		return pSource, true
	case filter.FieldPrincipal:
		return pPrincipal, true
	case filter.FieldType:
		return pType, true
	case filter.FieldKey:
		return pKey, true
	case filter.FieldResource:
		return pResource, true
	case filter.FieldIP:
		return pIP, true
	case filter.FieldRegion:
		return pRegion, true
	case filter.FieldAccount:
		return pAccount, true
	case filter.FieldError:
		return pError, true
	case filter.FieldUA:
		return pUA, true
	}
	return 0, false
}
