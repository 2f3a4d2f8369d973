package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trailscope/trailscope/keymap"
	"github.com/trailscope/trailscope/model"
	"github.com/trailscope/trailscope/ui/report"
)

// view is one of the console's pages.
type view int

const (
	viewTimeline view = iota
	viewPrincipals
	viewResources
	viewProblems
	viewScenarios
	viewFindings
)

var viewNames = [...]string{"timeline", "principals", "resources", "problems", "scenarios", "findings"}

func (v view) String() string { return viewNames[v] }

// Minimum terminal size: below it the console shows a "too small" screen.
const (
	minWidth  = 80
	minHeight = 24
)

// snapshot is a place to go back to with Esc: a view, its filter, its cursor and an open detail.
type snapshot struct {
	view      view
	filter    string
	cursor    int
	detail    bool
	detailRef model.EventRef
	label     string // how we left it: "pivot", "zoom", "open"
}

// listState is the cursor and scroll of a table.
type listState struct {
	cursor, offset int
}

// clamp keeps the cursor in [0,n) and visible in a window of h rows.
func (l *listState) clamp(n, h int) {
	l.cursor = min(max(l.cursor, 0), max(n-1, 0))
	if h <= 0 {
		return
	}
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+h {
		l.offset = l.cursor - h + 1
	}
	l.offset = min(max(l.offset, 0), max(n-h, 0))
}

// move applies a list key; it reports whether the key was one.
func (l *listState) move(msg tea.KeyPressMsg, k keymap.List, n, h int) bool {
	switch {
	case key.Matches(msg, k.Up):
		l.cursor--
	case key.Matches(msg, k.Down):
		l.cursor++
	case key.Matches(msg, k.PageUp):
		l.cursor -= max(h-1, 1)
		l.offset -= max(h-1, 1)
	case key.Matches(msg, k.PageDown):
		l.cursor += max(h-1, 1)
		l.offset += max(h-1, 1)
	case key.Matches(msg, k.Top):
		l.cursor = 0
	case key.Matches(msg, k.Bottom):
		l.cursor = n - 1
	default:
		return false
	}
	l.offset = min(max(l.offset, 0), max(n-h, 0))
	l.clamp(n, h)
	return true
}

// App is the console's root model.
type App struct {
	opt  Options
	idx  *model.Index
	keys keymap.KeyMap
	st   Styles
	w, h int

	view    view
	bar     FilterBar
	help    bool
	helpOff int // scroll of the help overlay

	applied  string // the filter of the result on screen
	seq      int    // the latest query asked for
	debounce int
	result   model.Result
	queryDur time.Duration
	hist     model.Histogram

	newestFirst bool
	tl          listState
	keepRef     *model.EventRef // the event the cursor should stay on when the next result lands
	restore     *snapshot       // a snapshot to finish restoring when its result lands

	pr        listState
	prRows    []principalRow
	expanded  map[string]bool
	prSort    int
	rs        listState
	rsRows    []model.ResourceSummary
	rsSort    int
	pb        listState
	problems  []model.Problem
	sumSeq    int // the result the summaries were computed from
	sumBusy   bool
	sumAgain  bool // the result changed while an aggregation ran
	summaries *summaryMsg

	detail    *Detail
	detailSeq int

	stack []snapshot
	sc    scenarioState
	fd    findingsState

	progress     model.Progress
	loading      bool
	loadStart    time.Time
	loadDur      time.Duration
	lastLen      int
	lastRequery  time.Time
	requeryArmed bool

	status    string
	statusErr bool
}

func newApp(opt Options) *App {
	if opt.Index == nil {
		opt.Index = model.NewIndex()
	}
	a := &App{
		opt:         opt,
		idx:         opt.Index,
		keys:        keymap.Default(),
		st:          NewStyles(true),
		w:           minWidth,
		h:           minHeight,
		newestFirst: true,
		expanded:    map[string]bool{},
		loading:     opt.Batches != nil,
		loadStart:   time.Now(),
		status:      opt.Banner,
		sc:          scenarioState{shown: map[string]int{}, answers: map[string]scenarioAnswer{}},
	}
	a.bar.idx = a.idx
	a.pollStatus()
	return a
}

