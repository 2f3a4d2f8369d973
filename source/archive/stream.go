package archive

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// This file reads a file's (decompressed) bytes as a stream through a window that slides as values are
// consumed: what is held is the value being read (a record, at most a little over cloudtrail.MaxRecordSize) and
// one read-ahead chunk, never the file. It finds where JSON values begin and end without decoding them, so
// that each record's offset in the stream is known (drill-down re-reads exactly those bytes) and only records
// are handed to the decoder.

var (
	errTruncated = errors.New("unexpected end of JSON (truncated file?)")
	// errCapped ends a stream that passed its limit.
	errCapped = errors.New("over the size limit")
	// noMore is an empty source.
	noMore = bytes.NewReader(nil)
)

// readChunk is how much a stream asks its source for at a time.
const readChunk = 64 << 10

// stream is a window over a reader's bytes.
type stream struct {
	src   io.Reader
	buf   []byte // buf[:len(buf)] holds bytes base.. of the stream
	pos   int    // the next byte to look at, in buf
	base  int64  // the stream offset of buf[0]
	mark  int64  // stream offset from which bytes are kept while a value is read; -1: none
	limit int64  // the stream ends with errCapped past this many bytes
	err   error  // what ended the stream: io.EOF, errCapped or the source's error; nil while it goes on
	key   []byte // the key members passes on, reused
}

func newStream(src io.Reader, limit int64, buf []byte) *stream {
	return &stream{src: src, buf: buf[:0], mark: -1, limit: limit}
}

// bytesStream is a stream over b, which starts at offset base of some larger stream.
func bytesStream(b []byte, base int64) *stream {
	return &stream{src: noMore, buf: b, base: base, mark: -1, limit: base + int64(len(b))}
}

// offset returns the stream offset of buf[i].
func (s *stream) offset(i int) int64 { return s.base + int64(i) }

// more reads more bytes into buf, dropping those before pos (and before mark, while one is set). It returns
// false when the stream has ended; s.err says why.
func (s *stream) more() bool {
	if s.err != nil {
		return false
	}
	keep := s.pos
	if s.mark >= 0 {
		keep = min(keep, int(s.mark-s.base))
	}
	if cap(s.buf)-len(s.buf) < readChunk {
		// Drop what is no longer needed; grow when that frees too little (so that a held value costs
		// amortised linear copying however small the reads).
		buf := s.buf
		if keep < len(s.buf)/2 || cap(s.buf)-len(s.buf)+keep < readChunk {
			buf = make([]byte, 0, max(2*cap(s.buf), len(s.buf)-keep+readChunk))
		}
		n := copy(buf[:cap(buf)], s.buf[keep:])
		s.buf = buf[:n]
		s.base += int64(keep)
		s.pos -= keep
	}
	room := s.limit - s.offset(len(s.buf))
	if room <= 0 {
		// At the limit: the stream is capped if anything follows.
		var one [1]byte
		for {
			n, err := s.src.Read(one[:])
			switch {
			case n > 0:
				s.err = errCapped
				return false
			case err != nil:
				s.err = err
				return false
			}
		}
	}
	for {
		n, err := s.src.Read(s.buf[len(s.buf) : len(s.buf)+int(min(room, int64(cap(s.buf)-len(s.buf))))])
		s.buf = s.buf[:len(s.buf)+n]
		if err != nil {
			s.err = err
		}
		if n > 0 {
			return true
		}
		if err != nil {
			return false
		}
	}
}

// failed tells whether the stream ended by a failure (damage, the cap) rather than at its end.
func (s *stream) failed() bool { return s.err != nil && s.err != io.EOF }

// skipSpace moves pos past white space and returns the byte there; false at the end of the stream.
func (s *stream) skipSpace() (byte, bool) {
	for {
		for s.pos < len(s.buf) {
			switch c := s.buf[s.pos]; c {
			case ' ', '\t', '\n', '\r':
				s.pos++
			default:
				return c, true
			}
		}
		if !s.more() {
			return 0, false
		}
	}
}

