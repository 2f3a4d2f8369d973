package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/ui/report"
)

// exportJob is an export under way: the result on screen written to a file off the UI loop, in the
// formats of `trailscope query` (CSV for a .csv name, JSON lines of the raw records otherwise),
// through the same path (report.Write, raw records read in bulk). The console stays usable while it
// runs and shows how far it has come in the title line.
type exportJob struct {
	path    string
	format  report.Format
	total   int
	written atomic.Int64
	started time.Time
	updates chan exportMsg // progress now and then, and the end
	cancel  context.CancelFunc
	done    chan struct{} // closed when the file is complete or removed
}

// exportMsg is news of an export: how far it is, or its end.
type exportMsg struct {
	job *exportJob
	end bool
	err error
}

// exportEvery paces the progress an export reports: Bubble Tea renders after every message.
const exportEvery = 100 * time.Millisecond

// export starts writing the result on screen to path (overwrite: in place of the file there, once
// the user said yes).
func (a *App) export(path string, overwrite bool) tea.Cmd {
	path = strings.TrimSpace(path)
	if path == "" {
		return nil
	}
	if j := a.exporting; j != nil {
		a.report("an export to %s is under way (%s): wait for it to finish", cloudtrail.Sanitize(j.path), j.progress())
		return nil
	}
	format := report.JSON
	if strings.EqualFold(filepath.Ext(path), ".csv") {
		format = report.CSV
	}
	idx, refs := a.state.Index, a.state.Result.Refs
	ctx, cancel := context.WithCancel(context.Background())
	j := &exportJob{path: path, format: format, total: len(refs), started: time.Now(),
		updates: make(chan exportMsg, 1), cancel: cancel, done: make(chan struct{})}
	a.exporting = j
	a.say(fmt.Sprintf("exporting %s to %s…", report.Count(len(refs), "event"), cloudtrail.Sanitize(path)))
	go j.run(ctx, overwrite, idx, refs)
	return j.next
}

// run writes the file and sends its progress and its end.
func (j *exportJob) run(ctx context.Context, overwrite bool, idx *index.Index, refs []index.EventRef) {
	defer close(j.done)
	last := time.Now()
	progress := func(n int) {
		j.written.Store(int64(n))
		if time.Since(last) >= exportEvery {
			last = time.Now()
			select { // a message the console has not read yet says as much
			case j.updates <- exportMsg{job: j}:
			default:
			}
		}
	}
	err := writeExport(ctx, j.path, overwrite, j.format, idx, refs, progress)
	select {
	case j.updates <- exportMsg{job: j, end: true, err: err}:
	case <-ctx.Done():
	}
}

// next waits for the export's next news.
func (j *exportJob) next() tea.Msg {
	select {
	case m := <-j.updates:
		return m
	case <-j.done:
		select {
		case m := <-j.updates: // done and its end both ready: the end
			return m
		default: // cancelled: the end was not sent
			return exportMsg{job: j, end: true, err: context.Canceled}
		}
	}
}

// onExport takes an export's news.
func (a *App) onExport(m exportMsg) tea.Cmd {
	j := m.job
	if j != a.exporting {
		return nil
	}
	if !m.end {
		return j.next
	}
	a.exporting = nil
	if m.err != nil {
		a.report("export to %s failed: %s", cloudtrail.Sanitize(j.path), cloudtrail.Sanitize(m.err.Error()))
		return nil
	}
	a.say(fmt.Sprintf("exported %s to %s (%s) in %s", report.Count(j.total, "event"), cloudtrail.Sanitize(j.path),
		j.format, time.Since(j.started).Round(time.Millisecond)))
	return nil
}

// progress says how far the export is: "41% (12,345 of 30,000)".
func (j *exportJob) progress() string {
	n := int(j.written.Load())
	if j.total == 0 {
		return "0%"
	}
	return fmt.Sprintf("%d%% (%s of %s)", n*100/j.total, report.Commas(n), report.Commas(j.total))
}

// stopExport cancels an export under way and waits until its unfinished file is removed: what
// quitting does.
func (a *App) stopExport() {
	if j := a.exporting; j != nil {
		j.cancel()
		<-j.done
		a.exporting = nil
	}
}

// writeExport writes the file whole or not at all (a pendingFile): an export that fails or is cut
// short leaves no file, or the one it was to replace as it was.
func writeExport(ctx context.Context, path string, overwrite bool, format report.Format, idx *index.Index, refs []index.EventRef, progress func(int)) error {
	f, err := createPending(path, overwrite, 0o644)
	if err != nil {
		return err
	}
	if err := report.Write(ctx, f, format, idx, refs, report.Options{Progress: progress}); err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}

// exportStatus is what the title line says of an export under way.
func (a *App) exportStatus() string {
	if j := a.exporting; j != nil {
		return "exporting " + j.progress()
	}
	return ""
}
