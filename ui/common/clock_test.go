package common

import (
	"testing"
	"time"
)

// TestNextSkipsAZoneThatIsUTC: t goes from UTC to the zone only when the zone differs from UTC; a
// machine whose local zone is UTC under another name goes straight to relative times.
func TestNextSkipsAZoneThatIsUTC(t *testing.T) {
	london, err := time.LoadLocation("Europe/London") // UTC's offset in winter, not in summer
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	for _, c := range []struct {
		zone *time.Location
		want TimeMode
	}{
		{time.UTC, TimesRelative},
		{time.FixedZone("UTC", 0), TimesRelative},
		{london, TimesZone},
		{time.FixedZone("JST", 9*3600), TimesZone},
	} {
		if got := (Clock{Mode: TimesUTC, Zone: c.zone}).Next().Mode; got != c.want {
			t.Errorf("%s: t from UTC gives %v, want %v", c.zone, got, c.want)
		}
	}
}
