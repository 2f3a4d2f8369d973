// Package filter is the filter language (DESIGN.md, "The filter language"): the text a person types in
// the filter bar or gives to `trailscope query`, parsed into terms (this file), written back as canonical
// text (Term.String and Query.String, text.go: the one way code builds filter text), and said in words
// (Term.Describe, describe.go). The index evaluates the terms; this package imports nothing of the project.
//
// Parsing is one left-to-right pass over the bytes: linear in the length of the text, and it never
// panics, whatever the bytes (invalid UTF-8 is carried through untouched).
package filter

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Field is what a term of a query is about.
type Field uint8

// The fields a term can be about, in the order of DESIGN.md's table.
const (
	FieldText      Field = iota // a bare word: substring over principal, event name, resource and source IP
	FieldEvent                  // event:  eventName, * wildcards, commas for OR
	FieldSource                 // source: eventSource, with or without ".amazonaws.com"
	FieldPrincipal              // principal: and its alias user: — substring of principal ARN, user name, role name, session name
	FieldType                   // type:   userIdentity.type (AssumedRole, IAMUser, Root, ...)
	FieldKey                    // key:    access key ID
	FieldResource               // resource: any resource ID, name or ARN the event touched
	FieldIP                     // ip:     exact IP, CIDR, or a service name like ec2.amazonaws.com
	FieldRegion                 // region:
	FieldAccount                // account: recipient or identity account
	FieldError                  // error:  error code, * wildcards; the values "any" and "none" are special
	FieldUA                     // ua:     user agent substring
	FieldReadOnly               // readonly:true|false
	FieldSince                  // since:  lower time bound
	FieldUntil                  // until:  upper time bound
	FieldID                     // id:     eventID
	FieldRequest                // req:    requestID or sharedEventID
	FieldLineage                // lineage: an access key's lineage: the events that minted it, its own, those of keys minted from it
	FieldFile                   // file:   the path of the file the event was read from contains
)

// fieldNames are the qualifier names by Field; FieldText has no qualifier.
var fieldNames = [...]string{
	FieldText:      "text",
	FieldEvent:     "event",
	FieldSource:    "source",
	FieldPrincipal: "principal",
	FieldType:      "type",
	FieldKey:       "key",
	FieldResource:  "resource",
	FieldIP:        "ip",
	FieldRegion:    "region",
	FieldAccount:   "account",
	FieldError:     "error",
	FieldUA:        "ua",
	FieldReadOnly:  "readonly",
	FieldSince:     "since",
	FieldUntil:     "until",
	FieldID:        "id",
	FieldRequest:   "req",
	FieldLineage:   "lineage",
	FieldFile:      "file",
}

// String returns the qualifier name of the field as a person types it ("event", "principal"), and
// "text" for FieldText, so that terms, help and errors can name it.
func (f Field) String() string {
	if int(f) < len(fieldNames) {
		return fieldNames[f]
	}
	return fmt.Sprintf("Field(%d)", uint8(f))
}

// Qualifier describes one qualifier of the filter language, for completion and help.
type Qualifier struct {
	Name    string   // "event"
	Aliases []string // "user" for principal
	Field   Field
	Help    string // one line
	Example string // "event:Delete*"
}

