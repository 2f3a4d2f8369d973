package sample_test

import (
	"bytes"
	"context"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailscope/trailscope/model/catalog"
	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/source/sample"
	"github.com/trailscope/trailscope/source/sample/scenarios"
	"github.com/trailscope/trailscope/source/sample/story"
)

var update = flag.Bool("update", false, "rewrite the embedded scenario files from the generator")

// generated runs the generator once for all tests.
var generated = sync.OnceValues(func() (gen, error) {
	files, truth, st, err := story.Generate()
	return gen{files, truth, st}, err
})

type gen struct {
	files []story.File
	truth []story.Truth
	stats story.Stats
}

// read reads a sample into a new index.
func read(name string) (*index.Index, []cloudtrail.Problem, error) {
	s, err := sample.Named(name)
	if err != nil {
		return nil, nil, err
	}
	idx := index.New()
	var problems []cloudtrail.Problem
	err = s.Read(context.Background(), func(b cloudtrail.Batch) {
		idx.Add(b.Records)
		problems = append(problems, b.Problems...)
	})
	return idx, problems, err
}

func load(t testing.TB, name string) (*index.Index, []cloudtrail.Problem) {
	t.Helper()
	idx, problems, err := read(name)
	if err != nil {
		t.Fatal(err)
	}
	return idx, problems
}

var loaded = sync.OnceValues(func() (*index.Index, []cloudtrail.Problem) {
	idx, problems, err := read(sample.Default)
	if err != nil {
		problems = append(problems, cloudtrail.Problem{File: sample.Default, Reason: err.Error()})
	}
	return idx, problems
})

