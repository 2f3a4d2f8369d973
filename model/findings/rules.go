package findings

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/trailscope/trailscope/model/catalog"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
)

// ruleList is every rule, grouped by what an intrusion does. Rationales are one line: why it matters.
var ruleList = []Rule{
	// Root.
	{"root-console-login", catalog.SeverityHigh, "Root signed in to the console",
		"The root user can do anything and no policy limits it; a sign-in means someone holds its password.", catalog.InitialAccess},
	{"root-access-key", catalog.SeverityCritical, "Root used an access key",
		"Root access keys should not exist: a leaked one is the whole account, and it cannot be scoped down.", catalog.InitialAccess},
	{"root-activity", catalog.SeverityHigh, "Root made API calls",
		"Everyday work never needs root; its calls bypass every permission boundary and deserve a reason.", catalog.PrivilegeEscalation},

	// Sign-in.
	{"console-login-no-mfa", catalog.SeverityMedium, "Console sign-in without MFA",
		"A password alone opened the console: a phished or reused password is all it took.", catalog.InitialAccess},
	{"console-login-failures", catalog.SeverityMedium, "Burst of failed console sign-ins",
		"Repeated wrong passwords from one place or for one user look like guessing or spraying, not typos.", catalog.CredentialAccess},

	// Logging and detection.
	{"trail-stopped", catalog.SeverityHigh, "CloudTrail logging stopped or deleted",
		"Stopping the trail is how an intruder hides what comes next; the events after it may be missing.", catalog.DefenseEvasion},
	{"trail-modified", catalog.SeverityMedium, "CloudTrail trail or event selectors changed",
		"Narrowing what a trail records (selectors, regions, destination) blinds it quietly without stopping it.", catalog.DefenseEvasion},
	{"config-stopped", catalog.SeverityHigh, "AWS Config recording stopped or deleted",
		"Without Config there is no record of how resources changed, which an intruder may want gone.", catalog.DefenseEvasion},
	{"detection-disabled", catalog.SeverityHigh, "Threat detection disabled",
		"GuardDuty, Security Hub, Macie or Access Analyzer switched off or cut loose from the administrator account stops the alarms.", catalog.DefenseEvasion},
	{"detection-suppressed", catalog.SeverityMedium, "GuardDuty findings suppressed",
		"A trusted IP list or a suppression filter silences GuardDuty for whatever it matches.", catalog.DefenseEvasion},
	{"network-logs-deleted", catalog.SeverityMedium, "VPC flow logs or DNS query logs removed",
		"Network and DNS logs show exfiltration and command-and-control; removing them hides both.", catalog.DefenseEvasion},
	{"log-delivery-denied", catalog.SeverityMedium, "Log delivery denied",
		"An AWS service denied writing logs (a bucket or key policy changed) means evidence is being lost as it happens.", catalog.DefenseEvasion},
	{"log-tampering", catalog.SeverityMedium, "CloudWatch logs deleted or retention cut",
		"Deleting log groups or shortening their retention destroys evidence before anyone looks.", catalog.DefenseEvasion},
	{"kms-key-disabled", catalog.SeverityHigh, "KMS key disabled or scheduled for deletion",
		"Data encrypted under a deleted key is lost for good: sabotage, or ransom when the attacker holds a copy.", catalog.Impact},
	{"organization-leave", catalog.SeverityHigh, "Account left the organization",
		"Leaving the organization drops its guardrails (SCPs) and central logging at once.", catalog.DefenseEvasion},

	// Persistence and privilege escalation.
	{"iam-user-created", catalog.SeverityMedium, "IAM user created",
		"A new user with its own password or keys is the easiest way back in after other access is revoked.", catalog.Persistence},
	{"login-profile", catalog.SeverityMedium, "Console password set for an IAM user",
		"Setting another user's password takes over that user; creating one gives a key-only user a way into the console.", catalog.Persistence},
	{"access-key-other-user", catalog.SeverityHigh, "Access key created for another user",
		"A key made for someone else is a credential its owner does not know about: a classic backdoor.", catalog.Persistence},
	{"access-key-self", catalog.SeverityMedium, "User created an access key for itself",
		"A second key outlives the rotation of a leaked first one; right after probing or a policy change it is an intruder staying.", catalog.Persistence},
	{"admin-policy", catalog.SeverityHigh, "Administrator permissions granted",
		"AdministratorAccess or an Allow of * on * turns whoever holds it into an administrator.", catalog.PrivilegeEscalation},
	{"policy-changed", catalog.SeverityLow, "IAM policy attached, put inline or given a new default version",
		"Permission changes are how access grows; worth a glance when they come from someone unexpected.", catalog.PrivilegeEscalation},
	{"trust-policy", catalog.SeverityMedium, "Role trust policy changed",
		"Who may assume a role is decided by its trust policy; opening it to another account is a backdoor.", catalog.Persistence},
	{"mfa-removed", catalog.SeverityMedium, "MFA device deactivated or deleted",
		"Removing MFA makes a stolen password enough, and is often a step before taking over a user.", catalog.DefenseEvasion},
	{"identity-provider", catalog.SeverityMedium, "SAML or OIDC identity provider changed",
		"A rogue identity provider lets someone outside the account mint sessions for its roles.", catalog.Persistence},
	{"roles-anywhere", catalog.SeverityHigh, "IAM Roles Anywhere trust anchor or profile created",
		"A trust anchor lets certificates from an outside authority assume roles: access that survives key rotation.", catalog.Persistence},
	{"federation-token", catalog.SeverityMedium, "Federation token issued",
		"A federation token session outlives the deletion of the access key that made it.", catalog.Persistence},
	{"lambda-public", catalog.SeverityHigh, "Lambda function opened to anyone or another account",
		"A resource policy that lets * or a foreign account invoke a function is a door into the account.", catalog.Persistence},
	{"lambda-changed", catalog.SeverityLow, "Lambda code replaced or layer added",
		"New code or a new layer runs with the function's role on every invocation: a quiet persistence.", catalog.Persistence},
	{"user-data-modified", catalog.SeverityMedium, "EC2 user data changed",
		"User data runs as root when the instance starts: changing it runs code on the next boot.", catalog.Execution},
	{"instance-access", catalog.SeverityLow, "Commands or shells on instances",
		"Run Command, Session Manager and pushed SSH keys reach inside instances and their roles.", catalog.Execution},
	{"unusual-instance", catalog.SeverityMedium, "GPU or very large instances launched",
		"Accelerated and very large instances are what cryptominers and stolen-key abusers launch first.", catalog.Impact},
	{"bedrock-access", catalog.SeverityMedium, "Bedrock model access enabled",
		"Enabling foundation models with stolen keys to resell or run them (LLMjacking) bills the account.", catalog.Impact},

	// Exposure and exfiltration.
	{"sg-open-world", catalog.SeverityHigh, "Security group opened to the internet",
		"Ingress from 0.0.0.0/0 or ::/0 exposes the port to every scanner on the internet.", catalog.Exposure},
	{"snapshot-shared", catalog.SeverityHigh, "Snapshot or image shared outside the account",
		"A shared EBS or RDS snapshot or AMI is a full copy of the data, readable by whoever it was shared with.", catalog.Exfiltration},
	{"s3-public", catalog.SeverityHigh, "S3 bucket opened to the public or another account",
		"A bucket policy or ACL that lets in everyone, or an account that is not yours, hands the data out.", catalog.Exposure},
	{"s3-block-public-off", catalog.SeverityMedium, "S3 Block Public Access removed",
		"Block Public Access is the guard against public buckets; removing it is the step before one.", catalog.Exposure},

	// Credential access.
	{"secrets-bulk", catalog.SeverityMedium, "Secrets read in bulk",
		"Applications read the few secrets they need; reading many at once is harvesting.", catalog.CredentialAccess},
	{"parameters-bulk", catalog.SeverityMedium, "SecureString parameters decrypted in bulk",
		"Decrypting many SSM parameters at once harvests the credentials kept in them.", catalog.CredentialAccess},
	{"password-data", catalog.SeverityMedium, "Windows password data requested",
		"GetPasswordData returns an instance's encrypted administrator password; few people ever need it.", catalog.CredentialAccess},
	{"user-data-read", catalog.SeverityMedium, "EC2 user data read in bulk",
		"User data often holds secrets and bootstrap credentials; reading it across instances is harvesting.", catalog.CredentialAccess},
	{"instance-credentials-elsewhere", catalog.SeverityHigh, "EC2 instance credentials used from elsewhere",
		"An instance role's session should be used from its instance; elsewhere it means its credentials were stolen.", catalog.CredentialAccess},

	// Bursts and rates.
	{"access-denied-burst", catalog.SeverityMedium, "Burst of denied calls",
		"Many denied calls in a short time look like someone probing what a key may do.", catalog.Discovery},
	{"write-spike", catalog.SeverityMedium, "Spike of write calls",
		"An hour with far more changes than the principal usually makes: automation gone wrong, or not its usual user.", catalog.Impact},
	{"instance-burst", catalog.SeverityMedium, "Many instances launched or terminated",
		"Dozens of instances in an hour is a runaway script, cryptomining or destruction, and a cost either way.", catalog.Impact},

	{"s3-bulk-delete", catalog.SeverityHigh, "S3 objects deleted in bulk",
		"Emptying a bucket object by object in minutes is how ransomware and vandals destroy data.", catalog.Impact},

	// Novelty.
	{"new-source-ip", catalog.SeverityLow, "Principal used a new source IP",
		"A first call from an address the principal never used before is how a leaked key shows up.", catalog.InitialAccess},
	{"new-region", catalog.SeverityMedium, "Principal used a new region",
		"Intruders use regions nobody watches; a first call in a new region deserves a look.", catalog.DefenseEvasion},
	{"new-user-agent", catalog.SeverityLow, "Principal used a new tool",
		"A principal calling with a client it never used before may not be its usual user.", catalog.InitialAccess},
	{"offensive-tool", catalog.SeverityHigh, "Offensive tool or distribution in the user agent",
		"Kali, Pacu, TruffleHog and their like name themselves in the user agent: someone is attacking, maybe your red team.", catalog.InitialAccess},
}