// Qualifiers lists every qualifier of the filter language, in the order of DESIGN.md's table, for the
// filter bar's completion and the help overlay. The parser reads it too: treat it as read-only.
var Qualifiers = []Qualifier{
	{Name: "event", Field: FieldEvent, Help: "event name; * wildcards, commas for OR", Example: "event:Delete*"},
	{Name: "source", Field: FieldSource, Help: "event source, with or without .amazonaws.com", Example: "source:ec2"},
	{Name: "principal", Aliases: []string{"user"}, Field: FieldPrincipal, Help: "principal ARN, user, role or session name contains", Example: "principal:alice"},
	{Name: "type", Field: FieldType, Help: "identity type: AssumedRole, IAMUser, Root, AWSService, ...", Example: "type:AssumedRole"},
	{Name: "key", Field: FieldKey, Help: "access key ID", Example: "key:AKIAIOSFODNN7EXAMPLE"},
	{Name: "resource", Field: FieldResource, Help: "any resource ID, name or ARN the event touched", Example: "resource:i-0abc1234"},
	{Name: "ip", Field: FieldIP, Help: "source IP, exact or CIDR, or a service name", Example: "ip:203.0.113.0/24"},
	{Name: "region", Field: FieldRegion, Help: "AWS region", Example: "region:us-east-1"},
	{Name: "account", Field: FieldAccount, Help: "recipient or identity account", Example: "account:123456789012"},
	{Name: "error", Field: FieldError, Help: "error code, * wildcards; any or none", Example: "error:AccessDenied"},
	{Name: "ua", Field: FieldUA, Help: "user agent contains", Example: "ua:aws-cli"},
	{Name: "readonly", Field: FieldReadOnly, Help: "true for reads, false for writes", Example: "readonly:false"},
	{Name: "since", Field: FieldSince, Help: "not before: a duration back from the newest event (2h, 1h30m, 7d) or an RFC 3339 time", Example: "since:2h"},
	{Name: "until", Field: FieldUntil, Help: "not after: a duration back from the newest event or an RFC 3339 time", Example: "until:2024-05-01T10:00Z"},
	{Name: "id", Field: FieldID, Help: "event ID", Example: "id:3038ebd2-c98a-4c65-9b6e-e22506292313"},
	{Name: "req", Field: FieldRequest, Help: "request ID or shared event ID", Example: "req:9f0c2d4e-7b1a-4c3d-8e5f-0a1b2c3d4e5f"},
	{Name: "lineage", Field: FieldLineage, Help: "an access key, the calls that made it and the keys made from it", Example: "lineage:AKIAIOSFODNN7EXAMPLE"},
	{Name: "file", Field: FieldFile, Help: "the path of the file the event was read from contains", Example: "file:_CloudTrail_us-east-1_20240304T10"},
}

// lookupQualifier finds a qualifier by name or alias, case-insensitively.
func lookupQualifier(name string) (Qualifier, bool) {
	for _, q := range Qualifiers {
		if strings.EqualFold(name, q.Name) {
			return q, true
		}
		for _, a := range q.Aliases {
			if strings.EqualFold(name, a) {
				return q, true
			}
		}
	}
	return Qualifier{}, false
}

// HasQualifier says whether text starts with a qualifier of the language and its colon
// ("event:X", "-event:X" does not): the command line tells filter terms from paths with it.
func HasQualifier(text string) bool {
	name, _, ok := strings.Cut(text, ":")
	if !ok {
		return false
	}
	_, known := lookupQualifier(name)
	return known
}

// QualifierNamed finds a qualifier by its name or an alias, case-insensitively.
func QualifierNamed(name string) (Qualifier, bool) { return lookupQualifier(name) }

// Term is one term of a query, as typed and as parsed.
type Term struct {
	Field  Field
	Negate bool     // a leading '-'
	Values []string // the comma-separated alternatives as typed (quotes removed), never empty
	Text   string   // the term exactly as typed, including '-' and the qualifier
	Start  int      // byte offset of Text in the query string
	End    int      // byte offset just after Text
	// Parsed forms, set for the fields that need them:
	Prefixes []netip.Prefix // FieldIP: one per value that is an IP address or CIDR (an address becomes a /32 or /128)
	Names    []string       // FieldIP: the values that are not IPs or CIDRs (service names, "AWS Internal"), as typed
	Bool     bool           // FieldReadOnly
	At       time.Time      // FieldSince/FieldUntil given as an absolute time (zero when relative)
	Ago      time.Duration  // FieldSince/FieldUntil given as a duration back from the newest event (when At is zero)
}

// Query is a parsed filter: its terms are ANDed. The zero Query (empty text) matches every event.
type Query struct {
	Text  string
	Terms []Term
}

// QueryError says which term of a filter is wrong and why, for the filter bar to underline it.
type QueryError struct {
	Term       string // the term as typed
	Start, End int    // byte offsets of Term in the query string
	Msg        string
}

// Error returns the term and what is wrong with it, e.g. `ip:300.1.2.3: not an IP address or CIDR`.
func (e *QueryError) Error() string {
	return e.Term + ": " + e.Msg
}

