package ui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/findings"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/ui/common"
	"github.com/trailscope/trailscope/ui/incident"
	"github.com/trailscope/trailscope/ui/report"
)

// question is a yes/no question on the status line: y runs yes, any other key leaves it.
type question struct {
	text string
	yes  func() tea.Cmd
}

// ask puts a question on the status line.
func (a *App) ask(text string, yes func() tea.Cmd) {
	a.question = &question{text: text, yes: yes}
}

// answer takes the key that answers the question.
func (a *App) answer(msg tea.KeyPressMsg) tea.Cmd {
	q := a.question
	a.question = nil
	if key.Matches(msg, a.keys.Global.Yes) {
		return q.yes()
	}
	a.say("not written")
	return nil
}

// writeFile asks before overwriting path when it exists, then runs write (which writes it off the
// UI loop). what names the file in the question ("the report", "the export").
func (a *App) writeFile(path, what string, write func(path string, overwrite bool) tea.Cmd) tea.Cmd {
	path = report.ExpandHome(strings.TrimSpace(path))
	if path == "" {
		return nil
	}
	_, err := os.Stat(path)
	switch {
	case err == nil:
		a.ask(fmt.Sprintf("file exists: overwrite it with %s? y/n · %s", what, cloudtrail.Sanitize(path)),
			func() tea.Cmd { return write(path, true) })
		return nil
	case !errors.Is(err, fs.ErrNotExist):
		a.report("%s: %s", what, cloudtrail.Sanitize(err.Error()))
		return nil
	}
	return write(path, false)
}

// pendingFile is a file being written to path: a new one (never one that exists), or, to overwrite
// one, a temporary file beside it that replaces it only when complete. Either way a file at path is
// whole: Abort removes what was written and leaves an overwritten file as it was.
type pendingFile struct {
	*os.File
	path string
	tmp  bool // written beside path, renamed over it by Commit
}

// createPending opens path for writing, as a new file or (overwrite) in place of the existing one.
func createPending(path string, overwrite bool, perm os.FileMode) (*pendingFile, error) {
	if !overwrite {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if err != nil {
			return nil, err
		}
		return &pendingFile{File: f, path: path}, nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return &pendingFile{File: f, path: path, tmp: true}, nil
}

// Commit closes the file and, when it overwrites one, puts it in its place.
func (p *pendingFile) Commit() error {
	if err := p.Close(); err != nil {
		p.Abort()
		return err
	}
	if p.tmp {
		if err := os.Rename(p.Name(), p.path); err != nil {
			os.Remove(p.Name())
			return err
		}
	}
	return nil
}

// Abort closes the file and removes it.
func (p *pendingFile) Abort() {
	p.Close()
	os.Remove(p.Name())
}

// writeReport writes the incident timeline (ui/incident) of the marked events, or of the result
// when none of them is loaded, to file: HTML for a .html name, Markdown otherwise (:report).
func (a *App) writeReport(file string) tea.Cmd {
	if file == "" {
		file = "trailscope-incident-" + time.Now().UTC().Format("20060102-150405") + ".md"
	}
	format := incident.Markdown
	if ext := strings.ToLower(filepath.Ext(file)); ext == ".html" || ext == ".htm" {
		format = incident.HTML
	}
	idx, text, refs, marked := a.state.Index, a.state.Applied, a.state.Result.Refs, false
	if m := a.markedRefs(); len(m) > 0 {
		text, refs, marked = markedQuery(a.markedIDs()).String(), m, true
	}
	if len(refs) == 0 {
		a.report("nothing to report: no marked events, and the filter matches none")
		return nil
	}
	in := incident.Input{Source: a.opt.Source, Filter: text, Index: idx, Refs: refs, Marked: marked}
	return a.writeFile(file, "the report", func(path string, overwrite bool) tea.Cmd {
		what := report.Count(min(len(refs), incident.DefaultMaxEvents), "event")
		if marked {
			what = report.Count(len(refs), "marked event")
		}
		a.say(fmt.Sprintf("writing the report of %s to %s…", what, cloudtrail.Sanitize(path)))
		return func() tea.Msg {
			if err := writeIncident(path, overwrite, format, in); err != nil {
				return common.StatusMsg{Text: "report not written: " + cloudtrail.Sanitize(err.Error()), Err: true}
			}
			return common.StatusMsg{Text: fmt.Sprintf("wrote the report of %s to %s (%s)", what, cloudtrail.Sanitize(path), format)}
		}
	})
}

// writeIncident builds the document (with the findings behind its events) and writes it, 0600:
// a report says what is being investigated.
func writeIncident(path string, overwrite bool, format incident.Format, in incident.Input) error {
	in.Findings = findings.Find(in.Index, findings.Options{})
	in.Now = time.Now()
	f, err := createPending(path, overwrite, 0o600)
	if err != nil {
		return err
	}
	if err := incident.Write(f, format, incident.Build(in)); err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}

// markedRefs are the loaded events among the marked ones, oldest first.
func (a *App) markedRefs() []index.EventRef {
	ids := a.markedIDs()
	if len(ids) == 0 {
		return nil
	}
	return a.state.Index.Query(markedQuery(ids)).Refs
}

// markedQuery is the filter of the events whose IDs are ids.
func markedQuery(ids []string) filter.Query {
	return filter.Query{Terms: []filter.Term{{Field: filter.FieldID, Values: ids}}}
}
