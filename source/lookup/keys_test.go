package lookup

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/trailscope/trailscope/source/lookup/fakect"
)

func TestPublicKeys(t *testing.T) {
	awsEnv(t)
	srv := fakeServer(t, fakect.Config{Denied: []string{"ap-south-1"}})
	day := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	old := fakect.PublicKey{Fingerprint: "old", Value: []byte{1, 2, 3}, Start: day.AddDate(0, -2, 0), End: day.AddDate(0, -1, 0)}
	current := fakect.PublicKey{Fingerprint: "current", Value: []byte{4, 5, 6}, Start: day.AddDate(0, -1, 0), End: day.AddDate(0, 1, 0)}
	srv.AddPublicKey("eu-west-1", old, current)
	srv.AddPublicKey("us-east-1", fakect.PublicKey{Fingerprint: "east", Value: []byte{7}, Start: day.AddDate(0, -1, 0), End: day.AddDate(0, 1, 0)})

	keys, err := OpenPublicKeys(context.Background(), fastOptions(srv))
	if err != nil {
		t.Fatal(err)
	}
	got, err := keys.Fetch(context.Background(), "eu-west-1", day, day.Add(time.Hour))
	if err != nil || len(got) != 1 || got[0].Fingerprint != "current" || string(got[0].Value) != "\x04\x05\x06" ||
		!got[0].Start.Equal(current.Start) || got[0].Region != "eu-west-1" {
		t.Fatalf("%v %+v", err, got)
	}
	got, err = keys.Fetch(context.Background(), "eu-west-1", day.AddDate(0, -2, 0), day)
	if err != nil || len(got) != 2 {
		t.Errorf("a range over both keys: %v %+v", err, got)
	}
	if calls := srv.Calls("ListPublicKeys", "eu-west-1"); calls != 2 {
		t.Errorf("%d calls", calls)
	}

	_, err = keys.Fetch(context.Background(), "ap-south-1", day, day.Add(time.Hour))
	var e *Error
	if !errors.Is(err, ErrAccessDenied) || !errors.As(err, &e) || e.Region != "ap-south-1" {
		t.Errorf("denied: %v", err)
	}
}
