package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/coverage"
)

// maxGapsShown keeps a span with many silences to a few lines in the table; JSON has them all.
const maxGapsShown = 5

// CoverageLines says what the loaded records cover, in lines for a terminal (sanitised): the spans by
// account and region with their gaps, data and Insights events, and the trails with their changes.
// The console's coverage view and `trailscope coverage` both show them. With a width (0: any), the
// table of spans is fitted to it by writing its times shorter (to the minute, then without the year);
// the lines of prose are the caller's to wrap.
func CoverageLines(r coverage.Report, width int) []string {
	s := cloudtrail.Sanitize
	if r.Events == 0 {
		return []string{"No events loaded."}
	}
	out := []string{fmt.Sprintf("%s from %s to %s (%s).", Count(r.Events, "event"), Stamp(r.First), Stamp(r.Last), Span(r.Last.Sub(r.First))), ""}

	out = append(out, fmt.Sprintf("By account and region (gaps: no event for over %s; how many, and how long in all):", Span(r.Gap)))
	var table []string
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "01-02 15:04"} {
		stamp := func(t time.Time) string { return t.UTC().Format(layout) }
		rows := [][]string{{"ACCOUNT", "REGION", "FROM", "TO", "EVENTS", "GAPS"}}
		for _, sp := range r.Spans {
			gaps := "none"
			if n := len(sp.Gaps); n > 0 {
				var total time.Duration
				for _, g := range sp.Gaps {
					total += g.Length()
				}
				gaps = fmt.Sprintf("%d (%s)", n, Span(total))
			}
			rows = append(rows, []string{s(orNone(sp.Account)), s(orNone(sp.Region)), stamp(sp.First), stamp(sp.Last), Commas(sp.Events), gaps})
		}
		table = aligned(rows, "  ")
		if width <= 0 || slices.IndexFunc(table, func(l string) bool { return ansi.StringWidth(l) > width }) < 0 {
			break
		}
	}
	out = append(out, table...)
	for _, sp := range r.Spans {
		for i, g := range sp.Gaps {
			if i == maxGapsShown {
				out = append(out, fmt.Sprintf("    ... and %d more gaps", len(sp.Gaps)-maxGapsShown))
				break
			}
			out = append(out, fmt.Sprintf("  %s %s: nothing from %s to %s (%s)", s(orNone(sp.Account)), s(orNone(sp.Region)), Stamp(g.From), Stamp(g.To), Span(g.Length())))
		}
	}
	out = append(out, "")

	if len(r.Data) == 0 {
		out = append(out, "Data events: none. Object reads and writes (GetObject, PutObject, DeleteObject), Lambda Invoke and",
			"DynamoDB item calls are logged only when a trail's selectors ask for them: their absence here means nothing.")
	} else {
		out = append(out, "Data events (before their first one, their absence means nothing):")
		for _, d := range r.Data {
			out = append(out, fmt.Sprintf("  %-28s %s from %s to %s", s(d.Source), Count(d.Events, "event"), Stamp(d.First), Stamp(d.Last)))
		}
	}
	if r.Insights > 0 {
		out = append(out, fmt.Sprintf("Insights events: %s.", Commas(r.Insights)))
	} else {
		out = append(out, "Insights events: none.")
	}
	out = append(out, "")

	if len(r.Trails) == 0 {
		out = append(out, "Trails: no trail was created, changed, started, stopped or deleted in these records.")
		return out
	}
	out = append(out, "Trails changed in these records:")
	for _, t := range r.Trails {
		out = append(out, "  "+s(t.Name))
		for _, c := range t.Changes {
			out = append(out, fmt.Sprintf("    %s  %-18s %-24s %s", Stamp(c.Time), c.Event, s(c.By), s(c.Summary())))
		}
	}
	return out
}

// WriteCoverage writes the coverage: CoverageLines for a terminal, or one JSON object.
func WriteCoverage(w io.Writer, f Format, r coverage.Report) error {
	bw := bufio.NewWriter(w)
	if f == JSON {
		b, err := json.Marshal(coverageJSON(r))
		if err != nil {
			return err
		}
		bw.Write(append(SafeJSON(b), '\n'))
	} else {
		for _, l := range CoverageLines(r, 0) {
			bw.WriteString(strings.TrimRight(l, " ") + "\n")
		}
	}
	return bw.Flush()
}

