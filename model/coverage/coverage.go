// Package coverage says what the loaded records can and cannot show: for each account and region the
// time they cover and the gaps in it, the trails their records name and how each was set up and changed
// (logging started and stopped, management events, data events and for which resources, Insights), and
// from when data events appear at all. An investigator reads absence as innocence unless told that the
// trail was not looking: Warn tells it for a filter that asks for events the coverage cannot hold.
//
// It reads the index through index.View, and reads back the raw records of the few trail changes.
package coverage

import (
	"cmp"
	"slices"
	"time"

	"github.com/trailscope/trailscope/model/index"
)

// DefaultGap is the shortest silence Compute reports as a gap: an hour without any event in an
// account and region that otherwise has some.
const DefaultGap = time.Hour

// Report is the coverage of the loaded records.
type Report struct {
	Events      int
	First, Last time.Time // the oldest and newest events; zero when there are none
	Gap         time.Duration
	Spans       []Span       // one per account and region, by account then region
	Data        []DataSource // the services whose data events appear, by first appearance
	Insights    int          // Insights events loaded
	Trails      []Trail      // the trails the records name, by their first change
}

// Span is the time the events of one account and region cover, and the silences in it.
type Span struct {
	Account, Region string // "" when the records have none
	First, Last     time.Time
	Events          int
	Gaps            []Gap // silences longer than Report.Gap, oldest first
}

// Gap is a silence in a span: no event between From and To.
type Gap struct{ From, To time.Time }

// Length is how long the silence lasts.
func (g Gap) Length() time.Duration { return g.To.Sub(g.From) }

// DataSource is one service whose data events the records hold (eventCategory Data).
type DataSource struct {
	Source      string // eventSource, e.g. s3.amazonaws.com
	Events      int
	First, Last time.Time
}

// spanKey names a span while Compute builds it.
type spanKey struct{ account, region index.Sym }

type spanAcc struct {
	Span
	prev int64
}

// Compute works out the coverage of what x holds, reporting silences of at least gap (DefaultGap when
// gap is 0).
func Compute(x *index.Index, gap time.Duration) Report {
	if gap <= 0 {
		gap = DefaultGap
	}
	rep := Report{Gap: gap}
	var changes []index.EventRef
	x.Read(func(v index.View) {
		order := v.Order()
		rep.Events = len(order)
		if len(order) == 0 {
			return
		}
		rep.First, rep.Last = v.Event(order[0]).Time(), v.Event(order[len(order)-1]).Time()
		spans := map[spanKey]*spanAcc{}
		data := map[index.Sym]*DataSource{}
		dataCat, _ := v.Lookup("Data")
		insightCat, _ := v.Lookup("Insight")
		trailSource, _ := v.Lookup(trailService)
		for i, ref := range order {
			if i%65536 == 65535 {
				v.Yield()
			}
			e := v.Event(ref)
			k := spanKey{e.Account(), e.Region()}
			s := spans[k]
			t := e.Nanos()
			if s == nil {
				s = &spanAcc{Span: Span{Account: v.Str(k.account), Region: v.Str(k.region), First: e.Time()}}
				spans[k] = s
			} else if t-s.prev > int64(gap) {
				s.Gaps = append(s.Gaps, Gap{From: time.Unix(0, s.prev).UTC(), To: e.Time()})
			}
			s.prev = t
			s.Events++
			switch cat := e.Category(); {
			case cat == 0:
			case cat == dataCat:
				d := data[e.Source()]
				if d == nil {
					d = &DataSource{Source: v.Str(e.Source()), First: e.Time()}
					data[e.Source()] = d
				}
				d.Events++
				d.Last = e.Time()
			case cat == insightCat:
				rep.Insights++
			}
			if e.Source() == trailSource && trailSource != 0 && changeCalls[v.Str(e.Name())] {
				changes = append(changes, ref)
			}
		}
		for _, s := range spans {
			s.Last = time.Unix(0, s.prev).UTC()
			rep.Spans = append(rep.Spans, s.Span)
		}
		for _, d := range data {
			rep.Data = append(rep.Data, *d)
		}
	})
	slices.SortFunc(rep.Spans, func(a, b Span) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region))
	})
	slices.SortFunc(rep.Data, func(a, b DataSource) int {
		return cmp.Or(a.First.Compare(b.First), cmp.Compare(a.Source, b.Source))
	})
	rep.Trails = trails(x, changes)
	return rep
}

// DataFrom returns the first data event of a service (an eventSource such as s3.amazonaws.com) the
// records hold; ok is false when they hold none.
func (r Report) DataFrom(source string) (first time.Time, ok bool) {
	for _, d := range r.Data {
		if d.Source == source {
			return d.First, true
		}
	}
	return time.Time{}, false
}
