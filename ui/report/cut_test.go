package report

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestCutMiddle(t *testing.T) {
	for _, tt := range []struct {
		s     string
		width int
		want  string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"my-log-bucket/AWSLogs/123456789012/CloudTrail/us-east-1/2024/05/01/file-0042.json.gz", 30, "my-log-bu…01/file-0042.json.gz"},
		{"arn:aws:iam::123837392027:user/stratus-red-team-backdoor-u-user", 24, "arn:aws…-backdoor-u-user"},
		{"AKIATFQR7NSC3ZO6PKAZ", 12, "AKI…3ZO6PKAZ"},
		{"日本語のとても長い名前です", 9, "日…前です"},
		{"abc", 1, "c"},
		{"abc", 0, ""},
	} {
		got := CutMiddle(tt.s, tt.width)
		if got != tt.want {
			t.Errorf("CutMiddle(%q, %d) = %q, want %q", tt.s, tt.width, got, tt.want)
		}
		if w := ansi.StringWidth(got); w > max(tt.width, 0) {
			t.Errorf("CutMiddle(%q, %d) is %d cells wide", tt.s, tt.width, w)
		}
	}
}

func TestCutPrincipal(t *testing.T) {
	sso := "role/AWSReservedSSO_AdministratorAccess_1a2b3c4d5e6f7a8b (session jessica.jensen@example.com)"
	for _, tt := range []struct {
		p     string
		width int
		want  string
	}{
		{"user/alice.chen", 20, "user/alice.chen"},
		{sso, 120, sso},
		{sso, 40, "Administrato…/jessica.jensen@example.com"},
		{sso, 15, "Adm…/jessica.j…"},
		{sso, 5, "jess…"},
		{"role/inventory-svc (session i-716e9f8d44ad2f555)", 33, "inventory-svc/i-716e9f8d44ad2f555"},
		{"role/inventory-svc (session i-716e9f8d44ad2f555)", 30, "inventory…/i-716e9f8d44ad2f555"},
		{"role/inventory-svc (session i-716e9f8d44ad2f555)", 15, "inv…/i-7…d2f555"},
		{"role/deploy (session ci, source alice)", 9, "deploy/ci"},
		{"service cloudtrail.amazonaws.com", 15, "serv…cloudtrail"},
		{"user/stratus-red-team-backdoor-user", 15, "user…kdoor-user"},
		{"role/a (session)", 4, "r…n)"}, // not a session principal: no session name
	} {
		got := CutPrincipal(tt.p, tt.width)
		if got != tt.want {
			t.Errorf("CutPrincipal(%q, %d) = %q, want %q", tt.p, tt.width, got, tt.want)
		}
		if w := ansi.StringWidth(got); w > max(tt.width, 0) {
			t.Errorf("CutPrincipal(%q, %d) is %d cells wide", tt.p, tt.width, w)
		}
	}
}
