package athena

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/trailscope/trailscope/model/cloudtrail"
)

// The results of a query are kept like LookupEvents pages (cachedir: CloudTrail delivery files,
// 0600 in 0700 folders, written atomically), one folder per SQL: <root>/<key>/page-NNNNN.json.gz,
// and done.json, written last, which says the pages are complete. The same SQL over a settled
// window (its end further back than the delivery margin) is answered from there, without running
// a query or paying for one.

// manifest is done.json.
type manifest struct {
	QueryID      string    `json:"queryId"`
	SQL          string    `json:"sql"`
	Pages        int       `json:"pages"`
	Rows         int       `json:"rows"`
	Scanned      int64     `json:"dataScannedInBytes"`
	LimitReached bool      `json:"limitReached"`
	At           time.Time `json:"at"`
}

const manifestName = "done.json"

// cacheKey names the folder of a query's results: the same SQL on the same table (the same catalog,
// region and S3 location: two accounts may have tables of the same name) has the same results.
func cacheKey(region string, n TableName, location, sql string) string {
	h := sha256.New()
	for _, s := range []string{region, n.Catalog, n.String(), location, sql} {
		fmt.Fprintf(h, "%d:%s\n", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

func (s *Session) cacheDir() string { return filepath.Join(s.cache.Root, s.key) }

func pageName(page int) string { return fmt.Sprintf("page-%05d.json.gz", page) }

// fromCache sends the cached results of this SQL, if there are complete ones. ok is false when the
// query must run; a broken cache entry is discarded.
func (s *Session) fromCache(ctx context.Context, send func(cloudtrail.Batch, bool)) (ok bool, err error) {
	if s.cache == nil {
		return false, nil
	}
	dir := s.cacheDir()
	data, err := os.ReadFile(filepath.Join(dir, manifestName))
	if err != nil {
		return false, nil
	}
	var m manifest
	if json.Unmarshal(data, &m) != nil || m.SQL != s.Plan.SQL || m.Pages < 0 {
		s.cache.RemoveAll(dir)
		return false, nil
	}
	s.update(func(st *Stats) {
		*st = Stats{QueryID: m.QueryID, State: "cache", Scanned: m.Scanned, LimitReached: m.LimitReached}
	})
	s.log("Athena query %s of %s: results from the cache (%d rows; `trailscope cache clear` forgets them)",
		m.QueryID, m.At.Local().Format("2006-01-02 15:04"), m.Rows)
	rows := 0
	for page := 1; page <= m.Pages; page++ {
		recs, probs, err := readPages(ctx, []string{filepath.Join(dir, pageName(page))})
		if err != nil {
			return true, err
		}
		if len(probs) > 0 {
			// A page that cannot be read back: run the query again (what was sent stays, the index
			// drops the duplicates).
			s.cache.RemoveAll(dir)
			s.log("Athena cache of query %s is broken (%s): running the query again", m.QueryID, probs[0])
			s.update(func(st *Stats) { *st = Stats{} })
			return false, nil
		}
		rows += len(recs)
		s.update(func(st *Stats) { st.Rows, st.Pages = rows, page })
		send(cloudtrail.Batch{Records: recs}, page == m.Pages)
	}
	if m.Pages == 0 {
		send(cloudtrail.Batch{}, true)
	}
	return true, nil
}

// cacheWriter stores one run's pages, and the manifest once they are all there.
type cacheWriter struct {
	s       *Session
	dir     string
	queryID string
}

// newCacheWriter returns nil when results are not cached: no cache, or a window whose end is too
// recent for its files all to have been delivered (those results are kept in memory).
func (s *Session) newCacheWriter(queryID string) *cacheWriter {
	if s.cache == nil || s.To.After(s.opt.Now().Add(-s.opt.DeliveryMargin)) {
		return nil
	}
	w := &cacheWriter{s: s, dir: s.cacheDir(), queryID: queryID}
	s.cache.RemoveAll(w.dir) // pages of an earlier, unfinished run
	return w
}

// page stores a page, as a gzipped CloudTrail delivery file, and reads it back as records.
func (w *cacheWriter) page(page int, raws [][]byte) ([]cloudtrail.Record, []cloudtrail.Problem, error) {
	path := filepath.Join(w.dir, pageName(page))
	err := w.s.cache.Write(path, true, func(f io.Writer) error {
		zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
		bw := bufio.NewWriter(zw)
		bw.WriteString(`{"Records":[`)
		for i, r := range raws {
			if i > 0 {
				bw.WriteByte(',')
			}
			bw.WriteString("\n")
			bw.Write(r)
		}
		bw.WriteString("\n]}\n")
		if err := bw.Flush(); err != nil {
			return err
		}
		return zw.Close()
	})
	if err != nil {
		return nil, nil, fmt.Errorf("write the cache: %w", err)
	}
	return readPages(context.Background(), []string{path})
}

// finish writes the manifest: from now on the SQL is answered from the cache.
func (w *cacheWriter) finish(st Stats) {
	if w == nil {
		return
	}
	data, _ := json.MarshalIndent(manifest{QueryID: w.queryID, SQL: w.s.Plan.SQL, Pages: st.Pages, Rows: st.Rows,
		Scanned: st.Scanned, LimitReached: st.LimitReached, At: w.s.opt.Now()}, "", "  ")
	err := w.s.cache.Write(filepath.Join(w.dir, manifestName), true, func(f io.Writer) error {
		_, err := f.Write(data)
		return err
	})
	if err != nil {
		w.s.log("Athena results not cached: %v", err)
	}
}
