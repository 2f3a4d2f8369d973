package model

import (
	"cmp"
	"slices"
	"strings"
	"sync"
)

// Tactic is why an investigator cares about a call, in the spirit of MITRE ATT&CK's cloud tactics, plus two of
// our own: Exposure for resources made public or shared, and Routine for calls that carry little weight alone.
type Tactic string

// The tactics, in the order an intrusion usually unfolds. Values are readable, for showing as they are.
const (
	Reconnaissance      Tactic = "reconnaissance"
	InitialAccess       Tactic = "initial access"
	Execution           Tactic = "execution"
	Persistence         Tactic = "persistence"
	PrivilegeEscalation Tactic = "privilege escalation"
	DefenseEvasion      Tactic = "defence evasion"
	CredentialAccess    Tactic = "credential access"
	Discovery           Tactic = "discovery"
	LateralMovement     Tactic = "lateral movement"
	Collection          Tactic = "collection"
	Exfiltration        Tactic = "exfiltration"
	Impact              Tactic = "impact"
	Exposure            Tactic = "exposure"
	Routine             Tactic = "routine"
)

// Tactics returns every tactic, in the order an intrusion usually unfolds, Routine last: the order to group by.
func Tactics() []Tactic {
	return []Tactic{
		Reconnaissance, InitialAccess, Execution, Persistence, PrivilegeEscalation, DefenseEvasion,
		CredentialAccess, Discovery, LateralMovement, Collection, Exfiltration, Impact, Exposure, Routine,
	}
}

// CatalogEntry explains one CloudTrail event name.
type CatalogEntry struct {
	Source  string // eventSource, e.g. "cloudtrail.amazonaws.com"
	Name    string // eventName, e.g. "StopLogging"; without the API version some services append (Lambda, CloudFront)
	Summary string // what the call does, one line
	Why     string // why an investigator cares, one line
	Tactic  Tactic
}

// catalogKey identifies an entry: eventSource in full, eventName without an API version suffix.
type catalogKey struct{ source, name string }

var catalogIndex = sync.OnceValue(func() map[catalogKey]CatalogEntry {
	m := make(map[catalogKey]CatalogEntry, len(catalogRows))
	for _, r := range catalogRows {
		e := CatalogEntry{Source: r.src + awsDomain, Name: r.name, Summary: r.summary, Why: r.why, Tactic: r.tactic}
		m[catalogKey{e.Source, e.Name}] = e
	}
	return m
})

var catalogSorted = sync.OnceValue(func() []CatalogEntry {
	idx := catalogIndex()
	all := make([]CatalogEntry, 0, len(idx))
	for _, e := range idx {
		all = append(all, e)
	}
	slices.SortFunc(all, func(a, b CatalogEntry) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.Name, b.Name))
	})
	return all
})

const awsDomain = ".amazonaws.com"

// Explain returns the catalog entry for an event, matching on eventSource and eventName. The source may be given
// with or without ".amazonaws.com", in any case; the name may carry the API version that Lambda and CloudFront
// append ("UpdateFunctionCode20150331v2", "CreateFunction2020_05_31"). ok is false for an event the catalog does
// not know: callers show the service (ServiceName) and nothing invented.
func Explain(source, name string) (CatalogEntry, bool) {
	source = fullSource(source)
	idx := catalogIndex()
	if e, ok := idx[catalogKey{source, name}]; ok {
		return e, true
	}
	if base := trimAPIVersion(name); base != name {
		e, ok := idx[catalogKey{source, base}]
		return e, ok
	}
	return CatalogEntry{}, false
}

// Catalog returns every entry, sorted by source then name. The slice is the caller's to keep or change.
func Catalog() []CatalogEntry {
	return slices.Clone(catalogSorted())
}

// ServiceName returns a readable service name for an eventSource ("ec2.amazonaws.com" -> "EC2"), with or without
// ".amazonaws.com". A service it does not know is shown by its first label ("devops-guru"), any other source as
// given.
func ServiceName(source string) string {
	full := fullSource(source)
	short, isAWS := strings.CutSuffix(full, awsDomain)
	if n, ok := serviceNames[short]; ok && isAWS {
		return n
	}
	if isAWS && short != "" {
		return short
	}
	return strings.TrimSpace(source)
}

// fullSource turns "cloudtrail", " CloudTrail.amazonaws.com" and the like into "cloudtrail.amazonaws.com". A source
// with a dot in it is left in its domain: it is either full already or not an AWS service endpoint.
func fullSource(source string) string {
	s := strings.TrimSpace(source)
	if hasASCIIUpper(s) {
		s = strings.ToLower(s)
	}
	if s == "" || strings.Contains(s, ".") {
		return s
	}
	return s + awsDomain
}

func hasASCIIUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

// trimAPIVersion drops the API version that some services put at the end of eventName: an 8-digit date
// ("20150331") or a dated form ("2020_05_31"), optionally followed by "v" and digits. Other names are returned
// as they are.
func trimAPIVersion(name string) string {
	s := name
	if i := strings.LastIndexByte(s, 'v'); i > 0 && i < len(s)-1 && allASCIIDigits(s[i+1:]) {
		s = s[:i]
	}
	switch {
	case len(s) > 8 && allASCIIDigits(s[len(s)-8:]):
		return s[:len(s)-8]
	case len(s) > 10 && allASCIIDigits(s[len(s)-10:len(s)-6]) && s[len(s)-6] == '_' &&
		allASCIIDigits(s[len(s)-5:len(s)-3]) && s[len(s)-3] == '_' && allASCIIDigits(s[len(s)-2:]):
		return s[:len(s)-10]
	}
	return name
}

func allASCIIDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// serviceNames maps the first label of an eventSource to the name people use for the service.
var serviceNames = map[string]string{
	"access-analyzer":            "IAM Access Analyzer",
	"account":                    "Account Management",
	"acm":                        "Certificate Manager",
	"acm-pca":                    "Private CA",
	"agreement-marketplace":      "Marketplace Agreements",
	"apigateway":                 "API Gateway",
	"appsync":                    "AppSync",
	"athena":                     "Athena",
	"autoscaling":                "Auto Scaling",
	"backup":                     "Backup",
	"batch":                      "Batch",
	"bedrock":                    "Bedrock",
	"billingconsole":             "Billing",
	"budgets":                    "Budgets",
	"ce":                         "Cost Explorer",
	"cloudformation":             "CloudFormation",
	"cloudfront":                 "CloudFront",
	"cloudshell":                 "CloudShell",
	"cloudtrail":                 "CloudTrail",
	"codebuild":                  "CodeBuild",
	"codecommit":                 "CodeCommit",
	"codepipeline":               "CodePipeline",
	"cognito-identity":           "Cognito Identity",
	"cognito-idp":                "Cognito User Pools",
	"config":                     "Config",
	"datasync":                   "DataSync",
	"detective":                  "Detective",
	"devops-guru":                "DevOps Guru",
	"ds":                         "Directory Service",
	"dynamodb":                   "DynamoDB",
	"ec2":                        "EC2",
	"ec2-instance-connect":       "EC2 Instance Connect",
	"ec2messages":                "Systems Manager (agent)",
	"ecr":                        "ECR",
	"ecs":                        "ECS",
	"eks":                        "EKS",
	"elasticache":                "ElastiCache",
	"elasticbeanstalk":           "Elastic Beanstalk",
	"elasticfilesystem":          "EFS",
	"elasticloadbalancing":       "Elastic Load Balancing",
	"es":                         "OpenSearch",
	"events":                     "EventBridge",
	"firehose":                   "Data Firehose",
	"glacier":                    "S3 Glacier",
	"glue":                       "Glue",
	"guardduty":                  "GuardDuty",
	"health":                     "Health",
	"iam":                        "IAM",
	"identitystore":              "Identity Store",
	"inspector2":                 "Inspector",
	"kinesis":                    "Kinesis",
	"kms":                        "KMS",
	"lambda":                     "Lambda",
	"lightsail":                  "Lightsail",
	"logs":                       "CloudWatch Logs",
	"macie2":                     "Macie",
	"monitoring":                 "CloudWatch",
	"notifications":              "User Notifications",
	"organizations":              "Organizations",
	"ram":                        "Resource Access Manager",
	"rds":                        "RDS",
	"redshift":                   "Redshift",
	"resource-explorer-2":        "Resource Explorer",
	"rolesanywhere":              "IAM Roles Anywhere",
	"route53":                    "Route 53",
	"route53domains":             "Route 53 Domains",
	"route53resolver":            "Route 53 Resolver",
	"s3":                         "S3",
	"s3express":                  "S3 Express One Zone",
	"sagemaker":                  "SageMaker",
	"secretsmanager":             "Secrets Manager",
	"securityhub":                "Security Hub",
	"servicecatalog-appregistry": "Service Catalog AppRegistry",
	"servicequotas":              "Service Quotas",
	"ses":                        "SES",
	"signin":                     "Console sign-in",
	"sns":                        "SNS",
	"sqs":                        "SQS",
	"ssm":                        "Systems Manager",
	"ssmmessages":                "Systems Manager (sessions)",
	"sso":                        "IAM Identity Center",
	"sso-directory":              "Identity Center directory",
	"sso-oauth":                  "Identity Center OIDC",
	"states":                     "Step Functions",
	"sts":                        "STS",
	"support":                    "Support",
	"transfer":                   "Transfer Family",
	"wafv2":                      "WAF",
}

// catalogRow is one line of the catalog table: the source's first label, the event name, the tactic, the summary and
// the reason to care.
type catalogRow struct {
	src, name    string
	tactic       Tactic
	summary, why string
}

