package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
)

// countingFS counts the files opened in it.
type countingFS struct {
	fstest.MapFS
	mu    sync.Mutex
	opens map[string]int
}

func (c *countingFS) Open(name string) (fs.File, error) {
	c.mu.Lock()
	c.opens[name]++
	c.mu.Unlock()
	return c.MapFS.Open(name)
}

func (c *countingFS) reset() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.opens
	c.opens = map[string]int{}
	return old
}

// recordAt is a record with its own eventID and time.
func recordAt(n int, t time.Time) string {
	r := withID(invictusRecord, fmt.Sprintf("00000000-0000-4000-8000-%012d", n))
	return strings.Replace(r, "2023-07-10T11:42:36Z", t.UTC().Format(time.RFC3339), 1)
}

// bulkArchive is files of records in every envelope whose raw bytes are re-read: S3 delivery files
// gzipped and plain, JSON lines, LookupEvents output (escaped records), and records on stdin (kept
// in memory, 3 files' worth). With ordered, each file covers its own stretch of time, as CloudTrail's do; otherwise
// times are random, so that time order jumps between all the files.
func bulkArchive(t testing.TB, files, perFile int, ordered bool) (*countingFS, string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	fsys := &countingFS{MapFS: fstest.MapFS{}, opens: map[string]int{}}
	n := 0
	next := func() string {
		n++
		at := start.Add(time.Duration(rng.IntN(1_000_000)) * time.Second)
		if ordered {
			at = start.Add(time.Duration(n) * time.Second)
		}
		return recordAt(n, at)
	}
	for f := range files {
		recs := make([]string, perFile)
		for i := range recs {
			recs[i] = next()
		}
		var data []byte
		name := fmt.Sprintf("logs/%03d", f)
		switch f % 4 {
		case 0:
			data, name = gz(t, []byte(`{"Records":[`+strings.Join(recs, ",")+`]}`)), name+".json.gz"
		case 1:
			data, name = []byte("[\n  "+strings.Join(recs, ",\n  ")+"\n]"), name+".json"
		case 2:
			data, name = []byte(strings.Join(recs, "\n")+"\n"), name+".jsonl"
		case 3:
			var events []map[string]string
			for _, r := range recs {
				events = append(events, map[string]string{"CloudTrailEvent": r})
			}
			data, _ = json.Marshal(map[string]any{"Events": events})
			name += ".lookup.json"
		}
		fsys.MapFS[name] = &fstest.MapFile{Data: data}
	}
	var stdin []string
	for range 3 * perFile { // in blocks of 64 KB: sealed ones, and the one being filled
		stdin = append(stdin, next())
	}
	return fsys, `{"Records":[` + strings.Join(stdin, ",") + `]}`
}

// loadBulk reads a bulkArchive with a store of the given budget.
func loadBulk(t testing.TB, fsys *countingFS, stdin string, budget int64) (*index.Index, *Store) {
	t.Helper()
	st := NewStore()
	st.budget = budget
	idx, problems, _ := load(t, []string{"logs", "-"}, Options{FS: fsys, Stdin: strings.NewReader(stdin), Store: st})
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	fsys.reset()
	return idx, st
}

// collect returns the records RawEach hands out, checking their positions come in order.
func collect(t *testing.T, idx *index.Index, refs []index.EventRef) [][]byte {
	t.Helper()
	var got [][]byte
	err := idx.RawEach(context.Background(), refs, func(i int, raw []byte) error {
		if i != len(got) {
			t.Fatalf("position %d handed out after %d others", i, len(got))
		}
		got = append(got, bytes.Clone(raw))
		return nil
	})
	if err != nil {
		t.Fatalf("RawEach: %v", err)
	}
	return got
}

