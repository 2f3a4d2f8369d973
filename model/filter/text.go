package filter

import "strings"

// String returns the canonical text of the query: its terms re-joined by single spaces, each with its
// qualifier's main name in lower case and its values quoted only where they need it. Parsing it gives
// back the same terms.
func (q Query) String() string {
	var b strings.Builder
	for i, t := range q.Terms {
		if i > 0 {
			b.WriteByte(' ')
		}
		t.writeTo(&b)
	}
	return b.String()
}

// String returns the canonical text of the term, as Query.String writes it.
func (t Term) String() string {
	var b strings.Builder
	t.writeTo(&b)
	return b.String()
}

func (t Term) writeTo(b *strings.Builder) {
	if t.Negate {
		b.WriteByte('-')
	}
	if t.Field != FieldText {
		b.WriteString(t.Field.String())
		b.WriteByte(':')
	}
	for i, v := range t.Values {
		if i > 0 {
			b.WriteByte(',')
		}
		if valueNeedsQuotes(v) || (i == 0 && t.Field == FieldText && bareNeedsQuotes(v)) {
			writeQuoted(b, v)
		} else {
			b.WriteString(v)
		}
	}
}

// valueNeedsQuotes reports whether a value must be quoted to be read back as one value.
func valueNeedsQuotes(v string) bool {
	if v == "" {
		return true
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == '"' || c == ',' || isQuerySpace(c) {
			return true
		}
	}
	return false
}

// bareNeedsQuotes reports whether the first value of a bare word must be quoted so that it is not read
// as a negation or a qualifier.
func bareNeedsQuotes(v string) bool {
	if v == "" || v[0] == '-' {
		return true
	}
	if strings.IndexByte(v, ':') < 0 {
		return false
	}
	f, _, msg := splitQualifier(v)
	return f != FieldText || msg != ""
}

func writeQuoted(b *strings.Builder, v string) {
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == '"' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(v[i])
	}
	b.WriteByte('"')
}
