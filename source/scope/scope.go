// Package scope turns a source's flags and the filter into the part of AWS to read: the time
// window (--since, --until and the filter's since: and until:) and the regions and accounts named
// (--region, --account and the filter's region: and account:). LookupEvents and S3 read the same
// scope the same way.
package scope

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/trailscope/trailscope/model/filter"
)

// DefaultSince is how far back a source that reads AWS goes unless told.
const DefaultSince = 24 * time.Hour

var (
	regionName = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	accountID  = regexp.MustCompile(`^[0-9]{12}$`)
)

// IsRegion tells whether name is spelt like an AWS region (us-east-1, us-gov-west-1).
func IsRegion(name string) bool { return regionName.MatchString(name) }

// IsAccount tells whether id is an AWS account ID: twelve digits.
func IsAccount(id string) bool { return accountID.MatchString(id) }

// Window is a span of time in whole seconds, both ends included.
type Window struct{ From, To time.Time }

// Contains tells whether t falls in the window.
func (w Window) Contains(t time.Time) bool { return !t.Before(w.From) && t.Unix() <= w.To.Unix() }

// String says the window for people: "2024-03-04 00:00Z to 2024-03-05 00:00Z".
func (w Window) String() string {
	return w.From.Format("2006-01-02 15:04Z") + " to " + w.To.Format("2006-01-02 15:04Z")
}

// ParseWindow resolves --since and --until (empty when not given) and the filter's time terms into
// a window ending no later than now: the narrower bound of the flag and the filter wins; with
// neither, the last DefaultSince.
func ParseWindow(since, until string, q filter.Query, now time.Time) (Window, error) {
	from, to := now.Add(-DefaultSince), now
	fFrom, fTo := filterWindow(q, now)
	if since != "" {
		t, err := ParseTime(since, "--since", now)
		if err != nil {
			return Window{}, err
		}
		from = t
		if fFrom.After(from) {
			from = fFrom
		}
	} else if !fFrom.IsZero() {
		from = fFrom
	}
	if until != "" {
		t, err := ParseTime(until, "--until", now)
		if err != nil {
			return Window{}, err
		}
		to = t
	}
	if !fTo.IsZero() && fTo.Before(to) {
		to = fTo
	}
	if to.After(now) {
		to = now
	}
	w := Window{time.Unix(from.Unix(), 0).UTC(), time.Unix(to.Unix(), 0).UTC()}
	if !w.From.Before(w.To) {
		return Window{}, fmt.Errorf("the time window is empty: from %s to %s; check --since, --until and the filter's since: and until: terms",
			w.From.Format(time.RFC3339), w.To.Format(time.RFC3339))
	}
	return w, nil
}

