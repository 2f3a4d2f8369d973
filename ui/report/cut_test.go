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
