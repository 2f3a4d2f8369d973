package index

import (
	"cmp"
	"iter"
	"net/netip"
	"slices"
	"time"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
)

// View is a read-only look at an index for the analysers that read every event or many of them (the
// findings rules): its events and their identities as the index keeps them, strings as Syms, its posting
// lists, time order and minted keys, with no Record made per event. A View is valid only inside the
// function given to Index.Read, which holds the index's read lock for it: no lock contract leaves this
// package.
type View struct{ x *Index }

// Read calls fn with a View of the index, holding the read lock with the time order complete for the
// events present. Batches wait while fn runs: fn calls View.Yield now and then when it reads many events.
func (x *Index) Read(fn func(View)) {
	x.rlockSorted()
	defer x.mu.RUnlock()
	fn(View{x})
}

// Yield lets go of the read lock for a moment, so that a batch waiting to land can. What the View gave
// out stays true: events never move and the time order it gave keeps its events; events added meanwhile
// are in the index, and in Len, but not in that order.
func (v View) Yield() {
	v.x.mu.RUnlock()
	v.x.mu.RLock()
}

// Len returns the number of events: refs run from 0 to Len()-1.
func (v View) Len() int { return v.x.events.len() }

// Order returns the events in time order (then arrival), as complete as when Read began. The slice is
// the index's: do not change it.
func (v View) Order() []EventRef { return v.x.order }

// Event returns an event of the index.
func (v View) Event(ref EventRef) Event { return Event{x: v.x, e: v.x.events.at(ref), ref: ref} }

// Str returns the string a Sym stands for.
func (v View) Str(s Sym) string { return v.x.syms.str(s) }

// Lookup returns the Sym of a string, when some event holds it.
func (v View) Lookup(s string) (Sym, bool) { return v.x.syms.lookup(s) }

// Postings returns the distinct values of a field with the events that carry each, in arrival order, in
// no particular order of values. Fields without posting lists (Index.Values says which) give nothing.
// The slices are the index's: do not change them.
func (v View) Postings(f filter.Field) iter.Seq2[Sym, []EventRef] {
	return func(yield func(Sym, []EventRef) bool) {
		p, ok := postedFor(f)
		if !ok {
			return
		}
		for s, list := range v.x.post[p] {
			if !yield(s, *v.x.lists.at(list)) {
				return
			}
		}
	}
}

// Posting returns the events that carry value s of a field, in arrival order; nil when none do. The
// slice is the index's: do not change it.
func (v View) Posting(f filter.Field, s Sym) []EventRef {
	p, ok := postedFor(f)
	if !ok {
		return nil
	}
	return v.x.posting(p, s)
}

// Addrs returns the addresses a source IP value holds (a record may carry a comma-separated list; a
// service name holds none).
func (v View) Addrs(ip Sym) []netip.Addr { return v.x.ips[ip] }

// MintedBy returns the event that minted a temporary access key, when it is in the index.
func (v View) MintedBy(key Sym) (EventRef, bool) {
	ref, ok := v.x.mintedLocked(key)
	return ref, ok
}

// Inspected returns what was read from an event's raw record when it was decoded (Record.Inspected).
func (v View) Inspected(ref EventRef) string { return v.x.inspected[ref] }

// Identities returns how many distinct identities the index holds: IdentityIDs run from 0 to
// Identities()-1.
func (v View) Identities() int { return v.x.idents.len() }

// TimeOrder returns refs sorted by time, then arrival, without duplicates, in a new slice.
func (v View) TimeOrder(refs []EventRef) []EventRef {
	x := v.x
	out := slices.Clone(refs)
	slices.SortFunc(out, func(a, b EventRef) int {
		return cmp.Or(cmp.Compare(x.events.at(a).time, x.events.at(b).time), cmp.Compare(a, b))
	})
	return slices.Compact(out)
}

// Chain returns the credential chain of a temporary access key, as Index.Chain does for an event's key.
func (v View) Chain(key Sym) []Link { return v.x.chainOf(key) }

