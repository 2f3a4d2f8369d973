package findings_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/trailscope/trailscope/model/catalog"
	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/findings"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/model/scenario"
	"github.com/trailscope/trailscope/source/archive"
	"github.com/trailscope/trailscope/source/sample"
	"github.com/trailscope/trailscope/source/sample/scenarios"
)

// sharedData is the public CloudTrail data beside the project (../shared/data from its root). A
// user's clone has none: the tests that read it skip.
func sharedData(t testing.TB, sub string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "data", sub)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no shared data at %s (a user's clone has none): %v", dir, err)
	}
	return dir
}

func loadPaths(t testing.TB, paths ...string) *index.Index {
	t.Helper()
	x := index.New()
	err := archive.Read(context.Background(), paths, archive.Options{}, func(b cloudtrail.Batch) {
		if len(b.Problems) > 0 {
			t.Errorf("problems reading %v: %v", paths, b.Problems)
		}
		x.Add(b.Records)
	})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// stratusTechniques maps each Stratus Red Team detonation log to the findings it must raise: the
// technique's own, and any other the records justify. The user agent of every detonation names
// Stratus Red Team, so offensive-tool may be raised by any of them; it is not counted as covering a
// technique. seen says what CloudTrail shows of the technique, and what it cannot.
var stratusTechniques = []struct {
	technique string
	rules     []string
	seen      string
}{
	{"aws.credential-access.ec2-get-password-data", []string{"password-data", "access-denied-burst"},
		"GetPasswordData over 30 instances, all denied: the attempt shows; a success would too"},
	{"aws.credential-access.ec2-steal-instance-credentials", []string{"instance-credentials-elsewhere", "instance-access"},
		"the theft (a command reading the metadata service) is invisible; its use from the attacker's address, which the attacker's IAM user also used, is seen"},
	{"aws.credential-access.secretsmanager-batch-retrieve-secrets", []string{"secrets-bulk"},
		"BatchGetSecretValue; which secrets it returned is not logged"},
	{"aws.credential-access.secretsmanager-retrieve-secrets", []string{"secrets-bulk"}, "20 secrets read in seconds"},
	{"aws.credential-access.ssm-retrieve-securestring-parameters", []string{"parameters-bulk"}, "42 SecureString parameters decrypted"},
	{"aws.defense-evasion.cloudtrail-delete", []string{"trail-stopped"}, "DeleteTrail"},
	{"aws.defense-evasion.cloudtrail-event-selectors", []string{"trail-modified"}, "PutEventSelectors; what was excluded needs the request"},
	{"aws.defense-evasion.cloudtrail-stop", []string{"trail-stopped"}, "StopLogging"},
	{"aws.defense-evasion.dns-delete-logs", []string{"network-logs-deleted"}, "DeleteResolverQueryLogConfig"},
	{"aws.defense-evasion.organizations-leave", []string{"organization-leave"}, "LeaveOrganization, denied"},
	{"aws.defense-evasion.vpc-remove-flow-logs", []string{"network-logs-deleted"}, "DeleteFlowLogs"},
	{"aws.discovery.ec2-download-user-data", []string{"user-data-read", "access-denied-burst"},
		"DescribeInstanceAttribute userData on 15 instances, denied; the user data itself is never logged"},
	{"aws.execution.ec2-launch-unusual-instances", []string{"unusual-instance"}, "RunInstances of p2.xlarge, denied"},
	{"aws.execution.ec2-user-data", []string{"user-data-modified"},
		"ModifyInstanceAttribute userData; the script is logged as <sensitiveDataRemoved>, what it runs is not seen"},
	{"aws.execution.ssm-send-command", []string{"instance-access"}, "SendCommand; the command's text is hidden (HIDDEN_DUE_TO_SECURITY_REASONS)"},
	{"aws.execution.ssm-start-session", []string{"instance-access"}, "StartSession; what was typed in the shell is not in CloudTrail"},
	{"aws.exfiltration.ec2-security-group-open-port-22-ingress", []string{"sg-open-world"}, "AuthorizeSecurityGroupIngress 22/tcp from a /0"},
	{"aws.exfiltration.ec2-share-ami", []string{"snapshot-shared"}, "ModifyImageAttribute launchPermission add"},
	{"aws.exfiltration.ec2-share-ebs-snapshot", []string{"snapshot-shared"}, "ModifySnapshotAttribute createVolumePermission add"},
	{"aws.exfiltration.rds-share-snapshot", []string{"snapshot-shared"}, "ModifyDBSnapshotAttribute restore valuesToAdd"},
	{"aws.impact.bedrock-invoke-model", []string{"bedrock-access"},
		"model access being enabled; InvokeModel itself is routine, and prompts and answers are not in CloudTrail"},
	{"aws.initial-access.console-login-without-mfa", []string{"console-login-no-mfa"}, "ConsoleLogin with MFAUsed No"},
	{"aws.lateral-movement.ec2-instance-connect", []string{"instance-access"}, "SendSSHPublicKey; the SSH session is not in CloudTrail"},
	{"aws.lateral-movement.ec2-serial-console-send-ssh-public-key", []string{"instance-access"},
		"EnableSerialConsoleAccess and SendSerialConsoleSSHPublicKey; the console session is not in CloudTrail"},
	{"aws.persistence.iam-backdoor-role", []string{"trust-policy"}, "UpdateAssumeRolePolicy trusting a foreign account"},
	{"aws.persistence.iam-backdoor-user", []string{"access-key-other-user"}, "CreateAccessKey for another user"},
	{"aws.persistence.iam-create-admin-user", []string{"iam-user-created", "admin-policy", "access-key-other-user"},
		"CreateUser, AttachUserPolicy AdministratorAccess, CreateAccessKey"},
	{"aws.persistence.iam-create-backdoor-role", []string{"trust-policy", "admin-policy"},
		"CreateRole trusting a foreign account, AttachRolePolicy AdministratorAccess"},
	{"aws.persistence.iam-create-user-login-profile", []string{"login-profile"}, "CreateLoginProfile for another user"},
	{"aws.persistence.lambda-backdoor-function", []string{"lambda-public"}, "AddPermission with principal *"},
	{"aws.persistence.lambda-layer-extension", []string{"lambda-changed"}, "UpdateFunctionConfiguration adding a layer; the layer's code is not seen"},
	{"aws.persistence.lambda-overwrite-code", []string{"lambda-changed"}, "UpdateFunctionCode; the new code is not seen"},
	{"aws.persistence.rolesanywhere-create-trust-anchor", []string{"roles-anywhere"}, "CreateTrustAnchor and CreateProfile"},
	{"aws.persistence.sts-federation-token", []string{"federation-token"}, "GetFederationToken, and the federated session it minted"},
	{"aws.privilege-escalation.iam-update-user-login-profile", []string{"login-profile"}, "UpdateLoginProfile of another user"},
}

// TestFindingsStratus detonates each Stratus Red Team technique into its own index and checks the
// findings: every technique raises its rules, and nothing else but offensive-tool is raised.
func TestFindingsStratus(t *testing.T) {
	dir := sharedData(t, "stratus_red_team_detonation_logs")
	files, err := filepath.Glob(filepath.Join(dir, "aws.*.json"))
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	covered := 0
	for _, tt := range stratusTechniques {
		known[tt.technique] = true
		t.Run(tt.technique, func(t *testing.T) {
			x := loadPaths(t, filepath.Join(dir, tt.technique+".json"))
			findings := findings.Find(x, findings.Options{})
			raised := map[string]bool{}
			for _, f := range findings {
				raised[f.Rule] = true
				if f.Rule != "offensive-tool" && !slices.Contains(tt.rules, f.Rule) {
					t.Errorf("unexpected finding %s: %s (%s)", f.Rule, f.Title, f.Principal)
				}
				checkFinding(t, x, f)
			}
			ok := true
			for _, r := range tt.rules {
				if !raised[r] {
					t.Errorf("rule %s not raised; raised: %v", r, rulesOf(findings))
					ok = false
				}
			}
			if ok {
				covered++
			}
		})
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		if !known[name] {
			t.Errorf("technique %s has no entry in stratusTechniques", name)
		}
	}
	t.Logf("Stratus Red Team techniques covered: %d/%d", covered, len(files))
}

func rulesOf(fs []findings.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule)
	}
	return out
}

