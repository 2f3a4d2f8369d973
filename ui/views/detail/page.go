package detail

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trailscope/trailscope/model/catalog"
	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/ui/common"
	"github.com/trailscope/trailscope/ui/report"
)

// lineKind says how a detail line is drawn.
type lineKind int

const (
	lineHeading lineKind = iota
	lineField
	lineText
	lineLink
	lineJSON
	lineWrap
)

// dline is one line of the detail: a summary field, a chain link, a related count or a node of the
// record's JSON tree. pivot is the filter the line pivots to; jump an event it opens.
type dline struct {
	kind         lineKind
	label, value string
	bad          bool
	middle       bool // a value too long for the line is cut in the middle (a path: its tail tells it apart)
	pivot        string
	jump         *index.EventRef
	node         *jnode
	depth        int
	count        string // a filter whose matches the line counts (related events), filled in later
	counted      int    // its count; -1 while counting
}

// jnode is a node of the record's JSON tree.
type jnode struct {
	key      string
	path     string
	kind     byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' bool, 'z' null
	value    string
	children []*jnode
	open     bool
}

// page is the detail of one event: a summary with the credential chain and related events above
// the record as a folding JSON tree.
type page struct {
	ref    index.EventRef
	rec    cloudtrail.Record
	raw    []byte
	head   []dline
	tree   *jnode
	lines  []dline
	width  int
	cursor int
	offset int
	height int
	err    string
}

// countRelated counts the events each related line of d stands for.
func countRelated(idx *index.Index, d *page, seq int) tea.Cmd {
	var terms []string
	for _, l := range d.head {
		if l.count != "" {
			terms = append(terms, l.count)
		}
	}
	return func() tea.Msg {
		counts := map[string]int{}
		for _, t := range terms {
			if q, err := filter.ParseQuery(t); err == nil {
				counts[t] = len(idx.Query(q).Refs)
			}
		}
		return countsMsg{seq: seq, counts: counts}
	}
}

// setCounts fills in the related counts.
func (d *page) setCounts(counts map[string]int) {
	for _, ls := range [][]dline{d.head, d.lines} {
		for i := range ls {
			if n, ok := counts[ls[i].count]; ok && ls[i].count != "" {
				ls[i].counted = n
			}
		}
	}
}

