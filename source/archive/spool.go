package archive

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// spool is the temporary file where a bulk read parks the records that do not fit its memory
// budget until their turn. Records are sensitive (they are an account's activity): the file is
// 0600, in trailscope's folder of the user's cache directory (0700) or else the temp directory, and
// it is removed as soon as it is created, so that nothing is left behind however the process ends
// (Windows cannot remove an open file: there it is removed when closed).
type spool struct {
	f      *os.File
	size   int64  // bytes reserved so far (under bulk.mu)
	remove string // the path still to remove when closing
}

// spoolDir is where spool files are made: trailscope/spool in the user's cache directory.
func spoolDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	dir = filepath.Join(dir, "trailscope", "spool")
	return dir, os.MkdirAll(dir, 0o700)
}

// createSpool makes a spool file, in the cache directory or else the temp directory.
func createSpool() (*spool, error) {
	var f *os.File
	dir, err := spoolDir()
	if err == nil {
		f, err = os.CreateTemp(dir, "spool-*")
	}
	if err != nil {
		var terr error
		if f, terr = os.CreateTemp("", "trailscope-spool-*"); terr != nil {
			return nil, fmt.Errorf("make a spool file for records that do not fit in memory: %w", errors.Join(err, terr))
		}
	}
	s := &spool{f: f}
	if os.Remove(f.Name()) != nil {
		s.remove = f.Name()
	}
	return s, nil
}

// reserve returns where the next n bytes go. The caller holds bulk.mu.
func (s *spool) reserve(n int64) int64 {
	base := s.size
	s.size += n
	return base
}

func (s *spool) writeAt(p []byte, off int64) error {
	if _, err := s.f.WriteAt(p, off); err != nil {
		return fmt.Errorf("write the spool file: %w", err)
	}
	return nil
}

// close closes and removes the spool; nil is a spool never made.
func (s *spool) close() error {
	if s == nil {
		return nil
	}
	err := s.f.Close()
	if s.remove != "" {
		err = errors.Join(err, os.Remove(s.remove))
	}
	return err
}

// spoolWindow is how much of a run is read back from the spool at a time. Runs are read back side
// by side, one a file when the files span the same time (an organization trail): 500 of them hold 8 MB.
const spoolWindow = 16 << 10

// runReader reads a run back from the spool, record after record, a window at a time.
type runReader struct {
	sp        *spool
	next, end int64 // the part of the run not read yet
	buf       []byte
	r, w      int // buf[r:w] is read and not yet taken
}

// take returns the next n bytes of the run, valid until the next take.
func (rr *runReader) take(n int) ([]byte, error) {
	if rr.w-rr.r < n {
		kept := copy(rr.buf, rr.buf[rr.r:rr.w])
		rr.r, rr.w = 0, kept
		if want := max(n, int(min(spoolWindow, rr.end-rr.next+int64(kept)))); len(rr.buf) < want {
			buf := make([]byte, want)
			copy(buf, rr.buf[:kept])
			rr.buf = buf
		}
		m := int(min(int64(len(rr.buf)-rr.w), rr.end-rr.next))
		if _, err := rr.sp.f.ReadAt(rr.buf[rr.w:rr.w+m], rr.next); err != nil {
			return nil, fmt.Errorf("read the spool file: %w", err)
		}
		rr.next += int64(m)
		rr.w += m
		if rr.w-rr.r < n {
			return nil, errors.New("read the spool file: a record is missing")
		}
	}
	rec := rr.buf[rr.r : rr.r+n]
	rr.r += n
	return rec, nil
}

func (rr *runReader) exhausted() bool { return rr.next >= rr.end && rr.r == rr.w }