// checkFinding checks what every finding must hold: a known rule, a rationale, counts that match its
// events, times that bound them, and a filter that selects them (exactly, when it names them by ID).
func checkFinding(t *testing.T, x *index.Index, f findings.Finding) {
	t.Helper()
	if err := findings.CheckRuleIDs([]string{f.Rule}); err != nil {
		t.Error(err)
	}
	if f.Title == "" || f.Rationale == "" || f.Tactic == "" {
		t.Errorf("%s: title, rationale or tactic missing: %+v", f.Rule, f)
	}
	if f.Count != len(f.Refs) || f.Count == 0 || f.Failed > f.Count {
		t.Errorf("%s: count %d, failed %d, %d refs", f.Rule, f.Count, f.Failed, len(f.Refs))
	}
	for i, ref := range f.Refs {
		tm := x.Time(ref)
		if tm.Before(f.First) || tm.After(f.Last) || i > 0 && tm.Before(x.Time(f.Refs[i-1])) {
			t.Errorf("%s: event %d at %v is out of order or outside %v..%v", f.Rule, ref, tm, f.First, f.Last)
		}
	}
	q, err := filter.ParseQuery(f.Filter)
	if err != nil {
		t.Fatalf("%s: filter %q: %v", f.Rule, f.Filter, err)
	}
	got := x.Query(q).Refs
	for _, ref := range f.Refs {
		if !slices.Contains(got, ref) {
			t.Errorf("%s: filter %q misses event %s", f.Rule, f.Filter, x.Record(ref).EventID)
			break
		}
	}
	if strings.Contains(f.Filter, "id:") && len(got) != len(f.Refs) {
		t.Errorf("%s: filter %q names its events but selects %d, not %d", f.Rule, f.Filter, len(got), len(f.Refs))
	}
}

