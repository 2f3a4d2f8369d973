package synth

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzip"
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
	r := NewRand(0, 0)
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
		r.Reseed(mix3(l.seed, uint64(f), seedFile), 1)
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

// Session kinds: how a session's credentials were minted.
const (
	kUser   = iota // an IAM user assumes a role
	kSSO           // an Identity Center user signs in to a permission set's role
	kEC2           // EC2 gets an instance profile's credentials
	kLambda        // Lambda gets a function's execution role
	kLinked        // an AWS service assumes its service-linked role
	kGitHub        // a GitHub Actions workflow through OIDC
	kToken         // an IAM user's GetSessionToken
	kChain         // a session assumes another role (role chaining)
	kECS           // an ECS task gets its task role's credentials (ShapeOrg's bursts only)
	nKinds
)

var kindWeights = [nKinds]float64{kUser: 0.14, kSSO: 0.22, kEC2: 0.2, kLambda: 0.14, kLinked: 0.09, kGitHub: 0.07, kToken: 0.03, kChain: 0.11}

// session is a set of temporary credentials: minted once, in a us-east-1 file of its account, and used by
// records of any file of that account while it lasts.
type session struct {
	kind      int
	mint, exp int64
	caller    Actor // who minted it
	actor     Actor // who uses it
	callerCLI bool
	cli       bool
	persona   persona
	home      int // the only region it is used in, or -1
	provider  string
	parent    *session
	depth     int
}

// plan returns the sessions minted in us-east-1 file f, in the order of its first records.
func (l *layout) plan(f int, r *Rand) []*session {
	fi := &l.files[f]
	acct := l.w.accounts[l.streams[fi.stream].acct]
	r.Reseed(mix3(l.seed, uint64(f), seedPlan), 2)
	u := fi.n - fi.d
	m := min(int(float64(u)*mintFrac+r.Float64()), u/2)
	out := make([]*session, 0, m)
	for range m {
		s := &session{home: -1, mint: fi.a + r.Int64N(fi.b-fi.a)}
		x := r.Float64()
		s.kind = kChain
		for k, w := range kindWeights {
			if x < w {
				s.kind = k
				break
			}
			x -= w
		}
		if s.kind == kChain {
			if !l.chain(acct, s, out, fi.b, r) {
				s.kind = kUser
			}
		}
		l.newSession(acct, s, r)
		out = append(out, s)
	}
	return out
}

// chain makes s a session assumed by an earlier session of the plan.
func (l *layout) chain(acct *account, s *session, earlier []*session, end int64, r *Rand) bool {
	for range 4 {
		if len(earlier) == 0 {
			return false
		}
		p := earlier[r.IntN(len(earlier))]
		if p.depth >= 3 || p.kind == kLambda || p.kind == kLinked || p.kind == kToken || p.mint+5 >= end {
			continue
		}
		s.parent, s.depth = p, p.depth+1
		s.mint = p.mint + 5 + r.Int64N(min(600, end-p.mint-5))
		return true
	}
	return false
}

