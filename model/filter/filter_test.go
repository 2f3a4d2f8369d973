package filter

import (
	"errors"
	"net/netip"
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"
)

// sameTerm compares everything a term carries; At is compared as an instant.
func sameTerm(a, b Term) bool {
	return a.Field == b.Field && a.Negate == b.Negate && slices.Equal(a.Values, b.Values) &&
		a.Text == b.Text && a.Start == b.Start && a.End == b.End &&
		slices.Equal(a.Prefixes, b.Prefixes) && slices.Equal(a.Names, b.Names) &&
		a.Bool == b.Bool && a.At.Equal(b.At) && a.Ago == b.Ago
}

// sameMeaning compares what a term means, leaving out where and how it was typed.
func sameMeaning(a, b Term) bool {
	a.Text, a.Start, a.End = "", 0, 0
	b.Text, b.Start, b.End = "", 0, 0
	return sameTerm(a, b)
}

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

func TestParseQuery(t *testing.T) {
	utc := func(s string) time.Time {
		at, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return at
	}
	tests := []struct {
		name string
		in   string
		want []Term
	}{
		{"empty", "", nil},
		{"only spaces", " \t  ", nil},
		{"bare word", "alice",
			[]Term{{Field: FieldText, Values: []string{"alice"}, Text: "alice", Start: 0, End: 5}}},
		{"bare words with extra spaces", "  alice   i-0abc ",
			[]Term{
				{Field: FieldText, Values: []string{"alice"}, Text: "alice", Start: 2, End: 7},
				{Field: FieldText, Values: []string{"i-0abc"}, Text: "i-0abc", Start: 10, End: 16},
			}},
		{"negated bare word", "-alice",
			[]Term{{Field: FieldText, Negate: true, Values: []string{"alice"}, Text: "-alice", End: 6}}},
		{"bare OR list", "alice,bob",
			[]Term{{Field: FieldText, Values: []string{"alice", "bob"}, Text: "alice,bob", End: 9}}},
		{"quoted bare word", `"two words"`,
			[]Term{{Field: FieldText, Values: []string{"two words"}, Text: `"two words"`, End: 11}}},
		{"negated quoted bare word", `-"two words"`,
			[]Term{{Field: FieldText, Negate: true, Values: []string{"two words"}, Text: `-"two words"`, End: 12}}},
		{"quoted qualifier is a bare word", `"event:x"`,
			[]Term{{Field: FieldText, Values: []string{"event:x"}, Text: `"event:x"`, End: 9}}},
		{"quoted leading dash is not negation", `"-x"`,
			[]Term{{Field: FieldText, Values: []string{"-x"}, Text: `"-x"`, End: 4}}},
		{"double dash negates a dash word", `--x`,
			[]Term{{Field: FieldText, Negate: true, Values: []string{"-x"}, Text: `--x`, End: 3}}},
		{"escaped quote and backslash inside quotes", `ua:"say \"hi\" \\o/"`,
			[]Term{{Field: FieldUA, Values: []string{`say "hi" \o/`}, Text: `ua:"say \"hi\" \\o/"`, End: 20}}},
		{"backslash outside quotes is literal", `ua:a\b`,
			[]Term{{Field: FieldUA, Values: []string{`a\b`}, Text: `ua:a\b`, End: 6}}},
		{"quoted value with spaces", `ua:"aws-cli/2.0 Python"`,
			[]Term{{Field: FieldUA, Values: []string{"aws-cli/2.0 Python"}, Text: `ua:"aws-cli/2.0 Python"`, End: 23}}},
		{"comma inside quotes is part of the value", `ua:"a,b",c`,
			[]Term{{Field: FieldUA, Values: []string{"a,b", "c"}, Text: `ua:"a,b",c`, End: 10}}},
		{"quotes mid-word", `ua:aws"-cli x"y`,
			[]Term{{Field: FieldUA, Values: []string{"aws-cli xy"}, Text: `ua:aws"-cli x"y`, End: 15}}},
		{"event", "event:TerminateInstances",
			[]Term{{Field: FieldEvent, Values: []string{"TerminateInstances"}, Text: "event:TerminateInstances", End: 24}}},
		{"event wildcard", "event:Delete*",
			[]Term{{Field: FieldEvent, Values: []string{"Delete*"}, Text: "event:Delete*", End: 13}}},
		{"event OR list", "event:RunInstances,TerminateInstances",
			[]Term{{Field: FieldEvent, Values: []string{"RunInstances", "TerminateInstances"}, Text: "event:RunInstances,TerminateInstances", End: 37}}},
		{"qualifier is case-insensitive", "EVENT:x",
			[]Term{{Field: FieldEvent, Values: []string{"x"}, Text: "EVENT:x", End: 7}}},
		{"negated qualifier", "-event:Describe*",
			[]Term{{Field: FieldEvent, Negate: true, Values: []string{"Describe*"}, Text: "-event:Describe*", End: 16}}},
		{"source short", "source:ec2",
			[]Term{{Field: FieldSource, Values: []string{"ec2"}, Text: "source:ec2", End: 10}}},
		{"source long", "source:ec2.amazonaws.com",
			[]Term{{Field: FieldSource, Values: []string{"ec2.amazonaws.com"}, Text: "source:ec2.amazonaws.com", End: 24}}},
		{"principal", "principal:alice",
			[]Term{{Field: FieldPrincipal, Values: []string{"alice"}, Text: "principal:alice", End: 15}}},
		{"user alias", "User:alice",
			[]Term{{Field: FieldPrincipal, Values: []string{"alice"}, Text: "User:alice", End: 10}}},
		{"type", "type:AssumedRole",
			[]Term{{Field: FieldType, Values: []string{"AssumedRole"}, Text: "type:AssumedRole", End: 16}}},
		{"key", "key:ASIAEXAMPLE",
			[]Term{{Field: FieldKey, Values: []string{"ASIAEXAMPLE"}, Text: "key:ASIAEXAMPLE", End: 15}}},
		{"resource with an ARN value", "resource:arn:aws:s3:::bucket",
			[]Term{{Field: FieldResource, Values: []string{"arn:aws:s3:::bucket"}, Text: "resource:arn:aws:s3:::bucket", End: 28}}},
		{"region list", "region:us-east-1,eu-west-1",
			[]Term{{Field: FieldRegion, Values: []string{"us-east-1", "eu-west-1"}, Text: "region:us-east-1,eu-west-1", End: 26}}},
		{"account", "account:123456789012",
			[]Term{{Field: FieldAccount, Values: []string{"123456789012"}, Text: "account:123456789012", End: 20}}},
		{"error code", "error:AccessDenied*",
			[]Term{{Field: FieldError, Values: []string{"AccessDenied*"}, Text: "error:AccessDenied*", End: 19}}},
		{"error any", "error:ANY",
			[]Term{{Field: FieldError, Values: []string{"ANY"}, Text: "error:ANY", End: 9}}},
		{"error none", "-error:none",
			[]Term{{Field: FieldError, Negate: true, Values: []string{"none"}, Text: "-error:none", End: 11}}},
		{"ua", "ua:aws-cli",
			[]Term{{Field: FieldUA, Values: []string{"aws-cli"}, Text: "ua:aws-cli", End: 10}}},
		{"id", "id:3038ebd2-c98a-4c65-9b6e-e22506292313",
			[]Term{{Field: FieldID, Values: []string{"3038ebd2-c98a-4c65-9b6e-e22506292313"}, Text: "id:3038ebd2-c98a-4c65-9b6e-e22506292313", End: 39}}},
		{"req", "req:abc",
			[]Term{{Field: FieldRequest, Values: []string{"abc"}, Text: "req:abc", End: 7}}},

		// readonly
		{"readonly false", "readonly:false",
			[]Term{{Field: FieldReadOnly, Values: []string{"false"}, Bool: false, Text: "readonly:false", End: 14}}},
		{"readonly TRUE", "readonly:TRUE",
			[]Term{{Field: FieldReadOnly, Values: []string{"TRUE"}, Bool: true, Text: "readonly:TRUE", End: 13}}},
		{"readonly yes", "readonly:yes",
			[]Term{{Field: FieldReadOnly, Values: []string{"yes"}, Bool: true, Text: "readonly:yes", End: 12}}},
		{"readonly 0", "readonly:0",
			[]Term{{Field: FieldReadOnly, Values: []string{"0"}, Bool: false, Text: "readonly:0", End: 10}}},

		// ip
		{"ip address", "ip:203.0.113.7",
			[]Term{{Field: FieldIP, Values: []string{"203.0.113.7"}, Prefixes: []netip.Prefix{pfx("203.0.113.7/32")}, Text: "ip:203.0.113.7", End: 14}}},
		{"ip CIDR", "-ip:10.0.0.0/8",
			[]Term{{Field: FieldIP, Negate: true, Values: []string{"10.0.0.0/8"}, Prefixes: []netip.Prefix{pfx("10.0.0.0/8")}, Text: "-ip:10.0.0.0/8", End: 14}}},
		{"ip CIDR with host bits is masked", "ip:10.1.2.3/8",
			[]Term{{Field: FieldIP, Values: []string{"10.1.2.3/8"}, Prefixes: []netip.Prefix{pfx("10.0.0.0/8")}, Text: "ip:10.1.2.3/8", End: 13}}},
		{"ip IPv6 and service name", "ip:2001:db8::1,ec2.amazonaws.com",
			[]Term{{Field: FieldIP, Values: []string{"2001:db8::1", "ec2.amazonaws.com"}, Prefixes: []netip.Prefix{pfx("2001:db8::1/128")},
				Names: []string{"ec2.amazonaws.com"}, Text: "ip:2001:db8::1,ec2.amazonaws.com", End: 32}}},
		{"ip IPv6 CIDR", "ip:2001:DB8::/32",
			[]Term{{Field: FieldIP, Values: []string{"2001:DB8::/32"}, Prefixes: []netip.Prefix{pfx("2001:db8::/32")}, Text: "ip:2001:DB8::/32", End: 16}}},
		{"ip IPv4-mapped address is unmapped", "ip:::ffff:10.0.0.1",
			[]Term{{Field: FieldIP, Values: []string{"::ffff:10.0.0.1"}, Prefixes: []netip.Prefix{pfx("10.0.0.1/32")}, Text: "ip:::ffff:10.0.0.1", End: 18}}},
		{"ip zone is dropped", "ip:fe80::1%eth0",
			[]Term{{Field: FieldIP, Values: []string{"fe80::1%eth0"}, Prefixes: []netip.Prefix{pfx("fe80::1/128")}, Text: "ip:fe80::1%eth0", End: 15}}},
		{"ip quoted name", `ip:"AWS Internal"`,
			[]Term{{Field: FieldIP, Values: []string{"AWS Internal"}, Names: []string{"AWS Internal"}, Text: `ip:"AWS Internal"`, End: 17}}},

		// bare words with colons
		{"ARN is a bare word", "arn:aws:iam::123456789012:user/alice",
			[]Term{{Field: FieldText, Values: []string{"arn:aws:iam::123456789012:user/alice"}, Text: "arn:aws:iam::123456789012:user/alice", End: 36}}},
		{"negated ARN upper case", "-ARN:aws:s3:::b",
			[]Term{{Field: FieldText, Negate: true, Values: []string{"ARN:aws:s3:::b"}, Text: "-ARN:aws:s3:::b", End: 15}}},
		{"IPv6 is a bare word", "2001:db8::1",
			[]Term{{Field: FieldText, Values: []string{"2001:db8::1"}, Text: "2001:db8::1", End: 11}}},
		{"IPv6 of hex letters is a bare word", "fd::1",
			[]Term{{Field: FieldText, Values: []string{"fd::1"}, Text: "fd::1", End: 5}}},
		{"IPv6 loopback is a bare word", "::1",
			[]Term{{Field: FieldText, Values: []string{"::1"}, Text: "::1", End: 3}}},
		{"URL is a bare word", "https://sqs.us-east-1.amazonaws.com/1/q",
			[]Term{{Field: FieldText, Values: []string{"https://sqs.us-east-1.amazonaws.com/1/q"}, Text: "https://sqs.us-east-1.amazonaws.com/1/q", End: 39}}},
		{"principal ID is a bare word", "AROAEXAMPLEROLEID1234:alice",
			[]Term{{Field: FieldText, Values: []string{"AROAEXAMPLEROLEID1234:alice"}, Text: "AROAEXAMPLEROLEID1234:alice", End: 27}}},
		{"host:port is a bare word", "10.0.0.1:443",
			[]Term{{Field: FieldText, Values: []string{"10.0.0.1:443"}, Text: "10.0.0.1:443", End: 12}}},
		{"colon after a comma is a bare word", "alice,foo:bar",
			[]Term{{Field: FieldText, Values: []string{"alice", "foo:bar"}, Text: "alice,foo:bar", End: 13}}},

		// times
		{"since hours", "since:2h",
			[]Term{{Field: FieldSince, Values: []string{"2h"}, Ago: 2 * time.Hour, Text: "since:2h", End: 8}}},
		{"since every unit", "since:1w2d3h4m5s",
			[]Term{{Field: FieldSince, Values: []string{"1w2d3h4m5s"}, Ago: 9*24*time.Hour + 3*time.Hour + 4*time.Minute + 5*time.Second, Text: "since:1w2d3h4m5s", End: 16}}},
		{"since combination", "since:1h30m",
			[]Term{{Field: FieldSince, Values: []string{"1h30m"}, Ago: 90 * time.Minute, Text: "since:1h30m", End: 11}}},
		{"since seconds and days", "since:30s until:7d",
			[]Term{
				{Field: FieldSince, Values: []string{"30s"}, Ago: 30 * time.Second, Text: "since:30s", End: 9},
				{Field: FieldUntil, Values: []string{"7d"}, Ago: 7 * 24 * time.Hour, Text: "until:7d", Start: 10, End: 18},
			}},
		{"until 2w", "until:2w",
			[]Term{{Field: FieldUntil, Values: []string{"2w"}, Ago: 14 * 24 * time.Hour, Text: "until:2w", End: 8}}},
		{"until RFC 3339", "until:2024-05-01T10:00:00Z",
			[]Term{{Field: FieldUntil, Values: []string{"2024-05-01T10:00:00Z"}, At: utc("2024-05-01T10:00:00Z"), Text: "until:2024-05-01T10:00:00Z", End: 26}}},
		{"until without seconds", "until:2024-05-01T10:00Z",
			[]Term{{Field: FieldUntil, Values: []string{"2024-05-01T10:00Z"}, At: utc("2024-05-01T10:00:00Z"), Text: "until:2024-05-01T10:00Z", End: 23}}},
		{"since with offset", "since:2024-05-01T12:00+02:00",
			[]Term{{Field: FieldSince, Values: []string{"2024-05-01T12:00+02:00"}, At: utc("2024-05-01T10:00:00Z"), Text: "since:2024-05-01T12:00+02:00", End: 28}}},
		{"since fractional seconds lower case", "since:2024-05-01t10:00:00.5z",
			[]Term{{Field: FieldSince, Values: []string{"2024-05-01t10:00:00.5z"}, At: utc("2024-05-01T10:00:00.5Z"), Text: "since:2024-05-01t10:00:00.5z", End: 28}}},
		{"since date", "since:2024-05-01",
			[]Term{{Field: FieldSince, Values: []string{"2024-05-01"}, At: utc("2024-05-01T00:00:00Z"), Text: "since:2024-05-01", End: 16}}},
		{"since quoted with a space", `since:"2024-05-01 10:00Z"`,
			[]Term{{Field: FieldSince, Values: []string{"2024-05-01 10:00Z"}, At: utc("2024-05-01T10:00:00Z"), Text: `since:"2024-05-01 10:00Z"`, End: 25}}},

		{"several terms", `-event:Describe* principal:alice ip:10.0.0.0/8 "x y"`,
			[]Term{
				{Field: FieldEvent, Negate: true, Values: []string{"Describe*"}, Text: "-event:Describe*", Start: 0, End: 16},
				{Field: FieldPrincipal, Values: []string{"alice"}, Text: "principal:alice", Start: 17, End: 32},
				{Field: FieldIP, Values: []string{"10.0.0.0/8"}, Prefixes: []netip.Prefix{pfx("10.0.0.0/8")}, Text: "ip:10.0.0.0/8", Start: 33, End: 46},
				{Field: FieldText, Values: []string{"x y"}, Text: `"x y"`, Start: 47, End: 52},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := ParseQuery(tt.in)
			if err != nil {
				t.Fatalf("ParseQuery(%q): %v", tt.in, err)
			}
			if q.Text != tt.in {
				t.Errorf("Text = %q, want %q", q.Text, tt.in)
			}
			if len(q.Terms) != len(tt.want) {
				t.Fatalf("ParseQuery(%q) = %d terms %+v, want %d", tt.in, len(q.Terms), q.Terms, len(tt.want))
			}
			for i := range tt.want {
				if !sameTerm(q.Terms[i], tt.want[i]) {
					t.Errorf("term %d:\n got %+v\nwant %+v", i, q.Terms[i], tt.want[i])
				}
			}
		})
	}
}

