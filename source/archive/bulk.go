package archive

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/gzip"

	"github.com/trailscope/trailscope/model/cloudtrail"
)

// A bulk read (Store.RawEach) hands out thousands to millions of records in an order of the
// caller's (time order), which jumps between files. Reading a gzipped file from its start for each
// record costs a file per record; instead the wanted records are grouped by unit (file or block),
// each unit is read once, as a stream, by one of a few workers, and its records wait in memory
// until their turn. Units are read in the order their first record is wanted, so that the first
// lines go out early and, when files follow time as CloudTrail's do, only a window of files waits
// at a time. Records that do not fit the memory budget wait in a spool file instead (spool.go).

// defaultBudget is how many bytes of records a bulk read holds in memory waiting for their turn.
// When files follow time, as CloudTrail's 5-minute files do, only the files of a stretch of time
// wait at once; when each file spans most of the time asked (a few large files per account and
// region), most records wait in the spool whatever the budget. A million events in 500 files took
// the same CPU with 32 MB as with 64 (spooling 0.4 GB more of 1.5 GB, or 0.3 GB more of 1.7 GB) and
// peaked 60 MB lower.
const defaultBudget = 32 << 20

// Records wait in memory in chunks of chunkSize, reused from one file to the next: a bulk read of
// a million records allocates a few dozen chunks instead of 1.5 GB, which the collector would have
// to chase. A slot's offset in memory is its chunk's number << chunkBits | its offset in the chunk.
const (
	chunkBits = 19
	chunkSize = 1 << chunkBits
)

// defaultRun is the most a worker gathers before writing records to the spool: a run, sorted in
// the order they are wanted, so that they are read back sequentially. Each worker holds two.
const defaultRun = 2 << 20

// RawEach calls fn with the record at each of spans, in the order of spans, reading each file and
// block at most once (cloudtrail.RawBulkStore). raw is valid only during the call.
func (s *Store) RawEach(ctx context.Context, spans []cloudtrail.RawSpan, fn func(i int, raw []byte) error) error {
	if len(spans) == 0 {
		return nil
	}
	b, err := s.plan(spans)
	if err != nil {
		return err
	}
	return b.run(ctx, fn)
}

// bulk is one bulk read: the plan, and the state the workers and the emitter share.
type bulk struct {
	store   *Store
	spans   []cloudtrail.RawSpan
	tasks   []task
	order   []int32 // positions grouped by task, each task's by offset: tasks[k].lo..hi
	taskOf  []int32 // 1 + the task of each unit; 0 for the units not asked
	slots   []slot  // where each position's record waits, once its task is done
	budget  int64
	runMax  int // defaultRun, or the store's
	workers int

	mu       sync.Mutex
	cond     *sync.Cond
	next     int          // the next task to hand out
	resident int64        // bytes of records held or reserved in memory
	free     [][]byte     // chunks to reuse
	at       atomic.Int64 // the position the emitter has reached (now and then), or waits for
	stopped  bool
	spool    *spool
	spoolErr error
	runs     []run
}

// task is one unit to read, and what became of it.
type task struct {
	unit   unit
	u      int   // the unit's number in the store
	first  int   // the first position that wants one of its records
	lo, hi int   // its positions in bulk.order
	size   int64 // bytes of the records wanted (an upper bound for escaped ones)

	inMem  bool     // its records wait in chunks, not in the spool
	chunks [][]byte // set by the worker; a chunk is nil once its records went out
	uses   []int32  // per chunk, the positions whose record is in it and has not gone out
	err    error
	done   atomic.Bool
}

// task returns the task that reads position i's record.
func (b *bulk) task(i int) *task {
	u, _, _ := unpack(b.spans[i].Off)
	return &b.tasks[b.taskOf[u]-1]
}

// slot is where a position's record waits, in 8 bytes (a million of them): its length, and either
// its offset in its task's chunks (the chunk's number << chunkBits | the offset in it) or, spooled,
// the run of the spool it is next in.
type slot uint64