// ParseQuery parses a filter as typed in the filter bar. Terms are separated by spaces and ANDed; a
// term is a bare word or qualifier:value, either may be negated with a leading '-', and values are
// comma lists of alternatives, double-quoted where they contain spaces, commas or quotes (inside quotes,
// \" is a quote and \\ a backslash). Quoting the qualifier too ("event:x") makes the whole thing a bare
// word. The first malformed term is returned as a *QueryError; empty text is the zero Query.
func ParseQuery(text string) (Query, error) {
	q := Query{Text: text}
	i := 0
	for {
		for i < len(text) && isQuerySpace(text[i]) {
			i++
		}
		if i >= len(text) {
			break
		}
		start := i
		end, closed := scanTerm(text, start)
		if !closed {
			return Query{Text: text}, &QueryError{Term: text[start:end], Start: start, End: end,
				Msg: `unterminated quote: close it with "`}
		}
		t, err := parseTerm(text, start, end)
		if err != nil {
			return Query{Text: text}, err
		}
		q.Terms = append(q.Terms, t)
		i = end
	}
	return q, nil
}

// isQuerySpace reports whether c separates terms.
func isQuerySpace(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return true
	}
	return false
}

// scanTerm returns the end of the term starting at i: the first space outside quotes. closed is false
// when a quote is left open at the end of the text.
func scanTerm(text string, i int) (end int, closed bool) {
	inQuote := false
	for i < len(text) {
		c := text[i]
		switch {
		case inQuote && c == '\\' && i+1 < len(text) && (text[i+1] == '"' || text[i+1] == '\\'):
			i += 2
			continue
		case c == '"':
			inQuote = !inQuote
		case !inQuote && isQuerySpace(c):
			return i, true
		}
		i++
	}
	return i, !inQuote
}

// parseTerm parses text[start:end], which scanTerm delimited.
func parseTerm(text string, start, end int) (Term, *QueryError) {
	raw := text[start:end]
	t := Term{Text: raw, Start: start, End: end}
	fail := func(format string, args ...any) (Term, *QueryError) {
		return Term{}, &QueryError{Term: raw, Start: start, End: end, Msg: fmt.Sprintf(format, args...)}
	}
	body := raw
	if body != "" && body[0] == '-' {
		t.Negate = true
		body = body[1:]
	}
	if body == "" {
		return fail("empty value; put a term right after '-', e.g. -event:Describe*")
	}
	field, value, msg := splitQualifier(body)
	if msg != "" {
		return fail("%s", msg)
	}
	t.Field = field
	values, msg := splitValues(value)
	if msg != "" {
		if field != FieldText && msg == "empty value" {
			msg += "; write it right after the colon, e.g. " + exampleFor(field)
		}
		return fail("%s", msg)
	}
	t.Values = values

	switch field {
	case FieldIP:
		for _, v := range values {
			p, isIP, msg := parseIPValue(v)
			if msg != "" {
				if len(values) > 1 {
					msg = fmt.Sprintf("%q: %s", v, msg)
				}
				return fail("%s", msg)
			}
			if isIP {
				t.Prefixes = append(t.Prefixes, p)
			} else {
				t.Names = append(t.Names, v)
			}
		}
	case FieldReadOnly:
		if len(values) != 1 {
			return fail("readonly takes one value: true or false")
		}
		b, ok := parseQueryBool(values[0])
		if !ok {
			return fail("want true or false (readonly:false for write events)")
		}
		t.Bool = b
	case FieldSince, FieldUntil:
		name := field.String()
		if len(values) != 1 {
			return fail("%s takes one time, not a list; e.g. %s:2h or %s:2024-05-01T10:00Z", name, name, name)
		}
		at, ago, msg := parseQueryTime(values[0], name)
		if msg != "" {
			return fail("%s", msg)
		}
		t.At, t.Ago = at, ago
	}
	return t, nil
}

// exampleFor returns the example of a field's qualifier.
func exampleFor(f Field) string {
	for _, q := range Qualifiers {
		if q.Field == f {
			return q.Example
		}
	}
	return f.String() + ":..."
}

// maxQualifierTypo is the longest run of letters before a colon that is taken as a mistyped qualifier
// rather than part of a bare word (principal IDs such as AROA...:session are longer).
const maxQualifierTypo = 16

