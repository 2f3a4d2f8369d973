package world

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

var reOrgPath = regexp.MustCompile(`^AWSLogs/(o-[a-z0-9]{10})/(.+)$`)

// TestOrgShape checks what ShapeOrg promises: an organization trail's layout over many accounts and regions,
// temporary keys rotating as in AWS (most records' keys are new, yet every assumed-role key is minted by an
// event before it is used), data events and 2% duplicates.
func TestOrgShape(t *testing.T) {
	opt := Options{Events: 30_000, Files: 60, Seed: 3, Days: 1, Gzip: true, Shape: ShapeOrg,
		Start: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	dir := t.TempDir()
	st, err := Generate(opt, dir)
	if err != nil {
		t.Fatal(err)
	}
	files, err := readArchive(dir)
	if err != nil {
		t.Fatal(err)
	}
	org := ""
	accounts, regions := map[string]bool{}, map[string]bool{}
	var recs []map[string]any
	for _, f := range files {
		m := reOrgPath.FindStringSubmatch(f.rel)
		if m == nil {
			t.Fatalf("%s is not in an organization trail's layout", f.rel)
		}
		if org != "" && m[1] != org {
			t.Fatalf("two organizations: %s and %s", org, m[1])
		}
		org = m[1]
		p := reFilePath.FindStringSubmatch("AWSLogs/" + m[2])
		if p == nil {
			t.Fatalf("%s does not follow CloudTrail's layout", f.rel)
		}
		accounts[p[1]], regions[p[2]] = true, true
		for _, raw := range f.records {
			var r map[string]any
			if err := json.Unmarshal(raw, &r); err != nil {
				t.Fatal(err)
			}
			if str(r, "recipientAccountId") != p[1] || str(r, "awsRegion") != p[2] {
				t.Fatalf("%s holds a record of %s %s", f.rel, str(r, "recipientAccountId"), str(r, "awsRegion"))
			}
			recs = append(recs, r)
		}
	}
	if len(accounts) < 15 || len(regions) < 9 || st.Accounts != len(accounts) || st.Regions != len(regions) {
		t.Errorf("%d accounts and %d regions (Stats %d, %d), want many", len(accounts), len(regions), st.Accounts, st.Regions)
	}

	minted := map[string]string{}
	ids := map[string]bool{}
	dups, data := 0, 0
	for _, r := range recs {
		if ids[str(r, "eventID")] {
			dups++
		}
		ids[str(r, "eventID")] = true
		if k := str(r, "responseElements", "credentials", "accessKeyId"); k != "" {
			minted[k] = str(r, "eventTime")
		}
		if str(r, "eventCategory") == "Data" {
			data++
		}
	}
	keys, arns := map[string]bool{}, map[string]bool{}
	for _, r := range recs {
		k := str(r, "userIdentity", "accessKeyId")
		if k != "" {
			keys[k] = true
		}
		if a := str(r, "userIdentity", "arn"); a != "" {
			arns[a] = true
		}
		if str(r, "userIdentity", "type") != "AssumedRole" || k == "" {
			continue
		}
		at, ok := minted[k]
		if !ok {
			t.Fatalf("assumed-role key %s is never minted", k)
		}
		if str(r, "eventTime") < at {
			t.Fatalf("key %s used at %s, before it was minted at %s", k, str(r, "eventTime"), at)
		}
	}
	for k := range minted {
		keys[k] = true
	}
	n := len(recs)
	if len(keys) != st.AccessKeys || len(arns) != st.ARNs {
		t.Errorf("Stats says %d keys and %d ARNs, the files hold %d and %d", st.AccessKeys, st.ARNs, len(keys), len(arns))
	}
	// The issue measured ~47,000 keys and ~7,600 ARNs per 100,000 events of real-shaped data.
	if per := len(keys) * 100_000 / n; per < 30_000 || per > 60_000 {
		t.Errorf("%d distinct keys per 100k events, want about 45,000", per)
	}
	if per := len(arns) * 100_000 / n; per < 4_000 || per > 20_000 {
		t.Errorf("%d distinct ARNs per 100k events, want about 8,000", per)
	}
	if d := float64(dups) / float64(n); d < 0.012 || d > 0.028 {
		t.Errorf("%.1f%% duplicates, want about 2%%", 100*d)
	}
	if d := float64(data) / float64(n); d < 0.1 {
		t.Errorf("%.1f%% data events, want many", 100*d)
	}
	if !strings.HasPrefix(org, "o-") {
		t.Errorf("organization %q", org)
	}
	t.Logf("%d records: %d accounts, %d regions, %d keys, %d ARNs, %d duplicates, %d data events",
		n, len(accounts), len(regions), len(keys), len(arns), dups, data)
}

// TestShapesApart checks that the shape option changes the archive and that an unknown shape is refused.
func TestShapesApart(t *testing.T) {
	opt := Options{Events: 2000, Files: 2, Seed: 5}
	var simple, org []byte
	Records(opt, func(rec []byte) bool { simple = append(simple, rec...); return true })
	opt.Shape = ShapeOrg
	Records(opt, func(rec []byte) bool { org = append(org, rec...); return true })
	if string(simple) == string(org) {
		t.Fatal("ShapeOrg made the same records as ShapeSimple")
	}
	if _, err := Generate(Options{Events: 10, Shape: ShapeOrg + 1}, os.DevNull); err == nil {
		t.Error("an unknown shape was accepted")
	}
}