// pollStatus takes the progress and problems of a load that someone else runs (Options.Status).
func (a *App) pollStatus() {
	if a.opt.Batches != nil || a.opt.Status == nil {
		return
	}
	p, problems := a.opt.Status()
	a.progress, a.problems = p, problems
	if p.Elapsed > 0 {
		a.loadStart = time.Now().Add(-p.Elapsed)
	}
	switch {
	case !p.Done:
		a.loading = true
	case a.loading || a.loadDur == 0:
		a.loading = false
		a.loadDur = p.Elapsed // the banner stays until the first key
		if a.loadDur <= 0 {
			a.loadDur = time.Since(a.loadStart)
		}
	}
}

// Init starts the loader (or the poll of a shared index) and the first query.
func (a *App) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, a.runQuery("")}
	if a.opt.Batches != nil {
		cmds = append(cmds, loadCmd(a.idx, a.opt.Batches))
	} else {
		a.lastLen = a.idx.Len()
		cmds = append(cmds, pollCmd())
	}
	return tea.Batch(cmds...)
}

// Messages of the console's own commands.
type (
	resultMsg struct {
		seq  int
		text string
		res  model.Result
		hist model.Histogram
		dur  time.Duration
	}
	debounceMsg struct{ id int }
	requeryMsg  struct{}
	statusMsg   struct {
		text string
		err  bool
	}
)

// debounceDelay is how long the filter waits after a keystroke before it runs.
const debounceDelay = 60 * time.Millisecond

// histWidth is the number of histogram buckets for the terminal's width.
func (a *App) histWidth() int { return max(a.w, 10) }

// runQuery parses text and, when it parses, runs it off the UI loop. A bad filter leaves the result
// on screen and shows its error in the bar.
func (a *App) runQuery(text string) tea.Cmd {
	q, err := model.ParseQuery(text)
	if err != nil {
		if qe, ok := err.(*model.QueryError); ok {
			a.bar.err = qe
		} else {
			a.bar.err = &model.QueryError{Term: text, End: len(text), Msg: err.Error()}
		}
		return nil
	}
	a.bar.err = nil
	a.seq++
	seq, idx, buckets := a.seq, a.idx, a.histWidth()
	a.lastRequery = time.Now()
	return func() tea.Msg {
		start := time.Now()
		res := idx.Query(q)
		dur := time.Since(start)
		return resultMsg{seq: seq, text: text, res: res, hist: idx.Histogram(res.Refs, buckets), dur: dur}
	}
}

// Update handles a message.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.w, a.h = msg.Width, msg.Height
		a.bar.sugg = nil
		if a.hist.Max > 0 && len(a.hist.Counts) != a.histWidth() {
			return a, a.runQuery(a.applied)
		}
		return a, nil
	case tea.BackgroundColorMsg:
		a.st = NewStyles(msg.IsDark())
		return a, nil
	case batchMsg:
		return a, a.onBatch(msg)
	case pollMsg:
		a.pollStatus()
		cmds := []tea.Cmd{pollCmd()}
		if n := a.idx.Len(); n != a.lastLen {
			a.lastLen = n
			cmds = append(cmds, a.requery())
		}
		return a, tea.Batch(cmds...)
	case requeryMsg:
		a.requeryArmed = false
		return a, a.runQuery(a.applied)
	case debounceMsg:
		if msg.id != a.debounce || a.bar.mode != promptFilter {
			return a, nil
		}
		return a, a.runQuery(a.bar.Value())
	case resultMsg:
		return a, a.onResult(msg)
	case summaryMsg:
		a.sumBusy = false
		if msg.seq == a.seq || msg.text == a.applied { // an older count of the same filter beats none while loading
			a.summaries = &msg
			a.sumSeq = msg.seq
			a.buildPrincipalRows()
			a.sortResources()
		}
		if (msg.seq != a.seq || a.sumAgain) && (a.view == viewPrincipals || a.view == viewResources) {
			return a, a.summarize()
		}
		return a, nil
	case detailMsg:
		if msg.seq == a.detailSeq {
			a.detail = msg.detail
			a.detail.setHeight(a.bodyHeight())
			if msg.cursor > 0 {
				a.detail.cursor = msg.cursor
				a.detail.clamp()
			}
			return a, countRelated(a.idx, a.detail, msg.seq)
		}
		return a, nil
	case countsMsg:
		if msg.seq == a.detailSeq && a.detail != nil {
			a.detail.setCounts(msg.counts)
		}
		return a, nil
	case statusMsg:
		a.status, a.statusErr = msg.text, msg.err
		return a, nil
	case scenarioAnswerMsg:
		return a, a.onScenarioAnswer(msg)
	case findingsMsg:
		return a, a.onFindings(msg)
	case tea.MouseWheelMsg:
		return a, a.onWheel(msg)
	case tea.PasteMsg:
		if a.bar.focused {
			return a, a.onBarChange(a.bar.Update(msg, a.keys.Filter))
		}
		return a, nil
	case tea.KeyPressMsg:
		return a, a.onKey(msg)
	}
	return a, nil
}

