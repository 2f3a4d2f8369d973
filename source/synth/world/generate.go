package world

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/trailscope/trailscope/source/synth"
)

// Options says what to generate.
type Options struct {
	Events   int       // total records written, duplicates included
	Files    int       // number of delivery files (~Events/Files records each); 0: one per 2,000 records
	Seed     int64     // same seed, same bytes
	Start    time.Time // first event time; zero: 2026-01-01T00:00:00Z
	Days     int       // the events span this many days; 0: 1
	Accounts int       // AWS accounts; 0: 2
	DupRate  float64   // fraction of records delivered twice (in another file); 0: 0.002, negative: none
	Gzip     bool      // write .json.gz (as CloudTrail does) rather than .json
	Shape    Shape     // what the archive looks like; the zero value is ShapeSimple
}

// Shape says what kind of organisation an archive comes from.
type Shape uint8

const (
	// ShapeSimple is a few accounts with a trail each, seven regions, and temporary keys minted by about
	// 2% of the records: few distinct keys and sessions. The built-in sample is made of it.
	ShapeSimple Shape = iota
	// ShapeOrg is an organization trail (AWSLogs/o-.../<account>/CloudTrail/...) over 24 accounts and twelve
	// regions, with temporary keys rotating as they do in AWS: a new ASIA key for every Lambda cold start,
	// ECS task and instance-profile rotation, each used for a handful of calls, so that a million events
	// hold hundreds of thousands of distinct keys and tens of thousands of sessions; data events (S3
	// objects, Lambda Invoke, DynamoDB items) and 2% duplicate deliveries.
	ShapeOrg
)

// Stats reports what was written.
type Stats struct {
	Files      int
	Records    int   // records written, duplicates included
	Unique     int   // distinct eventIDs
	Bytes      int64 // bytes on disk
	JSONBytes  int64 // bytes of JSON before compression
	EventNames int   // distinct eventNames
	Principals int   // distinct principals (userIdentity ARN, or invokedBy, or userName)
	AccessKeys int   // distinct access keys, used (userIdentity.accessKeyId) or minted
	ARNs       int   // distinct userIdentity ARNs
	Accounts   int   // accounts with files
	Regions    int   // regions with files
}

// DefaultStart is the first event time when Options.Start is zero.
var DefaultStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

const (
	mintFrac     = 0.04    // share of a us-east-1 file's records that mint a session
	maxSession   = 3600    // longest session, seconds
	shuffleSpan  = 300     // records of a file are shuffled within about this many seconds
	planCacheMax = 1 << 12 // plans a worker keeps before starting over
	seedFile     = 0xf11e  // seed domains, so that streams of one file never coincide
	seedPlan     = 0x91a7
	seedShuffle  = 0x5bff
	seedRecord   = 0x7ec0
	seedConsole  = 0xc0de
	defaultDup   = 0.002
	defaultBatch = 2000
)

func (o Options) normalize() (Options, error) {
	if o.Events <= 0 {
		return o, errors.New("synth: Events must be positive")
	}
	if o.Files < 0 || o.Days < 0 || o.Accounts < 0 {
		return o, errors.New("synth: Files, Days and Accounts must not be negative")
	}
	if o.Files == 0 {
		o.Files = (o.Events + defaultBatch - 1) / defaultBatch
	}
	o.Files = min(o.Files, o.Events)
	if o.Days == 0 {
		o.Days = 1
	}
	if o.Shape > ShapeOrg {
		return o, fmt.Errorf("synth: no shape %d", o.Shape)
	}
	if o.Accounts == 0 {
		o.Accounts = 2
		if o.Shape == ShapeOrg {
			o.Accounts = orgAccounts
		}
	}
	if o.DupRate == 0 {
		o.DupRate = defaultDup
		if o.Shape == ShapeOrg {
			o.DupRate = orgDup
		}
	}
	o.DupRate = max(0, min(o.DupRate, 0.5))
	if o.Start.IsZero() {
		o.Start = DefaultStart
	}
	o.Start = o.Start.UTC().Truncate(time.Second)
	return o, nil
}