// build reads an event's record and works out its summary, chain and related events: the detail
// of ref. in is the check of the loaded files' integrity, which says whether the file the event came
// from matches its digest; clock is how times are shown.
func build(idx *index.Index, in common.Integrity, clock common.Clock, ref index.EventRef, width int) *page {
	d := &page{ref: ref, rec: idx.Record(ref), width: width}
	r := &d.rec
	id := &r.Identity
	s := cloudtrail.Sanitize
	add := func(l dline) { d.head = append(d.head, l) }
	field := func(label, value, pivot string) {
		if value != "" {
			add(dline{kind: lineField, label: label, value: s(value), pivot: pivot})
		}
	}
	term := func(f filter.Field, v string) string {
		if v == "" {
			return ""
		}
		return filter.Term{Field: f, Values: []string{v}}.String()
	}

	name := r.Name
	if name == "" {
		name = r.EventType
	}
	title := s(name)
	if svc := catalog.ServiceName(r.Source); svc != "" {
		title += " · " + s(svc)
	}
	add(dline{kind: lineHeading, value: title, pivot: term(filter.FieldEvent, r.Name)})
	if e, ok := catalog.Explain(r.Source, r.Name); ok {
		field("what", e.Summary, "")
		why := e.Why
		if e.Tactic != "" {
			why += " [" + string(e.Tactic) + "]"
		}
		field("why", why, "")
	}
	field("when", when(idx, clock, r.Time), "")
	who := id.Principal
	if who == "" {
		who = "(no identity)"
	}
	field("who", who, term(filter.FieldPrincipal, id.Principal))
	var idBits []string
	if id.Type != "" {
		idBits = append(idBits, id.Type)
	}
	if id.MFA {
		idBits = append(idBits, "MFA")
	}
	if id.Console {
		idBits = append(idBits, "console session")
	}
	if id.SourceIdentity != "" {
		idBits = append(idBits, "source identity "+id.SourceIdentity)
	}
	if id.InvokedBy != "" {
		idBits = append(idBits, "invoked by "+id.InvokedBy)
	}
	field("identity", strings.Join(idBits, " · "), term(filter.FieldType, id.Type))
	field("arn", id.ARN, term(filter.FieldPrincipal, id.ARN))
	field("key", id.AccessKey, term(filter.FieldLineage, id.AccessKey)) // its pivot shows the whole lineage
	field("from", r.SourceIP, term(filter.FieldIP, r.SourceIP))
	field("agent", r.UserAgent, term(filter.FieldUA, r.UserAgent))
	where := r.Region
	if r.Account != "" {
		where += " · account " + r.Account
	}
	field("where", where, term(filter.FieldRegion, r.Region))
	if r.ErrorCode != "" {
		add(dline{kind: lineField, label: "result", value: s(failure(*r)), bad: true, pivot: term(filter.FieldError, r.ErrorCode)})
	} else {
		rw := "success"
		switch r.ReadOnly {
		case cloudtrail.True:
			rw += " · read"
		case cloudtrail.False:
			rw += " · write"
		}
		field("result", rw, "")
	}
	read := "" // the file the event was read from, when its source read files
	if fs, ok := r.Raw.Store.(cloudtrail.FileStore); ok {
		read = fs.File(r.Raw.Off)
	}
	shown := read
	if res, ok := in.Of(*r); ok {
		add(dline{kind: lineField, label: "integrity", value: s(common.Note(res)), bad: common.Untrusted(res)})
		shown = res.File // an S3 object by its key, not by its copy in the cache
	}
	if read != "" {
		add(dline{kind: lineField, label: "file", value: s(shown), middle: true, pivot: common.FileFilter(read)})
	}
	for i, res := range r.Resources {
		if i == 8 {
			field("", fmt.Sprintf("… and %d more resources", len(r.Resources)-8), "")
			break
		}
		label := ""
		if i == 0 {
			label = "resources"
		}
		field(label, res.ID+"  ("+res.Kind+")", term(filter.FieldResource, res.ID))
	}

	// The credential chain: who is really behind this session, and who made a long-term key.
	add(dline{kind: lineHeading, value: "credential chain"})
	chain := idx.Chain(ref)
	switch {
	case len(chain) > 0:
		behind := ""
		for _, l := range chain {
			m := l.Minted
			what := fmt.Sprintf("%s by %s at %s from %s", l.Event, l.Caller, l.Time.Format("2006-01-02 15:04:05"), l.SourceIP)
			if l.LongTerm {
				what = fmt.Sprintf("%s made it for %s: %s", l.Event, cmp.Or(l.For, "(no user named)"), what)
			} else {
				behind = l.Caller
			}
			add(dline{kind: lineLink, label: s(shortKey(l.Key)) + " ←", value: s(what), jump: &m})
		}
		if behind != "" && !chain[0].LongTerm {
			field("behind it", behind, term(filter.FieldPrincipal, behind))
		}
		field("lineage", id.AccessKey, term(filter.FieldLineage, id.AccessKey))
	case strings.HasPrefix(id.AccessKey, "ASIA"):
		add(dline{kind: lineText, value: "temporary key minted outside the loaded records"})
	case id.AccessKey != "":
		add(dline{kind: lineText, value: "long-term key: its CreateAccessKey is not in the loaded records"})
	default:
		add(dline{kind: lineText, value: "no access key in this record"})
	}

	// Related events, counted by the index's posting lists.
	add(dline{kind: lineHeading, value: "related"})
	related := func(label, prefix, t string) {
		add(dline{kind: lineField, label: label, value: prefix, pivot: t, count: t, counted: -1})
	}
	if r.MintedKey != "" {
		related("minted", s(r.MintedKey)+": ", term(filter.FieldKey, r.MintedKey))
	}
	if id.AccessKey != "" {
		related("same key", s(id.AccessKey)+": ", term(filter.FieldKey, id.AccessKey))
	}
	if id.Principal != "" {
		related("same who", "", term(filter.FieldPrincipal, id.Principal))
	}
	if r.RequestID != "" {
		related("same request", s(r.RequestID)+": ", term(filter.FieldRequest, r.RequestID))
	}
	if r.SharedID != "" {
		related("shared event", s(r.SharedID)+": ", term(filter.FieldRequest, r.SharedID))
	}
	if r.SourceIP != "" {
		related("same IP", "", term(filter.FieldIP, r.SourceIP))
	}

	add(dline{kind: lineHeading, value: "record"})
	raw, err := idx.Raw(ref)
	if err != nil {
		d.err = err.Error()
	} else {
		d.raw = raw
		tree, err := parseJSONTree(raw)
		if err != nil {
			d.err = "the raw record is not valid JSON: " + err.Error()
		} else {
			d.tree = tree
		}
	}
	d.flatten()
	return d
}

