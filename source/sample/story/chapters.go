package story

import (
	"strconv"
	"strings"
	"time"

	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/source/synth"
	"github.com/trailscope/trailscope/source/synth/world"
)

// The chapters of the week. Each writes complete records with the background's identities, addresses and
// resources, and the ground truth of its scenario.

const (
	useast1 = "us-east-1"
	uswest2 = "us-west-2"
	euwest1 = "eu-west-1"
)

// User agents the background does not use.
const (
	kaliCLI     = "aws-cli/1.29.62 Python/3.11.6 Linux/6.5.0-kali3-amd64 botocore/1.31.62"
	scriptBoto3 = "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.5.0-1014-aws md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69"
	scannerSDK  = "Boto3/1.34.50 md/Botocore#1.34.50 ua/2.0 os/linux#5.10.209-198.858.amzn2.x86_64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard Botocore/1.34.50"
	linuxCLI    = "aws-cli/2.13.5 Python/3.11.4 Linux/5.15.0-91-generic exe/x86_64.ubuntu.22 prompt/off"
	firefox     = "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0"
	s3Console   = "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.750 Linux/5.10.219-186.866.amzn2int.x86_64 OpenJDK_64-Bit_Server_VM/25.412-b09 java/1.8.0_412 vendor/Oracle_Corporation cfg/retry-mode/standard]"
)

// humans returns an account's IAM users who are people.
func humans(a *world.Account) []world.User {
	var out []world.User
	for _, u := range a.Users {
		if u.Human {
			out = append(out, u)
		}
	}
	return out
}

// user returns an IAM user the world must have.
func user(a *world.Account, name string) world.User {
	u, ok := a.User(name)
	if !ok {
		panic("scenario: no IAM user " + name + " in " + a.Env)
	}
	return u
}

// role returns a role the world must have.
func role(a *world.Account, name string) synth.Role {
	ro, ok := a.Role(name)
	if !ok {
		panic("scenario: no role " + name + " in " + a.Env)
	}
	return ro
}

// assume writes the AssumeRole that caller makes to get session (of role ro) and returns the session's actor,
// calling from the caller's address with its user agent.
func (s *story) assume(r *synth.Rand, caller synth.Actor, ro synth.Role, session string, at time.Time, dur time.Duration, ids *[]string) synth.Actor {
	acct := s.account(ro.Account)
	sess := synth.AssumedRole(ro, session, r.AccessKeyID("ASIA", acct.KeyInfix), at)
	e := synth.NewEvent(r, &caller, callerAccount(caller, ro.Account), useast1, at)
	e.UserAgent = cliAgent(caller.UserAgent, "sts.assume-role")
	e.AssumeRole(r, sess, dur)
	id := s.emit(e)
	if ids != nil {
		*ids = append(*ids, id)
	}
	return synth.Actor{Identity: sess, SourceIP: caller.SourceIP, UserAgent: caller.UserAgent}
}

// callerAccount is the account whose trail records a call: the caller's, or the role's for a service.
func callerAccount(a synth.Actor, fallback string) string {
	if a.Identity.AccountID != "" {
		return a.Identity.AccountID
	}
	return fallback
}

func (s *story) account(id string) *world.Account {
	for i := range s.w.Accounts {
		if s.w.Accounts[i].ID == id {
			return &s.w.Accounts[i]
		}
	}
	panic("scenario: no account " + id)
}

// call begins a record of actor calling source's name.
func call(r *synth.Rand, a synth.Actor, account, region string, at time.Time, source, name string, readOnly bool) *synth.Event {
	e := synth.NewEvent(r, &a, account, region, at)
	e.Call(source, name, readOnly)
	return e
}

// setup: Monday morning, Terraform builds what the week's stories happen to: the payments instance, the
// bastion's security group with SSH from the office, and a load balancer's group open on 443 to the world
// (a look-alike of an exposure).
func (s *story) setup() {
	r := s.rand()
	tf := user(s.prod, "terraform")
	act := synth.Actor{Identity: tf.Identity, SourceIP: tf.IPs[0], UserAgent: tf.UserAgents[0]}
	reg := s.prod.Region(useast1)
	acct := s.prod.ID

	e := synth.NewEvent(r, &act, acct, useast1, day(0, 9, 12, 31))
	e.RunInstances(r, reg.Images[0], "m6i.large", reg.Subnets[0], reg.SecurityGroups[0], subject("terminated"))
	s.emit(e)
	e = call(r, act, acct, useast1, day(0, 9, 12, 34), "ec2.amazonaws.com", "CreateTags", false)
	e.Request.Items("resourcesSet", "resourceId", subject("terminated")).Obj("tagSet").Arr("items").
		Obj("").Str("key", "Name").Str("value", "payments-api-1").End().
		Obj("").Str("key", "Owner").Str("value", "payments").End().End().End()
	e.Response.Str("requestId", e.RequestID).Bool("_return", true)
	s.emit(e)

	sg := func(at time.Time, id, name, desc string) {
		e := call(r, act, acct, useast1, at, "ec2.amazonaws.com", "CreateSecurityGroup", false)
		e.Request.Str("groupName", name).Str("groupDescription", desc).Str("vpcId", reg.VPCs[0])
		e.Response.Str("requestId", e.RequestID).Bool("_return", true).Str("groupId", id)
		s.emit(e)
	}
	sg(day(0, 9, 20, 3), subject("role-chain"), "bastion-sg", "Bastion: SSH from the office only")
	e = synth.NewEvent(r, &act, acct, useast1, day(0, 9, 20, 5))
	e.AuthorizeSecurityGroupIngress(r, subject("role-chain"), "tcp", 22, 22, s.w.Offices[0]+"/32")
	s.emit(e)
	alb := ec2ID(r, "sg-")
	sg(day(0, 9, 21, 40), alb, "checkout-alb-sg", "Public load balancer for checkout")
	e = synth.NewEvent(r, &act, acct, useast1, day(0, 9, 21, 42))
	e.AuthorizeSecurityGroupIngress(r, alb, "tcp", 443, 443, "0.0.0.0/0")
	s.emit(e)

	// Monitoring looks at the instance every morning while it lives.
	dd := user(s.prod, "datadog-integration")
	mon := synth.Actor{Identity: dd.Identity, SourceIP: dd.IPs[0], UserAgent: dd.UserAgents[0]}
	for d := 0; d < 3; d++ {
		e := synth.NewEvent(r, &mon, acct, useast1, day(d+1, 6, 0, 12+d))
		e.DescribeInstances(subject("terminated"))
		s.emit(e)
	}
}

