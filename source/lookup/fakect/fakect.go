// Package fakect is a local AWS endpoint for tests: CloudTrail's LookupEvents as the real service
// speaks it (JSON 1.1 over HTTP POST, X-Amz-Target, epoch-second timestamps, one lookup attribute,
// 50 events a page newest first, an opaque NextToken bound to the request, ThrottlingException as
// HTTP 400 past 2 requests per second per region, the modelled errors), and ListPublicKeys (keys.go),
// with STS GetCallerIdentity and EC2 DescribeRegions (query protocol, XML) beside it. Requests are routed by the service and
// region of their SigV4 credential scope, and their signature is checked, so one server stands for
// every region and the real SDK client points at it with a base endpoint.
//
// Only tests import this package.
package fakect

import (
	"bytes"
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Event is one event as LookupEvents returns it: the fields CloudTrail derives for lookups, and the
// record itself.
type Event struct {
	Time      time.Time
	ID        string
	Name      string
	Source    string
	ReadOnly  string // "true", "false" or ""
	AccessKey string
	Username  string
	Category  string // eventCategory: "Insight" events are returned only when asked for
	Resources []Resource
	Raw       string // the record, JSON
}

// Resource is a resource as LookupEvents lists it.
type Resource struct {
	Type string // e.g. AWS::EC2::Instance
	Name string
}

// Config shapes the server's behaviour. The zero Config is a well-behaved single account with no
// rate limit.
type Config struct {
	Account   string // default 123456789012
	AccessKey string // the access key requests must be signed with; empty accepts any key and skips the signature check
	SecretKey string // checked with AccessKey
	// Rate is the requests per second each region allows, Burst how many may come at once (2 when
	// 0): a token bucket, as AWS limits APIs. 0 is no limit.
	Rate  float64
	Burst int
	// Clock is the rate limit's clock, time.Now when nil: a test that sets it decides when tokens
	// come back, whatever the speed of the machine.
	Clock func() time.Time
	// ThrottleRate is the fraction of LookupEvents requests throttled at random, ErrorRate the
	// fraction answered with HTTP 500.
	ThrottleRate float64
	ErrorRate    float64
	Seed         uint64
	// Regions are the regions enabled for the account (DescribeRegions); OptIn lists opt-in regions
	// the account has not enabled: DescribeRegions shows them as not-opted-in and LookupEvents there
	// fails as AWS does, with UnrecognizedClientException.
	Regions []string
	OptIn   []string
	// Denied regions answer LookupEvents with AccessDeniedException ("*": all of them).
	Denied []string
	// DeniedOps are operations answered with AccessDenied, as "sts:GetCallerIdentity" or
	// "ec2:DescribeRegions".
	DeniedOps []string
	// PageSize caps a page (50 when 0: the API's maximum).
	PageSize int
	// Latency delays every response.
	Latency time.Duration
}

// Request is one request the server answered.
type Request struct {
	Op        string // LookupEvents, GetCallerIdentity, DescribeRegions, or the unknown target
	Service   string // from the credential scope: cloudtrail, sts, ec2
	Region    string
	At        time.Time
	Status    int
	Code      string // the error code, for failures
	Attribute string // LookupEvents' attribute as Key=Value
	Start     time.Time
	End       time.Time
	Token     bool // a NextToken was given
	Events    int  // events returned
	// Attempt is the SDK's attempt number (its amz-sdk-request header): 1 for a call, more for
	// its retries. aws-sdk-go-v2 sometimes fails to read a response from a fast local server
	// ("use of closed network connection") and retries; tests that count calls count first
	// attempts.
	Attempt int
}

// Server is a running endpoint. Close it when done.
type Server struct {
	*httptest.Server
	cfg      Config
	secret   []byte
	mu       sync.Mutex
	events   map[string][]Event // by region, newest first
	keys     map[string][]PublicKey
	buckets  map[string]*bucket
	reqs     []Request
	inflight sync.WaitGroup // requests being answered
	rng      *rand.Rand
}

// New starts a server.
func New(cfg Config) *Server {
	if cfg.Account == "" {
		cfg.Account = "123456789012"
	}
	if cfg.Burst == 0 {
		cfg.Burst = 2
	}
	if cfg.PageSize <= 0 || cfg.PageSize > 50 {
		cfg.PageSize = 50
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	s := &Server{
		cfg:     cfg,
		secret:  []byte(fmt.Sprintf("fakect-%d", cfg.Seed)),
		events:  map[string][]Event{},
		buckets: map[string]*bucket{},
		rng:     rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x5eed)),
	}
	s.Server = httptest.NewServer(s)
	return s
}

