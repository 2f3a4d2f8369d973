package archive

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/index"

	"github.com/trailscope/trailscope/model/filter"
)

// failedSignIns counts, with encoding/json and no code of the project, the distinct events of an NDJSON
// file that report failure in their response and have no errorCode.
func failedSignIns(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{} // eventID -> eventName
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r struct {
			EventID, EventName, ErrorCode string
			ResponseElements              map[string]any
		}
		if json.Unmarshal(sc.Bytes(), &r) != nil || r.ErrorCode != "" {
			continue
		}
		for _, v := range r.ResponseElements {
			if v == "Failure" {
				out[r.EventID] = r.EventName
			}
		}
	}
	return out
}

// A failed console sign-in has no errorCode: it says "Failure" in its response. It is an error all the
// same: error:any finds it, its record says so, the principal summaries count it.
func TestRealFailedSignInsAreErrors(t *testing.T) {
	for _, tt := range []struct{ dir, file string }{
		{"aws_docs_examples_2023", "aws_docs_example_records.jsonl"},
	} {
		t.Run(tt.dir, func(t *testing.T) {
			dir := dataDir(t, tt.dir)
			want := failedSignIns(t, filepath.Join(dir, tt.file))
			if len(want) == 0 {
				t.Fatalf("%s: no failed sign-in in the data", tt.file)
			}
			idx, _, _ := load(t, []string{filepath.Join(dir, tt.file)}, Options{})
			got := map[string]string{}
			for _, r := range find(t, idx, "error:Failure") {
				got[r.EventID] = r.Name
				if r.ErrorInResponse != "responseElements."+r.Name {
					t.Errorf("%s %s: failure reported in %q", r.Name, r.EventID, r.ErrorInResponse)
				}
				if r.Name == "ConsoleLogin" && r.ErrorMessage != "Failed authentication" {
					t.Errorf("ConsoleLogin %s: reason %q", r.EventID, r.ErrorMessage)
				}
			}
			if len(got) != len(want) {
				t.Errorf("error:Failure found %v, want %v", got, want)
			}
			q, _ := filter.ParseQuery("error:any")
			anyErr := map[string]bool{}
			anyRefs := idx.Query(q).Refs
			for _, ref := range anyRefs {
				anyErr[idx.Record(ref).EventID] = true
			}
			for id, name := range want {
				if !anyErr[id] {
					t.Errorf("error:any misses the failed %s %s", name, id)
				}
			}
			q, _ = filter.ParseQuery("error:none")
			for _, ref := range idx.Query(q).Refs {
				if r := idx.Record(ref); want[r.EventID] != "" {
					t.Errorf("error:none holds the failed %s %s", r.Name, r.EventID)
				}
			}
			// The principal summaries count them as errors.
			all := idx.Query(filter.Query{}).Refs
			errs := 0
			for _, p := range idx.SummarizePrincipals(all) {
				errs += p.Errors
			}
			if errs != len(anyRefs) {
				t.Errorf("summaries count %d errors, error:any %d", errs, len(anyRefs))
			}
		})
	}
}

