package cloudtrail

import (
	"strings"

	"github.com/tidwall/gjson"
)

// Sign-in events report failure in their response, not with an errorCode: a failed ConsoleLogin has
// responseElements.ConsoleLogin "Failure" and a top-level errorMessage ("Failed authentication"), a
// failed CheckMfa responseElements.CheckMfa "Failure"; Identity Center sign-ins say it in
// serviceEventDetails, some others in additionalEventData. DecodeRecord makes such an event an error
// like any other (Record.ErrorCode holds what the service reported, Record.ErrorInResponse says where
// it came from), so that error:any, the error marks, the counts and the rules agree.

// reportingSources are the services whose events report failure in the response.
var reportingSources = map[string]bool{
	"signin.amazonaws.com": true, "sso.amazonaws.com": true, "sso-directory.amazonaws.com": true,
	"identitystore.amazonaws.com": true,
}

// reportsInResponse reports whether an event is one whose service may report failure in its response.
func reportsInResponse(r *Record) bool {
	return r.EventType == "AwsConsoleSignIn" || reportingSources[r.Source]
}

// reportingParts are the parts of a record where a sign-in reports its outcome.
var reportingParts = [...]string{"responseElements", "serviceEventDetails", "additionalEventData"}

// reportedFailure returns the failure a sign-in event reported in its response ("Failure"), and the
// place it was reported ("responseElements.ConsoleLogin"); "" when it reported none.
func reportedFailure(raw []byte) (value, where string) {
	parts := gjson.GetManyBytes(raw, reportingParts[:]...)
	for i, p := range parts {
		if !p.IsObject() {
			continue
		}
		p.ForEach(func(k, v gjson.Result) bool {
			if v.Type == gjson.String && isFailure(v.Str) {
				value, where = v.Str, reportingParts[i]+"."+k.String()
				return false
			}
			return true
		})
		if value != "" {
			return value, where
		}
	}
	return "", ""
}

// isFailure reads an outcome a sign-in reported.
func isFailure(s string) bool {
	return strings.EqualFold(s, "Failure") || strings.EqualFold(s, "Failed")
}

// markReportedFailure makes a sign-in that reported failure in its response an error.
func markReportedFailure(r *Record, raw []byte) {
	if r.ErrorCode != "" || !reportsInResponse(r) {
		return
	}
	if v, where := reportedFailure(raw); v != "" {
		r.ErrorCode, r.ErrorInResponse = v, where
	}
}
