package cloudtrail

import (
	"slices"
	"strings"
	"testing"
)

func TestDeriveIdentity(t *testing.T) {
	tests := []struct {
		name                     string
		id                       Identity
		principal, role, session string
	}{
		{"root", Identity{Type: "Root", Account: "111122223333", ARN: "arn:aws:iam::111122223333:root"},
			"root (111122223333)", "root (111122223333)", ""},
		{"iam user", Identity{Type: "IAMUser", UserName: "bob", ARN: "arn:aws:iam::1:user/bob"},
			"user/bob", "user/bob", ""},
		{"iam user without userName", Identity{Type: "IAMUser", ARN: "arn:aws:iam::1:user/dev/carol"},
			"user/carol", "user/carol", ""},
		{"assumed role", Identity{Type: "AssumedRole", ARN: "arn:aws:sts::1:assumed-role/Admin/alice@corp",
			IssuerName: "Admin", IssuerARN: "arn:aws:iam::1:role/Admin", PrincipalID: "AROA:alice@corp"},
			"role/Admin (session alice@corp)", "role/Admin", "alice@corp"},
		{"assumed role with source identity", Identity{Type: "AssumedRole", ARN: "arn:aws:sts::1:assumed-role/Deploy/ci-123",
			SourceIdentity: "alice"},
			"role/Deploy (session ci-123, source alice)", "role/Deploy", "ci-123"},
		{"assumed role, issuer only", Identity{Type: "AssumedRole", IssuerARN: "arn:aws:iam::1:role/path/Ops", PrincipalID: "AROAX:i-0abc"},
			"role/Ops (session i-0abc)", "role/Ops", "i-0abc"},
		{"role", Identity{Type: "Role", ARN: "arn:aws:iam::1:role/Runner"}, "role/Runner", "role/Runner", ""},
		{"federated user", Identity{Type: "FederatedUser", ARN: "arn:aws:sts::1:federated-user/dave",
			IssuerName: "bob", PrincipalID: "1:dave"},
			"federated/dave (via user/bob)", "federated/bob", "dave"},
		{"aws account", Identity{Type: "AWSAccount", Account: "444455556666", PrincipalID: "AIDAEXAMPLE"},
			"account 444455556666 (AIDAEXAMPLE)", "account 444455556666 (AIDAEXAMPLE)", ""},
		{"aws service", Identity{Type: "AWSService", InvokedBy: "autoscaling.amazonaws.com"},
			"service autoscaling.amazonaws.com", "service autoscaling.amazonaws.com", ""},
		{"identity center user", Identity{Type: "IdentityCenterUser", OnBehalfOf: "94482488-3041-7026-18f3-be45837cd0e4"},
			"identity-center/94482488-3041-7026-18f3-be45837cd0e4", "identity-center/94482488-3041-7026-18f3-be45837cd0e4", ""},
		{"saml user", Identity{Type: "SAMLUser", UserName: "eve@corp", Provider: "arn:aws:iam::1:saml-provider/Okta"},
			"saml/eve@corp (Okta)", "saml/eve@corp (Okta)", ""},
		{"web identity user", Identity{Type: "WebIdentityUser", UserName: "sub-123", Provider: "accounts.google.com"},
			"web-identity/sub-123 (accounts.google.com)", "web-identity/sub-123 (accounts.google.com)", ""},
		{"directory", Identity{Type: "Directory", UserName: "frank"}, "directory/frank", "directory/frank", ""},
		{"unknown", Identity{Type: "Unknown", PrincipalID: "xyz"}, "unknown/xyz", "unknown/xyz", ""},
		{"missing type, service", Identity{InvokedBy: "cloudtrail.amazonaws.com"},
			"service cloudtrail.amazonaws.com", "service cloudtrail.amazonaws.com", ""},
		{"missing everything", Identity{}, "(no identity)", "(no identity)", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := tt.id
			DeriveIdentity(&id)
			if id.Principal != tt.principal || id.Role != tt.role || id.Session != tt.session {
				t.Errorf("got principal %q role %q session %q; want %q %q %q",
					id.Principal, id.Role, id.Session, tt.principal, tt.role, tt.session)
			}
		})
	}
}

func TestSanitize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain aws-cli/2.0", "plain aws-cli/2.0"},
		{"évènement ✓", "évènement ✓"},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"a\nb\tc\rd", `a\nb\tc\rd`},
		{"bell\x07", `bell\x07`},
		{"bad \xff utf8", `bad \xff utf8`},
		{"c1 \u009b2J", `c1 \u009b2J`},
		{"rtl \u202eevil", `rtl \u202eevil`},
		{"del\x7f", `del\x7f`},
	}
	for _, tt := range tests {
		if got := Sanitize(tt.in); got != tt.want {
			t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestPrincipalWords: whatever the identity, every run of its Principal between PrincipalSeparators
// is one of PrincipalWords, the type lower-cased, or part of a value the record holds (each value here
// holds the marker "zq"; a value missing gives the separator "?").
func TestPrincipalWords(t *testing.T) {
	types := []string{"Root", "IAMUser", "AssumedRole", "Role", "FederatedUser", "AWSAccount", "AWSService",
		"IdentityCenterUser", "SAMLUser", "WebIdentityUser", "Directory", "", "Unknown", "SomeNewType"}
	full := Identity{PrincipalID: "AROAzq1:zq-sess", ARN: "arn:aws:sts::zq2:assumed-role/zq-role/zq-sess",
		Account: "zq3", AccessKey: "ASIAzq", UserName: "zq-user", InvokedBy: "zq.amazonaws.com", SourceIdentity: "zq-src",
		OnBehalfOf: "zq-behalf", IssuerType: "Role", IssuerARN: "arn:aws:iam::zq4:role/zq-issuer", IssuerName: "zq-issuer",
		Provider: "arn:aws:iam::zq5:saml-provider/zq-idp"}
	for _, typ := range types {
		for _, id := range []Identity{full, {}, {ARN: full.ARN}, {PrincipalID: full.PrincipalID}, {InvokedBy: full.InvokedBy}} {
			id.Type = typ
			DeriveIdentity(&id)
			runs := strings.FieldsFunc(id.Principal, func(r rune) bool { return strings.ContainsRune(PrincipalSeparators, r) })
			for _, run := range runs {
				if !strings.Contains(run, "zq") && !slices.Contains(PrincipalWords, run) && run != strings.ToLower(typ) {
					t.Errorf("type %q: %q in %q is neither a value nor one of PrincipalWords", typ, run, id.Principal)
				}
			}
		}
	}
}
