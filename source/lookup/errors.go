package lookup

import (
	"github.com/aws/smithy-go"

	"github.com/trailscope/trailscope/source/awsconf"
)

// Error is a failure said so that a person can act on it: what failed, and what to do about it.
type Error = awsconf.Error

// Causes of a failure, for callers and tests that need to tell them apart.
var (
	ErrNoCredentials   = awsconf.ErrNoCredentials
	ErrSSOExpired      = awsconf.ErrSSOExpired
	ErrExpired         = awsconf.ErrExpired
	ErrAccessDenied    = awsconf.ErrAccessDenied
	ErrRegionDisabled  = awsconf.ErrRegionDisabled
	ErrInvalidKey      = awsconf.ErrInvalidKey
	ErrNetwork         = awsconf.ErrNetwork
	ErrStillThrottled  = awsconf.ErrStillThrottled
	ErrProfileNotFound = awsconf.ErrProfileNotFound
)

// explain turns an error of an AWS call into one a person can act on, with what CloudTrail's,
// STS's and EC2's error codes mean for a lookup. call is the API action as IAM names it
// ("cloudtrail:LookupEvents"); region is empty for calls that are not about one region.
func explain(err error, call, region, profile string) error {
	return awsconf.Explain(err, call, region, profile, func(ae smithy.APIError) *Error {
		switch ae.ErrorCode() {
		case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedException":
			what := "ask for it (the AWS managed policy AWSCloudTrail_ReadOnlyAccess has it)"
			if call == "ec2:DescribeRegions" {
				what = "ask for it, or name the regions with --region instead of all"
			}
			return awsconf.Fail(region, ErrAccessDenied, err, "not allowed to call %s: %s", call, what)
		case "OptInRequired":
			return awsconf.Fail(region, ErrRegionDisabled, err, "the region is not enabled for this account: enable it (Account settings, AWS Regions) or leave it out of --region")
		case "UnrecognizedClientException", "InvalidClientTokenId", "AuthFailure":
			if region != "" {
				// The credentials worked for STS; a region that does not know them is an opt-in
				// region the account has not enabled.
				return awsconf.Fail(region, ErrRegionDisabled, err, "the region does not accept these credentials: it is probably an opt-in region "+
					"not enabled for this account; enable it (Account settings, AWS Regions) or leave it out of --region")
			}
		}
		if awsconf.IsThrottle(err) {
			return awsconf.Fail(region, ErrStillThrottled, err, "still throttled%s: something else is using this account's LookupEvents quota "+
				"(2 requests per second per region); try again in a minute", awsconf.Attempts(err))
		}
		return nil
	})
}
