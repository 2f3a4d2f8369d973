package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/integrity"
)

// IntegrityColumns are the columns of `trailscope verify`'s table, in order.
var IntegrityColumns = []string{"status", "kind", "file", "digest", "why"}

// integrityCuts cuts the integrity table's files and digests in the middle: their names differ at the
// end.
var integrityCuts = []cut{nil, nil, CutMiddle, CutMiddle}

// integrityWidth caps the columns; a path is never cut (its end is what tells files apart).
var integrityWidth = []int{14, 6, 1000, 80, 160}

// IntegrityRow returns a verdict's cells, sanitised for a terminal. The vouching digest is named
// by its file name: its folder is the archive's.
func IntegrityRow(r integrity.Result) []string {
	digest := ""
	if r.Digest != "" {
		digest = path.Base(r.Digest)
	}
	return []string{string(r.Status), string(r.Kind), cloudtrail.Sanitize(r.File), cloudtrail.Sanitize(digest), cloudtrail.Sanitize(r.Reason)}
}

// integrityJSON is one line of `trailscope verify --format json`.
type integrityJSON struct {
	File   string `json:"file"`
	Kind   string `json:"kind"`
	Status string `json:"status"`
	Digest string `json:"digest,omitempty"`
	Chain  string `json:"chain,omitempty"`
	Time   string `json:"time,omitempty"`
	Reason string `json:"reason"`
}

// WriteIntegrity writes verdicts: an aligned table, or JSON lines (one file per line) for scripts.
func WriteIntegrity(w io.Writer, f Format, results []integrity.Result) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if f == JSON {
		for _, r := range results {
			line := integrityJSON{File: r.File, Kind: string(r.Kind), Status: string(r.Status), Digest: r.Digest, Chain: r.Chain, Reason: r.Reason}
			if !r.Time.IsZero() {
				line.Time = r.Time.UTC().Format(time.RFC3339)
			}
			b, err := json.Marshal(line)
			if err != nil {
				return err
			}
			bw.Write(SafeJSON(b))
			bw.WriteByte('\n')
		}
	} else {
		rows := make([][]string, len(results))
		for i, r := range results {
			rows[i] = IntegrityRow(r)
		}
		if err := writeRows(bw, IntegrityColumns, integrityWidth, integrityCuts, rows); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// IntegritySummary counts verdicts for people: "48 digests: 46 valid, 1 digest-missing, 1
// unverifiable; 560 log files: 556 valid, 1 modified, ...".
func IntegritySummary(r integrity.Report) string {
	var parts []string
	for _, k := range []integrity.Kind{integrity.KindDigest, integrity.KindLog} {
		total := 0
		var counts []string
		for _, s := range integrity.Statuses {
			if n := r.Count(k, s); n > 0 {
				total += n
				counts = append(counts, fmt.Sprintf("%s %s", Commas(n), s))
			}
		}
		thing := "digest"
		if k == integrity.KindLog {
			thing = "log file"
		}
		if total == 0 {
			counts = []string{"none"}
		}
		parts = append(parts, Count(total, thing)+": "+strings.Join(counts, ", "))
	}
	return Count(len(r.Chains), "chain") + ", " + strings.Join(parts, "; ")
}