// peek returns up to n bytes from pos without consuming them (fewer at the end of the stream).
func (s *stream) peek(n int) []byte {
	for len(s.buf)-s.pos < n && s.more() {
	}
	return s.buf[s.pos:min(len(s.buf), s.pos+n)]
}

// skipLine moves pos past the next newline (to the end of the stream when there is none).
func (s *stream) skipLine() {
	for {
		if i := bytes.IndexByte(s.buf[s.pos:], '\n'); i >= 0 {
			s.pos += i + 1
			return
		}
		s.pos = len(s.buf)
		if !s.more() {
			return
		}
	}
}

// expect consumes c, after white space.
func (s *stream) expect(c byte) error {
	got, ok := s.skipSpace()
	switch {
	case !ok:
		return s.endErr()
	case got != c:
		return fmt.Errorf("expected %q at byte %d", c, s.offset(s.pos))
	}
	s.pos++
	return nil
}

// endErr is the error for a value cut short by the end of the stream.
func (s *stream) endErr() error {
	if s.failed() {
		return s.err
	}
	return errTruncated
}

// value reads the JSON value at pos (after white space) and returns its bytes, valid until the next read,
// and its offset in the stream. A value longer than keep is read to its end without being held: it comes
// back with a nil slice and its length, and whatever held the bytes around it lets them go too (mark is
// cleared). Within a value held from further back (mark set), keep is what is left of that value's budget.
func (s *stream) value(keep int) (v []byte, off int64, n int64, err error) {
	if _, ok := s.skipSpace(); !ok {
		return nil, 0, 0, s.endErr()
	}
	start := s.pos
	off = s.offset(start)
	outer := s.mark
	if outer < 0 {
		s.mark = off
	}
	held := true
	defer func() {
		if held {
			s.mark = outer
		} else {
			s.mark = -1
		}
	}()
	// end ends the value at pos. Whether it was too long to hold is decided here too, not only when
	// a read runs out: the answer must not depend on how the bytes arrived.
	end := func() ([]byte, int64, int64, error) {
		if s.pos-start > keep {
			held = false
		}
		return s.done(start, off, held)
	}
	// Scanning state, kept across reads: depth of containers, and whether inside a string.
	depth, inString, scalar := 0, false, false
	switch s.buf[s.pos] {
	case '"':
		inString = true
		s.pos++
	case '{', '[':
	case '}', ']', ',', ':':
		return nil, off, 0, fmt.Errorf("unexpected %q at byte %d", s.buf[s.pos], off)
	default:
		scalar = true
	}
	for {
		b := s.buf
		i := s.pos
	scan:
		for i < len(b) {
			if inString {
				// The closing quote is the next one not escaped: one preceded by an even run of
				// backslashes. A run is never split: i is at an opening quote's next byte, past an
				// escaped quote, or at the start of a run kept for the next read.
				q := bytes.IndexByte(b[i:], '"')
				if q < 0 {
					j := len(b)
					for j > i && b[j-1] == '\\' {
						j--
					}
					i = j
					break scan
				}
				q += i
				k := q
				for k > i && b[k-1] == '\\' {
					k--
				}
				i = q + 1
				if (q-k)%2 == 1 {
					continue // an escaped quote
				}
				inString = false
				if depth == 0 {
					s.pos = i
					return end()
				}
				continue
			}
			if scalar {
				switch b[i] {
				case ',', '}', ']', ' ', '\t', '\n', '\r':
					s.pos = i
					return end()
				}
				i++
				continue
			}
			switch b[i] {
			case '"':
				inString = true
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.pos = i + 1
					return end()
				}
			}
			i++
		}
		s.pos = i
		if held && s.pos-start > keep {
			// Too long to hold: read on to its end, letting the window slide.
			held = false
			s.mark = -1
		}
		more := s.more()
		if held {
			start = int(off - s.base)
		}
		if !more {
			if scalar && !s.failed() {
				return end()
			}
			return nil, off, 0, s.endErr()
		}
	}
}

