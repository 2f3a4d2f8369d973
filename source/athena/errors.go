package athena

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/trailscope/trailscope/source/awsconf"
)

// Error is a failure said so that a person can act on it. Kind tells failures apart (errors.Is);
// the SDK's error stays reachable.
type Error struct {
	Kind error
	Msg  string
	Err  error
}

func (e *Error) Error() string { return e.Msg }

// Unwrap gives both the kind and the cause.
func (e *Error) Unwrap() []error { return []error{e.Kind, e.Err} }

// Kinds of failure.
var (
	ErrTableNotFound    = errors.New("table not found")
	ErrNotCloudTrail    = errors.New("not a CloudTrail table")
	ErrNoOutputLocation = errors.New("no output location")
	ErrAccessDenied     = awsconf.ErrAccessDenied // the same kind as every source that calls AWS
	ErrQueryFailed      = errors.New("query failed")
	ErrWorkGroup        = errors.New("workgroup")
	ErrUsage            = errors.New("usage")
)

// The permissions trailscope needs, as IAM names them, with what each is for.
const (
	permStart   = "athena:StartQueryExecution"
	permExec    = "athena:GetQueryExecution"
	permResults = "athena:GetQueryResults"
	permStop    = "athena:StopQueryExecution"
	permTable   = "athena:GetTableMetadata"
	permGlue    = "glue:GetTable"
	permWG      = "athena:GetWorkGroup"
	permTrails  = "cloudtrail:DescribeTrails"
)

// notAuthorized finds the action an AccessDenied message names ("is not authorized to perform:
// glue:GetTable on resource: ...").
var notAuthorized = regexp.MustCompile(`perform:? ([a-z0-9-]+:[A-Za-z0-9*]+)`)

// explain turns an error of an Athena call into one that says what to do: Athena's own errors
// here, the credentials, the network and throttling as every source says them (awsconf). call is
// the action as IAM names it; profile is for the credentials' own advice.
func explain(err error, call, profile string) error {
	return awsconf.Explain(err, call, "", profile, func(ae smithy.APIError) *awsconf.Error {
		code, msg := ae.ErrorCode(), ae.ErrorMessage()
		switch {
		case strings.Contains(code, "AccessDenied") || code == "UnauthorizedOperation" || strings.Contains(msg, "not authorized to perform"):
			perm := call
			if m := notAuthorized.FindStringSubmatch(msg); m != nil {
				perm = m[1]
			}
			return awsconf.Fail("", ErrAccessDenied, ae, "not allowed to call %s: %s", perm, permissionHint(perm))
		case code == "InvalidRequestException" && strings.Contains(strings.ToLower(msg), "output location"):
			return awsconf.Fail("", ErrNoOutputLocation, ae, "%s", noOutputLocation(""))
		}
		return nil
	})
}

// permissionHint says what a permission is for and where it is granted.
func permissionHint(perm string) string {
	switch perm {
	case permStart, permExec, permResults, permStop, permTable, permWG:
		return "ask for it on the workgroup (the AWS managed policy AmazonAthenaFullAccess has it; trailscope needs only " +
			strings.Join([]string{permStart, permExec, permResults, permStop, permTable, permWG}, ", ") + ")"
	case permGlue, "glue:GetDatabase", "glue:GetPartitions":
		return "Athena reads the table's definition from the Glue Data Catalog: ask for glue:GetTable and glue:GetDatabase on the database and the table"
	case "s3:GetObject", "s3:ListBucket":
		return "Athena reads the trail's files with your permissions: ask for s3:GetObject and s3:ListBucket on the trail's bucket (and kms:Decrypt if the trail is encrypted)"
	case "s3:PutObject", "s3:GetBucketLocation":
		return "Athena writes the query's results to the output location: ask for s3:PutObject, s3:GetObject and s3:GetBucketLocation there"
	}
	return "ask for it"
}

// noOutputLocation says how to give Athena a place for its results.
func noOutputLocation(workgroup string) string {
	wg := "the workgroup"
	if workgroup != "" {
		wg = "workgroup " + workgroup
	}
	return wg + " has no query result location: give one with --output-location s3://BUCKET/PREFIX/ (Athena writes each query's " +
		"results there; trailscope reads them back through Athena), or use a workgroup that has one (--workgroup)"
}

// queryFailed explains a query Athena ran and failed: access to the trail's bucket or to the output
// location, or Athena's own reason.
func queryFailed(id, reason, output string, t *Table) error {
	lower := strings.ToLower(reason)
	denied := strings.Contains(lower, "access denied") || strings.Contains(lower, "permission denied") || strings.Contains(lower, "accessdenied") ||
		strings.Contains(lower, "not authorized")
	if denied {
		perm := "s3:GetObject"
		where := "the trail's bucket"
		if t != nil && t.Location != "" {
			where = t.Location
		}
		if output != "" && strings.Contains(reason, strings.TrimSuffix(output, "/")) || strings.Contains(lower, "writing") || strings.Contains(lower, "output") {
			perm, where = "s3:PutObject", cmp.Or(output, "the output location")
		} else if m := notAuthorized.FindStringSubmatch(reason); m != nil {
			perm = m[1]
		}
		return &Error{Kind: ErrAccessDenied, Msg: fmt.Sprintf("Athena query %s was denied %s on %s: %s (Athena said: %s)",
			id, perm, where, permissionHint(perm), abbreviate(reason, 300))}
	}
	return &Error{Kind: ErrQueryFailed, Msg: fmt.Sprintf("Athena query %s failed: %s", id, abbreviate(cmp.Or(reason, "no reason given"), 600))}
}