var ruleByID = func() map[string]*Rule {
	m := make(map[string]*Rule, len(ruleList))
	for i := range ruleList {
		m[ruleList[i].ID] = &ruleList[i]
	}
	return m
}()

func mustRule(id string) *Rule {
	r, ok := ruleByID[id]
	if !ok {
		panic("findings: no rule " + id)
	}
	return r
}

// namesPresent indexes the event names the index holds by their name without API version.
func (r *run) namesPresent() map[string][]index.Sym {
	if r.names == nil {
		r.names = map[string][]index.Sym{}
		for name := range r.v.Postings(filter.FieldEvent) {
			n := catalog.TrimAPIVersion(r.v.Str(name))
			r.names[n] = append(r.names[n], name)
		}
	}
	return r.names
}

// eventsOf returns the events of calls, oldest first.
func (r *run) eventsOf(calls ...catalog.Call) []index.EventRef {
	v := r.v
	var out []index.EventRef
	for _, c := range calls {
		src, ok := v.Lookup(c.EventSource())
		if !ok {
			continue
		}
		for _, n := range c.Names {
			for _, name := range r.namesPresent()[n] {
				for _, ref := range v.Posting(filter.FieldEvent, name) {
					if v.Event(ref).Source() == src {
						out = append(out, ref)
					}
				}
			}
		}
	}
	return v.TimeOrder(out)
}