// terminated: Wednesday afternoon, an engineer signs in to the console with MFA from home, looks around
// EC2, and terminates the payments instance.
func (s *story) terminated() {
	r := s.rand()
	var eng world.User
	for _, u := range humans(s.prod) {
		if u.MFA && len(u.IPs) > 1 {
			eng = u
			break
		}
	}
	acct, reg := s.prod.ID, s.prod.Region(useast1)
	login := day(2, 13, 58, 17)
	ip := eng.IPs[1]
	act := synth.Actor{Identity: eng.Console, SourceIP: ip, UserAgent: eng.UserAgents[1]}
	e := synth.NewEvent(r, &act, acct, useast1, login)
	e.ConsoleLogin(true, true)
	loginID := s.emit(e)

	key := r.AccessKeyID("ASIA", s.prod.KeyInfix)
	act = synth.Actor{Identity: synth.IAMUserSession(eng.Console, key, login, true), SourceIP: ip,
		UserAgent: eng.UserAgents[1], Console: true}
	at := login.Add(4 * time.Minute)
	look := func(name string, fill func(e *synth.Event)) {
		at = at.Add(time.Duration(40+r.IntN(200)) * time.Second)
		e := call(r, act, acct, useast1, at, "ec2.amazonaws.com", name, true)
		fill(e)
		s.emit(e)
	}
	look("DescribeInstances", func(e *synth.Event) { e.DescribeInstances() })
	look("DescribeInstanceStatus", func(e *synth.Event) {
		e.Request.Obj("instancesSet").End().Obj("filterSet").End().Bool("includeAllInstances", true)
	})
	look("DescribeSecurityGroups", func(e *synth.Event) {
		e.Request.Items("securityGroupIdSet", "groupId", reg.SecurityGroups[0]).Obj("filterSet").End()
	})
	look("DescribeInstances", func(e *synth.Event) { e.DescribeInstances(subject("terminated")) })
	look("DescribeVolumes", func(e *synth.Event) { e.Request.Obj("volumeSet").End().Obj("filterSet").End() })
	look("DescribeInstances", func(e *synth.Event) { e.DescribeInstances(subject("terminated")) })

	e = synth.NewEvent(r, &act, acct, useast1, day(2, 14, 32, 7))
	e.TerminateInstances(subject("terminated"))
	termID := s.emit(e)
	at = e.Time
	look("DescribeInstances", func(e *synth.Event) { e.DescribeInstances() })

	s.truth = append(s.truth, Truth{Scenario: "terminated", EventIDs: []string{loginID, termID}, Principal: principal(e),
		AccessKey: key, SourceIP: ip, Resources: []string{subject("terminated")}})
}

