package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trailscope/trailscope/source/s3/fakes3"
)

// TestS3ConsoleInTmux opens the console on a trail's bucket served by a local S3 endpoint that
// throttles a third of the requests: the banner says the window, the status line what was listed
// and fetched, the events of the window arrive, and a second run fetches nothing.
func TestS3ConsoleInTmux(t *testing.T) {
	needTmux(t)
	srv, err := fakes3.New("trail-bucket")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	day := time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC)
	tr := &fakes3.Trail{S: srv, Bucket: "trail-bucket"}
	if err := tr.Week("AWSLogs/o-abcdefghij/", day, []string{"111122223333", "444455556666"}, []string{"us-east-1", "eu-west-1"}); err != nil {
		t.Fatal(err)
	}
	want := len(tr.Want(day, day.AddDate(0, 0, 1), nil))
	var n atomic.Int64
	srv.FailWith(func(w http.ResponseWriter, r fakes3.Request) bool {
		if n.Add(1)%3 != 0 {
			return false
		}
		fakes3.Error(w, http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.")
		return true
	})

	env := awsEnv(t.TempDir(), "AKIDE2ES3TEST0000001", "us-east-1", "AWS_ENDPOINT_URL=", "AWS_ENDPOINT_URL_S3="+srv.URL)
	open := opener(t, 120, 30, fmt.Sprintf("env %s %s --since 2024-03-04 --until 2024-03-05 s3://trail-bucket/AWSLogs/", env, binary(t)))

	tm := open()
	tm.waitFor("s3://trail-bucket/AWSLogs/", "S3 2024-03-04 00:00Z to 2024-03-05 00:00Z; 2 accounts, 2 regions")
	tm.waitFor(fmt.Sprintf("%d of %d events", want, want))
	waitLoaded(tm)
	if s := tm.screen(); strings.Contains(s, "problem") {
		t.Errorf("problems:\n%s", s)
	}
	// Once loaded, the console checks the files against their digests, fetching the digests into
	// the cache too. The week's 4 digests are empty shells: they are invalid, and the 52 log files
	// not covered. (S3 stops throttling: that was the load's test.)
	srv.FailWith(nil)
	tm.send("j")
	tm.waitFor("integrity: 56 problems")
	tm.send("q")
	reqs := srv.Requests()
	if got := fakes3.Count(reqs, "GetObject"); got < 52 {
		t.Errorf("%d objects fetched, want 52 and the retries of those throttled", got)
	}

	tm = open()
	tm.waitFor(fmt.Sprintf("%d of %d events", want, want))
	waitLoaded(tm)
	tm.send("j")
	tm.waitFor("integrity: 56 problems")
	tm.send("q")
	if got := fakes3.Count(srv.Requests(), "GetObject"); got != 0 {
		t.Errorf("the second run fetched %d objects", got)
	}
}