const (
	slotOffBits = 39
	maxSlotLen  = 1 << 24
	slotSpooled = 1 << 63
)

func memSlot(off int64, n int) slot { return slot(uint64(n)<<slotOffBits | uint64(off)) }
func runSlot(run, n int) slot       { return slot(slotSpooled | uint64(n)<<slotOffBits | uint64(run)) }
func (s slot) spooled() bool        { return s&slotSpooled != 0 }
func (s slot) off() int64           { return int64(uint64(s) & (1<<slotOffBits - 1)) }
func (s slot) len() int             { return int(uint64(s) >> slotOffBits & (maxSlotLen - 1)) }

// run is records written to the spool in one piece, in the order they are wanted.
type run struct{ base, size int64 }

// plan groups the spans by unit and orders the units by the first position that wants them.
func (s *Store) plan(spans []cloudtrail.RawSpan) (*bulk, error) {
	s.mu.Lock()
	units := s.units
	s.mu.Unlock()
	n := len(spans)
	b := &bulk{store: s, spans: spans, budget: cmp.Or(s.budget, defaultBudget), runMax: cmp.Or(s.runMax, defaultRun),
		slots: make([]slot, n), taskOf: make([]int32, len(units)), order: make([]int32, n)}
	b.cond = sync.NewCond(&b.mu)
	for i, sp := range spans {
		u, _, _ := unpack(sp.Off)
		if u < 0 || u >= len(units) || sp.Len <= 0 || sp.Len >= maxSlotLen {
			return nil, fmt.Errorf("raw record %d: no record at %#x", i, sp.Off)
		}
		k := b.taskOf[u] - 1
		if k < 0 {
			k = int32(len(b.tasks))
			b.taskOf[u] = k + 1
			b.tasks = append(b.tasks, task{unit: units[u], u: u, first: i})
		}
		j := &b.tasks[k]
		j.hi++ // a count for now
		j.size += int64(sp.Len)
	}
	// Counting sort of the positions by task, then each task's by offset.
	at := 0
	for k := range b.tasks {
		j := &b.tasks[k]
		count := j.hi
		j.lo, j.hi = at, at
		at += count
	}
	for i := range spans {
		j := b.task(i)
		b.order[j.hi] = int32(i)
		j.hi++
	}
	for k := range b.tasks {
		j := &b.tasks[k]
		slices.SortFunc(b.order[j.lo:j.hi], func(x, y int32) int {
			return cmp.Or(cmp.Compare(spans[x].Off, spans[y].Off), cmp.Compare(x, y))
		})
	}
	return b, nil
}

// run reads the units with a few workers and hands the records out in order from this goroutine.
func (b *bulk) run(ctx context.Context, fn func(i int, raw []byte) error) (err error) {
	stopWaiting := context.AfterFunc(ctx, b.stop)
	defer stopWaiting()
	var wg sync.WaitGroup
	b.workers = min(runtime.GOMAXPROCS(0), len(b.tasks))
	for range b.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := bulkWorker{b: b}
			w.work()
		}()
	}
	defer func() {
		b.stop()
		wg.Wait()
		if cerr := b.spool.close(); err == nil {
			err = cerr
		}
	}()
	e := emitter{b: b, runs: map[int32]*runReader{}}
	for i := range b.spans {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, err := e.record(i)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		if err := fn(i, rec); err != nil {
			return err
		}
		e.handed(i)
	}
	return nil
}

// stop ends the workers and any wait.
func (b *bulk) stop() {
	b.mu.Lock()
	b.stopped = true
	b.cond.Broadcast()
	b.mu.Unlock()
}