// layout is the plan of the files: which account and region each belongs to, the time window it covers,
// how many records and duplicates it holds. It is computed up front, single-threaded, and read by workers.
type layout struct {
	opt     Options
	seed    uint64
	w       *world
	start   int64 // unix seconds
	span    int64
	files   []fileInfo
	streams []stream
	east    [][]int // per account: its us-east-1 files, in time order
}

type stream struct {
	acct, region int
	files        []int
}

type fileInfo struct {
	stream, j int // the stream and the file's place in it
	a, b      int64
	n, d      int    // records, and how many of them are duplicates of the previous file's
	suffix    string // the random end of the file name
}

func newLayout(opt Options) (*layout, error) {
	opt, err := opt.normalize()
	if err != nil {
		return nil, err
	}
	l := &layout{opt: opt, seed: uint64(opt.Seed), start: opt.Start.Unix(), span: int64(opt.Days) * 86400}
	l.w = newWorld(l.seed, opt.Accounts, opt.Shape)

	// Apportion files to (account, region) streams by traffic, largest remainder first.
	type share struct {
		acct, region int
		want         float64
		n            int
	}
	var shares []share
	total := 0.0
	for a := range opt.Accounts {
		aw := 1 / float64(a+1)
		for ri, rw := range l.w.regions {
			shares = append(shares, share{acct: a, region: ri, want: aw * rw.weight})
			total += aw * rw.weight
		}
	}
	given := 0
	for i := range shares {
		shares[i].want *= float64(opt.Files) / total
		shares[i].n = int(shares[i].want)
		given += shares[i].n
	}
	order := make([]int, len(shares))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int {
		rx, ry := shares[x].want-float64(shares[x].n), shares[y].want-float64(shares[y].n)
		return cmp.Compare(ry, rx)
	})
	for i := 0; given < opt.Files; i++ {
		shares[order[i%len(order)]].n++
		given++
	}
	// Every account needs its us-east-1 stream: that is where sessions are minted.
	for a := range opt.Accounts {
		east := &shares[a*len(l.w.regions)]
		if east.n > 0 {
			continue
		}
		big := 0
		for i := range shares {
			if shares[i].n > shares[big].n {
				big = i
			}
		}
		if shares[big].n > 1 {
			shares[big].n--
			east.n++
		}
	}

	type pending struct {
		a      int64
		stream int
		j      int
	}
	var all []pending
	for _, sh := range shares {
		if sh.n == 0 {
			continue
		}
		si := len(l.streams)
		l.streams = append(l.streams, stream{acct: sh.acct, region: sh.region})
		for j := range sh.n {
			all = append(all, pending{a: l.start + l.span*int64(j)/int64(sh.n), stream: si, j: j})
		}
	}
	slices.SortStableFunc(all, func(x, y pending) int {
		if c := cmp.Compare(x.a, y.a); c != 0 {
			return c
		}
		return cmp.Compare(x.stream, y.stream)
	})
	l.files = make([]fileInfo, len(all))
	l.east = make([][]int, opt.Accounts)
	r := synth.NewRand(0, 0)
	for f, p := range all {
		st := &l.streams[p.stream]
		st.files = append(st.files, f)
		l.files[f] = fileInfo{stream: p.stream, j: p.j, a: p.a}
	}
	for si := range l.streams {
		st := &l.streams[si]
		k := int64(len(st.files))
		for j, f := range st.files {
			fi := &l.files[f]
			fi.b = max(l.start+l.span*int64(j+1)/k, fi.a+1)
		}
		if st.region == 0 {
			l.east[st.acct] = st.files
		}
	}
	// Only files with a predecessor in their stream can hold duplicates: they take the whole share.
	dupScale := float64(len(l.files)) / float64(max(1, len(l.files)-len(l.streams)))
	base, extra := opt.Events/len(l.files), opt.Events%len(l.files)
	for f := range l.files {
		fi := &l.files[f]
		fi.n = base
		if f < extra {
			fi.n++
		}
		r.Reseed(synth.Mix3(l.seed, uint64(f), seedFile), 1)
		fi.suffix = r.Suffix(16)
		if fi.j > 0 {
			prev := l.files[l.streams[fi.stream].files[fi.j-1]].n
			want := opt.DupRate * dupScale * float64(fi.n)
			d := int(want)
			if r.Float64() < want-float64(d) {
				d++
			}
			fi.d = min(d, fi.n/2, prev/2)
		}
	}
	return l, nil
}

