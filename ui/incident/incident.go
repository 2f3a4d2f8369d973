// Package incident writes what a responder hands on: the timeline of an incident as one Markdown or
// HTML document (the filter, what the data covers, the findings behind the events, the events with
// who is behind each and what each call does, the principals and keys involved). `trailscope
// report` and the console's :report share it.
package incident

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/trailscope/trailscope/model/catalog"
	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/findings"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/ui/report"
)

// Format is a document format.
type Format string

// The formats.
const (
	Markdown Format = "markdown"
	HTML     Format = "html"
)

// ParseFormat checks a --format value: markdown (md) or html.
func ParseFormat(s string) (Format, error) {
	switch s {
	case "markdown", "md", "":
		return Markdown, nil
	case "html":
		return HTML, nil
	}
	return "", fmt.Errorf("unknown format %q: use markdown or html", s)
}

// DefaultMaxEvents caps the events of a document: a timeline for a ticket, not an export.
const DefaultMaxEvents = 500

// Input is what a document is made of.
type Input struct {
	Title     string
	Source    string // what was loaded: "3 paths", "sample: scenarios"
	Filter    string // the filter that selected the events
	Index     *index.Index
	Refs      []index.EventRef // the events, oldest first: the marked ones, or every match
	Marked    bool             // Refs are the events the investigator marked
	Findings  []findings.Finding
	MaxEvents int // 0: DefaultMaxEvents
	Now       time.Time
}

// Document is an incident timeline, ready to be written in any format. Every string from a log is
// sanitised; the writers escape for their format.
type Document struct {
	Title, Source, Filter string
	Generated             time.Time
	Coverage              Coverage
	Findings              []Finding
	Events                []Event
	Total                 int  // events selected; more than len(Events) when capped
	Marked                bool // the events are the investigator's marks
	Principals            []Principal
	Keys                  []Key
}

// Coverage is what the loaded data can show: its span and where it comes from.
type Coverage struct {
	Loaded         int
	Oldest, Newest time.Time
	Accounts       []string
	Regions        []string
}

// Finding is a finding whose events overlap the document's.
type Finding struct {
	Severity, Rule, Title, Rationale string
	Principal, Behind                string
	Count                            int
	First, Last                      time.Time
	Filter                           string
}

// Event is one row of the timeline.
type Event struct {
	Time                                time.Time
	Principal, Behind                   string // Behind: who minted the session's key, as far as the data tells
	Call, Service, Resource, SourceIP   string
	Error, Explanation, Tactic, EventID string
}

// Principal is a principal of the timeline and how many of its events it made.
type Principal struct {
	Name, Behind string
	Events       int
	Keys         []string
}

// Key is an access key used in the timeline, and where it came from.
type Key struct {
	ID, UsedBy string
	Events     int
	MintedBy   string // "AssumeRole by user/alice at 10:02 from 203.0.113.7", or "" when not in the data
}

// Build gathers a document from the index.
func Build(in Input) Document {
	max := cmp.Or(in.MaxEvents, DefaultMaxEvents)
	d := Document{
		Title:     cmp.Or(in.Title, "Incident timeline"),
		Source:    cloudtrail.Sanitize(in.Source),
		Filter:    cloudtrail.Sanitize(in.Filter),
		Generated: in.Now.UTC(),
		Total:     len(in.Refs),
		Marked:    in.Marked,
		Coverage:  coverage(in.Index),
	}
	principals := map[string]*Principal{}
	keys := map[string]*Key{}
	selected := make(map[index.EventRef]bool, len(in.Refs))
	for i, ref := range in.Refs {
		selected[ref] = true
		r := in.Index.Record(ref)
		behind := ""
		chain := in.Index.Chain(ref)
		if len(chain) > 0 {
			behind = cloudtrail.Sanitize(chain[len(chain)-1].Caller)
		}
		principal := cloudtrail.Sanitize(r.Identity.Principal)
		if i < max {
			e := Event{
				Time: r.Time, Principal: principal, Behind: behind,
				Call: cloudtrail.Sanitize(r.Name), Service: cloudtrail.Sanitize(filter.ServiceOf(r.Source)),
				Resource: cloudtrail.Sanitize(report.ResourceCell(r.Resources)), SourceIP: cloudtrail.Sanitize(r.SourceIP),
				Error: cloudtrail.Sanitize(r.ErrorCode), EventID: cloudtrail.Sanitize(r.EventID),
			}
			if x, ok := catalog.Explain(r.Source, r.Name); ok {
				e.Explanation, e.Tactic = x.Summary+" "+x.Why, string(x.Tactic)
			}
			d.Events = append(d.Events, e)
		}
		p := principals[principal]
		if p == nil {
			p = &Principal{Name: principal, Behind: behind}
			principals[principal] = p
		}
		p.Events++
		if k := cloudtrail.Sanitize(r.Identity.AccessKey); k != "" {
			if !slices.Contains(p.Keys, k) {
				p.Keys = append(p.Keys, k)
			}
			key := keys[k]
			if key == nil {
				key = &Key{ID: k, UsedBy: principal}
				if len(chain) > 0 {
					l := chain[0]
					key.MintedBy = cloudtrail.Sanitize(fmt.Sprintf("%s by %s at %s from %s",
						l.Event, l.Caller, l.Time.Format("2006-01-02 15:04:05Z"), l.SourceIP))
				}
				keys[k] = key
			}
			key.Events++
		}
	}
	for _, p := range principals {
		d.Principals = append(d.Principals, *p)
	}
	slices.SortFunc(d.Principals, func(a, b Principal) int { return cmp.Or(cmp.Compare(b.Events, a.Events), cmp.Compare(a.Name, b.Name)) })
	for _, k := range keys {
		d.Keys = append(d.Keys, *k)
	}
	slices.SortFunc(d.Keys, func(a, b Key) int { return cmp.Or(cmp.Compare(b.Events, a.Events), cmp.Compare(a.ID, b.ID)) })
	for _, f := range in.Findings {
		if !slices.ContainsFunc(f.Refs, func(r index.EventRef) bool { return selected[r] }) {
			continue
		}
		d.Findings = append(d.Findings, Finding{
			Severity: f.Severity.String(), Rule: f.Rule, Title: cloudtrail.Sanitize(f.Title), Rationale: f.Rationale,
			Principal: cloudtrail.Sanitize(report.PrincipalCell(f)), Behind: cloudtrail.Sanitize(report.BehindCell(f)),
			Count: f.Count, First: f.First, Last: f.Last, Filter: cloudtrail.Sanitize(f.Filter),
		})
	}
	return d
}

func coverage(x *index.Index) Coverage {
	c := Coverage{Loaded: x.Len()}
	c.Oldest, c.Newest, _ = x.Span()
	for _, v := range x.Values(filter.FieldAccount) {
		c.Accounts = append(c.Accounts, cloudtrail.Sanitize(v.Value))
	}
	for _, v := range x.Values(filter.FieldRegion) {
		c.Regions = append(c.Regions, cloudtrail.Sanitize(v.Value))
	}
	slices.Sort(c.Accounts)
	slices.Sort(c.Regions)
	return c
}

// Write writes a document in format f.
func Write(w io.Writer, f Format, d Document) error {
	if f == HTML {
		return writeHTML(w, d)
	}
	return writeMarkdown(w, d)
}
