package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/keymap"
	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/ui/common"
	"github.com/trailscope/trailscope/ui/components/filterbar"
	"github.com/trailscope/trailscope/ui/views/detail"
	"github.com/trailscope/trailscope/ui/views/help"
	"github.com/trailscope/trailscope/ui/views/timeline"
)

// App is the console's root model: it lays the screen out, handles the global keys, forwards the
// rest to the view on screen (or the detail, the help, the bar over it) and keeps the steps Esc
// goes back through. What is drawn is the views'; the data they draw is the State the root keeps.
type App struct {
	opt    Options
	keys   keymap.KeyMap
	styles common.Styles
	state  common.State
	w, h   int

	pages    []page          // the registered views (views.go)
	active   common.View     // the view on screen
	timeline *timeline.Model // the home view: pivots land there, its rows are the detail's neighbours
	detail   *detail.Model   // an event's detail, over the view on screen when open
	help     *help.Model
	helpOpen bool
	bar      *filterbar.Model

	stack   []snapshot      // the steps Esc goes back through
	keep    *index.EventRef // the event the timeline's cursor stays on when the next result lands
	restore *snapshot       // a step to finish restoring when its result lands

	queryDur     time.Duration
	progress     cloudtrail.Progress
	loadStart    time.Time
	loadDur      time.Duration
	lastLen      int
	lastRequery  time.Time
	requeryArmed bool

	now       func() time.Time // the clock of double clicks (tests set it)
	lastClick struct {
		y  int
		at time.Time
	}

	status    common.StatusMsg // until the next key
	question  *question        // a yes/no question on the status line, answered by the next key
	coverage  coverageCache    // what the records cover, for the warnings of queries (query.go)
	exporting *exportJob       // an export under way
}

// snapshot is a step to go back to with Esc: a view, its filter, its cursor and an open detail.
type snapshot struct {
	view      string
	filter    string
	cursor    int
	detail    bool
	detailRef index.EventRef
	label     string // how we left it: "pivot", "zoom", "open"...
}

func newApp(opt Options) *App {
	if opt.Index == nil {
		opt.Index = index.New()
	}
	a := &App{
		opt:       opt,
		keys:      keymap.Default(),
		styles:    common.NewStyles(opt.Config.Theme != "light"),
		loadStart: time.Now(),
		now:       time.Now,
		status:    common.StatusMsg{Text: opt.Banner},
	}
	a.state = common.State{Index: opt.Index, Loading: opt.Batches != nil, Banner: opt.Banner, Shared: opt.Shared}
	c := common.Common{Styles: &a.styles, Keys: &a.keys, State: &a.state}
	a.register(c)
	a.detail, a.help, a.bar = detail.New(c), help.New(c), filterbar.New(c)
	a.loadSettings()
	a.setActive(a.timeline)
	a.setSize(minWidth, minHeight)
	a.pollStatus()
	return a
}

// Init starts the loader (or the poll of a shared index) and the first query.
func (a *App) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, a.runQuery("")}
	if a.opt.Batches != nil {
		cmds = append(cmds, loadCmd(a.state.Index, a.opt.Batches))
	} else {
		a.lastLen = a.state.Index.Len()
		cmds = append(cmds, pollCmd())
	}
	return tea.Batch(cmds...)
}

// Update handles the root's own messages and the keys, and hands every other message to all the
// components: each takes what is its own.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.setSize(msg.Width, msg.Height)
		if a.state.Hist.Max > 0 && len(a.state.Hist.Counts) != a.histWidth() {
			return a, a.runQuery(a.state.Applied)
		}
		return a, nil
	case tea.BackgroundColorMsg:
		if t := a.opt.Config.Theme; t == "" || t == "auto" || t == "none" {
			a.styles = common.NewStyles(msg.IsDark())
		}
		return a, nil
	case common.MarkMsg:
		return a, a.toggleMark(msg.Ref)
	case batchMsg:
		return a, a.onBatch(msg)
	case pollMsg:
		return a, a.onPoll()
	case requeryMsg:
		a.requeryArmed = false
		return a, a.runQuery(a.state.Applied)
	case filterbar.ChangedMsg:
		return a, a.runQuery(msg.Text)
	case resultMsg:
		return a, a.onResult(msg)
	case common.StatusMsg:
		a.status = msg
		return a, nil
	case exportMsg:
		return a, a.onExport(msg)
	case integrityMsg:
		a.state.Integrity = msg.in
		if msg.in.Err != nil {
			a.report("integrity: %s", cloudtrail.Sanitize(msg.in.Err.Error()))
		}
		return a, nil
	case common.GotoMsg:
		return a, a.goTo(msg)
	case common.OpenMsg:
		if msg.Label != "" {
			a.push(msg.Label)
		}
		return a, a.detail.Open(msg.Ref, 0)
	case common.BackMsg:
		return a, a.backTo(msg.Keep)
	case tea.MouseWheelMsg:
		switch {
		case a.helpOpen || a.bar.Focused():
			return a, nil
		case a.detail.IsOpen():
			return a, a.detail.Update(msg)
		}
		return a, a.active.Update(msg)
	case tea.MouseClickMsg:
		return a, a.onClick(msg.Mouse())
	case tea.PasteMsg:
		return a, a.bar.Update(msg)
	case tea.KeyPressMsg:
		return a, a.onKey(msg)
	}
	return a, a.broadcast(msg)
}

