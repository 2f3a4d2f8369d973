package coverage

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/trailscope/trailscope/model/index"
)

// trailService is the eventSource of CloudTrail's own calls.
const trailService = "cloudtrail.amazonaws.com"

// changeCalls are the calls that set up, change or end a trail.
var changeCalls = map[string]bool{
	"CreateTrail": true, "UpdateTrail": true, "PutEventSelectors": true, "PutAdvancedEventSelectors": true,
	"PutInsightSelectors": true, "StartLogging": true, "StopLogging": true, "DeleteTrail": true,
}

// Trail is a trail the records name, with the changes made to it.
type Trail struct {
	Name    string
	Changes []Change // oldest first
}

// Switch is a setting a change turned on or off, or left as it was.
type Switch int8

// The values of a Switch.
const (
	Unchanged Switch = iota
	On
	Off
)

// Change is one call that set up, changed or ended a trail.
type Change struct {
	Ref    index.EventRef
	Time   time.Time
	Event  string // CreateTrail, PutEventSelectors, StopLogging, ...
	By     string // the principal that made the call
	Failed string // the error code when the call failed: then it changed nothing
	// What it did, as far as its record says (Unknown when its raw record could not be read).
	Logging    Switch   // StartLogging, StopLogging, DeleteTrail
	Management Switch   // management events
	Data       []string // the data events it turned on: "AWS::S3::Object (all)", "AWS::Lambda::Function (2 resources)"
	DataOff    bool     // it set the data events, and set none: data events off
	Insights   []string // the Insights types it turned on; InsightsOff when it set none
	InsightsOn Switch
	Settings   []string // what else it said: the bucket, multi-region, organization trail
	Unread     string   // why the raw record could not be read, when it could not
}

// Summary says in a line what a change did.
func (c Change) Summary() string {
	if c.Failed != "" {
		return "failed (" + c.Failed + "): nothing changed"
	}
	var parts []string
	switch c.Logging {
	case On:
		parts = append(parts, "logging started")
	case Off:
		if c.Event == "DeleteTrail" {
			parts = append(parts, "trail deleted: logging ended")
		} else {
			parts = append(parts, "logging stopped")
		}
	}
	switch c.Management {
	case On:
		parts = append(parts, "management events on")
	case Off:
		parts = append(parts, "management events off")
	}
	if len(c.Data) > 0 {
		parts = append(parts, "data events on: "+strings.Join(c.Data, ", "))
	} else if c.DataOff {
		parts = append(parts, "data events off")
	}
	switch c.InsightsOn {
	case On:
		parts = append(parts, "Insights on: "+strings.Join(c.Insights, ", "))
	case Off:
		parts = append(parts, "Insights off")
	}
	parts = append(parts, c.Settings...)
	if c.Event == "CreateTrail" {
		parts = append(parts, "logs nothing until StartLogging")
	}
	if c.Unread != "" {
		parts = append(parts, "record not read: "+c.Unread)
	}
	return strings.Join(parts, "; ")
}

// TurnsOnData reports whether the change turned on data events of a resource type
// ("AWS::S3::Object").
func (c Change) TurnsOnData(resourceType string) bool {
	if c.Failed != "" {
		return false
	}
	for _, d := range c.Data {
		if d == resourceType || strings.HasPrefix(d, resourceType+" ") {
			return true
		}
	}
	return false
}

// trails reads the trail changes among refs back from their raw records.
func trails(x *index.Index, refs []index.EventRef) []Trail {
	byName := map[string]*Trail{}
	var out []*Trail
	for _, ref := range refs {
		r := x.Record(ref)
		c := Change{Ref: ref, Time: r.Time, Event: r.Name, By: r.Identity.Principal, Failed: r.ErrorCode}
		name := ""
		raw, err := x.Raw(ref)
		if err != nil {
			c.Unread = err.Error()
		} else {
			rec := gjson.ParseBytes(raw)
			name = trailName(rec)
			readChange(&c, rec)
		}
		if name == "" {
			name = "(unnamed)"
		}
		t := byName[name]
		if t == nil {
			t = &Trail{Name: name}
			byName[name] = t
			out = append(out, t)
		}
		t.Changes = append(t.Changes, c)
	}
	res := make([]Trail, len(out))
	for i, t := range out {
		slices.SortStableFunc(t.Changes, func(a, b Change) int { return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.Ref, b.Ref)) })
		res[i] = *t
	}
	slices.SortStableFunc(res, func(a, b Trail) int { return a.Changes[0].Time.Compare(b.Changes[0].Time) })
	return res
}

// trailName reads the trail a change is about: its name, or the name in its ARN.
func trailName(rec gjson.Result) string {
	for _, p := range []string{"requestParameters.name", "requestParameters.trailName", "responseElements.name", "responseElements.trailARN"} {
		if v := rec.Get(p); v.Type == gjson.String && v.Str != "" {
			s := v.Str
			if i := strings.LastIndex(s, ":trail/"); i >= 0 {
				s = s[i+len(":trail/"):]
			}
			return s
		}
	}
	return ""
}

