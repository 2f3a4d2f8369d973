// Package detail is the detail of one event, over whichever view opened it: a summary with the
// credential chain and related events (counted after it shows) above the record as a folding JSON
// tree. Every value pivots: Enter or p shows the events that share it.
package detail

import (
	"os"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/ui/common"
)

// Name is the view's name, for the breadcrumbs.
const Name = "detail"

// Model is the detail view: closed until Open's page lands.
type Model struct {
	common.Common
	page *page // nil: closed
	seq  int   // the latest page asked for: older ones are dropped
}

// builtMsg carries a page built off the UI loop.
type builtMsg struct {
	seq    int
	page   *page
	cursor int
}

// countsMsg carries the related-event counts of a page.
type countsMsg struct {
	seq    int
	counts map[string]int
}

// New returns the detail view, closed.
func New(c common.Common) *Model { return &Model{Common: c} }

// IsOpen reports whether an event's detail is on screen.
func (m *Model) IsOpen() bool { return m.page != nil }

// Ref returns the event on screen; false when closed.
func (m *Model) Ref() (index.EventRef, bool) {
	if m.page == nil {
		var none index.EventRef
		return none, false
	}
	return m.page.ref, true
}

// Open builds the detail of ref off the UI loop, its cursor on line cursor; the related counts
// follow in a second command, so that the detail shows at once.
func (m *Model) Open(ref index.EventRef, cursor int) tea.Cmd {
	m.seq++
	seq, idx, w, in, clock := m.seq, m.State.Index, m.Width, m.State.Integrity, m.State.Clock
	return func() tea.Msg {
		return builtMsg{seq: seq, page: build(idx, in, clock, ref, w), cursor: cursor}
	}
}

// Redraw builds the open detail again where its cursor is (the clock changed: its times read
// otherwise); nil when closed.
func (m *Model) Redraw() tea.Cmd {
	if m.page == nil {
		return nil
	}
	return m.Open(m.page.ref, m.page.cursor)
}

// Close closes the detail and drops a page still being built.
func (m *Model) Close() {
	m.page = nil
	m.seq++
}

// SeekLabel puts the cursor on the summary line labelled label ("who", "from"...); it reports
// whether there is one.
func (m *Model) SeekLabel(label string) bool {
	if m.page == nil {
		return false
	}
	for i, l := range m.page.lines {
		if l.label == label {
			m.page.cursor = i
			m.page.clamp()
			return true
		}
	}
	return false
}

// SetSize sets the view's size.
func (m *Model) SetSize(w, h int) {
	m.Common.SetSize(w, h)
	if m.page != nil {
		m.page.setHeight(h)
	}
}

// ShortHelp is the keys the bottom line shows.
func (m *Model) ShortHelp() []key.Binding {
	g, d := m.Keys.Global, m.Keys.Detail
	return []key.Binding{d.Toggle, d.Pivot, d.Copy, d.CopyRecord, d.Pager, d.Minted, d.Prev, d.Next, g.Back, g.Help}
}

// FullHelp is the keys of the view.
func (m *Model) FullHelp() [][]key.Binding {
	d := m.Keys.Detail
	return [][]key.Binding{{d.Up, d.Down, d.PageUp, d.PageDown, d.Top, d.Bottom},
		{d.Toggle, d.Pivot, d.Minted, d.Prev, d.Next, d.Copy, d.CopyRecord, d.Pager, d.FoldAll, d.UnfoldAll}}
}

// View draws the visible lines of the detail.
func (m *Model) View() string {
	if m.page == nil {
		return ""
	}
	return strings.Join(m.page.View(m.Styles, m.Width), "\n")
}