// leakedKey: Thursday night, the CI user's key is used from a Kali Linux machine: reconnaissance, a
// backdoor user with administrator rights and a key, and an attempt to stop and delete the trail, which the
// organisation's SCP denies.
func (s *story) leakedKey() {
	r := s.rand()
	ci := user(s.prod, subject("leaked-key"))
	acct := s.prod.ID
	ip := r.PublicIP()
	act := synth.Actor{Identity: ci.Identity, SourceIP: ip, UserAgent: kaliCLI}
	var ids []string
	at := day(3, 2, 14, 5)
	next := func(lo, hi int) time.Time {
		at = at.Add(time.Duration(lo+r.IntN(hi-lo+1)) * time.Second)
		return at
	}
	emit := func(e *synth.Event) { ids = append(ids, s.emit(e)) }
	iam := func(name string, readOnly bool) *synth.Event {
		return call(r, act, acct, useast1, next(8, 40), "iam.amazonaws.com", name, readOnly)
	}

	e := synth.NewEvent(r, &act, acct, useast1, at)
	emit(e.GetCallerIdentity())
	emit(iam("ListUsers", true))
	emit(iam("ListRoles", true))
	e = iam("ListAttachedUserPolicies", true)
	e.Request.Str("userName", ci.Name())
	emit(e)
	e = iam("ListUserPolicies", true)
	e.Request.Str("userName", ci.Name())
	emit(e)
	e = iam("GetAccountAuthorizationDetails", true)
	e.Request.Arr("filter").End()
	emit(e.Deny(""))
	e = iam("ListGroupsForUser", true)
	e.Request.Str("userName", ci.Name())
	emit(e)
	e = synth.NewEvent(r, &act, acct, useast1, next(10, 30))
	emit(e.ListBuckets(r))
	e = call(r, act, acct, useast1, next(10, 30), "ec2.amazonaws.com", "DescribeRegions", true)
	e.Request.Obj("regionSet").End()
	emit(e)
	for _, reg := range []string{useast1, "us-east-2", uswest2, euwest1, "eu-central-1", "ap-northeast-1", "ap-southeast-2"} {
		e = synth.NewEvent(r, &act, acct, reg, next(6, 20))
		emit(e.DescribeInstances())
	}
	e = call(r, act, acct, useast1, next(10, 30), "secretsmanager.amazonaws.com", "ListSecrets", true)
	emit(e.Fail("AccessDeniedException", "User: "+ci.Identity.ARN+" is not authorized to perform: secretsmanager:ListSecrets because no identity-based policy allows the secretsmanager:ListSecrets action"))
	e = call(r, act, acct, useast1, next(10, 30), "rds.amazonaws.com", "DescribeDBInstances", true)
	emit(e)
	e = call(r, act, acct, useast1, next(10, 30), "lambda.amazonaws.com", "ListFunctions20150331", true)
	emit(e)
	e = call(r, act, acct, useast1, next(10, 30), "cloudtrail.amazonaws.com", "DescribeTrails", true)
	e.Request.Bool("includeShadowTrails", true)
	emit(e)
	e = call(r, act, acct, useast1, next(10, 30), "cloudtrail.amazonaws.com", "GetTrailStatus", true)
	e.Request.Str("name", s.prod.Trail)
	emit(e)
	e = call(r, act, acct, useast1, next(10, 30), "guardduty.amazonaws.com", "ListDetectors", true)
	emit(e)

	// Persistence: a user that looks like a service's, an administrator, with a key and a password.
	backdoor := "svc-monitoring"
	userID := r.UniqueID("AIDA", s.prod.KeyInfix)
	newKey := r.AccessKeyID("AKIA", s.prod.KeyInfix)
	admin := "arn:aws:iam::aws:policy/AdministratorAccess"
	at = at.Add(4 * time.Minute)
	emit(iam("CreateUser", false).CreateUser(backdoor, userID))
	emit(iam("AttachUserPolicy", false).AttachUserPolicy(backdoor, admin))
	emit(iam("CreateAccessKey", false).CreateAccessKey(backdoor, newKey))
	emit(iam("CreateLoginProfile", false).CreateLoginProfile(backdoor))

	// With the new key: stop and delete the trail. The organisation's SCP denies both.
	act = synth.Actor{Identity: synth.IAMUser(acct, backdoor, userID, newKey), SourceIP: ip, UserAgent: kaliCLI}
	at = at.Add(3 * time.Minute)
	e = synth.NewEvent(r, &act, acct, useast1, at)
	emit(e.GetCallerIdentity())
	trailARN := "arn:aws:cloudtrail:us-east-1:" + acct + ":trail/" + s.prod.Trail
	scp := func(e *synth.Event, action string) *synth.Event {
		return e.Fail("AccessDenied", "User: "+act.Identity.ARN+" is not authorized to perform: "+action+" on resource: "+
			trailARN+" with an explicit deny in a service control policy")
	}
	e = synth.NewEvent(r, &act, acct, useast1, next(20, 50))
	emit(scp(e.StopLogging(trailARN), "cloudtrail:StopLogging"))
	e = synth.NewEvent(r, &act, acct, useast1, next(10, 30))
	emit(scp(e.DeleteTrail(trailARN), "cloudtrail:DeleteTrail"))
	e = call(r, act, acct, useast1, next(10, 30), "cloudtrail.amazonaws.com", "PutEventSelectors", false)
	e.Request.Str("trailName", trailARN).Arr("eventSelectors").Obj("").Str("readWriteType", "ReadOnly").
		Bool("includeManagementEvents", false).End().End()
	emit(scp(e, "cloudtrail:PutEventSelectors"))
	e = call(r, act, acct, useast1, next(30, 90), "cloudtrail.amazonaws.com", "GetTrailStatus", true)
	e.Request.Str("name", s.prod.Trail)
	emit(e)

	s.truth = append(s.truth, Truth{Scenario: "leaked-key", EventIDs: ids, Principal: "user/" + ci.Name(),
		AccessKey: ci.Identity.AccessKeyID, SourceIP: ip, Resources: []string{backdoor, newKey, admin}, Count: len(ids)})
}

