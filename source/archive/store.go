package archive

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"sync"

	json "github.com/goccy/go-json"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// fileStore gives back raw records by re-reading their file: 12 bytes per event instead of keeping
// 1.5 KB of JSON. A gzipped file is decompressed again (a few ms); the last files read are cached so
// that stepping through neighbouring events in the detail view does not repeat it.
type fileStore struct {
	fsys    fs.FS // nil: the OS file system
	path    string
	gz      bool
	escaped bool // records are JSON string literals (LookupEvents' CloudTrailEvent)
	limit   int64
}

func (s *fileStore) Raw(off int64, n int) ([]byte, error) {
	var b []byte
	if !s.gz && s.fsys == nil {
		f, err := os.Open(s.path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		b = make([]byte, n)
		if _, err := f.ReadAt(b, off); err != nil {
			return nil, fmt.Errorf("re-read %s: %w", s.path, err)
		}
	} else {
		data, err := recent.get(s, off+int64(n))
		if err != nil {
			return nil, err
		}
		if off < 0 || off+int64(n) > int64(len(data)) {
			return nil, fmt.Errorf("re-read %s: the file changed since it was loaded", s.path)
		}
		b = bytes.Clone(data[off : off+int64(n)])
	}
	if s.escaped {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return nil, fmt.Errorf("re-read %s: %w", s.path, err)
		}
		return []byte(str), nil
	}
	return b, nil
}

// File is the path the store re-reads (cloudtrail.FileStore).
func (s *fileStore) File() string { return s.path }

func (s *fileStore) open() (io.ReadCloser, error) {
	if s.fsys != nil {
		return s.fsys.Open(s.path)
	}
	return os.Open(s.path)
}

// contents reads the file decompressed, up to at least end bytes (drill-down into a record stops
// decompressing once it has it: half the work on average).
func (s *fileStore) contents(end int64) ([]byte, error) {
	f, err := s.open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if !s.gz {
		return readLimited(f, s.limit)
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	_, err = io.Copy(&buf, io.LimitReader(zr, min(end, s.limit)))
	if err != nil && buf.Len() == 0 {
		return nil, err
	}
	// A truncated file: the records loaded from it lie before the damage.
	return buf.Bytes(), nil
}

// fileCache keeps the decompressed contents of the last few files drill-down read.
type fileCache struct {
	mu      sync.Mutex
	entries []cacheEntry
}

type cacheEntry struct {
	store *fileStore
	data  []byte
}

const cachedFiles = 2

var recent fileCache

// get returns the contents of s's file up to at least end, from the cache when it has them.
func (c *fileCache) get(s *fileStore, end int64) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, e := range c.entries {
		if e.store == s && int64(len(e.data)) >= end {
			c.entries = append(append([]cacheEntry{e}, c.entries[:i]...), c.entries[i+1:]...)
			return e.data, nil
		}
	}
	// Read a little past the record, so that the next events of the file are there too.
	data, err := s.contents(end + readAhead)
	if err != nil {
		return nil, fmt.Errorf("re-read %s: %w", s.path, err)
	}
	c.entries = slices.DeleteFunc(c.entries, func(e cacheEntry) bool { return e.store == s })
	c.entries = append([]cacheEntry{{s, data}}, c.entries...)
	if len(c.entries) > cachedFiles {
		c.entries = c.entries[:cachedFiles]
	}
	return data, nil
}

// readAhead is how much more than a record drill-down decompresses, for its neighbours.
const readAhead = 256 << 10

// MemStore keeps raw records that cannot be re-read (stdin, API responses) compressed in memory, in
// zstd blocks of about 64 KB: about 330 bytes per event and tens of microseconds to get one back.
type MemStore struct {
	mu     sync.Mutex
	blocks [][]byte // compressed, sealed
	open   []byte   // the block being filled
	enc    *zstd.Encoder
	dec    *zstd.Decoder
	last   int    // index of the block decoded last
	cache  []byte // its contents
}

const memBlockSize = 64 << 10

// NewMemStore returns an empty in-memory store.
func NewMemStore() *MemStore {
	enc, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
	dec, _ := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1))
	return &MemStore{enc: enc, dec: dec, last: -1}
}

// Put keeps a record and returns where to find it.
func (m *MemStore) Put(rec []byte) (off int64, n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.open)+len(rec) > memBlockSize && len(m.open) > 0 {
		m.seal()
	}
	off = int64(len(m.blocks))<<32 | int64(len(m.open))
	m.open = append(m.open, rec...)
	return off, len(rec)
}

func (m *MemStore) seal() {
	m.blocks = append(m.blocks, m.enc.EncodeAll(m.open, nil))
	m.open = m.open[:0]
}

// Raw returns a record Put earlier.
func (m *MemStore) Raw(off int64, n int) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	block, at := int(off>>32), int(off&0xffffffff)
	var data []byte
	switch {
	case block == len(m.blocks):
		data = m.open
	case block < len(m.blocks):
		if block != m.last {
			d, err := m.dec.DecodeAll(m.blocks[block], m.cache[:0])
			if err != nil {
				return nil, fmt.Errorf("raw record: %w", err)
			}
			m.cache, m.last = d, block
		}
		data = m.cache
	}
	if at+n > len(data) {
		return nil, fmt.Errorf("raw record: no record at %d", off)
	}
	return bytes.Clone(data[at : at+n]), nil
}
