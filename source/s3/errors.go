package s3

import (
	"errors"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/trailscope/trailscope/source/awsconf"
)

// code is the error code S3 answered with, or "". A HEAD request has no body, so its errors are
// known by their HTTP status only.
func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// explain turns an error of a call on the bucket into one a person can act on. call is the action
// as IAM names it ("s3:ListBucket"); key is the object or prefix it was about.
func (b *Bucket) explain(err error, call, key string) error {
	arn := "arn:" + partition(b.Region()) + ":s3:::" + b.Name
	where := URL(b.Name, key)
	return awsconf.Explain(err, call, "", b.c.profile, func(ae smithy.APIError) *awsconf.Error {
		c, msg := ae.ErrorCode(), ae.ErrorMessage()
		kms := strings.Contains(strings.ToLower(c+" "+msg), "kms")
		switch {
		case c == "NoSuchBucket" || (c == "NotFound" && call == "s3:GetBucketLocation"):
			return awsconf.Fail("", awsconf.ErrNotFound, err, "the bucket %q does not exist: check its name "+
				"(`aws cloudtrail describe-trails` shows each trail's S3BucketName)", b.Name)
		case c == "NoSuchKey" || c == "NotFound":
			return awsconf.Fail("", awsconf.ErrNotFound, err, "%s does not exist", where)
		case kms:
			return awsconf.Fail("", awsconf.ErrAccessDenied, err, "cannot read %s: the trail encrypts its logs with SSE-KMS, "+
				"and the credentials need kms:Decrypt on its KMS key (the trail's KmsKeyId)", where)
		case c == "AccessDenied" || c == "Forbidden" || c == "AllAccessDisabled":
			switch call {
			case "s3:ListBucket":
				return awsconf.Fail("", awsconf.ErrAccessDenied, err, "not allowed to list %s: the credentials need s3:ListBucket on %s", where, arn)
			case "s3:GetObject":
				return awsconf.Fail("", awsconf.ErrAccessDenied, err, "not allowed to read %s: the credentials need s3:GetObject on %s/AWSLogs/* "+
					"(and kms:Decrypt on the trail's KMS key if it encrypts with SSE-KMS)", where, arn)
			}
			return awsconf.Fail("", awsconf.ErrAccessDenied, err, "not allowed to call %s on %s", call, arn)
		case c == "PermanentRedirect" || c == "AuthorizationHeaderMalformed" || c == "IllegalLocationConstraintException":
			region := awsconf.ResponseHeader(err, "x-amz-bucket-region")
			if region == "" {
				region = "another region"
			}
			return awsconf.Fail("", awsconf.ErrWrongRegion, err, "the bucket %q is in %s and could not be read there: "+
				"set AWS_REGION to the bucket's region, or check AWS_ENDPOINT_URL_S3", b.Name, region)
		case c == "InvalidBucketName":
			return awsconf.Fail("", nil, err, "%q is not a valid bucket name", b.Name)
		}
		if awsconf.IsThrottle(err) {
			return awsconf.Fail("", awsconf.ErrStillThrottled, err, "S3 still says to slow down%s: something else is reading "+
				"the bucket hard; try again in a minute", awsconf.Attempts(err))
		}
		return nil
	})
}

// partition is the ARN partition of a region.
func partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}
