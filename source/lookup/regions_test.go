package lookup

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/source/lookup/fakect"
)

func TestRegions(t *testing.T) {
	awsEnv(t)
	srv := fakeServer(t, fakect.Config{
		Regions: []string{"eu-west-1", "us-east-1", "us-west-2"},
		OptIn:   []string{"af-south-1"},
	})
	for _, tc := range []struct {
		name      string
		regions   []string
		awsRegion string
		filter    string
		want      []string
		note      string
	}{
		{"configured region and the global one", nil, "eu-west-1", "", []string{"eu-west-1", "us-east-1"}, ""},
		{"no region configured", nil, "", "", []string{"us-east-1"}, "no AWS region configured"},
		{"a named region brings the global one", []string{"eu-west-1"}, "", "", []string{"eu-west-1", "us-east-1"}, "us-east-1 added for IAM, STS and sign-in events"},
		{"unless left out", []string{"eu-west-1,-us-east-1"}, "", "", []string{"eu-west-1"}, ""},
		{"all: the enabled regions", []string{"all"}, "", "", []string{"eu-west-1", "us-east-1", "us-west-2"}, ""},
		{"all but one", []string{"all", "-us-west-2"}, "", "", []string{"eu-west-1", "us-east-1"}, ""},
		{"China's global region", []string{"cn-northwest-1"}, "cn-northwest-1", "", []string{"cn-northwest-1", "cn-north-1"}, ""},
		{"the filter names the region", nil, "eu-west-1", "region:us-west-2", []string{"us-west-2"}, ""},
		{"the filter narrows --region", []string{"all"}, "", "region:eu-west-1,af-south-1", []string{"eu-west-1"}, ""},
		{"the filter excludes one", []string{"eu-west-1"}, "", "-region:us-east-1", []string{"eu-west-1"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("AWS_REGION", tc.awsRegion)
			opt := fastOptions(srv, tc.regions...)
			opt.Query, _ = filter.ParseQuery(tc.filter)
			s, err := Open(context.Background(), opt)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(s.Regions, tc.want) {
				t.Errorf("regions %v, want %v", s.Regions, tc.want)
			}
			if tc.note != "" && !strings.Contains(s.Banner(), tc.note) {
				t.Errorf("banner %q does not say %q", s.Banner(), tc.note)
			}
		})
	}
	if n := srv.Count("DescribeRegions", ""); n != 3 {
		t.Errorf("%d DescribeRegions calls, want 3 (one per --region all)", n)
	}
}

func TestDescribeRegionsDenied(t *testing.T) {
	awsEnv(t)
	srv := fakeServer(t, fakect.Config{DeniedOps: []string{"ec2:DescribeRegions"}})
	err := openErr(t, fastOptions(srv, "all"))
	wantErr(t, err, ErrAccessDenied, "ec2:DescribeRegions", "--region")
}
