package detail

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/ui/common"
	"github.com/trailscope/trailscope/ui/report"
)

// record is the whole record as indented JSON, with what could drive a terminal escaped.
func (d *page) record() string { return safeIndent(d.raw) }

// safeIndent indents JSON after escaping what a terminal could act on (escaped first: the
// indentation's newlines are not to be escaped).
func safeIndent(b []byte) string {
	safe := report.SafeJSON(b)
	var buf bytes.Buffer
	if json.Indent(&buf, safe, "", "  ") != nil {
		return string(safe)
	}
	return buf.String()
}

// value is the text of the line under the cursor: a field's value, a JSON leaf's value, or a JSON
// object or array as JSON; false when the line holds none.
func (d *page) value() (string, bool) {
	if len(d.lines) == 0 {
		return "", false
	}
	l := d.lines[d.cursor]
	switch {
	case l.node != nil && (l.node.kind == 'o' || l.node.kind == 'a'):
		b, err := json.Marshal(l.node.plain())
		if err != nil {
			return "", false
		}
		return safeIndent(b), true
	case l.node != nil:
		return cloudtrail.Sanitize(l.node.value), true
	case l.kind == lineField && l.value != "":
		return cloudtrail.Sanitize(l.value), true
	}
	return "", false
}

// plain is the node as Go values, for encoding it again as JSON.
func (n *jnode) plain() any {
	switch n.kind {
	case 'o':
		m := make(map[string]any, len(n.children))
		for _, c := range n.children {
			m[c.key] = c.plain()
		}
		return m
	case 'a':
		a := make([]any, len(n.children))
		for i, c := range n.children {
			a[i] = c.plain()
		}
		return a
	case 'n':
		return json.Number(n.value)
	case 'b':
		return n.value == "true"
	case 'z':
		return nil
	}
	return n.value
}

// copyText puts text on the clipboard with OSC 52 (the terminal does it, also over SSH) and says
// what was copied.
func copyText(text, what string) tea.Cmd {
	return tea.Batch(tea.SetClipboard(text),
		common.Status(fmt.Sprintf("copied %s (%s bytes) to the clipboard (OSC 52)", what, report.Commas(len(text)))))
}

// pagerDone is the pager's end: the console is back.
type pagerDone struct {
	file string
	err  error
}

// DefaultPager is the pager when $PAGER is not set.
const DefaultPager = "less -R"

// openPager writes the record to a temporary file and opens it in $PAGER (less -R by default),
// giving it the terminal until it quits.
func (d *page) openPager() tea.Cmd {
	f, err := os.CreateTemp("", "trailscope-record-*.json")
	if err != nil {
		return common.Status("no pager: " + err.Error())
	}
	_, err = f.WriteString(d.record() + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return common.Status("no pager: " + err.Error())
	}
	args := strings.Fields(os.Getenv("PAGER"))
	if len(args) == 0 {
		args = strings.Fields(DefaultPager)
	}
	cmd := exec.Command(args[0], append(args[1:], f.Name())...)
	name := f.Name()
	return tea.ExecProcess(cmd, func(err error) tea.Msg { return pagerDone{file: name, err: err} })
}
