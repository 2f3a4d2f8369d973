package fakeathena

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/source/awsconf/awstest"
	"github.com/trailscope/trailscope/source/sample"
)

// ScenariosTo2024 moves the built-in scenarios sample (2 to 8 March 2026) to 2 to 8 March 2024.
const ScenariosTo2024 = -730 * 24 * time.Hour

// The incident of the tests' tables: user/bert-jan terminates instance i-0abc1234567890def at
// 10:15 on 4 March 2024 (a real record of the Invictus sample, moved and renamed).
const (
	IncidentEventID  = "0abc0abc-1111-4222-8333-444455556666"
	IncidentInstance = "i-0abc1234567890def"
)

// IncidentRecords are the records of the tests' tables: three days of the built-in scenarios
// sample moved to March 2024 (3 to 5 March: 14,000 records of two accounts and seven regions), and
// the incident's TerminateInstances.
var IncidentRecords = sync.OnceValues(func() ([][]byte, error) {
	week, err := SampleRecords("scenarios", ScenariosTo2024)
	if err != nil {
		return nil, err
	}
	var recs [][]byte
	for _, r := range week {
		if at := gjson.GetBytes(r, "eventTime").String(); at >= "2024-03-03" && at < "2024-03-06" {
			recs = append(recs, r)
		}
	}
	inv, err := SampleRecords("invictus", 0)
	if err != nil {
		return nil, err
	}
	term, err := Find(inv, "TerminateInstances")
	if err != nil {
		return nil, err
	}
	old := gjson.GetBytes(term, "requestParameters.instancesSet.items.0.instanceId").String()
	term = bytes.ReplaceAll(term, []byte(old), []byte(IncidentInstance))
	term, err = Retime(term, time.Date(2024, 3, 4, 10, 15, 0, 0, time.UTC), IncidentEventID)
	if err != nil {
		return nil, err
	}
	return append(recs, term), nil
})

// SampleRecords returns the raw records of a built-in sample ("scenarios", "invictus"), their
// eventTime moved by shift.
func SampleRecords(name string, shift time.Duration) ([][]byte, error) {
	s, err := sample.Named(name)
	if err != nil {
		return nil, err
	}
	var out [][]byte
	var failed error
	err = s.Read(context.Background(), func(b cloudtrail.Batch) {
		for _, r := range b.Records {
			raw, err := r.Raw.Store.Raw(r.Raw.Off, r.Raw.Len)
			if err == nil && shift != 0 {
				raw, err = Retime(raw, r.Time.Add(shift), "")
			}
			if err != nil {
				failed = err
				return
			}
			out = append(out, raw)
		}
	})
	if err == nil {
		err = failed
	}
	return out, err
}

// Retime returns a record with its eventTime set to at and, when id is not empty, its eventID.
func Retime(raw []byte, at time.Time, id string) ([]byte, error) {
	var rec map[string]json.RawMessage
	if err := json.Unmarshal(raw, &rec); err != nil {
		return nil, err
	}
	rec["eventTime"], _ = json.Marshal(at.UTC().Format(time.RFC3339))
	if id != "" {
		rec["eventID"], _ = json.Marshal(id)
	}
	return json.Marshal(rec)
}

// Find returns the first record whose eventName is name.
func Find(records [][]byte, name string) ([]byte, error) {
	for _, r := range records {
		var rec struct{ EventName string }
		if json.Unmarshal(r, &rec) == nil && rec.EventName == name {
			return r, nil
		}
	}
	return nil, fmt.Errorf("no %s record", name)
}

// Setenv gives a test an AWS environment of its own (awstest.Env: static credentials, the region
// us-east-1, empty config files, a cache folder of its own) that reaches this server through
// AWS_ENDPOINT_URL, as a user would set it.
func (s *Server) Setenv(t testing.TB) {
	t.Helper()
	awstest.Env(t, "AKIDFAKEATHENA000001", "fake-athena-secret")
	t.Setenv("AWS_ENDPOINT_URL", s.URL)
}