// roleChain: Friday afternoon, a staging engineer assumes staging's DeployRole, which assumes production's
// DeployRole, which opens SSH on the bastion to the world. Both sessions have the CLI's default names.
func (s *story) roleChain() {
	r := s.rand()
	hs := humans(s.staging)
	eng := hs[len(hs)/2]
	ip := eng.IPs[len(eng.IPs)-1]
	act := synth.Actor{Identity: eng.Identity, SourceIP: ip, UserAgent: eng.UserAgents[0]}
	t1 := day(4, 16, 20, 11)
	s1 := s.assume(r, act, role(s.staging, "DeployRole"), "botocore-session-"+strconv.FormatInt(t1.Unix(), 10), t1, time.Hour, nil)
	e := synth.NewEvent(r, &s1, s.staging.ID, useast1, t1.Add(51*time.Second))
	e.UserAgent = cliAgent(s1.UserAgent, "sts.get-caller-identity")
	s.emit(e.GetCallerIdentity())

	// The cross-account AssumeRole is recorded in both accounts, with one sharedEventID.
	t2 := t1.Add(89 * time.Second)
	prodRole := role(s.prod, "DeployRole")
	sess := synth.AssumedRole(prodRole, "botocore-session-"+strconv.FormatInt(t2.Unix(), 10),
		r.AccessKeyID("ASIA", s.prod.KeyInfix), t2)
	e = synth.NewEvent(r, &s1, s.staging.ID, useast1, t2)
	e.UserAgent = cliAgent(s1.UserAgent, "sts.assume-role")
	e.AssumeRole(r, sess, time.Hour)
	e.SharedID = r.UUID()
	s.emit(e)
	e.Recipient = s.prod.ID
	e.EventID = r.UUID()
	s.emit(e)

	s2 := synth.Actor{Identity: sess, SourceIP: ip, UserAgent: eng.UserAgents[0]}
	bastion := subject("role-chain")
	e = call(r, s2, s.prod.ID, useast1, t2.Add(50*time.Second), "ec2.amazonaws.com", "DescribeSecurityGroups", true)
	e.UserAgent = cliAgent(s2.UserAgent, "ec2.describe-security-groups")
	e.Request.Items("securityGroupIdSet", "groupId", bastion).Obj("filterSet").End()
	s.emit(e)
	e = synth.NewEvent(r, &s2, s.prod.ID, useast1, t2.Add(84*time.Second))
	e.UserAgent = cliAgent(s2.UserAgent, "ec2.authorize-security-group-ingress")
	e.AuthorizeSecurityGroupIngress(r, bastion, "tcp", 22, 22, "0.0.0.0/0")
	openID := s.emit(e)
	open := principal(e)
	e = synth.NewEvent(r, &s2, s.prod.ID, useast1, t2.Add(131*time.Second))
	e.UserAgent = cliAgent(s2.UserAgent, "ec2.describe-instances")
	s.emit(e.DescribeInstances())

	s.truth = append(s.truth, Truth{Scenario: "role-chain", EventIDs: []string{openID}, Principal: open,
		Behind: "user/" + eng.Name(), AccessKey: sess.AccessKeyID, SourceIP: ip, Resources: []string{bastion}})
}

// costSpike: Tuesday afternoon, a developer's script in staging launches an instance every ten seconds
// until the account's vCPU quota stops it; the developer cleans up an hour later.
func (s *story) costSpike() {
	r := s.rand()
	hs := humans(s.staging)
	dev := hs[1]
	ip := dev.IPs[0]
	acct, reg := s.staging.ID, s.staging.Region(uswest2)
	caller := synth.Actor{Identity: dev.Identity, SourceIP: ip, UserAgent: scriptBoto3}
	t0 := day(1, 14, 1, 30)
	act := s.assume(r, caller, role(s.staging, "Developer"), "botocore-session-"+strconv.FormatInt(t0.Unix(), 10), t0, 4*time.Hour, nil)

	const launched, failed = 320, 40
	var ids, instances []string
	var who string
	at := t0.Add(45 * time.Second)
	for i := 0; i < launched+failed; i++ {
		at = at.Add(time.Duration(9000+r.IntN(2400)) * time.Millisecond)
		e := synth.NewEvent(r, &act, acct, uswest2, at)
		id := ec2ID(r, "i-")
		e.RunInstances(r, reg.Images[1], "m6i.large", reg.Subnets[i%len(reg.Subnets)], reg.SecurityGroups[1], id)
		if i >= launched {
			e.Fail("Client.VcpuLimitExceeded", "You have requested more vCPU capacity than your current vCPU limit of 640 allows for the instance bucket that the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.")
			e.Resources = e.Resources[:0]
		} else {
			instances = append(instances, id)
		}
		ids = append(ids, s.emit(e))
		if i == 0 {
			who = principal(e)
		}
	}
	s.truth = append(s.truth, Truth{Scenario: "cost-spike", EventIDs: ids, Principal: who, Behind: "user/" + dev.Name(),
		AccessKey: act.Identity.AccessKeyID, SourceIP: ip, Resources: []string{uswest2}, Count: launched})
	// The clean-up, in batches of 50, from the same session.
	at = at.Add(47 * time.Minute)
	for i := 0; i < len(instances); i += 50 {
		at = at.Add(time.Duration(5+r.IntN(10)) * time.Second)
		e := synth.NewEvent(r, &act, acct, uswest2, at)
		s.emit(e.TerminateInstances(instances[i:min(i+50, len(instances))]...))
	}
}

