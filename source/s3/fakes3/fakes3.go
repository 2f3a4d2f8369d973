// Package fakes3 is an S3 endpoint on the loopback interface for tests: the real S3 wire protocol
// (github.com/johannesboyne/gofakes3 over memory), behind a handler that records every request as
// the AWS operation it is and can answer some with a failure instead (throttling, access denied,
// a redirect). Trail writes CloudTrail delivery files into it as a trail names them.
package fakes3

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/klauspost/compress/gzip"
)

// Request is one request the server received.
type Request struct {
	Op         string // ListObjectsV2, GetObject, HeadObject, GetBucketLocation, or "other: METHOD URL"
	Bucket     string
	Key        string
	Prefix     string
	Delimiter  string
	StartAfter string
	Token      bool   // a continuation token: a later page
	Region     string // the region the request was signed for
}

// Server is the endpoint. Requests are addressed path-style (http://127.0.0.1:PORT/BUCKET/KEY).
type Server struct {
	URL string

	srv     *httptest.Server
	backend *s3mem.Backend
	mu      sync.Mutex
	reqs    []Request
	fail    func(w http.ResponseWriter, r Request) bool
}

// New starts a server that holds the named buckets, empty.
func New(buckets ...string) (*Server, error) {
	s := &Server{backend: s3mem.New()}
	faker := gofakes3.New(s.backend).Server()
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := classify(r)
		s.mu.Lock()
		s.reqs = append(s.reqs, req)
		fail := s.fail
		s.mu.Unlock()
		if fail != nil && fail(w, req) {
			return
		}
		faker.ServeHTTP(w, r)
	}))
	s.URL = s.srv.URL
	for _, b := range buckets {
		if err := s.backend.CreateBucket(b); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// FailWith sets a function that may answer a request instead of S3: it writes the response and
// returns true. With nil, S3 answers every request.
func (s *Server) FailWith(fail func(w http.ResponseWriter, r Request) bool) {
	s.mu.Lock()
	s.fail = fail
	s.mu.Unlock()
}

// Requests returns the requests received since the last call.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.reqs
	s.reqs = nil
	return out
}

// Count counts the requests of one operation.
func Count(reqs []Request, op string) int {
	n := 0
	for _, r := range reqs {
		if r.Op == op {
			n++
		}
	}
	return n
}

