package athena

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
)

// This file translates the filter's terms into SQL conditions, term by term. A term goes to Athena
// when SQL can say it: exactly (an event name, an error code: the condition keeps the same rows as
// the index would), or as a wider condition that keeps every row the term matches (a principal, a
// resource, a CIDR: the index finishes the job). Everything else, and every value SQL cannot carry
// safely, is applied here only. The index applies every term again, which costs nothing: a term
// Athena applied exactly keeps every row.

// builder translates terms for one table: a condition on a column the table lacks cannot be said.
type builder struct{ t *Table }

// cond is a translation in progress.
type cond struct {
	sql   string
	where Placement // Exact or Narrowed
	why   string    // set when the term cannot go
}

func local(format string, args ...any) cond { return cond{why: fmt.Sprintf(format, args...)} }

func (b builder) plan(t filter.Term) TermPlan {
	tp := TermPlan{Term: t.Text}
	if t.Field == filter.FieldSince || t.Field == filter.FieldUntil {
		if t.Negate {
			tp.Why = "a negated time bound is not a window"
			return tp
		}
		tp.Where = InWindow
		return tp
	}
	for _, v := range t.Values {
		if !safeLiteral(v) {
			tp.Why = "its value has characters that are not sent to Athena"
			return tp
		}
	}
	if t.Field == filter.FieldError && t.Negate && len(t.Values) == 1 {
		// -error:none is error:any, and the other way round: both can go, narrowed.
		switch strings.ToLower(t.Values[0]) {
		case "none":
			t.Negate, t.Values = false, []string{"any"}
		case "any":
			t.Negate, t.Values = false, []string{"none"}
		}
	}
	c := b.term(t)
	switch {
	case c.why != "":
		tp.Why = c.why
	case t.Negate && c.where != Exact:
		tp.Why = "Athena can only narrow it, and the opposite of a wider condition is a narrower one"
	case t.Negate:
		tp.Where, tp.SQL = Exact, "NOT ("+c.sql+")"
	default:
		tp.Where, tp.SQL = c.where, c.sql
	}
	return tp
}

// need reports the columns a condition uses that the table lacks.
func (b builder) need(paths ...string) cond {
	for _, p := range paths {
		if !b.t.has(p) {
			return local("the table has no column %s", p)
		}
	}
	return cond{}
}

// term translates a term, ignoring its negation.
func (b builder) term(t filter.Term) cond {
	switch t.Field {
	case filter.FieldEvent:
		return b.anyValue(t.Values, func(v string) cond { return b.equalFold("eventname", v) })
	case filter.FieldSource:
		return b.anyValue(t.Values, func(v string) cond { return b.equalFold("eventsource", filter.EventSource(v)) })
	case filter.FieldType:
		return b.anyValue(t.Values, func(v string) cond { return b.equalFold("useridentity.type", v) })
	case filter.FieldKey:
		return b.anyValue(t.Values, func(v string) cond { return b.equalFold("useridentity.accesskeyid", v) })
	case filter.FieldRegion:
		return b.anyValue(t.Values, func(v string) cond { return b.equalFold("awsregion", v) })
	case filter.FieldAccount:
		return b.anyValue(t.Values, func(v string) cond {
			return b.or(b.equalFold("recipientaccountid", v), b.equalFold("useridentity.accountid", v))
		})
	case filter.FieldError:
		return b.anyValue(t.Values, b.errorCode)
	case filter.FieldUA:
		return b.anyValue(t.Values, func(v string) cond { return b.contains("useragent", v) })
	case filter.FieldReadOnly:
		if c := b.need("readonly"); c.why != "" {
			return c
		}
		// The index reads "true", "True" and "TRUE" (and the JSON booleans the rebuild writes for
		// them); anything else is unknown and matches neither.
		vals := []string{"true", "True", "TRUE"}
		if !t.Bool {
			vals = []string{"false", "False", "FALSE"}
		}
		return cond{sql: strOf("readonly") + " IN (" + quoteList(vals) + ")", where: Exact}
	case filter.FieldID:
		return b.anyValue(t.Values, func(v string) cond { return b.equal("eventid", v) })
	case filter.FieldRequest:
		return b.anyValue(t.Values, func(v string) cond { return b.or(b.equal("requestid", v), b.equal("sharedeventid", v)) })
	case filter.FieldIP:
		return b.ip(t)
	case filter.FieldPrincipal:
		return b.anyValue(t.Values, b.principal)
	case filter.FieldResource:
		return b.anyValue(t.Values, b.resource)
	case filter.FieldText:
		return b.anyValue(t.Values, b.text)
	}
	return local("no SQL for %s:", t.Field)
}