func TestParseQueryErrors(t *testing.T) {
	tests := []struct {
		in         string
		term       string
		start, end int
		msg        string // a substring of the message
	}{
		{`alice "unterminated`, `"unterminated`, 6, 19, "unterminated quote"},
		{`ua:"aws cli`, `ua:"aws cli`, 0, 11, "unterminated quote"},
		{`ua:"ends with escape\"`, `ua:"ends with escape\"`, 0, 22, "unterminated quote"},
		{`a - b`, `-`, 2, 3, "empty value"},
		{`event:`, `event:`, 0, 6, "empty value; write it right after the colon, e.g. event:Delete*"},
		{`x -event:`, `-event:`, 2, 9, "empty value"},
		{`ua:""`, `ua:""`, 0, 5, "empty value"},
		{`""`, `""`, 0, 2, "empty value"},
		{`region:us-east-1,`, `region:us-east-1,`, 0, 17, "empty item in the comma list"},
		{`region:,us-east-1`, `region:,us-east-1`, 0, 17, "empty item"},
		{`a,,b`, `a,,b`, 0, 4, "empty item"},
		{`foo:bar`, `foo:bar`, 0, 7, `unknown qualifier "foo"; known: event, source, principal (user), type`},
		{`x evnt:Delete*`, `evnt:Delete*`, 2, 14, "did you mean event?"},
		{`-usr:alice`, `-usr:alice`, 0, 10, "did you mean user?"},
		{`ip:300.1.2.3`, `ip:300.1.2.3`, 0, 12, "not an IP address or CIDR"},
		{`ip:10.0.0.0/33`, `ip:10.0.0.0/33`, 0, 14, "not an IP address or CIDR"},
		{`ip:10.0.0`, `ip:10.0.0`, 0, 9, "not an IP address or CIDR"},
		{`ip:2001:db8:::1`, `ip:2001:db8:::1`, 0, 15, "not an IP address or CIDR"},
		{`ip:1.2.3.4,1.2.3.999`, `ip:1.2.3.4,1.2.3.999`, 0, 20, `"1.2.3.999": not an IP address or CIDR`},
		{`ip:10.0.0.*`, `ip:10.0.0.*`, 0, 11, "use a CIDR"},
		{`readonly:maybe`, `readonly:maybe`, 0, 14, "want true or false"},
		{`readonly:true,false`, `readonly:true,false`, 0, 19, "one value"},
		{`since:yesterday`, `since:yesterday`, 0, 15, "e.g. since:2h"},
		{`since:2`, `since:2`, 0, 7, "not a duration"},
		{`since:h`, `since:h`, 0, 7, "not a duration"},
		{`since:2x`, `since:2x`, 0, 8, "not a duration"},
		{`since:-2h`, `since:-2h`, 0, 9, "not a duration"},
		{`since:2M`, `since:2M`, 0, 8, "months are not supported"},
		{`since:99999999999999999999999h`, `since:99999999999999999999999h`, 0, 30, "too long"},
		{`since:1000000000h`, `since:1000000000h`, 0, 17, "too long"},
		{`since:2h,3h`, `since:2h,3h`, 0, 11, "not a list"},
		{`until:2024-13-01`, `until:2024-13-01`, 0, 16, "e.g. until:2024-05-01T10:00Z"},
		{`until:2024-05-01T10:00`, `until:2024-05-01T10:00`, 0, 22, "add a time zone"},
		{`until:1969-12-31`, `until:1969-12-31`, 0, 16, "before 1970"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			q, err := ParseQuery(tt.in)
			if err == nil {
				t.Fatalf("ParseQuery(%q) = %+v, want an error", tt.in, q.Terms)
			}
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("error %T %v is not a *QueryError", err, err)
			}
			if qe.Term != tt.term || qe.Start != tt.start || qe.End != tt.end {
				t.Errorf("error at %q [%d:%d], want %q [%d:%d]", qe.Term, qe.Start, qe.End, tt.term, tt.start, tt.end)
			}
			if tt.in[qe.Start:qe.End] != qe.Term {
				t.Errorf("offsets [%d:%d] do not hold %q", qe.Start, qe.End, qe.Term)
			}
			if !strings.Contains(qe.Msg, tt.msg) {
				t.Errorf("message %q does not contain %q", qe.Msg, tt.msg)
			}
			if want := qe.Term + ": " + qe.Msg; err.Error() != want {
				t.Errorf("Error() = %q, want %q", err.Error(), want)
			}
			if len(q.Terms) != 0 {
				t.Errorf("terms returned with an error: %+v", q.Terms)
			}
		})
	}
}

