// Package report writes query results for people and programs: an aligned table for the terminal,
// JSON lines of the raw records for jq, and CSV for spreadsheets. `trailscope query` and the
// console's export share it.
package report

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/trailscope/trailscope/model/catalog"
	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/index"
)

// Format is an output format.
type Format string

// The formats.
const (
	Table Format = "table"
	JSON  Format = "json"
	CSV   Format = "csv"
)

// ParseFormat checks a --format value.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case Table, JSON, CSV:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q: use table, json or csv", s)
}

// Options tunes Write.
type Options struct {
	// Explain adds what each call does and why an investigator cares (the event catalog) as a last
	// column of the table and the CSV. JSON lines stay the raw records.
	Explain bool
	// Terminal says w is a terminal: JSON lines escape what a terminal could act on (SafeJSON)
	// instead of being the records byte for byte.
	Terminal bool
	// Progress, when set, is called with the number of events written so far, after each one.
	Progress func(done int)
}

// Write writes the events refs of idx to w in format f, until done or ctx ends.
func Write(ctx context.Context, w io.Writer, f Format, idx *index.Index, refs []index.EventRef, opt Options) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	switch f {
	case JSON:
		err = writeJSON(ctx, bw, idx, refs, opt)
	case CSV:
		err = writeCSV(ctx, bw, idx, refs, opt)
	default:
		err = writeTable(ctx, bw, idx, refs, opt)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// Columns are the columns of the table and the CSV, in order.
var Columns = []string{"time", "event", "principal", "resource", "source_ip", "region", "error"}

// Row returns an event's cells, sanitised for a terminal.
func Row(r cloudtrail.Record) []string {
	return []string{
		r.Time.Format("2006-01-02T15:04:05Z"),
		cloudtrail.Sanitize(r.Name),
		cloudtrail.Sanitize(r.Identity.Principal),
		cloudtrail.Sanitize(ResourceCell(r.Resources)),
		cloudtrail.Sanitize(r.SourceIP),
		cloudtrail.Sanitize(r.Region),
		cloudtrail.Sanitize(r.ErrorCode),
	}
}

// cellResources is how many resources a cell names before it counts the rest.
const cellResources = 3

// ResourceCell names an event's resources in one cell: up to three, and how many more. The user and
// the access key of a CreateAccessKey both show.
func ResourceCell(res []cloudtrail.Resource) string {
	ids := make([]string, 0, min(len(res), cellResources))
	for _, r := range res[:min(len(res), cellResources)] {
		ids = append(ids, r.ID)
	}
	s := strings.Join(ids, ", ")
	if n := len(res) - cellResources; n > 0 {
		s += fmt.Sprintf(" +%d", n)
	}
	return s
}

// ResourceList names every resource of an event, for the CSV.
func ResourceList(res []cloudtrail.Resource) string {
	ids := make([]string, len(res))
	for i, r := range res {
		ids[i] = r.ID
	}
	return strings.Join(ids, ", ")
}

// maxWidth caps a table column: longer cells are cut as tableCuts says.
var maxWidth = []int{20, 40, 56, 60, 39, 16, 32}

// tableCuts fits the cells too long for their columns: a principal to its role and session, a resource
// (an ARN, an S3 key: their tail tells them apart) in the middle, the others at the end.
var tableCuts = []cut{nil, nil, CutPrincipal, CutMiddle}

func writeTable(ctx context.Context, w io.Writer, idx *index.Index, refs []index.EventRef, opt Options) error {
	columns, widest := Columns, maxWidth
	if opt.Explain {
		columns, widest = append(columns[:len(columns):len(columns)], "explanation"), append(widest[:len(widest):len(widest)], 80)
	}
	rows := make([][]string, len(refs))
	for i, ref := range refs {
		if i%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		r := idx.Record(ref)
		rows[i] = Row(r)
		if opt.Explain {
			rows[i] = append(rows[i], Explanation(r))
		}
	}
	if err := writeRows(w, columns, widest, tableCuts, rows); err != nil {
		return err
	}
	if opt.Progress != nil {
		opt.Progress(len(refs))
	}
	return nil
}

// Explanation says what an event's call does and why it matters, from the event catalog; for a
// call the catalog does not know, only its service.
func Explanation(r cloudtrail.Record) string {
	if e, ok := catalog.Explain(r.Source, r.Name); ok {
		return e.Summary + " " + e.Why + " [" + string(e.Tactic) + "]"
	}
	return cloudtrail.Sanitize(catalog.ServiceName(r.Source)) + " call (not in the catalog)"
}

// cut fits a cell into a width.
type cut func(s string, width int) string

// writeRows writes rows under a header of columns, each column as wide as its widest cell up to
// its cap in widest; longer cells are cut by the column's cut in cuts, at the end with an ellipsis
// when it has none.
func writeRows(w io.Writer, columns []string, widest []int, cuts []cut, rows [][]string) error {
	widths := make([]int, len(columns))
	header := make([]string, len(columns))
	for i, c := range columns {
		widths[i] = len(c)
		header[i] = strings.ToUpper(c)
	}
	for _, row := range rows {
		for j, cell := range row {
			widths[j] = max(widths[j], min(ansi.StringWidth(cell), widest[j]))
		}
	}
	if err := writeAligned(w, header, widths, nil); err != nil {
		return err
	}
	for _, row := range rows {
		if err := writeAligned(w, row, widths, cuts); err != nil {
			return err
		}
	}
	return nil
}

// Count counts things for people: "1 problem", "2,900 events".
func Count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return Commas(n) + " " + thing + "s"
}

