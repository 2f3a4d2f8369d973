package catalog

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/trailscope/trailscope/model/filter"
)

func TestCatalogRowsAreWellFormed(t *testing.T) {
	known := map[Tactic]bool{}
	for _, tc := range Tactics() {
		known[tc] = true
	}
	seen := map[catalogKey]bool{}
	for i, r := range catalogRows {
		where := r.src + " " + r.name
		k := catalogKey{filter.EventSource(r.src), r.name}
		if seen[k] {
			t.Errorf("row %d: %s is in the catalog twice", i, where)
		}
		seen[k] = true
		if r.src == "" || strings.Contains(r.src, ".") || strings.ToLower(r.src) != r.src {
			t.Errorf("row %d: %s: source should be the lower-case first label of the eventSource", i, where)
		}
		if r.name == "" || strings.TrimSpace(r.name) != r.name || TrimAPIVersion(r.name) != r.name {
			t.Errorf("row %d: %q: name should be a bare eventName without an API version", i, r.name)
		}
		if strings.TrimSpace(r.summary) == "" || strings.TrimSpace(r.why) == "" {
			t.Errorf("row %d: %s: summary and why are both needed", i, where)
		}
		if strings.ContainsAny(r.summary+r.why, "\n\t") {
			t.Errorf("row %d: %s: summary and why must be one line", i, where)
		}
		if !known[r.tactic] {
			t.Errorf("row %d: %s: unknown tactic %q", i, where, r.tactic)
		}
		if _, ok := serviceNames[r.src]; !ok {
			t.Errorf("row %d: %s: no readable service name for %q", i, where, r.src)
		}
	}
}

func TestCatalogSize(t *testing.T) {
	all := All()
	if len(all) < 200 {
		t.Errorf("catalog has %d entries, want at least 200", len(all))
	}
	if len(all) != len(catalogRows) {
		t.Errorf("Catalog returned %d entries for %d rows", len(all), len(catalogRows))
	}
	counts := map[Tactic]int{}
	for _, e := range all {
		counts[e.Tactic]++
	}
	for _, tc := range Tactics() {
		t.Logf("%-20s %d", tc, counts[tc])
	}
}

