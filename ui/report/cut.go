package report

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

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

// CutPrincipal fits a principal (cloudtrail.Identity's Principal) into width cells. It is whole when it
// fits. A role session, "role/NAME (session S)", becomes "NAME/S" (the form of its ARN's tail), an
// Identity Center role's name losing "AWSReservedSSO_" and its hash; when that is still too wide, the
// session keeps two thirds of the room (it tells a person or an instance apart), an e-mail address
// its head. Other principals are cut in the middle, a service's name losing ".amazonaws.com".
func CutPrincipal(p string, width int) string {
	if ansi.StringWidth(p) <= width {
		return p
	}
	role, session, ok := sessionParts(p)
	if !ok {
		if svc, found := strings.CutPrefix(p, "service "); found {
			p = "service " + strings.TrimSuffix(svc, ".amazonaws.com")
		}
		return CutMiddle(p, width)
	}
	if s := role + "/" + session; ansi.StringWidth(s) <= width {
		return s
	}
	sw := min(ansi.StringWidth(session), max(width*2/3, width-ansi.StringWidth(role)-1))
	rw := width - 1 - sw
	if rw < 3 {
		return cutSession(session, width)
	}
	return ansi.Truncate(role, rw, "…") + "/" + cutSession(session, sw)
}

// sessionParts reads "role/NAME (session S)" and "role/NAME (session S, source X)": the role's name,
// without Identity Center's decoration, and the session.
func sessionParts(p string) (role, session string, ok bool) {
	rest, found := strings.CutPrefix(p, "role/")
	if !found {
		return "", "", false
	}
	role, paren, found := strings.Cut(rest, " (session ")
	if !found || !strings.HasSuffix(paren, ")") {
		return "", "", false
	}
	session = strings.TrimSuffix(paren, ")")
	if i := strings.Index(session, ", source "); i >= 0 {
		session = session[:i]
	}
	if name, found := strings.CutPrefix(role, "AWSReservedSSO_"); found {
		if i := strings.LastIndexByte(name, '_'); i > 0 {
			name = name[:i]
		}
		role = name
	}
	return role, session, role != "" && session != ""
}

// cutSession fits a session name into width cells: an e-mail address keeps its head (the person), any
// other name its tail (an instance ID, a numbered SDK session).
func cutSession(s string, width int) string {
	if strings.Contains(s, "@") {
		return ansi.Truncate(s, width, "…")
	}
	return CutMiddle(s, width)
}
