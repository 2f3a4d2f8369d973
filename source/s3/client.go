package s3

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"

	"github.com/trailscope/trailscope/source/awsconf"
)

// trailscope only reads. api is everything it calls on S3; the test of the AWS operations
// (aws_ops_test.go in the project's root) checks that the code calls nothing else.
type api interface {
	ListObjectsV2(context.Context, *awss3.ListObjectsV2Input, ...func(*awss3.Options)) (*awss3.ListObjectsV2Output, error)
	GetObject(context.Context, *awss3.GetObjectInput, ...func(*awss3.Options)) (*awss3.GetObjectOutput, error)
	HeadObject(context.Context, *awss3.HeadObjectInput, ...func(*awss3.Options)) (*awss3.HeadObjectOutput, error)
	GetBucketLocation(context.Context, *awss3.GetBucketLocationInput, ...func(*awss3.Options)) (*awss3.GetBucketLocationOutput, error)
}

// DefaultParallel is how many requests a Client keeps in flight at most: S3 serves thousands of
// GETs a second per prefix, and a delivery file is small, so latency, not bandwidth, is the limit.
const DefaultParallel = 32

// ClientOptions says how to reach S3.
type ClientOptions struct {
	Profile  string // an AWS profile; empty: AWS_PROFILE or the default
	Endpoint string // replaces the S3 endpoint (tests; users set AWS_ENDPOINT_URL_S3)
	// Parallel bounds the requests in flight; DefaultParallel when 0. Throttling lowers the bound
	// for a while.
	Parallel int
	// RetryBase and MaxAttempts tune the retries: awsconf's defaults when 0.
	RetryBase   time.Duration
	MaxAttempts int
}

// Client reaches S3 with the AWS configuration, a bounded and adaptive number of requests in
// flight, and a count of what it asked.
type Client struct {
	cfg     aws.Config
	profile string
	gate    *gate
	counts  counts
}

// counts are the requests a Client made, attempts included.
type counts struct {
	mu        sync.Mutex
	ops       map[string]int
	throttles atomic.Int64
}

func (c *counts) add(op string) {
	c.mu.Lock()
	c.ops[op]++
	c.mu.Unlock()
}

// NewClient loads the AWS configuration (profiles, SSO, environment, instance roles,
// AWS_ENDPOINT_URL_S3 and AWS_ENDPOINT_URL). Errors are *awsconf.Error.
func NewClient(ctx context.Context, opt ClientOptions) (*Client, error) {
	if opt.Parallel <= 0 {
		opt.Parallel = DefaultParallel
	}
	cfg, err := awsconf.Load(ctx, awsconf.Options{Profile: opt.Profile, Endpoint: opt.Endpoint,
		RetryBase: opt.RetryBase, MaxAttempts: opt.MaxAttempts, ConnsPerHost: opt.Parallel})
	if err != nil {
		return nil, err
	}
	return &Client{cfg: cfg, profile: opt.Profile, gate: newGate(opt.Parallel), counts: counts{ops: map[string]int{}}}, nil
}

// Requests returns the requests made so far by operation ("ListObjectsV2": 12), retries included.
func (c *Client) Requests() map[string]int {
	c.counts.mu.Lock()
	defer c.counts.mu.Unlock()
	out := make(map[string]int, len(c.counts.ops))
	for k, v := range c.counts.ops {
		out[k] = v
	}
	return out
}

// Throttles is how many requests S3 answered with SlowDown or 503 (each was retried).
func (c *Client) Throttles() int { return int(c.counts.throttles.Load()) }

// Parallel returns the current bound of requests in flight and the lowest it has been.
func (c *Client) Parallel() (now, lowest int) { return c.gate.bounds() }

// service builds the S3 client of one region.
func (c *Client) service(region string) api {
	return awss3.NewFromConfig(c.cfg, func(o *awss3.Options) {
		o.Region = region
		o.APIOptions = append(o.APIOptions, c.install)
		if o.BaseEndpoint != nil && pathStyle(*o.BaseEndpoint) {
			o.UsePathStyle = true
		}
	})
}

// pathStyle tells whether an endpoint must be addressed path-style (http://host/bucket/key): an IP
// address or localhost has no subdomains for virtual-hosted buckets.
func pathStyle(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	host := u.Hostname()
	return host == "localhost" || strings.HasSuffix(host, ".localhost") || net.ParseIP(host) != nil
}

// ticketKey is the context key of the gate's epoch under which a request was let in.
type ticketKey struct{}