func TestCatalogIsSortedAndACopy(t *testing.T) {
	all := All()
	sorted := slices.IsSortedFunc(all, func(a, b Entry) int {
		if c := strings.Compare(a.Source, b.Source); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	if !sorted {
		t.Error("Catalog is not sorted by source, then name")
	}
	all[0].Summary = "changed by the caller"
	if All()[0].Summary == "changed by the caller" {
		t.Error("Catalog handed out its own slice")
	}
	for _, e := range all {
		if !strings.HasSuffix(e.Source, ".amazonaws.com") {
			t.Errorf("%s %s: Source should be the full eventSource", e.Source, e.Name)
		}
	}
}

func TestExplain(t *testing.T) {
	tests := []struct {
		source, name string
		want         string // Name of the entry found; "" for none
		tactic       Tactic
	}{
		{"cloudtrail.amazonaws.com", "StopLogging", "StopLogging", DefenseEvasion},
		{"cloudtrail", "StopLogging", "StopLogging", DefenseEvasion},
		{" CloudTrail.AmazonAWS.com ", "StopLogging", "StopLogging", DefenseEvasion},
		{"ec2", "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupIngress", Exposure},
		{"lambda.amazonaws.com", "UpdateFunctionCode20150331v2", "UpdateFunctionCode", Persistence},
		{"lambda.amazonaws.com", "CreateFunction20150331", "CreateFunction", Execution},
		{"lambda", "AddPermission", "AddPermission", Exposure},
		{"sso-directory.amazonaws.com", "CreateUser", "CreateUser", Persistence},
		{"iam.amazonaws.com", "CreateUser", "CreateUser", Persistence},
		// The same name under another service is another event.
		{"s3.amazonaws.com", "StopLogging", "", ""},
		{"cloudtrail.amazonaws.com", "stoplogging", "", ""},
		{"cloudtrail.amazonaws.com", "NoSuchEvent", "", ""},
		{"example.com", "StopLogging", "", ""},
		{"", "", "", ""},
		{"lambda.amazonaws.com", "Invoke20150331v2x", "", ""},
	}
	for _, tt := range tests {
		e, ok := Explain(tt.source, tt.name)
		if ok != (tt.want != "") {
			t.Errorf("Explain(%q, %q) ok = %v, want %v", tt.source, tt.name, ok, tt.want != "")
			continue
		}
		if !ok {
			if e != (Entry{}) {
				t.Errorf("Explain(%q, %q) = %+v for an unknown event, want the zero entry", tt.source, tt.name, e)
			}
			continue
		}
		if e.Name != tt.want || e.Tactic != tt.tactic || e.Summary == "" || e.Why == "" {
			t.Errorf("Explain(%q, %q) = %+v, want %s (%s)", tt.source, tt.name, e, tt.want, tt.tactic)
		}
		if e.Source != catalogSource(tt.source) {
			t.Errorf("Explain(%q, %q).Source = %q", tt.source, tt.name, e.Source)
		}
	}
}

func TestTrimAPIVersion(t *testing.T) {
	tests := map[string]string{
		"UpdateFunctionCode20150331v2": "UpdateFunctionCode",
		"CreateFunction20150331":       "CreateFunction",
		"CreateFunction2020_05_31":     "CreateFunction",
		"UpdateDistribution2017_10_30": "UpdateDistribution",
		"ListObjectsV2":                "ListObjectsV2",
		"Invoke":                       "Invoke",
		"GetObjectv2":                  "GetObjectv2",
		"20150331":                     "20150331",
		"":                             "",
		"v2":                           "v2",
	}
	for in, want := range tests {
		if got := TrimAPIVersion(in); got != want {
			t.Errorf("TrimAPIVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestServiceName(t *testing.T) {
	tests := map[string]string{
		"ec2.amazonaws.com":       "EC2",
		"ec2":                     "EC2",
		"EC2.amazonaws.com":       "EC2",
		"signin.amazonaws.com":    "Console sign-in",
		"sso":                     "IAM Identity Center",
		"brand-new.amazonaws.com": "brand-new",
		"newservice":              "newservice",
		"example.com":             "example.com",
		"":                        "",
	}
	for in, want := range tests {
		if got := ServiceName(in); got != want {
			t.Errorf("ServiceName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCatalogCoversStratusRedTeam checks that every event of the Stratus Red Team detonation logs is explained.
// Each file there is one attack technique, so every event in it, the reconnaissance around the attack included,
// is one an investigator of that technique will meet.
func TestCatalogCoversStratusRedTeam(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "data", "stratus_red_team_detonation_logs")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skipf("no Stratus Red Team logs in %s: this test needs the project's shared data folder next to it", dir)
	}
	missing := map[string][]string{} // "source name" -> files
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var records []struct {
			EventSource string `json:"eventSource"`
			EventName   string `json:"eventName"`
		}
		if err := json.Unmarshal(b, &records); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, r := range records {
			if r.EventName == "" {
				continue
			}
			if _, ok := Explain(r.EventSource, r.EventName); !ok {
				k := r.EventSource + " " + r.EventName
				missing[k] = append(missing[k], filepath.Base(f))
			}
		}
	}
	for k, fs := range missing {
		slices.Sort(fs)
		t.Errorf("not in the catalog: %s (in %s)", k, strings.Join(slices.Compact(fs), ", "))
	}
}

func BenchmarkExplain(b *testing.B) {
	Explain("cloudtrail", "StopLogging")
	for b.Loop() {
		Explain("lambda.amazonaws.com", "UpdateFunctionCode20150331v2")
	}
}