// anyValue ORs the translations of a term's values: the term goes only if every value does, and
// is exact only if every value is.
func (b builder) anyValue(values []string, f func(string) cond) cond {
	var parts []string
	where := Exact
	for _, v := range values {
		c := f(v)
		if c.why != "" {
			return c
		}
		parts = append(parts, c.sql)
		where = min(where, c.where)
	}
	if len(parts) == 1 {
		return cond{sql: parts[0], where: where}
	}
	return cond{sql: "(" + strings.Join(parts, ") OR (") + ")", where: where}
}

// or is either condition; both must go.
func (b builder) or(x, y cond) cond {
	if x.why != "" {
		return x
	}
	if y.why != "" {
		return y
	}
	return cond{sql: x.sql + " OR " + y.sql, where: min(x.where, y.where)}
}

// equalFold is the index's match of a whole value ignoring case, with * wildcards. SQL's lower and
// the index's case folding agree on ASCII; other values stay here.
func (b builder) equalFold(path, v string) cond {
	if c := b.need(path); c.why != "" {
		return c
	}
	if !isASCII(v) {
		return local("SQL and trailscope ignore case differently beyond ASCII")
	}
	v = strings.ToLower(v)
	if strings.Contains(v, "*") {
		return cond{sql: like(lowerOf(path), likePattern(v)), where: Exact}
	}
	return cond{sql: lowerOf(path) + " = " + quote(v), where: Exact}
}

// equal is an exact, case-sensitive match (event IDs, request IDs).
func (b builder) equal(path, v string) cond {
	if c := b.need(path); c.why != "" {
		return c
	}
	return cond{sql: strOf(path) + " = " + quote(v), where: Exact}
}

// contains is the index's substring match ignoring case, with * wildcards.
func (b builder) contains(path, v string) cond {
	if c := b.need(path); c.why != "" {
		return c
	}
	if !isASCII(v) {
		return local("SQL and trailscope ignore case differently beyond ASCII")
	}
	return cond{sql: like(lowerOf(path), "%"+likePattern(strings.ToLower(v))+"%"), where: Exact}
}

// reportingTexts are where a sign-in reports its failure when it has no errorCode
// (cloudtrail.DecodeRecord makes "Failure" there the event's error).
var reportingTexts = []string{"responseelements", "serviceeventdetails", "additionaleventdata"}

// errorCode is the index's error: the errorCode, or for a sign-in a failure reported in its
// response. An error code that is not such a failure is matched exactly; the rest is narrowed to
// the rows whose response texts say "fail" somewhere.
func (b builder) errorCode(v string) cond {
	if c := b.need("errorcode"); c.why != "" {
		return c
	}
	reported := func() string {
		var ors []string
		for _, col := range reportingTexts {
			if b.t.has(col) {
				ors = append(ors, "strpos("+lowerOf(col)+", 'fail') > 0")
			}
		}
		return strings.Join(ors, " OR ")
	}
	widen := func(c cond) cond {
		if r := reported(); r != "" {
			return cond{sql: c.sql + " OR " + r, where: Narrowed}
		}
		return c
	}
	switch strings.ToLower(v) {
	case "any":
		return widen(cond{sql: strOf("errorcode") + " <> ''", where: Exact})
	case "none":
		c := cond{sql: strOf("errorcode") + " = ''", where: Exact}
		if reported() != "" {
			c.where = Narrowed // a reported failure has no errorCode either
		}
		return c
	}
	c := b.equalFold("errorcode", v)
	if c.why == "" && (filter.MatchWildcard(v, "failure") || filter.MatchWildcard(v, "failed")) {
		return widen(c)
	}
	return c
}

// ip: a service name is matched whole, as the index does; an address or CIDR is narrowed to the
// rows whose source IP text holds its leading whole octets (the index parses the addresses, which
// may be several, mapped, or spelt differently; it finishes the job). IPv6 stays here.
func (b builder) ip(t filter.Term) cond {
	var cs []cond
	for _, name := range t.Names {
		cs = append(cs, b.equalFold("sourceipaddress", name))
	}
	for _, p := range t.Prefixes {
		if !p.Addr().Is4() {
			return local("IPv6 addresses are written in several ways: matched here")
		}
		octets := p.Bits() / 8
		if octets == 0 {
			return local("a CIDR shorter than /8 would not narrow anything")
		}
		text := prefixText(p, octets)
		if c := b.need("sourceipaddress"); c.why != "" {
			return c
		}
		// Text with a colon may be an IPv6 spelling of an IPv4 address (::ffff:a01:203): kept for
		// the index to read.
		cs = append(cs, cond{sql: "(strpos(" + strOf("sourceipaddress") + ", " + quote(text) + ") > 0 OR strpos(" +
			strOf("sourceipaddress") + ", ':') > 0)", where: Narrowed})
	}
	out := cs[0]
	for _, c := range cs[1:] {
		out = b.or(out, c)
	}
	if out.why == "" && len(cs) > 1 {
		out.sql = "(" + out.sql + ")"
	}
	return out
}

