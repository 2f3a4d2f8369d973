package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/ui/common"
	"github.com/trailscope/trailscope/ui/settings"
)

// spanIndex holds n events spread evenly from start over span.
func spanIndex(n int, start time.Time, span time.Duration) *index.Index {
	recs := synthRecords(n, 11)
	for i := range recs {
		recs[i].Time = start.Add(span * time.Duration(i) / time.Duration(n))
	}
	idx := index.New()
	idx.Add(recs)
	return idx
}

// firstRow is the timeline's first row of events.
func firstRow(a *App) string { return strings.Split(screen(a), "\n")[6] }

func TestTimelineShowsTheDateWhenTheRangeSpansDays(t *testing.T) {
	start := time.Date(2024, 3, 8, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		span time.Duration
		want string
	}{
		{6 * time.Hour, "15:04:05"},          // one day: the clock alone
		{10 * 24 * time.Hour, "01-02 15:04"}, // days: month and day
		{500 * 24 * time.Hour, "2006-01-02"}, // years: the year too
	} {
		a := newTestApp(spanIndex(100, start, tc.span), 80, 24)
		newest := start.Add(tc.span * 99 / 100)
		want := " " + newest.Format(tc.want) + " "
		row := firstRow(a)
		if !strings.Contains(row, want) || tc.want == "15:04:05" && strings.Contains(row, newest.Format(" 01-02")) {
			t.Fatalf("span %v: first row %q, want %q", tc.span, row, want)
		}
	}
}

func TestTimeToggleAndZone(t *testing.T) {
	idx := spanIndex(100, time.Date(2024, 3, 8, 9, 0, 0, 0, time.UTC), 6*time.Hour)
	a := newKeptApp(idx, t.TempDir(), settings.Config{TimeZone: "Asia/Tokyo"})
	title := strings.Split(screen(a), "\n")[0]
	if !strings.HasSuffix(strings.TrimSpace(title), "Asia/Tokyo JST") || !strings.Contains(firstRow(a), " 23:5") {
		t.Fatalf("the config's zone: title %q row %q", title, firstRow(a))
	}
	press(a, "t")
	if a.state.Clock.Mode != common.TimesRelative || !strings.Contains(firstRow(a), " ago") {
		t.Fatalf("t: relative: %q", firstRow(a))
	}
	press(a, "t")
	if title := strings.Split(screen(a), "\n")[0]; !strings.HasSuffix(strings.TrimSpace(title), "UTC") || !strings.Contains(firstRow(a), " 14:5") {
		t.Fatalf("t t: UTC: title %q row %q", title, firstRow(a))
	}
	press(a, "t")
	if a.state.Clock.Mode != common.TimesZone {
		t.Fatalf("t t t: back to the zone: %v", a.state.Clock.Mode)
	}
	rel := newKeptApp(idx, t.TempDir(), settings.Config{RelativeTimes: true})
	if !strings.Contains(firstRow(rel), " ago") {
		t.Fatalf("relative_times: %q", firstRow(rel))
	}
}

func TestAgo(t *testing.T) {
	now := time.Date(2024, 3, 8, 12, 0, 0, 0, time.UTC)
	for d, want := range map[time.Duration]string{
		30 * time.Second: "30s ago", 12 * time.Minute: "12m ago", 3*time.Hour + 5*time.Minute: "3h05m ago",
		50 * time.Hour: "2d02h ago", 800 * 24 * time.Hour: "2y ago", -2 * time.Minute: "+2m",
	} {
		if got := common.Ago(now.Add(-d), now); got != want {
			t.Errorf("%v: %q, want %q", d, got, want)
		}
	}
}

// TestDetailTimeFollowsTheClock: the detail's "when" line is in the zone the list shows, or says how
// long before the newest event it is, and t redraws an open detail; the record's UTC time stays beside it.
func TestDetailTimeFollowsTheClock(t *testing.T) {
	idx := spanIndex(100, time.Date(2024, 3, 8, 9, 0, 0, 0, time.UTC), 6*time.Hour)
	a := newKeptApp(idx, t.TempDir(), settings.Config{TimeZone: "Asia/Tokyo"})
	press(a, "enter")
	if !a.detail.IsOpen() {
		t.Fatal("enter did not open the detail")
	}
	whenLine := func() string {
		for _, l := range strings.Split(screen(a), "\n") {
			if strings.Contains(l, "when") {
				return l
			}
		}
		return ""
	}
	if l := whenLine(); !strings.Contains(l, "JST") || !strings.Contains(l, "2024-03-08T14:5") {
		t.Fatalf("in the config's zone: %q", l)
	}
	press(a, "t")
	if l := whenLine(); !strings.Contains(l, "UTC, 0s ago") {
		t.Fatalf("relative: %q", l)
	}
	press(a, "t")
	if l := whenLine(); !strings.Contains(l, "2024-03-08 14:5") || !strings.Contains(l, " UTC (2024-03-08T14:5") {
		t.Fatalf("UTC: %q", l)
	}
}
