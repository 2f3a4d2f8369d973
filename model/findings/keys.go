package findings

import (
	"fmt"
	"strings"
	"time"

	"github.com/trailscope/trailscope/model/catalog"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
)

// This file holds the rule about a user making an access key for itself, which matters by what came
// before it: after probing what the key may do, or after a policy change, it is how an intruder keeps
// a way in once the leaked key is rotated.

// The context of a self-made key: what the same user did in the DefaultKeyContext before it.
const (
	DefaultKeyContext = time.Hour
	// reconDenied denied calls, or reconCalls distinct discovery calls, before the key: someone was
	// finding out what the credentials may do.
	reconDenied = 3
	reconCalls  = 5
)

// policyCalls change what an IAM identity may do.
var policyCalls = map[string]bool{
	"PutUserPolicy": true, "AttachUserPolicy": true, "PutGroupPolicy": true, "AttachGroupPolicy": true,
	"AddUserToGroup": true, "CreatePolicyVersion": true, "SetDefaultPolicyVersion": true,
	"PutRolePolicy": true, "AttachRolePolicy": true, "PutUserPermissionsBoundary": true, "DeleteUserPermissionsBoundary": true,
}

// selfKey raises a CreateAccessKey a user made for itself, high when it came right after
// reconnaissance or a change to its permissions.
func (r *run) selfKey(ref index.EventRef) {
	v := r.v
	e := v.Event(ref)
	if e.ErrorCode() != 0 {
		return // a key that was not made
	}
	who := e.Who()
	d := r.draftFor(mustRule("access-key-self"), who.Principal(), "")
	d.refs = append(d.refs, ref)
	d.terms, d.exact = eventTerms(call("iam", "CreateAccessKey")), false
	if k := v.Str(who.Key()); strings.HasPrefix(k, "AKIA") {
		d.note("a second key, made with " + k)
	}
	user := v.Str(who.UserName())
	from := e.Nanos() - int64(DefaultKeyContext)
	denied := 0
	discovery := map[index.Sym]bool{}
	var policy []string
	for _, p := range v.Posting(filter.FieldPrincipal, who.Principal()) {
		pe := v.Event(p)
		if pe.Nanos() < from || pe.Nanos() > e.Nanos() || p == ref {
			continue
		}
		name := catalog.TrimAPIVersion(v.Str(pe.Name()))
		switch {
		case pe.ErrorCode() != 0 && isDenied(strings.ToLower(v.Str(pe.ErrorCode()))):
			denied++
		case policyCalls[name] && pe.ErrorCode() == 0:
			policy = append(policy, name)
			d.refs = append(d.refs, p)
		case pe.ErrorCode() == 0 && isDiscovery(v.Str(pe.Source()), name):
			discovery[pe.Name()] = true
		}
	}
	// A change to the user's permissions by someone else counts as much as its own.
	for _, name := range []string{"PutUserPolicy", "AttachUserPolicy", "AddUserToGroup"} {
		for _, p := range r.eventsOf(call("iam", name)) {
			pe := v.Event(p)
			if pe.Nanos() >= from && pe.Nanos() <= e.Nanos() && pe.ErrorCode() == 0 && pe.Who().Principal() != who.Principal() &&
				user != "" && containsFold(resourcesOf(v, pe, "iam:user"), user) {
				policy = append(policy, name+" by "+v.Str(pe.Who().Principal()))
				d.refs = append(d.refs, p)
			}
		}
	}
	switch {
	case len(policy) > 0:
		d.note("after " + policy[0])
		d.raise(catalog.SeverityHigh)
	case denied >= reconDenied:
		d.note(fmt.Sprintf("after %d denied calls", denied))
		d.raise(catalog.SeverityHigh)
	case len(discovery) >= reconCalls:
		d.note(fmt.Sprintf("after %d kinds of discovery calls", len(discovery)))
		d.raise(catalog.SeverityHigh)
	}
}

// isDiscovery reports a call that looks around: the catalog's discovery calls, and any List or
// Describe.
func isDiscovery(source, name string) bool {
	if e, ok := catalog.Explain(source, name); ok && e.Tactic == catalog.Discovery {
		return true
	}
	return strings.HasPrefix(name, "List") || strings.HasPrefix(name, "Describe")
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
