package incident

import (
	_ "embed"
	"html/template"
	"io"
	"strings"

	"github.com/trailscope/trailscope/ui/report"
)

//go:embed report.html.tmpl
var htmlText string

// page is the HTML document: one file, its style inline, no script and nothing fetched, so that it
// opens anywhere, attached to a ticket or mailed. html/template escapes every value.
var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"stamp":  stamp,
	"list":   list,
	"lower":  strings.ToLower,
	"commas": report.Commas,
}).Parse(htmlText))

func writeHTML(w io.Writer, d Document) error { return page.Execute(w, d) }
