package ui

import (
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/integrity"
)

// fileRaw is a RawStore that says which file its records came from, as the archive reader's does.
type fileRaw struct {
	memRaw
	path string
}

func (f *fileRaw) File(int64) string { return f.path }

// loadWithCheck loads records (each of the file its Raw names) into a console whose check of the
// files' integrity answers with check, and runs the load to its end.
func loadWithCheck(t *testing.T, recs []cloudtrail.Record, check func() (*integrity.Report, map[string]string, error)) *App {
	t.Helper()
	ch := make(chan cloudtrail.Batch, 1)
	ch <- cloudtrail.Batch{Records: recs, Progress: cloudtrail.Progress{Done: true}}
	close(ch)
	a := newApp(Options{Batches: ch, Source: "test", Verify: check})
	a.Update(tea.WindowSizeMsg{Width: 140, Height: 30})
	drive(a, a.Init())
	if a.state.Loading {
		t.Fatal("the load did not end")
	}
	return a
}

// fromFiles makes records called name, n from each file.
func fromFiles(files map[string]string) []cloudtrail.Record {
	var out []cloudtrail.Record
	recs := synthRecords(len(files)*3, 3)
	i := 0
	for path, name := range files {
		store := &fileRaw{path: path}
		for range 3 {
			r := recs[i]
			i++
			raw := []byte(`{"eventName":"` + name + `"}`)
			r.Name, r.ErrorCode, r.ReadOnly = name, "", cloudtrail.True
			r.Raw = cloudtrail.RawRef{Store: store, Off: int64(len(store.b)), Len: len(raw)}
			store.b = append(store.b, raw...)
			out = append(out, r)
		}
	}
	return out
}

// TestIntegrityInTheConsole: once the load is done the console checks the files in the background;
// the status line says what it found, :integrity lists the files by status, the events of a file
// that does not match its digest are marked in the timeline, and their detail says so.
func TestIntegrityInTheConsole(t *testing.T) {
	recs := fromFiles(map[string]string{"case/AWSLogs/a_CloudTrail_x.json.gz": "Tampered", "case/AWSLogs/b_CloudTrail_y.json.gz": "Honest"})
	report := integrity.Report{Results: []integrity.Result{
		{File: "case/AWSLogs/a_CloudTrail_x.json.gz", Kind: integrity.KindLog, Status: integrity.Modified, Reason: "SHA-256 0f; its digest says 9a"},
		{File: "case/AWSLogs/b_CloudTrail_y.json.gz", Kind: integrity.KindLog, Status: integrity.Valid, Reason: "SHA-256 matches its digest"},
		{File: "case/AWSLogs/d_CloudTrail-Digest_z.json.gz", Kind: integrity.KindDigest, Status: integrity.Valid, Reason: "signature verified"},
	}}
	calls := 0
	a := loadWithCheck(t, recs, func() (*integrity.Report, map[string]string, error) {
		calls++
		return &report, nil, nil
	})
	if calls != 1 || a.state.Integrity.Report == nil {
		t.Fatalf("checked %d times; %+v", calls, a.state.Integrity)
	}
	s := screen(a)
	if !strings.Contains(s, "integrity: 1 problem (:integrity)") {
		t.Errorf("status line:\n%s", s)
	}
	marked := 0
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, "Tampered") != strings.HasPrefix(strings.TrimLeft(line, " >*"), "≠") /* after the cursor and the user mark */ && (strings.Contains(line, "Tampered") || strings.Contains(line, "Honest")) {
			t.Errorf("row marked wrongly: %q", line)
		}
		if strings.Contains(line, "≠") {
			marked++
		}
	}
	if marked != 3 {
		t.Errorf("%d rows marked, want 3:\n%s", marked, s)
	}

	press(a, "/")
	typeText(a, "event:Tampered")
	press(a, "enter", "enter")
	if s := screen(a); !strings.Contains(s, "does not match its digest") || !strings.Contains(s, "a_CloudTrail_x.json.gz") {
		t.Errorf("detail:\n%s", s)
	}
	// p on the file line: the events of the same file.
	if !a.detail.SeekLabel("file") {
		t.Fatal("no file line in the detail")
	}
	press(a, "p")
	if a.state.Applied != "file:a_CloudTrail_x.json.gz" || len(a.state.Result.Refs) != 3 {
		t.Errorf("pivot on the file: filter %q, %d events", a.state.Applied, len(a.state.Result.Refs))
	}
	press(a, "esc", "esc", ":")
	typeText(a, "integrity")
	press(a, "enter")
	s = screen(a)
	lines := strings.Split(s, "\n")
	first := strings.Index(s, "modified")
	if first < 0 || first > strings.Index(s, "valid ") || !strings.Contains(s, "2 log files: 1 modified, 1 valid") || len(lines) < 5 {
		t.Errorf(":integrity:\n%s", s)
	}
	openFileEvents(t, a, "a_CloudTrail_x.json.gz", "Tampered")
}