// name returns file f's path under dir in CloudTrail's layout.
func (l *layout) name(f int, dir string) string {
	fi := &l.files[f]
	st := &l.streams[fi.stream]
	acct := l.w.accounts[st.acct].id
	region := l.w.regions[st.region].name
	at := time.Unix(fi.b-fi.b%300, 0).UTC()
	ext := ".json"
	if l.opt.Gzip {
		ext = ".json.gz"
	}
	if l.w.org != "" {
		dir = filepath.Join(dir, "AWSLogs", l.w.org)
	} else {
		dir = filepath.Join(dir, "AWSLogs")
	}
	return filepath.Join(dir, acct, "CloudTrail", region, at.Format("2006/01/02"),
		acct+"_CloudTrail_"+region+"_"+at.Format("20060102T1504Z")+"_"+fi.suffix+ext)
}

// fileCtx is what generating the records of one file needs.
type fileCtx struct {
	f       int
	fi      *fileInfo
	acct    *account
	region  int
	regName string
	plan    []*session // minted by this file's first records
	active  []*session // sessions usable in the file's window, by mint time
	u       int        // records that are not duplicates
	bursts  []*session // ShapeOrg: short-lived credentials minted and used within the file
	slots   []slot     // ShapeOrg: which burst each record belongs to
}

// gen generates records. Each worker has its own.
type gen struct {
	l     *layout
	r     *synth.Rand // reseeded for every record: each record is a function of (seed, file, index)
	aux   *synth.Rand
	plans map[int][]*session
	e     synth.Event

	// the record being made
	acct   *account
	res    *regionRes
	region string
	t      int64

	minted string // the key the record mints, if any

	recs   []byte
	metas  []recMeta
	stats  bool
	names  map[string]struct{}
	princs map[string]struct{}
	arns   map[string]struct{}
	keys   map[string]struct{}
	uniq   int
}

type recMeta struct {
	key        int64
	start, end int
}

func newGen(l *layout, stats bool) *gen {
	g := &gen{l: l, r: synth.NewRand(0, 0), aux: synth.NewRand(0, 0), plans: map[int][]*session{}, stats: stats}
	if stats {
		g.names, g.princs = map[string]struct{}{}, map[string]struct{}{}
		g.arns, g.keys = map[string]struct{}{}, map[string]struct{}{}
	}
	return g
}

func (g *gen) planOf(f int) []*session {
	if p, ok := g.plans[f]; ok {
		return p
	}
	if len(g.plans) >= planCacheMax {
		clear(g.plans)
	}
	p := g.l.plan(f, g.aux)
	g.plans[f] = p
	return p
}

func (g *gen) context(f int) *fileCtx {
	l := g.l
	fi := &l.files[f]
	st := &l.streams[fi.stream]
	c := &fileCtx{f: f, fi: fi, acct: l.w.accounts[st.acct], region: st.region, regName: l.w.regions[st.region].name,
		u: fi.n - fi.d}
	if st.region == 0 {
		c.plan = g.planOf(f)
	}
	if l.w.shape == ShapeOrg {
		l.bursts(c, g.aux)
	}
	east := l.east[st.acct]
	from := fi.a - maxSession
	lo, _ := slices.BinarySearchFunc(east, from, func(e int, t int64) int {
		if l.files[e].b <= t {
			return -1
		}
		return 1
	})
	for _, e := range east[lo:] {
		if l.files[e].a >= fi.b {
			break
		}
		for _, s := range g.planOf(e) {
			if s.mint < fi.b && s.exp > fi.a {
				c.active = append(c.active, s)
			}
		}
	}
	slices.SortStableFunc(c.active, func(x, y *session) int { return cmp.Compare(x.mint, y.mint) })
	return c
}