// Update takes pages and counts built off the UI loop, the wheel and the keys of the view.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case builtMsg:
		if msg.seq != m.seq {
			return nil
		}
		m.page = msg.page
		m.page.setHeight(m.Height)
		if msg.cursor > 0 {
			m.page.cursor = msg.cursor
			m.page.clamp()
		}
		return countRelated(m.State.Index, m.page, msg.seq)
	case pagerDone:
		os.Remove(msg.file)
		if msg.err != nil {
			return common.Status("the pager failed: " + cloudtrail.Sanitize(msg.err.Error()) + " (set $PAGER)")
		}
	case countsMsg:
		if msg.seq == m.seq && m.page != nil {
			m.page.setCounts(msg.counts)
		}
	case tea.MouseWheelMsg:
		if m.page != nil {
			m.page.scroll(common.WheelDelta(msg))
		}
	case common.ClickMsg:
		if d := m.page; d != nil && msg.Y >= 0 && msg.Y < d.height && d.offset+msg.Y < len(d.lines) {
			d.cursor = d.offset + msg.Y
			if msg.Double {
				return m.onKey(tea.KeyPressMsg{Code: tea.KeyEnter})
			}
		}
	case tea.KeyPressMsg:
		if m.page != nil {
			return m.onKey(msg)
		}
	}
	return nil
}

// pivot shows the timeline of a value's filter.
func pivot(term string) tea.Cmd {
	return common.Goto(common.GotoMsg{Label: "pivot", Filter: term, Remember: true,
		Status: "pivot: " + cloudtrail.Sanitize(term) + " · esc goes back"})
}

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	d := m.page
	k := m.Keys.Detail
	h := d.height
	switch {
	case key.Matches(msg, k.Up):
		d.scroll(-1)
	case key.Matches(msg, k.Down):
		d.scroll(1)
	case key.Matches(msg, k.PageUp):
		d.offset -= h - 1
		d.scroll(-(h - 1))
	case key.Matches(msg, k.PageDown):
		d.offset += h - 1
		d.scroll(h - 1)
	case key.Matches(msg, k.Top):
		d.cursor = 0
		d.clamp()
	case key.Matches(msg, k.Bottom):
		d.cursor = len(d.lines) - 1
		d.clamp()
	case key.Matches(msg, k.Toggle):
		if len(d.lines) == 0 {
			return nil
		}
		l := d.lines[d.cursor]
		switch {
		case l.jump != nil:
			return common.Open(*l.jump, "open")
		case l.node != nil && (l.node.kind == 'o' || l.node.kind == 'a'):
			l.node.open = !l.node.open
			d.flatten()
		case l.pivot != "":
			return pivot(l.pivot)
		}
	case key.Matches(msg, k.Pivot):
		if len(d.lines) > 0 && d.lines[d.cursor].pivot != "" {
			return pivot(d.lines[d.cursor].pivot)
		}
		return common.Status("nothing to pivot on here: move to a value")
	case key.Matches(msg, k.Minted):
		for _, l := range d.lines {
			if l.jump != nil {
				return common.Open(*l.jump, "open")
			}
		}
		return common.Status("no minting event for this key among the loaded records")
	case key.Matches(msg, k.Prev):
		return common.Cmd(common.StepMsg{Delta: -1})
	case key.Matches(msg, k.Next):
		return common.Cmd(common.StepMsg{Delta: 1})
	case key.Matches(msg, k.Copy):
		v, ok := d.value()
		if !ok {
			return common.Status("no value on this line: Y copies the whole record")
		}
		return copyText(v, "the value")
	case key.Matches(msg, k.CopyRecord):
		if d.raw == nil {
			return nil
		}
		return copyText(d.record(), "the record")
	case key.Matches(msg, k.Pager):
		switch {
		case d.raw == nil:
			return nil
		case m.State.Shared:
			return common.Status("no pager in a shared session: Y copies the record")
		}
		return d.openPager()
	case key.Matches(msg, k.FoldAll):
		d.fold()
	case key.Matches(msg, k.UnfoldAll):
		if l := d.lines[d.cursor]; l.node != nil && (l.node.kind == 'o' || l.node.kind == 'a') {
			openAll(l.node, 8)
			d.flatten()
		}
	}
	return nil
}
