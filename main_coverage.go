package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/trailscope/trailscope/model/coverage"
	"github.com/trailscope/trailscope/ui/report"
)

// newCoverage is `trailscope coverage`: what the loaded records can and cannot show.
func newCoverage(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var src sourceFlags
	var format string
	var gap time.Duration
	cmd := &cobra.Command{
		Use:   "coverage [flags] [PATH ...]",
		Short: "Say what the loaded records cover: time spans and gaps, trails and their changes, data events",
		Long: `coverage loads the archives at PATHs (or LookupEvents with --lookup, or a built-in sample with
--sample) and says what they can show and what they cannot: for each account and region the
time covered and the gaps in it (no event for longer than --gap); whether data events (S3
object calls, Lambda Invoke, DynamoDB items) appear at all and from when; and the trails the
records name, with when each was created, changed, started, stopped or deleted and what each
change turned on or off (management events, data events and for which resources, Insights).

No DeleteObject in the records does not mean no object was deleted when the trail did not log
S3 data events: read this before reading absence as innocence.`,
		Example: `  trailscope coverage ./AWSLogs
  trailscope coverage --gap 15m --sample invictus
  trailscope coverage --format json logs/ | jq '.trails[].changes[]'`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := report.ParseFormat(format)
			if err != nil || f == report.CSV {
				return fmt.Errorf("unknown format %q: use table or json", format)
			}
			if gap <= 0 {
				return fmt.Errorf("--gap %s: give a duration above zero, e.g. 1h or 15m", gap)
			}
			idx, err := src.load(cmd.Context(), args, stdin, stderr)
			if err != nil {
				return err
			}
			return report.WriteCoverage(stdout, f, coverage.Compute(idx, gap))
		},
	}
	src.register(cmd)
	cmd.Flags().StringVarP(&format, "format", "f", "table", "output format: table or json")
	cmd.Flags().DurationVar(&gap, "gap", coverage.DefaultGap, "report silences longer than this in an account and region")
	return cmd
}