// file builds file f's JSON into out and returns it, with the bounds of each record in it.
func (g *gen) file(f int, out []byte) ([]byte, []recMeta) {
	c := g.context(f)
	fi := c.fi
	g.recs, g.metas = g.recs[:0], g.metas[:0]
	shuffle := synth.NewRand(synth.Mix3(g.l.seed, uint64(f), seedShuffle), 3)
	for k := range c.u {
		start := len(g.recs)
		t := g.record(c, k, g.stats)
		g.metas = append(g.metas, recMeta{key: t + shuffle.Int64N(shuffleSpan), start: start, end: len(g.recs)})
	}
	if fi.d > 0 {
		prev := g.context(g.l.streams[fi.stream].files[fi.j-1])
		for range fi.d {
			k := shuffle.IntN(prev.u)
			start := len(g.recs)
			g.record(prev, k, false)
			g.metas = append(g.metas, recMeta{key: fi.a + shuffle.Int64N(fi.b-fi.a), start: start, end: len(g.recs)})
		}
	}
	slices.SortStableFunc(g.metas, func(x, y recMeta) int { return cmp.Compare(x.key, y.key) })
	out = append(out, `{"Records":[`...)
	bounds := make([]recMeta, 0, len(g.metas))
	for i, m := range g.metas {
		if i > 0 {
			out = append(out, ',')
		}
		start := len(out)
		out = append(out, g.recs[m.start:m.end]...)
		bounds = append(bounds, recMeta{start: start, end: len(out)})
	}
	return append(out, "]}"...), bounds
}

// record appends record k of file c to g.recs and returns its time.
func (g *gen) record(c *fileCtx, k int, count bool) int64 {
	r := g.r
	r.Reseed(synth.Mix3(g.l.seed, uint64(c.f), seedRecord), uint64(k))
	g.acct = c.acct
	g.minted = ""
	switch {
	case k < len(c.plan):
		g.mint(c.plan[k], 0)
	case c.slots != nil && c.slots[k].burst >= 0:
		g.inBurst(c, c.slots[k])
	default:
		g.ordinary(c)
	}
	if count {
		g.count()
	}
	g.recs = g.e.AppendJSON(g.recs)
	return g.t
}

// count adds the record made last to the statistics.
func (g *gen) count() {
	g.uniq++
	g.names[g.e.Name] = struct{}{}
	id := &g.e.Identity
	p := id.ARN
	switch {
	case p != "":
	case id.InvokedBy != "":
		p = id.InvokedBy
	default:
		p = id.UserName
	}
	g.princs[p] = struct{}{}
	if id.ARN != "" {
		g.arns[id.ARN] = struct{}{}
	}
	if id.AccessKeyID != "" {
		g.keys[id.AccessKeyID] = struct{}{}
	}
	if g.minted != "" {
		g.keys[g.minted] = struct{}{}
	}
}

// mint writes the event that creates session s, in region ri.
func (g *gen) mint(s *session, ri int) {
	r, e := g.r, &g.e
	g.t = s.mint
	g.region = g.l.w.regions[ri].name
	g.res = g.acct.regions[ri]
	g.minted = s.actor.Identity.AccessKeyID
	e.Begin(r, &s.caller, g.acct.id, g.region, time.Unix(s.mint, 0).UTC())
	dur := time.Duration(s.exp-s.mint) * time.Second
	switch s.kind {
	case kSSO:
		e.AssumeRoleWithSAML(r, s.actor.Identity, s.provider, dur)
	case kGitHub:
		e.AssumeRoleWithWebIdentity(r, s.actor.Identity, dur)
	case kToken:
		e.GetSessionToken(r, s.actor.Identity, dur)
	default:
		e.AssumeRole(r, s.actor.Identity, dur)
	}
	if s.callerCLI {
		e.UserAgent += " md/command#sts." + kebab(e.Name)
	}
}

