package common

import (
	"fmt"
	"time"
)

// TimeMode is how the console shows times: `t` goes through them.
type TimeMode int

// The ways times are shown.
const (
	TimesUTC      TimeMode = iota // clock times in UTC, as CloudTrail writes them
	TimesZone                     // clock times in the config's zone (the local one by default)
	TimesRelative                 // "5m ago", counted back from the newest event loaded
)

// Clock is how the console shows times: the mode, and the zone of TimesZone.
type Clock struct {
	Mode TimeMode
	Zone *time.Location // nil: the local zone
}

// Next is the clock `t` turns to: UTC, the zone, relative, and round again (the zone is skipped
// when it is UTC).
func (c Clock) Next() Clock {
	c.Mode = (c.Mode + 1) % 3
	if c.Mode == TimesZone && isUTC(c.zone()) {
		c.Mode = TimesRelative
	}
	return c
}

// isUTC reports whether z is UTC all year round: time.UTC, or a local zone that is UTC by another
// name (a machine whose zone was never set).
func isUTC(z *time.Location) bool {
	if z == time.UTC {
		return true
	}
	year := time.Now().Year()
	for _, month := range []time.Month{time.January, time.July} {
		if name, offset := time.Date(year, month, 1, 0, 0, 0, 0, z).Zone(); offset != 0 || name != "UTC" {
			return false
		}
	}
	return true
}

func (c Clock) zone() *time.Location {
	if c.Zone == nil {
		return time.Local
	}
	return c.Zone
}

// In returns t in the clock's zone (UTC for relative times, whose axis still needs a zone).
func (c Clock) In(t time.Time) time.Time {
	if c.Mode == TimesZone {
		return t.In(c.zone())
	}
	return t.UTC()
}

// ZoneName names the zone for the header: "UTC", "Europe/Paris CET", or "relative".
func (c Clock) ZoneName(at time.Time) string {
	switch c.Mode {
	case TimesRelative:
		return "relative"
	case TimesZone:
		z := c.zone()
		abbr, _ := at.In(z).Zone()
		if z.String() == "Local" || z.String() == abbr {
			return abbr
		}
		return z.String() + " " + abbr
	}
	return "UTC"
}

// Ago writes how long before now t is, in the largest unit that fits: "45s", "12m", "3h", "5d",
// "2y" (with " ago"); a time after now is "+12m".
func Ago(t, now time.Time) string {
	d := now.Sub(t)
	sign, suffix := "", " ago"
	if d < 0 {
		d, sign, suffix = -d, "+", ""
	}
	var s string
	switch {
	case d < time.Minute:
		s = fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		s = fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		s = fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	case d < 2*365*24*time.Hour:
		s = fmt.Sprintf("%dd%02dh", int(d.Hours())/24, int(d.Hours())%24)
	default:
		s = fmt.Sprintf("%dy", int(d.Hours()/24/365))
	}
	return sign + s + suffix
}
