package lookup

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"

	"github.com/trailscope/trailscope/model/integrity"
)

// keysAPI is CloudTrail's ListPublicKeys: the keys that verify log file integrity digests.
type keysAPI interface {
	ListPublicKeys(context.Context, *cloudtrail.ListPublicKeysInput, ...func(*cloudtrail.Options)) (*cloudtrail.ListPublicKeysOutput, error)
}

// PublicKeys fetches CloudTrail's public keys (ListPublicKeys). Open one with OpenPublicKeys.
type PublicKeys struct {
	cfg     aws.Config
	profile string
	client  func(region string) keysAPI
}

// OpenPublicKeys loads the AWS configuration as --lookup does (opt's Profile, Endpoint, MaxAttempts
// and RetryBase count; the rest is ignored). No call is made until Fetch.
func OpenPublicKeys(ctx context.Context, opt Options) (*PublicKeys, error) {
	cfg, err := loadConfig(ctx, opt)
	if err != nil {
		return nil, err
	}
	return &PublicKeys{cfg: cfg, profile: opt.Profile, client: func(region string) keysAPI {
		return cloudtrail.NewFromConfig(cfg, func(o *cloudtrail.Options) { o.Region = region })
	}}, nil
}

// Fetch returns the keys whose private keys signed digests of region between from and to. Each
// region has keys of its own. Errors are *Error, said so that a person can act on them.
func (k *PublicKeys) Fetch(ctx context.Context, region string, from, to time.Time) ([]integrity.PublicKey, error) {
	c := k.client(region)
	in := &cloudtrail.ListPublicKeysInput{StartTime: aws.Time(from), EndTime: aws.Time(to)}
	var keys []integrity.PublicKey
	for {
		out, err := c.ListPublicKeys(ctx, in)
		if err != nil {
			return nil, explain(err, "cloudtrail:ListPublicKeys", region, k.profile)
		}
		for _, p := range out.PublicKeyList {
			keys = append(keys, integrity.PublicKey{Fingerprint: aws.ToString(p.Fingerprint), Value: p.Value,
				Start: aws.ToTime(p.ValidityStartTime), End: aws.ToTime(p.ValidityEndTime), Region: region})
		}
		if aws.ToString(out.NextToken) == "" {
			return keys, nil
		}
		in.NextToken = out.NextToken
	}
}