// Generate writes S3 delivery files {"Records":[...]} under dir in CloudTrail's layout
// AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_<random>.json.gz,
// one worker per CPU. The bytes depend only on opt.
func Generate(opt Options, dir string) (Stats, error) {
	l, err := newLayout(opt)
	if err != nil {
		return Stats{}, err
	}
	workers := min(runtime.GOMAXPROCS(0), len(l.files))
	var (
		next    atomic.Int64
		failed  atomic.Bool
		mu      sync.Mutex
		st      Stats
		names   = map[string]struct{}{}
		princs  = map[string]struct{}{}
		arns    = map[string]struct{}{}
		keys    = map[string]struct{}{}
		firstEr error
		wg      sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			g := newGen(l, true)
			var local Stats
			var js []byte
			var zbuf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&zbuf, gzip.DefaultCompression)
			err := func() error {
				for !failed.Load() {
					f := int(next.Add(1) - 1)
					if f >= len(l.files) {
						return nil
					}
					var bounds []recMeta
					js, bounds = g.file(f, js[:0])
					data := js
					if l.opt.Gzip {
						zbuf.Reset()
						zw.Reset(&zbuf)
						if _, err := zw.Write(js); err != nil {
							return err
						}
						if err := zw.Close(); err != nil {
							return err
						}
						data = zbuf.Bytes()
					}
					path := l.name(f, dir)
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						return err
					}
					if err := os.WriteFile(path, data, 0o644); err != nil {
						return err
					}
					local.Files++
					local.Records += len(bounds)
					local.JSONBytes += int64(len(js))
					local.Bytes += int64(len(data))
				}
				return nil
			}()
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstEr == nil {
				firstEr = err
				failed.Store(true)
			}
			st.Files += local.Files
			st.Records += local.Records
			st.Unique += g.uniq
			st.JSONBytes += local.JSONBytes
			st.Bytes += local.Bytes
			for k := range g.names {
				names[k] = struct{}{}
			}
			for k := range g.princs {
				princs[k] = struct{}{}
			}
			for k := range g.arns {
				arns[k] = struct{}{}
			}
			for k := range g.keys {
				keys[k] = struct{}{}
			}
		})
	}
	wg.Wait()
	st.EventNames, st.Principals, st.ARNs, st.AccessKeys = len(names), len(princs), len(arns), len(keys)
	accts, regions := map[int]bool{}, map[int]bool{}
	for _, s := range l.streams {
		accts[s.acct], regions[s.region] = true, true
	}
	st.Accounts, st.Regions = len(accts), len(regions)
	if firstEr != nil {
		return st, fmt.Errorf("synth: write %s: %w", dir, firstEr)
	}
	return st, nil
}

// Records streams the records Generate would write for opt, file by file in the order of the files' time
// windows, without writing files: each call of yield gets one record's JSON, valid only until yield returns.
// Returning false stops. Invalid options yield nothing (Generate reports why).
func Records(opt Options, yield func(rec []byte) bool) {
	l, err := newLayout(opt)
	if err != nil {
		return
	}
	workers := min(runtime.GOMAXPROCS(0), len(l.files))
	gens := make([]*gen, workers)
	bufs := make([][]byte, workers)
	bounds := make([][]recMeta, workers)
	for i := range gens {
		gens[i] = newGen(l, false)
	}
	for first := 0; first < len(l.files); first += workers {
		n := min(workers, len(l.files)-first)
		var wg sync.WaitGroup
		for w := range n {
			wg.Go(func() { bufs[w], bounds[w] = gens[w].file(first+w, bufs[w][:0]) })
		}
		wg.Wait()
		for w := range n {
			for _, b := range bounds[w] {
				if !yield(bufs[w][b.start:b.end]) {
					return
				}
			}
		}
	}
}
