package awsconf

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/smithy-go"
)

// Error is a failure said so that a person can act on it: what failed, and what to do about it.
// The cause stays reachable with errors.As/Is.
type Error struct {
	Region string // the region that failed; empty when the failure is not a region's
	Msg    string
	Err    error
}

func (e *Error) Error() string {
	if e.Region != "" {
		return e.Region + ": " + e.Msg
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// Causes of a failure, for callers and tests that need to tell them apart.
var (
	ErrNoCredentials   = errors.New("no AWS credentials")
	ErrSSOExpired      = errors.New("SSO session expired")
	ErrExpired         = errors.New("credentials expired")
	ErrAccessDenied    = errors.New("access denied")
	ErrRegionDisabled  = errors.New("region not enabled")
	ErrInvalidKey      = errors.New("invalid credentials")
	ErrNetwork         = errors.New("network")
	ErrStillThrottled  = errors.New("throttled")
	ErrProfileNotFound = errors.New("profile not found")
	ErrNotFound        = errors.New("not found")
	ErrWrongRegion     = errors.New("wrong region")
)

// kindError marks an Error with its cause while keeping the SDK's error reachable.
type kindError struct{ kind, err error }

func (k kindError) Error() string   { return k.err.Error() }
func (k kindError) Unwrap() []error { return []error{k.kind, k.err} }

// Fail makes an *Error about region (empty: not a region's) whose cause is kind (nil: none of the
// known ones) and err, saying format.
func Fail(region string, kind, err error, format string, args ...any) *Error {
	if kind != nil {
		err = kindError{kind, err}
	}
	return &Error{Region: region, Msg: fmt.Sprintf(format, args...), Err: err}
}

// explainConfig says why the AWS configuration could not be loaded.
func explainConfig(err error) error {
	var notExist config.SharedConfigProfileNotExistError
	if errors.As(err, &notExist) {
		return Fail("", ErrProfileNotFound, err,
			"AWS profile %q is not in ~/.aws/config or ~/.aws/credentials: list the profiles with `aws configure list-profiles`", notExist.Profile)
	}
	if strings.Contains(err.Error(), "CA bundle") || strings.Contains(err.Error(), "custom CA") {
		return Fail("", nil, err, "the CA bundle AWS_CA_BUNDLE=%q cannot be used: %v", os.Getenv("AWS_CA_BUNDLE"), err)
	}
	return Fail("", nil, err, "load the AWS configuration: %v", err)
}

// ServiceErrors explains the error codes of one service, those that mean something particular
// to it (an S3 bucket that does not exist, an API denied with the permission it needs). It returns
// nil to leave the error to the explanations every service shares.
type ServiceErrors func(ae smithy.APIError) *Error

// Explain turns an error of an AWS call into one a person can act on. call is the API action as IAM
// names it ("cloudtrail:LookupEvents"); region is empty for calls that are not about one region;
// own, when not nil, is asked first about the service's error codes. A cancelled call and an error
// already explained are returned as they are.
func Explain(err error, call, region, profile string, own ServiceErrors) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if _, done := errors.AsType[*Error](err); done {
		return err
	}
	msg := err.Error()
	login := "aws sso login"
	if profile != "" {
		login += " --profile " + profile
	}

	var tokenErr *ssocreds.InvalidTokenError
	if errors.As(err, &tokenErr) || strings.Contains(msg, "SSO token") || strings.Contains(msg, "SSO session") {
		return Fail(region, ErrSSOExpired, err, "the AWS SSO session has expired or was never started: run `%s` and try again", login)
	}
	if strings.Contains(msg, "get identity") || strings.Contains(msg, "failed to retrieve credentials") ||
		strings.Contains(msg, "failed to refresh cached credentials") {
		if strings.Contains(msg, "no EC2 IMDS role found") || strings.Contains(msg, "no valid credential") ||
			strings.Contains(msg, "credentials not found") || strings.Contains(msg, "AnonymousCredentials") {
			return Fail(region, ErrNoCredentials, err, "no AWS credentials found: run `aws configure` or `%s`, "+
				"choose a profile with --profile or AWS_PROFILE, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", login)
		}
		return Fail(region, ErrNoCredentials, err, "could not get AWS credentials: %s", ShortCause(err))
	}

	var ae smithy.APIError
	if errors.As(err, &ae) {
		if own != nil {
			if e := own(ae); e != nil {
				return e
			}
		}
		code, detail := ae.ErrorCode(), ae.ErrorMessage()
		switch code {
		case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedException":
			return Fail(region, ErrAccessDenied, err, "not allowed to call %s: ask for it", call)
		case "ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired":
			return Fail(region, ErrExpired, err, "the AWS credentials have expired: get new ones (`%s`, or a new session) and try again", login)
		case "UnrecognizedClientException", "InvalidClientTokenId", "AuthFailure", "InvalidAccessKeyId":
			return Fail(region, ErrInvalidKey, err, "AWS does not recognise the access key: check AWS_ACCESS_KEY_ID or the profile's credentials, or run `%s`", login)
		case "SignatureDoesNotMatch", "InvalidSignatureException", "IncompleteSignature", "IncompleteSignatureException":
			return Fail(region, ErrInvalidKey, err, "AWS rejected the request signature: the secret access key does not match the access key, or the clock is wrong")
		}
		if IsThrottle(err) {
			return Fail(region, ErrStillThrottled, err, "%s still throttled%s: something else is using the same quota; try again in a minute", call, Attempts(err))
		}
		if detail != "" {
			return Fail(region, nil, err, "%s failed: %s: %s", call, code, detail)
		}
		return Fail(region, nil, err, "%s failed: %s", call, code)
	}

	var unknownCA x509.UnknownAuthorityError
	if errors.As(err, &unknownCA) {
		return Fail(region, ErrNetwork, err, "the server's TLS certificate is not trusted: set AWS_CA_BUNDLE to your proxy's CA certificates (%s)", ShortCause(err))
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return Fail(region, ErrNetwork, err, "cannot resolve %s: check the network and the region name", dnsErr.Name)
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return Fail(region, ErrNetwork, err, "cannot reach AWS (%s): check the network, a proxy (HTTPS_PROXY) or AWS_ENDPOINT_URL", ShortCause(err))
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return Fail(region, ErrNetwork, err, "AWS did not answer in time: check the network or a proxy (HTTPS_PROXY)")
	}
	return Fail(region, nil, err, "%s failed: %s", call, ShortCause(err))
}

// Attempts says how many tries a request that gave up made (" after 8 attempts"), or nothing.
func Attempts(err error) string {
	var ma *retry.MaxAttemptsError
	if errors.As(err, &ma) {
		return fmt.Sprintf(" after %d attempts", ma.Attempt)
	}
	return ""
}

// ShortCause drops the SDK's "operation error X: Y, https response error ..." preamble, keeping the
// innermost words.
func ShortCause(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ", "); i >= 0 && i+2 < len(msg) && strings.HasPrefix(msg, "operation error") {
		msg = msg[i+2:]
	}
	return msg
}
