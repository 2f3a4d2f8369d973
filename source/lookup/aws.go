package lookup

import (
	"context"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
	"golang.org/x/time/rate"

	"github.com/trailscope/trailscope/source/awsconf"
)

// trailscope only reads. These interfaces are everything it calls on AWS; the test of the AWS
// operations (aws_ops_test.go in the project's root) checks that the code calls nothing else.

// lookupAPI is CloudTrail as trailscope uses it.
type lookupAPI interface {
	LookupEvents(context.Context, *cloudtrail.LookupEventsInput, ...func(*cloudtrail.Options)) (*cloudtrail.LookupEventsOutput, error)
}

// identityAPI is STS as trailscope uses it: which account the credentials belong to.
type identityAPI interface {
	GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// regionsAPI is EC2 as trailscope uses it: the regions enabled for the account, for --region all.
type regionsAPI interface {
	DescribeRegions(context.Context, *ec2.DescribeRegionsInput, ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error)
}

// Defaults of Options.
const (
	// DefaultRate is LookupEvents' limit: 2 requests per second per account per region.
	DefaultRate = 2.0
	// preflightAttempts bounds the tries of the calls made before the console opens.
	preflightAttempts = 3
)

// loadConfig loads the AWS configuration as the AWS CLI does, with the retries opt asks for.
func loadConfig(ctx context.Context, opt Options) (aws.Config, error) {
	return awsconf.Load(ctx, awsconf.Options{Profile: opt.Profile, Endpoint: opt.Endpoint,
		RetryBase: opt.RetryBase, MaxAttempts: opt.MaxAttempts})
}

// regionStats counts what happened to one region's requests, attempt by attempt.
type regionStats struct {
	attempts  atomic.Int64 // requests sent, retries included
	throttles atomic.Int64 // attempts answered with a throttling error
	pages     atomic.Int64 // pages fetched and handed on
	cached    atomic.Int64 // events read from the cache
}

// pacer is a middleware that keeps one region's requests at the API's rate. It sits after the
// retryer and before signing, so that every attempt, retries included, waits for its turn.
type pacer struct {
	limiter *rate.Limiter
	stats   *regionStats
}

func (*pacer) ID() string { return "trailscope.Pace" }

func (p *pacer) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
	middleware.FinalizeOutput, middleware.Metadata, error,
) {
	if err := p.limiter.Wait(ctx); err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return middleware.FinalizeOutput{}, middleware.Metadata{}, err
	}
	p.stats.attempts.Add(1)
	out, md, err := next.HandleFinalize(ctx, in)
	if err != nil && awsconf.IsThrottle(err) {
		p.stats.throttles.Add(1)
	}
	return out, md, err
}

func (p *pacer) install(stack *middleware.Stack) error {
	return stack.Finalize.Insert(p, "Retry", middleware.After)
}

// newLookupClient returns a CloudTrail client for one region, paced by p.
func newLookupClient(cfg aws.Config, region string, p *pacer) lookupAPI {
	return cloudtrail.NewFromConfig(cfg, func(o *cloudtrail.Options) {
		o.Region = region
		o.APIOptions = append(o.APIOptions, p.install)
	})
}

func newIdentityClient(cfg aws.Config, region string) identityAPI {
	return sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.Region = region
		o.RetryMaxAttempts = preflightAttempts
	})
}

func newRegionsClient(cfg aws.Config, region string) regionsAPI {
	return ec2.NewFromConfig(cfg, func(o *ec2.Options) {
		o.Region = region
		o.RetryMaxAttempts = preflightAttempts
	})
}
