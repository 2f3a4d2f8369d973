package cloudtrail

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

// realDataDir holds the public CloudTrail records of ../shared/data (see its README.md). A user's
// clone of the project has no ../shared: the tests that read it skip.
const realDataDir = "../../../shared/data"

// realRecord is the part of a CloudTrail record that ExtractResources reads.
type realRecord struct {
	Source, Name, EventID string
	Listed                []ListedResource
	Request, Response     []byte
}

func needRealData(tb testing.TB) {
	tb.Helper()
	if _, err := os.Stat(realDataDir); err != nil {
		tb.Skipf("real CloudTrail data not found at %s (a clone without ../shared): skipping", realDataDir)
	}
}

// loadRealRecords reads the records of one data file in place: an S3 delivery file ({"Records":
// [...]}), a JSON array, a single record, or one record per line.
func loadRealRecords(tb testing.TB, rel string) []realRecord {
	tb.Helper()
	needRealData(tb)
	data, err := os.ReadFile(filepath.Join(realDataDir, rel))
	if err != nil {
		tb.Fatalf("read %s: %v", rel, err)
	}
	var out []realRecord
	add := func(r gjson.Result) {
		if r.IsObject() && r.Get("eventName").Exists() {
			out = append(out, toRealRecord(r))
		}
	}
	if gjson.ValidBytes(data) {
		v := gjson.ParseBytes(data)
		if recs := v.Get("Records"); recs.IsArray() {
			v = recs
		}
		if v.IsArray() {
			v.ForEach(func(_, r gjson.Result) bool { add(r); return true })
		} else {
			add(v)
		}
		return out
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		if line := sc.Bytes(); gjson.ValidBytes(line) {
			add(gjson.ParseBytes(line))
		}
	}
	return out
}

func toRealRecord(r gjson.Result) realRecord {
	rec := realRecord{
		Source:  r.Get("eventSource").String(),
		Name:    r.Get("eventName").String(),
		EventID: r.Get("eventID").String(),
	}
	r.Get("resources").ForEach(func(_, e gjson.Result) bool {
		if e.IsObject() {
			arn := e.Get("ARN").String()
			if arn == "" {
				arn = e.Get("arn").String() // hand-edited fixtures spell it so
			}
			rec.Listed = append(rec.Listed, ListedResource{ARN: arn, ARNPrefix: e.Get("ARNPrefix").String(),
				Type: e.Get("type").String(), AccountID: e.Get("accountId").String()})
		}
		return true
	})
	if v := r.Get("requestParameters"); v.Exists() {
		rec.Request = []byte(v.Raw)
	}
	if v := r.Get("responseElements"); v.Exists() {
		rec.Response = []byte(v.Raw)
	}
	return rec
}

// findRecord returns the record of a file with the given eventName and, when id is not empty,
// eventID; with an empty id, the nth (from 0) record of that name.
func findRecord(tb testing.TB, rel, name, id string, nth int) realRecord {
	tb.Helper()
	for _, r := range loadRealRecords(tb, rel) {
		if r.Name != name || (id != "" && r.EventID != id) {
			continue
		}
		if id == "" && nth > 0 {
			nth--
			continue
		}
		return r
	}
	tb.Fatalf("%s: no %s record %q", rel, name, id)
	return realRecord{}
}

func keysOf(rs []Resource) []string {
	ks := make([]string, len(rs))
	for i, r := range rs {
		ks[i] = r.Key()
	}
	slices.Sort(ks)
	return ks
}

// checkResources asserts what must hold of any result: kinds and IDs present, a kind without a
// space, no two resources with one key.
func checkResources(tb testing.TB, rs []Resource) {
	tb.Helper()
	seen := map[string]bool{}
	for _, r := range rs {
		if r.Kind == "" || r.ID == "" || strings.ContainsRune(r.Kind, ' ') {
			tb.Errorf("malformed resource %+v", r)
		}
		if seen[r.Key()] {
			tb.Errorf("duplicate resource %q in %v", r.Key(), keysOf(rs))
		}
		seen[r.Key()] = true
	}
}

const (
	invictus   = "invictus_aws_dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T"
	panther    = "panther_analysis_tests/panther_cloudtrail_test_events.jsonl"
	discover   = "traildiscover_logexamples/"
	stratusDir = "stratus_red_team_detonation_logs/"
)

