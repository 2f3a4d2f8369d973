package report

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/trailscope/trailscope/model/coverage"
)

// TestCoverageLinesFitTheWidth: the table of spans writes its times shorter until it fits the width it
// is given (the console's), and to the second when it is given none (`trailscope coverage`).
func TestCoverageLinesFitTheWidth(t *testing.T) {
	day := time.Date(2026, 3, 2, 0, 4, 25, 0, time.UTC)
	r := coverage.Report{Events: 4000, First: day, Last: day.Add(7 * 24 * time.Hour), Gap: time.Hour, Spans: []coverage.Span{
		{Account: "322438300731", Region: "ap-northeast-1", First: day, Last: day.Add(7 * 24 * time.Hour), Events: 2157},
		{Account: "322438300731", Region: "us-east-2", First: day.Add(27 * time.Hour), Last: day.Add(6 * 24 * time.Hour), Events: 157,
			Gaps: []coverage.Gap{{From: day.Add(28 * time.Hour), To: day.Add(52 * time.Hour)}, {From: day.Add(53 * time.Hour), To: day.Add(77 * time.Hour)}}},
	}}
	table := func(lines []string) []string {
		var rows []string
		for _, l := range lines {
			if strings.HasPrefix(l, "  322438300731  ") || strings.Contains(l, "ACCOUNT") {
				rows = append(rows, l)
			}
		}
		if len(rows) != 3 {
			t.Fatalf("no table of spans in:\n%s", strings.Join(lines, "\n"))
		}
		return rows
	}
	for _, c := range []struct {
		width int
		stamp string // the first span's FROM as written
	}{
		{0, "2026-03-02 00:04:25"},
		{120, "2026-03-02 00:04:25"},
		{86, "2026-03-02 00:04 "},
		{78, "03-02 00:04 "},
	} {
		rows := table(CoverageLines(r, c.width))
		for _, row := range rows {
			if c.width > 0 && ansi.StringWidth(row) > c.width {
				t.Errorf("width %d: a row of %d cells: %q", c.width, ansi.StringWidth(row), row)
			}
		}
		if !strings.Contains(rows[1], c.stamp) || !strings.Contains(rows[2], "2 (2d)") {
			t.Errorf("width %d: %q, want the time as %q and the gaps as 2 (2d)", c.width, rows[1], c.stamp)
		}
	}
}
