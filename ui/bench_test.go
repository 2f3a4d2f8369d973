package ui

import (
	"runtime"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/ui/components/summaries"
)

// The console's benchmarks over 1M synthetic events (`go test -bench . -benchtime 50x ./ui`). The
// index is built once and shared.
var (
	benchOnce sync.Once
	benchIdx  *index.Index
)

const benchEvents = 1_000_000

func benchApp(b *testing.B) *App {
	b.Helper()
	benchOnce.Do(func() { benchIdx = testIndex(benchEvents) })
	return newTestApp(benchIdx, 120, 40)
}

// BenchmarkCursorDown is one keypress moving the timeline's cursor, with the frame it draws.
func BenchmarkCursorDown(b *testing.B) {
	a := benchApp(b)
	down := keyMsg("j")
	b.ResetTimer()
	for b.Loop() {
		a.Update(down)
		_ = a.View()
	}
}

// BenchmarkPageDown is one page of the timeline scrolled, with its frame.
func BenchmarkPageDown(b *testing.B) {
	a := benchApp(b)
	pg := keyMsg("pgdown")
	b.ResetTimer()
	for b.Loop() {
		a.Update(pg)
		_ = a.View()
	}
}

// benchFilter measures a filter from the moment it runs (after the debounce) to its frame: the
// parse, the query, the histogram, the result landing and the view.
func benchFilter(b *testing.B, text string) {
	a := benchApp(b)
	b.ResetTimer()
	for b.Loop() {
		cmd := a.runQuery(text)
		a.Update(cmd())
		_ = a.View()
		a.runQuery("") // a different filter next time round
		a.state.Applied = ""
	}
}

func BenchmarkFilterQualifier(b *testing.B) { benchFilter(b, "event:RunInstances") }
func BenchmarkFilterTwoTerms(b *testing.B)  { benchFilter(b, "event:RunInstances error:AccessDenied") }
func BenchmarkFilterBareWord(b *testing.B)  { benchFilter(b, "user12") }
func BenchmarkFilterEmpty(b *testing.B)     { benchFilter(b, "") }

// BenchmarkOpenDetail builds an event's detail (record, raw JSON tree, chain, related counts) and draws it.
func BenchmarkOpenDetail(b *testing.B) {
	a := benchApp(b)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		a.Update(a.detail.Open(a.timeline.Row(i%1000), 0)()) // the related counts it starts are BenchmarkRelatedCounts
		_ = a.View()
	}
}

// BenchmarkCompletion is one keystroke in the filter bar that completes a principal.
func BenchmarkCompletion(b *testing.B) {
	a := benchApp(b)
	press(a, "/")
	typeText(a, "principal:use")
	b.ResetTimer()
	for b.Loop() {
		a.bar.Update(keyMsg("r"))
		a.bar.Update(keyMsg("backspace"))
		_ = a.View()
	}
}

// BenchmarkSummaries aggregates the whole result per principal and per resource.
func BenchmarkSummaries(b *testing.B) {
	a := benchApp(b)
	b.ResetTimer()
	for b.Loop() {
		a.Update(summaries.New(&a.state).Summarize()())
	}
}

// TestConsoleMemory reports what the console holds over the index at 1M events (run with -v; skipped
// with -short, and under the race detector: it runs on one goroutine, where the detector has nothing
// to find, and makes the 1M-event index take minutes, most of the package's time limit on a busy
// machine; CI runs it without).
func TestConsoleMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 1M-event index")
	}
	if raceEnabled {
		t.Skip("builds a 1M-event index, which takes minutes under the race detector: run without -race")
	}
	benchOnce.Do(func() { benchIdx = testIndex(benchEvents) })
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	a := newTestApp(benchIdx, 120, 40)
	press(a, "2")
	press(a, "3")
	_ = a.View()
	start := time.Now()
	runtime.GC()
	runtime.ReadMemStats(&after)
	extra := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("console over a 1M-event index: %.1f MB extra heap (result, summaries, views) [%s]", float64(extra)/(1<<20), time.Since(start))
	if extra > 50<<20 {
		t.Errorf("the console holds %.1f MB over the index: the budget is 50 MB", float64(extra)/(1<<20))
	}
	runtime.KeepAlive(a)
	_ = tea.Quit
}

// BenchmarkRelatedCounts counts the related events of a detail (off the UI loop, after it shows).
func BenchmarkRelatedCounts(b *testing.B) {
	a := benchApp(b)
	_, count := a.Update(a.detail.Open(a.timeline.Row(0), 0)())
	b.ResetTimer()
	for b.Loop() {
		count()
	}
}
