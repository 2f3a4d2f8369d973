package index

import "time"

// Link is one step of a credential chain: the event that minted a temporary access key, and who
// made that call.
type Link struct {
	Key       string    // the temporary access key this link explains
	Minted    EventRef  // the event that created it (AssumeRole, GetSessionToken, ...)
	Event     string    // that event's name
	Time      time.Time // when it was minted
	Caller    string    // the principal that made the minting call
	CallerKey string    // the key the caller used; the next link explains it when it is temporary too
	SourceIP  string    // where the minting call came from
}

// MaxChain bounds a credential chain: role chaining is limited in practice, and a loop in crafted data
// must end. Analysers that walk chains themselves stop there too.
const MaxChain = 16

// Chain follows an event's access key back through the events that minted it, one link per hop,
// nearest first: the last link's Caller is who is really behind the session, as far as the loaded
// records tell. An event made with a long-term key, or whose key was minted outside the loaded
// records, has an empty chain.
func (x *Index) Chain(ref EventRef) []Link {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.chainOf(x.idents[x.events.at(ref).ident].key)
}

// chainOf follows a key back through the events that minted it, under the caller's lock.
func (x *Index) chainOf(key Sym) []Link {
	var chain []Link
	seen := map[Sym]bool{}
	for key != 0 && !seen[key] && len(chain) < MaxChain {
		seen[key] = true
		m, ok := x.minted[key]
		if !ok {
			break
		}
		e := x.events.at(m)
		chain = append(chain, Link{
			Key:       x.syms.strs[key],
			Minted:    m,
			Event:     x.syms.strs[e.name],
			Time:      time.Unix(0, e.time).UTC(),
			Caller:    x.syms.strs[x.idents[e.ident].principal],
			CallerKey: x.syms.strs[x.idents[e.ident].key],
			SourceIP:  x.syms.strs[e.ip],
		})
		key = x.idents[e.ident].key
	}
	return chain
}

// MintedBy returns the event that minted a temporary access key, when it is among the loaded records.
func (x *Index) MintedBy(key string) (EventRef, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	k, ok := x.syms.lookup(key)
	if !ok {
		return 0, false
	}
	ref, ok := x.minted[k]
	return ref, ok
}