// Add serves events in a region (the region they are served from, whatever awsRegion says).
func (s *Server) Add(region string, events ...Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	all := slices.Concat(s.events[region], events) // readers may hold the old slice
	slices.SortStableFunc(all, newestFirst)
	s.events[region] = all
}

func newestFirst(a, b Event) int {
	return cmp.Or(b.Time.Compare(a.Time), strings.Compare(a.ID, b.ID))
}

// Events returns the events served in a region, newest first.
func (s *Server) Events(region string) []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.events[region])
}

// Requests returns every request answered so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reqs)
}

// Reset forgets the requests answered so far, once the requests being answered are done (a
// cancelled client's last request is still counted before a Reset, never after it).
func (s *Server) Reset() {
	s.inflight.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = nil
}

// Count returns how many requests of an operation a region received (region "" counts all),
// retries included.
func (s *Server) Count(op, region string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Op == op && (region == "" || r.Region == region) {
			n++
		}
	}
	return n
}

// Calls returns how many times an operation was called in a region (region "" counts all): its
// first attempts.
func (s *Server) Calls(op, region string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Op == op && (region == "" || r.Region == region) && r.Attempt <= 1 {
			n++
		}
	}
	return n
}

// attempt reads the attempt number of "amz-sdk-request: attempt=2; max=8" (1 when absent).
func attempt(h string) int {
	for _, part := range strings.Split(h, ";") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "attempt="); ok {
			var n int
			if _, err := fmt.Sscan(v, &n); err == nil && n > 0 {
				return n
			}
		}
	}
	return 1
}

// Ops returns the operations called, with how many times.
func (s *Server) Ops() map[string]int {
	m := map[string]int{}
	for _, r := range s.Requests() {
		m[r.Service+":"+r.Op]++
	}
	return m
}

// apiError is an error as the server answers it.
type apiError struct {
	status  int
	code    string // the __type for JSON, Code for XML
	message string
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.inflight.Add(1)
	defer s.inflight.Done()
	body, err := io.ReadAll(r.Body)
	req := Request{At: time.Now(), Attempt: attempt(r.Header.Get("Amz-Sdk-Request"))}
	if err != nil {
		return
	}
	if s.cfg.Latency > 0 {
		time.Sleep(s.cfg.Latency)
	}
	scope, aerr := s.authenticate(r, body)
	req.Service, req.Region = scope.service, scope.region
	switch scope.service {
	case "sts", "ec2":
		s.query(w, r, body, &req, aerr)
	default:
		s.cloudtrail(w, r, body, &req, aerr)
	}
	s.mu.Lock()
	s.reqs = append(s.reqs, req)
	s.mu.Unlock()
}

// credentialScope is what the Authorization header says about the request.
type credentialScope struct {
	key, date, region, service string
}

