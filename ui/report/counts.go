package report

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/index"
)

// NoValue is how a count shows the events that have no value for the field.
const NoValue = "(none)"

// WriteCounts writes a breakdown of events by a field's values (Index.CountBy), largest first: a table
// of value and count, JSON lines {"value", "count"} (the empty value stays empty), or CSV.
func WriteCounts(w io.Writer, f Format, field string, counts []index.ValueCount) error {
	bw := bufio.NewWriter(w)
	switch f {
	case JSON:
		for _, c := range counts {
			line := struct {
				Value string `json:"value"`
				Count int    `json:"count"`
			}{c.Value, c.Count}
			b, err := json.Marshal(line)
			if err != nil {
				return err
			}
			if _, err := bw.Write(append(SafeJSON(b), '\n')); err != nil {
				return err
			}
		}
	case CSV:
		cw := csv.NewWriter(bw)
		if err := cw.Write([]string{field, "count"}); err != nil {
			return err
		}
		for _, c := range counts {
			if err := cw.Write([]string{CSVCell(cloudtrail.Sanitize(c.Value)), strconv.Itoa(c.Count)}); err != nil {
				return err
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	default:
		rows := make([][]string, len(counts))
		for i, c := range counts {
			v := cloudtrail.Sanitize(c.Value)
			if v == "" {
				v = NoValue
			}
			rows[i] = []string{v, Commas(c.Count)}
		}
		if err := writeRows(bw, []string{field, "count"}, []int{100, 12}, []cut{CutMiddle}, rows); err != nil {
			return err
		}
	}
	return bw.Flush()
}
