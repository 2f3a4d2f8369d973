// Package findings is the findings engine: rules over the index that tell an investigator where to
// look first. Each finding names a rule, a severity, who did it (and who is behind the session, from the
// credential chain), when, and a filter that opens the events behind it. The rules read the index
// through its read-only View (index.Index.Read), never its insides. The rules themselves are in
// rules.go, the rules that look at every event in scan.go, and those that need a record's request or
// response (read by model/inspect) in inspected.go.
package findings

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/trailscope/trailscope/model/catalog"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/model/inspect"
)

// Rule describes one detection: what it is called, how bad it usually is, and why it matters.
type Rule struct {
	ID        string           // stable, for scripts and --rules: "trail-stopped"
	Severity  catalog.Severity // the usual severity; a finding may be raised or lowered by what the events show
	Title     string           // what happened, in a few words
	Rationale string           // why an investigator cares, one line
	Tactic    catalog.Tactic
}

// Finding is one thing an investigator should look at: the events of one rule and one principal (or
// one source IP), with the filter that opens them.
type Finding struct {
	Rule      string
	Severity  catalog.Severity
	Title     string // the rule's title with what the events show: ports, accounts, tools
	Rationale string
	Tactic    catalog.Tactic
	Principal string // who made the calls; empty when the finding is about a source IP
	// Origin is who is behind the session when Principal used temporary credentials minted by an event
	// in the index: the last link of the credential chain. Empty for long-term keys and for sessions
	// minted outside the loaded records.
	Origin string
	// Chain is the path from the session back to Origin: the callers of each minting event, nearest first.
	Chain       []string
	SourceIPs   []string // distinct source IPs of the events, at most a few
	Count       int      // events behind the finding
	Failed      int      // of which failed (an error code)
	First, Last time.Time
	// Filter selects the events behind the finding in the filter language: the console's Enter opens
	// it. Where the language cannot say what a rule saw in a request, the filter names the events by ID.
	Filter string
	Refs   []index.EventRef // the events behind the finding, oldest first
}

// The thresholds of the rules that count or compare. Each is a default: Options overrides it.
const (
	// DefaultFailedLogins failed console sign-ins from one IP or for one user within
	// DefaultFailedLoginWindow make a burst: people mistype a password two or three times, scripts
	// and password sprays do not stop there.
	DefaultFailedLogins      = 5
	DefaultFailedLoginWindow = time.Hour

	// DefaultDeniedBurst denied calls by one principal within DefaultDeniedWindow: a misconfigured
	// job fails the same call again and again, but so does someone probing what a stolen key may do;
	// below ten in ten minutes is background noise in most accounts.
	DefaultDeniedBurst  = 10
	DefaultDeniedWindow = 10 * time.Minute

	// DefaultSecretsBurst distinct secrets, SecureString parameters, instances' user data or password
	// data read by one principal within DefaultSecretsWindow: an application reads the few it needs
	// now and then; a harvesting tool reads everything it can list, in seconds or minutes.
	DefaultSecretsBurst  = 10
	DefaultSecretsWindow = 10 * time.Minute

	// DefaultInstanceBurst instances launched or terminated by one principal within
	// DefaultInstanceWindow: past a few dozen an hour it is a runaway script, a cryptominer or
	// destruction, and either way a cost.
	DefaultInstanceBurst  = 20
	DefaultInstanceWindow = time.Hour

	// DefaultObjectBurst distinct S3 objects deleted by one principal within DefaultObjectWindow:
	// lifecycle rules expire objects without API calls, and people delete a handful; emptying a
	// bucket by hand in minutes is ransomware's or a vandal's way (it needs S3 data events).
	DefaultObjectBurst  = 100
	DefaultObjectWindow = 10 * time.Minute

	// A write-rate spike is an hour with at least DefaultSpikeMin write calls and DefaultSpikeFactor
	// times the principal's mean hourly writes over the DefaultSpikeBaseline before it (the idea of
	// CloudTrail Insights). A principal seen for less than DefaultSpikeHistory has no baseline yet.
	DefaultSpikeMin      = 50
	DefaultSpikeFactor   = 10.0
	DefaultSpikeBaseline = 7 * 24 * time.Hour
	DefaultSpikeHistory  = 24 * time.Hour

	// Novelty compares what a principal does after the first DefaultNoveltyBaseline of the loaded
	// span with what it did during it; principals with fewer than DefaultNoveltyMinEvents events in
	// the baseline are too new to judge. Less than a day of history says little about habits.
	DefaultNoveltyBaseline  = 24 * time.Hour
	DefaultNoveltyMinEvents = 20
	// DefaultNoveltyMaxHabits: a principal seen on more networks (/16), regions or clients than this
	// during the baseline has no habit to break (CI runners, people who travel): novelty is not
	// looked for in that respect.
	DefaultNoveltyMaxHabits = 3

	// DefaultShortRetentionDays: a log group's retention set at or below this many days is treated as
	// cut; two weeks is shorter than most incidents take to be noticed.
	DefaultShortRetentionDays = 14
)

