package fakect

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/source/archive"
)

// FromRecord builds the event LookupEvents returns for a CloudTrail record: the record, and the
// fields CloudTrail derives from it (its user name and resources are approximations of CloudTrail's
// own rules).
func FromRecord(raw []byte) (Event, error) {
	r, err := cloudtrail.DecodeRecord(raw)
	if err != nil {
		return Event{}, err
	}
	e := Event{
		Time: r.Time, ID: r.EventID, Name: r.Name, Source: r.Source, AccessKey: r.Identity.AccessKey,
		Category: r.Category, Raw: string(raw),
	}
	switch r.ReadOnly {
	case cloudtrail.True:
		e.ReadOnly = "true"
	case cloudtrail.False:
		e.ReadOnly = "false"
	}
	id := r.Identity
	switch {
	case id.UserName != "":
		e.Username = id.UserName
	case id.Session != "":
		e.Username = id.Session
	case id.Type == "Root":
		e.Username = "root"
	case id.IssuerName != "":
		e.Username = id.IssuerName
	}
	for _, res := range r.Resources {
		e.Resources = append(e.Resources, Resource{Type: resourceType(res.Kind), Name: res.ID})
	}
	return e, nil
}

// resourceType turns a kind ("ec2:instance") into CloudTrail's resource type ("AWS::EC2::Instance").
func resourceType(kind string) string {
	svc, typ, ok := strings.Cut(kind, ":")
	if !ok || typ == "" {
		return kind
	}
	return "AWS::" + strings.ToUpper(svc) + "::" + strings.ToUpper(typ[:1]) + typ[1:]
}

// Load reads CloudTrail records from archives (files or folders, any format the archive reader
// takes) as events. Records it cannot read are an error: test data should be clean.
func Load(paths ...string) ([]Event, error) {
	var events []Event
	var firstErr error
	err := archive.Read(context.Background(), paths, archive.Options{}, func(b cloudtrail.Batch) {
		for _, p := range b.Problems {
			if firstErr == nil {
				firstErr = fmt.Errorf("%s", p)
			}
		}
		for _, r := range b.Records {
			raw, err := r.Raw.Store.Raw(r.Raw.Off, r.Raw.Len)
			if err == nil {
				var e Event
				if e, err = FromRecord(raw); err == nil {
					events = append(events, e)
				}
			}
			if err != nil && firstErr == nil {
				firstErr = err
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return events, firstErr
}

// Spread deals events out to regions in turn, each record's awsRegion rewritten to the region that
// serves it.
func Spread(events []Event, regions ...string) map[string][]Event {
	out := map[string][]Event{}
	for i, e := range events {
		r := regions[i%len(regions)]
		out[r] = append(out[r], inRegion(e, r, ""))
	}
	return out
}

// Copies gives every region its own copy of every event: the record's awsRegion rewritten, and a
// distinct event ID, so that the copies are different events.
func Copies(events []Event, regions ...string) map[string][]Event {
	out := map[string][]Event{}
	for n, r := range regions {
		for _, e := range events {
			out[r] = append(out[r], inRegion(e, r, fmt.Sprintf("%04x", n)))
		}
	}
	return out
}

// inRegion moves an event to a region, and gives it a new ID when suffix is set (the last characters
// of the UUID are replaced, so that it stays a UUID).
func inRegion(e Event, region, suffix string) Event {
	raw, err := setString(e.Raw, "awsRegion", region)
	if err == nil && suffix != "" && len(e.ID) > len(suffix) {
		id := e.ID[:len(e.ID)-len(suffix)] + suffix
		if raw, err = setString(raw, "eventID", id); err == nil {
			e.ID = id
		}
	}
	if err == nil {
		e.Raw = raw
	}
	return e
}

// setString replaces the value of a top-level string member of a record, leaving the rest of the
// bytes as they are.
func setString(raw, key, value string) (string, error) {
	for _, pat := range []string{`"` + key + `":"`, `"` + key + `": "`} {
		i := strings.Index(raw, pat)
		if i < 0 {
			continue
		}
		start := i + len(pat)
		end := strings.IndexByte(raw[start:], '"')
		if end < 0 {
			break
		}
		return raw[:start] + value + raw[start+end:], nil
	}
	return raw, fmt.Errorf("no %s in the record", key)
}

// Serve adds events to the server by region.
func (s *Server) Serve(byRegion map[string][]Event) {
	for r, evs := range byRegion {
		s.Add(r, evs...)
	}
}

// Recent moves events in time so that the newest happened at newest, keeping their spacing: old
// datasets become history that LookupEvents' 90 days still hold.
func Recent(events []Event, newest time.Time) []Event {
	if len(events) == 0 {
		return nil
	}
	last := events[0].Time
	for _, e := range events {
		if e.Time.After(last) {
			last = e.Time
		}
	}
	shift := newest.Truncate(time.Second).Sub(last)
	out := make([]Event, 0, len(events))
	for _, e := range events {
		e.Time = e.Time.Add(shift).UTC()
		if raw, err := setString(e.Raw, "eventTime", e.Time.Format(time.RFC3339)); err == nil {
			e.Raw = raw
		}
		out = append(out, e)
	}
	return out
}
