package world

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/trailscope/trailscope/source/synth"
)

// This file writes the records that are not mints: people's and workloads' calls, AWS services' own
// events, failures, and the random resources they name.

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
		act      synth.Actor
		p        persona
		cli, mfa bool
	)
	switch x := r.Float64(); {
	case x < cutRoot:
		act = synth.Actor{Identity: acct.root, SourceIP: acct.humans[0].ips[0], UserAgent: userAgents[uaConsole][0], Console: true}
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
		g.aux.Reseed(synth.Mix3(g.l.seed, uint64(acct.idx)<<16|uint64(ui), seedConsole), uint64(block))
		key := g.aux.AccessKeyID("ASIA", acct.infix)
		act = synth.Actor{Identity: synth.IAMUserSession(u.console, key, time.Unix(block, 0).UTC(), u.mfa),
			SourceIP: synth.Pick(r, u.ips), UserAgent: u.uas[1], Console: true}
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
func (g *gen) call(c *fileCtx, act synth.Actor, p persona, cli, mfa bool) {
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
			e.UserAgent = synth.Pick(r, userAgents[uaConsole][:4])
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
		svc := synth.Pick(r, kmsCallers)
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
func (g *gen) userKey(acct *account) (act synth.Actor, p persona, cli, mfa bool) {
	r := g.r
	u := acct.users[r.IntN(len(acct.users))]
	i := r.IntN(len(u.uas))
	if u.human && i == 1 {
		i = 0 // a person's browser does not sign with their access key
	}
	return synth.Actor{Identity: u.ident, SourceIP: synth.Pick(r, u.ips), UserAgent: u.uas[i]}, u.persona, u.cli[i], u.mfa
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
	act := synth.Actor{Identity: synth.Service(svc), SourceIP: svc, UserAgent: svc}
	e.Begin(r, &act, acct.id, g.region, at)
	logBucket := "acme-" + acct.env + "-cloudtrail-logs-" + acct.id
	if svc == "config.amazonaws.com" {
		logBucket = "acme-" + acct.env + "-config-logs-" + acct.id
	}
	date := at.Format("2006/01/02")
	switch {
	case svc == "kms.amazonaws.com":
		e.Identity = synth.Identity{AccountID: acct.id, InvokedBy: svc}
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
			target = "arn:aws:iam::" + g.otherAccount() + ":role/" + synth.Pick(r, []string{"OrganizationAccountAccessRole", "CrossAccountAdmin", "AWSControlTowerExecution"})
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
		msg := "You are not authorized to perform this operation. User: " + e.PrincipalARN() + " is not authorized to perform: " +
			e.Action() + " because no identity-based policy allows the " + e.Action() + " action"
		if c.flags&fRead == 0 {
			msg += ". Encoded authorization failure message: " + r.FromAlphabet(synth.Base64Digits[:63], 280+r.IntN(400))
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

func (g *gen) instance() string   { return synth.Pick(g.r, g.res.instances) }
func (g *gen) sg() string         { return synth.Pick(g.r, g.res.sgs) }
func (g *gen) vpc() string        { return synth.Pick(g.r, g.res.vpcs) }
func (g *gen) subnet() string     { return synth.Pick(g.r, g.res.subnets) }
func (g *gen) volume() string     { return synth.Pick(g.r, g.res.volumes) }
func (g *gen) snapshot() string   { return synth.Pick(g.r, g.res.snapshots) }
func (g *gen) ami() string        { return synth.Pick(g.r, g.res.amis) }
func (g *gen) eni() string        { return synth.Pick(g.r, g.res.eni) }
func (g *gen) key() string        { return synth.Pick(g.r, g.res.keys) }
func (g *gen) secret() string     { return synth.Pick(g.r, g.res.secrets) }
func (g *gen) param() string      { return synth.Pick(g.r, g.res.params) }
func (g *gen) function() string   { return synth.Pick(g.r, g.res.functions) }
func (g *gen) table() string      { return synth.Pick(g.r, g.res.tables) }
func (g *gen) queue() string      { return synth.Pick(g.r, g.res.queues) }
func (g *gen) topic() string      { return synth.Pick(g.r, g.res.topics) }
func (g *gen) logGroup() string   { return synth.Pick(g.r, g.res.logs) }
func (g *gen) db() string         { return synth.Pick(g.r, g.res.dbs) }
func (g *gen) cluster() string    { return synth.Pick(g.r, g.res.clusters) }
func (g *gen) repo() string       { return synth.Pick(g.r, g.res.repos) }
func (g *gen) stack() string      { return synth.Pick(g.r, g.res.stacks) }
func (g *gen) streamName() string { return synth.Pick(g.r, g.res.streams) }
func (g *gen) machine() string    { return synth.Pick(g.r, g.res.machines) }
func (g *gen) eks() string        { return synth.Pick(g.r, g.res.eks) }
func (g *gen) tg() string         { return synth.Pick(g.r, g.res.tgs) }
func (g *gen) asg() string        { return synth.Pick(g.r, g.res.asgs) }
func (g *gen) rule() string       { return synth.Pick(g.r, g.res.rules) }
func (g *gen) crawler() string    { return synth.Pick(g.r, g.res.crawlers) }
func (g *gen) trail() string      { return g.acct.trail }
func (g *gen) zone() string       { return g.acct.zone }
func (g *gen) bucket() *bucket    { return synth.Pick(g.r, g.res.buckets) }
func (g *gen) userName() string   { return synth.Pick(g.r, g.acct.users).ident.UserName }
func (g *gen) roleName() string   { return synth.Pick(g.r, g.acct.roles).Name }
func (g *gen) day() string        { return time.Unix(g.t, 0).UTC().Format("2006-01-02") }

func (g *gen) instanceType() string {
	return synth.Pick(g.r, []string{"t3.micro", "t3.medium", "m6i.large", "m7g.xlarge", "c6i.2xlarge", "r6g.large"})
}

func (g *gen) policyARN() string {
	if g.r.IntN(2) == 0 {
		return synth.Pick(g.r, awsPolicies)
	}
	return "arn:aws:iam::" + g.acct.id + ":policy/" + synth.Pick(g.r, apps) + "-access"
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