// onBatch records what a load brought and re-runs the query, at most every requeryEvery.
func (a *App) onBatch(msg batchMsg) tea.Cmd {
	a.problems = append(a.problems, msg.problems...)
	if msg.progress.Files > 0 || msg.progress.Records > 0 || msg.progress.Done {
		a.progress = msg.progress
	}
	var cmds []tea.Cmd
	if msg.done {
		a.loading = false
		a.loadDur = time.Since(a.loadStart)
		if a.opt.Banner == "" { // a banner says what the data is: it stays until the first key
			a.status = ""
		}
		cmds = append(cmds, a.runQuery(a.applied), a.computeFindings())
	} else {
		cmds = append(cmds, loadCmd(a.idx, a.opt.Batches))
		if msg.added > 0 || len(msg.problems) > 0 {
			cmds = append(cmds, a.requery())
		}
	}
	return tea.Batch(cmds...)
}

// requeryEvery bounds how often a growing index re-runs the query.
const requeryEvery = 300 * time.Millisecond

func (a *App) requery() tea.Cmd {
	if a.requeryArmed {
		return nil
	}
	wait := requeryEvery - time.Since(a.lastRequery)
	if a.result.Total < 50000 || wait <= 0 {
		return a.runQuery(a.applied)
	}
	a.requeryArmed = true
	return tea.Tick(wait, func(time.Time) tea.Msg { return requeryMsg{} })
}

// onResult shows a query's result, unless a newer query was asked for since.
func (a *App) onResult(msg resultMsg) tea.Cmd {
	if msg.seq != a.seq {
		return nil
	}
	sameFilter := msg.text == a.applied
	var keep model.EventRef
	hadKeep := false
	switch {
	case a.keepRef != nil:
		keep, hadKeep = *a.keepRef, true
		a.keepRef = nil
	case sameFilter && a.tl.cursor > 0 && a.tl.cursor < len(a.result.Refs):
		keep, hadKeep = a.row(a.tl.cursor), true
	}
	a.applied = msg.text
	a.result = msg.res
	a.hist = msg.hist
	a.queryDur = msg.dur
	if !sameFilter {
		a.tl = listState{}
		a.pr, a.rs = listState{}, listState{}
	}
	if hadKeep {
		for i, n := 0, len(a.result.Refs); i < n; i++ {
			if a.row(i) == keep {
				a.tl.cursor = i
				a.tl.offset = i - a.tableHeight()/2
				break
			}
		}
	}
	if r := a.restore; r != nil {
		a.restore = nil
		switch r.view {
		case viewPrincipals:
			a.pr.cursor = r.cursor
		case viewResources:
			a.rs.cursor = r.cursor
		default:
			if !hadKeep {
				a.tl.cursor = r.cursor
			}
		}
	}
	a.tl.clamp(len(a.result.Refs), a.tableHeight())
	if !sameFilter {
		a.summaries = nil // a growing index keeps the last counts on screen until the new ones land
	}
	if a.view == viewPrincipals || a.view == viewResources {
		return a.summarize()
	}
	return nil
}

// row returns the event shown on row i of the timeline, in the chosen order.
func (a *App) row(i int) model.EventRef {
	if a.newestFirst {
		return a.result.Refs[len(a.result.Refs)-1-i]
	}
	return a.result.Refs[i]
}

// onBarChange applies the filter as it is typed, debounced.
func (a *App) onBarChange(changed bool) tea.Cmd {
	if !changed || a.bar.mode != promptFilter {
		return nil
	}
	a.debounce++
	id := a.debounce
	return tea.Tick(debounceDelay, func(time.Time) tea.Msg { return debounceMsg{id: id} })
}

