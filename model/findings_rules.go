package model

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// ruleList is every rule, grouped by what an intrusion does. Rationales are one line: why it matters.
var ruleList = []Rule{
	// Root.
	{"root-console-login", SeverityHigh, "Root signed in to the console",
		"The root user can do anything and no policy limits it; a sign-in means someone holds its password.", InitialAccess},
	{"root-access-key", SeverityCritical, "Root used an access key",
		"Root access keys should not exist: a leaked one is the whole account, and it cannot be scoped down.", InitialAccess},
	{"root-activity", SeverityHigh, "Root made API calls",
		"Everyday work never needs root; its calls bypass every permission boundary and deserve a reason.", PrivilegeEscalation},

	// Sign-in.
	{"console-login-no-mfa", SeverityMedium, "Console sign-in without MFA",
		"A password alone opened the console: a phished or reused password is all it took.", InitialAccess},
	{"console-login-failures", SeverityMedium, "Burst of failed console sign-ins",
		"Repeated wrong passwords from one place or for one user look like guessing or spraying, not typos.", CredentialAccess},

	// Logging and detection.
	{"trail-stopped", SeverityHigh, "CloudTrail logging stopped or deleted",
		"Stopping the trail is how an intruder hides what comes next; the events after it may be missing.", DefenseEvasion},
	{"trail-modified", SeverityMedium, "CloudTrail trail or event selectors changed",
		"Narrowing what a trail records (selectors, regions, destination) blinds it quietly without stopping it.", DefenseEvasion},
	{"config-stopped", SeverityHigh, "AWS Config recording stopped or deleted",
		"Without Config there is no record of how resources changed, which an intruder may want gone.", DefenseEvasion},
	{"detection-disabled", SeverityHigh, "Threat detection disabled",
		"GuardDuty, Security Hub, Macie or Access Analyzer switched off or cut loose from the administrator account stops the alarms.", DefenseEvasion},
	{"detection-suppressed", SeverityMedium, "GuardDuty findings suppressed",
		"A trusted IP list or a suppression filter silences GuardDuty for whatever it matches.", DefenseEvasion},
	{"network-logs-deleted", SeverityMedium, "VPC flow logs or DNS query logs removed",
		"Network and DNS logs show exfiltration and command-and-control; removing them hides both.", DefenseEvasion},
	{"log-tampering", SeverityMedium, "CloudWatch logs deleted or retention cut",
		"Deleting log groups or shortening their retention destroys evidence before anyone looks.", DefenseEvasion},
	{"kms-key-disabled", SeverityHigh, "KMS key disabled or scheduled for deletion",
		"Data encrypted under a deleted key is lost for good: sabotage, or ransom when the attacker holds a copy.", Impact},
	{"organization-leave", SeverityHigh, "Account left the organization",
		"Leaving the organization drops its guardrails (SCPs) and central logging at once.", DefenseEvasion},

	// Persistence and privilege escalation.
	{"iam-user-created", SeverityMedium, "IAM user created",
		"A new user with its own password or keys is the easiest way back in after other access is revoked.", Persistence},
	{"login-profile", SeverityMedium, "Console password set for an IAM user",
		"Setting another user's password takes over that user; creating one gives a key-only user a way into the console.", Persistence},
	{"access-key-other-user", SeverityHigh, "Access key created for another user",
		"A key made for someone else is a credential its owner does not know about: a classic backdoor.", Persistence},
	{"admin-policy", SeverityHigh, "Administrator permissions granted",
		"AdministratorAccess or an Allow of * on * turns whoever holds it into an administrator.", PrivilegeEscalation},
	{"policy-changed", SeverityLow, "IAM policy attached, put inline or given a new default version",
		"Permission changes are how access grows; worth a glance when they come from someone unexpected.", PrivilegeEscalation},
	{"trust-policy", SeverityMedium, "Role trust policy changed",
		"Who may assume a role is decided by its trust policy; opening it to another account is a backdoor.", Persistence},
	{"mfa-removed", SeverityMedium, "MFA device deactivated or deleted",
		"Removing MFA makes a stolen password enough, and is often a step before taking over a user.", DefenseEvasion},
	{"identity-provider", SeverityMedium, "SAML or OIDC identity provider changed",
		"A rogue identity provider lets someone outside the account mint sessions for its roles.", Persistence},
	{"roles-anywhere", SeverityHigh, "IAM Roles Anywhere trust anchor or profile created",
		"A trust anchor lets certificates from an outside authority assume roles: access that survives key rotation.", Persistence},
	{"federation-token", SeverityMedium, "Federation token issued",
		"A federation token session outlives the deletion of the access key that made it.", Persistence},
	{"lambda-public", SeverityHigh, "Lambda function opened to anyone or another account",
		"A resource policy that lets * or a foreign account invoke a function is a door into the account.", Persistence},
	{"lambda-changed", SeverityLow, "Lambda code replaced or layer added",
		"New code or a new layer runs with the function's role on every invocation: a quiet persistence.", Persistence},
	{"user-data-modified", SeverityMedium, "EC2 user data changed",
		"User data runs as root when the instance starts: changing it runs code on the next boot.", Execution},
	{"instance-access", SeverityLow, "Commands or shells on instances",
		"Run Command, Session Manager and pushed SSH keys reach inside instances and their roles.", Execution},
	{"unusual-instance", SeverityMedium, "GPU or very large instances launched",
		"Accelerated and very large instances are what cryptominers and stolen-key abusers launch first.", Impact},
	{"bedrock-access", SeverityMedium, "Bedrock model access enabled",
		"Enabling foundation models with stolen keys to resell or run them (LLMjacking) bills the account.", Impact},

	// Exposure and exfiltration.
	{"sg-open-world", SeverityHigh, "Security group opened to the internet",
		"Ingress from 0.0.0.0/0 or ::/0 exposes the port to every scanner on the internet.", Exposure},
	{"snapshot-shared", SeverityHigh, "Snapshot or image shared outside the account",
		"A shared EBS or RDS snapshot or AMI is a full copy of the data, readable by whoever it was shared with.", Exfiltration},
	{"s3-public", SeverityHigh, "S3 bucket opened to the public or another account",
		"A bucket policy or ACL that lets in everyone, or an account that is not yours, hands the data out.", Exposure},
	{"s3-block-public-off", SeverityMedium, "S3 Block Public Access removed",
		"Block Public Access is the guard against public buckets; removing it is the step before one.", Exposure},

	// Credential access.
	{"secrets-bulk", SeverityMedium, "Secrets read in bulk",
		"Applications read the few secrets they need; reading many at once is harvesting.", CredentialAccess},
	{"parameters-bulk", SeverityMedium, "SecureString parameters decrypted in bulk",
		"Decrypting many SSM parameters at once harvests the credentials kept in them.", CredentialAccess},
	{"password-data", SeverityMedium, "Windows password data requested",
		"GetPasswordData returns an instance's encrypted administrator password; few people ever need it.", CredentialAccess},
	{"user-data-read", SeverityMedium, "EC2 user data read in bulk",
		"User data often holds secrets and bootstrap credentials; reading it across instances is harvesting.", CredentialAccess},
	{"instance-credentials-elsewhere", SeverityHigh, "EC2 instance credentials used from elsewhere",
		"An instance role's session should be used from its instance; elsewhere it means its credentials were stolen.", CredentialAccess},

	// Bursts and rates.
	{"access-denied-burst", SeverityMedium, "Burst of denied calls",
		"Many denied calls in a short time look like someone probing what a key may do.", Discovery},
	{"write-spike", SeverityMedium, "Spike of write calls",
		"An hour with far more changes than the principal usually makes: automation gone wrong, or not its usual user.", Impact},
	{"instance-burst", SeverityMedium, "Many instances launched or terminated",
		"Dozens of instances in an hour is a runaway script, cryptomining or destruction, and a cost either way.", Impact},

	{"s3-bulk-delete", SeverityHigh, "S3 objects deleted in bulk",
		"Emptying a bucket object by object in minutes is how ransomware and vandals destroy data.", Impact},

	// Novelty.
	{"new-source-ip", SeverityLow, "Principal used a new source IP",
		"A first call from an address the principal never used before is how a leaked key shows up.", InitialAccess},
	{"new-region", SeverityMedium, "Principal used a new region",
		"Intruders use regions nobody watches; a first call in a new region deserves a look.", DefenseEvasion},
	{"new-user-agent", SeverityLow, "Principal used a new tool",
		"A principal calling with a client it never used before may not be its usual user.", InitialAccess},
	{"offensive-tool", SeverityHigh, "Offensive tool or distribution in the user agent",
		"Kali, Pacu, TruffleHog and their like name themselves in the user agent: someone is attacking, maybe your red team.", InitialAccess},
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

// call names events of one service: eventSource without ".amazonaws.com", and names without the API
// version that Lambda appends.
type apiCall struct {
	source string
	names  []string
}

// namesPresent indexes the event names the index holds by their name without API version. The
// caller holds the lock.
func (r *run) namesPresent() map[string][]Sym {
	if r.names == nil {
		r.names = map[string][]Sym{}
		for v := range r.x.post[pEvent] {
			n := trimAPIVersion(r.x.syms.strs[v])
			r.names[n] = append(r.names[n], v)
		}
	}
	return r.names
}

// eventsOf returns the events of calls, oldest first. The caller holds the lock.
func (r *run) eventsOf(calls ...apiCall) []EventRef {
	x := r.x
	var out []EventRef
	for _, c := range calls {
		src, ok := x.syms.lookup(c.source + ".amazonaws.com")
		if !ok {
			continue
		}
		for _, n := range c.names {
			for _, v := range r.namesPresent()[n] {
				list := x.post[pEvent][v]
				if list == nil {
					continue
				}
				for _, ref := range *list {
					if x.events.at(ref).source == src {
						out = append(out, ref)
					}
				}
			}
		}
	}
	return x.timeOrder(out)
}

// eventTerms returns the filter terms that select the events of calls.
func eventTerms(calls ...apiCall) []Term {
	var names, sources []string
	for _, c := range calls {
		for _, n := range c.names {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
		if !slices.Contains(sources, c.source) {
			sources = append(sources, c.source)
		}
	}
	for i, n := range names {
		if lambdaVersioned[n] {
			names[i] = n + "*" // UpdateFunctionCode20150331v2
		}
	}
	return []Term{{Field: FieldEvent, Values: names}, {Field: FieldSource, Values: sources}}
}

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
// user, or a session whose credential chain starts with one. The caller holds the lock.
func (r *run) person(e *event) bool {
	r.ident(e)
	info := &r.idents[e.ident]
	if info.person == 0 {
		info.person = -1
		x := r.x
		s := x.syms.strs
		who := &x.idents[e.ident]
		for hops := 0; hops < maxChain; hops++ {
			t := s[who.idType]
			if personTypes[t] || strings.HasPrefix(s[who.role], "role/AWSReservedSSO_") {
				info.person = 1
				break
			}
			m, ok := x.minted[who.key]
			if t != "AssumedRole" || who.key == 0 || !ok {
				break
			}
			who = &x.idents[x.events.at(m).ident]
		}
	}
	return info.person > 0
}

var instanceSession = regexp.MustCompile(`^i-[0-9a-fA-F]{8,17}$`)

// ident returns what the rules need to know about the identity of e. The caller holds the lock.
func (r *run) ident(e *event) identInfo {
	for len(r.idents) < len(r.x.idents) {
		r.idents = append(r.idents, identInfo{})
	}
	info := &r.idents[e.ident]
	if !info.known {
		who := &r.x.idents[e.ident]
		s := r.x.syms.strs
		info.known = true
		info.idType = s[who.idType]
		role := s[who.role]
		info.service = info.idType == "AWSService" || strings.HasPrefix(role, "role/AWSServiceRoleFor") ||
			strings.Contains(s[who.issuerARN], ":role/aws-service-role/")
		info.instance = info.idType == "AssumedRole" && instanceSession.MatchString(s[who.session])
	}
	return *info
}

// byService reports whether AWS made the call, for itself or on a principal's behalf: such calls
// carry no intent of their own for the rules that count and compare.
func (r *run) byService(e *event) bool {
	return e.invokedBy != 0 || r.ident(e).service
}

// byRoleRules are rules about routine-looking changes: their findings group a role's sessions (CI
// jobs, deployments) into one, rather than one per session.
var byRoleRules = map[string]bool{"lambda-changed": true, "instance-access": true, "policy-changed": true}

// actor returns whom a rule's findings are grouped by: the principal, or for byRoleRules its role.
func (r *run) actor(id string, e *event) Sym {
	if byRoleRules[id] {
		return r.x.roleOf(e)
	}
	return r.x.principalOf(e)
}

// principalOf returns the principal of e. The caller holds the lock.
func (x *Index) principalOf(e *event) Sym { return x.idents[e.ident].principal }

// roleOf returns the role of e (its principal when it has no sessions). The caller holds the lock.
func (x *Index) roleOf(e *event) Sym { return x.idents[e.ident].role }

// resourcesOf returns the IDs of e's resources of a kind ("iam:user"). The caller holds the lock.
func (x *Index) resourcesOf(e *event, kind string) []string {
	var out []string
	for _, k := range x.res[e.resOff : e.resOff+e.resN] {
		if kd, id, ok := strings.Cut(x.syms.strs[k], " "); ok && kd == kind {
			out = append(out, id)
		}
	}
	return out
}

// resourceKeys returns the resource Syms of e of a kind. The caller holds the lock.
func (x *Index) resourceKeys(e *event, kind string) []Sym {
	var out []Sym
	for _, k := range x.res[e.resOff : e.resOff+e.resN] {
		if strings.HasPrefix(x.syms.strs[k], kind+" ") {
			out = append(out, k)
		}
	}
	return out
}

// firstResource names e's first resource, for a finding's details.
func (x *Index) firstResource(e *event) string {
	if e.resN == 0 {
		return ""
	}
	_, id, _ := strings.Cut(x.syms.strs[x.res[e.resOff]], " ")
	return id
}

// simple is a rule that every event of some calls raises, grouped by principal.
func (r *run) simple(id string, calls ...apiCall) {
	if !r.enabled(id) {
		return
	}
	x := r.x
	ru := mustRule(id)
	for _, ref := range r.eventsOf(calls...) {
		e := x.events.at(ref)
		d := r.draftFor(ru, x.principalOf(e), "")
		d.refs = append(d.refs, ref)
		d.note(callDetail(x.syms.strs[e.name], x.firstResource(e)))
		if d.terms == nil {
			d.terms, d.exact = eventTerms(calls...), true
		}
	}
}

// detail joins an event name (without API version) and what it acted on.
func callDetail(name, what string) string {
	name = trimAPIVersion(name)
	if what == "" {
		return name
	}
	return name + " " + what
}

// indexRules runs the rules that need nothing but the index, and gathers the events whose raw
// records the other rules must read. Each rule takes the read lock for itself, and the scan lets go
// of it now and then: batches keep landing and queries keep running while the rules do.
func (r *run) indexRules() {
	x := r.x
	steps := []func(){
		func() {
			r.simple("trail-stopped", apiCall{"cloudtrail", []string{"StopLogging", "DeleteTrail", "DeleteEventDataStore", "StopEventDataStoreIngestion"}})
			r.simple("trail-modified", apiCall{"cloudtrail", []string{"UpdateTrail", "PutEventSelectors"}})
			r.simple("config-stopped", apiCall{"config", []string{"StopConfigurationRecorder", "DeleteConfigurationRecorder", "DeleteDeliveryChannel"}})
			r.simple("detection-disabled",
				apiCall{"guardduty", []string{"DeleteDetector", "DisassociateFromMasterAccount", "DisassociateFromAdministratorAccount", "StopMonitoringMembers", "DeleteMembers"}},
				apiCall{"securityhub", []string{"DisableSecurityHub"}},
				apiCall{"access-analyzer", []string{"DeleteAnalyzer"}},
				apiCall{"macie2", []string{"DisableMacie"}})
			r.simple("detection-suppressed", apiCall{"guardduty", []string{"CreateIPSet", "UpdateIPSet", "CreateFilter", "UpdateFilter"}})
			r.simple("network-logs-deleted",
				apiCall{"ec2", []string{"DeleteFlowLogs"}},
				apiCall{"route53resolver", []string{"DeleteResolverQueryLogConfig", "DisassociateResolverQueryLogConfig"}})
			r.simple("kms-key-disabled", apiCall{"kms", []string{"DisableKey", "ScheduleKeyDeletion"}})
			r.simple("organization-leave", apiCall{"organizations", []string{"LeaveOrganization", "DeleteOrganization"}})
			r.simple("iam-user-created", apiCall{"iam", []string{"CreateUser"}})
			r.simple("mfa-removed", apiCall{"iam", []string{"DeactivateMFADevice", "DeleteVirtualMFADevice"}})
			r.simple("identity-provider", apiCall{"iam", []string{"CreateSAMLProvider", "UpdateSAMLProvider", "CreateOpenIDConnectProvider",
				"UpdateOpenIDConnectProviderThumbprint", "AddClientIDToOpenIDConnectProvider"}})
			r.simple("roles-anywhere", apiCall{"rolesanywhere", []string{"CreateTrustAnchor", "UpdateTrustAnchor", "EnableTrustAnchor", "CreateProfile"}})
			r.simple("federation-token", apiCall{"sts", []string{"GetFederationToken"}})
			r.simple("bedrock-access", apiCall{"bedrock", []string{"PutFoundationModelEntitlement", "CreateFoundationModelAgreement", "PutUseCaseForModelAccess"}})
			r.simple("s3-block-public-off", apiCall{"s3", []string{"DeleteBucketPublicAccessBlock"}}, apiCall{"s3control", []string{"DeletePublicAccessBlock"}})
			r.otherUser()
			r.attachedPolicies()
			r.lambdaChanges()
			r.instanceAccess()
		},
		r.passwordData, r.secrets, r.instanceBursts, r.objectDeletes, r.deniedBursts, r.offensiveTools, r.scan,
		r.gatherInspection,
	}
	for _, step := range steps {
		x.rlockSorted()
		step()
		x.mu.RUnlock()
	}
}

// otherUser raises access keys and console passwords made for another user.
func (r *run) otherUser() {
	x := r.x
	s := x.syms.strs
	for _, c := range []struct {
		id, name string
	}{{"access-key-other-user", "CreateAccessKey"}, {"login-profile", "CreateLoginProfile"}, {"login-profile", "UpdateLoginProfile"}} {
		if !r.enabled(c.id) {
			continue
		}
		calls := []apiCall{{"iam", []string{c.name}}}
		for _, ref := range r.eventsOf(calls...) {
			e := x.events.at(ref)
			who := &x.idents[e.ident]
			targets := x.resourcesOf(e, "iam:user")
			other := ""
			for _, t := range targets {
				if s[who.idType] != "IAMUser" || !strings.EqualFold(t, s[who.userName]) {
					other = t
				}
			}
			if other == "" && c.id == "access-key-other-user" {
				continue // a user's own key: routine rotation
			}
			d := r.draftFor(mustRule(c.id), who.principal, "")
			d.refs = append(d.refs, ref)
			if other != "" {
				d.note(fmt.Sprintf("%s for user %s", c.name, other))
				d.raise(SeverityHigh)
			} else {
				d.note(c.name + " for itself")
			}
			if c.id == "access-key-other-user" {
				d.terms, d.exact = eventTerms(calls...), false // a user's own keys are left out
			} else {
				d.terms, d.exact = eventTerms(apiCall{"iam", []string{"CreateLoginProfile", "UpdateLoginProfile"}}), true
			}
		}
	}
}

// adminPolicies are managed policies that make their holder an administrator, or able to become one.
var adminPolicies = map[string]bool{"AdministratorAccess": true, "IAMFullAccess": true}

// attachedPolicies raises managed policies attached to users, roles and groups.
func (r *run) attachedPolicies() {
	x := r.x
	calls := []apiCall{{"iam", []string{"AttachUserPolicy", "AttachRolePolicy", "AttachGroupPolicy"}}}
	for _, ref := range r.eventsOf(calls...) {
		e := x.events.at(ref)
		policies := x.resourcesOf(e, "iam:policy")
		target := targetOf(x, e)
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
func targetOf(x *Index, e *event) string {
	for _, kind := range []string{"user", "role", "group"} {
		if ids := x.resourcesOf(e, "iam:"+kind); len(ids) > 0 {
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
	x := r.x
	code := apiCall{"lambda", []string{"UpdateFunctionCode"}}
	conf := apiCall{"lambda", []string{"UpdateFunctionConfiguration"}}
	ru := mustRule("lambda-changed")
	for _, ref := range r.eventsOf(code, conf) {
		e := x.events.at(ref)
		fn := strings.Join(x.resourcesOf(e, "lambda:function"), ",")
		d := r.draftFor(ru, r.actor(ru.ID, e), "")
		d.terms = eventTerms(code, conf)
		if trimAPIVersion(x.syms.strs[e.name]) == "UpdateFunctionCode" {
			d.refs = append(d.refs, ref)
			d.note("code of " + fn)
			continue
		}
		if layers := x.resourcesOf(e, "lambda:layer"); len(layers) > 0 {
			d.refs = append(d.refs, ref)
			d.note("layer " + layers[0] + " on " + fn)
			d.raise(SeverityMedium)
		}
	}
}

// instanceAccess raises commands and shells run on instances, by people.
func (r *run) instanceAccess() {
	if !r.enabled("instance-access") {
		return
	}
	x := r.x
	calls := []apiCall{
		{"ssm", []string{"SendCommand", "StartSession"}},
		{"ec2-instance-connect", []string{"SendSSHPublicKey", "SendSerialConsoleSSHPublicKey"}},
		{"ec2", []string{"EnableSerialConsoleAccess"}},
	}
	ru := mustRule("instance-access")
	for _, ref := range r.eventsOf(calls...) {
		e := x.events.at(ref)
		if r.byService(e) {
			continue
		}
		d := r.draftFor(ru, r.actor(ru.ID, e), "")
		d.refs = append(d.refs, ref)
		d.terms, d.exact = eventTerms(calls...), true
		name := x.syms.strs[e.name]
		if name == "EnableSerialConsoleAccess" {
			d.raise(SeverityMedium)
			d.note(name)
			continue
		}
		d.note(name)
	}
}

// passwordData raises GetPasswordData: any call, and many instances at once more so.
func (r *run) passwordData() {
	if !r.enabled("password-data") {
		return
	}
	x := r.x
	c := apiCall{"ec2", []string{"GetPasswordData"}}
	groups := r.byPrincipal(r.eventsOf(c))
	for _, p := range symKeys(groups) {
		refs := groups[p]
		d := r.draftFor(mustRule("password-data"), p, "")
		d.refs, d.terms, d.exact = refs, eventTerms(c), true
		n := len(distinctResources(x, refs, "ec2:instance"))
		d.note(fmt.Sprintf("%d instance%s", n, pluralS(n)))
		if len(burstRefs(x, refs, r.opts.SecretsWindow, r.opts.SecretsBurst, instanceKeys(x))) > 0 {
			d.raise(SeverityHigh)
		}
	}
}

// secrets raises bulk reads of Secrets Manager secrets.
func (r *run) secrets() {
	if !r.enabled("secrets-bulk") {
		return
	}
	x := r.x
	get := apiCall{"secretsmanager", []string{"GetSecretValue"}}
	batch := apiCall{"secretsmanager", []string{"BatchGetSecretValue"}}
	groups := r.byPrincipal(r.eventsOf(get, batch))
	keys := func(e *event, ref EventRef) []Sym {
		if ks := x.resourceKeys(e, "secretsmanager:secret"); len(ks) > 0 {
			return ks
		}
		return []Sym{Sym(ref) | 1<<31} // a secret the record does not name: count the call
	}
	for _, p := range symKeys(groups) {
		refs := groups[p]
		var hit []EventRef
		for _, ref := range refs {
			if trimAPIVersion(x.syms.strs[x.events.at(ref).name]) == "BatchGetSecretValue" {
				hit = append(hit, ref) // itself a bulk read
			}
		}
		hit = append(hit, burstRefs(x, refs, r.opts.SecretsWindow, r.opts.SecretsBurst, keys)...)
		if len(hit) == 0 {
			continue
		}
		d := r.draftFor(mustRule("secrets-bulk"), p, "")
		d.refs, d.terms = hit, eventTerms(get, batch)
		if n := len(distinctResources(x, hit, "secretsmanager:secret")); n > 0 {
			d.note(fmt.Sprintf("%d secrets", n))
		}
		if slices.ContainsFunc(hit, func(ref EventRef) bool {
			return x.syms.strs[x.events.at(ref).name] == "BatchGetSecretValue"
		}) {
			d.note("BatchGetSecretValue")
		}
	}
}

// instanceBursts raises runs of RunInstances or TerminateInstances by one principal.
func (r *run) instanceBursts() {
	if !r.enabled("instance-burst") {
		return
	}
	x := r.x
	for _, name := range []string{"RunInstances", "TerminateInstances"} {
		c := apiCall{"ec2", []string{name}}
		var mine []EventRef
		for _, ref := range r.eventsOf(c) {
			if !r.byService(x.events.at(ref)) {
				mine = append(mine, ref)
			}
		}
		groups := r.byPrincipal(mine)
		for _, p := range symKeys(groups) {
			hit := burstRefs(x, groups[p], r.opts.InstanceWindow, r.opts.InstanceBurst, instanceKeys(x))
			if len(hit) == 0 {
				continue
			}
			d := r.draftFor(mustRule("instance-burst"), p, name)
			d.refs, d.terms, d.exact = hit, eventTerms(c), false
			n := len(distinctResources(x, hit, "ec2:instance"))
			verb := "launched"
			if name == "TerminateInstances" {
				verb = "terminated"
				d.raise(SeverityHigh)
			}
			d.note(fmt.Sprintf("%d instances %s in %d calls", n, verb, len(hit)))
		}
	}
}

// objectDeletes raises principals that delete many S3 objects in a short time.
func (r *run) objectDeletes() {
	if !r.enabled("s3-bulk-delete") {
		return
	}
	x := r.x
	c := apiCall{"s3", []string{"DeleteObject", "DeleteObjects"}}
	var mine []EventRef
	for _, ref := range r.eventsOf(c) {
		if !r.byService(x.events.at(ref)) {
			mine = append(mine, ref)
		}
	}
	keys := func(e *event, ref EventRef) []Sym {
		if ks := x.resourceKeys(e, "s3:object"); len(ks) > 0 {
			return ks
		}
		return []Sym{Sym(ref) | 1<<31} // DeleteObjects names its keys in a body CloudTrail does not log
	}
	groups := r.byPrincipal(mine)
	for _, p := range symKeys(groups) {
		hit := burstRefs(x, groups[p], r.opts.ObjectWindow, r.opts.ObjectBurst, keys)
		if len(hit) == 0 {
			continue
		}
		d := r.draftFor(mustRule("s3-bulk-delete"), p, "")
		d.refs, d.terms, d.exact = hit, eventTerms(c), false
		buckets := map[string]bool{}
		for _, ref := range hit {
			for _, b := range x.resourcesOf(x.events.at(ref), "s3:bucket") {
				buckets[b] = true
			}
		}
		names := make([]string, 0, len(buckets))
		for b := range buckets {
			names = append(names, b)
		}
		slices.Sort(names)
		d.note(fmt.Sprintf("%d objects from %s", len(distinctResources(x, hit, "s3:object")), strings.Join(names, ",")))
	}
}

// deniedBursts raises principals with many denied calls in a short time.
func (r *run) deniedBursts() {
	if !r.enabled("access-denied-burst") {
		return
	}
	x := r.x
	var codes []string
	var refs []EventRef
	for v, list := range x.post[pError] {
		if isDenied(strings.ToLower(x.syms.strs[v])) {
			codes = append(codes, x.syms.strs[v])
			for _, ref := range *list {
				if !r.byService(x.events.at(ref)) {
					refs = append(refs, ref)
				}
			}
		}
	}
	slices.Sort(codes)
	groups := r.byPrincipal(refs)
	for _, p := range symKeys(groups) {
		hit := burstRefs(x, groups[p], r.opts.DeniedWindow, r.opts.DeniedBurst, nil)
		if len(hit) == 0 {
			continue
		}
		d := r.draftFor(mustRule("access-denied-burst"), p, "")
		d.refs, d.keepFails, d.exact = hit, true, false
		d.terms = []Term{{Field: FieldError, Values: codes}}
		names := map[Sym]int{}
		for _, ref := range hit {
			names[x.events.at(ref).name]++
		}
		d.note(fmt.Sprintf("%d denied", len(hit)))
		for _, n := range x.topNames(names, 3) {
			d.note(n)
		}
	}
}

// isDenied reports whether a lower-cased error code says the caller lacked permission.
func isDenied(code string) bool {
	for _, s := range []string{"accessdenied", "unauthorized", "forbidden", "notauthorized", "authorizationerror"} {
		if strings.Contains(code, s) {
			return true
		}
	}
	return false
}

// offensiveTools are what attack tools and distributions write in the user agent. The scanners at
// medium severity are also run by defenders.
var offensiveTools = []struct {
	token, name string
	sev         Severity
}{
	{"kali", "Kali Linux", SeverityHigh},
	{"parrot", "Parrot OS", SeverityHigh},
	{"pentoo", "Pentoo", SeverityHigh},
	{"pacu", "Pacu", SeverityHigh},
	{"trufflehog", "TruffleHog", SeverityHigh},
	{"s3 browser", "S3 Browser", SeverityHigh},
	{"s3browser", "S3 Browser", SeverityHigh},
	{"cloudfox", "CloudFox", SeverityHigh},
	{"weirdaal", "WeirdAAL", SeverityHigh},
	{"stratus-red-team", "Stratus Red Team", SeverityHigh},
	{"pmapper", "PMapper", SeverityMedium},
	{"scoutsuite", "ScoutSuite", SeverityMedium},
	{"prowler", "Prowler", SeverityMedium},
	{"cloudsploit", "CloudSploit", SeverityMedium},
}

// offensiveTools raises user agents that name an attack tool. It looks at distinct user agents (a
// few thousand), not at events.
func (r *run) offensiveTools() {
	if !r.enabled("offensive-tool") {
		return
	}
	x := r.x
	ru := mustRule("offensive-tool")
	uas := make([]Sym, 0, len(x.post[pUA]))
	for v := range x.post[pUA] {
		uas = append(uas, v)
	}
	slices.Sort(uas)
	for _, v := range uas {
		lower := strings.ToLower(x.syms.strs[v])
		for _, t := range offensiveTools {
			if !strings.Contains(lower, t.token) {
				continue
			}
			for _, ref := range x.timeOrder(*x.post[pUA][v]) {
				e := x.events.at(ref)
				d := r.draftFor(ru, x.principalOf(e), t.name)
				d.refs = append(d.refs, ref)
				d.sev = min(d.sev, t.sev)
				d.note(t.name)
				d.terms, d.exact = []Term{{Field: FieldUA, Values: []string{t.token}}}, true
			}
			break
		}
	}
}

// byPrincipal groups refs by principal, each group in time order. The caller holds the lock.
func (r *run) byPrincipal(refs []EventRef) map[Sym][]EventRef {
	x := r.x
	out := map[Sym][]EventRef{}
	for _, ref := range refs {
		p := x.principalOf(x.events.at(ref))
		out[p] = append(out[p], ref)
	}
	for p, list := range out {
		out[p] = x.timeOrder(list)
	}
	return out
}

func symKeys[V any](m map[Sym]V) []Sym {
	keys := make([]Sym, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// burst returns the events of refs (in time order) that lie in a window of the given length holding
// at least threshold distinct keys (events, when keys is nil).
func burstRefs(x *Index, refs []EventRef, window time.Duration, threshold int, keys func(*event, EventRef) []Sym) []EventRef {
	if len(refs) == 0 || threshold <= 0 {
		return nil
	}
	keysOf := func(i int) []Sym {
		e := x.events.at(refs[i])
		if keys == nil {
			return []Sym{Sym(i)}
		}
		return keys(e, refs[i])
	}
	count := map[Sym]int{}
	var out []EventRef
	marked := 0 // refs[:marked] are in out already
	j := 0
	for i := range refs {
		ti := x.events.at(refs[i]).time
		for j < len(refs) && x.events.at(refs[j]).time-ti <= int64(window) {
			for _, k := range keysOf(j) {
				count[k]++
			}
			j++
		}
		if len(count) >= threshold {
			for m := max(i, marked); m < j; m++ {
				out = append(out, refs[m])
			}
			marked = max(marked, j)
		}
		for _, k := range keysOf(i) {
			if count[k]--; count[k] == 0 {
				delete(count, k)
			}
		}
	}
	return out
}

// instanceKeys counts instances: the ones an event names, or the event itself when it names none (a
// launch that failed).
func instanceKeys(x *Index) func(*event, EventRef) []Sym {
	return func(e *event, ref EventRef) []Sym {
		if ks := x.resourceKeys(e, "ec2:instance"); len(ks) > 0 {
			return ks
		}
		return []Sym{Sym(ref) | 1<<31}
	}
}

func distinctResources(x *Index, refs []EventRef, kind string) map[Sym]bool {
	out := map[Sym]bool{}
	for _, ref := range refs {
		for _, k := range x.resourceKeys(x.events.at(ref), kind) {
			out[k] = true
		}
	}
	return out
}

// topNames returns the names of the n most frequent keys of counts, ties in name order.
func (x *Index) topNames(counts map[Sym]int, n int) []string {
	keys := symKeys(counts)
	slices.SortFunc(keys, func(a, b Sym) int {
		return cmp.Or(cmp.Compare(counts[b], counts[a]), cmp.Compare(x.syms.strs[a], x.syms.strs[b]))
	})
	out := make([]string, 0, n)
	for _, k := range keys[:min(n, len(keys))] {
		out = append(out, x.syms.strs[k])
	}
	return out
}

func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
