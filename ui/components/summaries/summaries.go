// Package summaries aggregates the result on screen per principal and per resource, off the UI
// loop. The principals and resources views share one Summaries: one pass counts both, so that
// switching between them shows counts at once.
package summaries

import (
	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/ui/common"
)

// Msg carries the aggregations of a result.
type Msg struct {
	seq        int
	text       string // the filter summarised
	Principals []index.PrincipalSummary
	Resources  []index.ResourceSummary
}

// Summaries is the aggregations of the result on screen and the one computation that may run.
type Summaries struct {
	state *common.State
	cur   *Msg // nil: none yet for this filter
	seen  *Msg // the last message taken: both views pass each one on
	busy  bool
	again bool // the result changed while an aggregation ran
}

// New returns the summaries of the state's result.
func New(state *common.State) *Summaries { return &Summaries{state: state} }

// Current returns the aggregations on screen, nil while none has landed for this filter.
func (s *Summaries) Current() *Msg { return s.cur }

// Summarize aggregates the result on screen, off the UI loop; one aggregation at a time, or a
// growing index would pile them up.
func (s *Summaries) Summarize() tea.Cmd {
	if s.busy {
		s.again = true
		return nil
	}
	s.busy, s.again = true, false
	idx, refs, seq, text := s.state.Index, s.state.Result.Refs, s.state.Seq, s.state.Applied
	return func() tea.Msg {
		return &Msg{seq: seq, text: text, Principals: idx.SummarizePrincipals(refs), Resources: idx.SummarizeResources(refs)}
	}
}

// Shown starts an aggregation for a view coming on screen, unless the one on screen is current or
// one runs (its result is counted again when it lands, if the result moved on).
func (s *Summaries) Shown() tea.Cmd {
	if !s.busy && (s.cur == nil || s.cur.seq != s.state.Seq) {
		return s.Summarize()
	}
	return nil
}

// OnResult forgets the counts of another filter (a growing index keeps the last counts on screen
// until the new ones land) and, for a view on screen, counts the new result.
func (s *Summaries) OnResult(msg common.ResultMsg, onScreen bool) tea.Cmd {
	if !msg.SameFilter {
		s.cur = nil
	}
	if onScreen {
		return s.Summarize()
	}
	return nil
}

// Take keeps an aggregation that landed; it reports whether the counts on screen changed, and for a
// view on screen counts again when the result moved on meanwhile.
func (s *Summaries) Take(msg *Msg, onScreen bool) (changed bool, cmd tea.Cmd) {
	if msg != s.seen {
		s.seen = msg
		s.busy = false
		if msg.seq == s.state.Seq || msg.text == s.state.Applied { // an older count of the same filter beats none while loading
			s.cur = msg
		}
	}
	if onScreen && !s.busy && (msg.seq != s.state.Seq || s.again) {
		cmd = s.Summarize()
	}
	return s.cur == msg, cmd
}