// rootNoMFA: Saturday morning, someone signs in as staging's root without MFA, from an address nobody else
// uses, and deletes a bucket.
func (s *story) rootNoMFA() {
	r := s.rand()
	acct := s.staging.ID
	ip := r.PublicIP()
	login := day(5, 10, 31, 2)
	act := synth.Actor{Identity: s.staging.Root, SourceIP: ip, UserAgent: firefox}
	var ids []string
	e := synth.NewEvent(r, &act, acct, useast1, login)
	ids = append(ids, s.emit(e.ConsoleLogin(true, false)))

	key := r.AccessKeyID("ASIA", s.staging.KeyInfix)
	root := synth.Root(acct, key)
	root.Session = &synth.Session{Created: login}
	act = synth.Actor{Identity: root, SourceIP: ip, UserAgent: firefox, Console: true}
	bucket := s.staging.Region(useast1).Buckets[0]
	at := login
	next := func() time.Time { at = at.Add(time.Duration(30+r.IntN(90)) * time.Second); return at }
	e = call(r, act, acct, useast1, next(), "iam.amazonaws.com", "GetAccountSummary", true)
	ids = append(ids, s.emit(e))
	e = synth.NewEvent(r, &act, acct, useast1, next())
	e.UserAgent = s3Console
	ids = append(ids, s.emit(e.ListBuckets(r)))
	for _, sub := range []string{"location", "policy", "versioning"} {
		e = synth.NewEvent(r, &act, acct, useast1, next())
		e.UserAgent = s3Console
		name := map[string]string{"location": "GetBucketLocation", "policy": "GetBucketPolicy", "versioning": "GetBucketVersioning"}[sub]
		e.S3Call(r, name, true, bucket).Request.Str(sub, "")
		if sub == "policy" {
			e.Fail("NoSuchBucketPolicy", "The bucket policy does not exist")
		}
		ids = append(ids, s.emit(e))
	}
	e = synth.NewEvent(r, &act, acct, useast1, next())
	e.UserAgent = s3Console
	e.S3Call(r, "DeleteBucket", false, bucket)
	ids = append(ids, s.emit(e))
	e = synth.NewEvent(r, &act, acct, useast1, next())
	e.UserAgent = s3Console
	ids = append(ids, s.emit(e.ListBuckets(r)))

	s.truth = append(s.truth, Truth{Scenario: "root-no-mfa", EventIDs: ids, Principal: "root (" + acct + ")",
		AccessKey: key, SourceIP: ip, Resources: []string{bucket}})
}

// scanCall is one call a security scanner makes, and the error code its service gives when it is denied.
type scanCall struct {
	source, name, denied string
	global, allowed      bool // global: IAM and friends, once, in us-east-1; allowed: the vendor's policy covers it
}

var scanCalls = []scanCall{
	{"iam.amazonaws.com", "GetAccountAuthorizationDetails", "AccessDenied", true, false},
	{"iam.amazonaws.com", "GetAccountPasswordPolicy", "AccessDenied", true, false},
	{"iam.amazonaws.com", "GetAccountSummary", "AccessDenied", true, false},
	{"iam.amazonaws.com", "ListUsers", "AccessDenied", true, true},
	{"iam.amazonaws.com", "ListRoles", "AccessDenied", true, true},
	{"iam.amazonaws.com", "ListPolicies", "AccessDenied", true, false},
	{"iam.amazonaws.com", "GenerateCredentialReport", "AccessDenied", true, false},
	{"iam.amazonaws.com", "ListVirtualMFADevices", "AccessDenied", true, false},
	{"iam.amazonaws.com", "ListSAMLProviders", "AccessDenied", true, false},
	{"iam.amazonaws.com", "ListOpenIDConnectProviders", "AccessDenied", true, false},
	{"s3.amazonaws.com", "ListBuckets", "AccessDenied", true, true},
	{"organizations.amazonaws.com", "DescribeOrganization", "AccessDeniedException", true, false},
	{"route53.amazonaws.com", "ListHostedZones", "AccessDenied", true, false},
	{"cloudfront.amazonaws.com", "ListDistributions2020_05_31", "AccessDenied", true, false},
	{"ec2.amazonaws.com", "DescribeInstances", "Client.UnauthorizedOperation", false, true},
	{"ec2.amazonaws.com", "DescribeSecurityGroups", "Client.UnauthorizedOperation", false, true},
	{"ec2.amazonaws.com", "DescribeVpcs", "Client.UnauthorizedOperation", false, true},
	{"ec2.amazonaws.com", "DescribeSnapshots", "Client.UnauthorizedOperation", false, false},
	{"ec2.amazonaws.com", "DescribeImages", "Client.UnauthorizedOperation", false, false},
	{"ec2.amazonaws.com", "DescribeVolumes", "Client.UnauthorizedOperation", false, false},
	{"ec2.amazonaws.com", "DescribeFlowLogs", "Client.UnauthorizedOperation", false, false},
	{"ec2.amazonaws.com", "DescribeNetworkAcls", "Client.UnauthorizedOperation", false, false},
	{"ec2.amazonaws.com", "GetEbsEncryptionByDefault", "Client.UnauthorizedOperation", false, false},
	{"kms.amazonaws.com", "ListKeys", "AccessDeniedException", false, false},
	{"lambda.amazonaws.com", "ListFunctions20150331", "AccessDeniedException", false, false},
	{"rds.amazonaws.com", "DescribeDBInstances", "AccessDenied", false, false},
	{"rds.amazonaws.com", "DescribeDBSnapshots", "AccessDenied", false, false},
	{"cloudtrail.amazonaws.com", "DescribeTrails", "AccessDeniedException", false, false},
	{"config.amazonaws.com", "DescribeConfigurationRecorders", "AccessDeniedException", false, false},
	{"guardduty.amazonaws.com", "ListDetectors", "AccessDeniedException", false, false},
	{"securityhub.amazonaws.com", "DescribeHub", "AccessDeniedException", false, false},
	{"secretsmanager.amazonaws.com", "ListSecrets", "AccessDeniedException", false, false},
	{"ssm.amazonaws.com", "DescribeInstanceInformation", "AccessDeniedException", false, false},
	{"logs.amazonaws.com", "DescribeLogGroups", "AccessDeniedException", false, false},
	{"elasticloadbalancing.amazonaws.com", "DescribeLoadBalancers", "AccessDenied", false, false},
	{"ecr.amazonaws.com", "DescribeRepositories", "AccessDeniedException", false, false},
	{"eks.amazonaws.com", "ListClusters", "AccessDeniedException", false, false},
	{"dynamodb.amazonaws.com", "ListTables", "AccessDeniedException", false, false},
	{"sns.amazonaws.com", "ListTopics", "AuthorizationError", false, false},
	{"sqs.amazonaws.com", "ListQueues", "AccessDenied", false, false},
}

