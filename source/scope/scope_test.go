package scope

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailscope/trailscope/model/filter"
)

var now = time.Date(2023, 7, 10, 13, 0, 0, 0, time.UTC)

func query(t *testing.T, text string) filter.Query {
	t.Helper()
	q, err := filter.ParseQuery(text)
	if err != nil {
		t.Fatalf("%q: %v", text, err)
	}
	return q
}

func TestFilterSetsWindowAndRegions(t *testing.T) {
	q := query(t, "since:2h until:2023-07-10T12:30Z region:eu-west-1,us-east-1 -region:us-east-1")
	from, to := filterWindow(q, now)
	if !from.Equal(now.Add(-2*time.Hour)) || !to.Equal(time.Date(2023, 7, 10, 12, 30, 0, 0, time.UTC)) {
		t.Errorf("filterWindow = %v, %v", from, to)
	}
	allow, deny := FilterRegions(q)
	if !slices.Equal(allow, []string{"eu-west-1", "us-east-1"}) || !deny["us-east-1"] {
		t.Errorf("FilterRegions = %v, %v", allow, deny)
	}
	if allow, _ := FilterRegions(query(t, "region:eu-*")); allow != nil {
		t.Errorf("a wildcard region term should leave the regions to --region, got %v", allow)
	}
	if allow, _ := FilterRegions(query(t, "region:eu-west-1 region:us-east-1")); allow == nil || len(allow) != 0 {
		t.Errorf("two region terms that share nothing allow nothing, got %#v", allow)
	}
}

func TestParseWindow(t *testing.T) {
	for _, tc := range []struct {
		since, until, filter string
		from, to             string
	}{
		{"", "", "", "2023-07-09T13:00:00Z", "2023-07-10T13:00:00Z"},
		{"2023-03-04", "2023-03-05", "", "2023-03-04T00:00:00Z", "2023-03-05T00:00:00Z"},
		{"7d", "", "since:2h", "2023-07-10T11:00:00Z", "2023-07-10T13:00:00Z"},
		{"", "", "since:2023-07-01T00:00Z until:2023-07-02T00:00Z", "2023-07-01T00:00:00Z", "2023-07-02T00:00:00Z"},
		{"", "2030-01-01", "", "2023-07-09T13:00:00Z", "2023-07-10T13:00:00Z"},
	} {
		w, err := ParseWindow(tc.since, tc.until, query(t, tc.filter), now)
		if err != nil {
			t.Errorf("%+v: %v", tc, err)
			continue
		}
		if got := w.From.Format(time.RFC3339) + " " + w.To.Format(time.RFC3339); got != tc.from+" "+tc.to {
			t.Errorf("%+v: window %s", tc, got)
		}
	}
	for _, tc := range []struct{ since, until, words string }{
		{"yesterday", "", `--since "yesterday": not a duration or a time`},
		{"", "5M", `--until "5M"`},
		{"1h", "2h", "the time window is empty"},
	} {
		if _, err := ParseWindow(tc.since, tc.until, filter.Query{}, now); err == nil || !strings.Contains(err.Error(), tc.words) {
			t.Errorf("%+v: error %v, want %q", tc, err, tc.words)
		}
	}
}

func TestChoose(t *testing.T) {
	regions := func(flag []string, filter string) Choice {
		t.Helper()
		n, err := ParseRegions(flag)
		if err != nil {
			t.Fatal(err)
		}
		allow, deny := FilterRegions(query(t, filter))
		return Choose(n, allow, deny)
	}
	for _, tc := range []struct {
		flag    []string
		filter  string
		allowed []string
		denied  []string
		says    string
	}{
		{nil, "", []string{"us-east-1", "eu-west-1"}, nil, "all"},
		{[]string{"all"}, "-region:us-west-2", []string{"us-east-1"}, []string{"us-west-2"}, "all but us-west-2"},
		{[]string{"us-east-1,eu-west-1"}, "", []string{"us-east-1", "eu-west-1"}, []string{"us-west-2"}, "us-east-1,eu-west-1"},
		{[]string{"us-east-1,eu-west-1"}, "region:eu-west-1", []string{"eu-west-1"}, []string{"us-east-1"}, "eu-west-1"},
		{nil, "region:eu-west-1", []string{"eu-west-1"}, []string{"us-east-1"}, "eu-west-1"},
		{[]string{"us-east-1", "-eu-west-1"}, "", []string{"us-east-1"}, []string{"eu-west-1"}, "us-east-1 but eu-west-1"},
		{[]string{"us-east-1"}, "region:eu-west-1", nil, []string{"us-east-1", "eu-west-1"}, "none"},
	} {
		c := regions(tc.flag, tc.filter)
		for _, r := range tc.allowed {
			if !c.Allows(r) {
				t.Errorf("%v %q: %s not allowed", tc.flag, tc.filter, r)
			}
		}
		for _, r := range tc.denied {
			if c.Allows(r) {
				t.Errorf("%v %q: %s allowed", tc.flag, tc.filter, r)
			}
		}
		if c.String() != tc.says {
			t.Errorf("%v %q: says %q, want %q", tc.flag, tc.filter, c, tc.says)
		}
	}
	if _, err := ParseAccounts([]string{"12345"}); err == nil || !strings.Contains(err.Error(), "12 digits") {
		t.Errorf("a short account ID: %v", err)
	}
	n, _ := ParseAccounts([]string{"111122223333,-444455556666"})
	allow, deny := FilterAccounts(query(t, "account:111122223333,777788889999"))
	c := Choose(n, allow, deny)
	if !c.Allows("111122223333") || c.Allows("777788889999") || c.Allows("444455556666") {
		t.Errorf("accounts: %v", c)
	}
}
