package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/ui/common"
)

// maxSteps bounds the steps Esc goes back through.
const maxSteps = 50

// setActive puts v on screen.
func (a *App) setActive(v common.View) {
	a.active = v
	a.state.Active = v.Name()
}

// show puts the view named name on screen over the same filter, closing the detail.
func (a *App) show(name string) tea.Cmd {
	a.detail.Close()
	v := a.view(name)
	if v == nil {
		return nil
	}
	if v != a.active {
		a.setActive(v)
	}
	return v.Shown()
}

// push remembers where we are, for Esc.
func (a *App) push(label string) {
	s := snapshot{view: a.active.Name(), filter: a.state.Applied, cursor: a.active.Cursor(), label: label}
	if ref, ok := a.detail.Ref(); ok {
		s.detail, s.detailRef = true, ref
	}
	a.stack = append(a.stack, s)
	if len(a.stack) > maxSteps {
		a.stack = a.stack[1:]
	}
	a.state.LastStep = label
}

// pop takes the last step off the stack.
func (a *App) pop() snapshot {
	s := a.stack[len(a.stack)-1]
	a.stack = a.stack[:len(a.stack)-1]
	a.state.LastStep = ""
	if n := len(a.stack); n > 0 {
		a.state.LastStep = a.stack[n-1].label
	}
	return s
}

// back closes the detail, or returns to the last step, or to the timeline.
func (a *App) back() tea.Cmd {
	if a.detail.IsOpen() {
		a.detail.Close()
		return nil
	}
	if len(a.stack) == 0 {
		if a.active != a.timeline {
			return a.show(a.timeline.Name())
		}
		if a.state.Loading && a.opt.StopLoad != nil {
			a.opt.StopLoad()
			a.say("stopping the load: what has arrived stays")
			return nil
		}
		a.say("nothing to go back to: q quits")
		return nil
	}
	return a.restoreStep(a.pop())
}

// backTo returns to the last step with its detail closed, the timeline's cursor on keep.
func (a *App) backTo(keep *index.EventRef) tea.Cmd {
	if len(a.stack) == 0 {
		return nil
	}
	if keep != nil {
		a.keep = keep
	}
	s := a.pop()
	s.detail = false
	return a.restoreStep(s)
}

// restoreStep puts a step back: its view, its filter (the cursor follows when the result lands),
// its detail.
func (a *App) restoreStep(s snapshot) tea.Cmd {
	v := a.view(s.view)
	a.setActive(v)
	a.detail.Close()
	var cmds []tea.Cmd
	if s.filter != a.state.Applied {
		a.bar.SetValue(s.filter)
		a.restore = &s
		if v == a.timeline && s.detail {
			ref := s.detailRef
			a.keep = &ref
		}
		cmds = append(cmds, a.runQuery(s.filter))
	} else {
		v.SetCursor(s.cursor)
		cmds = append(cmds, v.Shown())
	}
	if s.detail {
		cmds = append(cmds, a.detail.Open(s.detailRef, 0))
	}
	return tea.Batch(cmds...)
}

// goTo shows the timeline of a filter a view asked for, remembering where we were.
func (a *App) goTo(m common.GotoMsg) tea.Cmd {
	a.push(m.Label)
	a.detail.Close()
	a.setActive(a.timeline)
	a.bar.SetValue(m.Filter)
	var remember tea.Cmd
	if m.Remember {
		remember = a.remember(m.Filter)
	}
	if m.Status != "" {
		a.say(m.Status)
	}
	if m.Keep != nil {
		a.keep = m.Keep
	}
	cmd := tea.Batch(remember, a.runQuery(m.Filter))
	if m.Detail != nil {
		return tea.Batch(cmd, a.detail.Open(*m.Detail, 0))
	}
	return cmd
}