// deniedStorm: Tuesday 03:00, a security vendor's scanner runs for the first time with a role whose policy
// allows almost nothing: hundreds of denials in every region. An administrator attaches SecurityAudit in the
// morning; the nightly scans of the following days are quiet.
func (s *story) deniedStorm() {
	r := s.rand()
	acct := s.prod.ID
	vendor := strconv.FormatInt(1e11+r.Int64N(9e11), 10)
	vendorIP := r.AWSIP()
	scanner := synth.Role{Account: acct, Name: "cspm-scanner", ID: r.UniqueID("AROA", s.prod.KeyInfix)}
	vendorID := synth.Identity{Type: "AWSAccount", PrincipalID: r.UniqueID("AROA", r.KeyInfix()) + ":scanner-worker", AccountID: vendor}
	caller := synth.Actor{Identity: vendorID, SourceIP: vendorIP, UserAgent: scannerSDK}
	regions := []string{useast1, "us-east-2", uswest2, euwest1, "eu-central-1", "ap-northeast-1", "ap-southeast-2"}

	scan := func(start time.Time, fixed bool) (ids []string, who string) {
		name := "cspm-scan-" + strconv.FormatInt(start.Unix(), 10)
		act := s.assumeExternal(r, caller, scanner, name, start)
		at := start.Add(3 * time.Second)
		for _, reg := range regions {
			for _, c := range scanCalls {
				if c.global && reg != useast1 {
					continue
				}
				at = at.Add(time.Duration(800+r.IntN(2600)) * time.Millisecond)
				var e *synth.Event
				if c.source == "s3.amazonaws.com" {
					e = synth.NewEvent(r, &act, acct, reg, at)
					e.ListBuckets(r)
				} else {
					e = call(r, act, acct, reg, at, c.source, c.name, true)
				}
				denied := !c.allowed && !fixed
				if fixed && c.name == "GetAccountAuthorizationDetails" {
					denied = true // outside SecurityAudit's reach: the one denial of a quiet night
				}
				if denied {
					denyScan(e, c)
				}
				id := s.emit(e)
				if denied {
					ids = append(ids, id)
					if who == "" {
						who = principal(e)
					}
				}
			}
		}
		return ids, who
	}
	ids, who := scan(day(1, 3, 4, 10), false)

	// The fix: an administrator attaches SecurityAudit to the scanner's role.
	admin := humans(s.prod)[0]
	act := synth.Actor{Identity: admin.Identity, SourceIP: admin.IPs[0], UserAgent: admin.UserAgents[0]}
	e := synth.NewEvent(r, &act, acct, useast1, day(1, 9, 41, 26))
	e.UserAgent = cliAgent(act.UserAgent, "iam.attach-role-policy")
	s.emit(e.AttachRolePolicy(scanner.Name, "arn:aws:iam::aws:policy/SecurityAudit"))
	for d := 2; d < Days; d++ {
		scan(day(d, 3, 4, r.IntN(50)), true)
	}

	s.truth = append(s.truth, Truth{Scenario: "denied-storm", EventIDs: ids, Principal: who,
		Behind: "account " + vendor + " (" + vendorID.PrincipalID + ")", SourceIP: vendorIP,
		Resources: []string{scanner.Name}, Count: len(ids)})
}

