package archive

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"sync"
	"sync/atomic"

	json "github.com/goccy/go-json"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/trailscope/trailscope/model/cloudtrail"
)

// Store gives back the raw records of a source on demand instead of holding them. A record read
// from a file is its file and offset, re-read when asked: 12 bytes per event instead of 1.5 KB of
// JSON. A record that cannot be re-read (stdin, API responses) is kept compressed in memory, in zstd
// blocks of about 64 KB: about 330 bytes per event. One Store serves a whole source, however many
// Reads it takes (LookupEvents reads a page at a time), so that a bulk read (RawEach) plans over
// all of its files at once and reads each one once.
type Store struct {
	mu       sync.Mutex
	units    []unit // files and blocks, by the number packed into a record's offset
	open     []byte // the block being filled
	openUnit int    // its unit; -1 when there is none
	enc      *zstd.Encoder
	dec      *zstd.Decoder
	last     int          // the block Raw decoded last
	cache    []byte       // its contents
	budget   int64        // bytes a bulk read holds in memory; defaultBudget when 0
	runMax   int          // bytes of a run written to the spool at once; defaultRun when 0
	spooled  atomic.Int64 // bytes bulk reads wrote to a spool file, for tests
	kept     int64        // bytes putWithin kept
}

// unit is what a bulk read reads at most once: a file, or a block of records kept in memory.
type unit struct {
	fsys    fs.FS // nil: the OS file system
	path    string
	gz      bool
	isBlock bool
	block   []byte     // a sealed block, compressed; nil while it is the one being filled
	from    []fromFile // a block's records that were read from files, by where each file's run starts
}

// fromFile says that a block's records from offset at on were read from path ("" for none), up to
// the next fromFile.
type fromFile struct {
	at   int64
	path string
}

func (u unit) name() string {
	if u.isBlock {
		return "records kept in memory"
	}
	return u.path
}

// A record's offset packs its unit, whether it is a JSON string to unescape (LookupEvents'
// CloudTrailEvent), and where it starts in the unit's decompressed bytes.
const (
	offsetBits = 39                    // 512 GB into a file
	escapedBit = 1 << offsetBits       //
	unitShift  = offsetBits + 1        //
	maxUnits   = 1 << (63 - unitShift) // 8M files and blocks
)

func pack(u int, at int64, escaped bool) int64 {
	off := int64(u)<<unitShift | at
	if escaped {
		off |= escapedBit
	}
	return off
}

func unpack(off int64) (u int, at int64, escaped bool) {
	return int(off >> unitShift), off & (escapedBit - 1), off&escapedBit != 0
}

// NewStore returns an empty store.
func NewStore() *Store {
	enc, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
	dec, _ := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0))
	return &Store{enc: enc, dec: dec, last: -1, openUnit: -1}
}

const memBlockSize = 64 << 10

// Put keeps a record in memory and returns where to find it. A store that is full (8M blocks)
// keeps nothing more, and says so with a RawRef without a store.
func (s *Store) Put(rec []byte) cloudtrail.RawRef {
	s.mu.Lock()
	defer s.mu.Unlock()
	ref := s.putLocked(rec)
	s.fromLocked(ref, "")
	return ref
}

// keptBudget is how many bytes of records that could be re-read from their files a store keeps in
// memory instead (putWithin): compressed, about a fifth of that.
const keptBudget = 64 << 20

// putWithin keeps a record in memory, as Put, while the records kept so far by putWithin come to less
// than keptBudget; past it, it keeps nothing and returns false. A query's prefilter uses it for the
// few records it lets through, so that writing them out reads no file a second time.
// The block remembers the file the record was read from, which File names.
func (s *Store) putWithin(rec []byte, path string) (cloudtrail.RawRef, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.kept+int64(len(rec)) > keptBudget {
		return cloudtrail.RawRef{}, false
	}
	ref := s.putLocked(rec)
	if ref.Store == nil {
		return ref, false
	}
	s.kept += int64(len(rec))
	s.fromLocked(ref, path)
	return ref, true
}