var authHeader = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=([^/]+)/([0-9]{8})/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$`)

// authenticate reads the SigV4 Authorization header and, when the server knows the secret key,
// checks the signature by signing the request again.
func (s *Server) authenticate(r *http.Request, body []byte) (credentialScope, *apiError) {
	m := authHeader.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return credentialScope{service: "cloudtrail"}, &apiError{400, "MissingAuthenticationTokenException", "Missing Authentication Token"}
	}
	scope := credentialScope{key: m[1], date: m[2], region: m[3], service: m[4]}
	if s.cfg.AccessKey == "" {
		return scope, nil
	}
	if scope.key != s.cfg.AccessKey {
		return scope, &apiError{400, "UnrecognizedClientException", "The security token included in the request is invalid."}
	}
	signedAt, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		return scope, &apiError{400, "IncompleteSignatureException", "X-Amz-Date is missing or malformed"}
	}
	if d := time.Since(signedAt); d > 5*time.Minute || d < -5*time.Minute {
		return scope, &apiError{400, "InvalidSignatureException", "Signature expired"}
	}
	again, _ := http.NewRequest(r.Method, "http://"+r.Host+r.URL.RequestURI(), bytes.NewReader(body))
	for _, h := range strings.Split(m[5], ";") {
		if h != "host" {
			again.Header[http.CanonicalHeaderKey(h)] = r.Header.Values(h)
		}
	}
	again.ContentLength = r.ContentLength
	creds := aws.Credentials{AccessKeyID: s.cfg.AccessKey, SecretAccessKey: s.cfg.SecretKey, SessionToken: r.Header.Get("X-Amz-Security-Token")}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, again, sha256Hex(body), scope.service, scope.region, signedAt); err != nil {
		return scope, &apiError{500, "InternalFailure", err.Error()}
	}
	if mm := authHeader.FindStringSubmatch(again.Header.Get("Authorization")); mm == nil || mm[6] != m[6] {
		return scope, &apiError{403, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided."}
	}
	return scope, nil
}

// The X-Amz-Target of CloudTrail's operations: botocore sends the long form (the model's
// targetPrefix), aws-sdk-go-v2 the short one (the Smithy service name); CloudTrail takes both.
const (
	targetPrefix      = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101."
	shortTargetPrefix = "CloudTrail_20131101."
)

// lookupRequest is LookupEvents' input on the wire.
type lookupRequest struct {
	LookupAttributes []struct {
		AttributeKey   string
		AttributeValue *string
	}
	StartTime     *float64
	EndTime       *float64
	EventCategory *string
	MaxResults    *int
	NextToken     *string
}

// wireEvent is an event on the wire, as botocore's model and the recorded pages show it.
type wireEvent struct {
	EventId         string         `json:"EventId,omitempty"`
	EventName       string         `json:"EventName,omitempty"`
	ReadOnly        string         `json:"ReadOnly,omitempty"`
	AccessKeyId     string         `json:"AccessKeyId,omitempty"`
	EventTime       float64        `json:"EventTime"`
	EventSource     string         `json:"EventSource,omitempty"`
	Username        string         `json:"Username,omitempty"`
	Resources       []wireResource `json:"Resources"`
	CloudTrailEvent string         `json:"CloudTrailEvent"`
}

type wireResource struct {
	ResourceType string `json:"ResourceType,omitempty"`
	ResourceName string `json:"ResourceName,omitempty"`
}

var attributeKeys = []string{"EventId", "EventName", "ReadOnly", "Username", "ResourceType", "ResourceName", "EventSource", "AccessKeyId"}

func (s *Server) cloudtrail(w http.ResponseWriter, r *http.Request, body []byte, req *Request, aerr *apiError) {
	target := r.Header.Get("X-Amz-Target")
	op, ok := strings.CutPrefix(target, targetPrefix)
	if !ok {
		op, ok = strings.CutPrefix(target, shortTargetPrefix)
	}
	req.Op = op
	reply := func(e *apiError) {
		req.Status, req.Code = e.status, e.code
		writeJSONError(w, e)
	}
	switch {
	case aerr != nil:
		reply(aerr)
		return
	case r.Method != http.MethodPost:
		reply(&apiError{400, "UnknownOperationException", "only POST"})
		return
	case !ok || (op != "LookupEvents" && op != "ListPublicKeys"):
		reply(&apiError{400, "UnknownOperationException", "Unknown operation " + target})
		return
	case r.Header.Get("Content-Type") != "application/x-amz-json-1.1":
		reply(&apiError{400, "SerializationException", "Content-Type must be application/x-amz-json-1.1"})
		return
	}
	if e := s.admit(req.Region); e != nil {
		reply(e)
		return
	}
	if slices.Contains(s.cfg.OptIn, req.Region) {
		reply(&apiError{400, "UnrecognizedClientException", "The security token included in the request is invalid."})
		return
	}
	if slices.Contains(s.cfg.Denied, req.Region) || slices.Contains(s.cfg.Denied, "*") {
		reply(&apiError{400, "AccessDeniedException", fmt.Sprintf("User: arn:aws:iam::%s:user/tester is not authorized to perform: "+
			"cloudtrail:%s because no identity-based policy allows the cloudtrail:%s action", s.cfg.Account, op, op)})
		return
	}
	if op == "ListPublicKeys" {
		page, e := s.listPublicKeys(req, body)
		if e != nil {
			reply(e)
			return
		}
		req.Status = 200
		writeJSON(w, http.StatusOK, page)
		return
	}
	var in lookupRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		reply(&apiError{400, "SerializationException", "cannot read the request: " + err.Error()})
		return
	}
	page, e := s.lookup(req, in)
	if e != nil {
		reply(e)
		return
	}
	req.Status, req.Events = 200, len(page.Events)
	writeJSON(w, http.StatusOK, page)
}

type lookupPage struct {
	Events    []wireEvent `json:"Events"`
	NextToken string      `json:"NextToken,omitempty"`
}

// admit applies the region's rate limit and the random failures.
func (s *Server) admit(region string) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cfg.Rate > 0 {
		b := s.buckets[region]
		now := s.cfg.Clock()
		if b == nil {
			b = &bucket{tokens: float64(s.cfg.Burst), at: now}
			s.buckets[region] = b
		}
		b.tokens = math.Min(float64(s.cfg.Burst), b.tokens+now.Sub(b.at).Seconds()*s.cfg.Rate)
		b.at = now
		if b.tokens < 1 {
			return &apiError{400, "ThrottlingException", "Rate exceeded"}
		}
		b.tokens--
	}
	if s.cfg.ThrottleRate > 0 && s.rng.Float64() < s.cfg.ThrottleRate {
		return &apiError{400, "ThrottlingException", "Rate exceeded"}
	}
	if s.cfg.ErrorRate > 0 && s.rng.Float64() < s.cfg.ErrorRate {
		return &apiError{500, "InternalFailure", "We encountered an internal error. Please try again."}
	}
	return nil
}

type bucket struct {
	tokens float64
	at     time.Time
}

// cursor is what a NextToken carries: where the previous page ended, and a digest of the request it
// belongs to.
type cursor struct {
	Request string `json:"r"`
	Time    int64  `json:"t"`
	ID      string `json:"i"`
}

func (s *Server) lookup(req *Request, in lookupRequest) (lookupPage, *apiError) {
	if len(in.LookupAttributes) > 1 {
		return lookupPage{}, &apiError{400, "InvalidLookupAttributesException", "You can specify only one lookup attribute."}
	}
	var key, value string
	if len(in.LookupAttributes) == 1 {
		a := in.LookupAttributes[0]
		key, value = a.AttributeKey, aws.ToString(a.AttributeValue)
		if !slices.Contains(attributeKeys, key) {
			return lookupPage{}, &apiError{400, "InvalidLookupAttributesException", "Invalid lookup attribute key: " + key}
		}
		if value == "" || len(value) > 2000 {
			return lookupPage{}, &apiError{400, "InvalidLookupAttributesException", "The lookup attribute value must be 1 to 2000 characters"}
		}
		req.Attribute = key + "=" + value
	}
	limit := s.cfg.PageSize
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 50 {
			return lookupPage{}, &apiError{400, "InvalidMaxResultsException", "MaxResults must be between 1 and 50"}
		}
		limit = min(limit, *in.MaxResults)
	}
	category := aws.ToString(in.EventCategory)
	if category != "" && category != "insight" {
		return lookupPage{}, &apiError{400, "InvalidEventCategoryException", "Invalid event category " + category}
	}
	start, end := int64(math.MinInt64), int64(math.MaxInt64)
	if in.StartTime != nil {
		start = int64(math.Ceil(*in.StartTime))
		req.Start = time.Unix(start, 0)
	}
	if in.EndTime != nil {
		end = int64(math.Floor(*in.EndTime))
		req.End = time.Unix(end, 0)
	}
	if start > end {
		return lookupPage{}, &apiError{400, "InvalidTimeRangeException", "Start time must be before end time"}
	}
	digest := s.digest(req.Region, key, value, start, end, category)
	var after *cursor
	if in.NextToken != nil {
		req.Token = true
		c, ok := s.openToken(*in.NextToken)
		if !ok || c.Request != digest {
			return lookupPage{}, &apiError{400, "InvalidNextTokenException", "Invalid next token"}
		}
		after = &c
	}

	s.mu.Lock()
	events := s.events[req.Region]
	s.mu.Unlock()
	// Events are newest first; the first candidate is the first one past the cursor.
	i := 0
	if after != nil {
		i, _ = slices.BinarySearchFunc(events, Event{Time: time.Unix(after.Time, 0), ID: after.ID}, newestFirst)
		if i < len(events) && events[i].ID == after.ID && events[i].Time.Unix() == after.Time {
			i++
		}
	}
	var page lookupPage
	var last Event
	for ; i < len(events); i++ {
		e := events[i]
		t := e.Time.Unix()
		if t > end {
			continue
		}
		if t < start {
			break
		}
		if (category == "insight") != (e.Category == "Insight") || !matches(e, key, value) {
			continue
		}
		if len(page.Events) == limit {
			page.NextToken = s.token(cursor{Request: digest, Time: last.Time.Unix(), ID: last.ID})
			break
		}
		page.Events = append(page.Events, wire(e))
		last = e
	}
	if page.Events == nil {
		page.Events = []wireEvent{}
	}
	return page, nil
}

func matches(e Event, key, value string) bool {
	switch key {
	case "":
		return true
	case "EventId":
		return e.ID == value
	case "EventName":
		return e.Name == value
	case "ReadOnly":
		return e.ReadOnly == value
	case "Username":
		return e.Username == value
	case "EventSource":
		return e.Source == value
	case "AccessKeyId":
		return e.AccessKey == value
	case "ResourceType", "ResourceName":
		for _, r := range e.Resources {
			if (key == "ResourceType" && r.Type == value) || (key == "ResourceName" && r.Name == value) {
				return true
			}
		}
	}
	return false
}

func wire(e Event) wireEvent {
	w := wireEvent{
		EventId: e.ID, EventName: e.Name, ReadOnly: e.ReadOnly, AccessKeyId: e.AccessKey,
		EventTime: float64(e.Time.Unix()), EventSource: e.Source, Username: e.Username,
		Resources: []wireResource{}, CloudTrailEvent: e.Raw,
	}
	for _, r := range e.Resources {
		w.Resources = append(w.Resources, wireResource{r.Type, r.Name})
	}
	return w
}

func (s *Server) digest(parts ...any) string {
	sum := sha256.Sum256([]byte(fmt.Sprint(parts...)))
	return hex.EncodeToString(sum[:12])
}

// token seals a cursor: opaque to the client and useless with any other request.
func (s *Server) token(c cursor) string {
	b, _ := json.Marshal(c)
	mac := hmac.New(sha256.New, s.secret)
	mac.Write(b)
	return base64.StdEncoding.EncodeToString(append(mac.Sum(nil), b...))
}

func (s *Server) openToken(t string) (cursor, bool) {
	b, err := base64.StdEncoding.DecodeString(t)
	if err != nil || len(b) < sha256.Size {
		return cursor{}, false
	}
	mac := hmac.New(sha256.New, s.secret)
	mac.Write(b[sha256.Size:])
	if !hmac.Equal(mac.Sum(nil), b[:sha256.Size]) {
		return cursor{}, false
	}
	var c cursor
	return c, json.Unmarshal(b[sha256.Size:], &c) == nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", requestID())
	w.Header().Set("Content-Length", fmt.Sprint(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// writeJSONError answers an error as CloudTrail does: the code in __type (with its namespace for
// CloudTrail's own exceptions) and the message under "Message" or "message".
func writeJSONError(w http.ResponseWriter, e *apiError) {
	body := map[string]string{}
	switch {
	case strings.HasPrefix(e.code, "Invalid") && strings.HasSuffix(e.code, "Exception"):
		body["__type"] = "com.amazonaws.cloudtrail.v20131101#" + e.code
		body["Message"] = e.message
	case e.code == "AccessDeniedException" || e.code == "UnrecognizedClientException":
		body["__type"] = "com.amazon.coral.service#" + e.code
		body["message"] = e.message
	default:
		body["__type"] = e.code
		body["message"] = e.message
	}
	writeJSON(w, e.status, body)
}

// query answers the STS and EC2 calls of the query protocol.
func (s *Server) query(w http.ResponseWriter, r *http.Request, body []byte, req *Request, aerr *apiError) {
	form, _ := url.ParseQuery(string(body))
	req.Op = form.Get("Action")
	reply := func(e *apiError) {
		req.Status, req.Code = e.status, e.code
		writeXMLError(w, req.Service, e)
	}
	if aerr != nil {
		switch {
		case aerr.code == "UnrecognizedClientException" && req.Service == "sts":
			aerr = &apiError{403, "InvalidClientTokenId", "The security token included in the request is invalid."}
		case aerr.code == "UnrecognizedClientException":
			aerr = &apiError{401, "AuthFailure", "AWS was not able to validate the provided access credentials"}
		case aerr.code == "InvalidSignatureException" && req.Service == "sts":
			aerr = &apiError{403, "SignatureDoesNotMatch", aerr.message}
		}
		reply(aerr)
		return
	}
	if slices.Contains(s.cfg.DeniedOps, req.Service+":"+req.Op) {
		code := "AccessDenied"
		if req.Service == "ec2" {
			code = "UnauthorizedOperation"
		}
		reply(&apiError{403, code, "You are not authorized to perform this operation. User: arn:aws:iam::" + s.cfg.Account +
			":user/tester is not authorized to perform: " + req.Service + ":" + req.Op})
		return
	}
	switch req.Service + ":" + req.Op {
	case "sts:GetCallerIdentity":
		req.Status = 200
		writeXML(w, fmt.Sprintf(`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::%s:user/tester</Arn>
    <UserId>AIDAEXAMPLEUSERID0001</UserId>
    <Account>%s</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`, s.cfg.Account, s.cfg.Account, requestID()))
	case "ec2:DescribeRegions":
		all := form.Get("AllRegions") == "true"
		var items strings.Builder
		item := func(name, status string) {
			fmt.Fprintf(&items, "<item><regionName>%s</regionName><regionEndpoint>ec2.%s.amazonaws.com</regionEndpoint><optInStatus>%s</optInStatus></item>",
				xmlText(name), xmlText(name), status)
		}
		for _, name := range s.cfg.Regions {
			item(name, "opt-in-not-required")
		}
		if all {
			for _, name := range s.cfg.OptIn {
				item(name, "not-opted-in")
			}
		}
		req.Status = 200
		writeXML(w, fmt.Sprintf(`<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>%s</requestId>
  <regionInfo>%s</regionInfo>
</DescribeRegionsResponse>`, requestID(), items.String()))
	default:
		reply(&apiError{400, "InvalidAction", "The action " + req.Op + " is not valid for this web service."})
	}
}

func writeXML(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-Requestid", requestID())
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, body)
}

func writeXMLError(w http.ResponseWriter, service string, e *apiError) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(e.status)
	if service == "ec2" {
		fmt.Fprintf(w, `<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>%s</RequestID></Response>`,
			xmlText(e.code), xmlText(e.message), requestID())
		return
	}
	fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>`,
		xmlText(e.code), xmlText(e.message), requestID())
}

func xmlText(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func requestID() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(rand.Uint32())
	}
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
