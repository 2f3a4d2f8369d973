package main

import (
	"context"
	"path"
	"path/filepath"
	"testing"
	"time"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/integrity"
	"github.com/trailscope/trailscope/source/synth/world"
	"github.com/trailscope/trailscope/ui/common"
)

// consoleCheck opens the source the console would for args, reads it whole, runs the check the
// console runs once the load is done, and returns the verdict on each record's file, by the base
// name of the file.
func consoleCheck(t *testing.T, f *sourceFlags, args ...string) map[string]integrity.Status {
	t.Helper()
	src, err := f.open(args, nil)
	if err != nil {
		t.Fatal(err)
	}
	if src.check == nil {
		t.Fatal("no check for", args)
	}
	ctx := context.Background()
	out := make(chan cloudtrail.Batch, 4)
	failed := make(chan error, 1)
	go func() { defer close(out); failed <- src.run(ctx, out) }()
	var recs []cloudtrail.Record
	for b := range out {
		recs = append(recs, b.Records...)
	}
	if err := <-failed; err != nil || len(recs) == 0 {
		t.Fatalf("load: %v, %d records", err, len(recs))
	}
	r, local, err := src.check(ctx)
	if err != nil || r == nil {
		t.Fatalf("check: %v %v", err, r)
	}
	in := common.NewIntegrity(*r, local)
	got := map[string]integrity.Status{}
	for _, rec := range recs {
		res, ok := in.Of(rec)
		if !ok {
			t.Fatalf("no verdict on the file of %s", rec.EventID)
		}
		got[path.Base(res.File)] = res.Status
	}
	return got
}

// TestConsoleCheck: the console's check of a tampered local archive, with the keys and signatures
// kept beside it, and of the same archive from S3, finds the file each event came from: the changed
// log file's events are from a modified file, those that only the deleted digest listed from files
// not covered, the rest valid.
func TestConsoleCheck(t *testing.T) {
	dir := signedArchive(t)
	_, want := tamper(t, dir)
	check := func(got map[string]integrity.Status) {
		t.Helper()
		for file, s := range got {
			if w, ok := want[file]; ok && string(s) != w || !ok && s != integrity.Valid {
				t.Errorf("%s: %s, want %s", file, s, w)
			}
		}
		modified := 0
		for _, s := range got {
			if s == integrity.Modified {
				modified++
			}
		}
		if modified != 1 {
			t.Errorf("%d modified files among the events' files", modified)
		}
	}
	check(consoleCheck(t, &sourceFlags{}, filepath.Join(dir, "AWSLogs")))

	serveArchive(t, dir)
	f := &sourceFlags{publicKeys: []string{filepath.Join(dir, "public-keys.json")}}
	f.lookup.since = world.DefaultStart.Add(-time.Hour).Format(time.RFC3339)
	f.lookup.until = world.DefaultStart.AddDate(0, 0, 2).Format(time.RFC3339)
	check(consoleCheck(t, f, "s3://"+synthBucket+"/AWSLogs/"))
}
