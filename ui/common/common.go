// Package common is what every part of the console shares: the Common struct each component
// embeds (its size, the styles, the keys and the console's state), the Component and View
// interfaces, the messages a view sends the root, and the small drawing helpers.
package common

import (
	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/keymap"
	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/index"
)

// Common is embedded by every component: its own size, and pointers to what all share.
type Common struct {
	Width, Height int
	Styles        *Styles
	Keys          *keymap.KeyMap
	State         *State
}

// SetSize records the component's size.
func (c *Common) SetSize(width, height int) { c.Width, c.Height = width, height }

// State is the console's data: the root writes it, views only read it.
type State struct {
	Index    *index.Index
	Applied  string               // the filter of the result on screen
	Seq      int                  // the latest query asked for
	Result   index.Result         // the events the filter matches
	Hist     index.Histogram      // the result over time
	Problems []cloudtrail.Problem // what a load could not read
	Loading  bool
	Banner   string // what this data is, shown while the index is empty
	Active   string // the name of the view on screen
	LastStep string // how the last step Esc returns to was taken ("zoom", "open"...); "" when none

	Marks      map[string]bool // the eventIDs of the events marked (space), kept across runs
	SavedNames []string        // the names of the saved filters (:save, :load), sorted
	Clock      Clock           // how times are shown
	Shared     bool            // a session served over SSH: nothing runs on the server's terminal (no pager)

	// Integrity is the check of the loaded files against their digests, once the load is done.
	Integrity Integrity
}

// Component is a part of the screen: it handles messages, draws itself in its size and says which
// keys it answers to.
type Component interface {
	Update(msg tea.Msg) tea.Cmd
	View() string
	help.KeyMap
	SetSize(width, height int)
}

// View is a page of the console, shown by its number key or its ':' command. Key and mouse messages
// reach only the view on screen; every other message reaches every view, which takes what is its own.
type View interface {
	Component
	Name() string // its ':' command and breadcrumb
	// Cursor and SetCursor are the place Esc puts back.
	Cursor() int
	SetCursor(i int)
	// Shown is called when the view comes on screen: what it needs computed starts here.
	Shown() tea.Cmd
}