func TestRawEachGivesWhatRawGives(t *testing.T) {
	fsys, stdin := bulkArchive(t, 12, 60, false)
	for _, budget := range []int64{0, 20_000, 1} {
		idx, st := loadBulk(t, fsys, stdin, budget)
		st.runMax = 3000 // runs of a few records: the spool is written while a file is read
		q, _ := filter.ParseQuery("")
		all := idx.Query(q).Refs
		if len(all) != 15*60 {
			t.Fatalf("%d events, want %d", len(all), 15*60)
		}
		rng := rand.New(rand.NewPCG(3, 4))
		shuffled, backward := slices.Clone(all), slices.Clone(all)
		slices.Reverse(backward)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		orders := map[string][]index.EventRef{
			"time order":       all,
			"newest first":     backward,
			"shuffled":         shuffled,
			"some, some twice": append(slices.Clone(shuffled[:100]), shuffled[50:150]...),
			"some thrice":      append(append(slices.Clone(shuffled[:100]), shuffled[:100]...), shuffled[:100]...),
			"one":              all[7:8],
		}
		for name, refs := range orders {
			t.Run(fmt.Sprintf("budget %d, %s", budget, name), func(t *testing.T) {
				fsys.reset()
				st.spooled.Store(0)
				got := collect(t, idx, refs)
				if spooled := st.spooled.Load(); (budget == 0 && spooled > 0) || (budget == 1 && spooled == 0) {
					t.Errorf("%d bytes spooled with a budget of %d", spooled, budget)
				}
				for name, n := range fsys.reset() {
					if n > 1 {
						t.Errorf("%s read %d times", name, n)
					}
				}
				if len(got) != len(refs) {
					t.Fatalf("%d records, want %d", len(got), len(refs))
				}
				for i, ref := range refs {
					want, err := idx.Raw(ref)
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(got[i], want) {
						t.Fatalf("position %d: RawEach gave %.80q, Raw gives %.80q", i, got[i], want)
					}
				}
			})
		}
	}
}

