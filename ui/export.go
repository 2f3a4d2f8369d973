package ui

import (
	"fmt"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/ui/common"
	"github.com/trailscope/trailscope/ui/report"
)

// export writes the result on screen to path (overwrite: in place of the file there, once the
// user said yes), off the UI loop: CSV for a .csv name, JSON lines of the raw records otherwise,
// the formats of `trailscope query`.
func (a *App) export(path string, overwrite bool) tea.Cmd {
	path = strings.TrimSpace(path)
	if path == "" {
		return nil
	}
	format := report.JSON
	if strings.EqualFold(filepath.Ext(path), ".csv") {
		format = report.CSV
	}
	idx, refs := a.state.Index, a.state.Result.Refs
	a.say(fmt.Sprintf("exporting %s events to %s…", report.Commas(len(refs)), cloudtrail.Sanitize(path)))
	return func() tea.Msg {
		err := writeExport(path, overwrite, format, idx, refs)
		if err != nil {
			return common.StatusMsg{Text: "export failed: " + cloudtrail.Sanitize(err.Error()), Err: true}
		}
		return common.StatusMsg{Text: fmt.Sprintf("exported %s events to %s (%s)", report.Commas(len(refs)), cloudtrail.Sanitize(path), format)}
	}
}

// writeExport writes the file whole or not at all (a pendingFile): a failed export leaves no file,
// or the one it was to replace as it was.
func writeExport(path string, overwrite bool, format report.Format, idx *index.Index, refs []index.EventRef) error {
	f, err := createPending(path, overwrite, 0o644)
	if err != nil {
		return err
	}
	if err := report.Write(f, format, idx, refs, report.Options{}); err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}
