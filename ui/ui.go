// Package ui is the investigation console: a timeline over the events a filter matches, views per
// principal and per resource, an event's detail with its credential chain, and pivots from any
// value. The root model (App) owns the layout and global keys and forwards the rest to the active
// view; queries, loads and aggregations run as commands off the UI loop.
package ui

import (
	"context"
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/model/integrity"
	"github.com/trailscope/trailscope/model/scenario"
	"github.com/trailscope/trailscope/ui/settings"
)

// Options configures a console.
type Options struct {
	Index   *index.Index            // the index the console reads; with Batches set, the console adds them to it
	Batches <-chan cloudtrail.Batch // events streaming in; closed when the source is done. nil: the index is filled by someone else and the console polls it
	Source  string                  // what is loaded, for the title bar ("3 paths", "sample: scenarios")
	Banner  string                  // an optional first message: what this data is and how to load real data

	// Scenarios is the questions the :scenarios view asks (the built-in sample's); none: the view
	// says there are none.
	Scenarios []scenario.Scenario

	// Status, with Batches nil, reports how far whoever fills the index has come and the problems
	// met so far (a list that only grows; the console reads it, never changes it). It is asked on
	// every poll. nil: nobody reports, the index is simply there.
	Status func() (cloudtrail.Progress, []cloudtrail.Problem)

	// Config is the user's config file: time zone, relative times, theme, timeline columns, mouse.
	Config settings.Config
	// Settings is what the console keeps across runs (filter history, saved filters, marks); nil
	// keeps nothing (a console served to others: their filters are not the operator's to keep).
	Settings *settings.State
	// NoMouse leaves the mouse to the terminal, to select text (--no-mouse; also the config's
	// mouse = false).
	NoMouse bool
	// Shared is a console served to others over SSH: no program (the pager) runs on the server.
	Shared bool
	// StopLoad, with Batches set, stops the load: esc with nothing to go back to calls it while
	// the console loads (what has arrived stays). nil: esc does not stop a load.
	StopLoad func()

	// Verify, when set, checks the log file integrity of what was loaded (`trailscope verify`'s
	// check, offline), off the UI loop once the load is done. It returns the report, nil when the
	// files hold no digests, and the path each result's file was read from when the report names
	// it otherwise (an S3 object's copy in the cache).
	Verify func() (*integrity.Report, map[string]string, error)
}

// New returns the console's root model.
func New(opt Options) tea.Model {
	return newApp(opt)
}

// Run runs the console on the terminal until the user quits or ctx is done.
func Run(ctx context.Context, opt Options) error {
	popts := []tea.ProgramOption{tea.WithContext(ctx)}
	if opt.Config.Theme == "none" {
		popts = append(popts, tea.WithColorProfile(colorprofile.Ascii)) // bold and reverse, no colour
	}
	a := newApp(opt)
	p := tea.NewProgram(a, popts...)
	_, err := p.Run()
	a.stopExport() // an export cut short leaves no half a file behind
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil
	}
	return err
}

// batchMsg is one or more batches a source sent, already added to the index (by the command, off
// the UI loop).
type batchMsg struct {
	added    int
	problems []cloudtrail.Problem
	progress cloudtrail.Progress
	done     bool // the channel is closed
}

// batchWindow is how long the loader gathers batches before it reports: Bubble Tea renders after
// every message.
const batchWindow = 100 * time.Millisecond

// loadCmd waits for the next batch, adds it and whatever else arrives within batchWindow to the
// index, and reports once.
func loadCmd(idx *index.Index, ch <-chan cloudtrail.Batch) tea.Cmd {
	return func() tea.Msg {
		var m batchMsg
		b, ok := <-ch
		if !ok {
			m.done = true
			return m
		}
		take := func(b cloudtrail.Batch) {
			m.added += idx.Add(b.Records)
			m.problems = append(m.problems, b.Problems...)
			m.progress = b.Progress
		}
		take(b)
		deadline := time.NewTimer(batchWindow)
		defer deadline.Stop()
		for {
			select {
			case b, ok := <-ch:
				if !ok {
					m.done = true
					return m
				}
				take(b)
			case <-deadline.C:
				return m
			}
		}
	}
}

// pollMsg is the slow tick of a console whose index is filled by someone else.
type pollMsg struct{}

const pollEvery = 250 * time.Millisecond

func pollCmd() tea.Cmd {
	return tea.Tick(pollEvery, func(time.Time) tea.Msg { return pollMsg{} })
}