func TestRawEachStartsBeforeTheLastFile(t *testing.T) {
	const files, perFile = 40, 50
	fsys, stdin := bulkArchive(t, files, perFile, true)
	size := 0
	for _, f := range fsys.MapFS {
		size = max(size, len(f.Data))
	}
	// Room for about two files' records: the workers wait for the first records to go out.
	idx, _ := loadBulk(t, fsys, stdin, int64(2*size))
	q, _ := filter.ParseQuery("")
	refs := idx.Query(q).Refs
	opened := -1
	err := idx.RawEach(context.Background(), refs, func(i int, raw []byte) error {
		if i == 0 {
			opened = len(fsys.reset())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if opened < 1 || opened > 3 {
		t.Errorf("%d files of %d were opened when the first record went out, want 1 to 3", opened, files)
	}
}

func TestRawEachStops(t *testing.T) {
	fsys, stdin := bulkArchive(t, 8, 40, false)
	for _, budget := range []int64{0, 1} {
		idx, _ := loadBulk(t, fsys, stdin, budget)
		q, _ := filter.ParseQuery("")
		refs := idx.Query(q).Refs
		stop := errors.New("the reader went away")
		n := 0
		err := idx.RawEach(context.Background(), refs, func(i int, raw []byte) error {
			n++
			if i == 5 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || n != 6 {
			t.Errorf("budget %d: RawEach = %v after %d records, want the reader's error after 6", budget, err, n)
		}
		ctx, cancel := context.WithCancel(context.Background())
		n = 0
		err = idx.RawEach(ctx, refs, func(i int, raw []byte) error {
			n++
			if i == 5 {
				cancel()
			}
			return nil
		})
		if !errors.Is(err, context.Canceled) || n != 6 {
			t.Errorf("budget %d: RawEach = %v after %d records, want context.Canceled after 6", budget, err, n)
		}
	}
}

func TestRawEachFileChanged(t *testing.T) {
	dir := t.TempDir()
	var recs []string
	for i := range 20 {
		recs = append(recs, recordAt(i, time.Unix(int64(i), 0)))
	}
	p := write(t, dir, "a.json.gz", gz(t, []byte(`{"Records":[`+strings.Join(recs, ",")+`]}`)))
	idx, _, _ := load(t, []string{dir}, Options{})
	q, _ := filter.ParseQuery("")
	refs := idx.Query(q).Refs
	write(t, dir, "a.json.gz", gz(t, []byte(`{"Records":[`+strings.Join(recs[:5], ",")+`]}`)))
	err := idx.RawEach(context.Background(), refs, func(int, []byte) error { return nil })
	if err == nil || !strings.Contains(err.Error(), p) || !errors.Is(err, errChanged) {
		t.Errorf("RawEach over a file cut short = %v, want an error naming %s", err, p)
	}
	os.Remove(p)
	err = idx.RawEach(context.Background(), refs, func(int, []byte) error { return nil })
	if err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("RawEach over a file removed = %v, want an error naming %s", err, p)
	}
}

func TestSpool(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", cache)
	dir := filepath.Join(cache, "trailscope", "spool")
	sp, err := createSpool()
	if err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(dir); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("spool directory: %v, %v; want 0700", info.Mode(), err)
	}
	if info, err := sp.f.Stat(); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("spool file: %v, %v; want 0600", info.Mode(), err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 && sp.remove == "" {
		t.Errorf("the spool file is still in %s while in use: %v", dir, entries)
	}
	if err := sp.close(); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("%s holds %v after the spool closed", dir, entries)
	}

	// A bulk read that spools leaves nothing behind either.
	fsys, stdin := bulkArchive(t, 4, 30, false)
	idx, _ := loadBulk(t, fsys, stdin, 1)
	q, _ := filter.ParseQuery("")
	spooled := false
	err = idx.RawEach(context.Background(), idx.Query(q).Refs, func(i int, raw []byte) error {
		if entries, _ := os.ReadDir(dir); i == 100 {
			spooled = true
			if len(entries) != 0 {
				t.Errorf("the spool file is still in %s while in use: %v", dir, entries)
			}
		}
		return nil
	})
	if err != nil || !spooled {
		t.Fatalf("RawEach: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("%s holds %v after a bulk read", dir, entries)
	}
}

func TestRawEachBigRecords(t *testing.T) {
	// Records that fill most of a chunk, among small ones, in memory and through the spool.
	big := strings.Replace(recordAt(1, time.Unix(1, 0)), `"aws-cli/2.13.0"`, `"`+strings.Repeat("x", chunkSize*3/4)+`"`, 1)
	lines := []string{recordAt(0, time.Unix(0, 0)), big, recordAt(2, time.Unix(2, 0))}
	bigger := strings.Replace(recordAt(3, time.Unix(3, 0)), `"aws-cli/2.13.0"`, `"`+strings.Repeat("y", chunkSize*3/4)+`"`, 1)
	fsys := &countingFS{MapFS: fstest.MapFS{
		"logs/a.jsonl":   {Data: []byte(strings.Join(lines, "\n"))},
		"logs/b.json.gz": {Data: gz(t, []byte(`{"Records":[`+bigger+`,`+big+`]}`))},
	}, opens: map[string]int{}}
	for _, budget := range []int64{0, 1} {
		idx, _ := loadBulk(t, fsys, `{"Records":[`+recordAt(4, time.Unix(4, 0))+`]}`, budget)
		q, _ := filter.ParseQuery("")
		refs := idx.Query(q).Refs
		refs = append(refs, refs...)
		got := collect(t, idx, refs)
		want := []string{lines[0], big, lines[2], bigger, recordAt(4, time.Unix(4, 0))}
		for i := range got {
			if string(got[i]) != want[i%5] {
				t.Errorf("budget %d, position %d: %.60q..., want %.60q...", budget, i, got[i], want[i%5])
			}
		}
	}
}

// TestKeptRecordsNeedNoFile: the records a prefilter lets through are kept in memory (up to
// keptBudget), so writing them out reads no file again; past the budget they are re-read as others.
func TestKeptRecordsNeedNoFile(t *testing.T) {
	dir := t.TempDir()
	var recs []string
	for i := range 40 {
		recs = append(recs, recordAt(i, time.Unix(int64(i), 0)))
	}
	p := write(t, dir, "a.json.gz", gz(t, []byte(`{"Records":[`+strings.Join(recs, ",")+`]}`)))
	odd := func(rec []byte) bool { // eventIDs ending in 1: 4 of 40
		for _, id := range []string{"01", "11", "21", "31"} {
			if bytes.Contains(rec, []byte("-0000000000"+id+`"`)) {
				return true
			}
		}
		return false
	}
	idx, _, _ := load(t, []string{dir}, Options{Keep: odd})
	refs := idx.Query(filter.Query{}).Refs
	if len(refs) != 4 {
		t.Fatalf("%d records kept, want 4", len(refs))
	}
	var want [][]byte
	for _, ref := range refs {
		raw, err := idx.Raw(ref)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, raw)
	}
	os.Remove(p)
	var got [][]byte
	if err := idx.RawEach(context.Background(), refs, func(_ int, raw []byte) error { got = append(got, bytes.Clone(raw)); return nil }); err != nil {
		t.Fatalf("RawEach with the file gone: %v", err)
	}
	if !slices.EqualFunc(got, want, bytes.Equal) || !bytes.Equal(got[0], []byte(recs[1])) {
		t.Errorf("records kept in memory:\n%s\nwant\n%s", got, want)
	}

	s := NewStore()
	big := bytes.Repeat([]byte("x"), keptBudget/2+1)
	if _, ok := s.putWithin(big, "big.json"); !ok {
		t.Fatal("the first record past half the budget was not kept")
	}
	if _, ok := s.putWithin(big, "big.json"); ok {
		t.Error("a store kept more than keptBudget")
	}
}

// TestKeptRecordsKeepTheirFile: a record a prefilter let through, kept in memory, still names the file
// it was read from (the file: term and the console's integrity marks ask), though the records of
// several files share a block.
func TestKeptRecordsKeepTheirFile(t *testing.T) {
	dir := t.TempDir()
	var a, b []string
	for i := range 40 {
		a = append(a, recordAt(i, time.Unix(int64(i), 0)))
		b = append(b, recordAt(100+i, time.Unix(int64(i), 0)))
	}
	pa := write(t, dir, "a.json.gz", gz(t, []byte(`{"Records":[`+strings.Join(a, ",")+`]}`)))
	pb := write(t, dir, "b.json", []byte(`{"Records":[`+strings.Join(b, ",")+`]}`))
	even := func(rec []byte) bool { return bytes.Contains(rec, []byte(`0"`)) || bytes.Contains(rec, []byte(`2"`)) }
	idx, _, _ := load(t, []string{dir}, Options{Keep: even})
	refs := idx.Query(filter.Query{}).Refs
	if len(refs) == 0 {
		t.Fatal("nothing kept")
	}
	for _, ref := range refs {
		r := idx.Record(ref)
		want := pa
		if n, _ := strconv.Atoi(r.EventID[len(r.EventID)-3:]); n >= 100 {
			want = pb
		}
		fs, ok := r.Raw.Store.(cloudtrail.FileStore)
		if !ok {
			t.Fatalf("%s: its store names no file", r.EventID)
		}
		if got := fs.File(r.Raw.Off); got != want {
			t.Errorf("%s: from %q, want %q", r.EventID, got, want)
		}
	}
	q, _ := filter.ParseQuery("file:b.json")
	for _, ref := range idx.Query(q).Refs {
		if n, _ := strconv.Atoi(idx.Record(ref).EventID[len(idx.Record(ref).EventID)-3:]); n < 100 {
			t.Errorf("file:b.json selected %s", idx.Record(ref).EventID)
		}
	}
	if n := len(idx.Query(q).Refs); n == 0 || n == len(refs) {
		t.Errorf("file:b.json selected %d of %d", n, len(refs))
	}

	// A record put in the same block from no file (stdin) names none.
	s := NewStore()
	ra, _ := s.putWithin([]byte(`{"a":1}`), "a.json")
	rs := s.Put([]byte(`{"stdin":1}`))
	rb, _ := s.putWithin([]byte(`{"b":1}`), "b.json")
	for _, c := range []struct {
		ref  cloudtrail.RawRef
		want string
	}{{ra, "a.json"}, {rs, ""}, {rb, "b.json"}} {
		if got := s.File(c.ref.Off); got != c.want {
			t.Errorf("File(%d) = %q, want %q", c.ref.Off, got, c.want)
		}
	}
}
