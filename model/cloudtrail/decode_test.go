package cloudtrail

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

const sampleRecord = `{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAX:alice","arn":"arn:aws:sts::111122223333:assumed-role/Admin/alice","accountId":"111122223333","accessKeyId":"ASIAEXAMPLE","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAX","arn":"arn:aws:iam::111122223333:role/Admin","accountId":"111122223333","userName":"Admin"},"attributes":{"creationDate":"2023-07-10T11:42:31Z","mfaAuthenticated":"true"},"sourceIdentity":"alice@corp"}},"eventTime":"2023-07-10T11:42:36Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRole","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userAgent":"aws-cli/2","requestParameters":{"roleArn":"arn:aws:iam::444455556666:role/Prod","roleSessionName":"s"},"responseElements":{"credentials":{"accessKeyId":"ASIAMINTEDEXAMPLE1","sessionToken":"x","expiration":"Jul 10, 2023, 12:42:36 PM"}},"requestID":"r","eventID":"e","readOnly":true,"eventType":"AwsApiCall","recipientAccountId":"111122223333","eventCategory":"Management"}`

func TestDecodeRecord(t *testing.T) {
	r, err := DecodeRecord([]byte(sampleRecord))
	if err != nil {
		t.Fatal(err)
	}
	if !r.Time.Equal(time.Date(2023, 7, 10, 11, 42, 36, 0, time.UTC)) || r.Name != "AssumeRole" || r.Source != "sts.amazonaws.com" ||
		r.ReadOnly != True || r.MintedKey != "ASIAMINTEDEXAMPLE1" || !r.Identity.MFA || r.Identity.SourceIdentity != "alice@corp" ||
		r.Identity.Principal != "role/Admin (session alice, source alice@corp)" || r.Account != "111122223333" {
		t.Errorf("decoded %+v", r)
	}
}

func TestDecodeRecordTolerance(t *testing.T) {
	tests := []struct {
		name, rec string
		check     func(Record) bool
		err       string
	}{
		{"readOnly as a string", `{"eventTime":"2023-07-10T11:42:36Z","eventName":"X","readOnly":"false"}`,
			func(r Record) bool { return r.ReadOnly == False }, ""},
		{"a number for an optional string", `{"eventTime":"2023-07-10T11:42:36Z","eventName":"X","awsRegion":true,"errorCode":7}`,
			func(r Record) bool { return r.Name == "X" && r.Region == "true" && r.ErrorCode == "7" }, ""},
		{"unknown fields, none of the optional ones", `{"eventTime":"2023-07-10T11:42:36Z","eventName":"X","somethingNew":{"a":[1]}}`,
			func(r Record) bool { return r.Name == "X" && r.Identity.Principal == "(no identity)" }, ""},
		{"userIdentity null", `{"eventTime":"2023-07-10T11:42:36Z","eventName":"X","userIdentity":null}`,
			func(r Record) bool { return r.Name == "X" }, ""},
		{"userIdentity as a string", `{"eventTime":"2023-07-10T11:42:36Z","eventName":"X","userIdentity":"root"}`,
			nil, "userIdentity is a string, not an object"},
		{"userIdentity as an array", `{"eventTime":"2023-07-10T11:42:36Z","eventName":"X","userIdentity":[{}]}`,
			nil, "userIdentity is an array, not an object"},
		{"eventName as a number", `{"eventTime":"2023-07-10T11:42:36Z","eventName":42}`, nil, "eventName is a number, not a string"},
		{"eventName as an array", `{"eventTime":"2023-07-10T11:42:36Z","eventName":["X"]}`, nil, "eventName is an array, not a string"},
		{"eventSource as an object", `{"eventTime":"2023-07-10T11:42:36Z","eventName":"X","eventSource":{}}`, nil, "eventSource is an object, not a string"},
		{"eventID as a number", `{"eventTime":"2023-07-10T11:42:36Z","eventName":"X","eventID":12345}`, nil, "eventID is a number, not a string"},
		{"eventTime as a number", `{"eventTime":1688989356,"eventName":"X"}`, nil, "eventTime is a number, not a string"},
		{"eventTime as a boolean", `{"eventTime":true,"eventName":"X"}`, nil, "eventTime is a boolean, not a string"},
		{"mfaAuthenticated as a bool", `{"eventTime":"2023-07-10T11:42:36Z","eventName":"X","userIdentity":{"type":"IAMUser","userName":"u","sessionContext":{"attributes":{"mfaAuthenticated":true}}}}`,
			func(r Record) bool { return r.Identity.MFA }, ""},
		{"Panther's time format", `{"eventTime":"2025-01-21 17:49:47.000000000","eventName":"X"}`,
			func(r Record) bool { return r.Time.Year() == 2025 }, ""},
		{"resources as an object", `{"eventTime":"2023-07-10T11:42:36Z","eventName":"X","resources":{"ARN":"a"}}`,
			func(r Record) bool { return r.Name == "X" }, ""},
		{"no time", `{"eventName":"X"}`, nil, "no eventTime"},
		{"not cloudtrail", `{"a":1}`, nil, "not a CloudTrail record"},
		{"not json", `{"a":`, nil, "invalid JSON"},
		{"an array", `[1,2]`, nil, "invalid JSON"},
		{"too big", `{"eventName":"` + strings.Repeat("x", MaxRecordSize) + `"}`, nil, "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := DecodeRecord([]byte(tt.rec))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(r) {
				t.Errorf("decoded %+v", r)
			}
		})
	}
}

