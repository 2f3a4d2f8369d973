package archive

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

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
			ResponseElements            map[string]any
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

