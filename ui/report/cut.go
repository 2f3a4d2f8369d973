package report

import "github.com/charmbracelet/x/ansi"

// CutMiddle fits s into width cells by cutting its middle: "arn:aws:s3:::logs/AWSLogs/…/2024/05/01/x.json.gz".
// The tail of an ARN, an S3 key, an access key or a session name is what tells one from its neighbours,
// so two thirds of the room go to the tail. s fits as it is when it can; a width under 2 gives the tail.
func CutMiddle(s string, width int) string {
	w := ansi.StringWidth(s)
	if w <= width {
		return s
	}
	if width < 2 {
		return ansi.TruncateLeft(s, w-max(width, 0), "")
	}
	head := (width - 1) / 3
	tail := width - 1 - head
	return ansi.Truncate(s, head, "") + "…" + ansi.TruncateLeft(s, w-tail, "")
}