// openFileEvents presses Enter on the first file of :integrity (the worst), which must be file, and
// checks that the timeline shows the 3 events read from it, all called name; then Enter on a digest
// says it holds no events.
func openFileEvents(t *testing.T, a *App, file, name string) {
	t.Helper()
	press(a, "enter")
	if a.state.Active != "timeline" || a.state.Applied != "file:"+file || len(a.state.Result.Refs) != 3 {
		t.Fatalf("enter on %s: view %s, filter %q, %d events", file, a.state.Active, a.state.Applied, len(a.state.Result.Refs))
	}
	for _, ref := range a.state.Result.Refs {
		if got := a.state.Index.Record(ref).Name; got != name {
			t.Errorf("an event of %s from %s", got, file)
		}
	}
	press(a, "esc", "G", "enter")
	if a.state.Active != "integrity" || !strings.Contains(a.status.Text, "a digest holds no events") {
		t.Errorf("enter on a digest: view %s, status %q", a.state.Active, a.status.Text)
	}
}

// TestIntegrityOfS3Objects: a report that names S3 objects opens the events read from their copies.
func TestIntegrityOfS3Objects(t *testing.T) {
	recs := fromFiles(map[string]string{"cache/s3/bucket/9f/a_CloudTrail_x.json.gz.e1": "Tampered", "cache/s3/bucket/3c/b_CloudTrail_y.json.gz.e2": "Honest"})
	const a3, b3 = "s3://bucket/AWSLogs/a_CloudTrail_x.json.gz", "s3://bucket/AWSLogs/b_CloudTrail_y.json.gz"
	report := integrity.Report{Results: []integrity.Result{
		{File: a3, Kind: integrity.KindLog, Status: integrity.Modified},
		{File: b3, Kind: integrity.KindLog, Status: integrity.Valid},
		{File: "s3://bucket/AWSLogs/d_CloudTrail-Digest_z.json.gz", Kind: integrity.KindDigest, Status: integrity.Valid},
	}}
	local := map[string]string{a3: "cache/s3/bucket/9f/a_CloudTrail_x.json.gz.e1", b3: "cache/s3/bucket/3c/b_CloudTrail_y.json.gz.e2"}
	a := loadWithCheck(t, recs, func() (*integrity.Report, map[string]string, error) { return &report, local, nil })
	command(a, "integrity")
	openFileEvents(t, a, "a_CloudTrail_x.json.gz.e1", "Tampered")
}

// TestIntegrityNotChecked: a check that fails says so; files with no digests say nothing on the
// status line and explain themselves in the view.
func TestIntegrityNotChecked(t *testing.T) {
	recs := fromFiles(map[string]string{"x_CloudTrail_a.json.gz": "Plain"})
	a := loadWithCheck(t, recs, func() (*integrity.Report, map[string]string, error) { return nil, nil, nil })
	if s := screen(a); strings.Contains(s, "integrity") || strings.Contains(s, "verif") {
		t.Errorf("no digests, yet:\n%s", s)
	}
	press(a, ":")
	typeText(a, "integrity")
	press(a, "enter")
	if s := screen(a); !strings.Contains(s, "no digest files") {
		t.Errorf(":integrity:\n%s", s)
	}

	a = loadWithCheck(t, recs, func() (*integrity.Report, map[string]string, error) {
		return nil, nil, errors.New("read public-keys.json: bad \x1b[2J key")
	})
	if s := screen(a); !strings.Contains(s, "integrity: read public-keys.json") || strings.Contains(a.View().Content, "\x1b[2J") {
		t.Errorf("failed check:\n%s", s)
	}
}
