package index

import "time"

// Histogram counts events over time in equal buckets, with the errors among them.
type Histogram struct {
	From, To time.Time // the span the buckets cover, To exclusive
	Counts   []int
	Errors   []int
	Max      int // the largest count
}

// Bucket returns the time span of bucket i.
func (h Histogram) Bucket(i int) (from, to time.Time) {
	n := len(h.Counts)
	if n == 0 {
		return h.From, h.To
	}
	span := h.To.Sub(h.From)
	return h.From.Add(span * time.Duration(i) / time.Duration(n)), h.From.Add(span * time.Duration(i+1) / time.Duration(n))
}

// Histogram spreads the events refs (oldest first, as Query returns them) over n buckets covering
// their time span.
func (x *Index) Histogram(refs []EventRef, n int) Histogram {
	var h Histogram
	if n <= 0 || len(refs) == 0 {
		return h
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	// refs are in time order: the span is that of the first and the last.
	first, last := refs[0], refs[len(refs)-1]
	if int(first) >= x.events.len() || int(last) >= x.events.len() {
		return h
	}
	lo, hi := x.events.at(first).time, x.events.at(last).time
	if lo > hi {
		lo, hi = hi, lo
	}
	hi++ // exclusive
	h.From, h.To = time.Unix(0, lo).UTC(), time.Unix(0, hi).UTC()
	h.Counts, h.Errors = make([]int, n), make([]int, n)
	span := float64(hi - lo)
	for _, ref := range refs {
		if int(ref) >= x.events.len() {
			continue
		}
		e := x.events.at(ref)
		b := int(float64(e.time-lo) / span * float64(n))
		b = min(max(b, 0), n-1)
		h.Counts[b]++
		if e.errCode != 0 {
			h.Errors[b]++
		}
	}
	for _, c := range h.Counts {
		h.Max = max(h.Max, c)
	}
	return h
}