// take hands out the next task: when the emitter has reached its first record (or nearly: the
// next tasks one per worker, so that every worker has one), or ahead of it while half the budget is
// free (the other half is kept for the files needed now, lest one of them go to the spool for want
// of room). Its records wait in memory when they fit the budget, in the spool otherwise. A worker
// waits while neither holds: reading further ahead would only fill the spool when the consumer (a
// pipe to jq, say) is slower than the files.
func (b *bulk) take() *task {
	b.mu.Lock()
	defer b.mu.Unlock()
	for !b.stopped && b.next < len(b.tasks) {
		j := &b.tasks[b.next]
		fits := b.resident+j.size <= b.budget
		at := int(b.at.Load())
		reached := sort.Search(len(b.tasks), func(k int) bool { return b.tasks[k].first > at })
		if b.next < reached+b.workers || b.resident+j.size <= b.budget/2 {
			b.next++
			j.inMem = fits
			if fits {
				b.resident += j.size
			}
			return j
		}
		b.cond.Wait()
	}
	return nil
}

// finished publishes a task's records to the emitter. What was reserved for them becomes what
// they take (less for unescaped records).
func (b *bulk) finished(j *task, err error) {
	b.mu.Lock()
	if j.inMem {
		used := int64(0)
		for _, c := range j.chunks {
			used += int64(len(c))
		}
		b.resident += used - j.size
	}
	j.err = err
	j.done.Store(true)
	b.cond.Broadcast()
	b.mu.Unlock()
}

// bulkWorker reads units one at a time, reusing its buffers.
type bulkWorker struct {
	b       *bulk
	gzr     *gzip.Reader
	br      *bufio.Reader
	block   []byte
	rec     []byte // an escaped record before unescaping
	scratch []byte // what skip reads past
	run     []byte // records on their way to the spool, by offset
	out     []byte // the same, in the order they are wanted
	gone    []runRec
}

// runRec is a record gathered for the spool: its position, and where it is in bulkWorker.run.
type runRec struct {
	pos      int32
	off, len int32
}

func (w *bulkWorker) work() {
	for {
		j := w.b.take()
		if j == nil {
			return
		}
		err := w.read(j)
		if err != nil && !errors.Is(err, errStopped) {
			err = fmt.Errorf("re-read %s: %w", j.unit.name(), err)
		}
		w.b.finished(j, err)
	}
}

var errStopped = errors.New("stopped")

// read reads one unit as a stream and places each wanted record in the task's chunks or the spool.
func (w *bulkWorker) read(j *task) error {
	r, closer, err := w.open(j)
	if err != nil {
		return err
	}
	if closer != nil {
		defer closer.Close()
	}
	b := w.b
	w.run, w.gone = w.run[:0], w.gone[:0]
	var pos, prevOff int64 = 0, -1
	var prevAt int64 // where the last record went: in the chunks, or in the run
	var prevLen int
	for n, i := range b.order[j.lo:j.hi] {
		if n%256 == 0 && w.stopped() {
			return errStopped
		}
		sp := b.spans[i]
		_, at, escaped := unpack(sp.Off)
		if sp.Off == prevOff { // the same record asked twice
			if j.inMem {
				b.slots[i] = memSlot(prevAt, prevLen)
				j.uses[prevAt>>chunkBits]++
			} else {
				rec := bytes.Clone(w.run[prevAt : prevAt+int64(prevLen)]) // room may flush the run
				dst, off, err := w.room(j, len(rec))
				if err != nil {
					return err
				}
				copy(dst, rec)
				prevAt = off
				w.gone = append(w.gone, runRec{pos: i, off: int32(off), len: int32(prevLen)})
			}
			continue
		}
		if at < pos {
			return fmt.Errorf("records overlap at %d", at)
		}
		if err := w.skip(r, at-pos); err != nil {
			return truncated(err)
		}
		pos, prevOff = at+int64(sp.Len), sp.Off
		dst, off, err := w.record(j, r, sp.Len, escaped)
		if err != nil {
			return err
		}
		prevAt, prevLen = off, len(dst)
		if j.inMem {
			b.slots[i] = memSlot(off, len(dst))
			j.uses[off>>chunkBits]++
		} else {
			w.gone = append(w.gone, runRec{pos: i, off: int32(off), len: int32(len(dst))})
		}
	}
	if !j.inMem {
		return w.flush()
	}
	return nil
}

