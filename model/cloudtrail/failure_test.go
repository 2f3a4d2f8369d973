package cloudtrail

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestReportedFailure(t *testing.T) {
	tests := []struct {
		name, rec   string
		code, where string
	}{
		{"failed console sign-in", `{"eventTime":"2023-07-10T11:42:36Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","eventType":"AwsConsoleSignIn","errorMessage":"Failed authentication","responseElements":{"ConsoleLogin":"Failure"}}`,
			"Failure", "responseElements.ConsoleLogin"},
		{"failed CheckMfa", `{"eventTime":"2023-07-10T11:42:36Z","eventSource":"signin.amazonaws.com","eventName":"CheckMfa","eventType":"AwsConsoleSignIn","responseElements":{"CheckMfa":"Failure"}}`,
			"Failure", "responseElements.CheckMfa"},
		{"Identity Center", `{"eventTime":"2023-07-10T11:42:36Z","eventSource":"signin.amazonaws.com","eventName":"CredentialVerification","eventType":"AwsServiceEvent","serviceEventDetails":{"CredentialVerification":"Failure"}}`,
			"Failure", "serviceEventDetails.CredentialVerification"},
		{"additionalEventData", `{"eventTime":"2023-07-10T11:42:36Z","eventSource":"sso.amazonaws.com","eventName":"Authenticate","additionalEventData":{"Result":"Failed"}}`,
			"Failed", "additionalEventData.Result"},
		{"a success", `{"eventTime":"2023-07-10T11:42:36Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","eventType":"AwsConsoleSignIn","responseElements":{"ConsoleLogin":"Success"}}`,
			"", ""},
		{"an errorCode wins", `{"eventTime":"2023-07-10T11:42:36Z","eventSource":"signin.amazonaws.com","eventName":"GetSigninToken","eventType":"AwsConsoleSignIn","errorCode":"AccessDenied","responseElements":{"GetSigninToken":"Failure"}}`,
			"AccessDenied", ""},
		{"another service's word is not read", `{"eventTime":"2023-07-10T11:42:36Z","eventSource":"ssm.amazonaws.com","eventName":"SendCommand","eventType":"AwsApiCall","responseElements":{"status":"Failed"}}`,
			"", ""},
		{"response not an object", `{"eventTime":"2023-07-10T11:42:36Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","eventType":"AwsConsoleSignIn","responseElements":"Failure"}`,
			"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := DecodeRecord([]byte(tt.rec))
			if err != nil {
				t.Fatal(err)
			}
			if r.ErrorCode != tt.code || r.ErrorInResponse != tt.where {
				t.Errorf("ErrorCode %q in %q, want %q in %q", r.ErrorCode, r.ErrorInResponse, tt.code, tt.where)
			}
		})
	}
}

// Every sign-in of the public fixtures that reports failure in its response decodes as an error: the
// failed ConsoleLogins, a PasswordUpdated, an ExternalIdPDirectoryLogin.
func TestRealReportedFailures(t *testing.T) {
	path := filepath.Join(realDataDir, "panther_analysis_tests", "panther_cloudtrail_test_events.jsonl")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("no shared data at %s (a user's clone has none): %v", path, err)
	}
	defer f.Close()
	seen := map[string]int{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if !bytes.Contains(line, []byte(`": "Failure"}`)) || bytes.Contains(line, []byte(`"errorCode"`)) {
			continue
		}
		// One fixture's time is redacted: given one, it decodes.
		line = bytes.Replace(line, []byte(`"eventTime": "redacted"`), []byte(`"eventTime": "2020-01-01T00:00:00Z"`), 1)
		r, err := DecodeRecord(line)
		if err != nil {
			continue // a hand-edited fixture without any time
		}
		if r.ErrorCode != "Failure" || r.ErrorInResponse != "responseElements."+r.Name {
			t.Errorf("%s: ErrorCode %q in %q", r.Name, r.ErrorCode, r.ErrorInResponse)
		}
		seen[r.Name]++
	}
	for _, name := range []string{"ConsoleLogin", "PasswordUpdated", "ExternalIdPDirectoryLogin"} {
		if seen[name] == 0 {
			t.Errorf("no failed %s in the data: %v", name, seen)
		}
	}
}
