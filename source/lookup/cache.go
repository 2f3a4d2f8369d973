package lookup

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/trailscope/trailscope/source/cachedir"
)

// Cache keeps LookupEvents pages on disk as ordinary CloudTrail archive files ({"Records":[...]},
// gzipped), so that the archive reader reads them back and a second run fetches only what is
// missing. The layout is <root>/<account>/<region>/<attribute>/<from>-<to>_<run>_<page>.json.gz: the
// name says which span of time, in Unix seconds [from, to), the file completes. Files are 0600 in
// directories that are 0700: event history is sensitive.
type Cache struct {
	Root string

	once  sync.Once
	store cachedir.Dir
}

// disk is the folder Root, kept private and written atomically.
func (c *Cache) disk() *cachedir.Dir {
	c.once.Do(func() { c.store.Root = c.Root })
	return &c.store
}

// DefaultCacheDir is where the cache lives unless told otherwise: trailscope/lookup in the user's
// cache directory (~/.cache on Linux, ~/Library/Caches on macOS, %LocalAppData% on Windows).
func DefaultCacheDir() (string, error) { return cachedir.Default("lookup") }

// span is a half-open interval of Unix seconds, [from, to).
type span struct{ from, to int64 }

func (s span) empty() bool          { return s.from >= s.to }
func (s span) overlaps(o span) bool { return s.from < o.to && o.from < s.to }

// cacheFile is one page on disk and the span of time it completes.
type cacheFile struct {
	path string
	span span
}

// dir is the folder of one account, region and attribute.
func (c *Cache) dir(account, region, key string) string {
	return filepath.Join(c.Root, account, region, keyDir(key))
}

// keyDir turns an attribute into a folder name that is safe on every file system, readable, and
// distinct even where names are compared without case (macOS, Windows).
func keyDir(key string) string {
	if key == "all" {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	name := url.PathEscape(key)
	if len(name) > 80 {
		name = name[:80]
	}
	return name + "-" + hex.EncodeToString(sum[:4])
}

// files lists the pages cached for an account and region under any of keys, oldest first. Files that
// do not follow the naming scheme (temporary files, a user's own) are left alone.
func (c *Cache) files(account, region string, keys []string) ([]cacheFile, error) {
	var out []cacheFile
	for _, key := range keys {
		dir := c.dir(account, region, key)
		entries, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read the cache: %w", err)
		}
		for _, e := range entries {
			if s, ok := parseFileName(e.Name()); ok && e.Type().IsRegular() {
				out = append(out, cacheFile{path: filepath.Join(dir, e.Name()), span: s})
			}
		}
	}
	slices.SortFunc(out, func(a, b cacheFile) int {
		if a.span.from != b.span.from {
			return int(a.span.from - b.span.from)
		}
		return strings.Compare(a.path, b.path)
	})
	return out, nil
}

const fileExt = ".json.gz"

// fileName names a page: the span it completes, the run that fetched it and its place in that run.
func fileName(s span, run string, page int) string {
	return fmt.Sprintf("%d-%d_%s_%04d%s", s.from, s.to, run, page, fileExt)
}

func parseFileName(name string) (span, bool) {
	base, ok := strings.CutSuffix(name, fileExt)
	if !ok || strings.HasPrefix(name, ".") {
		return span{}, false
	}
	times, _, ok := strings.Cut(base, "_")
	if !ok {
		return span{}, false
	}
	a, b, ok := strings.Cut(times, "-")
	if !ok {
		return span{}, false
	}
	from, err1 := strconv.ParseInt(a, 10, 64)
	to, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil {
		return span{}, false
	}
	return span{from, to}, true
}

// coverage merges the spans of files into disjoint spans, oldest first.
func coverage(files []cacheFile) []span {
	var spans []span
	for _, f := range files {
		if !f.span.empty() {
			spans = append(spans, f.span)
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return int(a.from - b.from) })
	var merged []span
	for _, s := range spans {
		if n := len(merged); n > 0 && s.from <= merged[n-1].to {
			merged[n-1].to = max(merged[n-1].to, s.to)
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// gaps returns the parts of w that cov does not cover, newest first: the order LookupEvents returns
// events in, so that the console fills from the present backwards.
func gaps(w span, cov []span) []span {
	var out []span
	at := w.from
	for _, c := range cov {
		if c.to <= at {
			continue
		}
		if c.from >= w.to {
			break
		}
		if c.from > at {
			out = append(out, span{at, c.from})
		}
		at = c.to
	}
	if at < w.to {
		out = append(out, span{at, w.to})
	}
	slices.Reverse(out)
	return out
}

// writePage stores a page of raw records as a CloudTrail delivery file, atomically: a file either
// has all its records or does not exist, so its name can be trusted.
func (c *Cache) writePage(account, region, key string, s span, run string, page int, records [][]byte) (string, error) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	zw.Write([]byte(`{"Records":[`))
	for i, r := range records {
		if i > 0 {
			zw.Write([]byte(",\n"))
		} else {
			zw.Write([]byte("\n"))
		}
		zw.Write(r)
	}
	zw.Write([]byte("\n]}\n"))
	if err := zw.Close(); err != nil {
		return "", fmt.Errorf("write the cache: %w", err)
	}
	path := filepath.Join(c.dir(account, region, key), fileName(s, run, page))
	err := c.disk().Write(path, true, func(w io.Writer) error {
		_, err := w.Write(buf.Bytes())
		return err
	})
	if err != nil {
		return "", err
	}
	return path, nil
}

// remove deletes a cached page that could not be read back, so that its span is fetched again.
func (c *Cache) remove(path string) { c.disk().Remove(path) }

// pruneStale deletes pages that complete nothing (fetched within the settling time of the present,
// kept only for the run that fetched them) once they are a day old.
func (c *Cache) pruneStale(files []cacheFile) {
	for _, f := range files {
		if !f.span.empty() {
			continue
		}
		if info, err := os.Stat(f.path); err == nil && time.Since(info.ModTime()) > 24*time.Hour {
			c.remove(f.path)
		}
	}
}

// Usage counts the files and bytes the cache holds.
func (c *Cache) Usage() (files int, size int64, err error) { return c.disk().Usage() }

// Clear deletes the cache and says how much it held.
func (c *Cache) Clear() (files int, size int64, err error) { return c.disk().Clear() }