// assumeExternal writes an AssumeRole of a role by another organisation's account (with an external ID)
// and returns the session's actor.
func (s *story) assumeExternal(r *synth.Rand, caller synth.Actor, ro synth.Role, session string, at time.Time) synth.Actor {
	acct := s.account(ro.Account)
	sess := synth.AssumedRole(ro, session, r.AccessKeyID("ASIA", acct.KeyInfix), at)
	e := synth.NewEvent(r, &caller, ro.Account, useast1, at)
	e.AssumeRole(r, sess, time.Hour)
	e.Request.Str("externalId", "acme-"+r.Hex(12))
	s.emit(e)
	return synth.Actor{Identity: sess, SourceIP: caller.SourceIP, UserAgent: caller.UserAgent}
}

// denyScan fails a scanner's call as its service does.
func denyScan(e *synth.Event, c scanCall) {
	action := filter.ServiceOf(e.Source) + ":" + e.Name
	switch c.denied {
	case "Client.UnauthorizedOperation":
		e.Fail(c.denied, "You are not authorized to perform this operation. User: "+e.Identity.ARN+
			" is not authorized to perform: "+action+" because no identity-based policy allows the "+action+" action")
	case "AuthorizationError":
		e.Fail(c.denied, "User: "+e.Identity.ARN+" is not authorized to perform: "+action+
			" on resource: arn:aws:sns:"+e.Region+":"+e.Recipient+":* because no identity-based policy allows the "+action+" action")
	case "AccessDenied":
		if e.Source == "s3.amazonaws.com" {
			e.Fail("AccessDenied", "Access Denied")
			return
		}
		e.Deny("")
	default:
		e.Fail(c.denied, "User: "+e.Identity.ARN+" is not authorized to perform: "+action+
			" because no identity-based policy allows the "+action+" action")
	}
}

// bucketWipe: Saturday night, the credentials of a media instance are taken (through the metadata
// service) and used from outside AWS to read a bucket's uploads, delete them, and leave a ransom note.
func (s *story) bucketWipe() {
	r := s.rand()
	// The media service's instance and its uploads bucket, or whatever the world has closest to them.
	inst := s.prod.Instances[0]
	for _, i := range s.prod.Instances {
		if strings.HasPrefix(i.Role.Name, "media-") {
			inst = i
			break
		}
	}
	acct := s.prod.ID
	bucket, region := "", ""
	for _, want := range []string{"-media-uploads-", "-uploads-", "-"} {
		for _, reg := range s.prod.Regions {
			for _, b := range reg.Buckets {
				if bucket == "" && strings.Contains(b, want) {
					bucket, region = b, reg.Name
				}
			}
		}
	}
	minted := day(5, 23, 52, 40)
	ec2 := synth.Actor{Identity: synth.Service("ec2.amazonaws.com"), SourceIP: "ec2.amazonaws.com", UserAgent: "ec2.amazonaws.com"}
	sess := synth.AssumedRole(inst.Role, inst.ID, r.AccessKeyID("ASIA", s.prod.KeyInfix), minted)
	sess.Session.EC2 = true
	e := synth.NewEvent(r, &ec2, acct, useast1, minted)
	s.emit(e.AssumeRole(r, sess, 6*time.Hour))

	// The instance at work: uploads come in.
	own := synth.Actor{Identity: sess, SourceIP: inst.IP, UserAgent: inst.UserAgent}
	at := minted.Add(2 * time.Minute)
	var keys []string
	for i := 0; i < 240; i++ {
		keys = append(keys, "uploads/"+r.UUID()+[]string{".jpg", ".png", ".pdf", ".mp4"}[r.IntN(4)])
	}
	for i := 0; i < 12; i++ {
		at = at.Add(time.Duration(60+r.IntN(240)) * time.Second)
		e := synth.NewEvent(r, &own, acct, region, at)
		s.emit(e.PutObject(r, bucket, keys[r.IntN(len(keys))], int64(20000+r.IntN(4<<20))))
	}

	// The intruder, from outside AWS.
	ip := r.PublicIP()
	thief := synth.Actor{Identity: sess, SourceIP: ip, UserAgent: linuxCLI}
	var ids []string
	at = day(6, 1, 4, 12)
	e = synth.NewEvent(r, &thief, acct, useast1, at)
	e.UserAgent = cliAgent(linuxCLI, "sts.get-caller-identity")
	s.emit(e.GetCallerIdentity())
	at = at.Add(40 * time.Second)
	e = synth.NewEvent(r, &thief, acct, useast1, at)
	s.emit(e.ListBuckets(r))
	at = at.Add(31 * time.Second)
	e = synth.NewEvent(r, &thief, acct, region, at)
	e.S3Call(r, "ListObjects", true, bucket).Data()
	e.Request.Str("list-type", "2").Str("prefix", "").Str("encoding-type", "url")
	ids = append(ids, s.emit(e))
	for _, k := range keys {
		at = at.Add(time.Duration(1500+r.IntN(2500)) * time.Millisecond)
		e := synth.NewEvent(r, &thief, acct, region, at)
		ids = append(ids, s.emit(e.GetObject(r, bucket, k, int64(20000+r.IntN(4<<20)))))
	}
	at = at.Add(50 * time.Second)
	for _, k := range keys {
		at = at.Add(time.Duration(600+r.IntN(1800)) * time.Millisecond)
		e := synth.NewEvent(r, &thief, acct, region, at)
		ids = append(ids, s.emit(e.DeleteObject(r, bucket, k)))
	}
	at = at.Add(90 * time.Second)
	e = synth.NewEvent(r, &thief, acct, region, at)
	ids = append(ids, s.emit(e.PutObject(r, bucket, "README-RESTORE-FILES.txt", 1184)))

	s.truth = append(s.truth, Truth{Scenario: "bucket-wipe", EventIDs: ids, Principal: principal(e),
		Behind: "service ec2.amazonaws.com", AccessKey: sess.AccessKeyID, SourceIP: ip, Resources: []string{bucket},
		Count: len(keys)})
}

