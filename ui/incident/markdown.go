package incident

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/trailscope/trailscope/ui/report"
)

// stamp is how documents write a time: UTC, to the second, with its zone.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}

// cell makes a string safe in a Markdown table cell: no pipes, no line breaks, no markup.
func cell(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '|', '\\', '`', '*', '_', '[', ']', '<', '>', '#':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n', '\r', '\t':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// code puts a string in an inline code span, with a fence longer than any run of backticks in it.
func code(s string) string {
	if s == "" {
		return ""
	}
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	return fence + " " + strings.NewReplacer("\n", " ", "|", "\\|").Replace(s) + " " + fence
}

func writeMarkdown(w io.Writer, d Document) error {
	b := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	p("# %s\n\n", cell(d.Title))
	p("Generated %s by trailscope from %s.\n\n", stamp(d.Generated), cell(d.Source))
	if d.Filter != "" {
		p("Filter: %s\n\n", code(d.Filter))
	}
	c := d.Coverage
	p("## What the data covers\n\n")
	p("- %s events loaded, from %s to %s\n", report.Commas(c.Loaded), stamp(c.Oldest), stamp(c.Newest))
	p("- Accounts: %s\n", cell(list(c.Accounts)))
	p("- Regions: %s\n", cell(list(c.Regions)))
	p("- What the loaded logs do not hold did not necessarily not happen: a trail logs only the events it was set to record.\n\n")

	p("## Findings\n\n")
	if len(d.Findings) == 0 {
		p("No finding of trailscope's rules involves these events.\n\n")
	} else {
		p("| severity | rule | principal | behind | events | first | last | what |\n|---|---|---|---|---:|---|---|---|\n")
		for _, f := range d.Findings {
			p("| %s | %s | %s | %s | %d | %s | %s | %s |\n", f.Severity, cell(f.Rule), cell(f.Principal), cell(f.Behind),
				f.Count, stamp(f.First), stamp(f.Last), cell(f.Title))
		}
		p("\n")
	}

	p("## Timeline\n\n")
	what := "events matching the filter"
	if d.Marked {
		what = "events marked by the investigator"
	}
	p("%d %s, oldest first", d.Total, what)
	if len(d.Events) < d.Total {
		p(" (the first %d shown)", len(d.Events))
	}
	p(". Times are UTC.\n\n")
	p("| time | principal | behind | call | resource | source IP | error | what it does |\n|---|---|---|---|---|---|---|---|\n")
	for _, e := range d.Events {
		p("| %s | %s | %s | %s | %s | %s | %s | %s |\n", stamp(e.Time), cell(e.Principal), cell(e.Behind),
			cell(e.Service+":"+e.Call), cell(e.Resource), cell(e.SourceIP), cell(e.Error), cell(e.Explanation))
	}
	p("\n## Principals\n\n| principal | behind | events | keys |\n|---|---|---:|---|\n")
	for _, pr := range d.Principals {
		p("| %s | %s | %d | %s |\n", cell(pr.Name), cell(pr.Behind), pr.Events, cell(list(pr.Keys)))
	}
	p("\n## Access keys\n\n| key | used by | events | minted by |\n|---|---|---:|---|\n")
	for _, k := range d.Keys {
		p("| %s | %s | %d | %s |\n", cell(k.ID), cell(k.UsedBy), k.Events, cell(k.MintedBy))
	}
	return b.Flush()
}

func list(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	return strings.Join(items, ", ")
}
