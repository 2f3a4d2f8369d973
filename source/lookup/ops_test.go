package lookup

import (
	"context"
	"slices"
	"testing"
	"time"
)

// readOperations is everything this package may call on AWS (the project's aws_ops_test.go reads
// the code of every source for the calls it can make).
var readOperations = []string{"cloudtrail:ListPublicKeys", "cloudtrail:LookupEvents", "ec2:DescribeRegions", "sts:GetCallerIdentity"}

// TestOnlyReadOperationsOnTheWire checks the operations that reach the test server, in a run that
// uses them all.
func TestOnlyReadOperationsOnTheWire(t *testing.T) {
	awsEnv(t)
	srv := fakeServer(t, fakectConfigAllRegions())
	opt := fastOptions(srv, "all")
	if res := run(t, opt); res.err != nil {
		t.Fatal(res.err)
	}
	keys, err := OpenPublicKeys(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := keys.Fetch(context.Background(), "eu-west-1", dataNow.Add(-time.Hour), dataNow); err != nil {
		t.Fatal(err)
	}
	var got []string
	for op := range srv.Ops() {
		got = append(got, op)
	}
	slices.Sort(got)
	if !slices.Equal(got, readOperations) {
		t.Errorf("operations on the wire: %v, want %v", got, readOperations)
	}
}
