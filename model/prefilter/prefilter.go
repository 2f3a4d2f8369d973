// Package prefilter rules records out by their bytes, before they are decoded: a one-shot query
// (`trailscope query DIR event:TerminateInstances`) decodes and indexes only the records that can
// match, the way grep looks for a literal before it runs a pattern. A record the Prefilter lets
// through is decoded and judged by the index as any other; a record it rules out could not have
// matched the query. It imports only the filter language.
//
// The guarantee rests on how the index evaluates terms (model/index, eval.go) over values that
// cloudtrail.DecodeRecord takes verbatim from the record: eventName, eventSource, userIdentity.type,
// accessKeyId, awsRegion, the accounts, errorCode, userAgent, requestID and sharedEventID, and
// sourceIPAddress; and principal:, whose text outside the words a Principal is written with comes from
// the record's identity. For each such term the Prefilter knows a piece of text every matching record
// holds in its JSON, ignoring ASCII case. Terms about other derived values (resources, bare words) and
// negated terms rule nothing out; a query whose answer depends on other events (since: and until: as a
// duration back from the newest event, lineage:) gets no Prefilter at all.
//
// JSON can spell a character as an escape (\u0041 for A), and Unicode folds two characters outside
// ASCII onto ASCII letters (the Kelvin sign onto k, the long s onto s): \u escapes of ASCII characters
// are read before looking, a record with a byte outside ASCII or an escape of a character outside it is
// always let through, and a needle is only ASCII text that JSON writes as it is (no quote, backslash,
// slash or control character).
package prefilter

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
)

// Prefilter holds, for each term that can rule records out, the texts one of which a matching
// record holds. The zero of it (no terms) lets every record through.
type Prefilter struct {
	terms [][][]byte // each term's alternatives, lower-cased
}

// For returns the prefilter of q, and false when q cannot rule any record out by its bytes (no
// term it can use, or an answer that depends on other events): then every record must be decoded.
func For(q filter.Query) (*Prefilter, bool) {
	p := &Prefilter{}
	for _, t := range q.Terms {
		switch {
		case t.Field == filter.FieldLineage:
			return nil, false // the events that minted a key and those of the keys minted from it
		case (t.Field == filter.FieldSince || t.Field == filter.FieldUntil) && t.At.IsZero():
			return nil, false // a duration back from the newest event: of all of them, not of the matches
		case t.Negate:
			continue
		}
		if alts, ok := needles(t); ok {
			p.terms = append(p.terms, alts)
		}
	}
	return p, len(p.terms) > 0
}

// needles returns the texts one of which a record matching t holds, lower-cased, and false when t
// has none (a value with no literal text, a derived value, a value JSON may escape).
func needles(t filter.Term) ([][]byte, bool) {
	var values []string
	switch t.Field {
	case filter.FieldEvent, filter.FieldType, filter.FieldKey, filter.FieldRegion, filter.FieldAccount,
		filter.FieldUA, filter.FieldRequest:
		values = t.Values
	case filter.FieldSource:
		for _, v := range t.Values {
			values = append(values, filter.EventSource(v))
		}
	case filter.FieldError:
		for _, v := range t.Values {
			if l := strings.ToLower(v); l == "any" || l == "none" {
				return nil, false // "none" is the records without an errorCode
			}
		}
		values = t.Values
	case filter.FieldIP:
		ips, ok := ipNeedles(t.Prefixes)
		if !ok {
			return nil, false
		}
		values = append(ips, t.Names...)
	case filter.FieldPrincipal:
		for _, v := range t.Values {
			n := principalNeedle(v)
			if n == "" {
				return nil, false
			}
			values = append(values, n)
		}
	default:
		return nil, false
	}
	var alts [][]byte
	for _, v := range values {
		lit := longestLiteral(v)
		if lit == "" || !plainASCII(lit) {
			return nil, false
		}
		alts = append(alts, []byte(strings.ToLower(lit)))
	}
	return alts, len(alts) > 0
}

// ipNeedles returns the text every address of each prefix starts with when written as AWS writes it
// ("203.0.113." for 203.0.113.0/24, the address for a /32), and false when a prefix has none (IPv6,
// IPv4 of other lengths). The index also takes an IPv4 address written as IPv6 (::ffff:cb00:7105), so
// "ffff:" goes with them.
func ipNeedles(prefixes []netip.Prefix) ([]string, bool) {
	if len(prefixes) == 0 {
		return nil, true
	}
	out := []string{"ffff:"}
	for _, p := range prefixes {
		if !p.Addr().Is4() || p.Bits()%8 != 0 || p.Bits() == 0 {
			return nil, false
		}
		octets := strings.Split(p.Masked().Addr().String(), ".")
		text := strings.Join(octets[:p.Bits()/8], ".")
		if p.Bits() < 32 {
			text += "."
		}
		out = append(out, text)
	}
	return out, true
}