// fromLocked notes that the record at ref, just put in a block, was read from path ("": from none).
func (s *Store) fromLocked(ref cloudtrail.RawRef, path string) {
	if ref.Store == nil {
		return
	}
	u, at, _ := unpack(ref.Off)
	from := s.units[u].from
	if (len(from) == 0 && path == "") || (len(from) > 0 && from[len(from)-1].path == path) {
		return
	}
	s.units[u].from = append(from, fromFile{at: at, path: path})
}

func (s *Store) putLocked(rec []byte) cloudtrail.RawRef {
	if s.openUnit >= 0 && len(s.open)+len(rec) > memBlockSize && len(s.open) > 0 {
		s.units[s.openUnit].block = s.enc.EncodeAll(s.open, nil)
		s.open, s.openUnit = s.open[:0], -1
	}
	if s.openUnit < 0 {
		if len(s.units) >= maxUnits {
			return cloudtrail.RawRef{}
		}
		s.units = append(s.units, unit{isBlock: true})
		s.openUnit = len(s.units) - 1
	}
	at := len(s.open)
	s.open = append(s.open, rec...)
	return cloudtrail.RawRef{Store: s, Off: pack(s.openUnit, int64(at), false), Len: len(rec)}
}

// addFile registers a file whose records are re-read from it, and returns its unit (-1 when the
// store is full).
func (s *Store) addFile(fsys fs.FS, path string, gz bool) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.units) >= maxUnits {
		return -1
	}
	s.units = append(s.units, unit{fsys: fsys, path: path, gz: gz})
	return len(s.units) - 1
}

// fileRef locates the record of n bytes at off in a file's decompressed bytes.
func (s *Store) fileRef(u int, off int64, n int, escaped bool) cloudtrail.RawRef {
	if u < 0 || off >= escapedBit {
		return cloudtrail.RawRef{} // past what an offset can say: the record is not kept
	}
	return cloudtrail.RawRef{Store: s, Off: pack(u, off, escaped), Len: n}
}

// File names the file the record at off was read from, as the source named it; "" for one that was
// read from no file (stdin, a sample) (cloudtrail.FileStore).
func (s *Store) File(off int64) string {
	u, at, _ := unpack(off)
	un, err := s.unitOf(u)
	switch {
	case err != nil:
		return ""
	case un.isBlock: // a record kept in memory, perhaps read from a file (putWithin)
		i, _ := slices.BinarySearchFunc(un.from, at, func(f fromFile, at int64) int { return cmp.Compare(f.at, at+1) })
		if i == 0 {
			return ""
		}
		return un.from[i-1].path
	}
	return un.path
}

// unitOf returns a unit, checked.
func (s *Store) unitOf(u int) (unit, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u < 0 || u >= len(s.units) {
		return unit{}, fmt.Errorf("raw record: no file or block %d", u)
	}
	return s.units[u], nil
}

// errChanged says a re-read found something else than a record where one was.
var errChanged = errors.New("the file changed since it was loaded")

// Raw returns the n bytes of the record at off: drill-down into one event.
func (s *Store) Raw(off int64, n int) ([]byte, error) {
	u, at, escaped := unpack(off)
	un, err := s.unitOf(u)
	if err != nil {
		return nil, err
	}
	var b []byte
	switch {
	case un.isBlock:
		return s.blockRecord(u, at, n)
	case !un.gz && un.fsys == nil:
		f, err := os.Open(un.path)
		if err != nil {
			return nil, fmt.Errorf("re-read %s: %w", un.path, err)
		}
		defer f.Close()
		b = make([]byte, n)
		if _, err := f.ReadAt(b, at); err != nil {
			return nil, fmt.Errorf("re-read %s: %w", un.path, err)
		}
	default:
		data, err := recent.get(s, u, un, at+int64(n))
		if err != nil {
			return nil, err
		}
		if at+int64(n) > int64(len(data)) {
			return nil, fmt.Errorf("re-read %s: %w", un.path, errChanged)
		}
		b = bytes.Clone(data[at : at+int64(n)])
	}
	return finish(b, escaped, un.path)
}