// ParseTime reads a flag's time: a duration back from now or an absolute time, as the filter's
// since: and until: take them.
func ParseTime(v, flag string, now time.Time) (time.Time, error) {
	bad := fmt.Errorf("%s %q: not a duration or a time; e.g. 2h, 7d, 1h30m, 2024-05-01 or 2024-05-01T10:00Z", flag, v)
	if strings.ContainsAny(v, `"\`) {
		return time.Time{}, bad
	}
	q, err := filter.ParseQuery(`since:"` + v + `"`)
	if err != nil || len(q.Terms) != 1 {
		return time.Time{}, bad
	}
	if t := q.Terms[0]; !t.At.IsZero() {
		return t.At, nil
	} else {
		return now.Add(-t.Ago), nil
	}
}

// Bounded tells whether the flags (--since, --until) or the filter's since: and until: terms bound
// the time, or the default window applies.
func Bounded(since, until string, q filter.Query) bool {
	from, to := filterWindow(q, time.Now())
	return since != "" || until != "" || !from.IsZero() || !to.IsZero()
}

// filterWindow returns the time bounds the filter's since: and until: terms set, relative to now
// (the index takes durations back from the newest event; before anything is fetched, now is the
// best estimate of it). A zero time means no bound.
func filterWindow(q filter.Query, now time.Time) (from, to time.Time) {
	for _, t := range q.Terms {
		if t.Negate || (t.Field != filter.FieldSince && t.Field != filter.FieldUntil) {
			continue
		}
		at := t.At
		if at.IsZero() {
			at = now.Add(-t.Ago)
		}
		if t.Field == filter.FieldSince && (from.IsZero() || at.After(from)) {
			from = at
		}
		if t.Field == filter.FieldUntil && (to.IsZero() || at.Before(to)) {
			to = at
		}
	}
	return from, to
}

// Names is the regions or the accounts a flag names: those to read, those to leave out ("-name"),
// and whether it asked for all of them.
type Names struct {
	Include []string
	Exclude map[string]bool
	All     bool
}

// ParseRegions reads --region: comma-separated names, "all", "-name" to leave one out.
func ParseRegions(values []string) (Names, error) {
	return parseNames(values, "--region", IsRegion, "not a region name; e.g. us-east-1, eu-west-1,us-east-1, or all")
}

// ParseAccounts reads --account: comma-separated account IDs, "-ID" to leave one out.
func ParseAccounts(values []string) (Names, error) {
	return parseNames(values, "--account", IsAccount, "not an account ID (12 digits)")
}

func parseNames(values []string, flag string, valid func(string) bool, hint string) (Names, error) {
	n := Names{Exclude: map[string]bool{}}
	for _, v := range values {
		for _, s := range strings.Split(v, ",") {
			s = strings.ToLower(strings.TrimSpace(s))
			neg := strings.HasPrefix(s, "-")
			s = strings.TrimPrefix(s, "-")
			switch {
			case s == "":
			case s == "all" && !neg:
				n.All = true
			case !valid(s):
				return Names{}, fmt.Errorf("%s %q: %s", flag, s, hint)
			case neg:
				n.Exclude[s] = true
			default:
				n.Include = append(n.Include, s)
			}
		}
	}
	return n, nil
}

// FilterRegions returns the regions the filter's region: terms allow (nil: any) and those they
// exclude. Only exact names count; a wildcard leaves the choice to --region.
func FilterRegions(q filter.Query) (allow []string, deny map[string]bool) {
	return filterNames(q, filter.FieldRegion)
}

// FilterAccounts is FilterRegions for the filter's account: terms.
func FilterAccounts(q filter.Query) (allow []string, deny map[string]bool) {
	return filterNames(q, filter.FieldAccount)
}

func filterNames(q filter.Query, field filter.Field) (allow []string, deny map[string]bool) {
	deny = map[string]bool{}
	first := true
	for _, t := range q.Terms {
		if t.Field != field {
			continue
		}
		var vals []string
		for _, v := range t.Values {
			if !strings.Contains(v, "*") {
				vals = append(vals, strings.ToLower(v))
			} else if !t.Negate {
				vals = nil // region:eu-* allows names this function cannot list
				break
			}
		}
		if t.Negate {
			for _, v := range vals {
				deny[v] = true
			}
			continue
		}
		if vals == nil {
			continue
		}
		if first {
			allow, first = vals, false
			continue
		}
		both := []string{}
		for _, v := range allow {
			if slices.Contains(vals, v) {
				both = append(both, v)
			}
		}
		allow = both // region:a region:b: nothing can match
	}
	return allow, deny
}

// Choice is a narrowing of names (regions or accounts) that a source can apply to what it lists:
// Only (when not nil) is every name allowed, Not the names left out.
type Choice struct {
	Only []string
	Not  map[string]bool
}

// Allows tells whether the name may be read.
func (c Choice) Allows(name string) bool {
	name = strings.ToLower(name)
	return !c.Not[name] && (c.Only == nil || slices.Contains(c.Only, name))
}

// Any tells whether the choice narrows nothing.
func (c Choice) Any() bool { return c.Only == nil && len(c.Not) == 0 }

// String says the choice for people: "us-east-1,eu-west-1", "all but us-west-2", "all", "none".
func (c Choice) String() string {
	if c.Only != nil && len(c.Only) == 0 {
		return "none"
	}
	var s string
	if c.Only != nil {
		s = strings.Join(c.Only, ",")
	}
	if len(c.Not) > 0 {
		not := make([]string, 0, len(c.Not))
		for n := range c.Not {
			not = append(not, n)
		}
		slices.Sort(not)
		if s == "" {
			s = "all"
		}
		s += " but " + strings.Join(not, ",")
	}
	if s == "" {
		return "all"
	}
	return s
}

// Choose combines a flag's names with the filter's allow and deny lists (FilterRegions,
// FilterAccounts): a name must be allowed by both and excluded by neither.
func Choose(flag Names, allow []string, deny map[string]bool) Choice {
	c := Choice{Not: map[string]bool{}}
	if len(flag.Include) > 0 && !flag.All {
		c.Only = slices.Clone(flag.Include)
	}
	if allow != nil {
		if c.Only == nil {
			c.Only = slices.Clone(allow)
		} else {
			c.Only = slices.DeleteFunc(c.Only, func(n string) bool { return !slices.Contains(allow, n) })
			if c.Only == nil {
				c.Only = []string{}
			}
		}
	}
	for n := range flag.Exclude {
		c.Not[n] = true
	}
	for n := range deny {
		c.Not[n] = true
	}
	return c
}
