package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/ui/common"
	"github.com/trailscope/trailscope/ui/report"
)

// export writes the result on screen to path, off the UI loop: CSV for a .csv name, JSON lines of
// the raw records otherwise, the formats of `trailscope query`.
func (a *App) export(path string) tea.Cmd {
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
		err := writeExport(path, format, idx, refs)
		if err != nil {
			return common.StatusMsg{Text: "export failed: " + cloudtrail.Sanitize(err.Error()), Err: true}
		}
		return common.StatusMsg{Text: fmt.Sprintf("exported %s events to %s (%s)", report.Commas(len(refs)), cloudtrail.Sanitize(path), format)}
	}
}

func writeExport(path string, format report.Format, idx *index.Index, refs []index.EventRef) (err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	return report.Write(context.Background(), f, format, idx, refs, report.Options{})
}
