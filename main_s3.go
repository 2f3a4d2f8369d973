package main

// This file wires S3 (source/s3) into the command line: s3://BUCKET[/PREFIX] wherever a PATH is
// accepted, with the window, regions and profile of the --lookup flags, and --account.

import (
	"context"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	s3src "github.com/trailscope/trailscope/source/s3"
)

// s3Flags are the options only s3:// sources have.
type s3Flags struct {
	accounts []string
	cmd      *cobra.Command
}

func (f *s3Flags) register(cmd *cobra.Command) {
	f.cmd = cmd
	cmd.Flags().StringSliceVar(&f.accounts, "account", nil, "with s3:// or --athena: the accounts' folders (partitions) to read, comma-separated, -ID leaves one out\n(default: every account the trail delivers for)")
}

// given tells whether --account was given (without an s3:// URL, a mistake to report).
func (f *s3Flags) given() bool { return f.cmd != nil && f.cmd.Flags().Changed("account") }

// wantsS3 tells whether the paths name S3 locations.
func wantsS3(paths []string) bool { return slices.ContainsFunc(paths, s3src.IsURL) }

// openS3 checks the credentials, reaches the buckets and discovers the trails' folders (so that
// the console never opens on a mistake) and returns the S3 source. text is the query's filter,
// whose time, region: and account: terms narrow what is listed.
func (f *sourceFlags) openS3(paths []string, text string) (opened, error) {
	for _, p := range paths {
		if !s3src.IsURL(p) {
			return opened{}, fmt.Errorf("%s is not an s3:// URL: give either local PATHs or s3:// URLs, not both", p)
		}
	}
	for _, name := range []string{"no-cache", "push-down", "sample"} {
		if f.lookup.cmd != nil && f.lookup.cmd.Flags().Changed(name) {
			return opened{}, fmt.Errorf("--%s does not go with s3:// URLs", name)
		}
	}
	q, err := filter.ParseQuery(text)
	if err != nil {
		return opened{}, fmt.Errorf("filter: %w", err)
	}
	ctx, cancel := preflight()
	defer cancel()
	s, err := s3src.Open(ctx, s3src.Options{
		URLs: paths, Since: f.lookup.since, Until: f.lookup.until, Regions: f.lookup.regions, Accounts: f.s3.accounts,
		Query: q, MaxFileSize: f.maxFileSize << 20, Keep: f.keep, Decode: f.decode, ClientOptions: s3src.ClientOptions{Profile: f.lookup.profile},
	})
	if err != nil {
		return opened{}, err
	}
	src := opened{desc: s.Describe(), banner: s.Banner(), run: func(ctx context.Context, out chan<- cloudtrail.Batch) error {
		return s.Run(ctx, sendTo(ctx, out))
	}}
	if len(paths) == 1 {
		src.check = f.checkBucket(paths[0], s.Window)
	}
	return src, nil
}