// done ends value: the bytes from buf[start] to pos, when held.
func (s *stream) done(start int, off int64, held bool) ([]byte, int64, int64, error) {
	n := s.offset(s.pos) - off
	if !held {
		return nil, off, n, nil
	}
	return s.buf[start:s.pos], off, n, nil
}

// members walks the object at pos (after white space), calling fn with each key (still escaped) once
// pos is at the start of its value; fn consumes the value. It ends past the closing brace.
func (s *stream) members(fn func(key []byte) error) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	c, ok := s.skipSpace()
	if !ok {
		return s.endErr()
	}
	if c == '}' {
		s.pos++
		return nil
	}
	for {
		if c, ok = s.skipSpace(); !ok {
			return s.endErr()
		}
		if c != '"' {
			return fmt.Errorf("expected a key at byte %d", s.offset(s.pos))
		}
		k, koff, _, err := s.value(1 << 10)
		if err != nil {
			return err
		}
		if k == nil {
			return fmt.Errorf("a key of over 1 KB at byte %d", koff)
		}
		key := append(s.key[:0], k[1:len(k)-1]...)
		s.key = key
		if err := s.expect(':'); err != nil {
			return err
		}
		if _, ok := s.skipSpace(); !ok {
			return s.endErr()
		}
		if err := fn(key); err != nil {
			return err
		}
		if c, ok = s.skipSpace(); !ok {
			return s.endErr()
		}
		switch c {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return nil
		default:
			return fmt.Errorf("expected ',' or '}' at byte %d", s.offset(s.pos))
		}
	}
}

// elements walks the array at pos (after white space), calling fn once pos is at the start of each
// element; fn consumes it. An error from fn, or a malformed array, stops the walk. It ends past the
// closing bracket.
func (s *stream) elements(fn func() error) error {
	if err := s.expect('['); err != nil {
		return err
	}
	c, ok := s.skipSpace()
	if !ok {
		return s.endErr()
	}
	if c == ']' {
		s.pos++
		return nil
	}
	for {
		if _, ok := s.skipSpace(); !ok {
			return s.endErr()
		}
		if err := fn(); err != nil {
			return err
		}
		if c, ok = s.skipSpace(); !ok {
			return s.endErr()
		}
		switch c {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return nil
		default:
			return fmt.Errorf("expected ',' or ']' at byte %d", s.offset(s.pos))
		}
	}
}

// line returns the rest of the current line, without its newline, and its offset, holding it; a line longer
// than max is skipped and comes back nil with its length. pos moves past the newline.
func (s *stream) line(max int) (line []byte, off int64, n int64) {
	start := s.pos
	off = s.offset(start)
	outer := s.mark
	s.mark = off
	defer func() { s.mark = outer }()
	from := start
	for {
		if i := bytes.IndexByte(s.buf[from:], '\n'); i >= 0 {
			end := from + i
			s.pos = end + 1
			if s.mark < 0 {
				return nil, off, s.offset(end) - off
			}
			return s.buf[start:end], off, s.offset(end) - off
		}
		from = len(s.buf)
		if s.mark >= 0 && int(s.offset(from)-off) > max {
			s.mark = -1 // too long: let it go
		}
		s.pos = from
		if !s.more() {
			if s.mark < 0 {
				return nil, off, s.offset(len(s.buf)) - off
			}
			start = int(off - s.base)
			return s.buf[start:], off, s.offset(len(s.buf)) - off
		}
		if s.mark >= 0 {
			start = int(off - s.base)
		}
		from = s.pos
	}
}

// atLineStart tells whether only white space lies between the last newline and pos.
func (s *stream) atLineStart() bool {
	for i := s.pos - 1; i >= 0; i-- {
		switch s.buf[i] {
		case '\n':
			return true
		case ' ', '\t', '\r':
		default:
			return false
		}
	}
	return s.base == 0
}