func (l *layout) newSession(acct *account, s *session, r *Rand) {
	key := r.AccessKeyID("ASIA", acct.infix)
	created := time.Unix(s.mint, 0).UTC()
	durs := []int64{900, 1800, 3600, 3600, 3600}
	dur := pick(r, durs)
	switch s.kind {
	case kUser, kToken:
		u := acct.users[r.IntN(len(acct.users))]
		if s.kind == kToken {
			u = acct.humans[r.IntN(len(acct.humans))]
		}
		i := 0
		if !u.human {
			i = r.IntN(len(u.uas))
		} else if r.IntN(3) == 0 {
			i = 2
		}
		s.caller = Actor{Identity: u.ident, SourceIP: pick(r, u.ips), UserAgent: u.uas[i]}
		if u.human && r.IntN(5) == 0 {
			s.caller.SourceIP = r.PublicIP() // travelling, or on a phone's hotspot
		}
		s.callerCLI, s.cli = u.cli[i], u.cli[i]
		s.actor = s.caller
		if s.kind == kToken {
			dur = maxSession
			s.persona = u.persona
			s.actor.Identity = IAMUserSession(u.console, key, created, u.mfa)
			break
		}
		ro := roleFor(acct, u.persona, r)
		// Session names as the tools choose them.
		var name string
		switch ua := s.caller.UserAgent; {
		case strings.Contains(ua, "Terraform/"):
			name = "terraform-" + strconv.FormatInt(s.mint, 10)
		case strings.HasPrefix(ua, "aws-sdk-go"):
			name = "aws-go-sdk-" + strconv.FormatInt(s.mint*1e9+r.Int64N(1e9), 10)
		case strings.HasPrefix(ua, "aws-sdk-java"):
			name = "aws-sdk-java-" + strconv.FormatInt(s.mint*1e3+r.Int64N(1e3), 10)
		case strings.HasPrefix(ua, "aws-sdk-js"), strings.HasPrefix(ua, "aws-sdk-nodejs"):
			name = "aws-sdk-js-" + strconv.FormatInt(s.mint*1e3+r.Int64N(1e3), 10)
		case u.human && r.IntN(4) == 0:
			name = u.ident.UserName
		default:
			name = "botocore-session-" + strconv.FormatInt(s.mint, 10)
		}
		s.persona = ro.persona
		s.actor.Identity = AssumedRole(ro.Role, name, key, created)
		s.actor.Identity.Session.MFA = u.mfa && u.human
	case kSSO:
		su := acct.ssoUsers[r.IntN(len(acct.ssoUsers))]
		ps := su.sets[r.IntN(len(su.sets))]
		s.caller = Actor{Identity: SAMLUser(su.email, acct.samlQual), SourceIP: pick(r, su.ips), UserAgent: pick(r, userAgents[uaConsole][:4])}
		if r.IntN(4) == 0 {
			s.caller.SourceIP = r.PublicIP()
		}
		s.provider = acct.samlARN
		s.persona = ps.persona
		s.actor = Actor{Identity: AssumedRole(ps.Role, su.email, key, created), SourceIP: s.caller.SourceIP}
		if r.IntN(5) < 3 {
			s.actor.UserAgent, s.actor.Console = s.caller.UserAgent, true
		} else {
			s.actor.UserAgent, s.cli = su.cli, true
		}
		dur = 3600
	case kEC2, kLambda:
		var ws []*workload
		for _, w := range acct.workloads {
			if w.lambda == (s.kind == kLambda) {
				ws = append(ws, w)
			}
		}
		if len(ws) == 0 {
			ws = acct.workloads
		}
		w := ws[r.IntN(len(ws))]
		svc := w.role.service
		s.caller = Actor{Identity: Service(svc), SourceIP: svc, UserAgent: svc}
		name, ip := w.name, w.ip
		if w.life > 0 {
			// The group has replaced the instance since: a new ID and address for each generation.
			gen := strconv.FormatInt(s.mint/w.life, 10)
			name = derivedID("i-", w.name+"/"+gen)
			ip = derivedIP(w.name + "/" + gen)
		}
		s.actor = Actor{Identity: AssumedRole(w.role.Role, name, key, created), SourceIP: ip, UserAgent: w.ua}
		if w.lambda {
			s.actor.SourceIP = r.AWSIP()
		} else {
			s.actor.Identity.Session.EC2 = true
		}
		s.persona, s.home, dur = w.persona, w.region, 3600
	case kLinked:
		ro := acct.linked[r.IntN(len(acct.linked))]
		name := ro.session
		switch name {
		case "MandoService":
			name += strconv.FormatInt(1e17+r.Int64N(9e17), 10)
		case "TrustedAdvisor":
			name += "_" + acct.id + "_" + r.UUID()
		}
		s.caller = Actor{Identity: Service(ro.service), SourceIP: ro.service, UserAgent: ro.service}
		s.actor = Actor{Identity: AssumedRole(ro.Role, name, key, created), SourceIP: ro.service, UserAgent: ro.service}
		s.actor.Identity.InvokedBy = ro.service
		s.persona = ro.persona
	case kGitHub:
		sub := acct.ghSubs[r.IntN(len(acct.ghSubs))]
		ip := r.ipFrom([]byte{4, 13, 20, 40, 52, 104})
		s.caller = Actor{Identity: WebIdentityUser(acct.oidcARN, "sts.amazonaws.com", sub), SourceIP: ip, UserAgent: userAgents[uaJS][0]}
		name := "GitHubActions"
		if r.IntN(2) == 0 {
			name = "gha-" + strconv.FormatInt(8e9+r.Int64N(1e9), 10)
		}
		s.actor = Actor{Identity: AssumedRole(acct.ghRole.Role, name, key, created), SourceIP: ip,
			UserAgent: pick(r, userAgents[uaTerraform])}
		s.actor.Identity.Session.WebIDProvider = acct.oidcARN
		s.persona = pDeploy
	case kChain:
		p := s.parent
		ro := acct.chainable[r.IntN(len(acct.chainable))]
		name := p.actor.Identity.Session.Name
		if p.kind == kEC2 || p.kind == kGitHub {
			name = ro.Name + "-" + strconv.FormatInt(s.mint, 10)
		}
		s.caller, s.callerCLI = p.actor, p.cli
		s.caller.Console = false
		s.actor = Actor{Identity: AssumedRole(ro.Role, name, key, created), SourceIP: p.actor.SourceIP, UserAgent: p.actor.UserAgent}
		src := p.actor.Identity.Session.SourceIdentity
		if src == "" && p.kind == kSSO && r.IntN(3) == 0 {
			src = p.actor.Identity.Session.Name
		}
		s.actor.Identity.Session.SourceIdentity = src
		s.cli, s.persona, s.home = p.cli, ro.persona, p.home
		if p.actor.Console {
			s.actor.UserAgent, s.cli = pick(r, userAgents[uaCLI]), true
			s.caller.UserAgent, s.callerCLI = s.actor.UserAgent, true
		}
	}
	s.exp = s.mint + dur
}