// failure says how a call failed: its error code and message, and where a sign-in reported its failure
// when the record has no errorCode.
func failure(r cloudtrail.Record) string {
	s := r.ErrorCode
	if r.ErrorMessage != "" {
		s += ": " + r.ErrorMessage
	}
	if r.ErrorInResponse != "" {
		s += " (reported in " + r.ErrorInResponse + ", no errorCode)"
	}
	return s
}

func shortKey(k string) string {
	if len(k) > 20 {
		return k[:20]
	}
	return k
}

// maxWrap bounds how many lines one long string value takes; y copies the whole record.
const maxWrap = 8

// flatten lays out the summary and the visible nodes of the tree as lines.
func (d *page) flatten() {
	d.lines = append(d.lines[:0], d.head...)
	if d.err != "" {
		d.lines = append(d.lines, dline{kind: lineText, value: cloudtrail.Sanitize(d.err), bad: true})
		return
	}
	if d.tree == nil {
		return
	}
	var walk func(n *jnode, depth int)
	walk = func(n *jnode, depth int) {
		for _, c := range n.children {
			l := dline{kind: lineJSON, node: c, depth: depth, pivot: pivotFor(c)}
			d.lines = append(d.lines, l)
			if c.kind == 's' {
				room := max(d.width-depth*2-len(c.key)-6, 20)
				v := cloudtrail.Sanitize(c.value)
				if w := ansi.StringWidth(v); w > room {
					rest := ansi.Cut(v, room, w)
					for i := 0; rest != "" && i < maxWrap; i++ {
						part := ansi.Truncate(rest, max(d.width-depth*2-6, 20), "")
						if i == maxWrap-1 && ansi.StringWidth(rest) > ansi.StringWidth(part) {
							part = ansi.Truncate(rest, max(d.width-depth*2-7, 19), "") + "…"
						}
						d.lines = append(d.lines, dline{kind: lineWrap, node: c, depth: depth, value: part, pivot: l.pivot})
						rest = ansi.Cut(rest, ansi.StringWidth(part), ansi.StringWidth(rest))
					}
				}
			}
			if (c.kind == 'o' || c.kind == 'a') && c.open {
				walk(c, depth+1)
			}
		}
	}
	walk(d.tree, 0)
	d.clamp()
}

func (d *page) setHeight(h int) { d.height = h; d.clamp() }

func (d *page) clamp() {
	n := len(d.lines)
	d.cursor = min(max(d.cursor, 0), max(n-1, 0))
	if d.cursor < d.offset {
		d.offset = d.cursor
	}
	if d.height > 0 && d.cursor >= d.offset+d.height {
		d.offset = d.cursor - d.height + 1
	}
	d.offset = min(max(d.offset, 0), max(n-d.height, 0))
}

func (d *page) scroll(n int) {
	d.cursor += n
	d.clamp()
}