// counter is a middleware that counts every attempt (retries included) and tells the gate about
// throttling. It sits after the retryer, so that it sees each attempt.
type counter struct{ c *Client }

func (counter) ID() string { return "trailscope.Count" }

func (m counter) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
	middleware.FinalizeOutput, middleware.Metadata, error,
) {
	m.c.counts.add(awsmiddleware.GetOperationName(ctx))
	out, md, err := next.HandleFinalize(ctx, in)
	if err != nil && awsconf.IsThrottle(err) {
		m.c.counts.throttles.Add(1)
		if epoch, ok := ctx.Value(ticketKey{}).(uint64); ok {
			m.c.gate.throttled(epoch)
		}
	}
	return out, md, err
}

func (c *Client) install(stack *middleware.Stack) error {
	return stack.Finalize.Insert(counter{c}, "Retry", middleware.After)
}

// do runs one request through the gate.
func do[T any](ctx context.Context, c *Client, call func(context.Context) (T, error)) (T, error) {
	epoch, err := c.gate.acquire(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	defer c.gate.release()
	out, err := call(context.WithValue(ctx, ticketKey{}, epoch))
	if err == nil {
		c.gate.succeeded()
	}
	return out, err
}

// Bucket is one bucket, reached in its own region.
type Bucket struct {
	Name string
	c    *Client

	mu     sync.Mutex
	region string
	api    api
	notes  []string
}

// Bucket finds the bucket's region (GetBucketLocation) and returns it ready to list and read. A
// bucket that does not exist, or credentials that do not work, fail here. Errors are *awsconf.Error.
func (c *Client) Bucket(ctx context.Context, name string) (*Bucket, error) {
	home := c.cfg.Region
	if home == "" {
		home = "us-east-1"
	}
	b := &Bucket{Name: name, c: c, region: home, api: c.service(home)}
	out, err := do(ctx, c, func(ctx context.Context) (*awss3.GetBucketLocationOutput, error) {
		return b.api.GetBucketLocation(ctx, &awss3.GetBucketLocationInput{Bucket: aws.String(name)})
	})
	switch {
	case err == nil:
		b.follow(locationRegion(string(out.LocationConstraint)))
	case b.followErr(err):
	case errors.Is(err, context.Canceled):
		return nil, err
	default:
		e := b.explain(err, "s3:GetBucketLocation", "")
		if errors.Is(e, awsconf.ErrAccessDenied) || code(err) == "NotImplemented" {
			// Not needed: the bucket's region also comes with a redirect, should S3 send one.
			b.notes = append(b.notes, fmt.Sprintf("no s3:GetBucketLocation: reading the bucket in %s", home))
			break
		}
		return nil, e
	}
	return b, nil
}

// Region is the region the bucket is read in.
func (b *Bucket) Region() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.region
}

// Notes says what the user should know about how the bucket is read.
func (b *Bucket) Notes() []string { return b.notes }

func (b *Bucket) service() api {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.api
}

// follow switches to the bucket's region.
func (b *Bucket) follow(region string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if region != "" && region != b.region {
		b.region, b.api = region, b.c.service(region)
	}
}

// followErr tells whether err is S3 saying that the bucket lives in another region, and if so
// switches to it, so that the request can be made again.
func (b *Bucket) followErr(err error) bool {
	region := awsconf.ResponseHeader(err, "x-amz-bucket-region")
	if region == "" || region == b.Region() {
		return false
	}
	switch code(err) {
	case "PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException", "MovedPermanently":
	default:
		if s := awsconf.HTTPStatus(err); s != 301 && s != 400 {
			return false
		}
	}
	b.follow(region)
	return true
}

// locationRegion reads GetBucketLocation's answer: empty means us-east-1, "EU" is eu-west-1.
func locationRegion(c string) string {
	switch c {
	case "":
		return "us-east-1"
	case "EU":
		return "eu-west-1"
	}
	return c
}

// call runs one request to the bucket through the client's gate, once more in the bucket's own
// region if S3 says that it lives elsewhere.
func call[T any](ctx context.Context, b *Bucket, req func(context.Context, api) (T, error)) (T, error) {
	out, err := do(ctx, b.c, func(ctx context.Context) (T, error) { return req(ctx, b.service()) })
	if err != nil && b.followErr(err) {
		out, err = do(ctx, b.c, func(ctx context.Context) (T, error) { return req(ctx, b.service()) })
	}
	return out, err
}
