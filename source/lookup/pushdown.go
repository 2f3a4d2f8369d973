package lookup

import (
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/trailscope/trailscope/model/catalog"
	"github.com/trailscope/trailscope/model/filter"
)

// Attribute is the one lookup attribute a LookupEvents call may carry: the filter term that the
// server applies. The zero Attribute asks for every event.
type Attribute struct {
	Key   types.LookupAttributeKey // "" when no term was pushed down
	Value string
	Term  string // the filter term it came from, as typed
	// Approximate is set when CloudTrail's notion differs from the filter's: the filter matches
	// principals and resources by substring and over more places than CloudTrail's Username and
	// ResourceName. The term is still applied locally; events CloudTrail does not tag are missed.
	Approximate bool
}

// String says what went to the server, for the status line: "EventName=TerminateInstances".
func (a Attribute) String() string {
	if a.Key == "" {
		return "none"
	}
	return string(a.Key) + "=" + a.Value
}

// cacheKey names the attribute in the cache: pages fetched with different attributes hold different
// events.
func (a Attribute) cacheKey() string {
	if a.Key == "" {
		return "all"
	}
	return string(a.Key) + "=" + a.Value
}

// pushRank orders the fields that map to a lookup attribute, most selective first: an event ID names
// one event, an access key one session; an event name or a resource is usually rarer than a principal's
// whole activity; a service or readonly:false keep most of the account.
var pushRank = []filter.Field{
	filter.FieldID, filter.FieldKey, filter.FieldEvent, filter.FieldResource,
	filter.FieldPrincipal, filter.FieldSource, filter.FieldReadOnly,
}

// PushDown chooses the term of q to send to CloudTrail as the lookup attribute: the most selective
// one that maps to a single attribute without losing events the filter would keep. Negated terms,
// comma lists and wildcards stay local: LookupEvents takes one value and matches it exactly.
func PushDown(q filter.Query) Attribute {
	for _, f := range pushRank {
		for _, t := range q.Terms {
			if t.Field != f || t.Negate || len(t.Values) != 1 {
				continue
			}
			if a, ok := attributeFor(t); ok {
				a.Term = t.Text
				return a
			}
		}
	}
	return Attribute{}
}

func attributeFor(t filter.Term) (Attribute, bool) {
	v := strings.TrimSpace(t.Values[0])
	if v == "" || strings.Contains(v, "*") {
		return Attribute{}, false
	}
	switch t.Field {
	case filter.FieldID:
		return Attribute{Key: types.LookupAttributeKeyEventId, Value: v}, true
	case filter.FieldKey:
		return Attribute{Key: types.LookupAttributeKeyAccessKeyId, Value: strings.ToUpper(v)}, true
	case filter.FieldEvent:
		return Attribute{Key: types.LookupAttributeKeyEventName, Value: canonicalEventName(v)}, true
	case filter.FieldSource:
		return Attribute{Key: types.LookupAttributeKeyEventSource, Value: strings.ToLower(filter.EventSource(v))}, true
	case filter.FieldReadOnly:
		return Attribute{Key: types.LookupAttributeKeyReadOnly, Value: fmt.Sprint(t.Bool)}, true
	case filter.FieldResource:
		return Attribute{Key: types.LookupAttributeKeyResourceName, Value: v, Approximate: true}, true
	case filter.FieldPrincipal:
		// CloudTrail's Username is a user, role or session name: an ARN or "role/x" does not map.
		if strings.ContainsAny(v, "/:") {
			return Attribute{}, false
		}
		return Attribute{Key: types.LookupAttributeKeyUsername, Value: v, Approximate: true}, true
	}
	return Attribute{}, false
}

// eventNames maps event names in lower case to their spelling, from the event catalog: the filter
// ignores case, LookupEvents does not.
var eventNames = sync.OnceValue(func() map[string]string {
	m := make(map[string]string)
	for _, e := range catalog.All() {
		m[strings.ToLower(e.Name)] = e.Name
	}
	return m
})

func canonicalEventName(v string) string {
	if n, ok := eventNames()[strings.ToLower(v)]; ok {
		return n
	}
	return v
}