// splitQualifier splits a term's body (after any '-') into its field and its value text. A colon makes
// a qualifier only when it comes before any quote or comma, and what precedes it is a qualifier name.
// Things people paste that contain colons stay bare words: ARNs (arn:...), IPv6 addresses, URLs
// (s3://..., https://...), principal IDs (AROA...:session), host:port. A short run of letters that is
// not a qualifier is an error, since it is most likely a typo (evnt:Delete*).
func splitQualifier(body string) (field Field, value, msg string) {
	i := strings.IndexAny(body, "\":,")
	if i < 0 || body[i] != ':' {
		return FieldText, body, ""
	}
	prefix, rest := body[:i], body[i+1:]
	if q, ok := lookupQualifier(prefix); ok {
		return q.Field, rest, ""
	}
	if strings.EqualFold(prefix, "arn") || strings.HasPrefix(rest, "//") || isIPLiteral(firstItem(body)) {
		return FieldText, body, ""
	}
	if len(prefix) == 0 || len(prefix) > maxQualifierTypo || !isASCIILetters(prefix) {
		return FieldText, body, ""
	}
	return 0, "", unknownQualifierMsg(prefix)
}

// firstItem returns s up to its first comma.
func firstItem(s string) string {
	if i := strings.IndexByte(s, ','); i >= 0 {
		return s[:i]
	}
	return s
}

// isIPLiteral reports whether s is an IP address or a CIDR.
func isIPLiteral(s string) bool {
	if _, err := netip.ParseAddr(s); err == nil {
		return true
	}
	_, err := netip.ParsePrefix(s)
	return err == nil
}

func isASCIILetters(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// unknownQualifierMsg names the known qualifiers, and the nearest one when the name looks like a typo.
func unknownQualifierMsg(name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "unknown qualifier %q", name)
	best, bestDist := "", 3
	lower := strings.ToLower(name)
	for _, q := range Qualifiers {
		for _, n := range append([]string{q.Name}, q.Aliases...) {
			if d := editDistance(lower, n); d < bestDist && d < len(n) {
				best, bestDist = n, d
			}
		}
	}
	if best != "" {
		fmt.Fprintf(&b, " (did you mean %s?)", best)
	}
	b.WriteString("; known: ")
	for i, q := range Qualifiers {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(q.Name)
		for _, a := range q.Aliases {
			b.WriteString(" (" + a + ")")
		}
	}
	b.WriteString(`; quote "` + name + `:..." to search for it as text`)
	return b.String()
}

// editDistance is the Levenshtein distance between two short ASCII strings.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// splitValues splits a value text at the commas outside quotes and removes the quotes.
func splitValues(v string) ([]string, string) {
	if v == "" {
		return nil, "empty value"
	}
	var values []string
	if strings.IndexByte(v, '"') < 0 {
		values = strings.Split(v, ",")
	} else {
		var b strings.Builder
		inQuote := false
		for i := 0; i < len(v); i++ {
			c := v[i]
			if inQuote {
				switch {
				case c == '\\' && i+1 < len(v) && (v[i+1] == '"' || v[i+1] == '\\'):
					b.WriteByte(v[i+1])
					i++
				case c == '"':
					inQuote = false
				default:
					b.WriteByte(c)
				}
				continue
			}
			switch c {
			case '"':
				inQuote = true
			case ',':
				values = append(values, b.String())
				b.Reset()
			default:
				b.WriteByte(c)
			}
		}
		values = append(values, b.String())
	}
	for _, x := range values {
		if x == "" {
			if len(values) == 1 {
				return nil, "empty value"
			}
			return nil, "empty item in the comma list"
		}
	}
	return values, ""
}

// parseIPValue parses one ip: value. isIP is false for names such as ec2.amazonaws.com; msg is set when
// the value looks like an IP or CIDR but is not a valid one.
func parseIPValue(v string) (p netip.Prefix, isIP bool, msg string) {
	if strings.IndexByte(v, '/') >= 0 {
		if p, err := netip.ParsePrefix(v); err == nil {
			return p.Masked(), true, ""
		}
	} else if a, err := netip.ParseAddr(v); err == nil {
		a = a.WithZone("").Unmap()
		return netip.PrefixFrom(a, a.BitLen()), true, ""
	}
	if looksLikeIP(v) {
		if strings.IndexByte(v, '*') >= 0 {
			return netip.Prefix{}, false, "wildcards do not apply to IPs; use a CIDR, e.g. ip:10.0.0.0/24"
		}
		return netip.Prefix{}, false, "not an IP address or CIDR"
	}
	return netip.Prefix{}, false, ""
}

