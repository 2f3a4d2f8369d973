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
	readOnly                      cloudtrail.Tri
	id, req                       text
	resOff, resN                  uint32
	store                         uint32
	rawLen                        uint32
	rawOff                        int64
}

// shape is what few combinations there are of a record's type, category and version.
type shape struct{ eventType, category, version Sym }

// identity is the interned form of a userIdentity. The events of one session share one, found by
// its access key: one lookup instead of interning fifteen strings for every event.
type identity struct {
	identityKey
	lists  [5]*[]EventRef // postings: principal, role, ARN, type, key
	ip, ua valueCache     // a session mostly keeps its address and agent
}

// identityKey is what makes identities distinct.
type identityKey struct {
	idType, principalID, arn, account, key, userName Sym
	sourceIdentity, behalf, issuerType, issuerARN    Sym
	issuerName, provider, principal, role, session   Sym
	mfa, console                                     bool
}

// valueCache remembers the last value of a field, interned, with its posting list.
type valueCache struct {
	s    string
	sym  Sym
	list *[]EventRef
}

// cachedLocked interns s for field p through c. When it returns a value other than 0, c.list is
// that value's posting list.
func (x *Index) cachedLocked(c *valueCache, p posted, s string) Sym {
	if s == "" {
		return 0
	}
	if c.list == nil || c.s != s {
		c.sym = x.syms.intern(s)
		c.s, c.list = x.syms.strs[c.sym], x.postingLocked(p, c.sym)
	}
	return c.sym
}

// internLocked interns s through c, for a field without posting lists.
func (x *Index) internLocked(c *valueCache, s string) Sym {
	if s == "" {
		return 0
	}
	if c.sym == 0 || c.s != s {
		c.sym = x.syms.intern(s)
		c.s = x.syms.strs[c.sym]
	}
	return c.sym
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
	mu        sync.RWMutex
	syms      symtab
	arena     arena
	events    events
	res       []Sym                // the resources of every event, flattened (event.resOff, event.resN)
	resources map[Sym]resourceInfo // by the Sym of Resource.Key()
	post      [numPosted]map[Sym]*[]EventRef
	hay       [numPosted]haystack // the distinct values of each field, for substring terms
	idents    []identity
	shapes    []shape
	shapeIDs  map[shape]uint32
	shared    map[EventRef]text      // sharedEventID, which few events have
	inspected map[EventRef]string    // Record.Inspected, which few events have
	identBy   [2]map[string]uint32   // by access key; by principal for events without one
	identSet  map[identityKey]uint32 // every identity, by what makes it distinct
	ips       map[Sym][]netip.Addr   // parsed source IPs (a few records carry a comma-separated list)
	byID      idTable
	minted    map[Sym]EventRef // temporary access key -> the event that minted it
	stores    []cloudtrail.RawStore
	storeIDs  map[cloudtrail.RawStore]uint32
	order     []EventRef // events[:len(order)] sorted by time (then arrival)
	dups      int
	recent    [numRecent]valueCache // the last value of each field: records of a file share many
}

// The fields of a record whose last value Index.recent keeps. A string comparison is much
// cheaper than a map lookup, and a file's records mostly share a region, account, type...
const (
	rName = iota
	rSource
	rRegion
	rAccount
	rInvokedBy
	rErrCode
	rErrMsg
	rEventType
	rCategory
	rVersion
	rMinted
	numRecent
)

// New returns an empty index.
func New() *Index {
	x := &Index{
		syms:      newSymtab(),
		resources: map[Sym]resourceInfo{},
		ips:       map[Sym][]netip.Addr{},
		byID:      newIDTable(),
		minted:    map[Sym]EventRef{},
		stores:    []cloudtrail.RawStore{nil},
		storeIDs:  map[cloudtrail.RawStore]uint32{},
		identBy:   [2]map[string]uint32{{}, {}},
		identSet:  map[identityKey]uint32{},
		shapeIDs:  map[shape]uint32{},
		shared:    map[EventRef]text{},
		inspected: map[EventRef]string{},
	}
	for i := range x.post {
		x.post[i] = map[Sym]*[]EventRef{}
	}
	return x
}

// Add appends a batch of records and returns how many were new (duplicates by eventID are dropped).
// Raw stores must be comparable values (pointers).
func (x *Index) Add(batch []cloudtrail.Record) int {
	x.mu.Lock()
	defer x.mu.Unlock()
	added := 0
	for i := range batch {
		if x.addLocked(&batch[i]) {
			added++
		}
	}
	return added
}

