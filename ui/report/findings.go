package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/trailscope/trailscope/model/catalog"
	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/findings"
	"github.com/trailscope/trailscope/model/index"
)

// ParseFindingsFormat checks a --format value of `trailscope findings`: table or json.
func ParseFindingsFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case Table, JSON:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q: use table or json", s)
}

// FindingColumns are the columns of the findings table, in order.
var FindingColumns = []string{"severity", "rule", "principal", "behind", "count", "first", "last", "title"}

// findingWidth caps the findings table's columns; long principals and titles are cut with an ellipsis.
var findingWidth = []int{8, 30, 56, 32, 6, 20, 20, 100}

// findingCuts fits the findings table's principals: who made the calls, and who is behind them.
var findingCuts = []cut{nil, nil, CutPrincipal, CutPrincipal}

// PrincipalCell names who made a finding's calls: its principal, or for a finding about an address
// (failed sign-ins from one IP) the address.
func PrincipalCell(f findings.Finding) string {
	if f.Principal == "" && len(f.SourceIPs) > 0 {
		return "from " + strings.Join(f.SourceIPs, ", ")
	}
	return f.Principal
}

// BehindCell names who is behind a session, as the credential chain says; empty when nobody else is.
func BehindCell(f findings.Finding) string {
	if f.Origin == f.Principal {
		return ""
	}
	return f.Origin
}

// FindingRow returns a finding's cells, sanitised for a terminal.
func FindingRow(f findings.Finding) []string {
	return []string{
		f.Severity.String(),
		f.Rule,
		cloudtrail.Sanitize(PrincipalCell(f)),
		cloudtrail.Sanitize(BehindCell(f)),
		strconv.Itoa(f.Count),
		f.First.Format("2006-01-02T15:04:05Z"),
		f.Last.Format("2006-01-02T15:04:05Z"),
		cloudtrail.Sanitize(f.Title),
	}
}

// WriteFindings writes findings to w: an aligned table, or JSON lines (one finding per line, with its
// rationale, credential chain, filter and event IDs) for scripts.
func WriteFindings(w io.Writer, f Format, idx *index.Index, findings []findings.Finding) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	if f == JSON {
		err = writeFindingsJSON(bw, idx, findings)
	} else {
		err = writeFindingsTable(bw, findings)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

func writeFindingsTable(w io.Writer, findings []findings.Finding) error {
	rows := make([][]string, len(findings))
	for i, f := range findings {
		rows[i] = FindingRow(f)
	}
	return writeRows(w, FindingColumns, findingWidth, findingCuts, rows)
}

// findingJSON is a finding as `trailscope findings --format json` writes it.
type findingJSON struct {
	Rule      string    `json:"rule"`
	Severity  string    `json:"severity"`
	Title     string    `json:"title"`
	Rationale string    `json:"rationale"`
	Tactic    string    `json:"tactic"`
	Principal string    `json:"principal,omitempty"`
	Origin    string    `json:"origin,omitempty"`
	Chain     []string  `json:"chain,omitempty"`
	SourceIPs []string  `json:"source_ips,omitempty"`
	Count     int       `json:"count"`
	Failed    int       `json:"failed"`
	First     time.Time `json:"first"`
	Last      time.Time `json:"last"`
	Filter    string    `json:"filter"`
	EventIDs  []string  `json:"event_ids"`
}

// maxJSONEventIDs caps the event IDs a finding lists in JSON; the filter selects them all.
const maxJSONEventIDs = 1000

func writeFindingsJSON(w io.Writer, idx *index.Index, findings []findings.Finding) error {
	for _, f := range findings {
		out := findingJSON{
			Rule: f.Rule, Severity: f.Severity.String(), Title: f.Title, Rationale: f.Rationale,
			Tactic: string(f.Tactic), Principal: f.Principal, Origin: f.Origin, Chain: f.Chain,
			SourceIPs: f.SourceIPs, Count: f.Count, Failed: f.Failed, First: f.First, Last: f.Last,
			Filter: f.Filter, EventIDs: make([]string, 0, min(len(f.Refs), maxJSONEventIDs)),
		}
		for _, ref := range f.Refs[:min(len(f.Refs), maxJSONEventIDs)] {
			out.EventIDs = append(out.EventIDs, idx.Record(ref).EventID)
		}
		b, err := json.Marshal(out)
		if err != nil {
			return err
		}
		if _, err := w.Write(SafeJSON(b)); err != nil {
			return err
		}
		if _, err := io.WriteString(w, "\n"); err != nil {
			return err
		}
	}
	return nil
}

// FindingsSummary says how many findings there are of each severity, most severe first:
// "12 findings: 1 critical, 4 high, 7 medium".
func FindingsSummary(findings []findings.Finding) string {
	counts := map[catalog.Severity]int{}
	for _, f := range findings {
		counts[f.Severity]++
	}
	var parts []string
	for s := catalog.SeverityCritical; ; s-- {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
		if s == catalog.SeverityInfo {
			break
		}
	}
	noun := "findings"
	if len(findings) == 1 {
		noun = "finding"
	}
	if len(parts) == 0 {
		return "no findings"
	}
	return fmt.Sprintf("%d %s: %s", len(findings), noun, strings.Join(parts, ", "))
}