// broadcast hands msg to every component.
func (a *App) broadcast(msg tea.Msg) tea.Cmd {
	cmds := make([]tea.Cmd, 0, len(a.pages)+2)
	for _, p := range a.pages {
		cmds = append(cmds, p.view.Update(msg))
	}
	return tea.Batch(append(cmds, a.detail.Update(msg), a.bar.Update(msg))...)
}

// onKey handles the global keys, then hands the key to what is on top: the bar, the help, the
// detail or the view.
func (a *App) onKey(msg tea.KeyPressMsg) tea.Cmd {
	g := a.keys.Global
	if !a.bar.Focused() {
		a.status = common.StatusMsg{} // a message lasts until the next key
	}
	switch {
	case key.Matches(msg, g.Interrupt):
		return tea.Quit
	case a.question != nil:
		return a.answer(msg)
	case a.bar.Focused():
		return a.onBarKey(msg)
	case a.helpOpen:
		if key.Matches(msg, g.Help, g.Back, g.Quit) {
			a.helpOpen = false
			a.help.Reset()
			return nil
		}
		return a.help.Update(msg)
	}
	switch {
	case key.Matches(msg, g.Quit):
		return tea.Quit
	case key.Matches(msg, g.Help):
		a.helpOpen = true
		return nil
	case key.Matches(msg, g.Filter):
		applied := a.state.Applied
		a.bar.Focus(filterbar.Filter, applied)
		if applied != "" && !strings.HasSuffix(applied, " ") {
			a.bar.SetValue(applied + " ")
		}
		return nil
	case key.Matches(msg, g.Command):
		a.bar.Focus(filterbar.Command, "")
		a.bar.Complete()
		return nil
	case key.Matches(msg, g.Export):
		a.promptExport()
		return nil
	case key.Matches(msg, g.Back):
		return a.back()
	case key.Matches(msg, g.Time):
		a.state.Clock = a.state.Clock.Next()
		if a.state.Clock.Mode == common.TimesRelative {
			a.say("times relative to the newest event loaded (t: the next way)")
		} else {
			a.say("times in " + a.state.Clock.ZoneName(a.state.Hist.To) + " (t: the next way)")
		}
		return a.detail.Redraw()
	}
	for _, p := range a.pages {
		if key.Matches(msg, p.key) {
			return a.show(p.view.Name())
		}
	}
	if a.detail.IsOpen() {
		return a.detail.Update(msg)
	}
	return a.active.Update(msg)
}

// doubleClick is how close two clicks on one line must be to open it.
const doubleClick = 400 * time.Millisecond

// onClick hands a left click in the body to what is on screen, in the body's cells, saying whether
// it is a double click.
func (a *App) onClick(m tea.Mouse) tea.Cmd {
	if m.Button != tea.MouseLeft || a.helpOpen || a.bar.Focused() || a.question != nil {
		return nil
	}
	y := m.Y - bodyTop
	if y < 0 || y >= a.bodyHeight() {
		return nil
	}
	now := a.now()
	click := common.ClickMsg{X: m.X, Y: y, Double: y == a.lastClick.y && now.Sub(a.lastClick.at) <= doubleClick}
	a.lastClick.y, a.lastClick.at = y, now
	if click.Double {
		a.lastClick.at = time.Time{} // a third click starts again
	}
	a.status = common.StatusMsg{}
	if a.detail.IsOpen() {
		return a.detail.Update(click)
	}
	return a.active.Update(click)
}

// report shows an error on the status line: the one way the root tells of one.
func (a *App) report(format string, args ...any) {
	a.status = common.StatusMsg{Text: fmt.Sprintf(format, args...), Err: true}
}

// say shows a message on the status line.
func (a *App) say(text string) { a.status = common.StatusMsg{Text: text} }
