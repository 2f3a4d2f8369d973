package catalog

import "github.com/trailscope/trailscope/model/filter"

// Call names the events of some calls of one service: the findings rules look for them, and the
// inspections read their records.
type Call struct {
	Source string   // the service: its eventSource without the domain ("iam")
	Names  []string // eventNames, without the API version some services append (catalog.TrimAPIVersion)
}

// EventSource returns the eventSource of the call's service ("iam.amazonaws.com").
func (c Call) EventSource() string { return filter.EventSource(c.Source) }

// NewCall returns the Call of names of one service.
func NewCall(source string, names ...string) Call { return Call{Source: source, Names: names} }