// A long-term key has a lineage too: the CreateAccessKey that made it, who called it, for whom. In the
// invictus data, user/bert-jan made AKIATFQR7NSC3ZO6PKAZ for the backdoor user; the data holds no call
// made with it, so the test adds one, rewritten from one of bert-jan's own records.
func TestRealLongTermKeyLineage(t *testing.T) {
	dir := dataDir(t, "invictus_aws_dataset")
	idx, _, _ := load(t, []string{dir}, Options{})
	const made, maker = "AKIATFQR7NSC3ZO6PKAZ", "AKIATFQR7NSC8Q4X20BJ"

	chain := idx.KeyChain(made)
	if len(chain) != 1 {
		t.Fatalf("chain of %s: %+v", made, chain)
	}
	if l := chain[0]; l.Event != "CreateAccessKey" || l.Caller != "user/bert-jan" || l.CallerKey != maker ||
		l.For != "stratus-red-team-backdoor-u-user" || !l.LongTerm || l.SourceIP == "" {
		t.Errorf("link %+v", l)
	}
	// lineage: shows the key's making even though the key made no call.
	if got := find(t, idx, "lineage:"+made); len(got) != 1 || got[0].Name != "CreateAccessKey" {
		t.Errorf("lineage:%s = %d events", made, len(got))
	}

	// A call made with the new key: its chain leads to the CreateAccessKey and its caller.
	own := find(t, idx, "key:"+maker+" event:GetCallerIdentity")
	if len(own) == 0 {
		t.Fatal("no GetCallerIdentity of bert-jan")
	}
	raw, err := idx.Raw(mustRef(t, idx, "id:"+own[0].EventID))
	if err != nil {
		t.Fatal(err)
	}
	raw = bytes.ReplaceAll(raw, []byte(maker), []byte(made))
	raw = bytes.ReplaceAll(raw, []byte("user/bert-jan"), []byte("user/stratus-red-team-backdoor-u-user"))
	raw = bytes.ReplaceAll(raw, []byte(own[0].EventID), []byte("00000000-1111-2222-3333-444444444444"))
	r, err := cloudtrail.DecodeRecord(raw)
	if err != nil {
		t.Fatal(err)
	}
	idx.Add([]cloudtrail.Record{r})
	ref := mustRef(t, idx, "id:00000000-1111-2222-3333-444444444444")
	if c := idx.Chain(ref); len(c) != 1 || c[0].Event != "CreateAccessKey" || c[0].Caller != "user/bert-jan" {
		t.Errorf("chain of the backdoor key's call: %+v", c)
	}

	// The maker's lineage holds its own calls, the sessions it minted and what they did, and the call made
	// with the key it created.
	lineage := find(t, idx, "lineage:"+maker)
	ownCalls := find(t, idx, "key:"+maker)
	ids := map[string]bool{}
	for _, r := range lineage {
		ids[r.EventID] = true
	}
	if !ids["00000000-1111-2222-3333-444444444444"] || len(lineage) <= len(ownCalls) {
		t.Errorf("lineage:%s has %d events (%d its own), without the backdoor key's call: %v", maker, len(lineage), len(ownCalls), !ids["00000000-1111-2222-3333-444444444444"])
	}
	for _, r := range lineage {
		if r.Identity.AccessKey == maker {
			continue
		}
		q, _ := filter.ParseQuery("id:" + r.EventID)
		c := idx.Chain(idx.Query(q).Refs[0])
		if !slices.ContainsFunc(c, func(l index.Link) bool { return l.CallerKey == maker }) {
			t.Errorf("%s %s by %s is in the lineage but its chain %+v does not lead to %s", r.Name, r.EventID, r.Identity.AccessKey, c, maker)
		}
	}
}

// mustRef returns the one event a filter matches.
func mustRef(t *testing.T, idx *index.Index, text string) index.EventRef {
	t.Helper()
	q, err := filter.ParseQuery(text)
	if err != nil {
		t.Fatal(err)
	}
	refs := idx.Query(q).Refs
	if len(refs) != 1 {
		t.Fatalf("%s: %d events", text, len(refs))
	}
	return refs[0]
}

// The principal card of bert-jan in the invictus data: counted here again from the records.
func TestRealPrincipalProfile(t *testing.T) {
	idx, _, _ := load(t, []string{dataDir(t, "invictus_aws_dataset")}, Options{})
	q, _ := filter.ParseQuery("principal:user/bert-jan")
	refs := idx.Query(q).Refs
	p := idx.Profile(refs)
	ips, keys, errs, writes := map[string]int{}, map[string]int{}, 0, map[string]int{}
	for _, ref := range refs {
		r := idx.Record(ref)
		if r.SourceIP != "" {
			ips[r.SourceIP]++
		}
		if r.Identity.AccessKey != "" {
			keys[r.Identity.AccessKey]++
		}
		if r.ErrorCode != "" {
			errs++
		} else if r.ReadOnly == cloudtrail.False {
			writes[r.Name]++
		}
	}
	if p.Events != len(refs) || p.Errors != errs || len(p.IPs) != len(ips) || len(p.Keys) != len(keys) || len(p.Writes) != len(writes) {
		t.Fatalf("profile of %d events, %d errors, %d ips, %d keys, %d write calls; counted %d ips, %d keys, %d errors, %d write calls",
			p.Events, p.Errors, len(p.IPs), len(p.Keys), len(p.Writes), len(ips), len(keys), errs, len(writes))
	}
	if p.Keys[0].Value != "AKIATFQR7NSC8Q4X20BJ" || p.IPs[0].Value != "192.168.10.20" || p.IPs[0].Count != ips["192.168.10.20"] {
		t.Errorf("keys %v, ips %v", p.Keys, p.IPs)
	}
	for _, w := range p.Writes {
		if writes[w.Value] != w.Count {
			t.Errorf("write %s: %d, counted %d", w.Value, w.Count, writes[w.Value])
		}
	}
	if !p.First.Before(p.Last) || p.First.IsZero() {
		t.Errorf("seen %v to %v", p.First, p.Last)
	}
}
