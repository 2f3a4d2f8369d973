package archive

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
)

// dataDir is the shared public CloudTrail data (../shared/data from the project root). A user's
// clone of the project has none: these tests then skip.
func dataDir(t testing.TB, sub string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "data", sub)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no shared data at %s (a user's clone has none): %v", dir, err)
	}
	return dir
}

func TestRealDatasets(t *testing.T) {
	tests := []struct {
		dir      string
		records  int // records in the files, as ../shared/data/README.md counts them
		unique   int // events after eventID de-duplication
		problems int // records that cannot be read (hand-edited fixtures)
	}{
		{"invictus_aws_dataset", 2900, 2900, 0},
		{"traildiscover_logexamples", 563, 314, 0}, // sanitised: many records share a placeholder eventID
		{"stratus_red_team_detonation_logs", 310, 310, 0},
		{"curated_varied", 424, 424, 0},
		{"elastic_integrations_fixtures", 9, 9, 0},
		{"aws_docs_examples_2023", 22, 19, 0},
		{"panther_analysis_tests", 440, 161, 19}, // fixtures: 19 have no usable eventTime
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			idx, problems, prog := load(t, []string{dataDir(t, tt.dir)}, Options{})
			if prog.Records+len(problems) != tt.records {
				t.Errorf("read %d records and %d problems, want %d records in all", prog.Records, len(problems), tt.records)
			}
			if idx.Len() != tt.unique {
				t.Errorf("%d unique events, want %d", idx.Len(), tt.unique)
			}
			if len(problems) != tt.problems {
				t.Errorf("%d problems, want %d: %v", len(problems), tt.problems, problems)
			}
			for ref := range index.EventRef(idx.Len()) {
				if _, err := idx.Raw(ref); err != nil {
					t.Fatalf("Raw(%d): %v", ref, err)
				}
			}
		})
	}
}

func TestRealFormats(t *testing.T) {
	dir := dataDir(t, "derived_formats")
	for _, f := range []string{
		"lookup_events_wire/page-001.json",
		"cloudwatch_logs/export_task_000000.gz",
		"cloudwatch_logs/get_log_events_response.json",
		"cloudwatch_logs/subscription_data_message_decoded.json",
	} {
		idx, problems, _ := load(t, []string{filepath.Join(dir, f)}, Options{})
		if idx.Len() == 0 || len(problems) > 0 {
			t.Errorf("%s: %d events, problems %v", f, idx.Len(), problems)
		}
	}
	_, _, prog := load(t, []string{dataDir(t, "digest_files")}, Options{})
	if prog.Skipped < 3 || prog.Records != 0 {
		t.Errorf("digest files: %+v, want them recognised and skipped", prog)
	}
}

// find returns the events matching a filter.
func find(t *testing.T, idx *index.Index, text string) []cloudtrail.Record {
	t.Helper()
	q, err := filter.ParseQuery(text)
	if err != nil {
		t.Fatal(err)
	}
	var out []cloudtrail.Record
	for _, ref := range idx.Query(q).Refs {
		out = append(out, idx.Record(ref))
	}
	return out
}

func TestRealIdentitiesResourcesAndChains(t *testing.T) {
	idx, _, _ := load(t, []string{dataDir(t, "invictus_aws_dataset"), dataDir(t, "stratus_red_team_detonation_logs"),
		dataDir(t, "elastic_integrations_fixtures"), dataDir(t, "curated_varied"), dataDir(t, "aws_docs_examples_2023")}, Options{})

	// Identities of every kind the data holds.
	principals := map[string]bool{}
	for _, v := range idx.Values(filter.FieldPrincipal) {
		principals[v.Value] = true
	}
	for _, want := range []string{
		"user/bert-jan",
		"role/stratus-red-team-ec2-enumerate-role (session i-05c30218156bcc246)",
		"service ec2.amazonaws.com",
	} {
		if !principals[want] {
			t.Errorf("no principal %q", want)
		}
	}
	types := map[string]bool{}
	for _, v := range idx.Values(filter.FieldType) {
		types[v.Value] = true
	}
	for _, want := range []string{"IAMUser", "AssumedRole", "AWSService", "Root", "IdentityCenterUser", "SAMLUser", "FederatedUser", "AWSAccount"} {
		if !types[want] {
			t.Errorf("no identity type %s among %v", want, types)
		}
	}

	// Who created the backdoor user, and what it touched.
	created := find(t, idx, "event:CreateUser resource:malicious-iam-user account:123837392027")
	if len(created) != 1 || created[0].Identity.Principal != "user/bert-jan" {
		t.Fatalf("CreateUser malicious-iam-user: %+v", created)
	}
	attach := find(t, idx, "event:AttachUserPolicy resource:malicious-iam-user account:123837392027")
	if len(attach) != 1 || !slices.ContainsFunc(attach[0].Resources, func(r cloudtrail.Resource) bool { return r.Kind == "iam:policy" }) {
		t.Errorf("AttachUserPolicy should name the user and the policy: %+v", attach)
	}
	pwd := find(t, idx, "event:GetPasswordData")
	if len(pwd) == 0 || !slices.ContainsFunc(pwd[0].Resources, func(r cloudtrail.Resource) bool { return r.Kind == "ec2:instance" }) {
		t.Errorf("GetPasswordData should name its instance: %+v", pwd)
	}

	// The credential chain: the EC2 instance role's session was minted by EC2 (the instance
	// profile); the get-user-data role's session by user/christophe's AssumeRole.
	for _, tt := range []struct{ filter, caller, minter string }{
		{"event:UpdateInstanceInformation principal:stratus-red-team-ec2-enumerate-role", "service ec2.amazonaws.com", "AssumeRole"},
		{"event:DescribeInstanceAttribute key:ASIA4URVX2JM5MT0ZGK8", "user/christophe", "AssumeRole"},
	} {
		q, _ := filter.ParseQuery(tt.filter)
		refs := idx.Query(q).Refs
		if len(refs) == 0 {
			t.Fatalf("%s: no events", tt.filter)
		}
		chain := idx.Chain(refs[0])
		if len(chain) == 0 || chain[len(chain)-1].Caller != tt.caller || chain[0].Event != tt.minter {
			t.Errorf("%s: chain %+v, want it to end at %s", tt.filter, chain, tt.caller)
		}
		if minted := idx.Record(chain[0].Minted); minted.MintedKey != idx.Record(refs[0]).Identity.AccessKey {
			t.Errorf("the minting event minted %s, not the session's key", minted.MintedKey)
		}
	}
}

func TestRealTraildiscoverRedactedKeysMakeNoChains(t *testing.T) {
	idx, _, _ := load(t, []string{dataDir(t, "traildiscover_logexamples")}, Options{})
	for ref := range index.EventRef(idx.Len()) {
		if c := idx.Chain(ref); len(c) > 0 {
			t.Fatalf("event %s has a chain through a redacted key: %+v", idx.Record(ref).EventID, c)
		}
	}
}