func (x *Index) addLocked(r *cloudtrail.Record) bool {
	ref := EventRef(x.events.len())
	var key idKey
	if r.EventID != "" {
		key = storedForm(r.EventID)
		if _, dup := x.byID.find(x, key); dup {
			x.dups++
			return false
		}
	}
	c := &x.recent
	ident := x.identityLocked(&r.Identity)
	who := &x.idents[ident]
	e := event{
		time:      r.Time.UnixNano(),
		name:      x.cachedLocked(&c[rName], pEvent, r.Name),
		source:    x.cachedLocked(&c[rSource], pSource, r.Source),
		region:    x.cachedLocked(&c[rRegion], pRegion, r.Region),
		account:   x.cachedLocked(&c[rAccount], pAccount, r.Account),
		ident:     ident,
		shape:     x.shapeLocked(shape{x.internLocked(&c[rEventType], r.EventType), x.internLocked(&c[rCategory], r.Category), x.internLocked(&c[rVersion], r.EventVersion)}),
		invokedBy: x.internLocked(&c[rInvokedBy], r.Identity.InvokedBy),
		ip:        x.cachedLocked(&who.ip, pIP, r.SourceIP),
		ua:        x.cachedLocked(&who.ua, pUA, r.UserAgent),
		errCode:   x.cachedLocked(&c[rErrCode], pError, r.ErrorCode),
		errMsg:    x.internLocked(&c[rErrMsg], r.ErrorMessage),
		minted:    x.internLocked(&c[rMinted], r.MintedKey),
		readOnly:  r.ReadOnly,
		id:        x.arena.put(r.EventID),
		req:       x.arena.put(r.RequestID),
		resOff:    uint32(len(x.res)),
		rawOff:    r.Raw.Off,
		rawLen:    uint32(r.Raw.Len),
	}
	if r.SharedID != "" {
		x.shared[ref] = x.arena.put(r.SharedID)
	}
	if r.Inspected != "" {
		x.inspected[ref] = strings.Clone(r.Inspected)
	}
	for _, res := range r.Resources {
		k := x.syms.intern(res.Key())
		if info, ok := x.resources[k]; !ok || (info.arn == 0 && res.ARN != "" && !arnOfS3(res)) {
			arn := res.ARN
			if arnOfS3(res) {
				arn = "" // an S3 ARN says no more than the bucket and key: not worth 20 MB a million objects
			}
			x.resources[k] = resourceInfo{kind: x.syms.intern(res.Kind), arn: x.syms.intern(arn)}
		}
		x.res = append(x.res, k)
		appendRef(x.postingLocked(pResource, k), ref)
	}
	e.resN = uint32(len(x.res)) - e.resOff
	if r.Raw.Store != nil {
		s, ok := x.storeIDs[r.Raw.Store]
		if !ok {
			s = uint32(len(x.stores))
			x.stores = append(x.stores, r.Raw.Store)
			x.storeIDs[r.Raw.Store] = s
		}
		e.store = s
	}
	if e.ip != 0 {
		if _, ok := x.ips[e.ip]; !ok {
			x.ips[e.ip] = parseIPs(r.SourceIP)
		}
	}
	if e.minted != 0 {
		if _, ok := x.minted[e.minted]; !ok {
			x.minted[e.minted] = ref
		}
	}
	x.events.append(e)
	if e.id.n != 0 {
		x.byID.insert(x, ref, key)
	}
	// Post the event under each of its values: the caches above hold their lists.
	for _, f := range [...]struct {
		v Sym
		c *valueCache
	}{{e.name, &c[rName]}, {e.source, &c[rSource]}, {e.region, &c[rRegion]}, {e.account, &c[rAccount]},
		{e.errCode, &c[rErrCode]}, {e.ip, &who.ip}, {e.ua, &who.ua}} {
		if f.v != 0 {
			appendRef(f.c.list, ref)
		}
	}
	for _, list := range who.lists {
		if list != nil {
			appendRef(list, ref)
		}
	}
	if who.account != 0 && who.account != e.account {
		appendRef(x.postingLocked(pAccount, who.account), ref)
	}
	return true
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

// identityLocked returns the identity of a record, interning it the first time it is seen.
func (x *Index) identityLocked(id *cloudtrail.Identity) uint32 {
	by, key := 0, id.AccessKey
	if key == "" {
		by, key = 1, id.Principal
	}
	if i, ok := x.identBy[by][key]; ok && x.sameIdentity(&x.idents[i], id) {
		return i
	}
	in := x.syms.intern
	k := identityKey{
		idType:         in(id.Type),
		principalID:    in(id.PrincipalID),
		arn:            in(id.ARN),
		account:        in(id.Account),
		key:            in(id.AccessKey),
		userName:       in(id.UserName),
		sourceIdentity: in(id.SourceIdentity),
		behalf:         in(id.OnBehalfOf),
		issuerType:     in(id.IssuerType),
		issuerARN:      in(id.IssuerARN),
		issuerName:     in(id.IssuerName),
		provider:       in(id.Provider),
		principal:      in(id.Principal),
		role:           in(id.Role),
		session:        in(id.Session),
		mfa:            id.MFA,
		console:        id.Console,
	}
	// The cache by key missed: a key shared by several principals (redacted keys in published
	// samples are) must not make a new identity for every event.
	if i, ok := x.identSet[k]; ok {
		x.identBy[by][x.syms.strs[in(key)]] = i
		return i
	}
	who := identity{identityKey: k}
	for i, f := range []struct {
		p posted
		v Sym
	}{{pPrincipal, who.principal}, {pRole, who.role}, {pARN, who.arn}, {pType, who.idType}, {pKey, who.key}} {
		if f.v != 0 {
			who.lists[i] = x.postingLocked(f.p, f.v)
		}
	}
	x.idents = append(x.idents, who)
	i := uint32(len(x.idents) - 1)
	x.identSet[k] = i
	x.identBy[by][x.syms.strs[in(key)]] = i
	return i
}

// sameIdentity reports whether an interned identity is the record's: a reused or redacted access
// key must not lend one session's identity to another.
func (x *Index) sameIdentity(a *identity, id *cloudtrail.Identity) bool {
	s := x.syms.strs
	return s[a.principal] == id.Principal && s[a.arn] == id.ARN && s[a.idType] == id.Type &&
		s[a.account] == id.Account && s[a.principalID] == id.PrincipalID && s[a.userName] == id.UserName &&
		s[a.key] == id.AccessKey && a.mfa == id.MFA && a.console == id.Console &&
		s[a.sourceIdentity] == id.SourceIdentity && s[a.issuerARN] == id.IssuerARN && s[a.provider] == id.Provider &&
		s[a.behalf] == id.OnBehalfOf
}

// postingLocked returns the posting list of value v of field p, creating it.
func (x *Index) postingLocked(p posted, v Sym) *[]EventRef {
	list, ok := x.post[p][v]
	if !ok {
		list = new([]EventRef)
		x.post[p][v] = list
		x.hay[p].add(v, strings.ToLower(x.syms.strs[v]))
	}
	return list
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
	who := &x.idents[e.ident]
	sh := x.shapes[e.shape]
	s := x.syms.strs
	r := cloudtrail.Record{
		Time:         time.Unix(0, e.time).UTC(),
		EventVersion: s[sh.version],
		Name:         s[e.name],
		Source:       s[e.source],
		Region:       s[e.region],
		Account:      s[e.account],
		SourceIP:     s[e.ip],
		UserAgent:    s[e.ua],
		ErrorCode:    s[e.errCode],
		ErrorMessage: s[e.errMsg],
		ReadOnly:     e.readOnly,
		EventType:    s[sh.eventType],
		Category:     s[sh.category],
		EventID:      x.arena.get(e.id),
		RequestID:    x.arena.get(e.req),
		SharedID:     x.arena.get(x.shared[ref]),
		Inspected:    x.inspected[ref],
		MintedKey:    s[e.minted],
		Raw:          cloudtrail.RawRef{Store: x.stores[e.store], Off: e.rawOff, Len: int(e.rawLen)},
		Identity: cloudtrail.Identity{
			Type:           s[who.idType],
			PrincipalID:    s[who.principalID],
			ARN:            s[who.arn],
			Account:        s[who.account],
			AccessKey:      s[who.key],
			UserName:       s[who.userName],
			InvokedBy:      s[e.invokedBy],
			SourceIdentity: s[who.sourceIdentity],
			OnBehalfOf:     s[who.behalf],
			IssuerType:     s[who.issuerType],
			IssuerARN:      s[who.issuerARN],
			IssuerName:     s[who.issuerName],
			Provider:       s[who.provider],
			MFA:            who.mfa,
			Console:        who.console,
			Principal:      s[who.principal],
			Role:           s[who.role],
			Session:        s[who.session],
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
		name := x.syms.strs[v]
		if p == pResource {
			name = x.resourceLocked(v).ID
		}
		out = append(out, ValueCount{Value: name, Count: len(*list)})
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
		out = append(out, ResourceCount{Resource: r, Count: len(*x.post[pResource][k])})
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
	kind := x.syms.strs[info.kind]
	return cloudtrail.Resource{Kind: kind, ID: x.syms.strs[k][len(kind)+1:], ARN: x.syms.strs[info.arn]}
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
