package s3

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailscope/trailscope/source/scope"
)

func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want Location
		err  string
	}{
		{"s3://bucket", Location{Bucket: "bucket"}, ""},
		{"s3://bucket/", Location{Bucket: "bucket"}, ""},
		{"S3://bucket/AWSLogs", Location{Bucket: "bucket", Prefix: "AWSLogs/"}, ""},
		{"s3://bucket//AWSLogs/o-abcdefghij/", Location{Bucket: "bucket", Prefix: "AWSLogs/o-abcdefghij/"}, ""},
		{"s3://bucket/AWSLogs/1/CloudTrail/us-east-1/2024/03/04/1_CloudTrail_us-east-1_20240304T0005Z_x.json.gz",
			Location{Bucket: "bucket", Prefix: "AWSLogs/1/CloudTrail/us-east-1/2024/03/04/1_CloudTrail_us-east-1_20240304T0005Z_x.json.gz", Object: true}, ""},
		{"s3://Bucket_Name/x", Location{}, "not a bucket name"},
		{"s3:///AWSLogs", Location{}, "not a bucket name"},
		{"/tmp/AWSLogs", Location{}, "not an s3:// URL"},
	} {
		got, err := ParseURL(tc.url)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want %q", tc.url, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s = %+v, %v; want %+v", tc.url, got, err, tc.want)
		}
	}
}

func TestParseLayout(t *testing.T) {
	for _, tc := range []struct {
		prefix string
		want   layout
		err    string
	}{
		{"", layout{level: levelSearch}, ""},
		{"trails/", layout{base: "trails/", level: levelSearch}, ""},
		{"AWSLogs/", layout{base: "AWSLogs/", level: levelAWSLogs}, ""},
		{"p/AWSLogs/o-abcdefghij/", layout{base: "p/AWSLogs/o-abcdefghij/", level: levelOrg, org: "o-abcdefghij"}, ""},
		{"AWSLogs/111122223333/", layout{base: "AWSLogs/111122223333/", level: levelAccount, account: "111122223333"}, ""},
		{"AWSLogs/111122223333/CloudTrail/", layout{base: "AWSLogs/111122223333/CloudTrail/", level: levelService, account: "111122223333"}, ""},
		{"AWSLogs/o-abcdefghij/111122223333/CloudTrail/eu-west-1/2024/03/", layout{base: "AWSLogs/o-abcdefghij/111122223333/CloudTrail/eu-west-1/",
			level: levelRegion, org: "o-abcdefghij", account: "111122223333", region: "eu-west-1", dates: "2024/03/"}, ""},
		{"AWSLogs/alice/", layout{}, `"alice" is not an account ID`},
		{"AWSLogs/111122223333/CloudTrail-Digest/", layout{}, "digest files"},
		{"AWSLogs/111122223333/Config/", layout{}, `"Config" is not the CloudTrail folder`},
		{"AWSLogs/111122223333/CloudTrail/Frankfurt/", layout{}, "not a region"},
		{"AWSLogs/111122223333/CloudTrail/us-east-1/March/", layout{}, "not a date folder"},
	} {
		got, err := parseLayout(tc.prefix, Logs)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want %q", tc.prefix, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q = %+v, %v; want %+v", tc.prefix, got, err, tc.want)
		}
	}
}

func TestStampAndDays(t *testing.T) {
	for key, want := range map[string]string{
		"AWSLogs/1/CloudTrail/us-east-1/2024/03/04/111122223333_CloudTrail_us-east-1_20240304T0005Z_Mu0KsOhtH1ar15ZZ.json.gz": "2024-03-04T00:05:00Z",
		"x/111122223333_CloudTrail-Digest_us-east-2_trail_us-east-2_20171106T193240Z.json.gz":                                 "2017-11-06T19:32:40Z",
		"x/export.json": "",
	} {
		got := stamp(key)
		if s := map[bool]string{true: "", false: got.Format(time.RFC3339)}[got.IsZero()]; s != want {
			t.Errorf("stamp(%s) = %s, want %s", key, s, want)
		}
	}
	sel := Selection{Window: scope.Window{From: time.Date(2024, 3, 4, 10, 30, 45, 0, time.UTC), To: time.Date(2024, 3, 5, 23, 30, 0, 0, time.UTC)}}
	if got := sel.days(Folder{}); !slices.Equal(got, []string{"2024/03/04/", "2024/03/05/", "2024/03/06/"}) {
		t.Errorf("days = %v: the window's days, and the next for deliveries within the hour after", got)
	}
	if got := sel.days(Folder{Dates: "2024/03/05/"}); !slices.Equal(got, []string{"2024/03/05/"}) {
		t.Errorf("days of a folder pinned to a day = %v", got)
	}
	for at, want := range map[string]bool{
		"2024-03-04T10:29:00Z": false, // delivered before the window: holds none of it
		"2024-03-04T10:30:00Z": true,  // the window's first minute
		"2024-03-06T00:30:00Z": true,  // within an hour after
		"2024-03-06T00:31:00Z": false,
	} {
		ts, _ := time.Parse(time.RFC3339, at)
		if sel.keep(ts) != want {
			t.Errorf("keep(%s) = %v", at, !want)
		}
	}
	if w := datesWindow("2024/02/"); w.From != time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC) || w.To != time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC) {
		t.Errorf("datesWindow(2024/02/) = %v", w)
	}
}