func TestQueryErrorMessage(t *testing.T) {
	_, err := ParseQuery("ip:300.1.2.3")
	if got, want := err.Error(), "ip:300.1.2.3: not an IP address or CIDR"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestQueryStringRoundTrip(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"  alice   bob ", "alice bob"},
		{"EVENT:Delete* User:alice", "event:Delete* principal:alice"},
		{`ua:"aws-cli/2.0 Python"`, `ua:"aws-cli/2.0 Python"`},
		{`ua:"a,b",c`, `ua:"a,b",c`},
		{`ua:a"b"c`, `ua:abc`},
		{`ua:"say \"hi\" \\o/"`, `ua:"say \"hi\" \\o/"`},
		{`ua:a\b`, `ua:a\b`},
		{`"event:x"`, `"event:x"`},
		{`"foo:x"`, `"foo:x"`},
		{`"-x"`, `"-x"`},
		{`--x`, `-"-x"`},
		{`-"two words"`, `-"two words"`},
		{`"plain"`, `plain`},
		{`arn:aws:iam::1:user/a,arn:aws:iam::1:user/b`, `arn:aws:iam::1:user/a,arn:aws:iam::1:user/b`},
		{`"AROA1:alice"`, `AROA1:alice`},
		{`fd::1 2001:db8::/32`, `fd::1 2001:db8::/32`},
		{`alice,-bob,foo:bar`, `alice,-bob,foo:bar`},
		{`-ip:10.0.0.0/8,ec2.amazonaws.com,"AWS Internal"`, `-ip:10.0.0.0/8,ec2.amazonaws.com,"AWS Internal"`},
		{`readonly:NO since:1h30m until:2024-05-01T10:00Z`, `readonly:NO since:1h30m until:2024-05-01T10:00Z`},
		{`since:"2024-05-01 10:00Z"`, `since:"2024-05-01 10:00Z"`},
		{"error:any,none,Access* -region:us-east-1 account:1 key:K resource:r id:i req:q type:Root source:s3",
			"error:any,none,Access* -region:us-east-1 account:1 key:K resource:r id:i req:q type:Root source:s3"},
		{"ua:\"tab\there\"", "ua:\"tab\there\""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			q, err := ParseQuery(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			s := q.String()
			if s != tt.want {
				t.Errorf("String() = %q, want %q", s, tt.want)
			}
			q2, err := ParseQuery(s)
			if err != nil {
				t.Fatalf("ParseQuery(String()) = %v", err)
			}
			if len(q2.Terms) != len(q.Terms) {
				t.Fatalf("round trip gives %d terms, want %d", len(q2.Terms), len(q.Terms))
			}
			for i := range q.Terms {
				if !sameMeaning(q.Terms[i], q2.Terms[i]) {
					t.Errorf("term %d: round trip gives %+v, want %+v", i, q2.Terms[i], q.Terms[i])
				}
				if got := q.Terms[i].String(); got != s[q2.Terms[i].Start:q2.Terms[i].End] {
					t.Errorf("Term.String() = %q, not what Query.String() wrote", got)
				}
			}
		})
	}
}

