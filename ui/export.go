package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/model"
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
	idx, refs := a.idx, a.result.Refs
	a.status, a.statusErr = fmt.Sprintf("exporting %s events to %s…", report.Commas(len(refs)), model.Sanitize(path)), false
	return func() tea.Msg {
		err := writeExport(path, format, idx, refs)
		if err != nil {
			return statusMsg{text: "export failed: " + model.Sanitize(err.Error()), err: true}
		}
		return statusMsg{text: fmt.Sprintf("exported %s events to %s (%s)", report.Commas(len(refs)), model.Sanitize(path), format)}
	}
}

func writeExport(path string, format report.Format, idx *model.Index, refs []model.EventRef) (err error) {
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