func TestCachePaths(t *testing.T) {
	c := NewCache("/cache")
	o := Object{Key: "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/04/111122223333_CloudTrail_us-east-1_20240304T0005Z_x.json.gz", ETag: `"9B2CF535F27731C974343645A3985328"`}
	want := filepath.Join("/cache", "b", "AWSLogs", "111122223333", "CloudTrail", "us-east-1", "2024", "03", "04",
		"111122223333_CloudTrail_us-east-1_20240304T0005Z_x.json.gz~9b2cf535f27731c974343645a3985328")
	if got := c.Path("b", o); got != want {
		t.Errorf("Path = %s", got)
	}
	seen := map[string]string{}
	for _, key := range []string{"../../etc/passwd", "a/./b", "a//b", "a/%2E%2E/b", "a/%/b", "a/ü/b", "a/" + strings.Repeat("x", 300)} {
		p := c.Path("b", Object{Key: key, ETag: `"e"`})
		rel, err := filepath.Rel(filepath.Join("/cache", "b"), p)
		if err != nil || strings.HasPrefix(rel, "..") || strings.Contains(rel, string(filepath.Separator)+".."+string(filepath.Separator)) {
			t.Errorf("%q is kept at %s, outside its bucket's folder", key, p)
		}
		for _, part := range strings.Split(rel, string(filepath.Separator)) {
			if len(part) > 255 || part == "." || part == ".." || part == "" {
				t.Errorf("%q: part %q of %s", key, part, p)
			}
		}
		if other, ok := seen[p]; ok {
			t.Errorf("%q and %q share %s", key, other, p)
		}
		seen[p] = key
	}
}

func TestGate(t *testing.T) {
	g := newGate(8)
	ctx := context.Background()
	var epochs []uint64
	for range 8 {
		e, _ := g.acquire(ctx)
		epochs = append(epochs, e)
	}
	ctx2, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := g.acquire(ctx2); err == nil {
		t.Fatal("a ninth request was let in")
	}
	for _, e := range epochs {
		g.throttled(e) // a burst of throttles at one bound halves it once
	}
	if limit, _ := g.bounds(); limit != 4 {
		t.Errorf("limit %d after one burst of throttles, want 4", limit)
	}
	for range 8 {
		g.release()
	}
	for range 4 + 5 {
		e, _ := g.acquire(ctx)
		if e != 1 {
			t.Errorf("epoch %d", e)
		}
		g.succeeded()
		g.release()
	}
	if limit, lowest := g.bounds(); limit != 6 || lowest != 4 {
		t.Errorf("after 9 good requests: limit %d (lowest %d), want 6 (4): one more per round", limit, lowest)
	}
}

func TestPathStyle(t *testing.T) {
	for endpoint, want := range map[string]bool{
		"http://127.0.0.1:9000":              true,
		"http://[::1]:9000":                  true,
		"http://localhost:4566":              true,
		"http://minio.localhost:9000":        true,
		"https://s3.eu-west-1.wasabisys.com": false,
		"https://storage.example.com":        false,
	} {
		if pathStyle(endpoint) != want {
			t.Errorf("pathStyle(%s) = %v", endpoint, !want)
		}
	}
}

func TestKindPrefix(t *testing.T) {
	for _, tc := range []struct{ in, logs, digests string }{
		{"", "", ""},
		{"AWSLogs/", "AWSLogs/", "AWSLogs/"},
		{"p/AWSLogs/111122223333/", "p/AWSLogs/111122223333/", "p/AWSLogs/111122223333/"},
		{"AWSLogs/111122223333/CloudTrail/us-east-1/2024/", "AWSLogs/111122223333/CloudTrail/us-east-1/2024/", "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/"},
		{"AWSLogs/o-abcdefghij/111122223333/CloudTrail-Digest/", "AWSLogs/o-abcdefghij/111122223333/CloudTrail/", "AWSLogs/o-abcdefghij/111122223333/CloudTrail-Digest/"},
		{"CloudTrail/AWSLogs/", "CloudTrail/AWSLogs/", "CloudTrail/AWSLogs/"},
	} {
		if got := KindPrefix(tc.in, Logs); got != tc.logs {
			t.Errorf("KindPrefix(%q, Logs) = %q, want %q", tc.in, got, tc.logs)
		}
		if got := KindPrefix(tc.in, Digests); got != tc.digests {
			t.Errorf("KindPrefix(%q, Digests) = %q, want %q", tc.in, got, tc.digests)
		}
	}
	if w, ok := NamedDays("AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/"); !ok || w.From.Format("2006-01-02") != "2024-03-01" {
		t.Errorf("NamedDays: %v %v", w, ok)
	}
}