func TestTermDescribe(t *testing.T) {
	tests := []struct{ in, want string }{
		{"alice", "mentions alice"},
		{"-alice,bob", "mentions none of alice or bob"},
		{`"two words"`, `mentions "two words"`},
		{"event:TerminateInstances,RunInstances", "event name is TerminateInstances or RunInstances"},
		{"event:A,B,C", "event name is A, B or C"},
		{"-event:Describe*", "event name is not Describe*"},
		{"-event:Get*,List*", "event name is none of Get* or List*"},
		{"source:ec2", "event source is ec2.amazonaws.com"},
		{"source:ec2.amazonaws.com,s3", "event source is ec2.amazonaws.com or s3.amazonaws.com"},
		{"user:alice", "principal contains alice"},
		{"-principal:alice", "principal does not contain alice"},
		{"type:Root", "identity type is Root"},
		{"key:AKIA1", "access key is AKIA1"},
		{"resource:i-0abc", "touches resource i-0abc"},
		{"-resource:i-0abc", "does not touch resource i-0abc"},
		{"ip:10.0.0.0/8", "from 10.0.0.0/8"},
		{"-ip:10.0.0.0/8", "not from 10.0.0.0/8"},
		{"-ip:10.0.0.0/8,ec2.amazonaws.com", "not from any of 10.0.0.0/8 or ec2.amazonaws.com"},
		{"region:us-east-1,eu-west-1", "in region us-east-1 or eu-west-1"},
		{"-region:us-east-1", "not in region us-east-1"},
		{"account:123456789012", "in account 123456789012"},
		{"error:AccessDenied", "error code is AccessDenied"},
		{"-error:AccessDenied", "error code is not AccessDenied"},
		{"error:any", "has an error"},
		{"error:None", "has no error"},
		{"-error:any", "has no error"},
		{"-error:none", "has an error"},
		{"error:none,AccessDenied", "has no error or error code is AccessDenied"},
		{"-error:any,Throttling", "not (has an error or error code is Throttling)"},
		{`ua:"aws-cli/2.0 Python"`, `user agent contains "aws-cli/2.0 Python"`},
		{"readonly:true", "read-only"},
		{"readonly:false", "a write (not read-only)"},
		{"-readonly:true", "not read-only"},
		{"-readonly:false", "not a write"},
		{"since:2h", "since 2h before the newest event"},
		{"-since:1h30m", "before 1h30m before the newest event"},
		{"until:7d", "until 7d before the newest event"},
		{"-until:2024-05-01T12:00+02:00", "after 2024-05-01 10:00 UTC"},
		{"since:2024-05-01", "since 2024-05-01 00:00 UTC"},
		{"since:2024-05-01T10:00:30Z", "since 2024-05-01 10:00:30 UTC"},
		{"id:abc", "event ID is abc"},
		{"req:abc", "request or shared event ID is abc"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			q, err := ParseQuery(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := q.Terms[0].Describe(); got != tt.want {
				t.Errorf("Describe() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMatchWildcard(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true},
		{"", "a", false},
		{"*", "", true},
		{"*", "anything", true},
		{"**", "", true},
		{"TerminateInstances", "terminateinstances", true},
		{"TerminateInstances", "TerminateInstance", false},
		{"TerminateInstances", "TerminateInstancesX", false},
		{"Delete*", "DeleteBucket", true},
		{"delete*", "DELETEBUCKET", true},
		{"Delete*", "Delete", true},
		{"Delete*", "PutBucket", false},
		{"Delete*", "xDeleteBucket", false},
		{"*Bucket", "DeleteBucket", true},
		{"*Bucket", "DeleteBucketPolicy", false},
		{"*bucket*", "PutBucketPolicy", true},
		{"Put*Policy", "PutBucketPolicy", true},
		{"Put*Policy", "PutPolicy", true},
		{"Put*Policy", "PutPolic", false},
		{"a*a", "a", false},
		{"a*a", "aa", true},
		{"a*b*c", "abc", true},
		{"a*b*c", "acb", false},
		{"a*b*c", "axxbyyc", true},
		{"*aab*", "aaab", true},
		{"*abab*c", "ababababc", true},
		{"*abab*c", "abababac", true},
		{"*abab*c", "abababa", false},
		{"*abac*", "ababac", true},
		{"Access*Denied*", "AccessDenied", true},
		{"*.amazonaws.com", "ec2.amazonaws.com", true},
		{"a*", "a*", true},
		{"straße", "STRASSE", false}, // simple folding only, as strings.EqualFold
		{"ÉCHEC*", "échec total", true},
		{"*σ", "ΟΔΟΣ", true},        // Σ folds with σ
		{"*ς", "ΟΔΟΣ", true},        // and with final ς
		{"k*", "\u212Aelvin", true}, // Kelvin sign folds with k
		{"\xff*", "\xffx", true},
		{"\xff*", "\xfex", false}, // invalid bytes are distinct, unlike in strings.EqualFold
		{"\xff", "\xfe", false},
	}
	for _, tt := range tests {
		if got := MatchWildcard(tt.pattern, tt.s); got != tt.want {
			t.Errorf("MatchWildcard(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

func TestMatchWildcardLong(t *testing.T) {
	s := strings.Repeat("a", 100000)
	if MatchWildcard("*"+strings.Repeat("a", 5000)+"b*", s) {
		t.Error("matched a missing b")
	}
	if !MatchWildcard("*"+strings.Repeat("a", 5000)+"*a", s) {
		t.Error("did not match")
	}
}

func TestMatchWildcardAllocs(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		MatchWildcard("Delete*Policy", "DeleteBucketPolicy")
		MatchWildcard("*ÉCHEC*", "un échec total")
	})
	if allocs != 0 {
		t.Errorf("MatchWildcard allocates %v times on short strings", allocs)
	}
}

func TestQualifiers(t *testing.T) {
	if len(Qualifiers) != int(FieldFile) {
		t.Fatalf("%d qualifiers, want one per field but FieldText (%d)", len(Qualifiers), FieldFile)
	}
	seen := map[string]bool{}
	for i, q := range Qualifiers {
		if want := Field(i + 1); q.Field != want {
			t.Errorf("Qualifiers[%d] is %v, want %v (DESIGN.md order)", i, q.Field, want)
		}
		if q.Name != q.Field.String() {
			t.Errorf("Qualifiers[%d].Name = %q, Field.String() = %q", i, q.Name, q.Field.String())
		}
		for _, n := range append([]string{q.Name}, q.Aliases...) {
			if seen[n] {
				t.Errorf("name %q twice", n)
			}
			seen[n] = true
		}
		if q.Help == "" {
			t.Errorf("%s has no help", q.Name)
		}
		qq, err := ParseQuery(q.Example)
		if err != nil {
			t.Errorf("example %q: %v", q.Example, err)
		} else if len(qq.Terms) != 1 || qq.Terms[0].Field != q.Field {
			t.Errorf("example %q parses as %+v", q.Example, qq.Terms)
		}
	}
	if !reflect.DeepEqual(Qualifiers[2].Aliases, []string{"user"}) {
		t.Errorf("principal aliases = %v", Qualifiers[2].Aliases)
	}
	if FieldText.String() != "text" || FieldPrincipal.String() != "principal" || Field(200).String() != "Field(200)" {
		t.Errorf("Field.String: %q %q %q", FieldText, FieldPrincipal, Field(200))
	}
}

func TestEventSource(t *testing.T) {
	for in, want := range map[string]string{
		"ec2":               "ec2.amazonaws.com",
		"ec2.amazonaws.com": "ec2.amazonaws.com",
		"EC2":               "EC2.amazonaws.com",
		"ec2*":              "ec2*",
		"":                  "",
	} {
		if got := EventSource(in); got != want {
			t.Errorf("EventSource(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestParseQueryLinear: long inputs of every shape parse in time proportional to their length, no
// quadratic work per term or per value. It compares the time of an input eight times longer than
// another, not either time with a limit: the ratio is the parser's, whatever the machine's speed
// (linear is 8, quadratic 64). The times are CPU times (see cpuTime), the least of three, taken
// with the garbage collector off (whose work depends on what ran before), so that what else the
// machine runs does not count.
func TestParseQueryLinear(t *testing.T) {
	shapes := []func(n int) string{
		func(n int) string { return strings.Repeat("a ", n) },
		func(n int) string { return strings.Repeat("event:a,", n/2) + "b" },
		func(n int) string { return "ua:\"" + strings.Repeat("x\\\"", n) + "\"" },
		func(n int) string { return strings.Repeat("-", 2*n) },
		func(n int) string { return strings.Repeat(":", 2*n) },
		func(n int) string { return "since:" + strings.Repeat("1s", n) },
		func(n int) string { return strings.Repeat("abc:", n/2) },
	}
	const n, longer = 10000, 8
	for _, shape := range shapes {
		short, long := shape(n), shape(longer*n)
		ts, tl := parseTime(short), parseTime(long)
		for range 2 {
			ts, tl = min(ts, parseTime(short)), min(tl, parseTime(long))
		}
		if ratio := float64(tl) / float64(max(ts, time.Microsecond)); ratio > 20 {
			t.Errorf("ParseQuery of %d bytes (%q...) took %v, of %d bytes %v: %.0f times as long for %d times the input",
				len(short), short[:10], ts, len(long), tl, ratio, longer)
		}
	}
}

func parseTime(in string) time.Duration {
	runtime.GC()
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	return cpuTime(func() { _, _ = ParseQuery(in) })
}