func FuzzDecodeRecord(f *testing.F) {
	f.Add([]byte(sampleRecord))
	f.Add([]byte(`{"eventTime":"2023-07-10T11:42:36Z","eventName":42,"userIdentity":"x","resources":[1,{"ARN":2}]}`))
	f.Add([]byte(`{"eventTime":"2023-07-10T11:42:36Z","responseElements":{"credentials":7}}`))
	f.Add([]byte(`{"eventTime":"2023-07-10T11:42:36Z","eventName":"X","userIdentity":null,"awsRegion":5}`))
	f.Add([]byte(`{"eventTime":"2023-07-10T11:42:36Z","eventName":"X","userIdentity":[],"eventID":"a"}`))
	f.Add([]byte(`{"eventTime":"yesterday","eventName":"X"}`))
	f.Add([]byte(`{"eventTime":"2023-07-10T11:42:36Z","eventName":"X","eventName":"Y","requestParameters":{"a":tru}}`))
	// Names that match a field only case-insensitively, with damage elsewhere (the slow path): the last
	// member that matches a field wins there too.
	f.Add([]byte(`{"eveNtNAme":"0","AwsRegion":0}`))
	f.Add([]byte(`{"eventTime":"2023-07-10T11:42:36Z","eventName":"A","EVENTNAME":"B","eventName":"C","awsRegion":5}`))
	f.Add([]byte(`{"EventTime":"2023-07-10T11:42:36Z","eventID":"a","EVENTID":"b","useridentity":"x","AwsRegion":0}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := DecodeRecord(b)
		if err == nil && r.Identity.Principal == "" {
			t.Errorf("a decoded record always has a principal")
		}
		// DecodeOutline refuses what DecodeRecord refuses, for the same reason, and reads the same place.
		o, oerr := DecodeOutline(b)
		if fmt.Sprint(oerr) != fmt.Sprint(err) {
			t.Fatalf("DecodeOutline: %v; DecodeRecord: %v", oerr, err)
		}
		if err == nil && (!o.Time.Equal(r.Time) || o.Name != r.Name || o.Source != r.Source || o.EventID != r.EventID) {
			t.Fatalf("DecodeOutline read %v %q %q %q; DecodeRecord %v %q %q %q", o.Time, o.Name, o.Source, o.EventID,
				r.Time, r.Name, r.Source, r.EventID)
		}
	})
}

func TestDecodeMintedKeys(t *testing.T) {
	for _, tt := range []struct{ resp, want string }{
		{`{"credentials":{"accessKeyId":"ASIAMINTEDEXAMPLE1"}}`, "ASIAMINTEDEXAMPLE1"},
		{`{"accessKey":{"accessKeyId":"AKIATFQR7NSC3ZO6PKAZ","status":"Active","userName":"bob"}}`, "AKIATFQR7NSC3ZO6PKAZ"},
		{`{"accessKey":{"accessKeyId":"AKIA****************"}}`, ""}, // redacted
		{`{"accessKey":{"accessKeyId":"ASIAMINTEDEXAMPLE1"}}`, ""},   // not what CreateAccessKey makes
		{`{"credentials":{"accessKeyId":"AKIATFQR7NSC3ZO6PKAZ"}}`, ""},
		{`null`, ""},
	} {
		r, err := DecodeRecord([]byte(`{"eventTime":"2023-07-10T11:42:36Z","eventName":"X","responseElements":` + tt.resp + `}`))
		if err != nil {
			t.Fatal(err)
		}
		if r.MintedKey != tt.want {
			t.Errorf("%s: minted %q, want %q", tt.resp, r.MintedKey, tt.want)
		}
	}
}

// BenchmarkDecode compares decoding a record whole with reading its outline.
//
//	go test ./model/cloudtrail -run '^$' -bench Decode
func BenchmarkDecode(b *testing.B) {
	rec := []byte(sampleRecord)
	for name, decode := range map[string]func([]byte) (Record, error){"Record": DecodeRecord, "Outline": DecodeOutline} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(rec)))
			for b.Loop() {
				if _, err := decode(rec); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
