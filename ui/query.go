package ui

import (
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/model/coverage"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/ui/common"
)

// resultMsg is a query's result, computed off the UI loop.
type resultMsg struct {
	seq  int
	text string
	res  index.Result
	hist index.Histogram
	dur  time.Duration
	warn []string // what the coverage says the filter asks in vain (coverage.Report.Warn)
}

// coverageCache keeps the coverage of the index as it was at n events, for the warnings of queries
// that run off the UI loop.
type coverageCache struct {
	mu  sync.Mutex
	n   int
	rep coverage.Report
}

// warn says what the coverage of idx cannot hold of q, computing the coverage again when the index grew.
func (c *coverageCache) warn(idx *index.Index, q filter.Query) []string {
	if !coverage.Asks(q) {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := idx.Len(); n != c.n || c.rep.Events == 0 {
		c.rep, c.n = coverage.Compute(idx, 0), n
	}
	return c.rep.Warn(q)
}

// requeryMsg is the tick of a re-run held back while the index grows.
type requeryMsg struct{}

// requeryEvery bounds how often a growing index re-runs the query.
const requeryEvery = 300 * time.Millisecond

// histWidth is the number of histogram buckets for the terminal's width.
func (a *App) histWidth() int { return max(a.w, 10) }

// runQuery parses text and, when it parses, runs it off the UI loop. A bad filter leaves the result
// on screen and shows its error in the bar.
func (a *App) runQuery(text string) tea.Cmd {
	q, err := filter.ParseQuery(text)
	if err != nil {
		qe, ok := err.(*filter.QueryError)
		if !ok {
			qe = &filter.QueryError{Term: text, End: len(text), Msg: err.Error()}
		}
		a.bar.SetErr(qe)
		return nil
	}
	a.bar.SetErr(nil)
	a.state.Seq++
	seq, idx, buckets, cov := a.state.Seq, a.state.Index, a.histWidth(), &a.coverage
	a.lastRequery = time.Now()
	return func() tea.Msg {
		start := time.Now()
		res := idx.Query(q)
		dur := time.Since(start)
		return resultMsg{seq: seq, text: text, res: res, hist: idx.Histogram(res.Refs, buckets), dur: dur, warn: cov.warn(idx, q)}
	}
}

// onResult puts a query's result in the State and tells the views, unless a newer query was asked
// for since.
func (a *App) onResult(msg resultMsg) tea.Cmd {
	s := &a.state
	if msg.seq != s.Seq {
		return nil
	}
	rm := common.ResultMsg{SameFilter: msg.text == s.Applied, Keep: a.keep}
	a.keep = nil
	if r := a.restore; r != nil {
		a.restore = nil
		rm.Restore = &common.Place{View: r.view, Cursor: r.cursor}
	}
	s.Applied, s.Result, s.Hist = msg.text, msg.res, msg.hist
	a.queryDur = msg.dur
	if len(msg.warn) > 0 && !rm.SameFilter {
		a.status = common.StatusMsg{Text: "coverage: " + strings.Join(msg.warn, "; ")}
	}
	return a.broadcast(rm)
}

// requery re-runs the query over a grown index, at most every requeryEvery once results are large.
func (a *App) requery() tea.Cmd {
	if a.requeryArmed {
		return nil
	}
	wait := requeryEvery - time.Since(a.lastRequery)
	if a.state.Result.Total < 50000 || wait <= 0 {
		return a.runQuery(a.state.Applied)
	}
	a.requeryArmed = true
	return tea.Tick(wait, func(time.Time) tea.Msg { return requeryMsg{} })
}

// onBatch records what a load brought and re-runs the query; the end of the load is told to the views.
func (a *App) onBatch(msg batchMsg) tea.Cmd {
	a.state.Problems = append(a.state.Problems, msg.problems...)
	if msg.progress.Files > 0 || msg.progress.Records > 0 || msg.progress.Done {
		a.progress = msg.progress
	}
	if msg.done {
		a.state.Loading = false
		a.loadDur = time.Since(a.loadStart)
		if a.opt.Banner == "" { // a banner says what the data is: it stays until the first key
			a.status = common.StatusMsg{}
		}
		return tea.Batch(a.runQuery(a.state.Applied), a.broadcast(common.LoadedMsg{}), a.verifyCmd())
	}
	cmds := []tea.Cmd{loadCmd(a.state.Index, a.opt.Batches)}
	if msg.added > 0 || len(msg.problems) > 0 {
		cmds = append(cmds, a.requery())
	}
	return tea.Batch(cmds...)
}

// onPoll takes the progress of a load someone else runs and re-runs the query when the index grew.
func (a *App) onPoll() tea.Cmd {
	a.pollStatus()
	cmds := []tea.Cmd{pollCmd()}
	if n := a.state.Index.Len(); n != a.lastLen {
		a.lastLen = n
		cmds = append(cmds, a.requery())
	}
	return tea.Batch(cmds...)
}

// pollStatus takes the progress and problems of a load that someone else runs (Options.Status).
func (a *App) pollStatus() {
	if a.opt.Batches != nil || a.opt.Status == nil {
		return
	}
	p, problems := a.opt.Status()
	a.progress, a.state.Problems = p, problems
	if p.Elapsed > 0 {
		a.loadStart = time.Now().Add(-p.Elapsed)
	}
	switch {
	case !p.Done:
		a.state.Loading = true
	case a.state.Loading || a.loadDur == 0:
		a.state.Loading = false
		a.loadDur = p.Elapsed // the banner stays until the first key
		if a.loadDur <= 0 {
			a.loadDur = time.Since(a.loadStart)
		}
	}
}
