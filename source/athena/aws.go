package athena

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
)

// These interfaces are everything trailscope calls on AWS for Athena; source/lookup's
// ops_test.go checks that the code calls nothing else. StartQueryExecution only ever carries a
// SELECT (see start).

// athenaAPI is Athena as trailscope uses it.
type athenaAPI interface {
	GetTableMetadata(context.Context, *athena.GetTableMetadataInput, ...func(*athena.Options)) (*athena.GetTableMetadataOutput, error)
	GetWorkGroup(context.Context, *athena.GetWorkGroupInput, ...func(*athena.Options)) (*athena.GetWorkGroupOutput, error)
	StartQueryExecution(context.Context, *athena.StartQueryExecutionInput, ...func(*athena.Options)) (*athena.StartQueryExecutionOutput, error)
	GetQueryExecution(context.Context, *athena.GetQueryExecutionInput, ...func(*athena.Options)) (*athena.GetQueryExecutionOutput, error)
	GetQueryResults(context.Context, *athena.GetQueryResultsInput, ...func(*athena.Options)) (*athena.GetQueryResultsOutput, error)
	StopQueryExecution(context.Context, *athena.StopQueryExecutionInput, ...func(*athena.Options)) (*athena.StopQueryExecutionOutput, error)
}

// trailsAPI is CloudTrail as this package uses it: which bucket the trails deliver to, for the DDL
// of a table that does not exist yet.
type trailsAPI interface {
	DescribeTrails(context.Context, *cloudtrail.DescribeTrailsInput, ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error)
}

func newAthenaClient(cfg aws.Config) athenaAPI { return athena.NewFromConfig(cfg) }

func newTrailsClient(cfg aws.Config) trailsAPI {
	return cloudtrail.NewFromConfig(cfg, func(o *cloudtrail.Options) { o.RetryMaxAttempts = 2 })
}