// finish checks that b is what the load found there (a JSON object, or a JSON string holding one),
// and unescapes the string. A record is returned in a buffer of its own when it was unescaped.
func finish(b []byte, escaped bool, path string) ([]byte, error) {
	open, end := byte('{'), byte('}')
	if escaped {
		open, end = '"', '"'
	}
	if len(b) < 2 || b[0] != open || b[len(b)-1] != end {
		return nil, fmt.Errorf("re-read %s: %w", path, errChanged)
	}
	if !escaped {
		return b, nil
	}
	var str string
	if err := json.Unmarshal(b, &str); err != nil {
		return nil, fmt.Errorf("re-read %s: %w", path, err)
	}
	return []byte(str), nil
}

// blockRecord returns a record kept in memory.
func (s *Store) blockRecord(u int, at int64, n int) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var data []byte
	switch {
	case u == s.openUnit:
		data = s.open
	case u == s.last:
		data = s.cache
	default:
		d, err := s.dec.DecodeAll(s.units[u].block, s.cache[:0])
		if err != nil {
			return nil, fmt.Errorf("raw record: %w", err)
		}
		s.cache, s.last = d, u
		data = d
	}
	if at+int64(n) > int64(len(data)) {
		return nil, fmt.Errorf("raw record: no record at %d", at)
	}
	return bytes.Clone(data[at : at+int64(n)]), nil
}

// block returns the records of a block, decompressed: a copy when it is the one being filled.
func (s *Store) block(u int, dst []byte) ([]byte, error) {
	s.mu.Lock()
	if u == s.openUnit {
		defer s.mu.Unlock()
		return append(dst[:0], s.open...), nil
	}
	compressed := s.units[u].block
	s.mu.Unlock()
	return s.dec.DecodeAll(compressed, dst[:0])
}

// openFile opens a file of the store.
func (u unit) openFile() (fs.File, error) {
	if u.fsys != nil {
		return u.fsys.Open(u.path)
	}
	return os.Open(u.path)
}

// prefix reads a file decompressed, up to at least end bytes (drill-down into a record stops
// decompressing once it has it: half the work on average).
func (u unit) prefix(end int64) ([]byte, error) {
	f, err := u.openFile()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if u.gz {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, err
		}
		r = zr
	}
	var buf bytes.Buffer
	_, err = io.Copy(&buf, io.LimitReader(r, end))
	if err != nil && buf.Len() == 0 {
		return nil, err
	}
	// A truncated file: the records loaded from it lie before the damage.
	return buf.Bytes(), nil
}

// fileCache keeps the decompressed beginnings of the last few files drill-down read.
type fileCache struct {
	mu      sync.Mutex
	entries []cacheEntry
}

type cacheEntry struct {
	store *Store
	unit  int
	data  []byte
}

const cachedFiles = 2

var recent fileCache

// get returns the contents of a file up to at least end, from the cache when it has them.
func (c *fileCache) get(s *Store, u int, un unit, end int64) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	same := func(e cacheEntry) bool { return e.store == s && e.unit == u }
	for i, e := range c.entries {
		if same(e) && int64(len(e.data)) >= end {
			c.entries = append(append([]cacheEntry{e}, c.entries[:i]...), c.entries[i+1:]...)
			return e.data, nil
		}
	}
	// Read a little past the record, so that the next events of the file are there too.
	data, err := un.prefix(end + readAhead)
	if err != nil {
		return nil, fmt.Errorf("re-read %s: %w", un.path, err)
	}
	c.entries = slices.DeleteFunc(c.entries, same)
	c.entries = append([]cacheEntry{{s, u, data}}, c.entries...)
	if len(c.entries) > cachedFiles {
		c.entries = c.entries[:cachedFiles]
	}
	return data, nil
}

// readAhead is how much more than a record drill-down decompresses, for its neighbours.
const readAhead = 256 << 10