func TestExtractResourcesRealRecords(t *testing.T) {
	needRealData(t)
	tests := []struct {
		file, name, id string
		nth            int
		want           []string
	}{
		// EC2
		{file: invictus + "1200Z_x9kHmzMa7cx6l9wM.json", name: "RunInstances", id: "4a131b73-a4cd-44ce-8757-e3ad55c22e43",
			// failed call: no response, so no instance; the AMI, ENI and instance profile of the request
			want: []string{"ec2:image ami-029eb80bc237bec6f", "ec2:network-interface eni-076fa9fb98a2500a7",
				"iam:instance-profile stratus-red-team-ec2-steal-credentials-instance"}},
		{file: invictus + "1200Z_x9kHmzMa7cx6l9wM.json", name: "RunInstances", nth: 2,
			// instancesSet.items[].instanceId of the response, and what the instance was put in
			want: []string{"ec2:image ami-029eb80bc237bec6f", "ec2:instance i-0dbc91f429e48eeed",
				"ec2:network-interface eni-076fa9fb98a2500a7", "ec2:security-group sg-0b233157065b7d5e2",
				"ec2:subnet subnet-0ed352584ab4aa265", "ec2:vpc vpc-06fe1a64761a0f720",
				"iam:instance-profile stratus-red-team-ec2-steal-credentials-instance"}},
		{file: invictus + "1210Z_6CICdbJQM3beT7n3.json", name: "TerminateInstances", id: "2d893b1d-e8f2-499b-a558-cb927d9b48ea",
			want: []string{"ec2:instance i-0dbc91f429e48eeed"}},
		{file: discover + "EC2-StopInstances.json.cloudtrail", name: "StopInstances",
			want: []string{"ec2:instance TrailDiscoverInstanceID"}},
		{file: invictus + "1215Z_YMDRJwtmC82bUwAo.json", name: "AuthorizeSecurityGroupIngress", id: "7e96f0e7-4d78-423d-b3f5-391370685b30",
			want: []string{"ec2:security-group sg-04cfb7a4712d75b00"}},
		{file: invictus + "1215Z_YMDRJwtmC82bUwAo.json", name: "ModifySnapshotAttribute", id: "3ad01b1d-ebc1-4830-994b-9210534ab9f2",
			want: []string{"ec2:snapshot snap-083d3b857c13988bc"}},
		{file: invictus + "1215Z_YMDRJwtmC82bUwAo.json", name: "ModifyImageAttribute", id: "8fe3095f-909c-41f5-a769-00b9ec6e95df",
			want: []string{"ec2:image ami-0aa1d83d0b0985c86"}},
		{file: invictus + "1215Z_MifI13MOmOjRfXzJ.json", name: "CreateSnapshot", id: "9eede385-5c6d-405e-9dda-fd10950e9069",
			want: []string{"ec2:snapshot snap-083d3b857c13988bc", "ec2:volume vol-0fc2e34e74650e145"}},
		{file: invictus + "1205Z_UljXNp9xLp8nsAGc.json", name: "CreateFlowLogs", id: "a3fbe842-f8df-4bb3-accf-1407cc925cbd",
			// XML-style request: ResourceId.content, DeliverLogsPermissionArn, flowLogIdSet.item
			want: []string{"ec2:vpc vpc-0255d384b4b458b46", "ec2:vpc-flow-log fl-064ed3a785e4a37ef",
				"iam:role stratus-red-team-remove-flow-logs-role", "logs:log-group /stratus-red-team/vpc-flow-logs"}},
		{file: invictus + "1205Z_SjF3IkuNXJkoHyar.json", name: "DeleteFlowLogs", id: "de58d903-38d7-4f30-a84b-b79d858e8376",
			want: []string{"ec2:vpc-flow-log fl-064ed3a785e4a37ef"}},
		{file: invictus + "1200Z_x9kHmzMa7cx6l9wM.json", name: "DescribeSecurityGroups", id: "8a13e27e-c9a2-4a45-9555-13eededb14b3",
			// filterSet vpc-id value; the group-name filter "default" is not taken
			want: []string{"ec2:vpc vpc-06fe1a64761a0f720"}},
		{file: discover + "CreateKeyPair.json.cloudtrail", name: "CreateKeyPair",
			want: []string{"ec2:key-pair TrailDiscoverKeyPair"}},
		// IAM
		{file: invictus + "1230Z_ZtUNbBkwAu98FPZb.json", name: "CreateUser", id: "66d008e1-12cf-4a45-99e7-0be67fc70d71",
			want: []string{"iam:user stratus-red-team-nmfalu-gfjyeaypjt"}},
		{file: invictus + "1230Z_ZtUNbBkwAu98FPZb.json", name: "AttachUserPolicy", id: "f4923a37-92d5-4dfd-9786-6caef2b5f33c",
			want: []string{"iam:policy AdministratorAccess", "iam:user malicious-iam-user"}},
		{file: invictus + "1230Z_ZtUNbBkwAu98FPZb.json", name: "CreateAccessKey", id: "64b7de64-bf53-47ae-b7e3-d30cb1b5136e",
			want: []string{"iam:access-key AKIATFQR7NSC3ZO6PKAZ", "iam:user stratus-red-team-backdoor-u-user"}},
		{file: invictus + "1230Z_lHgkh3VeI3XnjZSL.json", name: "DeleteAccessKey", id: "20e603c0-e2d6-4bc4-9f25-031d3e314950",
			want: []string{"iam:access-key AKIATFQR7NSCQLA2F4OD", "iam:user malicious-iam-user"}},
		{file: invictus + "1200Z_iLj9fb7yyUG9X4Bf.json", name: "PutRolePolicy", id: "6c1eed73-00ee-4810-8009-c9ce5990c100",
			want: []string{"iam:policy inline-policy", "iam:role stratus-red-team-ec2-get-password-data-role"}},
		{file: discover + "IAM-UpdateSAMLProvider.json.cloudtrail", name: "UpdateSAMLProvider",
			want: []string{"iam:saml-provider AWSSSO_bafa1a00e8e55555_DO_NOT_DELETE"}},
		// STS: the role, and the key the call minted
		{file: invictus + "1200Z_iLj9fb7yyUG9X4Bf.json", name: "AssumeRole", id: "4bd2a6f6-dddc-49e6-ba7d-08f73e809e64",
			want: []string{"iam:access-key ASIATFQR7NSC7E2ZIBM2", "iam:role stratus-red-team-ec2-get-password-data-role"}},
		{file: stratusDir + "aws.persistence.sts-federation-token.json", name: "GetFederationToken",
			want: []string{"iam:access-key ASIASTJKC5GCM7ZE6LUP"}},
		// S3
		{file: invictus + "1205Z_UljXNp9xLp8nsAGc.json", name: "PutBucketPolicy", id: "988f1043-3e3d-4d84-803b-1b4d00e0df90",
			// the policy's own Resource and Principal ARNs are not taken
			want: []string{"s3:bucket stratus-red-team-ctes-bucket-qyxyekjbtk"}},
		{file: panther, name: "GetObject", nth: 6,
			// a data event: the object ARN of resources[] and bucketName+key are one resource
			want: []string{"s3:bucket sensitive-data-bucket", "s3:object sensitive-data-bucket/confidential/file.pdf"}},
		{file: panther, name: "CopyObject", id: "12345678-1234-1234-1234-123456789012",
			want: []string{"s3:bucket my-dest-bucket", "s3:bucket my-source-bucket",
				"s3:object my-dest-bucket/data.csv", "s3:object my-source-bucket/data.csv"}},
		// CloudTrail
		{file: invictus + "1205Z_zs3JGxETHr59VpkX.json", name: "DeleteTrail", id: "b7e19efd-92be-4182-bbbc-b6468296710b",
			want: []string{"cloudtrail:trail stratus-red-team-cloudtraild-trail-aueolsaccp"}},
		{file: invictus + "1205Z_SjF3IkuNXJkoHyar.json", name: "StopLogging", id: "f6e10706-705c-47f2-94d4-112a9527ab8b",
			want: []string{"cloudtrail:trail stratus-red-team-ct-stop-trail-qzbgnfqisx"}},
		{file: invictus + "1205Z_UljXNp9xLp8nsAGc.json", name: "PutEventSelectors", id: "076e96d5-2983-473f-920a-2fc2d7e02777",
			want: []string{"cloudtrail:trail stratus-red-team-ctes-trail-qyxyekjbtk"}},
		{file: invictus + "1205Z_zs3JGxETHr59VpkX.json", name: "ListTags", id: "afcf35d6-7ec8-4b99-b01f-31329a41241d",
			want: []string{"cloudtrail:trail stratus-red-team-ctes-trail-qyxyekjbtk"}},
		// Secrets Manager: a secret's ARN carries a random suffix; its name does not
		{file: invictus + "1200Z_iLj9fb7yyUG9X4Bf.json", name: "GetSecretValue", id: "0bdf2b9c-2cf9-40dd-a88b-0148e08e5a75",
			want: []string{"secretsmanager:secret stratus-red-team-retrieve-secret-6"}},
		{file: invictus + "1200Z_iLj9fb7yyUG9X4Bf.json", name: "CreateSecret", id: "30f9bf7b-a5dd-4661-8c97-d288ef5680a1",
			want: []string{"secretsmanager:secret stratus-red-team-retrieve-secret-0"}},
		// SSM
		{file: invictus + "1200Z_iLj9fb7yyUG9X4Bf.json", name: "GetParameter", id: "736cbe1d-d978-4599-ba4c-a4d682b908b8",
			want: []string{"ssm:parameter /credentials/stratus-red-team/credentials-6"}},
		{file: invictus + "1200Z_iLj9fb7yyUG9X4Bf.json", name: "SendCommand", id: "99b46479-d5c7-4384-b342-006ece8c36a0",
			want: []string{"ec2:instance i-0dbc91f429e48eeed", "ssm:document AWS-RunShellScript"}},
		{file: stratusDir + "aws.execution.ssm-start-session.json", name: "StartSession", id: "8086b250-d29c-4659-9aec-86c8446a3895",
			want: []string{"ec2:instance i-eA1d1296c1dE3Aa1f"}},
		// KMS: the key of resources[], and what the encryption context names
		{file: invictus + "1200Z_iLj9fb7yyUG9X4Bf.json", name: "Decrypt", id: "c6ebc8b7-572c-4123-92bf-9d94933724ca",
			want: []string{"kms:key dad21b23-9915-42bd-981b-2a9f3c8f20c8", "secretsmanager:secret stratus-red-team-retrieve-secret-14"}},
		{file: invictus + "1200Z_iLj9fb7yyUG9X4Bf.json", name: "Encrypt", id: "a8713198-6e16-4b3a-9481-16e6ea225acd",
			want: []string{"kms:alias alias/aws/ssm", "kms:key 0e5d0ab6-097e-49d8-99ef-747ce3e5f8f4",
				"ssm:parameter /credentials/stratus-red-team/credentials-5"}},
		{file: panther, name: "ScheduleKeyDeletion", nth: 0,
			// keyId "1" in the request, its ARN in the response and resources[]: one key
			want: []string{"kms:key 1"}},
		// Lambda
		{file: invictus + "1230Z_ZtUNbBkwAu98FPZb.json", name: "CreateFunction20150331", id: "2e15203f-d196-441a-adeb-794b195b4a28",
			want: []string{"iam:role stratus-red-team-backdoor-f-lambda", "lambda:function stratus-red-team-backdoor-f-func"}},
		{file: stratusDir + "aws.persistence.lambda-layer-extension.json", name: "UpdateFunctionConfiguration20150331v2", id: "da929d96-8e20-475c-a810-973addd64769",
			want: []string{"iam:role stratus-red-team-lambda-layer-lambda-role", "lambda:function stratus-red-team-lambda-layer-simpleLambda",
				"lambda:layer stratus-red-team-lambda-layer-my-lambda-extension"}},
		// RDS
		{file: invictus + "1225Z_vMAR90Iiaqr6M5sR.json", name: "ModifyDBSnapshotAttribute", id: "2d19ab1e-82e9-4302-ad10-a405b50c8d49",
			want: []string{"rds:snapshot exfiltration"}},
		{file: invictus + "1220Z_sM25jC0Ku0QcGkDa.json", name: "CreateDBSnapshot", id: "0516b66a-77ec-4479-a82d-0cda54d3fc5d",
			want: []string{"rds:db terraform-20230710121504061500000001", "rds:snapshot exfiltration"}},
		{file: panther, name: "StartExportTask", id: "f1e2d3c4-b5a6-7890-1234-567890abcdef",
			want: []string{"iam:role RDSExportRole", "kms:key 1234abcd-12ab-34cd-56ef-1234567890ab",
				"rds:snapshot my-db-snapshot", "s3:bucket my-export-bucket"}},
		// EKS, GuardDuty, Logs, DynamoDB, Config
		{file: discover + "AssociateAccessPolicy.json.cloudtrail", name: "AssociateAccessPolicy",
			// principalArn arrives URL-encoded
			want: []string{"eks:cluster beta-fish", "eks:cluster-access-policy AmazonEKSViewPolicy", "iam:role TrailDiscover"}},
		{file: discover + "DescribeCluster.json.cloudtrail", name: "DescribeCluster",
			want: []string{"eks:cluster TrailDiscoverCluster"}},
		{file: discover + "DeleteDetector.json.cloudtrail", name: "DeleteDetector",
			want: []string{"guardduty:detector TrailDiscoverDetectorId"}},
		{file: invictus + "1205Z_zs3JGxETHr59VpkX.json", name: "CreateLogGroup", id: "a46276b9-dd85-4736-b9df-6210c69aa8e7",
			want: []string{"logs:log-group /stratus-red-team/vpc-flow-logs"}},
		{file: panther, name: "DescribeTable", nth: 0,
			// resources[] holds "arn::::table/table", not an ARN; the request's tableName stands
			want: []string{"dynamodb:table table"}},
		{file: panther, name: "PutDeliveryChannel", nth: 0,
			want: []string{"config:configuration-recorder default"}},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+tt.id, func(t *testing.T) {
			r := findRecord(t, tt.file, tt.name, tt.id, tt.nth)
			got := ExtractResources(r.Source, r.Name, r.Listed, r.Request, r.Response)
			checkResources(t, got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(keysOf(got), want) {
				t.Errorf("ExtractResources(%s %s)\n got %q\nwant %q", r.Source, r.Name, keysOf(got), want)
			}
		})
	}
}

