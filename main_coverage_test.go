package main

import (
	"encoding/csv"
	"encoding/json"
	"path"
	"strconv"
	"strings"
	"testing"
)

func TestCoverageCommand(t *testing.T) {
	out, stderr, code := runRoot(t, "", "coverage", "--sample", "invictus")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"2,900 events from 2023-07-10 11:42:18 to 2023-07-10 12:37:50",
		"123837392027  us-east-1  2023-07-10 11:42:18  2023-07-10 12:37:50  2,900   none",
		"Data events: none.",
		"stratus-red-team-ctes-trail-qyxyekjbtk",
		"PutEventSelectors  user/bert-jan            management events off; data events on: AWS::S3::Object (all, read only)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	out, _, _ = runRoot(t, "", "coverage", "--sample", "invictus", "--gap", "4m", "--format", "json")
	var rep struct {
		Events int
		Spans  []struct{ Gaps []struct{ Seconds int } }
		Trails []struct {
			Name    string
			Changes []struct{ Event, Summary string }
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if rep.Events != 2900 || len(rep.Spans) != 1 || len(rep.Spans[0].Gaps) != 2 || rep.Spans[0].Gaps[1].Seconds != 301 || len(rep.Trails) != 4 {
		t.Errorf("json %+v", rep)
	}
	if _, stderr, code := runRoot(t, "", "coverage", "--sample", "invictus", "--format", "csv"); code != exitError || !strings.Contains(stderr, "table or json") {
		t.Errorf("csv: exit %d %q", code, stderr)
	}
}

func TestQueryCountBy(t *testing.T) {
	// Every event of bert-jan counted under its source IP: the counts add up to the events.
	events, _, _ := query(t, "", "--sample", "invictus", "--format", "csv", "principal:bert-jan")
	rows, _ := csv.NewReader(strings.NewReader(events)).ReadAll()
	out, _, code := query(t, "", "--sample", "invictus", "--count-by", "ip", "--format", "csv", "principal:bert-jan")
	counts, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != exitFound || err != nil || counts[0][0] != "ip" || counts[1][0] != "192.168.10.20" {
		t.Fatalf("exit %d %v:\n%s", code, err, out)
	}
	sum, prev := 0, 1<<30
	for _, c := range counts[1:] {
		n, _ := strconv.Atoi(c[1])
		if n > prev {
			t.Errorf("not largest first: %v", counts)
		}
		prev = n
		sum += n
	}
	if sum != len(rows)-1 {
		t.Errorf("counts add up to %d, %d events", sum, len(rows)-1)
	}

	out, _, _ = query(t, "", "--sample", "invictus", "--count-by", "error", "")
	if !strings.HasPrefix(out, "ERROR") || !strings.Contains(out, "(none)") || !strings.Contains(out, "ThrottlingException") {
		t.Errorf("table:\n%s", out)
	}
	out, _, _ = query(t, "", "--sample", "invictus", "--count-by", "user", "--format", "json", "event:CreateAccessKey")
	var line struct {
		Value string
		Count int
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &line); err != nil || line.Value != "user/bert-jan" || line.Count != 2 {
		t.Errorf("json %q: %v", out, err)
	}
	if _, stderr, code := query(t, "", "--sample", "invictus", "--count-by", "readonly", ""); code != exitError || !strings.Contains(stderr, "count by one of event, principal") {
		t.Errorf("bad field: exit %d %q", code, stderr)
	}
}

// The table names every resource of a CreateAccessKey: the user and the key made for it.
func TestQueryTableShowsEveryResource(t *testing.T) {
	out, _, _ := query(t, "", "--sample", "invictus", "event:CreateAccessKey")
	if !strings.Contains(out, "stratus-red-team-backdoor-u-user, AKIATFQR7NSC3ZO6PKAZ") || strings.Contains(out, "+1") {
		t.Errorf("table:\n%s", out)
	}
	out, _, _ = query(t, "", "--sample", "invictus", "--format", "csv", "event:CreateAccessKey")
	if !strings.Contains(out, "AKIATFQR7NSCQLA2F4OD") {
		t.Errorf("csv:\n%s", out)
	}
}

// TestQueryByFile: --count-by file says how many events each file holds, and file: selects a file's
// events, beside a term the prefilter narrows by too (the records it keeps in memory name their file).
func TestQueryByFile(t *testing.T) {
	dir := t.TempDir()
	if out, errOut, code := runRoot(t, "", "synth", "--shape", "simple", "--events", "600", "--files", "3", "--days", "1", "--seed", "4", dir); code != 0 {
		t.Fatalf("synth: exit %d: %s %s", code, out, errOut)
	}
	csvRows := func(out string) [][]string {
		rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil || len(rows) == 0 {
			t.Fatalf("csv %v:\n%s", err, out)
		}
		return rows[1:]
	}
	all, _, _ := query(t, "", "--format", "csv", dir, "")
	out, _, code := query(t, "", "--count-by", "file", "--format", "csv", dir, "")
	counts := csvRows(out)
	if code != exitFound || len(counts) != 3 {
		t.Fatalf("exit %d, %d files:\n%s", code, len(counts), out)
	}
	sum := 0
	for _, c := range counts {
		n, _ := strconv.Atoi(c[1])
		sum += n
		name := path.Base(c[0])
		events, _, _ := query(t, "", "--format", "csv", dir, "file:"+name)
		rows := csvRows(events)
		if len(rows) != n {
			t.Errorf("file:%s: %d events, --count-by file says %d", name, len(rows), n)
		}
		// The same file's events of one call, through the prefilter.
		call := rows[0][1]
		narrowed, _, _ := query(t, "", "--format", "csv", dir, "event:"+call+" file:"+name)
		want := 0
		for _, r := range rows {
			if r[1] == call {
				want++
			}
		}
		if got := len(csvRows(narrowed)); got != want {
			t.Errorf("event:%s file:%s: %d events, want %d", call, name, got, want)
		}
	}
	if sum != len(csvRows(all)) {
		t.Errorf("the files hold %d events, the archive %d", sum, len(csvRows(all)))
	}
}
