package athena

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/trailscope/trailscope/model"
	"github.com/trailscope/trailscope/source/lookup"
)

// The results of a query are kept like LookupEvents pages (lookup.Cache: CloudTrail delivery files,
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
func (s *Session) fromCache(ctx context.Context, send func(model.Batch, bool)) (ok bool, err error) {
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
		s.cache.Discard(dir)
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
			s.cache.Discard(dir)
			s.log("Athena cache of query %s is broken (%s): running the query again", m.QueryID, probs[0])
			s.update(func(st *Stats) { *st = Stats{} })
			return false, nil
		}
		rows += len(recs)
		s.update(func(st *Stats) { st.Rows, st.Pages = rows, page })
		send(model.Batch{Records: recs}, page == m.Pages)
	}
	if m.Pages == 0 {
		send(model.Batch{}, true)
	}
	return true, nil
}

// cacheWriter stores one run's pages, and the manifest once they are all there.
type cacheWriter struct {
	s       *Session
	cache   *lookup.Cache
	dir     string
	queryID string
}

// newCacheWriter returns nil when results are not cached: no cache, or a window whose end is too
// recent for its files all to have been delivered (those results are kept in memory).
func (s *Session) newCacheWriter(queryID string) *cacheWriter {
	if s.cache == nil || s.To.After(s.opt.Now().Add(-s.opt.DeliveryMargin)) {
		return nil
	}
	w := &cacheWriter{s: s, cache: s.cache, dir: s.cacheDir(), queryID: queryID}
	s.cache.Discard(w.dir) // pages of an earlier, unfinished run
	return w
}

// page stores a page and reads it back as records.
func (w *cacheWriter) page(page int, raws [][]byte) ([]model.Record, []model.Problem, error) {
	data, err := lookup.EncodePage(raws)
	if err != nil {
		return nil, nil, err
	}
	path, err := w.cache.Put(w.dir, pageName(page), data)
	if err != nil {
		return nil, nil, err
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
	if _, err := w.cache.Put(w.dir, manifestName, data); err != nil {
		w.s.log("Athena results not cached: %v", err)
	}
}