// looksLikeIP reports whether v is made of what IPs and CIDRs are made of: digits and dots (and a
// slash) with at least one digit, or hex digits and colons with at least one colon.
func looksLikeIP(v string) bool {
	v4, v6, digit := true, strings.IndexByte(v, ':') >= 0, false
	for i := 0; i < len(v); i++ {
		c := v[i]
		isDigit := '0' <= c && c <= '9'
		isHex := isDigit || ('a' <= c|0x20 && c|0x20 <= 'f')
		punct := c == '.' || c == '/' || c == '*'
		digit = digit || isDigit
		v4 = v4 && (isDigit || punct)
		if c == '%' { // an IPv6 zone: anything may follow
			break
		}
		v6 = v6 && (isHex || punct || c == ':')
	}
	return (v4 && digit) || v6
}

// parseQueryBool parses readonly: values.
func parseQueryBool(v string) (b, ok bool) {
	switch strings.ToLower(v) {
	case "true", "yes", "1":
		return true, true
	case "false", "no", "0":
		return false, true
	}
	return false, false
}

// maxAgo bounds since:/until: durations, far beyond any CloudTrail history and far from overflow.
const maxAgo = 100 * 365 * 24 * time.Hour

// parseQueryTime parses a since:/until: value: a duration back from the newest event (30s, 15m, 2h, 7d,
// 2w, and combinations such as 1h30m), or an absolute time (RFC 3339, with or without seconds, or a
// date, which is UTC midnight).
func parseQueryTime(v, name string) (at time.Time, ago time.Duration, msg string) {
	if len(v) >= 5 && v[4] == '-' {
		at, msg := parseQueryAbsTime(v, name)
		return at, 0, msg
	}
	ago, msg = parseQueryAgo(v, name)
	return time.Time{}, ago, msg
}

// parseQueryAbsTime parses the absolute forms of since: and until:.
func parseQueryAbsTime(v, name string) (time.Time, string) {
	u := strings.ToUpper(v)
	if len(u) > 10 && u[10] == ' ' {
		u = u[:10] + "T" + u[11:]
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00", "2006-01-02"} {
		at, err := time.Parse(layout, u)
		if err != nil {
			continue
		}
		if at.UTC().Year() < 1970 {
			return time.Time{}, "time is before 1970"
		}
		return at, ""
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04"} {
		if _, err := time.Parse(layout, u); err == nil {
			return time.Time{}, fmt.Sprintf("add a time zone: %s:2024-05-01T10:00Z for UTC, or %s:2024-05-01T10:00+02:00", name, name)
		}
	}
	return time.Time{}, fmt.Sprintf("not a time; e.g. %s:2024-05-01T10:00Z, %s:2024-05-01T10:00:00+02:00 or %s:2024-05-01", name, name, name)
}

// parseQueryAgo parses the duration forms of since: and until:. Units are s, m (minutes), h, d and w;
// M is refused rather than guessed at, since a person may mean months.
func parseQueryAgo(v, name string) (time.Duration, string) {
	bad := fmt.Sprintf("not a duration or a time; e.g. %s:2h, %s:1h30m, %s:7d or %s:2024-05-01T10:00Z", name, name, name, name)
	if v == "" {
		return 0, bad
	}
	var total time.Duration
	for i := 0; i < len(v); {
		j := i
		var n int64
		for j < len(v) && '0' <= v[j] && v[j] <= '9' {
			if n > int64(maxAgo)/10 {
				return 0, "duration too long (at most 100 years)"
			}
			n = n*10 + int64(v[j]-'0')
			j++
		}
		if j == i || j == len(v) {
			return 0, bad
		}
		var unit time.Duration
		switch v[j] {
		case 's', 'S':
			unit = time.Second
		case 'm':
			unit = time.Minute
		case 'h', 'H':
			unit = time.Hour
		case 'd', 'D':
			unit = 24 * time.Hour
		case 'w', 'W':
			unit = 7 * 24 * time.Hour
		case 'M':
			return 0, fmt.Sprintf("use m for minutes; months are not supported, use days or weeks, e.g. %s:30d", name)
		default:
			return 0, bad
		}
		if n > int64(maxAgo/unit) {
			return 0, "duration too long (at most 100 years)"
		}
		total += time.Duration(n) * unit
		if total > maxAgo {
			return 0, "duration too long (at most 100 years)"
		}
		i = j + 1
	}
	return total, ""
}