// Event is one event seen through a View, its strings as Syms (View.Str reads them). It is valid as long
// as its View.
type Event struct {
	x   *Index
	e   *event
	ref EventRef
}

// Ref returns the event's ref.
func (ev Event) Ref() EventRef { return ev.ref }

// Nanos returns the event's time in Unix nanoseconds.
func (ev Event) Nanos() int64 { return ev.e.time }

// Time returns the event's time.
func (ev Event) Time() time.Time { return time.Unix(0, ev.e.time).UTC() }

// Name returns its eventName.
func (ev Event) Name() Sym { return ev.e.name }

// Source returns its eventSource.
func (ev Event) Source() Sym { return ev.e.source }

// Region returns its awsRegion.
func (ev Event) Region() Sym { return ev.e.region }

// Account returns its recipientAccountId.
func (ev Event) Account() Sym { return ev.e.account }

// IP returns its sourceIPAddress (View.Addrs parses it).
func (ev Event) IP() Sym { return ev.e.ip }

// UserAgent returns its userAgent.
func (ev Event) UserAgent() Sym { return ev.e.ua }

// ErrorCode returns its errorCode; 0 when the call succeeded.
func (ev Event) ErrorCode() Sym { return ev.e.errCode }

// ErrorMessage returns its errorMessage.
func (ev Event) ErrorMessage() Sym { return ev.e.errMsg }

// InvokedBy returns the AWS service that made the call on the principal's behalf; 0 for most events.
func (ev Event) InvokedBy() Sym { return ev.e.invokedBy }

// Category returns its eventCategory (Management, Data, Insight, NetworkActivity).
func (ev Event) Category() Sym { return ev.x.shapes[ev.e.shape].category }

// EventType returns its eventType (AwsApiCall, AwsServiceEvent, AwsConsoleSignIn, ...).
func (ev Event) EventType() Sym { return ev.x.shapes[ev.e.shape].eventType }

// ReadOnly returns its readOnly.
func (ev Event) ReadOnly() cloudtrail.Tri { return ev.x.readOnly(ev.e) }

// ID returns its eventID.
func (ev Event) ID() string { return ev.x.arena.get(ev.e.id) }

// Resources returns the resources the event touched, each the Sym of its Resource.Key ("kind id"). The
// slice is the index's: do not change it.
func (ev Event) Resources() []Sym { return ev.x.res[ev.e.resOff : ev.e.resOff+ev.e.resN] }

// RawPos says where the event's raw record is kept: its store (0 when none) and offset. Reading records
// in this order reads each stored block once.
func (ev Event) RawPos() (store uint32, off int64) { return ev.e.store, ev.e.rawOff }

// Who returns the event's identity.
func (ev Event) Who() Who { return Who{i: ev.x.idents.at(ev.e.ident), id: IdentityID(ev.e.ident)} }

// IdentityID numbers the distinct identities of an index from 0 (View.Identities): an analyser keeps
// what it works out per identity in a slice by it.
type IdentityID uint32

// Who is an event's identity seen through a View, its strings as Syms. The events of one session share
// one.
type Who struct {
	i  *identity
	id IdentityID
}

// ID returns the identity's number.
func (w Who) ID() IdentityID { return w.id }

// Type returns userIdentity.type.
func (w Who) Type() Sym { return w.i.idType }

// Principal returns the readable principal (Identity.Principal).
func (w Who) Principal() Sym { return w.i.principal }

// Role returns the grouping above sessions (Identity.Role).
func (w Who) Role() Sym { return w.i.role }

// Session returns the session name (Identity.Session).
func (w Who) Session() Sym { return w.i.session }

// Key returns the access key.
func (w Who) Key() Sym { return w.i.key }

// UserName returns userIdentity.userName.
func (w Who) UserName() Sym { return w.i.userName }

// Account returns userIdentity.accountId.
func (w Who) Account() Sym { return w.i.account }

// IssuerARN returns the ARN of the session's issuer (the role of an assumed role).
func (w Who) IssuerARN() Sym { return w.i.issuerARN }
