// Package catalog is what the project knows of AWS calls: what each call does and why an investigator
// cares (Explain, the table in rows.go), the readable names of services (ServiceName), the tactics and
// severities that rank what matters, and Call, which names the events of some calls of one service.
package catalog

import (
	"cmp"
	"slices"
	"strings"
	"sync"

	"github.com/trailscope/trailscope/model/filter"
)

// Tactic is why an investigator cares about a call, in the spirit of MITRE ATT&CK's cloud tactics, plus two of
// our own: Exposure for resources made public or shared, and Routine for calls that carry little weight alone.
type Tactic string

// The tactics, in the order an intrusion usually unfolds. Values are readable, for showing as they are.
const (
	Reconnaissance      Tactic = "reconnaissance"
	InitialAccess       Tactic = "initial access"
	Execution           Tactic = "execution"
	Persistence         Tactic = "persistence"
	PrivilegeEscalation Tactic = "privilege escalation"
	DefenseEvasion      Tactic = "defence evasion"
	CredentialAccess    Tactic = "credential access"
	Discovery           Tactic = "discovery"
	LateralMovement     Tactic = "lateral movement"
	Collection          Tactic = "collection"
	Exfiltration        Tactic = "exfiltration"
	Impact              Tactic = "impact"
	Exposure            Tactic = "exposure"
	Routine             Tactic = "routine"
)

// Tactics returns every tactic, in the order an intrusion usually unfolds, Routine last: the order to group by.
func Tactics() []Tactic {
	return []Tactic{
		Reconnaissance, InitialAccess, Execution, Persistence, PrivilegeEscalation, DefenseEvasion,
		CredentialAccess, Discovery, LateralMovement, Collection, Exfiltration, Impact, Exposure, Routine,
	}
}

// Entry explains one CloudTrail event name.
type Entry struct {
	Source  string // eventSource, e.g. "cloudtrail.amazonaws.com"
	Name    string // eventName, e.g. "StopLogging"; without the API version some services append (Lambda, CloudFront)
	Summary string // what the call does, one line
	Why     string // why an investigator cares, one line
	Tactic  Tactic
}

// catalogKey identifies an entry: eventSource in full, eventName without an API version suffix.
type catalogKey struct{ source, name string }

var catalogIndex = sync.OnceValue(func() map[catalogKey]Entry {
	m := make(map[catalogKey]Entry, len(catalogRows))
	for _, r := range catalogRows {
		e := Entry{Source: filter.EventSource(r.src), Name: r.name, Summary: r.summary, Why: r.why, Tactic: r.tactic}
		m[catalogKey{e.Source, e.Name}] = e
	}
	return m
})

var catalogSorted = sync.OnceValue(func() []Entry {
	idx := catalogIndex()
	all := make([]Entry, 0, len(idx))
	for _, e := range idx {
		all = append(all, e)
	}
	slices.SortFunc(all, func(a, b Entry) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.Name, b.Name))
	})
	return all
})

// Explain returns the catalog entry for an event, matching on eventSource and eventName. The source may be given
// with or without ".amazonaws.com", in any case; the name may carry the API version that Lambda and CloudFront
// append ("UpdateFunctionCode20150331v2", "CreateFunction2020_05_31"). ok is false for an event the catalog does
// not know: callers show the service (ServiceName) and nothing invented.
func Explain(source, name string) (Entry, bool) {
	source = catalogSource(source)
	idx := catalogIndex()
	if e, ok := idx[catalogKey{source, name}]; ok {
		return e, true
	}
	if base := TrimAPIVersion(name); base != name {
		e, ok := idx[catalogKey{source, base}]
		return e, ok
	}
	return Entry{}, false
}

// All returns every entry, sorted by source then name. The slice is the caller's to keep or change.
func All() []Entry {
	return slices.Clone(catalogSorted())
}

// ServiceName returns a readable service name for an eventSource ("ec2.amazonaws.com" -> "EC2"), with or without
// ".amazonaws.com". A service it does not know is shown by its first label ("devops-guru"), any other source as
// given.
func ServiceName(source string) string {
	short, isAWS := strings.CutSuffix(catalogSource(source), filter.AWSDomain)
	if n, ok := serviceNames[short]; ok && isAWS {
		return n
	}
	if isAWS && short != "" {
		return short
	}
	return strings.TrimSpace(source)
}

// catalogSource is the key the catalog files a source under: its eventSource (filter.EventSource, the one
// normaliser of source names), without surrounding spaces and in lower case, so that "cloudtrail",
// " CloudTrail.amazonaws.com" and the like give "cloudtrail.amazonaws.com".
func catalogSource(source string) string {
	s := filter.EventSource(strings.TrimSpace(source))
	if hasASCIIUpper(s) {
		s = strings.ToLower(s)
	}
	return s
}

func hasASCIIUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

// TrimAPIVersion drops the API version that some services put at the end of eventName: an 8-digit date
// ("20150331") or a dated form ("2020_05_31"), optionally followed by "v" and digits. Other names are returned
// as they are.
func TrimAPIVersion(name string) string {
	s := name
	if i := strings.LastIndexByte(s, 'v'); i > 0 && i < len(s)-1 && allASCIIDigits(s[i+1:]) {
		s = s[:i]
	}
	switch {
	case len(s) > 8 && allASCIIDigits(s[len(s)-8:]):
		return s[:len(s)-8]
	case len(s) > 10 && allASCIIDigits(s[len(s)-10:len(s)-6]) && s[len(s)-6] == '_' &&
		allASCIIDigits(s[len(s)-5:len(s)-3]) && s[len(s)-3] == '_' && allASCIIDigits(s[len(s)-2:]):
		return s[:len(s)-10]
	}
	return name
}

func allASCIIDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