// find returns the findings of a rule whose principal contains who.
func find(fs []findings.Finding, rule, who string) []findings.Finding {
	var out []findings.Finding
	for _, f := range fs {
		if f.Rule == rule && strings.Contains(f.Principal, who) {
			out = append(out, f)
		}
	}
	return out
}

// TestFindingsInvictus checks the findings over the Invictus IR dataset: a whole Stratus Red Team
// simulation in one account, by one IAM user and the roles it assumed.
func TestFindingsInvictus(t *testing.T) {
	x := loadPaths(t, sharedData(t, "invictus_aws_dataset"))
	fs := findings.Find(x, findings.Options{})
	for _, f := range fs {
		checkFinding(t, x, f)
	}
	tests := []struct {
		rule, principal string
		sev             catalog.Severity
		count           int    // 0: any
		origin          string // who is behind the session
		title           string // a part of the title
	}{
		{"trail-stopped", "user/bert-jan", catalog.SeverityHigh, 6, "", "DeleteTrail"},
		{"trail-modified", "user/bert-jan", catalog.SeverityMedium, 2, "", "PutEventSelectors"},
		{"network-logs-deleted", "user/bert-jan", catalog.SeverityMedium, 1, "", "DeleteFlowLogs"},
		{"log-tampering", "user/bert-jan", catalog.SeverityMedium, 1, "", "DeleteLogGroup"},
		{"organization-leave", "role/stratus-red-team-leave-org-role", catalog.SeverityMedium, 1, "user/bert-jan", "every call failed"},
		{"iam-user-created", "user/bert-jan", catalog.SeverityMedium, 4, "", "malicious-iam-user"},
		{"admin-policy", "user/bert-jan", catalog.SeverityHigh, 2, "", "AdministratorAccess"},
		{"access-key-other-user", "user/bert-jan", catalog.SeverityHigh, 2, "", "malicious-iam-user"},
		{"login-profile", "user/bert-jan", catalog.SeverityHigh, 2, "", "CreateLoginProfile"},
		{"trust-policy", "user/bert-jan", catalog.SeverityHigh, 2, "", "trusts account 193672423079"},
		{"lambda-public", "user/bert-jan", catalog.SeverityHigh, 1, "", "invocable by anyone"},
		{"lambda-changed", "user/bert-jan", catalog.SeverityLow, 2, "", "code of"},
		{"roles-anywhere", "user/bert-jan", catalog.SeverityHigh, 2, "", "CreateTrustAnchor"},
		{"sg-open-world", "user/bert-jan", catalog.SeverityHigh, 2, "", "22/tcp from 0.0.0.0/0"},
		{"snapshot-shared", "user/bert-jan", catalog.SeverityHigh, 3, "", "shared with 193672423079"},
		{"s3-public", "user/bert-jan", catalog.SeverityHigh, 1, "", "lets in account 193672423079"},
		{"secrets-bulk", "user/bert-jan", catalog.SeverityMedium, 0, "", "20 secrets"},
		{"parameters-bulk", "user/bert-jan", catalog.SeverityMedium, 0, "", "42 parameters"},
		{"password-data", "role/stratus-red-team-ec2-get-password-data-role", catalog.SeverityMedium, 29, "user/bert-jan", "29 instances"},
		{"user-data-read", "role/stratus-red-team-get-usr-data-role", catalog.SeverityLow, 15, "user/bert-jan", "15 instances"},
		{"access-denied-burst", "role/stratus-red-team-ec2-get-password-data-role", catalog.SeverityMedium, 29, "user/bert-jan", "GetPasswordData"},
		{"instance-credentials-elsewhere", "role/stratus-red-team-ec2-steal-credentials-role (session i-0dbc91f429e48eeed)",
			catalog.SeverityHigh, 2, "service ec2.amazonaws.com", "from 192.168.10.20, also used by user/bert-jan"},
		{"console-login-no-mfa", "user/stratus-red-team-nmfalu-gfjyeaypjt", catalog.SeverityMedium, 1, "", "192.168.10.20"},
		{"instance-access", "user/bert-jan", catalog.SeverityLow, 2, "", "SendCommand"},
		{"offensive-tool", "user/bert-jan", catalog.SeverityHigh, 0, "", "Stratus Red Team"},
	}
	for _, tt := range tests {
		got := find(fs, tt.rule, tt.principal)
		if len(got) != 1 {
			t.Errorf("%s by %s: %d findings, want 1 (all: %v)", tt.rule, tt.principal, len(got), rulesOf(fs))
			continue
		}
		f := got[0]
		if f.Severity != tt.sev || tt.count > 0 && f.Count != tt.count || f.Origin != tt.origin || !strings.Contains(f.Title, tt.title) {
			t.Errorf("%s by %s: got %s, %d events, origin %q, %q; want %s, %d, %q, title with %q",
				tt.rule, tt.principal, f.Severity, f.Count, f.Origin, f.Title, tt.sev, tt.count, tt.origin, tt.title)
		}
	}
	// bert-jan's own console sign-in used MFA; the simulation has no root, no failed sign-ins, no bursts.
	for _, rule := range []string{"root-console-login", "root-activity", "root-access-key", "console-login-failures", "instance-burst", "write-spike"} {
		if got := find(fs, rule, ""); len(got) > 0 {
			t.Errorf("%s raised: %s", rule, got[0].Title)
		}
	}
	if got := find(fs, "console-login-no-mfa", "bert-jan"); len(got) > 0 {
		t.Errorf("bert-jan signed in with MFA, yet: %s", got[0].Title)
	}
}

