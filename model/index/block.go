package index

import (
	"net/netip"
	"runtime"
	"strings"
	"sync"

	"github.com/trailscope/trailscope/model/cloudtrail"
)

// Ingest runs in two steps so that it scales with cores. prepare turns a run of records into a block
// without touching the index: every string is interned in a symbol table local to the block, identities
// and resources are made distinct there, eventIDs are packed and hashed and source IPs parsed, on as many
// goroutines as there are CPUs. commit, the only serial step, merges whole blocks under the lock: each
// distinct value of a block is interned once, and each event costs array look-ups, a probe of the eventID
// table and appends to posting lists, never a map look-up keyed by a string.

// minPrepare is the smallest run of records worth a goroutine of its own.
const minPrepare = 512

// block is a run of records prepared for commit. Syms in it are local: indexes into strs.
type block struct {
	strs     []string
	hashes   []uint64 // symHash of each of strs
	local    map[string]Sym
	events   []bevent
	idents   []identityKey // distinct identities, in local syms
	identSet map[identityKey]uint32
	byKey    [2]map[string]uint32 // the last identity by access key; by principal for events without one
	res      []Sym                // the resource keys of every event, flattened
	resOf    map[Sym]bres         // per resource key: its kind and ARN
	ips      map[Sym][]netip.Addr

	// What the index held when the block was prepared, found then (in parallel) so that commit need not
	// look it up; 0 where it held nothing yet, which commit finds or adds itself.
	global []Sym               // the index's Sym of each of strs
	known  []uint32            // the index's number of each of idents, plus one
	lists  [numPosted][]uint32 // per local Sym of a field events post directly: the value's posting list
}

// bevent is an event of a block, in local syms.
type bevent struct {
	event
	ident                     uint32 // in block.idents
	eventType, category, vers Sym
	failedIn                  Sym // Record.ErrorInResponse
	readOnly                  cloudtrail.Tri
	id, req                   idKey // eventID and requestID, in the arena's stored form
	idHash                    uint64
	eventID, shared           string
	inspected                 string
	store                     cloudtrail.RawStore
}

// bres is what a block knows of a resource beside its key.
type bres struct{ kind, arn Sym }

// prepareAll prepares recs into blocks, in parallel when there are enough of them.
func (x *Index) prepareAll(recs []cloudtrail.Record) []*block {
	n := min(runtime.GOMAXPROCS(0), len(recs)/minPrepare)
	if n <= 1 {
		return []*block{x.prepare(recs)}
	}
	blocks := make([]*block, n)
	var wg sync.WaitGroup
	for i := range n {
		part := recs[len(recs)*i/n : len(recs)*(i+1)/n]
		wg.Go(func() { blocks[i] = x.prepare(part) })
	}
	wg.Wait()
	return blocks
}

