package coverage

import (
	"fmt"
	"strings"
	"time"

	"github.com/trailscope/trailscope/model/filter"
)

// dataKind is a kind of data event: the service that logs it and the resource type a trail's selectors
// name to turn it on.
type dataKind struct{ source, resourceType, service string }

var (
	s3Objects = dataKind{"s3.amazonaws.com", "AWS::S3::Object", "S3"}
	lambdas   = dataKind{"lambda.amazonaws.com", "AWS::Lambda::Function", "Lambda"}
	dynamo    = dataKind{"dynamodb.amazonaws.com", "AWS::DynamoDB::Table", "DynamoDB"}
)

// dataCalls are the calls CloudTrail logs only as data events, which a trail logs only when its event
// selectors ask for them.
var dataCalls = map[string]dataKind{}

func init() {
	for kind, names := range map[dataKind][]string{
		s3Objects: {"GetObject", "PutObject", "DeleteObject", "DeleteObjects", "CopyObject", "HeadObject",
			"GetObjectAcl", "PutObjectAcl", "GetObjectTagging", "PutObjectTagging", "DeleteObjectTagging",
			"RestoreObject", "SelectObjectContent", "CreateMultipartUpload", "UploadPart", "UploadPartCopy",
			"CompleteMultipartUpload", "AbortMultipartUpload", "ListObjects", "ListObjectsV2", "ListObjectVersions",
			"GetObjectAttributes", "PutObjectRetention", "PutObjectLegalHold"},
		lambdas: {"Invoke", "InvokeAsync", "InvokeWithResponseStream"},
		dynamo: {"GetItem", "PutItem", "DeleteItem", "UpdateItem", "Query", "Scan", "BatchGetItem", "BatchWriteItem",
			"TransactGetItems", "TransactWriteItems"},
	} {
		for _, n := range names {
			dataCalls[n] = kind
		}
	}
}

// Warn says what a filter asks for that the coverage cannot hold: data events the trail did not log (or
// did not log yet at the time the filter asks about), or times outside the loaded records. The words say
// why an empty or short result proves nothing. An empty report warns of nothing.
func (r Report) Warn(q filter.Query) []string {
	if r.Events == 0 {
		return nil
	}
	var since, until time.Time
	for _, t := range q.Terms {
		if t.Negate || (t.Field != filter.FieldSince && t.Field != filter.FieldUntil) {
			continue
		}
		at := t.At
		if at.IsZero() {
			at = r.Last.Add(-t.Ago)
		}
		if t.Field == filter.FieldSince && at.After(since) {
			since = at
		}
		if t.Field == filter.FieldUntil && (until.IsZero() || at.Before(until)) {
			until = at
		}
	}
	var out []string
	span := "the loaded records run from " + stamp(r.First) + " to " + stamp(r.Last)
	switch {
	case !since.IsZero() && since.After(r.Last):
		out = append(out, "nothing is loaded after "+stamp(r.Last)+": "+span)
	case !until.IsZero() && until.Before(r.First):
		out = append(out, "nothing is loaded before "+stamp(r.First)+": "+span)
	}
	seen := map[dataKind]bool{}
	for _, t := range q.Terms {
		if t.Field != filter.FieldEvent || t.Negate {
			continue
		}
		for _, v := range t.Values {
			for name, kind := range dataCalls {
				if seen[kind] || !matches(v, name) {
					continue
				}
				seen[kind] = true
				if w := r.dataWarning(kind, v, since); w != "" {
					out = append(out, w)
				}
			}
		}
	}
	return out
}

// dataWarning says when the records cannot hold the data events of a kind that a filter asks for.
func (r Report) dataWarning(kind dataKind, asked string, since time.Time) string {
	turnedOn := r.dataTurnedOn(kind.resourceType)
	first, ok := r.DataFrom(kind.source)
	switch {
	case !ok && turnedOn != nil:
		return fmt.Sprintf("%s is a %s data event and the loaded records hold none; %s turned them on at %s (%s by %s): before that the trail did not log them, so no %s before it does not mean none happened",
			asked, kind.service, kind.resourceType, stamp(turnedOn.Time), turnedOn.Event, turnedOn.By, asked)
	case !ok:
		return fmt.Sprintf("%s is a %s data event and the loaded records hold none: the trail did not log %s data events (or they were not loaded), so no %s here does not mean none happened",
			asked, kind.service, kind.service, asked)
	case since.IsZero() || since.Before(first):
		w := fmt.Sprintf("%s data events appear only from %s", kind.service, stamp(first))
		if turnedOn != nil {
			w += fmt.Sprintf(" (%s turned on at %s by %s)", kind.resourceType, stamp(turnedOn.Time), turnedOn.By)
		}
		return w + fmt.Sprintf(": before that, no %s does not mean none happened", asked)
	}
	return ""
}

// dataTurnedOn returns the first change that turned on data events of a resource type.
func (r Report) dataTurnedOn(resourceType string) *Change {
	var first *Change
	for i := range r.Trails {
		for j := range r.Trails[i].Changes {
			c := &r.Trails[i].Changes[j]
			if c.TurnsOnData(resourceType) && (first == nil || c.Time.Before(first.Time)) {
				first = c
			}
		}
	}
	return first
}

// matches reads an event: term's value against a call name: equal ignoring case, or with '*' wildcards.
func matches(value, name string) bool {
	if strings.Contains(value, "*") {
		return filter.MatchWildcard(value, name)
	}
	return strings.EqualFold(value, name)
}

// stamp writes a time for a warning.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// Asks reports whether Warn could say anything of a filter: it names a data call or bounds time. A caller
// that must compute the coverage first skips it for the other filters.
func Asks(q filter.Query) bool {
	for _, t := range q.Terms {
		if t.Negate {
			continue
		}
		switch t.Field {
		case filter.FieldSince, filter.FieldUntil:
			return true
		case filter.FieldEvent:
			for _, v := range t.Values {
				for name := range dataCalls {
					if matches(v, name) {
						return true
					}
				}
			}
		}
	}
	return false
}