// record reads the record of n bytes that comes next in r, checked and unescaped, into its place
// (room), and returns it and where it is. A plain record is read straight into its place: the
// bytes are copied once on their way from the inflater to the output.
func (w *bulkWorker) record(j *task, r io.Reader, n int, escaped bool) ([]byte, int64, error) {
	if !escaped {
		dst, off, err := w.room(j, n)
		if err != nil {
			return nil, 0, err
		}
		if _, err := io.ReadFull(r, dst); err != nil {
			return nil, 0, truncated(err)
		}
		_, err = finish(dst, false, j.unit.name())
		return dst, off, err
	}
	if cap(w.rec) < n {
		w.rec = make([]byte, n)
	}
	if _, err := io.ReadFull(r, w.rec[:n]); err != nil {
		return nil, 0, truncated(err)
	}
	rec, err := finish(w.rec[:n], true, j.unit.name())
	if err != nil {
		return nil, 0, err
	}
	dst, off, err := w.room(j, len(rec))
	if err != nil {
		return nil, 0, err
	}
	copy(dst, rec)
	return dst, off, nil
}

// room returns n bytes of space for the next record: in the task's chunks (off is then the
// chunk's number << chunkBits | the offset in it) or in the run gathered for the spool (off in it).
func (w *bulkWorker) room(j *task, n int) (dst []byte, off int64, err error) {
	if !j.inMem {
		if len(w.run)+n > w.b.runMax && len(w.gone) > 0 {
			if err := w.flush(); err != nil {
				return nil, 0, err
			}
		}
		start := len(w.run)
		w.run = slices.Grow(w.run, n)[:start+n]
		return w.run[start:], int64(start), nil
	}
	if n > chunkSize {
		j.chunks, j.uses = append(j.chunks, make([]byte, n)), append(j.uses, 0)
		return j.chunks[len(j.chunks)-1], int64(len(j.chunks)-1) << chunkBits, nil
	}
	last := len(j.chunks) - 1
	if last < 0 || cap(j.chunks[last]) != chunkSize || len(j.chunks[last])+n > chunkSize {
		j.chunks, j.uses = append(j.chunks, w.b.chunk()), append(j.uses, 0)
		last++
	}
	c := j.chunks[last]
	start := len(c)
	j.chunks[last] = c[:start+n]
	return c[start : start+n], int64(last)<<chunkBits | int64(start), nil
}

// skip reads past n bytes of r.
func (w *bulkWorker) skip(r io.Reader, n int64) error {
	if br, ok := r.(*bufio.Reader); ok {
		_, err := br.Discard(int(n))
		return err
	}
	if w.scratch == nil {
		w.scratch = make([]byte, 32<<10)
	}
	for n > 0 {
		m, err := r.Read(w.scratch[:min(n, int64(len(w.scratch)))])
		n -= int64(m)
		if err != nil && n > 0 {
			return err
		}
	}
	return nil
}

// chunk returns an empty chunk, reused when one is free.
func (b *bulk) chunk() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	if n := len(b.free); n > 0 {
		c := b.free[n-1]
		b.free = b.free[:n-1]
		return c
	}
	return make([]byte, 0, chunkSize)
}

func (w *bulkWorker) stopped() bool {
	w.b.mu.Lock()
	defer w.b.mu.Unlock()
	return w.b.stopped
}

// truncated says that a unit ended before a record it had when it was loaded.
func truncated(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errChanged
	}
	return err
}

// open returns the decompressed bytes of a task's unit as a stream.
func (w *bulkWorker) open(j *task) (io.Reader, io.Closer, error) {
	if j.unit.isBlock {
		var err error
		w.block, err = w.b.store.block(j.u, w.block)
		return bytes.NewReader(w.block), nil, err
	}
	f, err := j.unit.openFile()
	if err != nil {
		return nil, nil, err
	}
	if !j.unit.gz {
		if w.br == nil {
			w.br = bufio.NewReaderSize(f, 64<<10)
		} else {
			w.br.Reset(f)
		}
		return w.br, f, nil
	}
	if w.gzr == nil {
		w.gzr, err = gzip.NewReader(f)
	} else {
		err = w.gzr.Reset(f)
	}
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("gzip: %w", err)
	}
	return w.gzr, f, nil
}