// View draws the visible lines of the detail.
func (d *page) View(st *common.Styles, w int) []string {
	if w != d.width {
		d.width = w
		d.flatten()
	}
	var out []string
	for i := d.offset; i < min(d.offset+d.height, len(d.lines)); i++ {
		l := d.lines[i]
		line := d.renderLine(st, l)
		if i == d.cursor {
			plain := []rune(ansi.Strip(line))
			if len(plain) > 0 { // the selection shows without colour too
				plain[0] = []rune(common.MarkCursor.Mark)[0]
			}
			line = st.Selected.Render(common.Cell(string(plain), w, false))
		}
		out = append(out, line)
	}
	return out
}

func (d *page) renderLine(st *common.Styles, l dline) string {
	switch l.kind {
	case lineHeading:
		return st.Section.Render("── " + l.value + " ──")
	case lineField:
		if l.count != "" {
			if l.counted < 0 {
				l.value += "counting…"
			} else {
				l.value += report.Count(l.counted, "event")
			}
		}
		if l.middle {
			l.value = report.CutMiddle(l.value, max(d.width-18, 12)) // the label, the pivot's mark
		}
		v := st.Value.Render(l.value)
		if l.bad {
			v = st.Error.Render(l.value)
		}
		if l.pivot != "" {
			v += st.Dim.Render("  ⏎")
		}
		return " " + st.Label.Render(common.Cell(l.label, 13, false)) + v
	case lineText:
		if l.bad {
			return "   " + st.Error.Render(l.value)
		}
		return "   " + st.Dim.Render(l.value)
	case lineLink:
		return " " + st.Label.Render(common.Cell(l.label, 22, false)) + st.Link.Render(l.value)
	case lineWrap:
		return strings.Repeat("  ", l.depth+1) + "  " + st.JSONString.Render(l.value)
	}
	n := l.node
	ind := strings.Repeat("  ", l.depth) + " "
	k := st.JSONKey.Render(cloudtrail.Sanitize(n.key))
	switch n.kind {
	case 'o', 'a':
		mark, open, close := "▸ ", "{", "}"
		if n.kind == 'a' {
			open, close = "[", "]"
		}
		if n.open {
			mark = "▾ "
			return ind + mark + k + st.JSONPunct.Render(" "+open)
		}
		return ind + mark + k + st.JSONPunct.Render(fmt.Sprintf(" %s…%s %d", open, close, len(n.children)))
	case 's':
		room := max(d.width-l.depth*2-len(n.key)-6, 20)
		v := cloudtrail.Sanitize(n.value)
		v = ansi.Truncate(v, room, "")
		return ind + "  " + k + st.JSONPunct.Render(": ") + st.JSONString.Render(v)
	case 'n':
		return ind + "  " + k + st.JSONPunct.Render(": ") + st.JSONNumber.Render(n.value)
	default:
		return ind + "  " + k + st.JSONPunct.Render(": ") + st.JSONLiteral.Render(n.value)
	}
}

// fold folds the container under the cursor, or the one it is in.
func (d *page) fold() {
	l := d.lines[d.cursor]
	if l.node == nil {
		return
	}
	n := l.node
	if (n.kind == 'o' || n.kind == 'a') && n.open {
		n.open = false
	} else {
		// fold the parent: find the nearest container line above at a lower depth
		for i := d.cursor - 1; i >= 0; i-- {
			if p := d.lines[i]; p.kind == lineJSON && p.depth < l.depth {
				p.node.open = false
				d.cursor = i
				break
			}
		}
	}
	d.flatten()
}

// when writes an event's time as the console shows times (`t`): in UTC, in the chosen zone, or with
// how long before the newest event loaded it is; the record's own UTC time follows in brackets.
func when(idx *index.Index, c common.Clock, t time.Time) string {
	s := c.In(t).Format("2006-01-02 15:04:05 MST")
	if c.Mode == common.TimesRelative {
		if _, newest, ok := idx.Span(); ok {
			s += ", " + common.Ago(t, newest)
		}
	}
	return s + " (" + t.UTC().Format(time.RFC3339) + ")"
}