// prepare makes a block of recs. It reads nothing of the index but its immutable eventID hash seed.
func (x *Index) prepare(recs []cloudtrail.Record) *block {
	// Sized for what a file of records holds, so that the maps rarely grow.
	n := len(recs)
	b := &block{strs: make([]string, 1, 2*n), hashes: make([]uint64, 1, 2*n), local: make(map[string]Sym, 2*n),
		events: make([]bevent, n), identSet: make(map[identityKey]uint32, n/2),
		byKey: [2]map[string]uint32{make(map[string]uint32, n/2), make(map[string]uint32, n/8)},
		resOf: make(map[Sym]bres, n/2), ips: make(map[Sym][]netip.Addr, n/4)}
	b.local[""] = 0
	for i := range recs {
		r := &recs[i]
		e := &b.events[i]
		e.time = r.Time.UnixNano()
		e.name, e.source, e.region, e.account = b.intern(r.Name), b.intern(r.Source), b.intern(r.Region), b.intern(r.Account)
		e.eventType, e.category, e.vers = b.intern(r.EventType), b.intern(r.Category), b.intern(r.EventVersion)
		e.failedIn = b.intern(r.ErrorInResponse)
		e.invokedBy, e.errCode, e.errMsg, e.minted = b.intern(r.Identity.InvokedBy), b.intern(r.ErrorCode), b.intern(r.ErrorMessage), b.intern(r.MintedKey)
		e.ua = b.intern(r.UserAgent)
		e.ip = b.intern(r.SourceIP)
		if e.ip != 0 {
			if _, ok := b.ips[e.ip]; !ok {
				b.ips[e.ip] = parseIPs(r.SourceIP)
			}
		}
		e.ident = b.identity(&r.Identity)
		e.readOnly = r.ReadOnly
		if r.EventID != "" {
			e.id = storedForm(r.EventID)
			e.idHash = x.byID.hash(e.id.b)
		}
		e.eventID, e.shared, e.inspected = r.EventID, r.SharedID, r.Inspected
		if r.RequestID != "" {
			e.req = storedForm(r.RequestID)
		}
		e.resOff = uint32(len(b.res))
		for _, res := range r.Resources {
			k := b.intern(res.Key())
			if info, ok := b.resOf[k]; !ok || (info.arn == 0 && res.ARN != "" && !arnOfS3(res)) {
				arn := res.ARN
				if arnOfS3(res) {
					arn = "" // an S3 ARN says no more than the bucket and key: not worth 20 MB a million objects
				}
				b.resOf[k] = bres{kind: b.intern(res.Kind), arn: b.intern(arn)}
			}
			b.res = append(b.res, k)
		}
		e.resN = uint32(len(b.res)) - e.resOff
		e.store, e.rawOff, e.rawLen = r.Raw.Store, r.Raw.Off, uint32(r.Raw.Len)
	}
	b.local, b.identSet, b.byKey = nil, nil, [2]map[string]uint32{}
	x.resolve(b)
	return b
}

// resolve finds what of a block the index already holds: the Syms of its strings, its identities, the
// posting lists of its values. Add holds addMu, so no commit runs meanwhile and the tables are read
// unlocked (readers only read them too); what commit adds later is found or added by commit itself.
func (x *Index) resolve(b *block) {
	b.global = make([]Sym, len(b.strs))
	for i := 1; i < len(b.strs); i++ {
		b.global[i], _ = x.syms.lookupHashed(b.strs[i], b.hashes[i])
	}
	for p := range b.lists {
		b.lists[p] = make([]uint32, len(b.strs))
	}
	find := func(p posted, v Sym) {
		if v != 0 && b.lists[p][v] == 0 && b.global[v] != 0 {
			b.lists[p][v] = x.post[p][b.global[v]] // 0 when there is no list yet
		}
	}
	b.known = make([]uint32, len(b.idents))
	for i := range b.idents {
		l := &b.idents[i]
		if k, ok := l.in(b.global); ok {
			if id, found := x.idents.lookup(&k); found {
				b.known[i] = id + 1
				continue
			}
		}
		for _, f := range l.posted() { // a new identity: the lists of its values, for commit to give it
			find(f.p, f.v)
		}
	}
	for i := range b.events {
		e := &b.events[i]
		find(pEvent, e.name)
		find(pSource, e.source)
		find(pRegion, e.region)
		find(pAccount, e.account)
		find(pAccount, b.idents[e.ident].account)
		find(pError, e.errCode)
		find(pIP, e.ip)
		find(pUA, e.ua)
		for _, k := range b.res[e.resOff : e.resOff+e.resN] {
			find(pResource, k)
		}
	}
}

// intern returns the block's local Sym of s.
func (b *block) intern(s string) Sym {
	if id, ok := b.local[s]; ok {
		return id
	}
	id := Sym(len(b.strs))
	b.strs = append(b.strs, s)
	b.hashes = append(b.hashes, symHash(s))
	b.local[s] = id
	return id
}

// identity returns the block's local identity of id: the events of one session share it, found by the
// access key (or the principal), checked field by field so that a reused or redacted key does not lend
// one session's identity to another.
func (b *block) identity(id *cloudtrail.Identity) uint32 {
	by, key := 0, id.AccessKey
	if key == "" {
		by, key = 1, id.Principal
	}
	if i, ok := b.byKey[by][key]; ok && b.same(&b.idents[i], id) {
		return i
	}
	k := identityKey{
		idType: b.intern(id.Type), principalID: b.intern(id.PrincipalID), arn: b.intern(id.ARN),
		account: b.intern(id.Account), key: b.intern(id.AccessKey), userName: b.intern(id.UserName),
		sourceIdentity: b.intern(id.SourceIdentity), behalf: b.intern(id.OnBehalfOf), issuerType: b.intern(id.IssuerType),
		issuerARN: b.intern(id.IssuerARN), issuerName: b.intern(id.IssuerName), provider: b.intern(id.Provider),
		principal: b.intern(id.Principal), role: b.intern(id.Role), session: b.intern(id.Session),
		mfa: id.MFA, console: id.Console,
	}
	i, ok := b.identSet[k]
	if !ok {
		i = uint32(len(b.idents))
		b.idents = append(b.idents, k)
		b.identSet[k] = i
	}
	b.byKey[by][key] = i
	return i
}

