package fakect

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/smithy-go"
)

const data = "../../../../shared/data"

var creds = aws.Credentials{AccessKeyID: "AKIDFAKECTTEST000001", SecretAccessKey: "fakect-secret"}

var invictus = sync.OnceValues(func() ([]Event, error) {
	return Load(filepath.Join(data, "invictus_aws_dataset", "CloudTrail"))
})

func server(t *testing.T, cfg Config) *Server {
	t.Helper()
	if _, err := os.Stat(data); err != nil {
		t.Skipf("no shared test data at %s: %v", data, err)
	}
	events, err := invictus()
	if err != nil {
		t.Fatal(err)
	}
	cfg.AccessKey, cfg.SecretKey = creds.AccessKeyID, creds.SecretAccessKey
	s := New(cfg)
	t.Cleanup(s.Close)
	s.Add("us-east-1", events...)
	return s
}

// post sends a signed JSON 1.1 request as any AWS client would, and returns the status and body.
func post(t *testing.T, s *Server, region, target, body string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", target)
	sum := sha256Hex([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, sum, "cloudtrail", region, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// TestWirePageMatchesTheRecordedShape asks for the first page with botocore's long target and
// compares it with the LookupEvents page recorded in the shared data.
func TestWirePageMatchesTheRecordedShape(t *testing.T) {
	s := server(t, Config{})
	status, body := post(t, s, "us-east-1", targetPrefix+"LookupEvents", `{"MaxResults":50}`)
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	var got, want struct {
		Events    []map[string]any
		NextToken string
	}
	json.Unmarshal(body, &got)
	recorded, err := os.ReadFile(filepath.Join(data, "derived_formats", "lookup_events_wire", "page-001.json"))
	if err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(recorded, &want)
	if len(got.Events) != 50 || got.NextToken == "" {
		t.Fatalf("%d events, token %q: want a full page and a token", len(got.Events), got.NextToken)
	}
	for i := range want.Events {
		g, w := got.Events[i], want.Events[i]
		if g["EventTime"] != w["EventTime"] {
			t.Errorf("event %d: EventTime %v, want %v (newest first)", i, g["EventTime"], w["EventTime"])
		}
		for k, v := range w {
			if _, ok := g[k]; !ok && v != "" {
				t.Errorf("event %d: no %s", i, k)
			}
		}
		if _, isString := g["ReadOnly"].(string); !isString {
			t.Errorf("event %d: ReadOnly %#v is not a string", i, g["ReadOnly"])
		}
		if _, isNumber := g["EventTime"].(float64); !isNumber {
			t.Errorf("event %d: EventTime %#v is not epoch seconds", i, g["EventTime"])
		}
	}
}

func TestWireErrors(t *testing.T) {
	s := server(t, Config{})
	for _, tc := range []struct {
		target, body, want string
	}{
		{"CloudTrail_20131101.LookupEvents", `{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"a"},{"AttributeKey":"Username","AttributeValue":"b"}]}`, "InvalidLookupAttributesException"},
		{"CloudTrail_20131101.LookupEvents", `{"LookupAttributes":[{"AttributeKey":"Color","AttributeValue":"a"}]}`, "InvalidLookupAttributesException"},
		{"CloudTrail_20131101.LookupEvents", `{"MaxResults":51}`, "InvalidMaxResultsException"},
		{"CloudTrail_20131101.LookupEvents", `{"StartTime":1688992000,"EndTime":1688991000}`, "InvalidTimeRangeException"},
		{"CloudTrail_20131101.LookupEvents", `{"EventCategory":"data"}`, "InvalidEventCategoryException"},
		{"CloudTrail_20131101.LookupEvents", `{"NextToken":"bm90IGEgdG9rZW4="}`, "InvalidNextTokenException"},
		{"CloudTrail_20131101.LookupEvents", `{"StartTime":"yesterday"}`, "SerializationException"},
		{"CloudTrail_20131101.StopLogging", `{"Name":"trail"}`, "UnknownOperationException"},
	} {
		status, body := post(t, s, "us-east-1", tc.target, tc.body)
		var e struct {
			Type string `json:"__type"`
		}
		json.Unmarshal(body, &e)
		if status != 400 || !strings.HasSuffix(e.Type, tc.want) {
			t.Errorf("%s %s: %d %s, want 400 %s", tc.target, tc.body, status, body, tc.want)
		}
	}
}

// TestNextTokenIsBoundToTheRequest: a token continues the request that produced it, and only that.
func TestNextTokenIsBoundToTheRequest(t *testing.T) {
	s := server(t, Config{})
	client := cloudtrail.New(cloudtrail.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(s.URL), Credentials: credentialsProvider{},
	})
	ctx := context.Background()
	in := &cloudtrail.LookupEventsInput{LookupAttributes: []types.LookupAttribute{{
		AttributeKey: types.LookupAttributeKeyEventSource, AttributeValue: aws.String("ec2.amazonaws.com"),
	}}}
	var seen []string
	for {
		out, err := client.LookupEvents(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range out.Events {
			if aws.ToString(e.EventSource) != "ec2.amazonaws.com" {
				t.Fatalf("event %s from %s", aws.ToString(e.EventId), aws.ToString(e.EventSource))
			}
			seen = append(seen, aws.ToString(e.EventId))
		}
		if out.NextToken == nil {
			break
		}
		if len(seen) == 50 {
			// The token with another attribute is refused.
			other := *in
			other.NextToken = out.NextToken
			other.LookupAttributes = []types.LookupAttribute{{AttributeKey: types.LookupAttributeKeyEventName, AttributeValue: aws.String("RunInstances")}}
			var ae smithy.APIError
			if _, err := client.LookupEvents(ctx, &other); !errors.As(err, &ae) || ae.ErrorCode() != "InvalidNextTokenException" {
				t.Errorf("a token used with another attribute: %v, want InvalidNextTokenException", err)
			}
		}
		in.NextToken = out.NextToken
	}
	want := 0
	for _, e := range s.Events("us-east-1") {
		if e.Source == "ec2.amazonaws.com" {
			want++
		}
	}
	slices.Sort(seen)
	if len(seen) != want || len(slices.Compact(seen)) != want {
		t.Errorf("paged through %d events, want %d distinct", len(seen), want)
	}
}

func TestThrottlingPastTheRate(t *testing.T) {
	var elapsed atomic.Int64 // on the rate limit's clock, which this test moves
	epoch := time.Now()
	s := server(t, Config{Rate: 2, Clock: func() time.Time { return epoch.Add(time.Duration(elapsed.Load())) }})
	lookup := func(region string) int {
		status, body := post(t, s, region, "CloudTrail_20131101.LookupEvents", `{}`)
		if status == 400 && !bytes.Contains(body, []byte(`"ThrottlingException"`)) {
			t.Errorf("body %s", body)
		}
		return status
	}
	var codes []int
	for range 4 {
		codes = append(codes, lookup("eu-west-1"))
	}
	// Two at once are allowed (a bucket of two), the next ones are throttled; another region has
	// its own bucket.
	if !slices.Equal(codes, []int{200, 200, 400, 400}) {
		t.Errorf("statuses %v, want [200 200 400 400]", codes)
	}
	if status := lookup("us-east-1"); status != 200 {
		t.Errorf("another region: %d", status)
	}
	// 600 ms give back one token at 2 a second, not two.
	elapsed.Add(int64(600 * time.Millisecond))
	if codes := []int{lookup("eu-west-1"), lookup("eu-west-1")}; !slices.Equal(codes, []int{200, 400}) {
		t.Errorf("after a pause: %v, want [200 400]", codes)
	}
}

func TestBadSignature(t *testing.T) {
	s := server(t, Config{})
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "CloudTrail_20131101.LookupEvents")
	v4.NewSigner().SignHTTP(context.Background(), creds, req, sha256Hex([]byte(`{"MaxResults":1}`)), "cloudtrail", "us-east-1", time.Now())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || !bytes.Contains(body, []byte("InvalidSignatureException")) {
		t.Errorf("a body that is not the one signed: %d %s", resp.StatusCode, body)
	}
}

type credentialsProvider struct{}

func (credentialsProvider) Retrieve(context.Context) (aws.Credentials, error) { return creds, nil }