// eventTerms returns the filter terms that select the events of calls.
func eventTerms(calls ...catalog.Call) []filter.Term {
	var names, sources []string
	for _, c := range calls {
		for _, n := range c.Names {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
		if !slices.Contains(sources, c.Source) {
			sources = append(sources, c.Source)
		}
	}
	for i, n := range names {
		if lambdaVersioned[n] {
			names[i] = n + "*" // UpdateFunctionCode20150331v2
		}
	}
	return []filter.Term{{Field: filter.FieldEvent, Values: names}, {Field: filter.FieldSource, Values: sources}}
}

// call is catalog.NewCall, written short for the rules.
var call = catalog.NewCall

// lambdaVersioned are the names Lambda logs with an API version appended.
var lambdaVersioned = map[string]bool{
	"AddPermission": true, "UpdateFunctionCode": true, "UpdateFunctionConfiguration": true,
}

// identInfo is what the rules need to know about an identity, worked out once per run.
type identInfo struct {
	known    bool
	service  bool // an AWS service, or a service-linked role: AWS acting, not a person
	instance bool // an EC2 instance profile's session (the session is named after the instance)
	person   int8 // 1: a person, directly or behind the session's chain; -1: not; 0: not worked out yet
	idType   string
}

// personTypes are the identity types that stand for people. Web identities are left out: most are
// workloads (EKS pods, CI jobs).
var personTypes = map[string]bool{"IAMUser": true, "Root": true, "IdentityCenterUser": true, "SAMLUser": true,
	"FederatedUser": true, "Directory": true}

// person reports whether a person is behind e: an IAM user, root, a federated or Identity Center
// user, or a session whose credential chain starts with one.
func (r *run) person(e index.Event) bool {
	r.ident(e)
	info := &r.idents[e.Who().ID()]
	if info.person == 0 {
		info.person = -1
		v := r.v
		who := e.Who()
		for hops := 0; hops < index.MaxChain; hops++ {
			t := v.Str(who.Type())
			if personTypes[t] || strings.HasPrefix(v.Str(who.Role()), "role/AWSReservedSSO_") {
				info.person = 1
				break
			}
			m, ok := v.MintedBy(who.Key())
			if t != "AssumedRole" || who.Key() == 0 || !ok {
				break
			}
			who = v.Event(m).Who()
		}
	}
	return info.person > 0
}

var instanceSession = regexp.MustCompile(`^i-[0-9a-fA-F]{8,17}$`)

// ident returns what the rules need to know about the identity of e.
func (r *run) ident(e index.Event) identInfo {
	for len(r.idents) < r.v.Identities() {
		r.idents = append(r.idents, identInfo{})
	}
	info := &r.idents[e.Who().ID()]
	if !info.known {
		who := e.Who()
		s := r.v.Str
		info.known = true
		info.idType = s(who.Type())
		role := s(who.Role())
		info.service = info.idType == "AWSService" || strings.HasPrefix(role, "role/AWSServiceRoleFor") ||
			strings.Contains(s(who.IssuerARN()), ":role/aws-service-role/")
		info.instance = info.idType == "AssumedRole" && instanceSession.MatchString(s(who.Session()))
	}
	return *info
}

// byService reports whether AWS made the call, for itself or on a principal's behalf: such calls
// carry no intent of their own for the rules that count and compare.
func (r *run) byService(e index.Event) bool {
	return e.InvokedBy() != 0 || r.ident(e).service
}

// byRoleRules are rules about routine-looking changes: their findings group a role's sessions (CI
// jobs, deployments) into one, rather than one per session.
var byRoleRules = map[string]bool{"lambda-changed": true, "instance-access": true, "policy-changed": true}

// actor returns whom a rule's findings are grouped by: the principal, or for byRoleRules its role.
func (r *run) actor(id string, e index.Event) index.Sym {
	if byRoleRules[id] {
		return e.Who().Role()
	}
	return e.Who().Principal()
}

// resourcesOf returns the IDs of e's resources of a kind ("iam:user").
func resourcesOf(v index.View, e index.Event, kind string) []string {
	var out []string
	for _, k := range e.Resources() {
		if kd, id, ok := strings.Cut(v.Str(k), " "); ok && kd == kind {
			out = append(out, id)
		}
	}
	return out
}

// resourceKeys returns the resource Syms of e of a kind.
func resourceKeys(v index.View, e index.Event, kind string) []index.Sym {
	var out []index.Sym
	for _, k := range e.Resources() {
		if strings.HasPrefix(v.Str(k), kind+" ") {
			out = append(out, k)
		}
	}
	return out
}

// firstResource names e's first resource, for a finding's details.
func firstResource(v index.View, e index.Event) string {
	res := e.Resources()
	if len(res) == 0 {
		return ""
	}
	_, id, _ := strings.Cut(v.Str(res[0]), " ")
	return id
}

// simple is a rule that every event of some calls raises, grouped by principal.
func (r *run) simple(id string, calls ...catalog.Call) {
	if !r.enabled(id) {
		return
	}
	v := r.v
	ru := mustRule(id)
	for _, ref := range r.eventsOf(calls...) {
		e := v.Event(ref)
		d := r.draftFor(ru, e.Who().Principal(), "")
		d.refs = append(d.refs, ref)
		d.note(callDetail(v.Str(e.Name()), firstResource(v, e)))
		if d.terms == nil {
			d.terms, d.exact = eventTerms(calls...), true
		}
	}
}

// detail joins an event name (without API version) and what it acted on.
func callDetail(name, what string) string {
	name = catalog.TrimAPIVersion(name)
	if what == "" {
		return name
	}
	return name + " " + what
}

// indexRules runs the rules that need nothing but the index, and gathers the events whose raw
// records the other rules must read. Each rule takes the read lock for itself, and the scan lets go
// of it now and then: batches keep landing and queries keep running while the rules do.
func (r *run) indexRules() {
	steps := []func(){
		func() {
			r.simple("trail-stopped", call("cloudtrail", "StopLogging", "DeleteTrail", "DeleteEventDataStore", "StopEventDataStoreIngestion"))
			r.simple("trail-modified", call("cloudtrail", "UpdateTrail", "PutEventSelectors"))
			r.simple("config-stopped", call("config", "StopConfigurationRecorder", "DeleteConfigurationRecorder", "DeleteDeliveryChannel"))
			r.simple("detection-disabled",
				call("guardduty", "DeleteDetector", "DisassociateFromMasterAccount", "DisassociateFromAdministratorAccount", "StopMonitoringMembers", "DeleteMembers"),
				call("securityhub", "DisableSecurityHub"),
				call("access-analyzer", "DeleteAnalyzer"),
				call("macie2", "DisableMacie"))
			r.simple("detection-suppressed", call("guardduty", "CreateIPSet", "UpdateIPSet", "CreateFilter", "UpdateFilter"))
			r.simple("network-logs-deleted",
				call("ec2", "DeleteFlowLogs"),
				call("route53resolver", "DeleteResolverQueryLogConfig", "DisassociateResolverQueryLogConfig"))
			r.simple("kms-key-disabled", call("kms", "DisableKey", "ScheduleKeyDeletion"))
			r.simple("organization-leave", call("organizations", "LeaveOrganization", "DeleteOrganization"))
			r.simple("iam-user-created", call("iam", "CreateUser"))
			r.simple("mfa-removed", call("iam", "DeactivateMFADevice", "DeleteVirtualMFADevice"))
			r.simple("identity-provider", call("iam", "CreateSAMLProvider", "UpdateSAMLProvider", "CreateOpenIDConnectProvider",
				"UpdateOpenIDConnectProviderThumbprint", "AddClientIDToOpenIDConnectProvider"))
			r.simple("roles-anywhere", call("rolesanywhere", "CreateTrustAnchor", "UpdateTrustAnchor", "EnableTrustAnchor", "CreateProfile"))
			r.simple("federation-token", call("sts", "GetFederationToken"))
			r.simple("bedrock-access", call("bedrock", "PutFoundationModelEntitlement", "CreateFoundationModelAgreement", "PutUseCaseForModelAccess"))
			r.simple("s3-block-public-off", call("s3", "DeleteBucketPublicAccessBlock"), call("s3control", "DeletePublicAccessBlock"))
			r.otherUser()
			r.attachedPolicies()
			r.lambdaChanges()
			r.instanceAccess()
		},
		r.logDelivery, r.passwordData, r.secrets, r.instanceBursts, r.objectDeletes, r.deniedBursts, r.offensiveTools, r.scan,
		r.gatherInspection,
	}
	for _, step := range steps {
		r.read(func(index.View) { step() })
	}
}

// otherUser raises access keys and console passwords made for another user.
func (r *run) otherUser() {
	v := r.v
	s := v.Str
	for _, c := range []struct {
		id, name string
	}{{"access-key-other-user", "CreateAccessKey"}, {"login-profile", "CreateLoginProfile"}, {"login-profile", "UpdateLoginProfile"}} {
		self := c.id == "access-key-other-user" && r.enabled("access-key-self")
		if !r.enabled(c.id) && !self {
			continue
		}
		calls := []catalog.Call{call("iam", c.name)}
		for _, ref := range r.eventsOf(calls...) {
			e := v.Event(ref)
			who := e.Who()
			targets := resourcesOf(v, e, "iam:user")
			other := ""
			for _, t := range targets {
				if s(who.Type()) != "IAMUser" || !strings.EqualFold(t, s(who.UserName())) {
					other = t
				}
			}
			if other == "" && c.id == "access-key-other-user" {
				if self {
					r.selfKey(ref) // a user's own key: rotation, or a way back in
				}
				continue
			}
			if !r.enabled(c.id) {
				continue
			}
			d := r.draftFor(mustRule(c.id), who.Principal(), "")
			d.refs = append(d.refs, ref)
			if other != "" {
				d.note(fmt.Sprintf("%s for user %s", c.name, other))
				d.raise(catalog.SeverityHigh)
			} else {
				d.note(c.name + " for itself")
			}
			if c.id == "access-key-other-user" {
				d.terms, d.exact = eventTerms(calls...), false // a user's own keys are left out
			} else {
				d.terms, d.exact = eventTerms(call("iam", "CreateLoginProfile", "UpdateLoginProfile")), true
			}
		}
	}
}

// adminPolicies are managed policies that make their holder an administrator, or able to become one.
var adminPolicies = map[string]bool{"AdministratorAccess": true, "IAMFullAccess": true}

// attachedPolicies raises managed policies attached to users, roles and groups.
func (r *run) attachedPolicies() {
	v := r.v
	calls := []catalog.Call{call("iam", "AttachUserPolicy", "AttachRolePolicy", "AttachGroupPolicy")}
	for _, ref := range r.eventsOf(calls...) {
		e := v.Event(ref)
		policies := resourcesOf(v, e, "iam:policy")
		target := targetOf(v, e)
		admin := slices.ContainsFunc(policies, func(p string) bool { return adminPolicies[p] })
		id := "policy-changed"
		if admin {
			id = "admin-policy"
		}
		if !r.enabled(id) {
			continue
		}
		d := r.draftFor(mustRule(id), r.actor(id, e), "")
		d.refs = append(d.refs, ref)
		d.note(strings.TrimSpace(strings.Join(policies, "+") + " to " + target))
		d.terms, d.exact = eventTerms(calls...), !admin
	}
}

// targetOf names the IAM user, role or group an IAM call acted on.
func targetOf(v index.View, e index.Event) string {
	for _, kind := range []string{"user", "role", "group"} {
		if ids := resourcesOf(v, e, "iam:"+kind); len(ids) > 0 {
			return kind + " " + ids[0]
		}
	}
	return "?"
}

// lambdaChanges raises new function code and new layers.
func (r *run) lambdaChanges() {
	if !r.enabled("lambda-changed") {
		return
	}
	v := r.v
	code := call("lambda", "UpdateFunctionCode")
	conf := call("lambda", "UpdateFunctionConfiguration")
	ru := mustRule("lambda-changed")
	for _, ref := range r.eventsOf(code, conf) {
		e := v.Event(ref)
		fn := strings.Join(resourcesOf(v, e, "lambda:function"), ",")
		d := r.draftFor(ru, r.actor(ru.ID, e), "")
		d.terms = eventTerms(code, conf)
		if catalog.TrimAPIVersion(v.Str(e.Name())) == "UpdateFunctionCode" {
			d.refs = append(d.refs, ref)
			d.note("code of " + fn)
			continue
		}
		if layers := resourcesOf(v, e, "lambda:layer"); len(layers) > 0 {
			d.refs = append(d.refs, ref)
			d.note("layer " + layers[0] + " on " + fn)
			d.raise(catalog.SeverityMedium)
		}
	}
}

// instanceAccess raises commands and shells run on instances, by people.
func (r *run) instanceAccess() {
	if !r.enabled("instance-access") {
		return
	}
	v := r.v
	calls := []catalog.Call{
		call("ssm", "SendCommand", "StartSession"),
		call("ec2-instance-connect", "SendSSHPublicKey", "SendSerialConsoleSSHPublicKey"),
		call("ec2", "EnableSerialConsoleAccess"),
	}
	ru := mustRule("instance-access")
	for _, ref := range r.eventsOf(calls...) {
		e := v.Event(ref)
		if r.byService(e) {
			continue
		}
		d := r.draftFor(ru, r.actor(ru.ID, e), "")
		d.refs = append(d.refs, ref)
		d.terms, d.exact = eventTerms(calls...), true
		name := v.Str(e.Name())
		if name == "EnableSerialConsoleAccess" {
			d.raise(catalog.SeverityMedium)
			d.note(name)
			continue
		}
		d.note(name)
	}
}
