package index

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
)

// sliceStore keeps records in memory, one per offset, and counts how it was asked for them.
type sliceStore struct {
	mu    sync.Mutex
	recs  [][]byte
	one   int // Raw calls
	bulks int // RawEach calls
}

// put keeps a record; self is the store the reference names (a bulkStore embeds a sliceStore).
func (s *sliceStore) put(self cloudtrail.RawStore, rec string) cloudtrail.RawRef {
	s.recs = append(s.recs, []byte(rec))
	return cloudtrail.RawRef{Store: self, Off: int64(len(s.recs) - 1), Len: len(rec)}
}

func (s *sliceStore) Raw(off int64, n int) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.one++
	if off < 0 || off >= int64(len(s.recs)) || len(s.recs[off]) != n {
		return nil, fmt.Errorf("no record at %d", off)
	}
	return s.recs[off], nil
}

// bulkStore is a sliceStore that reads in bulk.
type bulkStore struct{ sliceStore }

func (s *bulkStore) RawEach(ctx context.Context, spans []cloudtrail.RawSpan, fn func(int, []byte) error) error {
	s.mu.Lock()
	s.bulks++
	s.mu.Unlock()
	for i, sp := range spans {
		if err := fn(i, s.recs[sp.Off]); err != nil {
			return err
		}
	}
	return nil
}

func TestRawEachAcrossStores(t *testing.T) {
	a, b, c := &bulkStore{}, &bulkStore{}, &sliceStore{}
	x := New()
	var want []string
	for i := range 300 {
		r := rec(i, "Describe")
		body := fmt.Sprintf(`{"n":%d}`, i)
		switch i % 3 {
		case 0:
			r.Raw = a.put(a, body)
		case 1:
			r.Raw = b.put(b, body)
		case 2:
			r.Raw = c.put(c, body)
		}
		want = append(want, body)
		x.Add([]cloudtrail.Record{r})
	}
	refs := x.Query(filter.Query{}).Refs
	slices.Reverse(refs) // newest first: an order no store keeps
	slices.Reverse(want)
	var got []string
	err := x.RawEach(context.Background(), refs, func(i int, raw []byte) error {
		if i != len(got) {
			t.Fatalf("position %d after %d", i, len(got))
		}
		got = append(got, string(raw))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("RawEach gave %v..., want %v...", got[:4], want[:4])
	}
	if a.bulks != 1 || b.bulks != 1 || a.one+b.one != 0 || c.one != 100 {
		t.Errorf("bulk stores asked %d and %d times (%d single reads), the other %d times; want once each in bulk, 100 single reads",
			a.bulks, b.bulks, a.one+b.one, c.one)
	}

	// A reader that stops stops every store.
	stop := errors.New("enough")
	n := 0
	err = x.RawEach(context.Background(), refs, func(i int, raw []byte) error {
		if n++; n == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 10 {
		t.Errorf("RawEach = %v after %d records, want the reader's error after 10", err, n)
	}

	// An event without a raw record is an error when its turn comes, not before.
	x.Add([]cloudtrail.Record{rec(1000, "NoRaw")})
	refs = x.Query(filter.Query{}).Refs
	n = 0
	err = x.RawEach(context.Background(), refs, func(int, []byte) error { n++; return nil })
	if !errors.Is(err, errNoRaw) || n != 300 {
		t.Errorf("RawEach with an event without its record = %v after %d, want errNoRaw after 300", err, n)
	}
}

// fileStore is a sliceStore whose records came from files: ten records a file.
type fileStore struct{ sliceStore }

func (s *fileStore) File(off int64) string {
	return fmt.Sprintf("/evidence/AWSLogs/111122223333/CloudTrail/us-east-1/file-%02d.json.gz", off/10)
}

// TestFileTerm: file: selects the events read from the files whose path contains a value (or matches
// it with wildcards), ignoring case; events whose store names no file are in none.
func TestFileTerm(t *testing.T) {
	files, other := &fileStore{}, &sliceStore{}
	x := New()
	var recs []cloudtrail.Record
	for i := range 40 {
		r := rec(i, "Describe")
		if i < 30 {
			r.Raw = files.put(files, fmt.Sprintf(`{"n":%d}`, i))
		} else {
			r.Raw = other.put(other, fmt.Sprintf(`{"n":%d}`, i))
		}
		recs = append(recs, r)
	}
	x.Add(recs)
	for _, c := range []struct {
		filter string
		want   int
	}{
		{"file:file-01.json.gz", 10},
		{"file:FILE-0", 30},
		{"file:file-00.json.gz,file-02", 20},
		{"file:us-east-1/*-02.json", 10},
		{"-file:file-01", 30}, // the 10 of other files and the 10 in no file
		{"file:nosuch", 0},
	} {
		q, err := filter.ParseQuery(c.filter)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(x.Query(q).Refs); got != c.want {
			t.Errorf("%s: %d events, want %d", c.filter, got, c.want)
		}
	}
	counts, err := x.CountBy(x.Query(filter.Query{}).Refs, filter.FieldFile)
	if err != nil || len(counts) != 4 {
		t.Fatalf("count by file: %v %v", counts, err)
	}
	for _, c := range counts {
		if c.Count != 10 || (c.Value != "" && !strings.HasSuffix(c.Value, ".json.gz")) {
			t.Errorf("count by file: %+v", c)
		}
	}
}
