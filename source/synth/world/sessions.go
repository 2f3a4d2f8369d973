package world

import (
	"strconv"
	"strings"
	"time"

	"github.com/trailscope/trailscope/source/synth"
)

// This file plans the sessions of a file: who calls, with credentials minted how.

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
	caller    synth.Actor // who minted it
	actor     synth.Actor // who uses it
	callerCLI bool
	cli       bool
	persona   persona
	home      int // the only region it is used in, or -1
	provider  string
	parent    *session
	depth     int
}

// plan returns the sessions minted in us-east-1 file f, in the order of its first records.
func (l *layout) plan(f int, r *synth.Rand) []*session {
	fi := &l.files[f]
	acct := l.w.accounts[l.streams[fi.stream].acct]
	r.Reseed(synth.Mix3(l.seed, uint64(f), seedPlan), 2)
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
func (l *layout) chain(acct *account, s *session, earlier []*session, end int64, r *synth.Rand) bool {
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

func (l *layout) newSession(acct *account, s *session, r *synth.Rand) {
	key := r.AccessKeyID("ASIA", acct.infix)
	created := time.Unix(s.mint, 0).UTC()
	durs := []int64{900, 1800, 3600, 3600, 3600}
	dur := synth.Pick(r, durs)
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
		s.caller = synth.Actor{Identity: u.ident, SourceIP: synth.Pick(r, u.ips), UserAgent: u.uas[i]}
		if u.human && r.IntN(5) == 0 {
			s.caller.SourceIP = r.PublicIP() // travelling, or on a phone's hotspot
		}
		s.callerCLI, s.cli = u.cli[i], u.cli[i]
		s.actor = s.caller
		if s.kind == kToken {
			dur = maxSession
			s.persona = u.persona
			s.actor.Identity = synth.IAMUserSession(u.console, key, created, u.mfa)
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
		s.actor.Identity = synth.AssumedRole(ro.Role, name, key, created)
		s.actor.Identity.Session.MFA = u.mfa && u.human
	case kSSO:
		su := acct.ssoUsers[r.IntN(len(acct.ssoUsers))]
		ps := su.sets[r.IntN(len(su.sets))]
		s.caller = synth.Actor{Identity: synth.SAMLUser(su.email, acct.samlQual), SourceIP: synth.Pick(r, su.ips), UserAgent: synth.Pick(r, userAgents[uaConsole][:4])}
		if r.IntN(4) == 0 {
			s.caller.SourceIP = r.PublicIP()
		}
		s.provider = acct.samlARN
		s.persona = ps.persona
		s.actor = synth.Actor{Identity: synth.AssumedRole(ps.Role, su.email, key, created), SourceIP: s.caller.SourceIP}
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
		s.caller = synth.Actor{Identity: synth.Service(svc), SourceIP: svc, UserAgent: svc}
		name, ip := w.name, w.ip
		if w.life > 0 {
			// The group has replaced the instance since: a new ID and address for each generation.
			gen := strconv.FormatInt(s.mint/w.life, 10)
			name = synth.DerivedID("i-", w.name+"/"+gen)
			ip = synth.DerivedIP(w.name + "/" + gen)
		}
		s.actor = synth.Actor{Identity: synth.AssumedRole(w.role.Role, name, key, created), SourceIP: ip, UserAgent: w.ua}
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
		s.caller = synth.Actor{Identity: synth.Service(ro.service), SourceIP: ro.service, UserAgent: ro.service}
		s.actor = synth.Actor{Identity: synth.AssumedRole(ro.Role, name, key, created), SourceIP: ro.service, UserAgent: ro.service}
		s.actor.Identity.InvokedBy = ro.service
		s.persona = ro.persona
	case kGitHub:
		sub := acct.ghSubs[r.IntN(len(acct.ghSubs))]
		ip := r.IPFrom([]byte{4, 13, 20, 40, 52, 104})
		s.caller = synth.Actor{Identity: synth.WebIdentityUser(acct.oidcARN, "sts.amazonaws.com", sub), SourceIP: ip, UserAgent: userAgents[uaJS][0]}
		name := "GitHubActions"
		if r.IntN(2) == 0 {
			name = "gha-" + strconv.FormatInt(8e9+r.Int64N(1e9), 10)
		}
		s.actor = synth.Actor{Identity: synth.AssumedRole(acct.ghRole.Role, name, key, created), SourceIP: ip,
			UserAgent: synth.Pick(r, userAgents[uaTerraform])}
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
		s.actor = synth.Actor{Identity: synth.AssumedRole(ro.Role, name, key, created), SourceIP: p.actor.SourceIP, UserAgent: p.actor.UserAgent}
		src := p.actor.Identity.Session.SourceIdentity
		if src == "" && p.kind == kSSO && r.IntN(3) == 0 {
			src = p.actor.Identity.Session.Name
		}
		s.actor.Identity.Session.SourceIdentity = src
		s.cli, s.persona, s.home = p.cli, ro.persona, p.home
		if p.actor.Console {
			s.actor.UserAgent, s.cli = synth.Pick(r, userAgents[uaCLI]), true
			s.caller.UserAgent, s.callerCLI = s.actor.UserAgent, true
		}
	}
	s.exp = s.mint + dur
}

// roleFor picks a role suiting what a user does.
func roleFor(acct *account, p persona, r *synth.Rand) *role {
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