func (a *App) onKey(msg tea.KeyPressMsg) tea.Cmd {
	g := a.keys.Global
	if !a.bar.focused {
		a.status, a.statusErr = "", false // a message lasts until the next key
	}
	if msg.String() == "ctrl+c" {
		return tea.Quit
	}
	if a.bar.focused {
		return a.onBarKey(msg)
	}
	if a.help {
		if key.Matches(msg, g.Help, g.Back, g.Quit) {
			a.help = false
			a.helpOff = 0
			return nil
		}
		l := listState{cursor: a.helpOff, offset: a.helpOff}
		n := max(len(a.helpView())-a.bodyHeight()+1, 1)
		l.move(msg, a.keys.List, n, 1)
		a.helpOff = l.cursor
		return nil
	}
	switch {
	case key.Matches(msg, g.Quit):
		return tea.Quit
	case key.Matches(msg, g.Help):
		a.help = true
		return nil
	case key.Matches(msg, g.Filter):
		a.bar.Focus(promptFilter, a.applied)
		if a.applied != "" && !strings.HasSuffix(a.applied, " ") {
			a.bar.SetValue(a.applied + " ")
		}
		return nil
	case key.Matches(msg, g.Command):
		a.bar.Focus(promptCommand, "")
		a.bar.complete()
		return nil
	case key.Matches(msg, g.Export):
		a.bar.Focus(promptExport, "trailscope-"+time.Now().UTC().Format("20060102-150405")+".jsonl")
		return nil
	case key.Matches(msg, g.Back):
		return a.back()
	}
	switch {
	case key.Matches(msg, g.Timeline):
		return a.switchView(viewTimeline)
	case key.Matches(msg, g.Principals):
		return a.switchView(viewPrincipals)
	case key.Matches(msg, g.Resources):
		return a.switchView(viewResources)
	case key.Matches(msg, g.Problems):
		return a.switchView(viewProblems)
	}
	if a.detail != nil {
		return a.onDetailKey(msg)
	}
	switch a.view {
	case viewTimeline:
		return a.onTimelineKey(msg)
	case viewPrincipals:
		return a.onPrincipalsKey(msg)
	case viewResources:
		return a.onResourcesKey(msg)
	case viewProblems:
		a.pb.move(msg, a.keys.List, len(a.problems), a.bodyHeight()-1)
	case viewScenarios:
		return a.onScenariosKey(msg)
	case viewFindings:
		return a.onFindingsKey(msg)
	}
	return nil
}

func (a *App) onBarKey(msg tea.KeyPressMsg) tea.Cmd {
	f := a.keys.Filter
	switch {
	case key.Matches(msg, f.Cancel):
		mode, before := a.bar.mode, a.bar.before
		a.bar.Blur()
		if mode == promptFilter && a.bar.Value() != before {
			a.bar.SetValue(before)
			return a.runQuery(before)
		}
		a.bar.err = nil
		return nil
	case key.Matches(msg, f.Apply):
		text := strings.TrimSpace(a.bar.Value())
		mode := a.bar.mode
		switch mode {
		case promptCommand:
			if len(a.bar.sugg) > 0 && text != "" && !isCommand(text) {
				text = a.bar.sugg[a.bar.sel].Text
			}
			a.bar.Blur()
			return a.command(text)
		case promptExport:
			a.bar.Blur()
			return a.export(text)
		}
		if a.bar.err != nil && len(a.bar.sugg) == 0 {
			return nil // keep editing: the bar shows what is wrong
		}
		a.bar.Blur()
		a.bar.Remember(text)
		a.bar.hpos = len(a.bar.history)
		if strings.TrimSpace(a.bar.before) != text {
			a.push("filter")
			a.stack[len(a.stack)-1].filter = strings.TrimSpace(a.bar.before)
		}
		if text != a.applied || a.bar.err != nil {
			return a.runQuery(text)
		}
		return nil
	}
	return a.onBarChange(a.bar.Update(msg, f))
}

func isCommand(s string) bool {
	for _, c := range commands {
		if c.Text == s {
			return true
		}
	}
	return false
}