// prefixText is the first octets of an IPv4 prefix as text: "10.1." for 10.1.0.0/16, the whole
// address for a /32.
func prefixText(p netip.Prefix, octets int) string {
	a := p.Masked().Addr().As4()
	var sb strings.Builder
	for i := range octets {
		fmt.Fprintf(&sb, "%d", a[i])
		if i < 3 {
			sb.WriteByte('.')
		}
	}
	return sb.String()
}

// identityFields are the userIdentity fields the readable principal is made from (cloudtrail.DeriveIdentity).
var identityFields = []string{
	"useridentity.type", "useridentity.principalid", "useridentity.arn", "useridentity.accountid",
	"useridentity.invokedby", "useridentity.username", "useridentity.identityprovider",
	"useridentity.onbehalfof.userid",
	"useridentity.sessioncontext.sessionissuer.username", "useridentity.sessioncontext.sessionissuer.arn",
	"useridentity.sessioncontext.webidfederationdata.federatedprovider",
	"useridentity.sessioncontext.sourceidentity",
}

// principalWords are the words the readable principal adds around the fields it is made of:
// a value inside one of them could match what no field holds.
var principalWords = []string{"root", "user/", "role/", "session", "source", "federated/", "via user/", "account",
	"service", "identity-center/", "saml/", "web-identity/", "directory/", "(no identity)", "?"}

// principal narrows principal: to the rows where some identity field holds the value. The
// readable principal is made of those fields and a few words and separators; a value with none of
// the separators and inside none of the words can only match within one field.
func (b builder) principal(v string) cond {
	lv := strings.ToLower(v)
	switch {
	case !isASCII(v):
		return local("SQL and trailscope ignore case differently beyond ASCII")
	case strings.ContainsAny(v, "* (),/?"):
		return local("it may match across the parts trailscope joins into a principal's name")
	}
	for _, w := range principalWords {
		if strings.Contains(w, lv) {
			return local("%q is part of the words trailscope writes into principals' names", v)
		}
	}
	var ors []string
	for _, f := range identityFields {
		if b.t.has(f) {
			ors = append(ors, "strpos("+lowerOf(f)+", "+quote(lv)+") > 0")
		}
	}
	if len(ors) == 0 {
		return local("the table has no userIdentity")
	}
	return cond{sql: "(" + strings.Join(ors, " OR ") + ")", where: Narrowed}
}

// resourceTexts are where the resources of a rebuilt record come from (cloudtrail.ExtractResources):
// the resources[] ARNs and the request and response.
var resourceTexts = []string{"resources", "requestparameters", "responseelements"}

// resource narrows resource: to the rows whose resources, request or response hold the resource's
// ID. The index matches the ID within "kind ID"; an ID is written in those texts as it is, so a
// value of the plain characters of IDs that is not part of a kind's name can only match there.
func (b builder) resource(v string) cond {
	id := v
	if r, ok := cloudtrail.ResourceFromARN(v); ok {
		id = r.ID
	} else {
		id = cloudtrail.NormalizeResourceTerm(v)
	}
	lv := strings.ToLower(id)
	switch {
	case !plainID(lv):
		return local("only IDs of letters, digits, '.', '_' and '-' are narrowed in Athena")
	case kindPart(lv):
		return local("%q is part of a resource kind's name", id)
	}
	var ors []string
	for _, f := range resourceTexts {
		if c, ok := b.t.Column(f); ok {
			expr := ident(f)
			if c.Type.Complex() {
				expr = "json_format(CAST(" + expr + " AS JSON))"
			}
			ors = append(ors, "strpos(lower(coalesce("+expr+", '')), "+quote(lv)+") > 0")
		}
	}
	if len(ors) == 0 {
		return local("the table has no resources, requestparameters or responseelements")
	}
	return cond{sql: "(" + strings.Join(ors, " OR ") + ")", where: Narrowed}
}

// text is a bare word: a principal, an event name, a source IP or a resource.
func (b builder) text(v string) cond {
	parts := []cond{b.principal(v), b.contains("eventname", v), b.contains("sourceipaddress", v), b.resource(v)}
	var ors []string
	for _, c := range parts {
		if c.why != "" {
			return local("as a bare word it is matched in several places: %s", c.why)
		}
		ors = append(ors, c.sql)
	}
	return cond{sql: "(" + strings.Join(ors, " OR ") + ")", where: Narrowed}
}

func plainID(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		// Characters a client might percent-encode (an S3 copy source is URL-encoded) are left out.
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// kindPart reports whether s occurs in the name of a resource kind trailscope gives a resource it
// finds by its key in a request ("ec2:instance" for an instanceId): such a resource's kind is not
// written in the record.
func kindPart(s string) bool {
	for _, k := range cloudtrail.ResourceKinds() {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