// TestFindingsSample checks that the built-in sample's incidents are found, by whom and who is behind
// them, as the scenarios' answers (computed from the same records) say.
func TestFindingsSample(t *testing.T) {
	s, err := sample.Named("scenarios")
	if err != nil {
		t.Fatal(err)
	}
	x := index.New()
	if err := s.Read(context.Background(), func(b cloudtrail.Batch) { x.Add(b.Records) }); err != nil {
		t.Fatal(err)
	}
	fs := findings.Find(x, findings.Options{})
	for _, f := range fs {
		checkFinding(t, x, f)
	}
	answer := func(name string) scenario.Answer {
		sc, ok := scenarios.Named(name)
		if !ok {
			t.Fatalf("no scenario %s", name)
		}
		a, err := sc.Answer(x)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return a
	}
	expect := func(name, rule string, a scenario.Answer, sev catalog.Severity, title string) {
		t.Helper()
		got := find(fs, rule, a.Principal)
		if len(got) == 0 {
			t.Errorf("%s: no %s finding for %s", name, rule, a.Principal)
			return
		}
		f := got[0]
		if f.Principal != a.Principal || f.Severity < sev || !strings.Contains(f.Title, title) {
			t.Errorf("%s: %s %s %q by %s; want %s+ with %q by %s", name, rule, f.Severity, f.Title, f.Principal, sev, title, a.Principal)
		}
		if a.Behind != "" && !strings.Contains(f.Origin, a.Behind) {
			t.Errorf("%s: %s: behind the session %q, the chain says %q", name, rule, f.Origin, a.Behind)
		}
	}

	leaked := answer("leaked-key")
	expect("leaked-key", "offensive-tool", leaked, catalog.SeverityHigh, "Kali")
	expect("leaked-key", "iam-user-created", leaked, catalog.SeverityMedium, "CreateUser")
	expect("leaked-key", "admin-policy", leaked, catalog.SeverityHigh, "AdministratorAccess")
	expect("leaked-key", "access-key-other-user", leaked, catalog.SeverityHigh, "CreateAccessKey")
	expect("leaked-key", "new-source-ip", leaked, catalog.SeverityLow, leaked.SourceIP)
	if got := find(fs, "trail-stopped", ""); len(got) != 1 || !strings.Contains(got[0].Title, "StopLogging") {
		t.Errorf("leaked-key: the attempt to stop and delete the trail: %v", got)
	}
	expect("role-chain", "sg-open-world", answer("role-chain"), catalog.SeverityHigh, "22/tcp from 0.0.0.0/0")
	cost := answer("cost-spike")
	expect("cost-spike", "instance-burst", cost, catalog.SeverityMedium, "instances launched")
	root := answer("root-no-mfa")
	expect("root-no-mfa", "root-console-login", root, catalog.SeverityCritical, "without MFA")
	expect("root-no-mfa", "root-activity", root, catalog.SeverityHigh, "")
	expect("denied-storm", "access-denied-burst", answer("denied-storm"), catalog.SeverityMedium, "denied")
	expect("bucket-wipe", "s3-bulk-delete", answer("bucket-wipe"), catalog.SeverityHigh, "objects from")

	// The look-alike: Auto Scaling terminating instances is AWS at work, not an incident.
	scale := answer("scale-in")
	for _, f := range fs {
		if f.Principal == scale.Principal {
			t.Errorf("scale-in look-alike raised %s: %s", f.Rule, f.Title)
		}
	}
}