// coverageJSON is the JSON form of a coverage report.
func coverageJSON(r coverage.Report) any {
	type change struct {
		Time    time.Time `json:"time"`
		Event   string    `json:"event"`
		By      string    `json:"by"`
		Failed  string    `json:"failed,omitempty"`
		Summary string    `json:"summary"`
		Data    []string  `json:"dataEventsOn,omitempty"`
	}
	type trail struct {
		Name    string   `json:"name"`
		Changes []change `json:"changes"`
	}
	type gap struct {
		From    time.Time `json:"from"`
		To      time.Time `json:"to"`
		Seconds int64     `json:"seconds"`
	}
	type span struct {
		Account string    `json:"account"`
		Region  string    `json:"region"`
		From    time.Time `json:"from"`
		To      time.Time `json:"to"`
		Events  int       `json:"events"`
		Gaps    []gap     `json:"gaps"`
	}
	type data struct {
		Source string    `json:"source"`
		Events int       `json:"events"`
		From   time.Time `json:"from"`
		To     time.Time `json:"to"`
	}
	out := struct {
		Events     int       `json:"events"`
		From       time.Time `json:"from"`
		To         time.Time `json:"to"`
		GapSeconds int64     `json:"gapSeconds"`
		Spans      []span    `json:"spans"`
		Data       []data    `json:"dataEvents"`
		Insights   int       `json:"insightsEvents"`
		Trails     []trail   `json:"trails"`
	}{Events: r.Events, From: r.First, To: r.Last, GapSeconds: int64(r.Gap.Seconds()), Insights: r.Insights,
		Spans: []span{}, Data: []data{}, Trails: []trail{}}
	for _, sp := range r.Spans {
		js := span{Account: sp.Account, Region: sp.Region, From: sp.First, To: sp.Last, Events: sp.Events, Gaps: []gap{}}
		for _, g := range sp.Gaps {
			js.Gaps = append(js.Gaps, gap{g.From, g.To, int64(g.Length().Seconds())})
		}
		out.Spans = append(out.Spans, js)
	}
	for _, d := range r.Data {
		out.Data = append(out.Data, data{d.Source, d.Events, d.First, d.Last})
	}
	for _, t := range r.Trails {
		jt := trail{Name: t.Name}
		for _, c := range t.Changes {
			jt.Changes = append(jt.Changes, change{c.Time, c.Event, c.By, c.Failed, c.Summary(), c.Data})
		}
		out.Trails = append(out.Trails, jt)
	}
	return out
}

// Stamp writes a time for people, in UTC to the second.
func Stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") }

// Span writes a duration for people: "55m", "3h20m", "2d4h".
func Span(d time.Duration) string {
	d = d.Round(time.Minute)
	switch {
	case d < time.Minute:
		return "under a minute"
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		h, m := int(d.Hours()), int(d.Minutes())%60
		if m == 0 {
			return fmt.Sprintf("%dh", h)
		}
		return fmt.Sprintf("%dh%02dm", h, m)
	}
	days, h := int(d.Hours())/24, int(d.Hours())%24
	if h == 0 {
		return fmt.Sprintf("%dd", days)
	}
	return fmt.Sprintf("%dd%dh", days, h)
}

func orNone(s string) string {
	if s == "" {
		return NoValue
	}
	return s
}

// aligned pads the cells of rows into columns separated by sep, the first row a header.
func aligned(rows [][]string, sep string) []string {
	var widths []int
	for _, row := range rows {
		for i, c := range row {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	out := make([]string, len(rows))
	for i, row := range rows {
		var b strings.Builder
		b.WriteString("  ")
		for j, c := range row {
			b.WriteString(c)
			if j < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[j]-len([]rune(c))) + sep)
			}
		}
		out[i] = b.String()
	}
	return out
}