// Options tunes the rules. The zero value means the defaults.
type Options struct {
	FailedLogins       int
	FailedLoginWindow  time.Duration
	DeniedBurst        int
	DeniedWindow       time.Duration
	SecretsBurst       int
	SecretsWindow      time.Duration
	InstanceBurst      int
	InstanceWindow     time.Duration
	ObjectBurst        int
	ObjectWindow       time.Duration
	SpikeMin           int
	SpikeFactor        float64
	SpikeBaseline      time.Duration
	SpikeHistory       time.Duration
	NoveltyBaseline    time.Duration
	NoveltyMinEvents   int
	NoveltyMaxHabits   int
	ShortRetentionDays int

	MinSeverity catalog.Severity // findings below it are dropped
	Rules       []string         // only these rule IDs; all when empty
	// AWSRanges are the address ranges of AWS (from ip-ranges.json), when known: instance credentials
	// used from an address outside them are reported as used outside AWS.
	AWSRanges []netip.Prefix
}

func (o Options) withDefaults() Options {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.FailedLogins, DefaultFailedLogins)
	defDur(&o.FailedLoginWindow, DefaultFailedLoginWindow)
	def(&o.DeniedBurst, DefaultDeniedBurst)
	defDur(&o.DeniedWindow, DefaultDeniedWindow)
	def(&o.SecretsBurst, DefaultSecretsBurst)
	defDur(&o.SecretsWindow, DefaultSecretsWindow)
	def(&o.InstanceBurst, DefaultInstanceBurst)
	defDur(&o.InstanceWindow, DefaultInstanceWindow)
	def(&o.ObjectBurst, DefaultObjectBurst)
	defDur(&o.ObjectWindow, DefaultObjectWindow)
	def(&o.SpikeMin, DefaultSpikeMin)
	if o.SpikeFactor <= 0 {
		o.SpikeFactor = DefaultSpikeFactor
	}
	defDur(&o.SpikeBaseline, DefaultSpikeBaseline)
	defDur(&o.SpikeHistory, DefaultSpikeHistory)
	defDur(&o.NoveltyBaseline, DefaultNoveltyBaseline)
	def(&o.NoveltyMinEvents, DefaultNoveltyMinEvents)
	def(&o.NoveltyMaxHabits, DefaultNoveltyMaxHabits)
	def(&o.ShortRetentionDays, DefaultShortRetentionDays)
	return o
}

// Rules returns every rule the engine runs, in the order findings are grouped for reading.
func Rules() []Rule { return slices.Clone(ruleList) }

// CheckRuleIDs returns an error naming the first ID that is not a rule.
func CheckRuleIDs(ids []string) error {
	for _, id := range ids {
		if _, ok := ruleByID[id]; !ok {
			return fmt.Errorf("unknown rule %q (trailscope findings --list-rules names them)", id)
		}
	}
	return nil
}

// Find runs every rule over the index and returns the findings, most severe first. It may run while
// batches land: it sees the events present when each rule runs. Use a Finder to run it again and again
// over a growing index without reading the same records twice.
func Find(x *index.Index, opts Options) []Finding {
	return NewFinder(x).Find(opts)
}

// Finder runs the rules over one index, again as the index grows. It remembers what it read from
// raw records (a security group rule, a policy), which never changes for an event, so that a refresh
// reads only the records of events that arrived since. Safe for use by one goroutine at a time.
type Finder struct {
	x     *index.Index
	mu    sync.Mutex
	facts map[index.EventRef]inspect.Fact
	reads int
}

// RawReads returns how many raw records the Finder has read so far: the events whose request or
// response a rule had to look at.
func (f *Finder) RawReads() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reads
}

// NewFinder returns a Finder over x.
func NewFinder(x *index.Index) *Finder {
	return &Finder{x: x, facts: map[index.EventRef]inspect.Fact{}}
}