// roleFor picks a role suiting what a user does.
func roleFor(acct *account, p persona, r *Rand) *role {
	var fit []*role
	for _, ro := range acct.roles {
		if ro.persona == p && (ro.Name != "BreakGlass" || r.IntN(20) == 0) {
			fit = append(fit, ro)
		}
	}
	if len(fit) == 0 {
		return acct.roles[r.IntN(len(acct.roles))]
	}
	return fit[r.IntN(len(fit))]
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
	r     *Rand // reseeded for every record: each record is a function of (seed, file, index)
	aux   *Rand
	plans map[int][]*session
	e     Event

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
	g := &gen{l: l, r: NewRand(0, 0), aux: NewRand(0, 0), plans: map[int][]*session{}, stats: stats}
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
	shuffle := NewRand(mix3(g.l.seed, uint64(f), seedShuffle), 3)
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
	r.Reseed(mix3(g.l.seed, uint64(c.f), seedRecord), uint64(k))
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

// Shares of the records that are not mints, by who makes them; sessions make the rest.
const (
	cutRoot    = 0.0008            // the root user
	cutService = cutRoot + 0.05    // AWS services themselves
	cutUserKey = cutService + 0.17 // IAM users with long-term keys
	cutConsole = cutUserKey + 0.04 // IAM users signed in to the console
)

// kmsCallers are the services that call KMS on a principal's behalf.
var kmsCallers = []string{"s3.amazonaws.com", "secretsmanager.amazonaws.com", "ssm.amazonaws.com",
	"rds.amazonaws.com", "logs.amazonaws.com", "dynamodb.amazonaws.com", "sqs.amazonaws.com", "AWS Internal"}

const s3ConsoleUA = "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.750 Linux/5.10.219-186.866.amzn2int.x86_64 OpenJDK_64-Bit_Server_VM/25.412-b09 java/1.8.0_412 vendor/Oracle_Corporation cfg/retry-mode/standard]"

// getCallerIdentity stands in for a call an actor cannot make.
var getCallerIdentity = func() *call {
	for i := range catalog {
		if catalog[i].name == "GetCallerIdentity" {
			return &catalog[i]
		}
	}
	panic("synth: no GetCallerIdentity in the catalog")
}()

// ordinary writes a record that mints nothing: someone calls something.
func (g *gen) ordinary(c *fileCtx) {
	r, acct := g.r, c.acct
	g.t = c.fi.a + r.Int64N(c.fi.b-c.fi.a)
	g.region, g.res = c.regName, acct.regions[c.region]
	at := time.Unix(g.t, 0).UTC()
	var (
		act      Actor
		p        persona
		cli, mfa bool
	)
	switch x := r.Float64(); {
	case x < cutRoot:
		act = Actor{Identity: acct.root, SourceIP: acct.humans[0].ips[0], UserAgent: userAgents[uaConsole][0], Console: true}
		p, mfa = pRoot, true
	case x < cutService:
		g.serviceEvent(at)
		return
	case x < cutUserKey:
		act, p, cli, mfa = g.userKey(acct)
	case x < cutConsole:
		// A person signed in to the console: temporary keys that no event mints, renewed every few hours.
		ui := r.IntN(len(acct.humans))
		u := acct.humans[ui]
		block := g.t - g.t%(4*3600)
		g.aux.Reseed(mix3(g.l.seed, uint64(acct.idx)<<16|uint64(ui), seedConsole), uint64(block))
		key := g.aux.AccessKeyID("ASIA", acct.infix)
		act = Actor{Identity: IAMUserSession(u.console, key, time.Unix(block, 0).UTC(), u.mfa),
			SourceIP: pick(r, u.ips), UserAgent: u.uas[1], Console: true}
		p, mfa = u.persona, u.mfa
	default:
		if s := g.findSession(c, g.t); s != nil {
			act, p, cli = s.actor, s.persona, s.cli
			mfa = act.Identity.Session.MFA
		} else {
			act, p, cli, mfa = g.userKey(acct)
		}
	}
	g.call(c, act, p, cli, mfa)
}

// call writes a record of act, of persona p, calling something at g.t.
func (g *gen) call(c *fileCtx, act Actor, p persona, cli, mfa bool) {
	r, e, acct := g.r, &g.e, c.acct
	at := time.Unix(g.t, 0).UTC()
	tab := &callTables[p][min(c.region, 1)]
	call := tab.pick(r)
	// Only people sign in to the console: a person's own user, root, or a console session.
	for try := 0; call.flags&fHuman != 0 && !act.Console && act.Identity.Type != "IAMUser"; try++ {
		if try == 3 {
			call = getCallerIdentity
			break
		}
		call = tab.pick(r)
	}
	e.Begin(r, &act, acct.id, g.region, at)
	e.Call(call.source, call.name, call.flags&fRead != 0)
	if call.flags&fData != 0 {
		e.Data()
	}
	if call.flags&fHuman != 0 {
		if !act.Console {
			e.UserAgent = pick(r, userAgents[uaConsole][:4])
		}
		e.ConsoleLogin(r.IntN(25) > 0, mfa)
		return
	}
	switch {
	case cli:
		e.UserAgent += " md/command#" + call.cli
	case act.Console && call.svc == "s3":
		e.UserAgent = s3ConsoleUA
	}
	if call.build != nil {
		call.build(g)
	}
	if call.svc == "kms" && e.Identity.InvokedBy == "" && r.IntN(2) == 0 {
		svc := pick(r, kmsCallers)
		e.Identity.InvokedBy, e.SourceIP, e.UserAgent, e.TLSHost = svc, svc, svc, ""
	}
	rate := call.errRate
	if rate == 0 {
		rate = defaultErrRate
	}
	if r.Float64() < rate {
		g.fail(call)
	}
}

// userKey picks an IAM user calling with their long-term key.
func (g *gen) userKey(acct *account) (act Actor, p persona, cli, mfa bool) {
	r := g.r
	u := acct.users[r.IntN(len(acct.users))]
	i := r.IntN(len(u.uas))
	if u.human && i == 1 {
		i = 0 // a person's browser does not sign with their access key
	}
	return Actor{Identity: u.ident, SourceIP: pick(r, u.ips), UserAgent: u.uas[i]}, u.persona, u.cli[i], u.mfa
}

// findSession picks a session of the file's account that is live at t and may be used in the file's region.
func (g *gen) findSession(c *fileCtx, t int64) *session {
	act := c.active
	hi, _ := slices.BinarySearchFunc(act, t, func(s *session, t int64) int {
		if s.mint < t {
			return -1
		}
		return 1
	})
	lo, _ := slices.BinarySearchFunc(act[:hi], t-maxSession, func(s *session, t int64) int {
		if s.mint < t {
			return -1
		}
		return 1
	})
	if hi <= lo {
		return nil
	}
	for range 16 {
		s := act[lo+g.r.IntN(hi-lo)]
		if s.exp > t && (s.home < 0 || s.home == c.region) {
			return s
		}
	}
	return nil
}

// serviceEvent writes a record made by an AWS service itself: log deliveries, their keys, key rotation.
func (g *gen) serviceEvent(at time.Time) {
	r, e, acct := g.r, &g.e, g.acct
	x, y := r.IntN(1000), r.IntN(10)
	svc := "cloudtrail.amazonaws.com"
	switch {
	case x >= 997:
		svc = "kms.amazonaws.com"
	case x >= 650:
		svc, y = "config.amazonaws.com", min(y, 7)
	}
	act := Actor{Identity: Service(svc), SourceIP: svc, UserAgent: svc}
	e.Begin(r, &act, acct.id, g.region, at)
	logBucket := "acme-" + acct.env + "-cloudtrail-logs-" + acct.id
	if svc == "config.amazonaws.com" {
		logBucket = "acme-" + acct.env + "-config-logs-" + acct.id
	}
	date := at.Format("2006/01/02")
	switch {
	case svc == "kms.amazonaws.com":
		e.Identity = Identity{AccountID: acct.id, InvokedBy: svc}
		e.Call(svc, "RotateKey", false)
		e.Type = "AwsServiceEvent"
		e.RequestID = ""
		k := g.key()
		e.Additional.Str("keyId", k[strings.LastIndexByte(k, '/')+1:])
		e.AddResource(acct.id, "AWS::KMS::Key", k)
	case y < 6:
		key := "AWSLogs/" + acct.id + "/CloudTrail/" + g.region + "/" + date + "/" + acct.id + "_CloudTrail_" + g.region + "_" +
			at.Format("20060102T1504Z") + "_" + r.Suffix(16) + ".json.gz"
		if svc == "config.amazonaws.com" {
			key = "AWSLogs/" + acct.id + "/Config/" + g.region + "/" + date + "/ConfigHistory/" + acct.id + "_Config_" + g.region +
				"_ConfigHistory_AWS::EC2::Instance_" + at.Format("20060102T150405Z") + "_" + at.Format("20060102T150405Z") + "_1.json.gz"
		}
		e.Call("s3.amazonaws.com", "PutObject", false)
		e.PutObject(r, logBucket, key, int64(2000+r.IntN(60000)))
		e.SharedID = r.UUID()
	case y < 8:
		e.S3Call(r, "GetBucketAcl", true, logBucket).Request.Str("acl", "")
		e.SharedID = r.UUID()
	default:
		e.GenerateDataKey(g.key())
		e.Request.Obj("encryptionContext").Str("aws:cloudtrail:arn", "arn:aws:cloudtrail:us-east-1:"+acct.id+":trail/"+acct.trail).End()
		e.SharedID = r.UUID()
	}
}

// s3Missing are the S3 calls that fail because a bucket lacks the configuration asked for.
var s3Missing = map[string][2]string{
	"GetBucketPolicy":            {"NoSuchBucketPolicy", "The bucket policy does not exist"},
	"GetBucketTagging":           {"NoSuchTagSet", "The TagSet does not exist"},
	"GetBucketPublicAccessBlock": {"NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found"},
	"GetBucketLifecycle":         {"NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist"},
	"GetBucketCors":              {"NoSuchCORSConfiguration", "The CORS configuration does not exist"},
	"GetBucketWebsite":           {"NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration"},
	"GetBucketReplication":       {"ReplicationConfigurationNotFoundError", "The replication configuration was not found"},
	"GetBucketEncryption":        {"ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found"},
	"GetObject":                  {"NoSuchKey", "The specified key does not exist."},
	"HeadObject":                 {"NoSuchKey", "The specified key does not exist."},
}

// fail turns the current record into an error of a kind its service gives.
func (g *gen) fail(c *call) {
	r, e := g.r, &g.e
	if c.svc == "sts" && c.name == "AssumeRole" {
		target := g.acct.roles[r.IntN(len(g.acct.roles))].ARN()
		if r.IntN(3) == 0 {
			target = "arn:aws:iam::" + g.otherAccount() + ":role/" + pick(r, []string{"OrganizationAccountAccessRole", "CrossAccountAdmin", "AWSControlTowerExecution"})
		}
		e.Request.Reset()
		e.Deny(target)
		return
	}
	if m, ok := s3Missing[c.name]; ok && r.IntN(10) < 9 {
		e.Fail(m[0], m[1])
		return
	}
	if r.IntN(5) == 0 {
		switch c.svc {
		case "ec2":
			e.Fail("Client.RequestLimitExceeded", "Request limit exceeded.")
		case "s3":
			e.Fail("SlowDown", "Please reduce your request rate.")
		default:
			e.Fail("ThrottlingException", "Rate exceeded")
		}
		return
	}
	notFound := r.IntN(2) == 0
	switch c.svc {
	case "ec2":
		if notFound && c.flags&fRead == 0 {
			e.Fail("Client.InvalidInstanceID.NotFound", "The instance ID '"+g.r.ID("i-")+"' does not exist")
			return
		}
		msg := "You are not authorized to perform this operation. User: " + e.principalARN() + " is not authorized to perform: " +
			e.action() + " because no identity-based policy allows the " + e.action() + " action"
		if c.flags&fRead == 0 {
			msg += ". Encoded authorization failure message: " + r.fromAlphabet(base64Digits[:63], 280+r.IntN(400))
		}
		e.Fail("Client.UnauthorizedOperation", msg)
	case "iam":
		switch {
		case notFound && c.flags&fRead != 0:
			e.Fail("NoSuchEntityException", "The user with name "+g.userName()+" cannot be found.")
		case notFound && len(c.name) > 6 && c.name[:6] == "Create":
			e.Fail("EntityAlreadyExistsException", "Entity already exists.")
		default:
			e.Deny("arn:aws:iam::" + g.acct.id + ":user/" + g.userName())
		}
	case "s3":
		e.Fail("AccessDenied", "Access Denied")
	case "ssm":
		if notFound && c.name == "GetParameter" {
			e.Fail("ParameterNotFound", "")
			return
		}
		e.Deny("")
	case "lambda", "secretsmanager", "dynamodb", "ecs", "ecr", "logs", "states", "kinesis", "glue", "athena", "eks":
		if notFound {
			e.Fail("ResourceNotFoundException", "Requested resource not found")
			return
		}
		e.Deny("")
	case "kms":
		if notFound && c.name == "Decrypt" {
			e.Fail("InvalidCiphertextException", "")
			return
		}
		e.Deny(g.key())
	default:
		e.Deny("")
	}
}

// Pickers: a random resource of the current account and region.

func (g *gen) instance() string   { return pick(g.r, g.res.instances) }
func (g *gen) sg() string         { return pick(g.r, g.res.sgs) }
func (g *gen) vpc() string        { return pick(g.r, g.res.vpcs) }
func (g *gen) subnet() string     { return pick(g.r, g.res.subnets) }
func (g *gen) volume() string     { return pick(g.r, g.res.volumes) }
func (g *gen) snapshot() string   { return pick(g.r, g.res.snapshots) }
func (g *gen) ami() string        { return pick(g.r, g.res.amis) }
func (g *gen) eni() string        { return pick(g.r, g.res.eni) }
func (g *gen) key() string        { return pick(g.r, g.res.keys) }
func (g *gen) secret() string     { return pick(g.r, g.res.secrets) }
func (g *gen) param() string      { return pick(g.r, g.res.params) }
func (g *gen) function() string   { return pick(g.r, g.res.functions) }
func (g *gen) table() string      { return pick(g.r, g.res.tables) }
func (g *gen) queue() string      { return pick(g.r, g.res.queues) }
func (g *gen) topic() string      { return pick(g.r, g.res.topics) }
func (g *gen) logGroup() string   { return pick(g.r, g.res.logs) }
func (g *gen) db() string         { return pick(g.r, g.res.dbs) }
func (g *gen) cluster() string    { return pick(g.r, g.res.clusters) }
func (g *gen) repo() string       { return pick(g.r, g.res.repos) }
func (g *gen) stack() string      { return pick(g.r, g.res.stacks) }
func (g *gen) streamName() string { return pick(g.r, g.res.streams) }
func (g *gen) machine() string    { return pick(g.r, g.res.machines) }
func (g *gen) eks() string        { return pick(g.r, g.res.eks) }
func (g *gen) tg() string         { return pick(g.r, g.res.tgs) }
func (g *gen) asg() string        { return pick(g.r, g.res.asgs) }
func (g *gen) rule() string       { return pick(g.r, g.res.rules) }
func (g *gen) crawler() string    { return pick(g.r, g.res.crawlers) }
func (g *gen) trail() string      { return g.acct.trail }
func (g *gen) zone() string       { return g.acct.zone }
func (g *gen) bucket() *bucket    { return pick(g.r, g.res.buckets) }
func (g *gen) userName() string   { return pick(g.r, g.acct.users).ident.UserName }
func (g *gen) roleName() string   { return pick(g.r, g.acct.roles).Name }
func (g *gen) day() string        { return time.Unix(g.t, 0).UTC().Format("2006-01-02") }

func (g *gen) instanceType() string {
	return pick(g.r, []string{"t3.micro", "t3.medium", "m6i.large", "m7g.xlarge", "c6i.2xlarge", "r6g.large"})
}

func (g *gen) policyARN() string {
	if g.r.IntN(2) == 0 {
		return pick(g.r, awsPolicies)
	}
	return "arn:aws:iam::" + g.acct.id + ":policy/" + pick(g.r, apps) + "-access"
}

// otherAccount returns another account of the world, or an outsider.
func (g *gen) otherAccount() string {
	ws := g.l.w.accounts
	if len(ws) > 1 && g.r.IntN(2) == 0 {
		if a := ws[g.r.IntN(len(ws))]; a != g.acct {
			return a.id
		}
	}
	return strconv.FormatInt(1e11+g.r.Int64N(9e11), 10)
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
