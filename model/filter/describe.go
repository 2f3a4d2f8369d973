package filter

import (
	"strings"
	"time"
)

// describeValue writes a value for a sentence, quoted when it holds spaces, commas or quotes.
func describeValue(v string) string {
	if valueNeedsQuotes(v) {
		var b strings.Builder
		writeQuoted(&b, v)
		return b.String()
	}
	return v
}

// orList joins values as "a", "a or b", "a, b or c".
func orList(values []string, each func(string) string) string {
	var b strings.Builder
	for i, v := range values {
		switch {
		case i == 0:
		case i == len(values)-1:
			b.WriteString(" or ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(each(v))
	}
	return b.String()
}

// termPhrase is how Describe words a field: with one value, with a negated value, and with a negated
// list of values.
type termPhrase struct{ pos, neg, negMany string }

var termPhrases = [...]termPhrase{
	FieldText:      {"mentions", "does not mention", "mentions none of"},
	FieldEvent:     {"event name is", "event name is not", "event name is none of"},
	FieldSource:    {"event source is", "event source is not", "event source is none of"},
	FieldPrincipal: {"principal contains", "principal does not contain", "principal contains none of"},
	FieldType:      {"identity type is", "identity type is not", "identity type is none of"},
	FieldKey:       {"access key is", "access key is not", "access key is none of"},
	FieldResource:  {"touches resource", "does not touch resource", "touches none of the resources"},
	FieldIP:        {"from", "not from", "not from any of"},
	FieldRegion:    {"in region", "not in region", "in none of the regions"},
	FieldAccount:   {"in account", "not in account", "in none of the accounts"},
	FieldError:     {"error code is", "error code is not", "error code is none of"},
	FieldUA:        {"user agent contains", "user agent does not contain", "user agent contains none of"},
	FieldReadOnly:  {},
	FieldSince:     {},
	FieldUntil:     {},
	FieldID:        {"event ID is", "event ID is not", "event ID is none of"},
	FieldRequest:   {"request or shared event ID is", "request or shared event ID is not", "request or shared event ID is none of"},
	FieldLineage:   {"in the lineage of access key", "not in the lineage of access key", "in the lineage of none of the access keys"},
	FieldFile:      {"read from a file whose path contains", "not read from a file whose path contains", "read from none of the files whose paths contain"},
}

// Describe says in words what the term matches, for the console and `trailscope query`: `event name is
// TerminateInstances or RunInstances`, `not from 10.0.0.0/8`, `since 2h before the newest event`.
func (t Term) Describe() string {
	if len(t.Values) == 0 {
		return ""
	}
	switch t.Field {
	case FieldReadOnly:
		switch {
		case t.Bool && !t.Negate:
			return "read-only"
		case !t.Bool && !t.Negate:
			return "a write (not read-only)"
		case t.Bool:
			return "not read-only"
		default:
			return "not a write"
		}
	case FieldSince, FieldUntil:
		when := describeValue(t.Values[0]) + " before the newest event"
		if !t.At.IsZero() {
			when = describeAt(t.At)
		}
		switch {
		case t.Field == FieldSince && !t.Negate:
			return "since " + when
		case t.Field == FieldSince:
			return "before " + when
		case !t.Negate:
			return "until " + when
		default:
			return "after " + when
		}
	case FieldError:
		if d, ok := describeErrorTerm(t); ok {
			return d
		}
	case FieldSource:
		return t.describeWith(termPhrases[t.Field], func(v string) string { return describeValue(EventSource(v)) })
	}
	if int(t.Field) >= len(termPhrases) {
		return t.Text
	}
	return t.describeWith(termPhrases[t.Field], describeValue)
}

func (t Term) describeWith(p termPhrase, each func(string) string) string {
	switch {
	case !t.Negate:
		return p.pos + " " + orList(t.Values, each)
	case len(t.Values) == 1:
		return p.neg + " " + each(t.Values[0])
	default:
		return p.negMany + " " + orList(t.Values, each)
	}
}

// describeErrorTerm words an error: term holding "any" or "none"; ok is false for plain codes.
func describeErrorTerm(t Term) (string, bool) {
	var codes, parts []string
	special := false
	for _, v := range t.Values {
		switch strings.ToLower(v) {
		case "any":
			special = true
			parts = append(parts, "has an error")
		case "none":
			special = true
			parts = append(parts, "has no error")
		default:
			codes = append(codes, v)
		}
	}
	if !special {
		return "", false
	}
	if len(t.Values) == 1 && t.Negate {
		if parts[0] == "has an error" {
			return "has no error", true
		}
		return "has an error", true
	}
	if len(codes) > 0 {
		parts = append(parts, "error code is "+orList(codes, describeValue))
	}
	d := strings.Join(parts, " or ")
	if t.Negate {
		return "not (" + d + ")", true
	}
	return d, true
}

// describeAt writes an absolute time bound in UTC, as the console shows times.
func describeAt(at time.Time) string {
	u := at.UTC()
	switch {
	case u.Nanosecond() != 0:
		return u.Format("2006-01-02 15:04:05.999999999 UTC")
	case u.Second() != 0:
		return u.Format("2006-01-02 15:04:05 UTC")
	default:
		return u.Format("2006-01-02 15:04 UTC")
	}
}