// command runs a ':' command.
func (a *App) command(c string) tea.Cmd {
	switch c {
	case "timeline", "t", "1":
		return a.switchView(viewTimeline)
	case "principals", "principal", "p", "2":
		return a.switchView(viewPrincipals)
	case "resources", "resource", "r", "3":
		return a.switchView(viewResources)
	case "problems", "problem", "4", "!":
		return a.switchView(viewProblems)
	case "scenarios", "scenario", "5":
		return a.switchView(viewScenarios)
	case "findings", "finding", "f", "6":
		return tea.Batch(a.switchView(viewFindings), a.computeFindings())
	case "help", "h", "?":
		a.help = true
		return nil
	case "export", "e":
		a.bar.Focus(promptExport, "trailscope-"+time.Now().UTC().Format("20060102-150405")+".jsonl")
		return nil
	case "quit", "q", "q!":
		return tea.Quit
	case "":
		return nil
	}
	a.status, a.statusErr = fmt.Sprintf("unknown command %q: try :timeline :principals :resources :problems :scenarios :findings :help", model.Sanitize(c)), true
	return nil
}

// switchView shows another view over the same filter.
func (a *App) switchView(v view) tea.Cmd {
	a.detail = nil
	if v == a.view {
		return nil
	}
	a.view = v
	if (v == viewPrincipals || v == viewResources) && (a.summaries == nil || a.sumSeq != a.seq) {
		return a.summarize()
	}
	return nil
}

// push remembers where we are, for Esc.
func (a *App) push(label string) {
	s := snapshot{view: a.view, filter: a.applied, label: label}
	switch a.view {
	case viewPrincipals:
		s.cursor = a.pr.cursor
	case viewResources:
		s.cursor = a.rs.cursor
	default:
		s.cursor = a.tl.cursor
	}
	if a.detail != nil {
		s.detail, s.detailRef = true, a.detail.ref
	}
	a.stack = append(a.stack, s)
	if len(a.stack) > 50 {
		a.stack = a.stack[1:]
	}
}

// back closes the detail, or returns to the last snapshot.
func (a *App) back() tea.Cmd {
	if a.detail != nil {
		a.detail = nil
		a.detailSeq++
		return nil
	}
	if len(a.stack) == 0 {
		if a.view != viewTimeline {
			return a.switchView(viewTimeline)
		}
		if a.loading && a.opt.StopLoad != nil {
			a.opt.StopLoad()
			a.status, a.statusErr = "stopping the load: what has arrived stays", false
			return nil
		}
		a.status, a.statusErr = "nothing to go back to: q quits", false
		return nil
	}
	s := a.stack[len(a.stack)-1]
	a.stack = a.stack[:len(a.stack)-1]
	return a.restoreSnapshot(s)
}

func (a *App) restoreSnapshot(s snapshot) tea.Cmd {
	a.view = s.view
	a.detail = nil
	var cmds []tea.Cmd
	if s.filter != a.applied {
		a.bar.SetValue(s.filter)
		a.restore = &s
		if s.view == viewTimeline && s.detail {
			ref := s.detailRef
			a.keepRef = &ref
		}
		cmds = append(cmds, a.runQuery(s.filter))
	} else {
		switch s.view {
		case viewPrincipals:
			a.pr.cursor = s.cursor
		case viewResources:
			a.rs.cursor = s.cursor
		default:
			a.tl.cursor = s.cursor
			a.tl.clamp(len(a.result.Refs), a.tableHeight())
		}
		if (s.view == viewPrincipals || s.view == viewResources) && a.summaries == nil {
			cmds = append(cmds, a.summarize())
		}
	}
	if s.detail {
		cmds = append(cmds, a.openDetail(s.detailRef, 0))
	}
	return tea.Batch(cmds...)
}

// pivot replaces the filter by term, remembering where we were.
func (a *App) pivot(term string) tea.Cmd {
	a.push("pivot")
	a.detail = nil
	a.detailSeq++
	a.view = viewTimeline
	a.bar.SetValue(term)
	a.bar.Remember(term)
	a.status, a.statusErr = "pivot: "+model.Sanitize(term)+" · esc goes back", false
	return a.runQuery(term)
}

// narrow adds a term to the filter and shows the timeline, remembering where we were.
func (a *App) narrow(term string) tea.Cmd {
	a.push("open")
	text := strings.TrimSpace(a.applied + " " + term)
	a.view = viewTimeline
	a.bar.SetValue(text)
	a.bar.Remember(text)
	return a.runQuery(text)
}