// same reports whether a block's identity is id.
func (b *block) same(a *identityKey, id *cloudtrail.Identity) bool {
	s := b.strs
	return s[a.principal] == id.Principal && s[a.arn] == id.ARN && s[a.idType] == id.Type &&
		s[a.account] == id.Account && s[a.principalID] == id.PrincipalID && s[a.userName] == id.UserName &&
		s[a.key] == id.AccessKey && a.mfa == id.MFA && a.console == id.Console &&
		s[a.sourceIdentity] == id.SourceIdentity && s[a.issuerARN] == id.IssuerARN && s[a.provider] == id.Provider &&
		s[a.behalf] == id.OnBehalfOf && s[a.issuerType] == id.IssuerType && s[a.issuerName] == id.IssuerName &&
		s[a.role] == id.Role && s[a.session] == id.Session
}

// commitScratch is what commit reuses from block to block: the global Sym of each local one, and the
// posting list of each local value of each field, found once per block.
type commitScratch struct {
	global []Sym
	idents []uint32
	lists  [numPosted][]*[]EventRef
}

// commitLocked merges a block into the index and returns how many of its events were new.
func (x *Index) commitLocked(b *block) int {
	sc := &x.scratch
	n := len(b.strs)
	sc.global = sc.global[:0]
	for i, s := range b.strs {
		v := b.global[i]
		if v == 0 {
			v = x.syms.internHashed(s, b.hashes[i])
		}
		sc.global = append(sc.global, v)
	}
	g := sc.global
	for p := range sc.lists {
		sc.lists[p] = growClear(sc.lists[p], n)
	}
	sc.idents = sc.idents[:0]
	for i := range b.idents {
		if k := b.known[i]; k != 0 {
			sc.idents = append(sc.idents, k-1)
		} else {
			sc.idents = append(sc.idents, x.globalIdentityLocked(&b.idents[i], g, &b.lists))
		}
	}
	for k, info := range b.resOf {
		gk := g[k]
		if cur, ok := x.resources[gk]; !ok || (cur.arn == 0 && info.arn != 0) {
			x.resources[gk] = resourceInfo{kind: g[info.kind], arn: g[info.arn]}
		}
	}
	for v, addrs := range b.ips {
		if _, ok := x.ips[g[v]]; !ok {
			x.ips[g[v]] = addrs
		}
	}
	post := func(p posted, v Sym, ref EventRef) {
		if v == 0 {
			return
		}
		l := sc.lists[p][v]
		if l == nil {
			if id := b.lists[p][v]; id != 0 {
				l = x.lists.at(id)
			} else {
				l = x.postingLocked(p, g[v])
			}
			sc.lists[p][v] = l
		}
		appendRef(l, ref)
	}
	added := 0
	var lastStore cloudtrail.RawStore
	var lastStoreID uint32
	for i := range b.events {
		be := &b.events[i]
		ref := EventRef(x.events.len())
		if be.eventID != "" {
			if _, dup := x.byID.findHashed(x, be.id, be.idHash); dup {
				x.dups++
				continue
			}
		}
		e := be.event
		e.name, e.source, e.region, e.account = g[e.name], g[e.source], g[e.region], g[e.account]
		e.invokedBy, e.ip, e.ua = g[e.invokedBy], g[e.ip], g[e.ua]
		e.errCode, e.errMsg, e.minted = g[e.errCode], g[e.errMsg], g[e.minted]
		e.ident = sc.idents[be.ident]
		e.shape = x.shapeLocked(shape{g[be.eventType], g[be.category], g[be.vers], g[be.failedIn], be.readOnly})
		e.id = x.arena.putKey(be.id)
		e.req = x.arena.putKey(be.req)
		if be.shared != "" {
			x.shared[ref] = x.arena.put(be.shared)
		}
		if be.inspected != "" {
			x.inspected[ref] = strings.Clone(be.inspected)
		}
		e.resOff = uint32(len(x.res))
		for _, k := range b.res[be.resOff : be.resOff+be.resN] {
			x.res = append(x.res, g[k])
			post(pResource, k, ref)
		}
		if be.store != nil {
			if be.store != lastStore {
				lastStore, lastStoreID = be.store, x.storeLocked(be.store)
			}
			e.store = lastStoreID
		}
		if e.minted != 0 {
			if int(e.minted) >= len(x.mintedBy) {
				x.mintedBy = append(x.mintedBy, make([]EventRef, int(e.minted)+1-len(x.mintedBy)+len(x.mintedBy)/2)...)
			}
			if x.mintedBy[e.minted] == 0 {
				x.mintedBy[e.minted] = ref + 1
			}
		}
		x.events.append(e)
		if e.id.n != 0 {
			x.byID.insertHashed(x, ref, be.idHash)
		}
		post(pEvent, be.name, ref)
		post(pSource, be.source, ref)
		post(pRegion, be.region, ref)
		post(pAccount, be.account, ref)
		post(pError, be.errCode, ref)
		post(pIP, be.ip, ref)
		post(pUA, be.ua, ref)
		who := x.idents.at(e.ident)
		for _, list := range who.lists {
			if list != 0 {
				appendRef(x.lists.at(list), ref)
			}
		}
		if acct := b.idents[be.ident].account; acct != be.account {
			post(pAccount, acct, ref) // the identity's account, by the block's sym: its list is found once a block
		}
		added++
	}
	return added
}