// Commas writes a number with thousands separators: "1,000,000".
func Commas(n int) string {
	if n < 0 {
		return "-" + Commas(-n)
	}
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func writeAligned(w io.Writer, cells []string, widths []int, cuts []cut) error {
	var b strings.Builder
	for i, cell := range cells {
		if i < len(cuts) && cuts[i] != nil {
			cell = cuts[i](cell, widths[i])
		} else {
			cell = ansi.Truncate(cell, widths[i], "…")
		}
		b.WriteString(cell)
		if i < len(cells)-1 {
			b.WriteString(strings.Repeat(" ", widths[i]-ansi.StringWidth(cell)+2))
		}
	}
	b.WriteByte('\n')
	_, err := io.WriteString(w, strings.TrimRight(b.String(), " \n")+"\n")
	return err
}

// writeJSON writes one raw record per line, as its source wrote it: the same bytes, so that a
// record's hash matches the archive's (LookupEvents' CloudTrailEvent strings, unescaped once, are
// their original text). Only a record written over several lines (a pretty-printed file) loses its
// line breaks and indentation, which JSON lines cannot hold. The records are read in bulk (each file
// once) and written as they come, oldest first: the first lines go out before the last file is read.
func writeJSON(ctx context.Context, w *bufio.Writer, idx *index.Index, refs []index.EventRef, opt Options) error {
	var buf bytes.Buffer
	return idx.RawEach(ctx, refs, func(i int, raw []byte) error {
		line := raw
		if bytes.IndexByte(raw, '\n') >= 0 || bytes.IndexByte(raw, '\r') >= 0 {
			buf.Reset()
			if err := json.Compact(&buf, raw); err != nil {
				return fmt.Errorf("event %s: %w", idx.Record(refs[i]).EventID, err)
			}
			line = buf.Bytes()
		}
		if opt.Terminal {
			line = SafeJSON(line)
		}
		if _, err := w.Write(line); err != nil {
			return err
		}
		if err := w.WriteByte('\n'); err != nil {
			return err
		}
		if opt.Progress != nil {
			opt.Progress(i + 1)
		}
		return nil
	})
}

// SafeJSON returns JSON with every character a terminal could act on escaped as \uXXXX: the same
// JSON value, safe to print. Bytes that are not UTF-8 become U+FFFD.
func SafeJSON(b []byte) []byte {
	if utf8.Valid(b) && cloudtrail.Sanitize(string(b)) == string(b) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			out = append(out, `\ufffd`...)
		case r < 0x20 || r == 0x7f || cloudtrail.Sanitize(string(r)) != string(r):
			out = fmt.Appendf(out, `\u%04x`, r)
		default:
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}

func writeCSV(ctx context.Context, w io.Writer, idx *index.Index, refs []index.EventRef, opt Options) error {
	cw := csv.NewWriter(w)
	header := append(append([]string(nil), Columns...), "event_id", "source", "account", "access_key", "user_agent", "error_message")
	if opt.Explain {
		header = append(header, "explanation")
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for i, ref := range refs {
		if i%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		r := idx.Record(ref)
		row := Row(r)
		row[3] = cloudtrail.Sanitize(ResourceList(r.Resources)) // a file holds every resource
		row = append(row,
			r.EventID, cloudtrail.Sanitize(r.Source), r.Account, cloudtrail.Sanitize(r.Identity.AccessKey),
			cloudtrail.Sanitize(r.UserAgent), cloudtrail.Sanitize(r.ErrorMessage))
		if opt.Explain {
			row = append(row, Explanation(r))
		}
		for i, cell := range row {
			row[i] = CSVCell(cell)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
		if opt.Progress != nil {
			opt.Progress(i + 1)
		}
	}
	cw.Flush()
	return cw.Error()
}

// CSVCell defuses formula injection: a cell a spreadsheet would evaluate (starting with = + - @, or
// a tab or carriage return) is prefixed with an apostrophe, which spreadsheets show as text.
func CSVCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