// Error writes an S3 error response.
func Error(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message><RequestId>1</RequestId></Error>`, code, msg)
}

// Put stores an object, gzipped when asked.
func (s *Server) Put(bucket, key string, data []byte, gz bool) error {
	if gz {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(data)
		zw.Close()
		data = buf.Bytes()
	}
	return s.PutObject(bucket, key, data, nil)
}

// PutObject stores an object's bytes as they are, with user metadata (by name: "signature" is
// served as x-amz-meta-signature), as CloudTrail stores a digest file with its signature.
func (s *Server) PutObject(bucket, key string, data []byte, meta map[string]string) error {
	headers := map[string]string{}
	for k, v := range meta {
		headers[http.CanonicalHeaderKey("X-Amz-Meta-"+k)] = v
	}
	_, err := s.backend.PutObject(bucket, key, headers, bytes.NewReader(data), int64(len(data)), nil)
	return err
}

var signedRegion = regexp.MustCompile(`Credential=[^/]+/[0-9]+/([^/]+)/s3/`)

// classify names the operation of a path-style request.
func classify(r *http.Request) Request {
	path := strings.TrimPrefix(r.URL.Path, "/")
	b, key, _ := strings.Cut(path, "/")
	q := r.URL.Query()
	req := Request{Bucket: b, Key: key, Prefix: q.Get("prefix"), Delimiter: q.Get("delimiter"),
		StartAfter: q.Get("start-after"), Token: q.Has("continuation-token")}
	if m := signedRegion.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		req.Region = m[1]
	}
	onlyID := len(q) == 0 || len(q) == 1 && q.Has("x-id")
	switch {
	case r.Method == http.MethodGet && key == "" && q.Has("location"):
		req.Op = "GetBucketLocation"
	case r.Method == http.MethodGet && key == "" && q.Get("list-type") == "2":
		req.Op = "ListObjectsV2"
	case r.Method == http.MethodGet && key != "" && onlyID:
		req.Op = "GetObject"
	case r.Method == http.MethodHead && key != "" && onlyID:
		req.Op = "HeadObject"
	default:
		req.Op = "other: " + r.Method + " " + r.URL.String()
	}
	return req
}

// Event is one record of a delivery file.
type Event struct {
	ID      string
	At      time.Time
	Name    string
	Account string
	Region  string
}

// Delivery is a file written into the bucket, and what it holds.
type Delivery struct {
	Key    string
	Events []Event
}

// Trail writes delivery files into a bucket of a Server as CloudTrail names them, and remembers
// them, so that a test knows which events a window holds.
type Trail struct {
	S      *Server
	Bucket string
	Files  []Delivery
	n      int
}

// Deliver writes a file delivered at when, under root ("AWSLogs/", "AWSLogs/o-ORG/",
// "PREFIX/AWSLogs/"), of the account and region, holding one event called name at each of at.
func (tr *Trail) Deliver(root, account, region string, when time.Time, name string, at ...time.Time) (Delivery, error) {
	d := Delivery{Key: fmt.Sprintf("%s%s/CloudTrail/%s/%s%s_CloudTrail_%s_%s_%016d.json.gz", root, account, region,
		when.UTC().Format("2006/01/02/"), account, region, when.UTC().Format("20060102T1504Z"), tr.n)}
	var recs []string
	for _, a := range at {
		tr.n++
		e := Event{ID: fmt.Sprintf("ev-%06d", tr.n), At: a.UTC(), Name: name, Account: account, Region: region}
		d.Events = append(d.Events, e)
		recs = append(recs, fmt.Sprintf(`{"eventVersion":"1.08","eventTime":%q,"eventSource":"ec2.amazonaws.com","eventName":%q,`+
			`"awsRegion":%q,"recipientAccountId":%q,"eventID":%q,"eventType":"AwsApiCall","readOnly":false,`+
			`"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::%s:user/alice","accountId":%q,"userName":"alice"},`+
			`"sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2.15"}`,
			e.At.Format(time.RFC3339), name, region, account, e.ID, account, account))
	}
	if err := tr.S.Put(tr.Bucket, d.Key, []byte(`{"Records":[`+strings.Join(recs, ",")+`]}`), true); err != nil {
		return Delivery{}, err
	}
	tr.Files = append(tr.Files, d)
	return d, nil
}

// Week writes, for each account and region, a file every two hours from two days before start to
// four days after, each with two events (5 and 12 minutes before its delivery), those of 10:00
// called TerminateInstances and the others DescribeInstances; and a digest file on start's day,
// which holds no events.
func (tr *Trail) Week(root string, start time.Time, accounts, regions []string) error {
	for _, a := range accounts {
		for _, r := range regions {
			for at := start.AddDate(0, 0, -2); at.Before(start.AddDate(0, 0, 4)); at = at.Add(2 * time.Hour) {
				name := "DescribeInstances"
				if at.Hour() == 10 {
					name = "TerminateInstances"
				}
				if _, err := tr.Deliver(root, a, r, at, name, at.Add(-5*time.Minute), at.Add(-12*time.Minute)); err != nil {
					return err
				}
			}
			digest := fmt.Sprintf("%s%s/CloudTrail-Digest/%s/%s%s_CloudTrail-Digest_%s_trail_%s_%s.json.gz", root, a, r,
				start.Format("2006/01/02/"), a, r, r, start.Add(time.Hour).Format("20060102T150405Z"))
			if err := tr.S.Put(tr.Bucket, digest, []byte(`{"awsAccountId":"`+a+`","logFiles":[]}`), true); err != nil {
				return err
			}
		}
	}
	return nil
}

// Want returns the IDs of the events from..to (both included) that keep (nil: all) allows.
func (tr *Trail) Want(from, to time.Time, keep func(Event) bool) map[string]bool {
	out := map[string]bool{}
	for _, d := range tr.Files {
		for _, e := range d.Events {
			if !e.At.Before(from) && !e.At.After(to) && (keep == nil || keep(e)) {
				out[e.ID] = true
			}
		}
	}
	return out
}
