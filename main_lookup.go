package main

// This file wires LookupEvents (source/lookup) into the command line: the --lookup flags every
// command that loads events shares (s3:// sources share the window, the regions and the profile).

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/source/lookup"
)

// lookupFlags are the options of --lookup.
type lookupFlags struct {
	enabled  bool
	regions  []string
	profile  string
	since    string
	until    string
	noCache  bool
	pushDown bool
	cmd      *cobra.Command
}

// lookupOptions are the flags that mean nothing without --lookup (or, for some, an s3:// URL).
var lookupOptions = []string{"region", "profile", "since", "until", "no-cache", "push-down"}

func (f *lookupFlags) register(cmd *cobra.Command) {
	f.cmd = cmd
	fl := cmd.Flags()
	fl.BoolVar(&f.enabled, "lookup", false, "read the account's CloudTrail event history (LookupEvents) instead of archives")
	fl.StringSliceVar(&f.regions, "region", nil, "with --lookup or s3://: regions to read, comma-separated; all for every region, -NAME leaves one out\n(default with --lookup: the configured region, and us-east-1 for IAM, STS and sign-in events;\nwith s3://: every region the trail delivers for)")
	complete(cmd, "region", awsRegions)
	fl.StringVar(&f.profile, "profile", "", "with --lookup or s3://: the AWS profile to use (default: AWS_PROFILE, or the default profile)")
	fl.StringVar(&f.since, "since", "", "with --lookup or s3://: how far back, a duration (2h, 7d) or a time (2024-05-01T10:00Z)\n(default: 24h, or the filter's since:)")
	fl.StringVar(&f.until, "until", "", "with --lookup or s3://: the end of the window, a duration back or a time (default: now)")
	fl.BoolVar(&f.noCache, "no-cache", false, "with --lookup: neither read nor write the cache of fetched pages")
	fl.BoolVar(&f.pushDown, "push-down", true, "with --lookup: let CloudTrail apply the filter's most selective term\n(false: fetch the whole window and filter here)")
}

// wanted tells whether the flags ask for LookupEvents: --lookup, or one of its options, which open
// then reports as missing --lookup rather than ignore.
func (f *lookupFlags) wanted() bool {
	return f.enabled || f.stray() != ""
}

func (f *lookupFlags) stray() string {
	for _, name := range lookupOptions {
		if f.cmd != nil && f.cmd.Flags().Changed(name) {
			return name
		}
	}
	return ""
}

// open checks the credentials, the regions and the window (so that the console never opens on a
// mistake) and returns the LookupEvents source. text is the query's filter, for the push-down.
func (f *lookupFlags) open(paths []string, text string) (opened, error) {
	if !f.enabled {
		return opened{}, fmt.Errorf("--%s is an option of --lookup and s3:// URLs: add --lookup, or give s3://BUCKET/PREFIX, to read from AWS", f.stray())
	}
	if len(paths) > 0 {
		return opened{}, fmt.Errorf("--lookup reads from AWS, not from %s: give either PATHs or --lookup", paths[0])
	}
	q, err := filter.ParseQuery(text)
	if err != nil {
		return opened{}, fmt.Errorf("filter: %w", err)
	}
	ctx, cancel := preflight()
	defer cancel()
	s, err := lookup.Open(ctx, lookup.Options{
		Profile: f.profile, Regions: f.regions, Since: f.since, Until: f.until,
		Query: q, NoPushDown: !f.pushDown, NoCache: f.noCache,
	})
	if err != nil {
		return opened{}, err
	}
	return opened{desc: s.Describe(), banner: s.Banner(), run: func(ctx context.Context, out chan<- cloudtrail.Batch) error {
		return s.Run(ctx, sendTo(ctx, out))
	}}, nil
}
