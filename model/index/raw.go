package index

import (
	"context"
	"fmt"
	"sync"

	"github.com/trailscope/trailscope/model/cloudtrail"
)

// RawEach calls fn with the raw record of each of refs, in the order of refs (i is the ref's
// position in it), the way cloudtrail.RawBulkStore.RawEach does: each file is read at most once. raw is valid
// only during the call. It stops at fn's first error and returns it, at the first record that
// cannot be read, or when ctx ends.
func (x *Index) RawEach(ctx context.Context, refs []EventRef, fn func(i int, raw []byte) error) error {
	// Split the refs by store, remembering which store each position's record comes from once there
	// is more than one (a single source has one store: then nothing is remembered).
	x.mu.RLock()
	var parts []rawPart
	partOf := map[uint32]int{}
	var from []int32 // the part of each position, -1 for none; nil while every record is in part 0
	last, lastPart := uint32(0), -1
	for i, ref := range refs {
		e := x.events.at(ref)
		p := -1
		switch {
		case x.stores[e.store] == nil:
		case e.store == last:
			p = lastPart
		default:
			var ok bool
			if p, ok = partOf[e.store]; !ok {
				p = len(parts)
				partOf[e.store] = p
				parts = append(parts, rawPart{store: x.stores[e.store]})
				if p == 0 {
					parts[0].spans = make([]cloudtrail.RawSpan, 0, len(refs))
				}
			}
			last, lastPart = e.store, p
		}
		if p != 0 && from == nil {
			from = make([]int32, len(refs)) // the positions before this one are all part 0's
		}
		if from != nil {
			from[i] = int32(p)
		}
		if p >= 0 {
			parts[p].spans = append(parts[p].spans, cloudtrail.RawSpan{Off: e.rawOff, Len: int(e.rawLen)})
		}
	}
	x.mu.RUnlock()

	if from == nil && len(parts) == 1 {
		// One store, as a single source gives: it hands the records out in order itself.
		return rawEachOf(ctx, parts[0].store, parts[0].spans, fn)
	}
	noRaw := func(i int) error {
		return fmt.Errorf("event %s: %w", x.Record(refs[i]).EventID, errNoRaw)
	}
	if from == nil { // no refs
		return nil
	}
	return mergeRaw(ctx, parts, from, fn, noRaw)
}

// rawPart is the records asked of one store, in the order asked.
type rawPart struct {
	store cloudtrail.RawStore
	spans []cloudtrail.RawSpan
}

// rawEachOf reads spans from a store in order: in one pass when the store can, one record at a
// time otherwise.
func rawEachOf(ctx context.Context, s cloudtrail.RawStore, spans []cloudtrail.RawSpan, fn func(i int, raw []byte) error) error {
	if b, ok := s.(cloudtrail.RawBulkStore); ok {
		return b.RawEach(ctx, spans, fn)
	}
	for i, sp := range spans {
		if err := ctx.Err(); err != nil {
			return err
		}
		raw, err := s.Raw(sp.Off, sp.Len)
		if err != nil {
			return err
		}
		if err := fn(i, raw); err != nil {
			return err
		}
	}
	return nil
}

// mergeRaw reads every part in its own goroutine and interleaves their records in the order asked:
// from names the part of each position.
func mergeRaw(ctx context.Context, parts []rawPart, from []int32, fn func(i int, raw []byte) error, noRaw func(i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	type item struct {
		raw []byte
		err error
	}
	chans := make([]chan item, len(parts))
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	for p := range parts {
		chans[p] = make(chan item, 64)
		wg.Add(1)
		go func() {
			defer wg.Done()
			send := func(it item) error {
				select {
				case chans[p] <- it:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			err := rawEachOf(ctx, parts[p].store, parts[p].spans, func(_ int, raw []byte) error {
				return send(item{raw: append([]byte(nil), raw...)})
			})
			if err != nil {
				_ = send(item{err: err})
			}
		}()
	}
	for i, p := range from {
		if p < 0 {
			return noRaw(i)
		}
		var it item
		select {
		case it = <-chans[p]:
		case <-ctx.Done():
			return ctx.Err()
		}
		if it.err != nil {
			return it.err
		}
		if err := fn(i, it.raw); err != nil {
			return err
		}
	}
	return nil
}