// readChange reads what a change did from its record.
func readChange(c *Change, rec gjson.Result) {
	req := rec.Get("requestParameters")
	switch c.Event {
	case "StartLogging":
		c.Logging = On
	case "StopLogging", "DeleteTrail":
		c.Logging = Off
	case "CreateTrail", "UpdateTrail":
		if c.Event == "CreateTrail" {
			c.Management = On // a new trail logs every management event until its selectors say otherwise
		}
		c.Settings = trailSettings(req)
	case "PutEventSelectors":
		sel := req.Get("eventSelectors")
		if !sel.Exists() {
			sel = rec.Get("responseElements.eventSelectors")
		}
		if adv := req.Get("advancedEventSelectors"); adv.IsArray() && len(adv.Array()) > 0 {
			readAdvanced(c, adv)
			return
		}
		readBasic(c, sel)
	case "PutAdvancedEventSelectors":
		readAdvanced(c, req.Get("advancedEventSelectors"))
	case "PutInsightSelectors":
		c.InsightsOn = Off
		for _, s := range req.Get("insightSelectors").Array() {
			if t := s.Get("insightType").String(); t != "" {
				c.Insights = append(c.Insights, t)
				c.InsightsOn = On
			}
		}
	}
}

// trailSettings reads the settings CreateTrail and UpdateTrail name.
func trailSettings(req gjson.Result) []string {
	var out []string
	if b := req.Get("s3BucketName").String(); b != "" {
		out = append(out, "bucket "+b)
	}
	for _, f := range []struct{ key, on, off string }{
		{"isMultiRegionTrail", "all regions", "one region only"},
		{"includeGlobalServiceEvents", "global service events", "no global service events (IAM, STS, CloudFront)"},
		{"isOrganizationTrail", "organization trail", "not an organization trail"},
		{"enableLogFileValidation", "log file validation", "no log file validation"},
	} {
		if v := req.Get(f.key); v.IsBool() {
			out = append(out, map[bool]string{true: f.on, false: f.off}[v.Bool()])
		}
	}
	if g := req.Get("cloudWatchLogsLogGroupArn").String(); g != "" {
		out = append(out, "to CloudWatch Logs")
	}
	return out
}

// readBasic reads basic event selectors: management events on or off, and the data resources.
func readBasic(c *Change, sel gjson.Result) {
	if !sel.IsArray() {
		return
	}
	c.Management = Off
	c.DataOff = true
	for _, s := range sel.Array() {
		mgmt := s.Get("includeManagementEvents")
		if !mgmt.Exists() || mgmt.Bool() {
			c.Management = On
		}
		rw := s.Get("readWriteType").String()
		for _, d := range s.Get("dataResources").Array() {
			t := d.Get("type").String()
			if t == "" {
				continue
			}
			c.Data = appendNew(c.Data, t+" ("+scope(d.Get("values").Array(), rw)+")")
		}
	}
	if len(c.Data) > 0 {
		c.DataOff = false
	}
}

// scope says which resources of a data resource selector are logged.
func scope(values []gjson.Result, rw string) string {
	s := "all"
	if len(values) > 0 {
		all := true
		for _, v := range values {
			if !isPrefixOfAll(v.String()) {
				all = false
			}
		}
		if !all {
			s = fmt.Sprintf("%d resources: %s", len(values), values[0].String())
			if len(values) > 1 {
				s += ", ..."
			}
		}
	}
	if rw != "" && rw != "All" {
		s += ", " + strings.ToLower(strings.TrimSuffix(rw, "Only")) + " only"
	}
	return s
}

// isPrefixOfAll reports a data resource value that selects every resource of its type ("arn:aws:s3",
// "arn:aws:s3:::", "arn:aws:lambda").
func isPrefixOfAll(v string) bool {
	v = strings.TrimRight(v, ":/")
	return strings.Count(v, ":") <= 2
}

// readAdvanced reads advanced event selectors: each selects management or data events, of a resource
// type, maybe narrowed.
func readAdvanced(c *Change, sel gjson.Result) {
	if !sel.IsArray() {
		return
	}
	c.Management = Off
	c.DataOff = true
	for _, s := range sel.Array() {
		var category, types []string
		narrowed := false
		for _, f := range s.Get("fieldSelectors").Array() {
			field := f.Get("field").String()
			var eq []string
			for _, v := range f.Get("equals").Array() {
				eq = append(eq, v.String())
			}
			switch field {
			case "eventCategory":
				category = eq
			case "resources.type":
				types = eq
			default:
				narrowed = true
			}
		}
		for _, cat := range category {
			switch cat {
			case "Management":
				c.Management = On
			case "Data":
				how := "all"
				if narrowed {
					how = "some, by selector " + cmp.Or(s.Get("name").String(), "(unnamed)")
				}
				for _, t := range types {
					c.Data = appendNew(c.Data, t+" ("+how+")")
				}
			}
		}
	}
	if len(c.Data) > 0 {
		c.DataOff = false
	}
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
