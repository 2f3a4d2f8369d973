package common

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/model/index"
)

// StatusMsg is the one way to tell the user something: the status line shows it until the next key.
type StatusMsg struct {
	Text string
	Err  bool // an error: drawn in red with its mark
}

// Status returns a command that shows text on the status line.
func Status(text string) tea.Cmd {
	return func() tea.Msg { return StatusMsg{Text: text} }
}

// GotoMsg asks the root for the timeline of Filter, remembering the place it leaves for Esc.
type GotoMsg struct {
	Label    string // how the step is remembered: "open", "pivot", "zoom", "finding", "scenario"
	Filter   string
	Remember bool   // add the filter to the bar's history
	Status   string // what to say about it
	Keep     *index.EventRef
	Detail   *index.EventRef // an event whose detail opens once there
}

// Goto returns a command that sends m.
func Goto(m GotoMsg) tea.Cmd { return func() tea.Msg { return m } }

// OpenMsg asks the root for the detail of an event; with Label set the place left is remembered.
type OpenMsg struct {
	Ref   index.EventRef
	Label string
}

// Open returns a command that opens ref's detail.
func Open(ref index.EventRef, label string) tea.Cmd {
	return func() tea.Msg { return OpenMsg{Ref: ref, Label: label} }
}

// BackMsg asks the root to return to the last step, the detail closed, the timeline's cursor on Keep.
type BackMsg struct{ Keep *index.EventRef }

// StepMsg asks the timeline for the event Delta rows away from its cursor, and its detail.
type StepMsg struct{ Delta int }

// ResultMsg brings a query's result to the views, once the root has put it in the State.
type ResultMsg struct {
	SameFilter bool            // the filter is the one already on screen (the index grew)
	Keep       *index.EventRef // the event the timeline's cursor stays on
	Restore    *Place          // a view's cursor to put back
}

// Place is a view's cursor, for Esc.
type Place struct {
	View   string
	Cursor int
}

// Cmd wraps a message as a command.
func Cmd(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// Narrow adds term to the filter text: what opening a row of a list shows.
func Narrow(text, term string) string { return strings.TrimSpace(text + " " + term) }

// LoadedMsg tells the views that the load is done: what waits for every event can run.
type LoadedMsg struct{}

// MarkMsg asks the root to mark the event Ref, or to unmark it.
type MarkMsg struct{ Ref index.EventRef }

// ClickMsg is a left click in the body, in the body's cells (Y 0 is its first line); Double when it
// is the second click on the same line in a short while. The view on screen selects (and, on a
// double click, opens) what is there.
type ClickMsg struct {
	X, Y   int
	Double bool
}