func (a *App) onWheel(msg tea.MouseWheelMsg) tea.Cmd {
	m := msg.Mouse()
	d := 0
	switch m.Button {
	case tea.MouseWheelUp:
		d = -3
	case tea.MouseWheelDown:
		d = 3
	default:
		return nil
	}
	switch {
	case a.help || a.bar.focused:
	case a.detail != nil:
		a.detail.scroll(d)
	case a.view == viewTimeline:
		a.tl.cursor += d
		a.tl.clamp(len(a.result.Refs), a.tableHeight())
	case a.view == viewPrincipals:
		a.pr.cursor += d
		a.pr.clamp(len(a.prRows), a.bodyHeight()-1)
	case a.view == viewResources:
		a.rs.cursor += d
		a.rs.clamp(len(a.rsRows), a.bodyHeight()-1)
	case a.view == viewProblems:
		a.pb.cursor += d
		a.pb.clamp(len(a.problems), a.bodyHeight()-1)
	}
	return nil
}

// Layout: title, breadcrumbs, filter bar, the body, the status line and the key hints.
const chromeLines = 5

func (a *App) bodyHeight() int { return max(a.h-chromeLines, 1) }

// tableHeight is the number of event rows of the timeline: the body less the histogram and header.
func (a *App) tableHeight() int { return max(a.bodyHeight()-3, 1) }

// View draws the console.
func (a *App) View() tea.View {
	v := tea.NewView(a.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "trailscope"
	return v
}

func (a *App) render() string {
	if a.w < minWidth || a.h < minHeight {
		return a.tooSmall()
	}
	lines := make([]string, 0, a.h)
	lines = append(lines, a.titleLine(), a.crumbLine(), a.bar.View(&a.st, a.w, a.applied))
	var body []string
	switch {
	case a.help:
		body = a.helpView()
		body = body[min(a.helpOff, len(body)):]
	case a.detail != nil:
		body = a.detail.View(&a.st, a.w)
	default:
		switch a.view {
		case viewTimeline:
			body = a.timelineView()
		case viewPrincipals:
			body = a.principalsView()
		case viewResources:
			body = a.resourcesView()
		case viewProblems:
			body = a.problemsView()
		case viewScenarios:
			body = a.scenariosView()
		case viewFindings:
			body = a.findingsView()
		}
	}
	bh := a.bodyHeight()
	if len(body) > bh {
		body = body[:bh]
	}
	for len(body) < bh {
		body = append(body, "")
	}
	if comp := a.bar.CompletionView(&a.st, min(a.w, 100)); len(comp) > 0 {
		for i, l := range comp {
			if i < len(body) {
				body[i] = l
			}
		}
	}
	lines = append(lines, body...)
	lines = append(lines, a.statusLine(), a.hintLine())
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, a.w, "")
	}
	return strings.Join(lines, "\n")
}

