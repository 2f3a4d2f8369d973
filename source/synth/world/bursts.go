package world

import (
	"time"

	"github.com/trailscope/trailscope/source/synth"
)

// Bursts (ShapeOrg) are short-lived credentials as AWS hands them to compute: every Lambda cold start, ECS
// task and instance-profile rotation gets a new ASIA key from an AssumeRole the service makes in the region
// the compute runs in, and uses it for a handful of calls within a couple of minutes; some make no call that
// is recorded. This is what gives real trails hundreds of thousands of distinct keys per million events.
// A burst lives inside one file: its records are a function of (seed, file, index) like every other.

const (
	orgAccounts = 24   // ShapeOrg's accounts
	orgDup      = 0.02 // ShapeOrg's duplicate deliveries

	burstStart = 0.7  // chance that a record of a file starts a burst
	burstNone  = 0.4  // share of bursts whose credentials make no recorded call
	burstMore  = 0.35 // after each call, the chance of another
	burstMax   = 24   // calls of one burst at most
	burstSpan  = 120  // seconds over which a burst's calls spread
	seedBurst  = 0xb057
)

// slot places a record in a burst: pos 0 mints the burst's key, the others use it; burst -1 is none.
type slot struct{ burst, pos int32 }

// bursts lays out c's records into bursts and ordinary records, and invents each burst's credentials.
func (l *layout) bursts(c *fileCtx, r *synth.Rand) {
	fi := c.fi
	r.Reseed(synth.Mix3(l.seed, uint64(c.f), seedBurst), 4)
	c.slots = make([]slot, c.u)
	for k := 0; k < c.u; {
		if k < len(c.plan) || r.Float64() >= burstStart {
			c.slots[k] = slot{burst: -1}
			k++
			continue
		}
		n := 1
		if r.Float64() >= burstNone {
			for n++; n <= burstMax && r.Float64() < burstMore; n++ {
			}
		}
		n = min(n, c.u-k)
		s := l.burst(c, r, fi.a+r.Int64N(fi.b-fi.a))
		b := int32(len(c.bursts))
		c.bursts = append(c.bursts, s)
		for pos := range n {
			c.slots[k+pos] = slot{burst: b, pos: int32(pos)}
		}
		k += n
	}
}

// burst invents the credentials of one cold start, task or rotation minted at t in c's region.
func (l *layout) burst(c *fileCtx, r *synth.Rand, t int64) *session {
	acct, res := c.acct, c.acct.regions[c.region]
	key := r.AccessKeyID("ASIA", acct.infix)
	created := time.Unix(t, 0).UTC()
	s := &session{mint: t, exp: t + 3600, home: c.region}
	var (
		ro   *role
		name string
	)
	switch x := r.IntN(100); {
	case x < 60:
		s.kind, s.persona = kLambda, pLambda
		fn := l.workload(acct, c.region, true, r)
		ro, name = fn.role, fn.name
		s.actor = synth.Actor{SourceIP: r.AWSIP(), UserAgent: fn.ua}
	case x < 70:
		s.kind, s.persona = kECS, pApp
		ro = synth.Pick(r, acct.tasks)
		name = r.Hex(32) // the task's ID
		s.actor = synth.Actor{SourceIP: r.AWSIP(), UserAgent: synth.Pick(r, userAgents[synth.Pick(r, []int{uaJava, uaGo, uaBoto3, uaJS})])}
	default:
		s.kind, s.persona = kEC2, pApp
		wl := l.workload(acct, c.region, false, r)
		ro, name = wl.role, synth.Pick(r, res.instances)
		s.actor = synth.Actor{SourceIP: synth.DerivedIP(name), UserAgent: wl.ua}
	}
	s.caller = synth.Actor{Identity: synth.Service(ro.service), SourceIP: ro.service, UserAgent: ro.service}
	s.actor.Identity = synth.AssumedRole(ro.Role, name, key, created)
	s.actor.Identity.Session.EC2 = s.kind == kEC2
	return s
}

// workload picks a function (or an instance) of the account, one of region ri's when there is one.
func (l *layout) workload(acct *account, ri int, lambda bool, r *synth.Rand) *workload {
	var any, here []*workload
	for _, w := range acct.workloads {
		if w.lambda == lambda {
			any = append(any, w)
			if w.region == ri {
				here = append(here, w)
			}
		}
	}
	switch {
	case len(here) > 0:
		return synth.Pick(r, here)
	case len(any) > 0:
		return synth.Pick(r, any)
	}
	return synth.Pick(r, acct.workloads)
}

// inBurst writes a record of a burst: its AssumeRole, or one of the calls made with its key.
func (g *gen) inBurst(c *fileCtx, sl slot) {
	s := c.bursts[sl.burst]
	if sl.pos == 0 {
		g.mint(s, c.region)
		return
	}
	g.t = min(s.mint+int64(sl.pos)*burstSpan/burstMax+g.r.Int64N(burstSpan/burstMax), c.fi.b-1)
	g.region, g.res = c.regName, c.acct.regions[c.region]
	g.call(c, s.actor, s.persona, false, false)
}
