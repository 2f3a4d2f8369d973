package filter

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		"", "alice", "-alice,bob", `"two words"`, `-"x y"`, `--x`, `"-x"`, `"event:x"`,
		"event:Delete* -event:Describe*,Get*", "EVENT:x", "user:alice principal:bob",
		"source:ec2 source:s3.amazonaws.com", "type:AssumedRole key:AKIA1 resource:i-0abc",
		"ip:10.0.0.0/8,2001:db8::/32,ec2.amazonaws.com", `ip:"AWS Internal"`, "ip:300.1.2.3", "ip:fe80::1%eth0",
		"ip:::ffff:10.0.0.1", "ip:10.0.0.*", "region:us-east-1,eu-west-1 account:123456789012",
		"error:any error:none,Access* ua:aws-cli", `ua:"aws-cli/2.0 Python" ua:"a,b",c`,
		`ua:"say \"hi\" \\o/"`, `ua:a\b`, "readonly:false readonly:YES", "since:2h until:1h30m since:1w2d3h4m5s",
		"since:2024-05-01T10:00:00Z until:2024-05-01T10:00Z since:2024-05-01T12:00+02:00 until:2024-05-01",
		`since:"2024-05-01 10:00Z"`, "since:2M", "since:99999999999999999999h", "id:x req:y",
		"arn:aws:iam::123456789012:user/alice", "fd::1", "::1", "https://x/y", "AROAEXAMPLE1:alice",
		"10.0.0.1:443", "foo:bar", "evnt:x", "event:", "-", "a,,b", `"unterminated`, `"\`, "\xff\xfe:\x00",
		"é:x", "\t\n\r\v\f",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		q, err := ParseQuery(text)
		if err != nil {
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("error %T is not a *QueryError", err)
			}
			if qe.Start < 0 || qe.Start >= qe.End || qe.End > len(text) || text[qe.Start:qe.End] != qe.Term {
				t.Fatalf("error term %q at [%d:%d] is not in %q", qe.Term, qe.Start, qe.End, text)
			}
			if qe.Msg == "" {
				t.Fatal("error without a message")
			}
			return
		}
		if q.Text != text {
			t.Fatalf("Text = %q", q.Text)
		}
		prevEnd := 0
		for _, term := range q.Terms {
			if term.Start < prevEnd || term.Start >= term.End || term.End > len(text) || text[term.Start:term.End] != term.Text {
				t.Fatalf("term %q at [%d:%d] is not in %q after %d", term.Text, term.Start, term.End, text, prevEnd)
			}
			prevEnd = term.End
			if len(term.Values) == 0 {
				t.Fatalf("term %q has no values", term.Text)
			}
			for _, v := range term.Values {
				if v == "" {
					t.Fatalf("term %q has an empty value", term.Text)
				}
			}
			if int(term.Field) >= len(fieldNames) {
				t.Fatalf("term %q has field %d", term.Text, term.Field)
			}
			if term.Field == FieldIP && len(term.Prefixes)+len(term.Names) != len(term.Values) {
				t.Fatalf("ip term %q: %d prefixes + %d names for %d values", term.Text, len(term.Prefixes), len(term.Names), len(term.Values))
			}
			if (term.Field == FieldSince || term.Field == FieldUntil) && (len(term.Values) != 1 || (!term.At.IsZero() && term.Ago != 0) || term.Ago < 0) {
				t.Fatalf("time term %q: %+v", term.Text, term)
			}
			if term.Describe() == "" {
				t.Fatalf("term %q has no description", term.Text)
			}
		}
		canon := q.String()
		q2, err := ParseQuery(canon)
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", canon, text, err)
		}
		if len(q2.Terms) != len(q.Terms) {
			t.Fatalf("canonical form %q of %q has %d terms, want %d", canon, text, len(q2.Terms), len(q.Terms))
		}
		for i := range q.Terms {
			if !sameMeaning(q.Terms[i], q2.Terms[i]) {
				t.Fatalf("canonical form %q of %q: term %d is %+v, want %+v", canon, text, i, q2.Terms[i], q.Terms[i])
			}
		}
		if again := q2.String(); again != canon {
			t.Fatalf("String is not stable: %q then %q", canon, again)
		}
	})
}

// matchWildcardSlow is the obvious dynamic programme over runes, compared with strings.EqualFold one
// rune at a time; it stands for the definition of MatchWildcard on valid UTF-8.
func matchWildcardSlow(pattern, s string) bool {
	p, r := []rune(pattern), []rune(s)
	// m[j] reports whether p[:i] matches r[:j].
	m := make([]bool, len(r)+1)
	m[0] = true
	for i := range p {
		next := make([]bool, len(r)+1)
		if p[i] == '*' {
			seen := false
			for j := 0; j <= len(r); j++ {
				seen = seen || m[j]
				next[j] = seen
			}
		} else {
			for j := 1; j <= len(r); j++ {
				next[j] = m[j-1] && strings.EqualFold(string(p[i]), string(r[j-1]))
			}
		}
		m = next
	}
	return m[len(r)]
}

func FuzzMatchWildcard(f *testing.F) {
	for _, c := range [][2]string{
		{"Delete*", "DeleteBucket"}, {"*bucket*", "PutBucketPolicy"}, {"a*b*c", "acb"}, {"*abab*c", "abababac"},
		{"*", ""}, {"", ""}, {"**a**", "A"}, {"ÉCHEC*", "échec"}, {"*ς", "ΟΔΟΣ"}, {"k*", "\u212Aelvin"},
		{"\xff*", "\xfex"}, {"a*a", "a"},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		got := MatchWildcard(pattern, s)
		if !MatchWildcard("*", s) {
			t.Fatalf("* does not match %q", s)
		}
		if !MatchWildcard(s, s) {
			t.Fatalf("%q does not match itself", s)
		}
		if !strings.Contains(pattern, "*") && utf8.ValidString(pattern) && utf8.ValidString(s) && got != strings.EqualFold(pattern, s) {
			t.Fatalf("MatchWildcard(%q, %q) = %v, strings.EqualFold says %v", pattern, s, got, !got)
		}
		if utf8.ValidString(pattern) && utf8.ValidString(s) && len(pattern)*len(s) <= 1<<16 {
			if want := matchWildcardSlow(pattern, s); got != want {
				t.Fatalf("MatchWildcard(%q, %q) = %v, want %v", pattern, s, got, want)
			}
		}
		if got && !MatchWildcard("*"+pattern+"*", "x"+s+"y") {
			t.Fatalf("%q matches %q but *%s* does not match x%sy", pattern, s, pattern, s)
		}
	})
}