// principalNeedle returns the longest text of a principal: value that a matching record holds, ""
// when it has none. The index matches the value in the identity's ARN, taken as the record writes it,
// or in its Principal, which cloudtrail.DeriveIdentity writes from the record's values with words of
// its own between them ("role/Admin (session alice)"). A run of the value between '*'s and
// cloudtrail.PrincipalSeparators that is no part of one of those words can only come from a value of
// the record; the words themselves ("session"), and parts of them ("sess"), may be in no record.
func principalNeedle(v string) string {
	best := ""
	isSep := func(r rune) bool { return r == '*' || strings.ContainsRune(cloudtrail.PrincipalSeparators, r) }
	for _, run := range strings.FieldsFunc(v, isSep) {
		if len(run) <= len(best) {
			continue
		}
		lower := strings.ToLower(run)
		if !slices.ContainsFunc(cloudtrail.PrincipalWords, func(w string) bool { return strings.Contains(w, lower) }) {
			best = run
		}
	}
	return best
}

// longestLiteral returns the longest run of a value between its '*' wildcards.
func longestLiteral(v string) string {
	best := ""
	for part := range strings.SplitSeq(v, "*") {
		if len(part) > len(best) {
			best = part
		}
	}
	return best
}

// plainASCII reports whether JSON writes s as it is: printable ASCII with no quote, backslash or
// slash (which some writers escape as \/).
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '/' {
			return false
		}
	}
	return true
}

// Match reports whether the record rec may match the query: false only when it cannot. It is safe
// to call from several goroutines.
func (p *Prefilter) Match(rec []byte) bool {
	if p == nil || len(p.terms) == 0 {
		return true
	}
	var stack [8 << 10]byte
	folded, ascii := foldASCII(stack[:0], rec)
	if !ascii {
		return true
	}
	if bytes.Contains(folded, []byte(`\u`)) {
		if folded, ascii = unescapeASCII(folded); !ascii {
			return true
		}
	}
	for _, alts := range p.terms {
		if !containsAny(folded, alts) {
			return false
		}
	}
	return true
}

// unescapeASCII replaces, in place, each \uXXXX escape of b that stands for an ASCII character by
// that character, lower-cased, and reports false when one stands for a character outside ASCII (which
// Unicode may fold onto an ASCII letter). Other escapes (\" \\ \n ...) are left as they are.
func unescapeASCII(b []byte) ([]byte, bool) {
	out := b[:0]
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' || i+1 == len(b) {
			out = append(out, c)
			continue
		}
		if b[i+1] != 'u' {
			out = append(out, c, b[i+1]) // an escape of another kind, such as \\ before a u
			i++
			continue
		}
		r, err := strconv.ParseUint(string(b[i+2:min(i+6, len(b))]), 16, 16)
		if err != nil || i+6 > len(b) {
			out = append(out, c) // not an escape JSON allows: the decoder refuses the record
			continue
		}
		if r >= 0x80 {
			return nil, false
		}
		if c := byte(r); 'A' <= c && c <= 'Z' {
			r += 'a' - 'A'
		}
		out = append(out, byte(r))
		i += 5
	}
	return out, true
}

func containsAny(b []byte, alts [][]byte) bool {
	for _, a := range alts {
		if bytes.Contains(b, a) {
			return true
		}
	}
	return false
}

// foldASCII appends src to dst with ASCII upper case letters made lower case, eight bytes at a time,
// and reports whether src is all ASCII; it stops at the first byte that is not (and then what it
// returns is not to be used).
func foldASCII(dst, src []byte) ([]byte, bool) {
	const (
		highs = 0x8080808080808080
		fromA = 0x3f3f3f3f3f3f3f3f // 0x80-'A': a byte >= 'A' gets its high bit
		pastZ = 0x2525252525252525 // 0x80-('Z'+1): a byte > 'Z' gets its high bit
	)
	n := len(dst)
	dst = append(dst, src...)
	out := dst[n:]
	i := 0
	for ; i+8 <= len(out); i += 8 {
		w := binary.LittleEndian.Uint64(out[i:])
		if w&highs != 0 {
			return dst, false
		}
		upper := (w + fromA) &^ (w + pastZ) & highs // no byte carries into the next: all are < 0x80
		binary.LittleEndian.PutUint64(out[i:], w|upper>>2)
	}
	for ; i < len(out); i++ {
		c := out[i]
		if c >= 0x80 {
			return dst, false
		}
		if 'A' <= c && c <= 'Z' {
			out[i] = c + 'a' - 'A'
		}
	}
	return dst, true
}

// Outline reports whether q asks nothing of a record but its time (no term, or only since: and
// until:), so that a query writing the matches out as they are needs no more of each record than
// cloudtrail.DecodeOutline reads: its time, and the eventID that makes duplicates one.
func Outline(q filter.Query) bool {
	for _, t := range q.Terms {
		if t.Field != filter.FieldSince && t.Field != filter.FieldUntil {
			return false
		}
	}
	return true
}