// TestExtractResourcesAllRealRecords runs over every record of the shared data: nothing panics,
// every result is well formed, and every listed ARN is in the result under its canonical key.
func TestExtractResourcesAllRealRecords(t *testing.T) {
	needRealData(t)
	files := []string{panther, "curated_varied/curated_varied_records.jsonl",
		"aws_docs_examples_2023/aws_docs_example_records.jsonl"}
	for _, dir := range []string{"invictus_aws_dataset/CloudTrail", "traildiscover_logexamples", "stratus_red_team_detonation_logs"} {
		entries, err := os.ReadDir(filepath.Join(realDataDir, dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if n := e.Name(); strings.HasSuffix(n, ".json") || strings.HasSuffix(n, ".cloudtrail") {
				files = append(files, dir+"/"+n)
			}
		}
	}
	records, withResources := 0, 0
	for _, f := range files {
		for _, r := range loadRealRecords(t, f) {
			records++
			got := ExtractResources(r.Source, r.Name, r.Listed, r.Request, r.Response)
			checkResources(t, got)
			if len(got) > 0 {
				withResources++
			}
			for _, l := range r.Listed {
				if want, ok := ResourceFromARN(l.ARN); ok && !slices.ContainsFunc(got, func(g Resource) bool { return g.Key() == want.Key() }) {
					t.Errorf("%s %s: listed %s missing from %q", f, r.Name, l.ARN, keysOf(got))
				}
			}
		}
	}
	if records < 4000 {
		t.Errorf("read %d records, want the ~4,600 of the shared data", records)
	}
	t.Logf("%d records, %d with resources", records, withResources)
}

func TestResourceFromARN(t *testing.T) {
	long := "arn:aws:s3:::" + strings.Repeat("b", 1100)
	tests := []struct {
		arn      string
		kind, id string // kind "" means not an ARN
	}{
		{"arn:aws:ec2:us-east-1:123456789012:instance/i-0abc", "ec2:instance", "i-0abc"},
		{"arn:aws-cn:ec2:cn-north-1:123456789012:instance/i-0abc", "ec2:instance", "i-0abc"},
		{"arn:aws-us-gov:iam::111111111111:role/ExampleRole", "iam:role", "ExampleRole"},
		{"arn:aws-iso-b:ec2:us-isob-east-1:123456789012:volume/vol-1", "ec2:volume", "vol-1"},
		{"arn:aws:ec2:us-east-1::image/ami-1234", "ec2:image", "ami-1234"},
		{"arn:aws:ec2:us-east-1:123456789012:security-group/sg-1", "ec2:security-group", "sg-1"},
		{"arn:aws:ec2:us-east-1:123456789012:vpc-flow-log/fl-1", "ec2:vpc-flow-log", "fl-1"},
		{"arn:aws:ec2:us-east-1:123456789012:natgateway/nat-1", "ec2:natgateway", "nat-1"},
		{"arn:aws:s3:::bucket", "s3:bucket", "bucket"},
		{"arn:aws:s3:::bucket/k/ey", "s3:object", "bucket/k/ey"},
		{"arn:aws:s3:::bucket/", "s3:bucket", "bucket"},
		{"arn:aws:s3:us-east-1:123456789012:accesspoint/ap1", "s3:accesspoint", "ap1"},
		{"arn:aws:iam::123456789012:role/path/to/Name", "iam:role", "Name"},
		{"arn:aws:iam::123456789012:role/aws-service-role/rds.amazonaws.com/AWSServiceRoleForRDS", "iam:role", "AWSServiceRoleForRDS"},
		{"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "iam:policy", "AWSLambdaBasicExecutionRole"},
		{"arn:aws:iam::123456789012:user/division/alice", "iam:user", "alice"},
		{"arn:aws:iam::123456789012:instance-profile/p", "iam:instance-profile", "p"},
		{"arn:aws:iam::123456789012:mfa/dev", "iam:mfa", "dev"},
		{"arn:aws:iam::123456789012:saml-provider/Okta", "iam:saml-provider", "Okta"},
		{"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com", "iam:oidc-provider", "token.actions.githubusercontent.com"},
		{"arn:aws:iam::123456789012:root", "iam:root", "123456789012"},
		{"arn:aws:sts::123456789012:assumed-role/Admin/alice", "sts:assumed-role", "Admin/alice"},
		{"arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab", "kms:key", "1234abcd-12ab"},
		{"arn:aws:kms:us-east-1:123456789012:alias/aws/ssm", "kms:alias", "alias/aws/ssm"},
		{"arn:aws:lambda:us-east-1:123456789012:function:fn", "lambda:function", "fn"},
		{"arn:aws:lambda:us-east-1:123456789012:function:fn:PROD", "lambda:function", "fn"},
		{"arn:aws:lambda:us-east-1:123456789012:layer:ext:3", "lambda:layer", "ext"},
		{"arn:aws:rds:us-east-1:123456789012:db:MyDB", "rds:db", "mydb"},
		{"arn:aws:rds:us-east-1:123456789012:snapshot:rds:mydb-2024-01-01", "rds:snapshot", "rds:mydb-2024-01-01"},
		{"arn:aws:rds:us-east-1:123456789012:cluster:c1", "rds:cluster", "c1"},
		{"arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn:*", "logs:log-group", "/aws/lambda/fn"},
		{"arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:s", "logs:log-group", "g"},
		{"arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbC123", "secretsmanager:secret", "prod/db"},
		{"arn:aws:ssm:us-east-1:123456789012:parameter/a/b", "ssm:parameter", "/a/b"},
		{"arn:aws:ssm:us-east-1:123456789012:parameter/flat", "ssm:parameter", "flat"},
		{"arn:aws:ssm:us-east-1:123456789012:document/AWS-RunShellScript", "ssm:document", "AWS-RunShellScript"},
		{"arn:aws:cloudtrail:us-east-1:123456789012:trail/t1", "cloudtrail:trail", "t1"},
		{"arn:aws:dynamodb:us-east-1:123456789012:table/T/stream/2024-01-01T00:00:00.000", "dynamodb:table", "T"},
		{"arn:aws:ecs:us-east-1:123456789012:service/cluster1/svc", "ecs:service", "svc"},
		{"arn:aws:ecs:us-east-1:123456789012:service/svc", "ecs:service", "svc"},
		{"arn:aws:ecs:us-east-1:123456789012:task-definition/web:7", "ecs:task-definition", "web"},
		{"arn:aws:ecs:us-east-1:123456789012:cluster/c", "ecs:cluster", "c"},
		{"arn:aws:eks:us-east-1:123456789012:cluster/k", "eks:cluster", "k"},
		{"arn:aws:sns:us-east-1:123456789012:alerts", "sns:topic", "alerts"},
		{"arn:aws:sns:us-east-1:123456789012:alerts:0b1c-uuid", "sns:subscription", "alerts:0b1c-uuid"},
		{"arn:aws:sqs:us-east-1:123456789012:q1", "sqs:queue", "q1"},
		{"arn:aws:cloudformation:us-east-1:123456789012:stack/web/0a1b-uuid", "cloudformation:stack", "web"},
		{"arn:aws:guardduty:us-east-1:123456789012:detector/abc", "guardduty:detector", "abc"},
		// types it does not know: service:type and the rest
		{"arn:aws:states:us-east-1:123456789012:stateMachine:flow", "states:stateMachine", "flow"},
		{"arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/84dc", "elasticloadbalancing:loadbalancer", "app/web/84dc"},
		{"arn:aws:execute-api:us-east-1:123456789012:a1b2", "execute-api", "a1b2"},
		{"arn:aws:svc:::my type/x", "svc", "my type/x"}, // a kind never holds a space
		// not ARNs
		{"", "", ""},
		{"arn", "", ""},
		{"arn:aws:s3", "", ""},
		{"arn:aws:s3:::", "", ""},
		{"arn::::table/table", "", ""},
		{"arn:0: 00:::0", "", ""},
		{"arn:aws::us-east-1:123:thing/x", "", ""},
		{"arn:aws:ec2:us-east-1:123:instance/", "", ""},
		{"ARN:aws:s3:::bucket", "", ""},
		{"i-0abc", "", ""},
		{"urn:aws:s3:::bucket", "", ""},
		{long, "", ""},
	}
	for _, tt := range tests {
		got, ok := ResourceFromARN(tt.arn)
		if tt.kind == "" {
			if ok {
				t.Errorf("ResourceFromARN(%q) = %+v, want not an ARN", tt.arn, got)
			}
			continue
		}
		if !ok || got.Kind != tt.kind || got.ID != tt.id || got.ARN != tt.arn {
			t.Errorf("ResourceFromARN(%q) = %+v, %v; want {%s %s}", tt.arn, got, ok, tt.kind, tt.id)
		}
	}
}

func TestExtractResourcesInline(t *testing.T) {
	tests := []struct {
		label, source, name string
		listed              []ListedResource
		req, resp           string
		want                []string
	}{
		{label: "bare instance ID and its ARN are one resource", source: "ec2.amazonaws.com", name: "TerminateInstances",
			listed: []ListedResource{{ARN: "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc"}},
			req:    `{"instancesSet":{"items":[{"instanceId":"i-0abc"}]}}`,
			resp:   `{"instancesSet":{"items":[{"instanceId":"i-0abc","currentState":{"code":32}}]}}`,
			want:   []string{"ec2:instance i-0abc"}},
		{label: "ARNPrefix of S3 objects is their bucket", source: "s3.amazonaws.com", name: "ListObjects",
			listed: []ListedResource{{ARNPrefix: "arn:aws:s3:::logs/2024/", Type: "AWS::S3::Object"}, {ARN: "arn:aws:s3:::logs", Type: "AWS::S3::Bucket"}},
			req:    `{"bucketName":"logs","prefix":"2024/"}`,
			want:   []string{"s3:bucket logs"}},
		{label: "S3 copy source, URL-encoded, with a version", source: "s3.amazonaws.com", name: "CopyObject",
			req:  `{"bucketName":"dst","key":"a b.txt","x-amz-copy-source":"/src/a%20b.txt?versionId=3"}`,
			want: []string{"s3:bucket dst", "s3:object dst/a b.txt", "s3:object src/a b.txt"}},
		{label: "KMS key IDs, aliases and ARNs", source: "kms.amazonaws.com", name: "CreateAlias",
			req:  `{"aliasName":"alias/app","targetKeyId":"arn:aws:kms:us-east-1:123456789012:key/k1"}`,
			want: []string{"kms:alias alias/app", "kms:key k1"}},
		{label: "KMS alias as keyId", source: "kms.amazonaws.com", name: "Encrypt",
			req:  `{"keyId":"alias/app"}`,
			want: []string{"kms:alias alias/app"}},
		{label: "Lambda function by name, partial ARN and qualifier", source: "lambda.amazonaws.com", name: "Invoke",
			req:  `{"functionName":"123456789012:function:fn:PROD","layers":["arn:aws:lambda:us-east-1:123456789012:layer:l:2"]}`,
			resp: `{"functionArn":"arn:aws:lambda:us-east-1:123456789012:function:fn"}`,
			want: []string{"lambda:function fn", "lambda:layer l"}},
		{label: "SSM parameter names with a version, a label, a single-level slash", source: "ssm.amazonaws.com", name: "GetParameters",
			listed: []ListedResource{{ARN: "arn:aws:ssm:us-east-1:123456789012:parameter/flat"}},
			req:    `{"names":["/a/b:3","/flat","other:label"]}`,
			want:   []string{"ssm:parameter /a/b", "ssm:parameter flat", "ssm:parameter other"}},
		{label: "SSM name of a document is not a parameter", source: "ssm.amazonaws.com", name: "GetDocument",
			req:  `{"name":"AWS-RunShellScript"}`,
			want: []string{"ssm:document AWS-RunShellScript"}},
		{label: "cloudtrail name is a trail, even as an ARN", source: "cloudtrail.amazonaws.com", name: "StopLogging",
			req:  `{"name":"arn:aws:cloudtrail:us-east-1:123456789012:trail/t1"}`,
			want: []string{"cloudtrail:trail t1"}},
		{label: "eks name is a cluster", source: "eks.amazonaws.com", name: "DeleteCluster",
			req:  `{"name":"k1"}`,
			want: []string{"eks:cluster k1"}},
		{label: "name means nothing in an unknown service", source: "example.amazonaws.com", name: "Get",
			req: `{"name":"x"}`},
		{label: "SQS queue URL", source: "sqs.amazonaws.com", name: "SetQueueAttributes",
			listed: []ListedResource{{ARN: "arn:aws:sqs:us-east-1:123456789012:q1"}},
			req:    `{"queueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/q1"}`,
			want:   []string{"sqs:queue q1"}},
		{label: "SNS topic", source: "sns.amazonaws.com", name: "Publish",
			req:  `{"topicArn":"arn:aws:sns:us-east-1:123456789012:alerts"}`,
			want: []string{"sns:topic alerts"}},
		{label: "RDS identifiers are case-insensitive", source: "rds.amazonaws.com", name: "DeleteDBInstance",
			listed: []ListedResource{{ARN: "arn:aws:rds:us-east-1:123456789012:db:mydb"}},
			req:    `{"dBInstanceIdentifier":"MyDB","finalDBSnapshotIdentifier":"Final"}`,
			want:   []string{"rds:db mydb", "rds:snapshot final"}},
		{label: "secret by name and by ARN", source: "secretsmanager.amazonaws.com", name: "GetSecretValue",
			listed: []ListedResource{{ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbC123"}},
			req:    `{"secretId":"prod/db"}`,
			want:   []string{"secretsmanager:secret prod/db"}},
		{label: "ECS cluster, service and task definition", source: "ecs.amazonaws.com", name: "CreateService",
			req:  `{"cluster":"c1","serviceName":"web","taskDefinition":"web:7"}`,
			resp: `{"service":{"serviceArn":"arn:aws:ecs:us-east-1:123456789012:service/c1/web","clusterArn":"arn:aws:ecs:us-east-1:123456789012:cluster/c1","taskDefinition":"arn:aws:ecs:us-east-1:123456789012:task-definition/web:7"}}`,
			want: []string{"ecs:cluster c1", "ecs:service web", "ecs:task-definition web"}},
		{label: "CloudFormation stack by name and ID", source: "cloudformation.amazonaws.com", name: "CreateStack",
			req:  `{"stackName":"web"}`,
			resp: `{"stackId":"arn:aws:cloudformation:us-east-1:123456789012:stack/web/0a1b"}`,
			want: []string{"cloudformation:stack web"}},
		{label: "DynamoDB batch request names tables by key", source: "dynamodb.amazonaws.com", name: "BatchGetItem",
			req:  `{"requestItems":{"T1":{"keys":[]},"T2":{}}}`,
			want: []string{"dynamodb:table T1", "dynamodb:table T2"}},
		{label: "Config recorder and delivery channel objects", source: "config.amazonaws.com", name: "PutDeliveryChannel",
			req:  `{"deliveryChannel":{"name":"default","s3BucketName":"cfg"}}`,
			want: []string{"config:delivery-channel default", "s3:bucket cfg"}},
		{label: "IAM OIDC provider and access key", source: "iam.amazonaws.com", name: "CreateOpenIDConnectProvider",
			req:  `{"url":"https://token.actions.githubusercontent.com"}`,
			resp: `{"openIDConnectProviderArn":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}`,
			want: []string{"iam:oidc-provider token.actions.githubusercontent.com"}},
		{label: "STS: the session the call made is not a resource, the role and the key are", source: "sts.amazonaws.com", name: "AssumeRoleWithSAML",
			req:  `{"roleArn":"arn:aws:iam::123456789012:role/R","principalArn":"arn:aws:iam::123456789012:saml-provider/Okta"}`,
			resp: `{"credentials":{"accessKeyId":"ASIAEXAMPLE"},"assumedRoleUser":{"arn":"arn:aws:sts::123456789012:assumed-role/R/alice"}}`,
			want: []string{"iam:access-key ASIAEXAMPLE", "iam:role R", "iam:saml-provider Okta"}},
		{label: "EC2 IDs in XML-style and tag requests", source: "ec2.amazonaws.com", name: "CreateTags",
			req:  `{"resourcesSet":{"items":[{"resourceId":"vol-1"},{"resourceId":"odd-1"}]},"tagSet":{"items":[{"key":"k","value":"i-notme"}]}}`,
			want: []string{"ec2:volume vol-1"}},
		{label: "instance IDs outside EC2", source: "ssm.amazonaws.com", name: "SendCommand",
			req:  `{"instanceIds":["i-1","mi-2","web"]}`,
			want: []string{"ec2:instance i-1", "ssm:managed-instance mi-2"}},
		{label: "policies name ARNs they do not touch", source: "s3.amazonaws.com", name: "PutBucketPolicy",
			req:  `{"bucketName":"b","bucketPolicy":{"Statement":[{"Resource":"arn:aws:s3:::b/*","Principal":{"AWS":"arn:aws:iam::1:root"},"Condition":{"StringEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:1:t"}}}]}}`,
			want: []string{"s3:bucket b"}},
		{label: "values that are not names", source: "ec2.amazonaws.com", name: "X",
			req: `{"instanceId":5,"volumeId":"","snapshotId":null,"imageId":true,"vpcId":{},"subnetId":[],"groupId":"` + strings.Repeat("g", 1025) + `"}`},
		{label: "URL-encoded ARN", source: "eks.amazonaws.com", name: "CreateAccessEntry",
			req:  `{"principalArn":"arn%3Aaws%3Aiam%3A%3A1%3Arole%2FR"}`,
			want: []string{"iam:role R"}},
		{label: "escaped JSON strings", source: "iam.amazonaws.com", name: "CreateUser",
			req:  `{"userName":"caf\u00e9"}`,
			want: []string{"iam:user café"}},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			var req, resp []byte
			if tt.req != "" {
				req = []byte(tt.req)
			}
			if tt.resp != "" {
				resp = []byte(tt.resp)
			}
			got := ExtractResources(tt.source, tt.name, tt.listed, req, resp)
			checkResources(t, got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(keysOf(got), want) {
				t.Errorf("got %q\nwant %q", keysOf(got), want)
			}
		})
	}
}

func TestExtractResourcesKeepsARN(t *testing.T) {
	arn := "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc"
	// The bare ID comes first; the ARN found later fills it in.
	got := ExtractResources("ec2.amazonaws.com", "StopInstances", nil,
		[]byte(`{"instanceId":"i-0abc"}`), []byte(`{"instanceArn":"`+arn+`"}`))
	if len(got) != 1 || got[0].ARN != "" && got[0].ARN != arn {
		t.Fatalf("got %+v", got)
	}
	got = ExtractResources("ec2.amazonaws.com", "StopInstances", []ListedResource{{ARN: arn}}, []byte(`{"instanceId":"i-0abc"}`), nil)
	if len(got) != 1 || got[0].ARN != arn {
		t.Fatalf("got %+v, want the listed ARN kept", got)
	}
}

func TestExtractResourcesGarbage(t *testing.T) {
	inputs := []string{"", "null", "{}", "[]", "{", "}", `"str"`, "42", "garbage", `{"instanceId"`,
		`{"instanceId":}`, `{"instanceId":"i-1"`, `{"a":[[[[[[[[[[{"instanceId":"i-deep"}]]]]]]]]]]}`,
		strings.Repeat("[", 10000), strings.Repeat(`{"a":`, 5000), "\x00\xff\xfe", `{"bucketName":"b","key":{"x":1}}`}
	for _, src := range []string{"ec2.amazonaws.com", "s3.amazonaws.com", "iam.amazonaws.com", "dynamodb.amazonaws.com", ""} {
		for _, in := range inputs {
			got := ExtractResources(src, "Any", []ListedResource{{ARN: in}, {ARNPrefix: in}}, []byte(in), []byte(in))
			checkResources(t, got)
		}
	}
	if got := ExtractResources("ec2.amazonaws.com", "X", nil, nil, nil); got != nil {
		t.Errorf("nothing in, got %v", got)
	}
}

// TestExtractResourcesDoesNotAlias checks that the strings returned survive the caller reusing its
// buffers: the loader decodes a million records through the same bytes.
func TestExtractResourcesDoesNotAlias(t *testing.T) {
	req := []byte(`{"bucketName":"bucket","key":"k","x-amz-copy-source":"src/obj","kmsKeyId":"arn:aws:kms:us-east-1:1:key/k1","instanceId":"i-1"}`)
	got := ExtractResources("s3.amazonaws.com", "CopyObject", nil, req, nil)
	want := keysOf(got)
	for i := range req {
		req[i] = 'X'
	}
	if after := keysOf(got); !slices.Equal(after, want) || len(want) != 5 {
		t.Errorf("before %q, after overwriting the request %q", want, after)
	}
}

func TestResourceKey(t *testing.T) {
	r := Resource{Kind: "s3:object", ID: "bucket/a key", ARN: "arn:aws:s3:::bucket/a key"}
	if got := r.Key(); got != "s3:object bucket/a key" {
		t.Errorf("Key() = %q", got)
	}
	a, _ := ResourceFromARN("arn:aws:ec2:us-east-1:1:instance/i-1")
	if b := (Resource{Kind: "ec2:instance", ID: "i-1"}); a.Key() != b.Key() {
		t.Errorf("ARN and bare ID: %q != %q", a.Key(), b.Key())
	}
}

func TestNormalizeResourceTerm(t *testing.T) {
	tests := []struct{ in, want string }{
		{"i-0abc", "i-0abc"},
		{"arn:aws:ec2:us-east-1:1:instance/i-0abc", "i-0abc"},
		{"  arn:aws:iam::1:role/p/Admin ", "Admin"},
		{"arn%3Aaws%3Aiam%3A%3A1%3Arole%2FR", "R"},
		{"arn:aws:secretsmanager:us-east-1:1:secret:prod/db-AbC123", "prod/db"},
		{"arn:aws:ssm:us-east-1:1:parameter/credentials/stratus/creds-34", "/credentials/stratus/creds-34"},
		{"s3://bucket/key/", "bucket/key"},
		{"https://sqs.us-east-1.amazonaws.com/123456789012/q1", "q1"},
		{"arn:aws", "arn:aws"},
		{"alias/aws/ssm", "alias/aws/ssm"},
	}
	for _, tt := range tests {
		if got := NormalizeResourceTerm(tt.in); got != tt.want {
			t.Errorf("NormalizeResourceTerm(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzExtractResources(f *testing.F) {
	f.Add("ec2.amazonaws.com", "RunInstances", "arn:aws:ec2:us-east-1:1:instance/i-1",
		[]byte(`{"instancesSet":{"items":[{"instanceId":"i-1"}]},"filterSet":{"items":[{"name":"vpc-id","valueSet":{"items":[{"value":"vpc-1"}]}}]}}`),
		[]byte(`{"CreateFlowLogsResponse":{"flowLogIdSet":{"item":"fl-1"}}}`))
	f.Add("s3.amazonaws.com", "CopyObject", "arn:aws:s3:::b/k", []byte(`{"bucketName":"b","key":"k","x-amz-copy-source":"/s/%41?v=1"}`), []byte("null"))
	f.Add("ssm.amazonaws.com", "GetParameters", "arn:aws:ssm:r:1:parameter/a/b", []byte(`{"names":["/a/b:1","/x"]}`), []byte(nil))
	f.Add("dynamodb.amazonaws.com", "BatchGetItem", "arn::::table/t", []byte(`{"requestItems":{"T":{}}}`), []byte(`{`))
	f.Add("eks.amazonaws.com", "CreateAccessEntry", "arn%3Aaws", []byte(`{"principalArn":"arn%3Aaws%3Aiam%3A%3A1%3Arole%2FR"}`), []byte(`[]`))
	f.Add("0", "0", "", []byte(`{"":{"Arn":"`), []byte(`{"Arn":"arn:0: 00:::0"0`))
	f.Add("iam.amazonaws.com", "CreateUser", "", []byte(`{"userName":"\u00e9\ud800"}`), []byte(`{"user":{"arn":"arn:aws:iam::1:user/x"}}`))
	if _, err := os.Stat(realDataDir); err == nil {
		for _, r := range loadRealRecords(f, invictus+"1200Z_x9kHmzMa7cx6l9wM.json") {
			arn := ""
			if len(r.Listed) > 0 {
				arn = r.Listed[0].ARN
			}
			f.Add(r.Source, r.Name, arn, r.Request, r.Response)
		}
	}
	f.Fuzz(func(t *testing.T, source, name, arn string, request, response []byte) {
		got := ExtractResources(source, name, []ListedResource{{ARN: arn}, {ARNPrefix: arn}}, request, response)
		checkResources(t, got)
		for _, r := range got {
			if len(r.ID) > 2*maxValueLen+1 {
				t.Errorf("ID of %d bytes", len(r.ID))
			}
		}
		if r, ok := ResourceFromARN(arn); ok && (r.Kind == "" || r.ID == "") {
			t.Errorf("ResourceFromARN(%q) = %+v", arn, r)
		}
		_ = NormalizeResourceTerm(arn)
	})
}

// BenchmarkExtractResources measures the walk on real records of the kinds a large archive is
// made of: small requests (GetParameter, Decrypt with its resources[], AssumeRole, an S3 data event)
// and one large RunInstances.
func BenchmarkExtractResources(b *testing.B) {
	needRealData(b)
	cases := []struct{ label, file, name, id string }{
		{"GetParameter", invictus + "1200Z_iLj9fb7yyUG9X4Bf.json", "GetParameter", "736cbe1d-d978-4599-ba4c-a4d682b908b8"},
		{"Decrypt", invictus + "1200Z_iLj9fb7yyUG9X4Bf.json", "Decrypt", "c6ebc8b7-572c-4123-92bf-9d94933724ca"},
		{"AssumeRole", invictus + "1200Z_iLj9fb7yyUG9X4Bf.json", "AssumeRole", "4bd2a6f6-dddc-49e6-ba7d-08f73e809e64"},
		{"AuthorizeSecurityGroupIngress", invictus + "1215Z_YMDRJwtmC82bUwAo.json", "AuthorizeSecurityGroupIngress", "7e96f0e7-4d78-423d-b3f5-391370685b30"},
		{"GetBucketAcl", invictus + "1205Z_UljXNp9xLp8nsAGc.json", "GetBucketAcl", ""},
		{"DescribeSecurityGroups", invictus + "1200Z_x9kHmzMa7cx6l9wM.json", "DescribeSecurityGroups", "8a13e27e-c9a2-4a45-9555-13eededb14b3"},
		{"RunInstances", invictus + "1200Z_x9kHmzMa7cx6l9wM.json", "RunInstances", ""},
	}
	var mix []realRecord
	for _, c := range cases {
		r := findRecord(b, c.file, c.name, c.id, 0)
		if c.name == "RunInstances" {
			r = findRecord(b, c.file, c.name, c.id, 2) // the successful one, with its 3 KB response
		}
		mix = append(mix, r)
		b.Run(c.label, func(b *testing.B) {
			b.SetBytes(int64(len(r.Request) + len(r.Response)))
			b.ReportAllocs()
			for b.Loop() {
				ExtractResources(r.Source, r.Name, r.Listed, r.Request, r.Response)
			}
		})
	}
	b.Run("mix-without-RunInstances", func(b *testing.B) {
		small := mix[:len(mix)-1]
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			r := small[i%len(small)]
			ExtractResources(r.Source, r.Name, r.Listed, r.Request, r.Response)
		}
	})
}
