package index

import (
	"strings"
	"time"
)

// Link is one step of a credential chain: the event that minted an access key, and who made that call.
// A temporary key (ASIA...) is minted by AssumeRole, GetSessionToken and the like; a long-term key
// (AKIA...) by CreateAccessKey, for a user.
type Link struct {
	Key       string    // the access key this link explains
	Minted    EventRef  // the event that created it (AssumeRole, GetSessionToken, CreateAccessKey, ...)
	Event     string    // that event's name
	Time      time.Time // when it was minted
	Caller    string    // the principal that made the minting call
	CallerKey string    // the key the caller used; the next link explains it
	SourceIP  string    // where the minting call came from
	LongTerm  bool      // a long-term key, made by CreateAccessKey
	For       string    // the user a long-term key was made for; "" for temporary keys
}

// MaxChain bounds a credential chain: role chaining is limited in practice, and a loop in crafted data
// must end. Analysers that walk chains themselves stop there too.
const MaxChain = 16

// Chain follows an event's access key back through the events that minted it, one link per hop,
// nearest first: a session's key to the AssumeRole that minted it, that call's key to its own minting,
// a user's long-term key to the CreateAccessKey that made it and who called it. An event made with a key
// minted outside the loaded records has an empty chain. The caller of the last temporary link is who is
// really behind a session; a long-term link says who made the key, not who uses it.
func (x *Index) Chain(ref EventRef) []Link {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.chainOf(x.idents.at(x.events.at(ref).ident).key)
}

// KeyChain is Chain for an access key: the events that minted it and its forebears, nearest first.
func (x *Index) KeyChain(key string) []Link {
	x.mu.RLock()
	defer x.mu.RUnlock()
	k, ok := x.syms.lookup(key)
	if !ok {
		return nil
	}
	return x.chainOf(k)
}

// chainOf follows a key back through the events that minted it, under the caller's lock.
func (x *Index) chainOf(key Sym) []Link {
	var chain []Link
	seen := map[Sym]bool{}
	for key != 0 && !seen[key] && len(chain) < MaxChain {
		seen[key] = true
		m, ok := x.mintedLocked(key)
		if !ok {
			break
		}
		e := x.events.at(m)
		who := x.idents.at(e.ident)
		l := Link{
			Key:       x.syms.str(key),
			Minted:    m,
			Event:     x.syms.str(e.name),
			Time:      time.Unix(0, e.time).UTC(),
			Caller:    x.syms.str(who.principal),
			CallerKey: x.syms.str(who.key),
			SourceIP:  x.syms.str(e.ip),
			LongTerm:  strings.HasPrefix(x.syms.str(key), "AKIA"),
		}
		if l.LongTerm {
			l.For = x.keyOwnerLocked(e, who)
		}
		chain = append(chain, l)
		key = who.key
	}
	return chain
}

// keyOwnerLocked returns the user a CreateAccessKey made its key for: the user it names, or the caller
// itself when it names none.
func (x *Index) keyOwnerLocked(e *event, who *identity) string {
	for _, k := range x.res[e.resOff : e.resOff+e.resN] {
		if r := x.resourceLocked(k); r.Kind == "iam:user" {
			return r.ID
		}
	}
	return x.syms.str(who.userName)
}

// MintedBy returns the event that minted an access key, when it is among the loaded records.
func (x *Index) MintedBy(key string) (EventRef, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	k, ok := x.syms.lookup(key)
	if !ok {
		return 0, false
	}
	ref, ok := x.mintedLocked(k)
	return ref, ok
}

// lineageLocked adds to s the lineage of access keys: the events of each, the events that minted it and
// its forebears, and the events of the keys minted from it, from theirs, and so on.
func (x *Index) lineageLocked(s bitset, keys []Sym) {
	if len(keys) == 0 {
		return
	}
	children := map[Sym][]Sym{} // a key -> the keys minted with it
	for k, r := range x.mintedBy {
		if r == 0 {
			continue
		}
		if parent := x.idents.at(x.events.at(r - 1).ident).key; parent != 0 {
			children[parent] = append(children[parent], Sym(k))
		}
	}
	seen := map[Sym]bool{}
	var queue []Sym
	for _, k := range keys {
		for _, l := range x.chainOf(k) {
			s.set(l.Minted)
		}
		if !seen[k] {
			seen[k] = true
			queue = append(queue, k)
		}
	}
	for len(queue) > 0 {
		k := queue[0]
		queue = queue[1:]
		for _, ref := range x.posting(pKey, k) {
			s.set(ref)
		}
		for _, c := range children[k] {
			if !seen[c] {
				seen[c] = true
				queue = append(queue, c)
			}
		}
	}
}