// Find runs the rules and returns the findings, most severe first, then oldest first.
func (f *Finder) Find(opts Options) []Finding {
	f.mu.Lock()
	defer f.mu.Unlock()
	opts = opts.withDefaults()
	r := &run{x: f.x, opts: opts, facts: f.facts}
	if len(opts.Rules) > 0 {
		r.only = map[string]bool{}
		for _, id := range opts.Rules {
			r.only[id] = true
		}
	}
	r.indexRules()
	f.reads += len(r.toRead)
	r.inspectRules()
	return r.finish()
}

// run is one evaluation of the rules.
type run struct {
	x      *index.Index
	v      index.View // the index, while a step of the rules reads it (index.Index.Read)
	opts   Options
	only   map[string]bool
	facts  map[index.EventRef]inspect.Fact
	drafts []*draft
	byKey  map[draftKey]*draft
	names  map[string][]index.Sym // event names present, by name without API version
	idents []identInfo            // by identity, filled as the rules ask
	cands  [inspect.NumKinds][]index.EventRef
	toRead []candidate
}

// draft is a finding being built: the events of one rule, one principal and one subject.
type draft struct {
	rule      *Rule
	sev       catalog.Severity
	principal index.Sym // 0 when the finding is about something else (an IP)
	subject   string    // what else groups the events: an IP, a tool; "" for most rules
	details   []string
	refs      []index.EventRef
	terms     []filter.Term // the filter; nil means: by event IDs
	exact     bool          // terms select exactly refs (else the events are also named by ID when few)
	keepFails bool          // failures are the point: do not lower the severity when every event failed
}

type draftKey struct {
	rule      string
	principal index.Sym
	subject   string
}

// enabled reports whether a rule should run.
func (r *run) enabled(id string) bool { return r.only == nil || r.only[id] }

// draftFor returns the draft of a rule, principal and subject, creating it.
func (r *run) draftFor(rule *Rule, principal index.Sym, subject string) *draft {
	if r.byKey == nil {
		r.byKey = map[draftKey]*draft{}
	}
	k := draftKey{rule.ID, principal, subject}
	d := r.byKey[k]
	if d == nil {
		d = &draft{rule: rule, sev: rule.Severity, principal: principal, subject: subject}
		r.byKey[k] = d
		r.drafts = append(r.drafts, d)
	}
	return d
}

// note adds a detail to a draft once.
func (d *draft) note(s string) {
	if s != "" && !slices.Contains(d.details, s) {
		d.details = append(d.details, s)
	}
}

// raise lifts a draft's severity to at least s.
func (d *draft) raise(s catalog.Severity) { d.sev = max(d.sev, s) }

// maxDetails caps the details a title lists; the rest are counted.
const maxDetails = 4

// maxIDFilter is how many events a filter names by ID, when the filter language cannot select
// exactly what a rule saw: more than that, and the filter selects a superset (the refs stay exact).
const maxIDFilter = 40

// maxIPs caps the source IPs a finding lists.
const maxIPs = 5

// finish turns drafts into findings: counts, times, principals, chains and filters.
func (r *run) finish() []Finding {
	var out []Finding
	r.read(func(v index.View) { out = r.findings(v) })
	slices.SortFunc(out, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(b.Severity, a.Severity), a.First.Compare(b.First),
			cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Principal, b.Principal), cmp.Compare(a.Title, b.Title))
	})
	return out
}

// read runs fn with a View of the index, which the rules' helpers find in r.v meanwhile.
func (r *run) read(fn func(v index.View)) {
	r.x.Read(func(v index.View) {
		r.v = v
		defer func() { r.v = index.View{} }()
		fn(v)
	})
}

// findings turns the drafts into findings, in no particular order.
func (r *run) findings(v index.View) []Finding {
	s := v.Str
	out := make([]Finding, 0, len(r.drafts))
	for _, d := range r.drafts {
		if len(d.refs) == 0 {
			continue
		}
		refs := v.TimeOrder(d.refs)
		f := Finding{
			Rule: d.rule.ID, Severity: d.sev, Rationale: d.rule.Rationale, Tactic: d.rule.Tactic,
			Count: len(refs), Refs: refs,
			First: time.Unix(0, v.Event(refs[0]).Nanos()).UTC(),
			Last:  time.Unix(0, v.Event(refs[len(refs)-1]).Nanos()).UTC(),
		}
		if d.principal != 0 {
			f.Principal = s(d.principal)
		}
		keys := map[index.Sym]bool{}
		var ips []index.Sym
		for _, ref := range refs {
			e := v.Event(ref)
			if e.ErrorCode() != 0 || isFailedLogin(v, e) || r.facts[ref].Failed {
				f.Failed++
			}
			if k := e.Who().Key(); k != 0 {
				keys[k] = true
			}
			if e.IP() != 0 && !slices.Contains(ips, e.IP()) && len(ips) < maxIPs {
				ips = append(ips, e.IP())
			}
		}
		for _, ip := range ips {
			f.SourceIPs = append(f.SourceIPs, s(ip))
		}
		if f.Failed == f.Count && !d.keepFails {
			f.Severity = max(catalog.SeverityLow, f.Severity-1)
		}
		f.Title = d.title(f.Failed == f.Count)
		f.Origin, f.Chain = origin(v, keys)
		f.Filter = r.filter(d, f)
		if f.Severity >= r.opts.MinSeverity {
			out = append(out, f)
		}
	}
	return out
}