// TestGeneratorDeterministic: regenerating the dataset gives the embedded files byte for byte. With
// -update, it rewrites them instead.
func TestGeneratorDeterministic(t *testing.T) {
	g, err := generated()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		dir := filepath.Join("data", "scenarios")
		if err := os.RemoveAll(filepath.Join(dir, "AWSLogs")); err != nil {
			t.Fatal(err)
		}
		for _, f := range g.files {
			p := filepath.Join(dir, filepath.FromSlash(f.Path))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("rewrote %d files; rebuild to embed them", len(g.files))
		return
	}
	s, _ := sample.Named(sample.Default)
	embedded := map[string][]byte{}
	err = fs.WalkDir(s.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(s.FS(), p)
		embedded[p] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range g.files {
		b, ok := embedded[f.Path]
		switch {
		case !ok:
			t.Errorf("the generator writes %s, which is not embedded (go generate ./source/sample)", f.Path)
		case !bytes.Equal(b, f.Data):
			t.Errorf("%s: the generator's bytes differ from the embedded file (go generate ./source/sample)", f.Path)
		}
		delete(embedded, f.Path)
	}
	for p := range embedded {
		t.Errorf("%s is embedded but no longer generated (go generate ./source/sample)", p)
	}
	if n := g.stats.Records; n < 20_000 || n > 50_000 {
		t.Errorf("%d records; the sample should hold 20,000 to 50,000", n)
	}
	t.Logf("%d files, %d records (%d for the scenarios), %.1f MB gzipped", g.stats.Files, g.stats.Records,
		g.stats.Incident, float64(g.stats.GzipBytes)/1e6)
}

// TestScenarioAnswers: every scenario's hint is a valid filter that finds the first event of its answer;
// the answer's filter finds all of its evidence; and what the model computes is what the generator wrote.
func TestScenarioAnswers(t *testing.T) {
	g, err := generated()
	if err != nil {
		t.Fatal(err)
	}
	idx, problems := loaded()
	if len(problems) > 0 {
		t.Fatalf("the sample has problems: %v", problems)
	}
	truths := map[string]story.Truth{}
	for _, tr := range g.truth {
		truths[tr.Scenario] = tr
	}
	for _, sc := range scenarios.All() {
		t.Run(sc.Name, func(t *testing.T) {
			tr, ok := truths[sc.Name]
			if !ok {
				t.Fatalf("the generator wrote no ground truth for %s", sc.Name)
			}
			a, err := sc.Answer(idx)
			if err != nil {
				t.Fatal(err)
			}
			t.Log(a.Text)
			if sc.Question == "" || sc.Title == "" || sc.Next == "" {
				t.Error("the scenario lacks a title, question or next step")
			}
			hint := query(t, idx, sc.Hint)
			if !slices.Contains(hint, a.Key) {
				t.Errorf("the hint %q does not find the answer's key event", sc.Hint)
			}
			if !slices.Contains(a.Evidence, a.Key) {
				t.Error("the key event is not part of the evidence")
			}
			if len(hint) > 2000 {
				t.Errorf("the hint %q leaves %d events: too many to start from", sc.Hint, len(hint))
			}
			shown := query(t, idx, a.Filter)
			for _, ref := range a.Evidence {
				if !slices.Contains(shown, ref) {
					t.Errorf("the answer's filter %q misses evidence %s", a.Filter, idx.Record(ref).EventID)
				}
			}
			var ids []string
			for _, ref := range a.Evidence {
				ids = append(ids, idx.Record(ref).EventID)
			}
			sort.Strings(ids)
			if tr.Partial {
				for _, id := range tr.EventIDs {
					if _, found := slices.BinarySearch(ids, id); !found {
						t.Errorf("the answer misses event %s", id)
					}
				}
				if a.Count < tr.Count {
					t.Errorf("count %d, want at least %d", a.Count, tr.Count)
				}
			} else {
				if !slices.Equal(ids, tr.EventIDs) {
					t.Errorf("the answer rests on %d events, the generator wrote %d (first differences: %v)",
						len(ids), len(tr.EventIDs), firstDiff(ids, tr.EventIDs))
				}
				if a.Count != tr.Count {
					t.Errorf("count %d, want %d", a.Count, tr.Count)
				}
			}
			check := func(what, got, want string) {
				if got != want {
					t.Errorf("%s %q, want %q", what, got, want)
				}
			}
			check("principal", a.Principal, tr.Principal)
			check("behind", a.Behind, tr.Behind)
			check("source IP", a.SourceIP, tr.SourceIP)
			if tr.AccessKey != "" {
				check("access key", a.AccessKey, tr.AccessKey)
			}
			for _, r := range tr.Resources {
				if !slices.Contains(a.Resources, r) {
					t.Errorf("resources %v, want %s among them", a.Resources, r)
				}
			}
			if len(tr.Resources) > 0 && (len(a.Resources) == 0 || a.Resources[0] != tr.Resources[0]) {
				t.Errorf("resources %v, want %s first", a.Resources, tr.Resources[0])
			}
		})
	}
	for name := range truths {
		if _, ok := scenarios.Named(name); !ok {
			t.Errorf("the generator wrote ground truth for %s, which the model does not ask about", name)
		}
	}
}

func query(t *testing.T, idx *index.Index, text string) []index.EventRef {
	t.Helper()
	q, err := filter.ParseQuery(text)
	if err != nil {
		t.Fatalf("filter %q: %v", text, err)
	}
	return idx.Query(q).Refs
}

func firstDiff(got, want []string) []string {
	var out []string
	for _, g := range got {
		if _, ok := slices.BinarySearch(want, g); !ok && len(out) < 3 {
			out = append(out, "+"+g)
		}
	}
	for _, w := range want {
		if _, ok := slices.BinarySearch(got, w); !ok && len(out) < 6 {
			out = append(out, "-"+w)
		}
	}
	return out
}

// TestCatalogCoversScenarios: the event catalog explains every call the scenarios' records make (the
// background's routine calls may fall outside it: the console then shows the service and nothing invented).
func TestCatalogCoversScenarios(t *testing.T) {
	g, err := generated()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range g.stats.Calls {
		source, name, _ := strings.Cut(c, " ")
		if _, ok := catalog.Explain(source, name); !ok {
			t.Errorf("the catalog does not explain %s %s", source, name)
		}
	}
	if len(g.stats.Calls) < 30 {
		t.Errorf("only %d calls in the scenarios", len(g.stats.Calls))
	}
	idx, _ := loaded()
	names := idx.Values(filter.FieldEvent)
	explained := 0
	for _, v := range names {
		for _, src := range idx.Values(filter.FieldSource) {
			if _, ok := catalog.Explain(src.Value, v.Value); ok {
				explained++
				break
			}
		}
	}
	t.Logf("%d calls in the scenarios, all explained; %d of the sample's %d event names explained", len(g.stats.Calls), explained, len(names))
}

// TestInvictus: the real dataset loads whole, without problems.
func TestInvictus(t *testing.T) {
	idx, problems := load(t, "invictus")
	if len(problems) > 0 {
		t.Errorf("problems: %v", problems)
	}
	if n := idx.Len(); n < 2800 || n > 3000 {
		t.Errorf("%d events, want about 2,900", n)
	}
	s, _ := sample.Named("invictus")
	if lic := s.License(); !bytes.Contains([]byte(lic), []byte("MIT License")) || !bytes.Contains([]byte(lic), []byte("Invictus")) {
		t.Errorf("the license is missing or changed: %.80q", lic)
	}
}

// TestFirstBatchFast: the sample streams, so that the console has events to show long before it is
// all read: the first batch comes while most of the sample is still to read. (How soon, in
// milliseconds, depends on the machine: BenchmarkFirstBatch measures it.)
func TestFirstBatchFast(t *testing.T) {
	s, _ := sample.Named(sample.Default)
	var batches, first, total int
	err := s.Read(context.Background(), func(b cloudtrail.Batch) {
		if batches++; first == 0 {
			first = len(b.Records)
		}
		total += len(b.Records)
	})
	if err != nil {
		t.Fatal(err)
	}
	if batches < 3 || first == 0 || first > total/3 {
		t.Errorf("%d records in %d batches, %d in the first: want the first to hold no more than a third", total, batches, first)
	}
}

// BenchmarkFirstBatch measures how long the console waits for the sample's first events.
func BenchmarkFirstBatch(b *testing.B) {
	s, _ := sample.Named(sample.Default)
	var wait time.Duration
	for b.Loop() {
		ctx, cancel := context.WithCancel(context.Background())
		start := time.Now()
		_ = s.Read(ctx, func(b cloudtrail.Batch) {
			if len(b.Records) > 0 && ctx.Err() == nil {
				wait += time.Since(start)
				cancel()
			}
		})
		cancel()
	}
	b.ReportMetric(float64(wait)/float64(time.Millisecond)/float64(b.N), "ms/first-batch")
}

func TestNamed(t *testing.T) {
	if _, err := sample.Named("nope"); err == nil {
		t.Error("no error for an unknown sample")
	}
	for _, s := range sample.List() {
		if s.About == "" || s.Title == "" || s.Banner() == "" {
			t.Errorf("%s lacks a description", s.Name)
		}
	}
}

// BenchmarkLoadScenarios measures reading the whole scenario sample into an index.
func BenchmarkLoadScenarios(b *testing.B) {
	for b.Loop() {
		idx, _ := load(b, sample.Default)
		if idx.Len() == 0 {
			b.Fatal("nothing loaded")
		}
	}
}
