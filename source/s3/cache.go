package s3

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/trailscope/trailscope/source/cachedir"
)

// Cache keeps fetched objects on disk as they are in the bucket, so that the archive reader reads
// them like local files and a second look at the same window fetches nothing. A file's path is made
// of the bucket's name and the object's key, and its name ends with the object's ETag:
// <root>/<bucket>/AWSLogs/.../<file>.json.gz~<etag>. A cached file counts only when its size is the
// object's, so that a file cut short by a crash is fetched again. An object replaced in the bucket
// (CloudTrail never does) is fetched again under its new ETag; the old copy stays until `trailscope
// cache clear`. Files are 0600 in folders that are 0700: event history is sensitive.
type Cache struct {
	dir cachedir.Dir
}

// NewCache returns the cache kept in root (DefaultCacheDir, usually).
func NewCache(root string) *Cache { return &Cache{dir: cachedir.Dir{Root: root}} }

// DefaultCacheDir is where the cache lives unless told otherwise: trailscope/s3 in the user's cache
// directory (~/.cache on Linux, ~/Library/Caches on macOS, %LocalAppData% on Windows).
func DefaultCacheDir() (string, error) { return cachedir.Default("s3") }

// Root is the folder the cache is kept in.
func (c *Cache) Root() string { return c.dir.Root }

// Path is where the object o of bucket is kept.
func (c *Cache) Path(bucket string, o Object) string {
	parts := strings.Split(o.Key, "/")
	elems := make([]string, 0, len(parts)+2)
	elems = append(elems, c.dir.Root, safeName(bucket))
	for _, p := range parts[:len(parts)-1] {
		elems = append(elems, safeName(p))
	}
	elems = append(elems, safeName(parts[len(parts)-1])+"~"+etagName(o.ETag))
	return filepath.Join(elems...)
}

// Has tells whether o is in the cache at path, whole.
func (c *Cache) Has(path string, o Object) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular() && info.Size() == o.Size
}

// Usage counts the files and bytes the cache holds.
func (c *Cache) Usage() (files int, size int64, err error) { return c.dir.Usage() }

// Clear deletes the cache and says how much it held.
func (c *Cache) Clear() (files int, size int64, err error) { return c.dir.Clear() }

var plainName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._=+-]*$`)

// safeName turns one part of a key into a file name that is the same on every file system: parts
// that are plain (CloudTrail's always are) stay as they are, others are escaped byte by byte, and
// marked so that they never meet a plain name.
func safeName(part string) string {
	if plainName.MatchString(part) && len(part) <= 200 {
		return part
	}
	var b strings.Builder
	b.WriteString("%")
	for i := range len(part) {
		c := part[i]
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	if name := b.String(); len(name) <= 200 {
		return name
	}
	sum := sha256.Sum256([]byte(part))
	return "%" + hex.EncodeToString(sum[:16])
}

var plainETag = regexp.MustCompile(`^[0-9A-Za-z-]{1,64}$`)

// etagName turns an ETag ("\"9b2cf535f27731c974343645a3985328\"", "\"...-12\"" for multipart
// uploads) into a part of a file name.
func etagName(etag string) string {
	etag = strings.Trim(etag, `"`)
	if plainETag.MatchString(etag) {
		return strings.ToLower(etag)
	}
	sum := sha256.Sum256([]byte(etag))
	return hex.EncodeToString(sum[:16])
}
