package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/ui/common"
)

// integrityMsg is the check of the loaded files against their digests, done.
type integrityMsg struct{ in common.Integrity }

// verifyCmd starts the check of the loaded files' integrity (Options.Verify) off the UI loop.
func (a *App) verifyCmd() tea.Cmd {
	verify := a.opt.Verify
	if verify == nil || a.state.Integrity.Running {
		return nil
	}
	a.state.Integrity = common.Integrity{Running: true}
	return func() tea.Msg {
		r, local, err := verify()
		switch {
		case err != nil:
			return integrityMsg{common.Integrity{Err: err, Done: true}}
		case r == nil:
			return integrityMsg{common.Integrity{Done: true}}
		}
		return integrityMsg{common.NewIntegrity(*r, local)}
	}
}
