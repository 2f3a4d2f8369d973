package findings

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/trailscope/trailscope/model/catalog"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
)

// This file holds the rule about evidence being lost: AWS services denied delivering logs, mostly right
// after someone changed the policy of the bucket or key they deliver to.

// logDeliverers are the AWS services that deliver logs and records on the account's behalf.
var logDeliverers = []string{"delivery.logs.amazonaws.com", "cloudtrail.amazonaws.com", "config.amazonaws.com"}

const (
	// deliveryDenied denied deliveries make a finding: one may be a retry, three are a pattern.
	deliveryDenied = 3
	// DefaultDeliveryLookback is how far before the first denied delivery a bucket or key policy change
	// is taken for its cause.
	DefaultDeliveryLookback = 24 * time.Hour
)

// gateCalls change who may write to a bucket or use a key.
var gateCalls = []catalog.Call{
	call("s3", "PutBucketPolicy", "DeleteBucketPolicy", "PutBucketAcl", "PutBucketOwnershipControls"),
	call("kms", "PutKeyPolicy", "DisableKey", "ScheduleKeyDeletion"),
}

// deliverer returns which log-delivering service made an event, or "".
func deliverer(v index.View, e index.Event) string {
	for _, s := range []index.Sym{e.InvokedBy(), e.IP(), e.Who().Principal()} {
		str := v.Str(s)
		for _, d := range logDeliverers {
			if strings.Contains(str, d) {
				return d
			}
		}
	}
	return ""
}

// logDelivery raises repeated denied deliveries of logs by AWS services, high when a bucket or key
// policy changed before them.
func (r *run) logDelivery() {
	if !r.enabled("log-delivery-denied") {
		return
	}
	v := r.v
	denied := map[string][]index.EventRef{} // by service
	var codes []string
	for code, list := range v.Postings(filter.FieldError) {
		if !isDenied(strings.ToLower(v.Str(code))) {
			continue
		}
		for _, ref := range list {
			if svc := deliverer(v, v.Event(ref)); svc != "" {
				denied[svc] = append(denied[svc], ref)
				if c := v.Str(code); !slices.Contains(codes, c) {
					codes = append(codes, c)
				}
			}
		}
	}
	slices.Sort(codes)
	gates := r.eventsOf(gateCalls...)
	for _, svc := range logDeliverers {
		refs := v.TimeOrder(denied[svc])
		if len(refs) < deliveryDenied {
			continue
		}
		first := v.Event(refs[0])
		d := r.draftFor(mustRule("log-delivery-denied"), first.Who().Principal(), svc)
		d.refs, d.keepFails, d.exact = refs, true, false
		d.terms = []filter.Term{{Field: filter.FieldError, Values: codes}, {Field: filter.FieldIP, Values: []string{svc}}}
		d.note(fmt.Sprintf("%d denied deliveries by %s", len(refs), svc))
		if g, ok := r.gateBefore(gates, refs); ok {
			ge := v.Event(g)
			what := v.Str(ge.Name())
			if res := ge.Resources(); len(res) > 0 {
				_, id, _ := strings.Cut(v.Str(res[0]), " ")
				what += " on " + id
			}
			d.note(fmt.Sprintf("after %s by %s at %s", what, v.Str(ge.Who().Principal()), ge.Time().Format("2006-01-02 15:04")))
			d.refs = append(d.refs, g)
			d.raise(catalog.SeverityHigh)
		}
	}
}

// gateBefore returns the policy change that most likely caused denied deliveries: the last one in the
// DefaultDeliveryLookback before the first denial, of the service that denied them, and on a bucket or
// key they named when they named one.
func (r *run) gateBefore(gates []index.EventRef, denied []index.EventRef) (index.EventRef, bool) {
	v := r.v
	start := v.Event(denied[0]).Nanos()
	touched := map[string]bool{}
	sources := map[index.Sym]bool{}
	for _, ref := range denied {
		sources[v.Event(ref).Source()] = true
		for _, k := range v.Event(ref).Resources() {
			_, id, _ := strings.Cut(v.Str(k), " ")
			touched[id] = true
			if bucket, _, ok := strings.Cut(id, "/"); ok {
				touched[bucket] = true
			}
		}
	}
	var last index.EventRef
	found := false
	for _, g := range gates { // in time order
		e := v.Event(g)
		if e.ErrorCode() != 0 || !sources[e.Source()] || e.Nanos() > start || e.Nanos() < start-int64(DefaultDeliveryLookback) {
			continue
		}
		match := len(touched) == 0
		for _, k := range e.Resources() {
			_, id, _ := strings.Cut(v.Str(k), " ")
			match = match || touched[id]
		}
		if match {
			last, found = g, true
		}
	}
	return last, found
}