// scaleIn: Auto Scaling replaces and removes instances, in production, on Wednesday an hour before the
// payments instance is terminated, and after Thursday's batch run.
func (s *story) scaleIn() {
	r := s.rand()
	acct := s.prod.ID
	lr, _ := s.prod.LinkedRole("autoscaling.amazonaws.com")
	svc := synth.Actor{Identity: synth.Service(lr.Service), SourceIP: lr.Service, UserAgent: lr.Service}
	reg := s.prod.Region(useast1)
	session := func(at time.Time) synth.Actor {
		sess := synth.AssumedRole(lr.Role, lr.Session, r.AccessKeyID("ASIA", s.prod.KeyInfix), at)
		sess.InvokedBy = lr.Service
		e := synth.NewEvent(r, &svc, acct, useast1, at)
		s.emit(e.AssumeRole(r, sess, time.Hour))
		return synth.Actor{Identity: sess, SourceIP: lr.Service, UserAgent: lr.Service}
	}
	var ids []string
	act := session(day(2, 13, 4, 1))
	e := synth.NewEvent(r, &act, acct, useast1, day(2, 13, 5, 22))
	ids = append(ids, s.emit(e.TerminateInstances(reg.Instances[2], reg.Instances[3])))

	// Thursday's batch: twenty instances for an hour and a half.
	act = session(day(3, 10, 59, 40))
	batch := make([]string, 20)
	for i := range batch {
		batch[i] = ec2ID(r, "i-")
	}
	e = synth.NewEvent(r, &act, acct, useast1, day(3, 11, 0, 3))
	s.emit(e.RunInstances(r, reg.Images[2], "c6i.2xlarge", reg.Subnets[1], reg.SecurityGroups[2], batch...))
	act = session(day(3, 12, 29, 55))
	e = synth.NewEvent(r, &act, acct, useast1, day(3, 12, 31, 8))
	ids = append(ids, s.emit(e.TerminateInstances(batch...)))

	s.truth = append(s.truth, Truth{Scenario: "scale-in", EventIDs: ids, Principal: principal(e),
		SourceIP: lr.Service, Count: 22, Partial: true})
}

// lookAlikes: normal activity that resembles the incidents: root signing in with MFA to check the bill,
// and a backup agent pruning old backups in bulk.
func (s *story) lookAlikes() {
	r := s.rand()
	acct := s.prod.ID
	login := day(0, 8, 47, 19)
	ip := s.w.Offices[0]
	act := synth.Actor{Identity: s.prod.Root, SourceIP: ip, UserAgent: firefox}
	e := synth.NewEvent(r, &act, acct, useast1, login)
	e.ConsoleLogin(true, true)
	// Root's MFA device has no user name in its ARN.
	e.Additional.Reset()
	e.Additional.Str("LoginTo", "https://console.aws.amazon.com/billing/home?state=hashArgs%23&isauthcode=true").
		Str("MobileVersion", "No").Str("MFAIdentifier", "arn:aws:iam::"+acct+":mfa/root-account-mfa-device").Str("MFAUsed", "Yes")
	s.emit(e)
	root := synth.Root(acct, r.AccessKeyID("ASIA", s.prod.KeyInfix))
	root.Session = &synth.Session{Created: login, MFA: true}
	act = synth.Actor{Identity: root, SourceIP: ip, UserAgent: firefox, Console: true}
	e = call(r, act, acct, useast1, login.Add(70*time.Second), "iam.amazonaws.com", "GetAccountSummary", true)
	s.emit(e)

	if ba, ok := s.prod.User("backup-agent"); ok {
		bucket := ""
		for _, b := range s.prod.Region(useast1).Buckets {
			if strings.Contains(b, "-backups-") {
				bucket = b
				break
			}
		}
		if bucket != "" {
			agent := synth.Actor{Identity: ba.Identity, SourceIP: ba.IPs[0], UserAgent: ba.UserAgents[0]}
			at := day(1, 4, 0, 5)
			for i := 0; i < 36; i++ {
				at = at.Add(time.Duration(200+r.IntN(900)) * time.Millisecond)
				e := synth.NewEvent(r, &agent, acct, useast1, at)
				d := day(0, 0, 0, 0).AddDate(0, 0, -40+i).Format("2006-01-02")
				s.emit(e.DeleteObject(r, bucket, "db/checkout/"+d+"/dump-"+d+"T0300.sql.gz"))
			}
		}
	}
}

// ec2ID returns a resource ID as EC2 makes them today: the prefix, a 0 and 16 hex digits.
func ec2ID(r *synth.Rand, prefix string) string { return prefix + "0" + r.Hex(16) }
