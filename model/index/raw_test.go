package index

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