// title is the rule's title with the draft's details and whether it failed.
func (d *draft) title(allFailed bool) string {
	t := d.rule.Title
	if len(d.details) > 0 {
		shown := d.details
		more := ""
		if len(shown) > maxDetails {
			more = fmt.Sprintf(" +%d more", len(shown)-maxDetails)
			shown = shown[:maxDetails]
		}
		t += ": " + strings.Join(shown, ", ") + more
	}
	if allFailed && !d.keepFails {
		t += " (attempted; every call failed)"
	}
	return t
}

// filter writes the filter that opens a finding's events.
func (r *run) filter(d *draft, f Finding) string {
	terms := slices.Clone(d.terms)
	// Name the events and services the finding holds, whichever calls its rule looked at.
	var names, sources []string
	for _, ref := range f.Refs {
		e := r.v.Event(ref)
		if n := r.v.Str(e.Name()); !slices.Contains(names, n) {
			names = append(names, n)
		}
		if src := filter.ServiceOf(r.v.Str(e.Source())); !slices.Contains(sources, src) {
			sources = append(sources, src)
		}
	}
	slices.Sort(names)
	slices.Sort(sources)
	for i, t := range terms {
		switch {
		case t.Negate:
		case t.Field == filter.FieldEvent:
			terms[i].Values = names
		case t.Field == filter.FieldSource:
			terms[i].Values = sources
		}
	}
	if d.principal != 0 && !hasField(terms, filter.FieldPrincipal) {
		terms = append(terms, filter.Term{Field: filter.FieldPrincipal, Values: []string{f.Principal}})
	}
	if !d.exact && len(f.Refs) <= maxIDFilter || len(terms) == 0 {
		ids := make([]string, 0, len(f.Refs))
		for _, ref := range f.Refs {
			if id := r.v.Event(ref).ID(); id != "" && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		if len(ids) == len(f.Refs) && len(ids) <= maxIDFilter {
			// The IDs say it all; keep the event names for whoever reads the filter.
			kept := []filter.Term{}
			for _, t := range terms {
				if t.Field == filter.FieldEvent && !t.Negate {
					kept = append(kept, t)
				}
			}
			terms = append(kept, filter.Term{Field: filter.FieldID, Values: ids})
			return filter.Query{Terms: terms}.String()
		}
	}
	terms = append(terms,
		filter.Term{Field: filter.FieldSince, Values: []string{f.First.Format(time.RFC3339Nano)}},
		filter.Term{Field: filter.FieldUntil, Values: []string{f.Last.Format(time.RFC3339Nano)}})
	return filter.Query{Terms: terms}.String()
}

func hasField(terms []filter.Term, f filter.Field) bool {
	for _, t := range terms {
		if t.Field == f {
			return true
		}
	}
	return false
}

// origin follows the credential chains of a finding's temporary keys: the callers of the minting
// events, nearest first, and the last one (who is really behind the sessions). When the keys lead to
// different people, Origin lists them all.
func origin(v index.View, keys map[index.Sym]bool) (origin string, chain []string) {
	var origins []string
	sorted := make([]index.Sym, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	slices.Sort(sorted)
	for _, key := range sorted {
		var path []string
		for _, link := range v.Chain(key) {
			if link.LongTerm {
				break // who made a user's key is not who uses it
			}
			path = append(path, link.Caller)
		}
		if len(path) == 0 {
			continue
		}
		if chain == nil {
			chain = path
		}
		if o := path[len(path)-1]; !slices.Contains(origins, o) {
			origins = append(origins, o)
		}
	}
	return strings.Join(origins, ", "), chain
}