// growClear returns s with n nil elements.
func growClear[T any](s []*T, n int) []*T {
	if cap(s) < n {
		return make([]*T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// storeLocked returns the number of a raw store, adding it the first time.
func (x *Index) storeLocked(s cloudtrail.RawStore) uint32 {
	id, ok := x.storeIDs[s]
	if !ok {
		id = uint32(len(x.stores))
		x.stores = append(x.stores, s)
		x.storeIDs[s] = id
	}
	return id
}

// globalIdentityLocked returns the index's identity for a block's, in the block's syms g, interning it
// the first time it is seen.
func (x *Index) globalIdentityLocked(l *identityKey, g []Sym, lists *[numPosted][]uint32) uint32 {
	k, _ := l.in(g)
	if i, _, ok := x.idents.find(&k); ok {
		return i
	}
	who := identity{identityKey: k}
	for i, f := range l.posted() {
		if f.v != 0 {
			who.lists[i] = lists[f.p][f.v]
			if who.lists[i] == 0 {
				who.lists[i] = x.postingIDLocked(f.p, g[f.v])
			}
		}
	}
	return x.idents.add(who)
}

// in returns a block's identity in the index's syms, g by local Sym; false when one of its strings has
// none (0 in g for a string that is not empty).
func (l *identityKey) in(g []Sym) (identityKey, bool) {
	ok := true
	m := func(v Sym) Sym {
		s := g[v]
		if s == 0 && v != 0 {
			ok = false
		}
		return s
	}
	k := identityKey{
		idType: m(l.idType), principalID: m(l.principalID), arn: m(l.arn), account: m(l.account), key: m(l.key),
		userName: m(l.userName), sourceIdentity: m(l.sourceIdentity), behalf: m(l.behalf), issuerType: m(l.issuerType),
		issuerARN: m(l.issuerARN), issuerName: m(l.issuerName), provider: m(l.provider), principal: m(l.principal),
		role: m(l.role), session: m(l.session), mfa: l.mfa, console: l.console,
	}
	return k, ok
}

// fieldValue is a value of a posted field.
type fieldValue struct {
	p posted
	v Sym
}

// posted returns the values of an identity that have posting lists, in the order of identity.lists.
func (l *identityKey) posted() [5]fieldValue {
	return [5]fieldValue{{pPrincipal, l.principal}, {pRole, l.role}, {pARN, l.arn}, {pType, l.idType}, {pKey, l.key}}
}