// catalogRows is the catalog, grouped by service. Names are eventName as CloudTrail writes it, minus any API
// version suffix. Written for this project; keep each line short and say only what is known to be true.
var catalogRows = []catalogRow{
	// CloudTrail: the audit log itself.
	{"cloudtrail", "StopLogging", DefenseEvasion, "Stops a trail from recording events.", "Blinds the audit log; intruders stop trails before acting, legitimate stops are rare."},
	{"cloudtrail", "StartLogging", Routine, "Starts or resumes recording for a trail.", "Usually set-up; right after a StopLogging it marks the end of a blind window."},
	{"cloudtrail", "DeleteTrail", DefenseEvasion, "Deletes a trail.", "Removes the audit log for every region and event the trail covered."},
	{"cloudtrail", "UpdateTrail", DefenseEvasion, "Changes a trail's destination bucket, regions, KMS key or log file validation.", "Can quietly send logs elsewhere, drop regions or turn off integrity validation."},
	{"cloudtrail", "PutEventSelectors", DefenseEvasion, "Sets which management and data events a trail records.", "Excluding management or read events stops logging without a StopLogging."},
	{"cloudtrail", "PutInsightSelectors", DefenseEvasion, "Turns CloudTrail Insights (unusual API volume and errors) on or off.", "Turning Insights off removes an anomaly alarm."},
	{"cloudtrail", "CreateTrail", Routine, "Creates a trail that delivers events to an S3 bucket.", "Usually set-up; check the bucket belongs to you and not to someone collecting your logs."},
	{"cloudtrail", "DeleteEventDataStore", DefenseEvasion, "Deletes a CloudTrail Lake event data store.", "Throws away stored, queryable event history."},
	{"cloudtrail", "LookupEvents", Discovery, "Searches the last 90 days of management events.", "An intruder reading the log learns what is watched and whether they were seen."},
	{"cloudtrail", "DescribeTrails", Discovery, "Lists trails and their settings.", "Often the look before logging is tampered with."},
	{"cloudtrail", "GetTrailStatus", Discovery, "Reports whether a trail is logging and when it last delivered.", "Checks whether a trail is live, before or after tampering."},
	{"cloudtrail", "GetEventSelectors", Discovery, "Shows which events a trail records.", "Reveals blind spots, such as data events nobody records."},
	{"cloudtrail", "ListTags", Routine, "Lists the tags of trails or event data stores.", "Console browsing of trails; little weight alone."},

	// Config.
	{"config", "StopConfigurationRecorder", DefenseEvasion, "Stops AWS Config from recording resource changes.", "Changes made afterwards leave no configuration history."},
	{"config", "DeleteConfigurationRecorder", DefenseEvasion, "Deletes the AWS Config recorder.", "Ends configuration history and the rules that rely on it."},
	{"config", "DeleteDeliveryChannel", DefenseEvasion, "Deletes where AWS Config delivers snapshots and history.", "Config can no longer deliver what it records."},
	{"config", "DeleteConfigRule", DefenseEvasion, "Deletes an AWS Config rule.", "Removes a compliance check that would flag a change."},
	{"config", "PutConfigurationRecorder", DefenseEvasion, "Creates or changes the Config recorder, including which resource types it records.", "Narrowing the recorded types hides later changes."},
	{"config", "DescribeConfigurationRecorders", Discovery, "Shows the AWS Config recorder and what it records.", "Checks whether configuration changes are recorded, often before tampering with it."},

	// GuardDuty.
	{"guardduty", "DeleteDetector", DefenseEvasion, "Deletes a GuardDuty detector, turning GuardDuty off in the region.", "Ends threat detection and deletes its findings."},
	{"guardduty", "UpdateDetector", DefenseEvasion, "Changes a detector: enabled or not, features, how often findings are exported.", "Can suspend detection or turn off protections without deleting anything."},
	{"guardduty", "CreateIPSet", DefenseEvasion, "Adds a trusted IP list; GuardDuty raises no findings for those addresses.", "Trusting the intruder's addresses silences detection."},
	{"guardduty", "UpdateIPSet", DefenseEvasion, "Changes a trusted IP list.", "Adding addresses to a trusted list silences detection."},
	{"guardduty", "CreateFilter", DefenseEvasion, "Creates a findings filter, which can archive matching findings automatically.", "A suppression rule hides findings as they arrive."},
	{"guardduty", "UpdateFilter", DefenseEvasion, "Changes a findings filter.", "Widening an auto-archive filter hides findings as they arrive."},
	{"guardduty", "ArchiveFindings", DefenseEvasion, "Archives findings, taking them off the active list.", "Findings about the intruder can be archived before anyone reads them."},
	{"guardduty", "DeletePublishingDestination", DefenseEvasion, "Stops exporting findings to an S3 bucket.", "Findings stop reaching the archive or SIEM that reads them."},
	{"guardduty", "DisassociateFromMasterAccount", DefenseEvasion, "Detaches this account from its GuardDuty administrator (older API name).", "The security team stops seeing this account's findings."},
	{"guardduty", "DisassociateFromAdministratorAccount", DefenseEvasion, "Detaches this account from its GuardDuty administrator.", "The security team stops seeing this account's findings."},
	{"guardduty", "DisassociateMembers", DefenseEvasion, "The administrator detaches member accounts.", "Those accounts drop out of central monitoring."},
	{"guardduty", "DeleteMembers", DefenseEvasion, "The administrator removes member accounts.", "Those accounts drop out of central monitoring."},
	{"guardduty", "StopMonitoringMembers", DefenseEvasion, "The administrator stops monitoring member accounts.", "Those accounts drop out of central monitoring."},
	{"guardduty", "DeleteInvitations", DefenseEvasion, "Deletes invitations to join a GuardDuty administrator.", "Keeps the account out of central monitoring."},
	{"guardduty", "ListDetectors", Discovery, "Lists GuardDuty detectors.", "Checks whether GuardDuty is on in this region."},
	{"guardduty", "GetDetector", Discovery, "Shows a detector's settings.", "Checks which protections are on."},
	{"guardduty", "ListFindings", Discovery, "Lists GuardDuty finding IDs.", "An intruder checking whether they have been detected."},
	{"guardduty", "GetFindings", Discovery, "Reads GuardDuty findings.", "An intruder checking whether they have been detected."},

	// Security Hub, Macie, Detective, Inspector, Access Analyzer.
	{"securityhub", "DisableSecurityHub", DefenseEvasion, "Turns Security Hub off in the region.", "Ends aggregated findings and security checks."},
	{"securityhub", "DisassociateFromAdministratorAccount", DefenseEvasion, "Detaches this account from its Security Hub administrator.", "The security team stops seeing this account's findings."},
	{"securityhub", "DeleteMembers", DefenseEvasion, "The administrator removes member accounts from Security Hub.", "Those accounts drop out of central monitoring."},
	{"securityhub", "BatchUpdateFindings", DefenseEvasion, "Changes findings' workflow status, severity or notes.", "Marking findings resolved or suppressed hides them from responders."},
	{"securityhub", "DisableImportFindingsForProduct", DefenseEvasion, "Stops importing findings from an integrated product.", "Findings from that product, e.g. GuardDuty, stop arriving."},
	{"securityhub", "DescribeHub", Discovery, "Shows whether Security Hub is on and its settings.", "Checks what is watching."},
	{"macie2", "DisableMacie", DefenseEvasion, "Turns Amazon Macie off and deletes its resources.", "Ends sensitive-data discovery in S3."},
	{"macie2", "UpdateMacieSession", DefenseEvasion, "Changes Macie's status (e.g. pauses it) or finding publishing.", "Pausing Macie stops sensitive-data discovery."},
	{"detective", "DeleteGraph", DefenseEvasion, "Turns Amazon Detective off by deleting its behaviour graph.", "Removes the investigation data built from logs."},
	{"detective", "DisassociateMembership", DefenseEvasion, "Removes this account from a Detective behaviour graph.", "The account drops out of central investigation."},
	{"inspector2", "Disable", DefenseEvasion, "Turns Amazon Inspector scanning off for accounts or resource types.", "Ends vulnerability scanning."},
	{"access-analyzer", "DeleteAnalyzer", DefenseEvasion, "Deletes an IAM Access Analyzer analyzer.", "Ends reporting of resources shared outside the account or organization."},
	{"access-analyzer", "CreateArchiveRule", DefenseEvasion, "Creates a rule that archives matching Access Analyzer findings automatically.", "Can hide new public or cross-account access as it appears."},

	// CloudWatch, CloudWatch Logs, EventBridge, DNS query logs, WAF.
	{"logs", "DeleteLogGroup", DefenseEvasion, "Deletes a CloudWatch Logs group and every event in it.", "Destroys logs, possibly evidence."},
	{"logs", "DeleteLogStream", DefenseEvasion, "Deletes a log stream and its events.", "Destroys logs, possibly evidence."},
	{"logs", "PutRetentionPolicy", DefenseEvasion, "Sets how long a log group keeps events.", "A short retention quietly expires evidence."},
	{"logs", "DeleteSubscriptionFilter", DefenseEvasion, "Stops streaming a log group to its destination.", "Logs stop reaching the SIEM or archive that reads them."},
	{"logs", "PutSubscriptionFilter", Exfiltration, "Streams a log group to Lambda, Kinesis, Firehose or another account.", "A destination in a foreign account copies your logs out."},
	{"logs", "CreateExportTask", Exfiltration, "Exports a log group's events to an S3 bucket.", "Bulk copy of logs, possibly to a bucket you do not own."},
	{"logs", "CreateLogGroup", Routine, "Creates a log group.", "Everyday set-up."},
	{"logs", "CreateLogStream", Routine, "Creates a log stream.", "Everyday set-up, often by services and agents."},
	{"logs", "DescribeLogGroups", Discovery, "Lists log groups.", "Shows what is logged, and where to look for secrets or to delete."},
	{"logs", "DescribeLogStreams", Discovery, "Lists the streams of a log group.", "A step towards reading or deleting logs."},
	{"logs", "DescribeSubscriptionFilters", Discovery, "Lists where a log group streams to.", "Shows which logs reach a SIEM."},
	{"logs", "ListTagsLogGroup", Routine, "Lists a log group's tags.", "Console browsing; little weight alone."},
	{"monitoring", "DeleteAlarms", DefenseEvasion, "Deletes CloudWatch alarms.", "Alarms that would have paged someone are gone."},
	{"monitoring", "DisableAlarmActions", DefenseEvasion, "Keeps alarms but stops them from acting or notifying.", "Alarms fire silently."},
	{"monitoring", "DescribeAlarms", Discovery, "Lists CloudWatch alarms.", "Shows which actions would raise an alert."},
	{"monitoring", "DescribeAlarmsForMetric", Discovery, "Lists the alarms on a metric.", "Shows which actions would raise an alert."},
	{"events", "DeleteRule", DefenseEvasion, "Deletes an EventBridge rule.", "Rules often route security findings and API events to alerting."},
	{"events", "DisableRule", DefenseEvasion, "Disables an EventBridge rule.", "Rules often route security findings and API events to alerting."},
	{"events", "RemoveTargets", DefenseEvasion, "Removes targets from an EventBridge rule.", "The rule still matches but nothing is told."},
	{"events", "PutRule", Persistence, "Creates or changes an EventBridge rule, on an event pattern or a schedule.", "A scheduled or event-driven rule can rerun an intruder's code."},
	{"events", "PutTargets", Persistence, "Sets what an EventBridge rule invokes.", "Pointing a rule at attacker code, or at another account, keeps access or copies events."},
	{"events", "ListRules", Discovery, "Lists EventBridge rules.", "Shows which events trigger alerting or automation."},
	{"events", "ListTargetsByRule", Discovery, "Lists a rule's targets.", "Shows where alerts go."},
	{"route53resolver", "DeleteResolverQueryLogConfig", DefenseEvasion, "Deletes a Route 53 Resolver DNS query logging configuration.", "DNS lookups from the VPCs are no longer logged."},
	{"route53resolver", "DisassociateResolverQueryLogConfig", DefenseEvasion, "Stops DNS query logging for a VPC.", "DNS lookups from that VPC are no longer logged."},
	{"wafv2", "DeleteWebACL", DefenseEvasion, "Deletes a WAF web ACL.", "Removes filtering in front of an application."},
	{"wafv2", "DeleteRuleGroup", DefenseEvasion, "Deletes a WAF rule group.", "Removes filtering rules."},
	{"wafv2", "UpdateWebACL", DefenseEvasion, "Changes a WAF web ACL's rules.", "Rules can be weakened or removed."},
	{"wafv2", "UpdateIPSet", DefenseEvasion, "Changes the addresses in a WAF IP set, often an allow or block list.", "Allowing the intruder's addresses, or unblocking them, opens the door."},

	// IAM: users and credentials.
	{"iam", "CreateUser", Persistence, "Creates an IAM user.", "A new user with keys or a password is a classic backdoor."},
	{"iam", "DeleteUser", Impact, "Deletes an IAM user.", "Can lock out a person or service; intruders also delete their own backdoors."},
	{"iam", "CreateLoginProfile", Persistence, "Gives an IAM user a console password.", "Console access for a user who had none, possibly someone else's user."},
	{"iam", "UpdateLoginProfile", PrivilegeEscalation, "Changes an IAM user's console password.", "Setting another user's password takes over their console access."},
	{"iam", "DeleteLoginProfile", Impact, "Removes an IAM user's console password.", "Locks the user out of the console; also seen when backdoors are cleaned up."},
	{"iam", "GetLoginProfile", Discovery, "Checks whether a user has a console password.", "A look before creating or changing one."},
	{"iam", "ChangePassword", Persistence, "An IAM user changes their own console password.", "After a password is stolen, changing it keeps the intruder in and the owner out."},
	{"iam", "CreateAccessKey", Persistence, "Creates a long-term access key for an IAM user.", "A key made for another user, or an unexpected second key, is a backdoor."},
	{"iam", "UpdateAccessKey", Persistence, "Makes an access key active or inactive.", "Reactivating a disabled key brings a dormant credential back."},
	{"iam", "DeleteAccessKey", Impact, "Deletes an access key.", "Rotation does this routinely; unexpected deletions break workloads or remove evidence."},
	{"iam", "ListAccessKeys", Discovery, "Lists a user's access keys.", "Checks for a free key slot before CreateAccessKey."},
	{"iam", "UploadSSHPublicKey", Persistence, "Adds an SSH public key to an IAM user, for CodeCommit.", "Gives lasting git access to repositories."},
	{"iam", "ListSSHPublicKeys", Discovery, "Lists a user's SSH public keys (CodeCommit).", "Part of enumerating a user's credentials."},
	{"iam", "CreateServiceSpecificCredential", Persistence, "Creates a user name and password for one service (CodeCommit, Keyspaces, Bedrock).", "Another credential that survives key rotation."},
	{"iam", "ListServiceSpecificCredentials", Discovery, "Lists a user's service-specific credentials.", "Part of enumerating a user's credentials."},
	{"iam", "ListSigningCertificates", Discovery, "Lists a user's X.509 signing certificates.", "Part of enumerating a user's credentials."},

	// IAM: MFA and the password policy.
	{"iam", "CreateVirtualMFADevice", Persistence, "Creates a virtual MFA device.", "The first step of putting an attacker's MFA on an account."},
	{"iam", "EnableMFADevice", Persistence, "Attaches an MFA device to a user or root.", "An intruder's device on someone's account keeps them in and can lock the owner out."},
	{"iam", "DeactivateMFADevice", DefenseEvasion, "Removes an MFA device from a user or root.", "Lowers the bar to sign in with a stolen password."},
	{"iam", "DeleteVirtualMFADevice", DefenseEvasion, "Deletes a virtual MFA device.", "Usually follows DeactivateMFADevice."},
	{"iam", "ListMFADevices", Discovery, "Lists a user's MFA devices.", "Shows which users can sign in without MFA."},
	{"iam", "ListVirtualMFADevices", Discovery, "Lists virtual MFA devices in the account.", "Shows which users have MFA."},
	{"iam", "UpdateAccountPasswordPolicy", DefenseEvasion, "Changes the account's password rules.", "Weaker length, reuse or expiry rules make guessed or stolen passwords last."},
	{"iam", "DeleteAccountPasswordPolicy", DefenseEvasion, "Removes the account's password rules.", "Any password is accepted afterwards."},
	{"iam", "GetAccountPasswordPolicy", Discovery, "Reads the account's password rules.", "Tells an attacker what passwords will be accepted."},

	// IAM: policies and permissions.
	{"iam", "AttachUserPolicy", PrivilegeEscalation, "Attaches a managed policy to a user.", "AdministratorAccess on a user is the quickest escalation."},
	{"iam", "AttachRolePolicy", PrivilegeEscalation, "Attaches a managed policy to a role.", "Raises the power of everyone who can assume the role."},
	{"iam", "AttachGroupPolicy", PrivilegeEscalation, "Attaches a managed policy to a group.", "Raises the power of every member of the group."},
	{"iam", "PutUserPolicy", PrivilegeEscalation, "Adds or replaces an inline policy on a user.", "Inline policies are easy to miss and can grant anything."},
	{"iam", "PutRolePolicy", PrivilegeEscalation, "Adds or replaces an inline policy on a role.", "Inline policies are easy to miss and can grant anything."},
	{"iam", "PutGroupPolicy", PrivilegeEscalation, "Adds or replaces an inline policy on a group.", "Inline policies are easy to miss and can grant anything."},
	{"iam", "DetachUserPolicy", DefenseEvasion, "Detaches a managed policy from a user.", "Removing a deny or quarantine policy restores access; removing others breaks things."},
	{"iam", "DetachRolePolicy", DefenseEvasion, "Detaches a managed policy from a role.", "Removing a deny policy restores access; also common in cleanup."},
	{"iam", "DetachGroupPolicy", DefenseEvasion, "Detaches a managed policy from a group.", "Removing a deny policy restores access; also common in cleanup."},
	{"iam", "DeleteUserPolicy", DefenseEvasion, "Deletes an inline policy from a user.", "Removing a deny restores access; intruders also remove what they added."},
	{"iam", "DeleteRolePolicy", DefenseEvasion, "Deletes an inline policy from a role.", "Removing a deny restores access; intruders also remove what they added."},
	{"iam", "DeleteGroupPolicy", DefenseEvasion, "Deletes an inline policy from a group.", "Removing a deny restores access; intruders also remove what they added."},
	{"iam", "CreatePolicy", PrivilegeEscalation, "Creates a customer managed policy.", "Grants nothing until attached; check what it allows and where it goes next."},
	{"iam", "CreatePolicyVersion", PrivilegeEscalation, "Adds a new version of a managed policy, optionally as the default.", "Rewriting a policy already attached to you is a known escalation."},
	{"iam", "SetDefaultPolicyVersion", PrivilegeEscalation, "Makes another stored version of a managed policy the active one.", "Switching to a broader old version is a known escalation."},
	{"iam", "DeletePolicy", Routine, "Deletes a customer managed policy.", "Usually cleanup."},
	{"iam", "PutUserPermissionsBoundary", PrivilegeEscalation, "Sets the permissions boundary of a user.", "Replacing a strict boundary with a broad one lifts the cap on what the user can do."},
	{"iam", "PutRolePermissionsBoundary", PrivilegeEscalation, "Sets the permissions boundary of a role.", "Replacing a strict boundary with a broad one lifts the cap on what the role can do."},
	{"iam", "DeleteUserPermissionsBoundary", PrivilegeEscalation, "Removes the permissions boundary from a user.", "Lifts the cap on what the user's policies can grant."},
	{"iam", "DeleteRolePermissionsBoundary", PrivilegeEscalation, "Removes the permissions boundary from a role.", "Lifts the cap on what the role's policies can grant."},
	{"iam", "GetPolicy", Discovery, "Reads a managed policy's metadata.", "Part of mapping permissions."},
	{"iam", "GetPolicyVersion", Discovery, "Reads a version of a managed policy document.", "Part of mapping permissions."},
	{"iam", "ListPolicies", Discovery, "Lists managed policies.", "Part of mapping permissions."},
	{"iam", "ListPolicyVersions", Discovery, "Lists the stored versions of a managed policy.", "Looks for a broader old version to switch to."},
	{"iam", "ListEntitiesForPolicy", Discovery, "Lists the users, groups and roles a policy is attached to.", "Part of mapping who can do what."},
	{"iam", "SimulatePrincipalPolicy", Discovery, "Evaluates which actions a principal's policies allow.", "Probes permissions without tripping AccessDenied on real calls."},

	// IAM: roles, groups, instance profiles, identity providers.
	{"iam", "CreateRole", Persistence, "Creates a role with a trust policy saying who may assume it.", "A role trusting an outside account is a durable backdoor."},
	{"iam", "DeleteRole", Impact, "Deletes a role.", "Breaks whatever used it; also seen when backdoors are cleaned up."},
	{"iam", "UpdateAssumeRolePolicy", Persistence, "Replaces a role's trust policy, which says who may assume it.", "Adding an outside account or principal is a classic backdoor."},
	{"iam", "UpdateRole", Persistence, "Changes a role's description or maximum session duration.", "Longer sessions keep stolen role credentials valid longer."},
	{"iam", "CreateServiceLinkedRole", Routine, "Creates a role that an AWS service uses on your behalf.", "Usually automatic the first time a service is used; shows which services were switched on."},
	{"iam", "GetRole", Discovery, "Reads a role and its trust policy.", "Checks who may assume the role."},
	{"iam", "GetRolePolicy", Discovery, "Reads an inline policy of a role.", "Part of mapping permissions."},
	{"iam", "ListRoles", Discovery, "Lists roles and their trust policies.", "Finds roles to assume or backdoor."},
	{"iam", "ListRolePolicies", Discovery, "Lists the inline policies of a role.", "Part of mapping permissions."},
	{"iam", "ListAttachedRolePolicies", Discovery, "Lists the managed policies attached to a role.", "Part of mapping permissions."},
	{"iam", "GetUser", Discovery, "Reads an IAM user, by default the caller.", "With stolen keys, answers 'who am I'."},
	{"iam", "ListUsers", Discovery, "Lists IAM users.", "Part of account enumeration."},
	{"iam", "ListUserPolicies", Discovery, "Lists the inline policies of a user.", "Part of mapping permissions."},
	{"iam", "ListAttachedUserPolicies", Discovery, "Lists the managed policies attached to a user.", "Part of mapping permissions."},
	{"iam", "ListGroupsForUser", Discovery, "Lists the groups a user belongs to.", "Part of mapping permissions."},
	{"iam", "ListGroups", Discovery, "Lists IAM groups.", "Part of account enumeration."},
	{"iam", "CreateGroup", Routine, "Creates an IAM group.", "Grants nothing until it has policies and members."},
	{"iam", "AddUserToGroup", PrivilegeEscalation, "Adds a user to a group.", "The user gains everything the group may do."},
	{"iam", "GetAccountAuthorizationDetails", Discovery, "Returns every user, group, role and policy with their documents in one call.", "A complete map of who can do what; favoured by enumeration tools."},
	{"iam", "GetAccountSummary", Discovery, "Returns counts of IAM entities and quotas, and whether root has MFA.", "A quick survey of the account."},
	{"iam", "ListAccountAliases", Discovery, "Returns the account's alias.", "Tells an intruder whose account they are in."},
	{"iam", "GenerateCredentialReport", Discovery, "Starts building the credential report of every user.", "Shows password, key and MFA state for all users."},
	{"iam", "GetCredentialReport", Discovery, "Downloads the credential report.", "Shows password, key and MFA state for all users."},
	{"iam", "CreateInstanceProfile", Routine, "Creates an instance profile, the container that gives EC2 a role.", "Everyday set-up; what matters is the role added to it."},
	{"iam", "AddRoleToInstanceProfile", PrivilegeEscalation, "Puts a role in an instance profile.", "Instances started with that profile get the role's credentials."},
	{"iam", "RemoveRoleFromInstanceProfile", Routine, "Takes a role out of an instance profile.", "Usually cleanup."},
	{"iam", "DeleteInstanceProfile", Routine, "Deletes an instance profile.", "Usually cleanup."},
	{"iam", "GetInstanceProfile", Discovery, "Reads an instance profile and its role.", "Part of mapping which instances hold which roles."},
	{"iam", "ListInstanceProfiles", Discovery, "Lists instance profiles.", "Part of mapping which instances hold which roles."},
	{"iam", "ListInstanceProfilesForRole", Discovery, "Lists the instance profiles that contain a role.", "Part of mapping which instances hold which roles."},
	{"iam", "TagInstanceProfile", Routine, "Tags an instance profile.", "Little weight alone."},
	{"iam", "CreateSAMLProvider", Persistence, "Registers a SAML identity provider.", "An attacker's IdP can sign in to any role that trusts it."},
	{"iam", "UpdateSAMLProvider", Persistence, "Replaces a SAML provider's metadata, including its signing certificate.", "An attacker's certificate lets them forge sign-ins (golden SAML)."},
	{"iam", "DeleteSAMLProvider", Impact, "Deletes a SAML identity provider.", "Federated sign-in through it stops."},
	{"iam", "CreateOpenIDConnectProvider", Persistence, "Registers an OpenID Connect identity provider.", "Tokens from that issuer can assume roles that trust it."},
	{"iam", "UpdateOpenIDConnectProviderThumbprint", Persistence, "Replaces the certificate thumbprints trusted for an OIDC provider.", "Rarely changed; part of trusting another server for that issuer."},
	{"iam", "AddClientIDToOpenIDConnectProvider", Persistence, "Adds an audience (client ID) to an OIDC provider.", "Tokens for another client are accepted afterwards."},
	{"iam", "ListSAMLProviders", Discovery, "Lists SAML identity providers.", "Shows the federation in place."},
	{"iam", "ListOpenIDConnectProviders", Discovery, "Lists OIDC identity providers.", "Shows the federation in place."},

	// IAM Roles Anywhere.
	{"rolesanywhere", "CreateTrustAnchor", Persistence, "Registers a certificate authority whose certificates can get role credentials from outside AWS.", "An intruder's own CA becomes a lasting way in."},
	{"rolesanywhere", "UpdateTrustAnchor", Persistence, "Changes a trust anchor's certificate authority.", "Swapping in an intruder's CA becomes a lasting way in."},
	{"rolesanywhere", "CreateProfile", Persistence, "Says which roles Roles Anywhere certificates may assume.", "Together with a trust anchor, gives outside machines role credentials."},
	{"rolesanywhere", "CreateSession", InitialAccess, "Exchanges an X.509 certificate for temporary role credentials.", "Credentials used from outside AWS; check the certificate and source."},
	{"rolesanywhere", "DeleteTrustAnchor", Routine, "Deletes a trust anchor.", "Usually cleanup."},
	{"rolesanywhere", "DeleteProfile", Routine, "Deletes a Roles Anywhere profile.", "Usually cleanup."},
	{"rolesanywhere", "ListTrustAnchors", Discovery, "Lists trust anchors.", "Looks for certificate-based access."},
	{"rolesanywhere", "ListProfiles", Discovery, "Lists Roles Anywhere profiles.", "Looks for certificate-based access."},

	// STS.
	{"sts", "AssumeRole", LateralMovement, "Returns temporary credentials for a role.", "Links a caller to a new session; follow the new key to see what the role did."},
	{"sts", "AssumeRoleWithSAML", InitialAccess, "Exchanges a SAML assertion from an identity provider for role credentials.", "Federated sign-in; the subject names the person behind the session."},
	{"sts", "AssumeRoleWithWebIdentity", InitialAccess, "Exchanges an OIDC token (GitHub Actions, EKS, Cognito) for role credentials.", "A loose trust policy lets any repository or workload in."},
	{"sts", "AssumeRoot", PrivilegeEscalation, "Returns short-lived root credentials for a member account (centralised root access).", "Root in a member account can do anything there."},
	{"sts", "GetSessionToken", Persistence, "Returns temporary credentials for an IAM user or root, often to satisfy MFA.", "Ties a new ASIA key to a long-term key; follow it to see what it did."},
	{"sts", "GetFederationToken", Persistence, "Returns temporary credentials for a named federated user, made from an IAM user's key.", "The credentials keep working after the IAM user's access key is disabled."},
	{"sts", "GetCallerIdentity", Discovery, "Returns the account, ARN and ID behind the credentials used.", "Usually the first call made with stolen keys: whose keys are these?"},
	{"sts", "GetAccessKeyInfo", Discovery, "Returns the account that owns an access key.", "Used on keys found elsewhere, to learn whose they are."},
	{"sts", "DecodeAuthorizationMessage", Discovery, "Decodes the detail of an AccessDenied message.", "Reveals which policy blocked a call, guiding the next attempt."},

	// Console sign-in.
	{"signin", "ConsoleLogin", InitialAccess, "A sign-in to the AWS Management Console; success or failure is in responseElements.", "Check the source IP, whether MFA was used, and whether it was root."},
	{"signin", "CheckMfa", InitialAccess, "The console sign-in checked whether the user needs MFA.", "Part of a sign-in; look at the ConsoleLogin next to it."},
	{"signin", "PasswordRecoveryRequested", InitialAccess, "Someone asked for a root password reset email.", "The way an intruder with the root email takes over the account."},
	{"signin", "PasswordRecoveryCompleted", InitialAccess, "A root password reset was completed.", "The root password is now known to whoever reset it."},
	{"signin", "PasswordUpdated", Persistence, "The root user changed their password.", "After a takeover, changing it keeps the intruder in and the owner out."},
	{"signin", "SwitchRole", LateralMovement, "A console user switched to a role.", "Moves a console session into a role, possibly in another account."},
	{"signin", "GetSigninToken", LateralMovement, "Exchanges temporary credentials for a console sign-in URL.", "Turns stolen CLI credentials into a browser session."},
	{"signin", "UserAuthentication", InitialAccess, "An IAM Identity Center user authenticated to the access portal.", "Check the credential type and the source IP."},

	// IAM Identity Center.
	{"sso", "GetRoleCredentials", LateralMovement, "The access portal hands an Identity Center user credentials for an account role.", "Each one starts a session in an account; follow it there."},
	{"sso", "Federate", LateralMovement, "An Identity Center user opened an account's console from the access portal.", "Each one starts a console session in an account."},
	{"sso", "ListAccounts", Discovery, "Lists the accounts an Identity Center user can reach.", "Shows where the user's access leads."},
	{"sso", "ListAccountRoles", Discovery, "Lists the roles an Identity Center user has in an account.", "Shows where the user's access leads."},
	{"sso", "CreateAccountAssignment", PrivilegeEscalation, "Gives a user or group a permission set in an account.", "Grants access to an account, possibly as administrator."},
	{"sso", "CreatePermissionSet", Persistence, "Creates an Identity Center permission set.", "Grants nothing until assigned; check what it allows."},
	{"sso", "PutInlinePolicyToPermissionSet", PrivilegeEscalation, "Sets the inline policy of a permission set.", "Raises the power of everyone assigned the set."},
	{"sso", "AttachManagedPolicyToPermissionSet", PrivilegeEscalation, "Attaches a managed policy to a permission set.", "Raises the power of everyone assigned the set."},
	{"sso", "UpdateSsoConfiguration", Persistence, "Changes Identity Center settings such as session duration.", "Longer sessions keep a stolen portal session alive longer."},
	{"sso-directory", "CreateUser", Persistence, "Creates a user in the Identity Center directory.", "A new identity that can be given access to every account."},
	{"sso-directory", "CreateGroup", Routine, "Creates a group in the Identity Center directory.", "Grants nothing until it has assignments."},
	{"sso-directory", "AddMemberToGroup", PrivilegeEscalation, "Adds a user to an Identity Center group.", "The user gains the group's account assignments."},
	{"sso-oauth", "RegisterClient", InitialAccess, "Registers an OIDC client with Identity Center, as the CLI does before a device sign-in.", "The first step of the device-code flow, also used in phishing."},
	{"sso-oauth", "StartDeviceAuthorization", InitialAccess, "Starts a device-code sign-in to Identity Center.", "Device-code phishing begins here."},
	{"sso-oauth", "CreateToken", InitialAccess, "Issues an Identity Center access token to a registered client.", "The end of a device sign-in: whoever holds the token has the user's access."},

	// Organizations and the account.
	{"organizations", "LeaveOrganization", DefenseEvasion, "This account leaves its organization.", "Escapes SCPs, organization trails and central security tooling."},
	{"organizations", "RemoveAccountFromOrganization", DefenseEvasion, "The management account removes a member account.", "The account leaves SCPs and central security tooling."},
	{"organizations", "DetachPolicy", DefenseEvasion, "Detaches an organization policy, such as an SCP.", "Removes guardrails from accounts or OUs."},
	{"organizations", "UpdatePolicy", DefenseEvasion, "Changes an organization policy, such as an SCP.", "Loosening an SCP removes guardrails."},
	{"organizations", "DisableAWSServiceAccess", DefenseEvasion, "Turns off a service's organization-wide integration.", "Can stop org-wide GuardDuty, CloudTrail or Config."},
	{"organizations", "CreateAccount", Persistence, "Creates a new member account.", "A fresh account, perhaps outside your monitoring, for the intruder's use."},
	{"organizations", "DescribeOrganization", Discovery, "Describes the organization this account belongs to.", "Learns the management account and the wider estate."},
	{"organizations", "ListAccounts", Discovery, "Lists the organization's accounts.", "Maps targets for lateral movement."},
	{"organizations", "ListOrganizationalUnitsForParent", Discovery, "Lists organizational units.", "Maps the organization."},
	{"organizations", "ListDelegatedAdministrators", Discovery, "Lists accounts that administer services for the organization.", "Finds the security tooling accounts."},
	{"account", "EnableRegion", DefenseEvasion, "Opts the account into an opt-in region.", "Intruders work in regions nobody watches."},
	{"account", "PutAlternateContact", DefenseEvasion, "Sets the billing, operations or security contact.", "Redirects AWS's security and billing notices."},
	{"account", "GetRegionOptStatus", Discovery, "Reports whether an opt-in region is enabled.", "Looks for regions to use."},
	{"budgets", "DeleteBudget", DefenseEvasion, "Deletes a budget and its alerts.", "The alarm that would catch runaway spend is gone."},
	{"ce", "GetCostAndUsage", Discovery, "Reads cost and usage.", "Intruders check spending before running up costs."},
	{"ce", "GetCostForecast", Discovery, "Reads the cost forecast.", "Intruders check spending before running up costs."},
	{"servicequotas", "RequestServiceQuotaIncrease", Impact, "Asks for a higher service quota.", "More vCPUs or GPUs often precede crypto mining."},
	{"servicequotas", "GetServiceQuota", Discovery, "Reads one service quota.", "Checks how many instances could be run."},
	{"servicequotas", "ListServiceQuotas", Discovery, "Lists a service's quotas.", "Checks how many instances could be run."},
	{"support", "CreateCase", Impact, "Opens an AWS Support case.", "Intruders ask support for higher limits or SES production access."},

	// EC2: network.
	{"ec2", "AuthorizeSecurityGroupIngress", Exposure, "Adds inbound rules to a security group.", "Opening ports such as 22 or 3389 to 0.0.0.0/0 exposes hosts to the internet."},
	{"ec2", "AuthorizeSecurityGroupEgress", Exfiltration, "Adds outbound rules to a security group.", "Broad egress eases exfiltration and command and control."},
	{"ec2", "ModifySecurityGroupRules", Exposure, "Changes existing security group rules.", "A narrow rule can become open to the world."},
	{"ec2", "RevokeSecurityGroupIngress", Routine, "Removes inbound rules from a security group.", "Usually tightening; can also cut off legitimate access."},
	{"ec2", "RevokeSecurityGroupEgress", Routine, "Removes outbound rules from a security group.", "Usually tightening."},
	{"ec2", "CreateSecurityGroup", Routine, "Creates a security group.", "Grants nothing until rules are added."},
	{"ec2", "CreateTags", Routine, "Adds or overwrites tags on EC2 resources.", "Little weight alone; where IAM conditions on tags grant access, retagging can grant it too."},
	{"ec2", "DeleteSecurityGroup", Routine, "Deletes a security group.", "Usually cleanup."},
	{"ec2", "CreateNetworkAclEntry", Exposure, "Adds a rule to a network ACL.", "An allow rule for the world opens a subnet."},
	{"ec2", "ReplaceNetworkAclEntry", Exposure, "Replaces a network ACL rule.", "Can turn a deny into an allow."},
	{"ec2", "DeleteNetworkAclEntry", Exposure, "Deletes a network ACL rule.", "Deleting a deny rule opens the subnet."},
	{"ec2", "DeleteNetworkAcl", Exposure, "Deletes a network ACL.", "Removes a layer of subnet filtering."},
	{"ec2", "ReplaceNetworkAclAssociation", Exposure, "Puts a subnet under a different network ACL.", "Can move a subnet to an allow-all ACL."},
	{"ec2", "CreateRoute", Exposure, "Adds a route to a route table.", "A route to an internet gateway, peering or appliance opens a path in or out."},
	{"ec2", "ReplaceRoute", Exposure, "Changes where a route sends traffic.", "Can redirect traffic through a host the intruder controls."},
	{"ec2", "DeleteRoute", Routine, "Deletes a route.", "Usually cleanup; can also cut connectivity."},
	{"ec2", "AssociateRouteTable", Routine, "Attaches a route table to a subnet or gateway.", "What matters is the routes in that table."},
	{"ec2", "CreateVpcPeeringConnection", Exfiltration, "Requests a peering between two VPCs, possibly in another account.", "A peering to a foreign account is a private path in and out."},
	{"ec2", "AcceptVpcPeeringConnection", Exfiltration, "Accepts a VPC peering request.", "A peering to a foreign account is a private path in and out."},
	{"ec2", "AttachInternetGateway", Exposure, "Connects an internet gateway to a VPC.", "Gives a private VPC a way to and from the internet."},
	{"ec2", "CreateInternetGateway", Routine, "Creates an internet gateway.", "Does nothing until attached to a VPC."},
	{"ec2", "DetachInternetGateway", Routine, "Disconnects an internet gateway from a VPC.", "Usually cleanup; can also cut internet access."},
	{"ec2", "DeleteInternetGateway", Routine, "Deletes an internet gateway.", "Usually cleanup."},
	{"ec2", "CreateFlowLogs", Routine, "Starts VPC flow logs for a VPC, subnet or interface.", "Set-up; check the destination."},
	{"ec2", "DeleteFlowLogs", DefenseEvasion, "Deletes VPC flow logs.", "Network traffic is no longer recorded."},
	{"ec2", "CreateTrafficMirrorSession", Collection, "Copies an interface's network traffic to a mirror target.", "Full packet capture of another host's traffic."},
	{"ec2", "CreateTrafficMirrorTarget", Collection, "Creates a destination for mirrored traffic.", "Where captured packets will go."},
	{"ec2", "CreateTrafficMirrorFilter", Collection, "Creates a filter for traffic mirroring.", "Prepares packet capture."},

	// EC2: compute and access to instances.
	{"ec2", "RunInstances", Execution, "Launches EC2 instances.", "Crypto mining and footholds start here; check instance type, count, region and role."},
	{"ec2", "StartInstances", Execution, "Starts stopped instances.", "Changed user data can run at start; follows ModifyInstanceAttribute in the user-data technique."},
	{"ec2", "StopInstances", Impact, "Stops running instances.", "Disrupts service; also needed before changing user data."},
	{"ec2", "TerminateInstances", Impact, "Terminates instances; their instance-store data is lost.", "Destruction of workloads, or cleanup of an intruder's instances."},
	{"ec2", "ModifyInstanceAttribute", Execution, "Changes an instance attribute: user data, type, security groups, termination protection.", "Changed user data can run code as root when the instance next starts."},
	{"ec2", "ModifyInstanceMetadataOptions", Exposure, "Changes an instance's metadata service (IMDS) settings.", "Allowing IMDSv1 again makes SSRF credential theft possible."},
	{"ec2", "ReplaceIamInstanceProfileAssociation", PrivilegeEscalation, "Swaps the role attached to a running instance.", "Gives an instance, and whoever controls it, another role's credentials."},
	{"ec2", "AssociateIamInstanceProfile", PrivilegeEscalation, "Attaches a role (instance profile) to a running instance.", "Gives an instance, and whoever controls it, the role's credentials."},
	{"ec2", "GetPasswordData", CredentialAccess, "Returns the encrypted Windows administrator password of an instance.", "With the key pair, it is the instance's admin password."},
	{"ec2", "GetConsoleOutput", Collection, "Returns an instance's console output.", "Boot logs can leak secrets and show what runs."},
	{"ec2", "GetConsoleScreenshot", Collection, "Returns a screenshot of an instance's console.", "Shows what is on the instance's screen."},
	{"ec2", "GetLaunchTemplateData", Discovery, "Returns a running instance's configuration as launch template data.", "It includes the user data, which often holds secrets."},
	{"ec2", "EnableSerialConsoleAccess", LateralMovement, "Allows EC2 serial console access for the account in the region.", "Needed to reach instances over the serial console, around network controls."},
	{"ec2", "CreateKeyPair", Persistence, "Creates an SSH key pair and returns its private key.", "Instances launched with it can be reached by whoever holds the key."},
	{"ec2", "ImportKeyPair", Persistence, "Imports an SSH public key as a key pair.", "Instances launched with it can be reached by whoever holds the private key."},
	{"ec2", "CreateLaunchTemplate", Execution, "Saves instance launch settings: AMI, type, role, user data.", "Check the user data and the role; templates feed Auto Scaling."},
	{"ec2", "CreateInstanceExportTask", Exfiltration, "Exports an instance as a VM image to an S3 bucket.", "A whole machine, disk included, leaves EC2."},
	{"ec2-instance-connect", "SendSSHPublicKey", LateralMovement, "Pushes an SSH public key, valid for 60 seconds, to a user on an instance.", "Shell access to an instance without its key pair."},
	{"ec2-instance-connect", "SendSerialConsoleSSHPublicKey", LateralMovement, "Pushes an SSH public key for the instance's serial console.", "Console access to an instance, around network controls."},
	{"autoscaling", "CreateAutoScalingGroup", Persistence, "Creates a group that keeps a number of instances running.", "Replaces terminated instances by itself, which also keeps a miner alive."},
	{"autoscaling", "DescribeAutoScalingGroups", Discovery, "Lists Auto Scaling groups.", "Part of compute enumeration."},
	{"lightsail", "CreateInstances", Execution, "Launches Lightsail instances.", "A less watched way to run machines, e.g. for mining."},
	{"lightsail", "GetInstances", Discovery, "Lists Lightsail instances.", "Part of compute enumeration."},

	// EC2: images, snapshots and volumes.
	{"ec2", "ModifyImageAttribute", Exposure, "Changes an AMI's attributes, notably who may launch it.", "Adding an account, or 'all', shares the image and its disk contents."},
	{"ec2", "CreateImage", Collection, "Creates an AMI from an instance.", "A copy of the disks, ready to be shared or copied out."},
	{"ec2", "RegisterImage", Routine, "Registers an AMI.", "Usually part of building images."},
	{"ec2", "DeregisterImage", Impact, "Deregisters an AMI.", "Removes an image; also cleanup after sharing one."},
	{"ec2", "ModifySnapshotAttribute", Exposure, "Changes who may create volumes from an EBS snapshot.", "Adding an account, or 'all', shares the disk contents."},
	{"ec2", "CreateSnapshot", Collection, "Takes a snapshot of an EBS volume.", "A copy of the disk, ready to be shared or mounted elsewhere."},
	{"ec2", "CopySnapshot", Collection, "Copies a snapshot, possibly to another region or with another key.", "Moves a disk copy to a region or key you do not watch."},
	{"ec2", "DeleteSnapshot", Impact, "Deletes an EBS snapshot.", "Backups are gone; also cleanup after sharing one."},
	{"ec2", "SharedSnapshotVolumeCreated", Exfiltration, "Another account created a volume from a snapshot you shared (AWS service event).", "Someone else is reading that disk."},
	{"ec2", "SharedSnapshotCopyInitiated", Exfiltration, "Another account started copying a snapshot you shared (AWS service event).", "Someone else is taking a copy of that disk."},
	{"ec2", "CreateVolume", Routine, "Creates an EBS volume, empty or from a snapshot.", "From someone else's snapshot, it is the way to read their disk."},
	{"ec2", "AttachVolume", Collection, "Attaches an EBS volume to an instance.", "A volume made from a snapshot lets the instance read another disk's files."},
	{"ec2", "DeleteVolume", Impact, "Deletes an EBS volume.", "The data on it is gone."},
	{"ec2", "DisableEbsEncryptionByDefault", DefenseEvasion, "Turns off default encryption of new EBS volumes in the region.", "New volumes and snapshots are unencrypted and easier to share."},
	{"ec2", "GetEbsEncryptionByDefault", Discovery, "Reports whether new EBS volumes are encrypted by default.", "Checks whether snapshots would be easy to share."},
	{"ec2", "GetEbsDefaultKmsKeyId", Discovery, "Returns the default KMS key for EBS encryption.", "Checks whether snapshots would be easy to share."},

	// EC2: discovery.
	{"ec2", "DescribeInstances", Discovery, "Lists instances and their details.", "The first look at compute; bursts across regions suggest enumeration."},
	{"ec2", "DescribeInstanceStatus", Discovery, "Reports the state and status checks of instances.", "Routine monitoring; part of compute enumeration when it sweeps every region."},
	{"ec2", "DescribeInstanceAttribute", Discovery, "Reads one attribute of an instance.", "With userData it returns the boot script, which often holds secrets."},
	{"ec2", "DescribeImages", Discovery, "Lists AMIs.", "Part of compute enumeration."},
	{"ec2", "DescribeSnapshots", Discovery, "Lists EBS snapshots.", "Finds disks to share or copy."},
	{"ec2", "DescribeSnapshotAttribute", Discovery, "Reads who may use a snapshot.", "Checks whether a snapshot is shared."},
	{"ec2", "DescribeVolumes", Discovery, "Lists EBS volumes.", "Finds disks to snapshot."},
	{"ec2", "DescribeKeyPairs", Discovery, "Lists SSH key pairs.", "Part of compute enumeration."},
	{"ec2", "DescribeSecurityGroups", Discovery, "Lists security groups and their rules.", "Maps what is reachable from where."},
	{"ec2", "DescribeNetworkAcls", Discovery, "Lists network ACLs.", "Maps what is reachable from where."},
	{"ec2", "DescribeRouteTables", Discovery, "Lists route tables.", "Maps network paths."},
	{"ec2", "DescribeInternetGateways", Discovery, "Lists internet gateways.", "Maps which VPCs reach the internet."},
	{"ec2", "DescribeVpcs", Discovery, "Lists VPCs.", "Maps the network."},
	{"ec2", "DescribeSubnets", Discovery, "Lists subnets.", "Maps the network."},
	{"ec2", "DescribeVpcPeeringConnections", Discovery, "Lists VPC peerings.", "Maps paths into other VPCs and accounts."},
	{"ec2", "DescribeVpcEndpoints", Discovery, "Lists VPC endpoints.", "Maps private paths to services."},
	{"ec2", "DescribeNetworkInterfaces", Discovery, "Lists network interfaces.", "Maps hosts and their addresses."},
	{"ec2", "DescribeAddresses", Discovery, "Lists Elastic IP addresses.", "Maps public addresses."},
	{"ec2", "DescribeFlowLogs", Discovery, "Lists VPC flow logs.", "Checks whether traffic is recorded."},
	{"ec2", "DescribeLaunchTemplates", Discovery, "Lists launch templates.", "Part of compute enumeration."},
	{"ec2", "DescribeRegions", Discovery, "Lists regions enabled for the account.", "Often the first step of looping over every region."},
	{"ec2", "DescribeAccountAttributes", Discovery, "Returns account settings such as instance limits and default VPC.", "Checks how much could be launched."},
	{"elasticloadbalancing", "DescribeLoadBalancers", Discovery, "Lists load balancers.", "Maps what is exposed to the internet."},

	// Systems Manager.
	{"ssm", "SendCommand", Execution, "Runs an SSM document, often a shell script, on managed instances.", "Remote code execution on instances, as root or SYSTEM."},
	{"ssm", "StartSession", Execution, "Opens a Session Manager shell or port forward to an instance.", "Interactive access to an instance without SSH or open ports."},
	{"ssm", "ResumeSession", Execution, "Reconnects to a Session Manager session.", "Interactive access continues."},
	{"ssm", "TerminateSession", Routine, "Ends a Session Manager session.", "Marks the end of an interactive session."},
	{"ssm", "StartAutomationExecution", Execution, "Runs an Automation runbook.", "Runbooks act with their own role and can run commands on instances."},
	{"ssm", "GetCommandInvocation", Execution, "Returns the status and output of a command sent to an instance.", "How the sender reads their command's output."},
	{"ssm", "DescribeInstanceInformation", Discovery, "Lists instances managed by SSM, with platform and agent state.", "Finds hosts for SendCommand or StartSession."},
	{"ssm", "GetParameter", CredentialAccess, "Reads a Parameter Store value, decrypted if asked.", "SecureString parameters hold passwords and keys."},
	{"ssm", "GetParameters", CredentialAccess, "Reads several Parameter Store values, decrypted if asked.", "SecureString parameters hold passwords and keys."},
	{"ssm", "GetParametersByPath", CredentialAccess, "Reads every parameter under a path, decrypted if asked.", "Bulk read of configuration and secrets."},
	{"ssm", "DescribeParameters", Discovery, "Lists parameters and their types, without values.", "Finds SecureString parameters to read."},
	{"ssm", "PutParameter", Impact, "Creates or overwrites a parameter.", "Overwriting values that applications trust can redirect or break them."},
	{"ssm", "DeleteParameter", Impact, "Deletes a parameter.", "Breaks applications that read it."},
	{"ssm", "DeleteParameters", Impact, "Deletes several parameters.", "Breaks applications that read them."},
	{"ssm", "GetDocument", Discovery, "Reads an SSM document's content.", "Documents can embed scripts and secrets."},
	{"ssm", "UpdateInstanceInformation", Routine, "The SSM agent on an instance reports in.", "Agent heartbeat, not a person."},
	{"ssm", "ListInstanceAssociations", Routine, "The SSM agent asks which associations apply to its instance.", "Agent traffic, not a person."},
	{"ssm", "UpdateInstanceAssociationStatus", Routine, "The SSM agent reports an association's result.", "Agent traffic, not a person."},
	{"ssm", "PutInventory", Routine, "The SSM agent uploads the instance's software inventory.", "Agent traffic, not a person."},
	{"ssm", "PutComplianceItems", Routine, "Records compliance results for an instance.", "Usually agent traffic."},

	// Lambda.
	{"lambda", "CreateFunction", Execution, "Creates a Lambda function with code and an execution role.", "Code running with a role of the creator's choosing; check the role passed."},
	{"lambda", "UpdateFunctionCode", Persistence, "Replaces a function's code.", "Backdoored code runs every time the function is invoked."},
	{"lambda", "UpdateFunctionConfiguration", Persistence, "Changes a function's role, environment, layers or handler.", "A new layer or extension injects code; a new role changes its power."},
	{"lambda", "AddPermission", Exposure, "Adds a statement to a function's resource policy, letting a principal invoke it.", "'*' or a foreign account exposes the function; a known backdoor."},
	{"lambda", "RemovePermission", Routine, "Removes a statement from a function's resource policy.", "Usually tightening or cleanup."},
	{"lambda", "CreateFunctionUrlConfig", Exposure, "Gives a function an HTTPS URL, possibly without authentication.", "With AuthType NONE anyone on the internet can invoke it."},
	{"lambda", "UpdateFunctionUrlConfig", Exposure, "Changes a function URL's authentication or CORS.", "With AuthType NONE anyone on the internet can invoke it."},
	{"lambda", "PublishLayerVersion", Persistence, "Publishes a Lambda layer version.", "Layers inject code into every function that uses them."},
	{"lambda", "AddLayerVersionPermission", Exposure, "Lets other accounts use a layer.", "Shares the layer's code."},
	{"lambda", "CreateEventSourceMapping", Execution, "Connects a queue or stream to a function.", "Each new record invokes the function."},
	{"lambda", "UpdateEventSourceMapping", Execution, "Changes a queue or stream connection to a function.", "Can redirect records to another function."},
	{"lambda", "Invoke", Execution, "Invokes a function (data event).", "Runs the function's code with its role."},
	{"lambda", "DeleteFunction", Impact, "Deletes a function.", "Breaks whatever relied on it; also cleanup."},
	{"lambda", "GetFunction", CredentialAccess, "Returns a function's configuration, environment variables and a link to its code.", "Environment variables and code often hold secrets."},
	{"lambda", "GetFunctionConfiguration", CredentialAccess, "Returns a function's configuration, including environment variables.", "Environment variables often hold secrets."},
	{"lambda", "ListFunctions", Discovery, "Lists functions with their configuration.", "Part of enumeration; the listing includes environment variables."},
	{"lambda", "ListVersionsByFunction", Discovery, "Lists a function's published versions.", "Part of enumeration."},

	// Secrets Manager.
	{"secretsmanager", "GetSecretValue", CredentialAccess, "Reads a secret's value.", "Passwords, API keys and tokens; check who read which secret."},
	{"secretsmanager", "BatchGetSecretValue", CredentialAccess, "Reads the values of several secrets at once.", "Bulk secret theft in one call."},
	{"secretsmanager", "ListSecrets", Discovery, "Lists secrets, without their values.", "Finds secrets to read."},
	{"secretsmanager", "DescribeSecret", Discovery, "Reads a secret's metadata, without its value.", "Part of finding secrets to read."},
	{"secretsmanager", "GetResourcePolicy", Discovery, "Reads a secret's resource policy.", "Shows who else may read the secret."},
	{"secretsmanager", "PutResourcePolicy", Exposure, "Sets a secret's resource policy.", "Can let another account read the secret."},
	{"secretsmanager", "PutSecretValue", Impact, "Stores a new value for a secret.", "Can lock out the secret's users or plant a credential the intruder knows."},
	{"secretsmanager", "UpdateSecret", Impact, "Changes a secret's value, description or KMS key.", "Can lock out the secret's users or plant a credential the intruder knows."},
	{"secretsmanager", "DeleteSecret", Impact, "Schedules a secret for deletion, or deletes it at once when forced.", "Breaks applications; forced deletion leaves no recovery window."},
	{"secretsmanager", "CreateSecret", Routine, "Creates a secret.", "Everyday set-up."},
	{"secretsmanager", "StartSecretVersionDelete", Routine, "Secrets Manager began deleting an old secret version (AWS service event).", "Housekeeping by the service, not a person."},
	{"secretsmanager", "EndSecretVersionDelete", Routine, "Secrets Manager finished deleting an old secret version (AWS service event).", "Housekeeping by the service, not a person."},

	// KMS.
	{"kms", "ScheduleKeyDeletion", Impact, "Schedules a KMS key for deletion after 7 to 30 days.", "Once deleted, everything encrypted with the key is unreadable."},
	{"kms", "DisableKey", Impact, "Disables a KMS key.", "Data encrypted with it cannot be decrypted until re-enabled."},
	{"kms", "PutKeyPolicy", Exposure, "Replaces a KMS key's policy.", "Can let another account use the key, or lock your own admins out."},
	{"kms", "CreateGrant", Persistence, "Gives a principal permission to use a KMS key through a grant.", "Grants are easy to miss in reviews and give lasting use of the key."},
	{"kms", "CreateKey", Routine, "Creates a KMS key.", "Usually set-up; in ransomware, an outside key policy is the tell."},
	{"kms", "Decrypt", Collection, "Decrypts data with a KMS key.", "Every read of KMS-encrypted data passes here; an unusual caller points to data access."},
	{"kms", "Encrypt", Routine, "Encrypts data with a KMS key.", "Mostly services at work."},
	{"kms", "GenerateDataKey", Routine, "Returns a data key for encrypting data locally.", "Mostly services at work."},
	{"kms", "DescribeKey", Discovery, "Reads a key's metadata.", "Part of enumeration."},
	{"kms", "ListKeys", Discovery, "Lists KMS keys.", "Part of enumeration."},
	{"kms", "ListAliases", Discovery, "Lists KMS key aliases.", "Part of enumeration."},
	{"kms", "GetKeyPolicy", Discovery, "Reads a key's policy.", "Shows who may use or manage the key."},

	// S3: buckets.
	{"s3", "ListBuckets", Discovery, "Lists the account's buckets.", "Often among the first calls made with stolen keys."},
	{"s3", "CreateBucket", Routine, "Creates a bucket.", "Everyday set-up; sometimes a staging area."},
	{"s3", "DeleteBucket", Impact, "Deletes an empty bucket.", "Follows deleting the objects; a freed name can be claimed by someone else."},
	{"s3", "PutBucketPolicy", Exposure, "Sets a bucket's policy.", "A '*' principal or a foreign account shares the bucket."},
	{"s3", "DeleteBucketPolicy", Exposure, "Removes a bucket's policy.", "Deny statements (TLS, VPC, account) vanish with it."},
	{"s3", "PutBucketAcl", Exposure, "Sets a bucket's ACL.", "Grants to AllUsers or AuthenticatedUsers make it public."},
	{"s3", "PutObjectAcl", Exposure, "Sets an object's ACL.", "Grants to AllUsers make the object public."},
	{"s3", "PutBucketPublicAccessBlock", Exposure, "Sets a bucket's Block Public Access flags.", "Turning flags off allows public policies and ACLs."},
	{"s3", "DeleteBucketPublicAccessBlock", Exposure, "Removes a bucket's Block Public Access settings.", "Public policies and ACLs become possible."},
	{"s3", "PutAccountPublicAccessBlock", Exposure, "Sets Block Public Access for the whole account.", "Turning flags off allows public buckets account-wide."},
	{"s3", "DeleteAccountPublicAccessBlock", Exposure, "Removes the account-wide Block Public Access settings.", "Public buckets become possible account-wide."},
	{"s3", "PutBucketWebsite", Exposure, "Serves a bucket as a static website.", "Its content is meant to be public."},
	{"s3", "PutBucketEncryption", Impact, "Sets a bucket's default encryption.", "Switching to an outside KMS key is a ransomware step."},
	{"s3", "DeleteBucketEncryption", DefenseEvasion, "Resets a bucket's default encryption to S3-managed keys.", "Drops the KMS key and the access control and logging it gave."},
	{"s3", "PutBucketLifecycle", Impact, "Sets lifecycle rules that move or expire objects.", "An expiry rule deletes data without any DeleteObject call."},
	{"s3", "DeleteBucketLifecycle", Routine, "Removes a bucket's lifecycle rules.", "Objects are no longer expired or moved."},
	{"s3", "PutBucketReplication", Exfiltration, "Replicates new objects to another bucket, possibly in another account.", "A destination you do not own copies every new object out."},
	{"s3", "PutBucketVersioning", Impact, "Enables or suspends versioning, or changes MFA delete.", "Suspending it removes the way back before deletions or overwrites."},
	{"s3", "PutBucketLogging", DefenseEvasion, "Sets or removes server access logging.", "Turning it off hides who read objects."},
	{"s3", "GetBucketAcl", Discovery, "Reads a bucket's ACL.", "Part of enumerating buckets."},
	{"s3", "GetBucketPolicy", Discovery, "Reads a bucket's policy.", "Part of enumerating buckets."},
	{"s3", "GetBucketPolicyStatus", Discovery, "Reports whether a bucket is public.", "Part of enumerating buckets."},
	{"s3", "GetBucketPublicAccessBlock", Discovery, "Reads a bucket's Block Public Access flags.", "Part of enumerating buckets."},
	{"s3", "GetAccountPublicAccessBlock", Discovery, "Reads the account-wide Block Public Access flags.", "Checks whether buckets could be made public."},
	{"s3", "GetBucketLogging", Discovery, "Reads a bucket's access logging settings.", "Checks whether reads would be logged."},
	{"s3", "GetBucketEncryption", Discovery, "Reads a bucket's default encryption.", "Part of enumerating buckets."},
	{"s3", "GetBucketReplication", Discovery, "Reads a bucket's replication rules.", "Part of enumerating buckets."},
	{"s3", "GetBucketVersioning", Discovery, "Reads a bucket's versioning state.", "Checks whether deletions can be undone."},
	{"s3", "GetBucketLocation", Discovery, "Returns a bucket's region.", "Part of enumerating buckets."},

	// S3: objects (data events).
	{"s3", "GetObject", Collection, "Reads an object (data event).", "Many reads by one principal, or from a new IP, suggest exfiltration."},
	{"s3", "PutObject", Impact, "Writes an object (data event).", "Overwrites, ransom notes or planted content."},
	{"s3", "CopyObject", Collection, "Copies an object, possibly to another bucket (data event).", "Moves data into a bucket the intruder can reach."},
	{"s3", "DeleteObject", Impact, "Deletes an object or adds a delete marker (data event).", "Data destruction; many in a row suggest ransomware or cleanup."},
	{"s3", "DeleteObjects", Impact, "Deletes up to 1,000 objects in one request (data event).", "Bulk data destruction."},
	{"s3", "ListObjects", Discovery, "Lists a bucket's objects (data event).", "Maps what to take before reading."},

	// RDS.
	{"rds", "ModifyDBSnapshotAttribute", Exposure, "Changes who may restore a DB snapshot.", "Adding an account, or 'all', shares the database contents."},
	{"rds", "ModifyDBClusterSnapshotAttribute", Exposure, "Changes who may restore a DB cluster snapshot.", "Adding an account, or 'all', shares the database contents."},
	{"rds", "ModifyDBInstance", PrivilegeEscalation, "Changes a DB instance: master password, public accessibility, security groups, backups.", "A new master password hands over the data; PubliclyAccessible exposes it."},
	{"rds", "ModifyDBCluster", PrivilegeEscalation, "Changes a DB cluster: master password, security groups, backups.", "A new master password hands over the data."},
	{"rds", "RestoreDBInstanceFromDBSnapshot", Collection, "Creates a new DB instance from a snapshot.", "A copy with a new password reads the data without touching the original."},
	{"rds", "RestoreDBClusterFromSnapshot", Collection, "Creates a new DB cluster from a snapshot.", "A copy with a new password reads the data without touching the original."},
	{"rds", "CreateDBSnapshot", Collection, "Takes a snapshot of a DB instance.", "A copy of the database, ready to be shared or restored."},
	{"rds", "CreateDBClusterSnapshot", Collection, "Takes a snapshot of a DB cluster.", "A copy of the database, ready to be shared or restored."},
	{"rds", "CopyDBSnapshot", Collection, "Copies a DB snapshot, possibly to another region or key.", "Moves a database copy where it is not watched."},
	{"rds", "StartExportTask", Exfiltration, "Exports a snapshot's data to S3.", "The database's contents leave as files."},
	{"rds", "DeleteDBInstance", Impact, "Deletes a DB instance, optionally without a final snapshot.", "Data destruction."},
	{"rds", "DeleteDBCluster", Impact, "Deletes a DB cluster.", "Data destruction."},
	{"rds", "DeleteGlobalCluster", Impact, "Deletes an Aurora global database.", "Data destruction across regions."},
	{"rds", "DeleteDBSnapshot", Impact, "Deletes a DB snapshot.", "Backups are gone; also cleanup after sharing one."},
	{"rds", "DeleteDBClusterSnapshot", Impact, "Deletes a DB cluster snapshot.", "Backups are gone; also cleanup after sharing one."},
	{"rds", "CreateDBInstance", Routine, "Creates a DB instance.", "Everyday set-up; check public accessibility."},
	{"rds", "AuthorizeDBSecurityGroupIngress", Exposure, "Opens a legacy DB security group to an address range or EC2 group.", "Can expose the database to the internet."},
	{"rds", "DescribeDBInstances", Discovery, "Lists DB instances.", "Finds databases to take."},
	{"rds", "DescribeDBClusters", Discovery, "Lists DB clusters.", "Finds databases to take."},
	{"rds", "DescribeDBSnapshots", Discovery, "Lists DB snapshots.", "Finds database copies to share or restore."},
	{"rds", "DescribeDBClusterSnapshots", Discovery, "Lists DB cluster snapshots.", "Finds database copies to share or restore."},

	// Containers: EKS, ECS, ECR.
	{"eks", "CreateAccessEntry", Persistence, "Lets an IAM principal into a cluster's Kubernetes API.", "A lasting way into the cluster."},
	{"eks", "AssociateAccessPolicy", PrivilegeEscalation, "Attaches an EKS access policy, such as cluster admin, to an access entry.", "Grants Kubernetes permissions to an IAM principal."},
	{"eks", "UpdateClusterConfig", Exposure, "Changes a cluster's endpoint access, logging or authentication mode.", "Can make the API public or turn off control-plane logs."},
	{"eks", "DeleteCluster", Impact, "Deletes an EKS cluster.", "Destroys a workload platform."},
	{"eks", "ListClusters", Discovery, "Lists EKS clusters.", "Finds clusters to reach."},
	{"eks", "DescribeCluster", Discovery, "Returns a cluster's endpoint, certificate and settings.", "What is needed to build a kubeconfig."},
	{"eks", "DescribeAccessEntry", Discovery, "Reads an access entry.", "Shows who may reach the cluster."},
	{"eks", "ListAssociatedAccessPolicies", Discovery, "Lists the access policies of an access entry.", "Shows what an IAM principal may do in the cluster."},
	{"ecs", "CreateCluster", Execution, "Creates an ECS cluster.", "The start of new container workloads; in a quiet account, perhaps mining."},
	{"ecs", "RegisterTaskDefinition", Execution, "Registers a task definition: image, command, role, environment.", "Defines what will run and with which role."},
	{"ecs", "RunTask", Execution, "Runs tasks from a task definition.", "Runs containers with the task role."},
	{"ecs", "CreateService", Execution, "Creates a service that keeps tasks running.", "Keeps containers running, and a miner alive."},
	{"ecs", "ExecuteCommand", Execution, "Opens a shell in a running container (ECS Exec).", "Interactive access inside a container and its role."},
	{"ecs", "DescribeTaskDefinition", CredentialAccess, "Reads a task definition.", "Environment variables in it often hold secrets."},
	{"ecs", "ListClusters", Discovery, "Lists ECS clusters.", "Part of enumeration."},
	{"ecr", "GetAuthorizationToken", CredentialAccess, "Returns a token for logging in to the container registry.", "Precedes pulling images, or pushing backdoored ones."},
	{"ecr", "PutImage", Persistence, "Pushes an image manifest, e.g. a new or re-tagged image.", "Replacing a trusted tag plants code in every deploy."},
	{"ecr", "SetRepositoryPolicy", Exposure, "Sets a repository's policy.", "Can let other accounts, or anyone, pull or push."},
	{"ecr", "DeleteRepository", Impact, "Deletes a repository, with its images if forced.", "Deployments that pull from it break."},
	{"ecr", "DescribeRepositories", Discovery, "Lists repositories.", "Finds images to pull or replace."},

	// Bedrock: model abuse (LLMjacking) and its logging.
	{"bedrock", "InvokeModel", Impact, "Runs a foundation model on a prompt.", "Stolen keys are used to run costly models at your expense (LLMjacking)."},
	{"bedrock", "InvokeModelWithResponseStream", Impact, "Runs a foundation model, streaming the answer.", "Stolen keys are used to run costly models at your expense (LLMjacking)."},
	{"bedrock", "Converse", Impact, "Sends a conversation to a foundation model.", "Stolen keys are used to run costly models at your expense (LLMjacking)."},
	{"bedrock", "ConverseStream", Impact, "Sends a conversation to a foundation model, streaming the answer.", "Stolen keys are used to run costly models at your expense (LLMjacking)."},
	{"bedrock", "PutModelInvocationLoggingConfiguration", DefenseEvasion, "Sets where model prompts and responses are logged.", "Narrowing or redirecting it hides what the models were asked."},
	{"bedrock", "DeleteModelInvocationLoggingConfiguration", DefenseEvasion, "Turns off model invocation logging.", "Prompts and responses are no longer recorded."},
	{"bedrock", "GetModelInvocationLoggingConfiguration", Discovery, "Reads the model invocation logging settings.", "LLMjacking tools check whether prompts are logged."},
	{"bedrock", "GetFoundationModelAvailability", Discovery, "Checks whether the account can use a foundation model.", "LLMjacking tools probe this across models and regions."},
	{"bedrock", "ListFoundationModels", Discovery, "Lists the foundation models in the region.", "A first look before abusing models."},
	{"bedrock", "ListFoundationModelAgreementOffers", Discovery, "Lists the terms offered for a model.", "A step of enabling access to a new model."},
	{"bedrock", "CreateFoundationModelAgreement", Impact, "Accepts a model's terms so the account can use it.", "Enabling models nobody uses here is an LLMjacking step."},
	{"bedrock", "PutFoundationModelEntitlement", Impact, "Requests the entitlement to use a foundation model.", "Enabling models nobody uses here is an LLMjacking step."},
	{"bedrock", "PutUseCaseForModelAccess", Impact, "Submits the use-case form some model providers require.", "Enabling models nobody uses here is an LLMjacking step."},
	{"bedrock", "ListCustomModels", Discovery, "Lists custom (fine-tuned) models.", "Part of enumerating AI assets."},
	{"bedrock", "ListKnowledgeBases", Discovery, "Lists knowledge bases.", "Knowledge bases index company documents."},
	{"bedrock", "ListAgents", Discovery, "Lists Bedrock agents.", "Part of enumerating AI assets."},
	{"agreement-marketplace", "AcceptAgreementRequest", Impact, "Accepts an AWS Marketplace agreement (a subscription).", "Runs up costs; also a step of enabling some third-party models."},

	// Email and messaging abuse.
	{"ses", "GetSendQuota", Discovery, "Returns the SES sending limits and the last 24 hours' volume.", "Spammers check how much stolen keys can send."},
	{"ses", "GetAccount", Discovery, "Returns the account's SES status: sandbox, sending, quotas.", "Spammers check whether the account can send."},
	{"ses", "GetAccountSendingEnabled", Discovery, "Reports whether email sending is on.", "Spammers check whether the account can send."},
	{"ses", "ListIdentities", Discovery, "Lists verified sender identities.", "Finds addresses and domains to send from."},
	{"ses", "ListEmailIdentities", Discovery, "Lists sender identities.", "Finds addresses and domains to send from."},
	{"ses", "GetIdentityVerificationAttributes", Discovery, "Reports whether identities are verified.", "Finds addresses and domains to send from."},
	{"ses", "VerifyEmailIdentity", Impact, "Starts verifying an email address as a sender.", "Spammers add their own sender addresses."},
	{"ses", "VerifyDomainIdentity", Impact, "Starts verifying a domain as a sender.", "Spammers add their own sending domains."},
	{"ses", "CreateEmailIdentity", Impact, "Adds an email address or domain as a sender.", "Spammers add their own senders."},
	{"ses", "DeleteIdentity", Impact, "Removes a sender identity.", "Breaks sending; also cleanup after abuse."},
	{"ses", "UpdateAccountSendingEnabled", Impact, "Turns email sending on or off for the account in the region.", "Re-enabling sending that AWS or you paused lets spam flow."},
	{"ses", "PutAccountDetails", Impact, "Submits the details of a request for SES production access.", "Leaving the sandbox lets stolen keys email anyone."},
	{"ses", "SendEmail", Impact, "Sends an email.", "Spam or phishing from your domain, at your cost and reputation."},
	{"ses", "SendRawEmail", Impact, "Sends a raw MIME email.", "Spam or phishing from your domain, at your cost and reputation."},
	{"sns", "Publish", Impact, "Sends a message to a topic or directly by SMS.", "SMS pumping and spam run up costs."},
	{"sns", "Subscribe", Collection, "Subscribes an endpoint (email, HTTP, queue) to a topic.", "A foreign endpoint receives every message, alerts included."},
	{"sns", "GetSMSAttributes", Discovery, "Reads SMS settings such as spend limits.", "SMS abusers check what the account can send."},
	{"sns", "GetSMSSandboxAccountStatus", Discovery, "Reports whether SMS is in the sandbox.", "SMS abusers check what the account can send."},
	{"sns", "ListTopics", Discovery, "Lists SNS topics.", "Part of enumeration."},
	{"sns", "ListSubscriptions", Discovery, "Lists topic subscriptions.", "Shows where notifications go."},

	// DNS and domains.
	{"route53", "ChangeResourceRecordSets", Impact, "Creates, changes or deletes DNS records.", "Hijacked records redirect users or mail."},
	{"route53", "ListHostedZones", Discovery, "Lists hosted zones.", "Maps the domains the account serves."},
	{"route53", "CreateHostedZone", Routine, "Creates a hosted zone.", "Everyday set-up."},
	{"route53domains", "TransferDomainToAnotherAwsAccount", Impact, "Starts moving a registered domain to another AWS account.", "Domain theft."},
	{"route53domains", "RetrieveDomainAuthCode", Impact, "Returns the code needed to transfer a domain to another registrar.", "With it, the domain can be moved away."},
	{"route53domains", "DisableDomainTransferLock", Impact, "Removes a domain's transfer lock.", "The first step of moving the domain away."},
	{"route53domains", "ListDomains", Discovery, "Lists registered domains.", "Finds domains to take over."},

	// Data movement, backup and other services.
	{"backup", "DeleteBackupVault", Impact, "Deletes a backup vault.", "Removes the place recovery points are kept."},
	{"backup", "DeleteRecoveryPoint", Impact, "Deletes a backup recovery point.", "Recovery becomes impossible; a ransomware step."},
	{"backup", "DeleteBackupPlan", Impact, "Deletes a backup plan.", "New backups stop being taken."},
	{"backup", "DeleteBackupSelection", Impact, "Removes resources from a backup plan.", "Those resources stop being backed up."},
	{"datasync", "CreateTask", Exfiltration, "Creates a DataSync transfer between two storage locations.", "A destination outside your control makes it bulk exfiltration."},
	{"datasync", "StartTaskExecution", Exfiltration, "Runs a DataSync transfer.", "Bulk copy of data between locations."},
	{"datasync", "DeleteTask", Routine, "Deletes a DataSync task.", "Can be cleanup after a transfer."},
	{"dynamodb", "ExportTableToPointInTime", Exfiltration, "Exports a DynamoDB table to S3.", "The table's contents leave as files, possibly to another account's bucket."},
	{"dynamodb", "DeleteTable", Impact, "Deletes a DynamoDB table.", "Data destruction."},
	{"dynamodb", "ListTables", Discovery, "Lists DynamoDB tables.", "Part of enumerating where data is kept."},
	{"elasticfilesystem", "DeleteFileSystem", Impact, "Deletes an EFS file system.", "Data destruction."},
	{"elasticfilesystem", "DeleteMountTarget", Impact, "Deletes an EFS mount target.", "Instances lose the file system; a step before deleting it."},
	{"glue", "CreateDevEndpoint", PrivilegeEscalation, "Creates a Glue development endpoint with a role and SSH access.", "Passing a powerful role gives SSH access to its credentials."},
	{"glue", "UpdateDevEndpoint", PrivilegeEscalation, "Changes a Glue development endpoint, e.g. its SSH keys.", "Adding a key gives SSH access to the endpoint's role."},
	{"sagemaker", "CreatePresignedNotebookInstanceUrl", LateralMovement, "Returns a URL that opens a notebook instance's Jupyter interface.", "A shell on the notebook, with its role."},
	{"cloudshell", "CreateSession", Execution, "Starts a CloudShell session in the console.", "Gives a console session a command line; its API calls follow."},
	{"codebuild", "UpdateProjectVisibility", Exposure, "Makes a build project's results public or private.", "Public builds can leak logs and artifacts."},
	{"sqs", "SetQueueAttributes", Exposure, "Changes a queue's attributes, including its access policy.", "A policy allowing '*' or another account exposes the queue."},
	{"sqs", "ListQueues", Discovery, "Lists SQS queues.", "Part of enumeration; queues can carry sensitive messages."},
	{"cloudfront", "ListDistributions", Discovery, "Lists CloudFront distributions and their origins.", "Maps what is published to the internet, and from which buckets."},
	{"ram", "CreateResourceShare", Exposure, "Shares resources with other accounts through RAM.", "Subnets, images or other resources become usable outside."},
	{"transfer", "CreateServer", Exfiltration, "Creates an SFTP, FTPS or FTP server in front of S3 or EFS.", "A convenient way to pull data out."},
	{"transfer", "CreateUser", Persistence, "Adds a user, often with an SSH key, to a Transfer Family server.", "Lasting file access to the storage behind the server."},
	{"appsync", "CreateApiKey", Persistence, "Creates an API key for a GraphQL API.", "A lasting credential for the API."},
	{"resource-explorer-2", "Search", Discovery, "Searches the resources Resource Explorer has indexed.", "Inventories the account in one query."},
}