// flush writes the records gathered to the spool as one run, in the order they are wanted.
func (w *bulkWorker) flush() error {
	if len(w.gone) == 0 {
		return nil
	}
	slices.SortFunc(w.gone, func(x, y runRec) int { return cmp.Compare(x.pos, y.pos) })
	w.out = w.out[:0]
	for _, g := range w.gone {
		w.out = append(w.out, w.run[g.off:g.off+g.len]...)
	}
	r, err := w.b.write(w.out)
	if err != nil {
		return err
	}
	for _, g := range w.gone {
		w.b.slots[g.pos] = runSlot(r, int(g.len))
	}
	w.run, w.gone = w.run[:0], w.gone[:0]
	return nil
}

// write appends a run to the spool, which it creates the first time, and returns the run's number.
func (b *bulk) write(p []byte) (int, error) {
	b.mu.Lock()
	if b.spool == nil && b.spoolErr == nil {
		b.spool, b.spoolErr = createSpool()
	}
	if b.spoolErr != nil {
		b.mu.Unlock()
		return 0, b.spoolErr
	}
	sp := b.spool
	base := sp.reserve(int64(len(p)))
	r := len(b.runs)
	b.runs = append(b.runs, run{base: base, size: int64(len(p))})
	b.mu.Unlock()
	b.store.spooled.Add(int64(len(p)))
	return r, sp.writeAt(p, base)
}

// emitter hands the records out in order.
type emitter struct {
	b    *bulk
	runs map[int32]*runReader // runs being read back
}

// record returns position i's record, once its unit has been read.
func (e *emitter) record(i int) ([]byte, error) {
	b := e.b
	j := b.task(i)
	if i%64 == 0 {
		b.at.Store(int64(i))
	}
	if !j.done.Load() {
		b.mu.Lock()
		b.at.Store(int64(i))
		b.cond.Broadcast()
		for !j.done.Load() && !b.stopped {
			b.cond.Wait()
		}
		b.mu.Unlock()
		if !j.done.Load() {
			return nil, errStopped
		}
	}
	if j.err != nil {
		return nil, j.err
	}
	sl := b.slots[i] // written by the worker before it was done
	if !sl.spooled() {
		at := sl.off() & (chunkSize - 1)
		return j.chunks[sl.off()>>chunkBits][at : at+int64(sl.len())], nil
	}
	r := int32(sl.off())
	rr := e.runs[r]
	if rr == nil {
		b.mu.Lock()
		info, sp := b.runs[r], b.spool
		b.mu.Unlock()
		rr = &runReader{sp: sp, next: info.base, end: info.base + info.size}
		e.runs[r] = rr
	}
	rec, err := rr.take(sl.len())
	if rr.exhausted() {
		delete(e.runs, r)
	}
	return rec, err
}

// handed notes that position i's record went out, and frees its chunk after the chunk's last:
// memory holds what is still to go out, not whole files.
func (e *emitter) handed(i int) {
	b := e.b
	j := b.task(i)
	sl := b.slots[i]
	if !j.inMem || sl.spooled() {
		return
	}
	c := sl.off() >> chunkBits
	if j.uses[c]--; j.uses[c] > 0 {
		return
	}
	b.mu.Lock()
	b.resident -= int64(len(j.chunks[c]))
	if cap(j.chunks[c]) == chunkSize && b.resident+int64(len(b.free)+1)*chunkSize <= b.budget { // chunks in use and kept for reuse stay within the budget
		b.free = append(b.free, j.chunks[c][:0])
	}
	j.chunks[c] = nil
	b.cond.Broadcast()
	b.mu.Unlock()
}