func (a *App) tooSmall() string {
	msg := fmt.Sprintf("terminal too small: %dx%d\ntrailscope needs at least %dx%d\n\nenlarge the window, or press q to quit", a.w, a.h, minWidth, minHeight)
	var b strings.Builder
	for i, l := range strings.Split(msg, "\n") {
		if i >= a.h {
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(ansi.Truncate(l, a.w, ""))
	}
	return b.String()
}

func (a *App) titleLine() string {
	st := &a.st
	left := st.Title.Render("trailscope")
	if a.opt.Source != "" {
		left += st.TitleDim.Render(" · " + model.Sanitize(a.opt.Source))
	}
	n := a.idx.Len()
	left += st.TitleDim.Render(" · ") + st.Count.Render(report.Count(n, "event"))
	if d := a.idx.Duplicates(); d > 0 {
		left += st.TitleDim.Render(fmt.Sprintf(" (%s dup)", report.Commas(d)))
	}
	if len(a.problems) > 0 {
		left += "  " + st.Error.Render("! "+report.Count(len(a.problems), "problem"))
	}
	right := ""
	if a.loading {
		right = st.StatusWarn.Render("loading…")
	}
	return joinLR(left, right, a.w)
}

func (a *App) crumbLine() string {
	st := &a.st
	sep := st.CrumbSep.Render(" › ")
	var parts []string
	start := max(0, len(a.stack)-3)
	if start > 0 {
		parts = append(parts, st.CrumbSep.Render("…"))
	}
	for _, s := range a.stack[start:] {
		label := s.view.String()
		if s.filter != "" {
			label += " " + ansi.Truncate(model.Sanitize(s.filter), 24, "…")
		}
		if s.detail {
			label += " › detail"
		}
		parts = append(parts, st.CrumbSep.Render(label))
	}
	cur := a.view.String()
	if len(a.stack) > 0 && a.applied != "" && a.applied != a.stack[len(a.stack)-1].filter {
		// Where it differs from the step before, say which filter this step applies.
		cur += " " + ansi.Truncate(model.Sanitize(a.applied), 24, "…")
	}
	if a.detail != nil {
		cur += " › detail"
	}
	if a.help {
		cur += " › help"
	}
	parts = append(parts, st.Crumb.Render(cur))
	left := strings.Join(parts, sep)
	matched := len(a.result.Refs)
	right := st.Count.Render(report.Commas(matched)) + st.TitleDim.Render(" of "+report.Count(a.result.Total, "event"))
	switch a.view {
	case viewPrincipals:
		if a.summaries != nil {
			right = st.Count.Render(report.Commas(len(a.summaries.principals))) + st.TitleDim.Render(" principals · ") + right
		}
	case viewResources:
		if a.summaries != nil {
			right = st.Count.Render(report.Commas(len(a.summaries.resources))) + st.TitleDim.Render(" resources · ") + right
		}
	}
	return joinLR(left, right, a.w)
}

func (a *App) statusLine() string {
	st := &a.st
	if a.loading {
		p := a.progress
		el := time.Since(a.loadStart)
		s := fmt.Sprintf("loading: %s events", report.Commas(max(p.Records, a.idx.Len())))
		if p.Files > 0 {
			s += fmt.Sprintf(" · files %s/%s", report.Commas(p.FilesDone), report.Commas(p.Files))
		}
		if p.Bytes > 0 {
			s += fmt.Sprintf(" · %s/%s", report.Bytes(p.BytesDone), report.Bytes(p.Bytes))
		} else if p.BytesDone > 0 {
			s += " · " + report.Bytes(p.BytesDone)
		}
		if p.Problems > 0 || len(a.problems) > 0 {
			s += " · " + report.Count(max(p.Problems, len(a.problems)), "problem")
		}
		if sec := el.Seconds(); sec > 0.2 {
			s += fmt.Sprintf(" · %s ev/s", report.Commas(int(float64(max(p.Records, a.idx.Len()))/sec)))
		}
		if p.Detail != "" {
			s += " · " + model.Sanitize(p.Detail)
		}
		return st.StatusWarn.Render(ansi.Truncate(s, a.w, "…"))
	}
	if a.status != "" {
		if a.statusErr {
			return st.Error.Render(ansi.Truncate(a.status, a.w, "…"))
		}
		return st.Status.Render(ansi.Truncate(a.status, a.w, "…"))
	}
	s := fmt.Sprintf("query %s", a.queryDur.Round(time.Microsecond))
	if a.loadDur > 0 {
		s += fmt.Sprintf(" · loaded in %s", a.loadDur.Round(time.Millisecond))
	}
	if len(a.problems) > 0 {
		s += " · " + report.Count(len(a.problems), "problem") + ": press 4"
	}
	if len(a.stack) > 0 {
		s += " · esc: back"
	}
	return st.Status.Render(s)
}

func (a *App) hintLine() string {
	name := a.view.String()
	switch {
	case a.bar.focused:
		name = "filter"
	case a.detail != nil:
		name = "detail"
	}
	var b strings.Builder
	for i, k := range a.keys.ShortHelp(name) {
		if i > 0 {
			b.WriteString(a.st.KeyDesc.Render(" · "))
		}
		h := k.Help()
		b.WriteString(a.st.Key.Render(h.Key) + " " + a.st.KeyDesc.Render(h.Desc))
	}
	return ansi.Truncate(b.String(), a.w, "")
}

// joinLR puts left and right on one line of width w, right-aligned.
func joinLR(left, right string, w int) string {
	lw, rw := ansi.StringWidth(left), ansi.StringWidth(right)
	if lw+rw+1 > w {
		left = ansi.Truncate(left, max(w-rw-1, 0), "…")
		lw = ansi.StringWidth(left)
	}
	if lw+rw+1 > w {
		return ansi.Truncate(left, w, "…")
	}
	return left + strings.Repeat(" ", w-lw-rw) + right
}

// commas writes n with thousands separators.
