package main

// This file wires Athena (source/athena) into the command line: the --athena flags every command
// that loads events shares. The window, the regions, the profile and the cache are --lookup's
// flags and the accounts s3://'s --account, which mean the same here.

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/source/athena"
	"github.com/trailscope/trailscope/source/awsconf"
)

// athenaFlags are the options of --athena.
type athenaFlags struct {
	table     string
	workgroup string
	output    string
	limit     int
	cmd       *cobra.Command
}

// athenaOptions are the flags that mean nothing without --athena.
var athenaOptions = []string{"workgroup", "output-location", "athena-limit"}

func (f *athenaFlags) register(cmd *cobra.Command) {
	f.cmd = cmd
	fl := cmd.Flags()
	fl.StringVar(&f.table, "athena", "", "read a CloudTrail table with Amazon Athena: `[CATALOG.]DATABASE.TABLE`\n(with --since, --until, --region, --account, --profile, --no-cache)")
	fl.StringVar(&f.workgroup, "workgroup", athena.DefaultWorkGroup, "with --athena: the Athena workgroup to run the query in")
	fl.StringVar(&f.output, "output-location", "", "with --athena: where Athena writes the query's results, `s3://BUCKET/PREFIX/`\n(default: the workgroup's result location)")
	fl.IntVar(&f.limit, "athena-limit", athena.DefaultLimit, "with --athena: the most events to fetch (the newest)")
}

// wanted tells whether the flags ask for Athena: --athena, or one of its options, which open then
// reports as missing --athena rather than ignore.
func (f *athenaFlags) wanted() bool {
	return f.table != "" || f.stray() != ""
}

func (f *athenaFlags) stray() string {
	for _, name := range athenaOptions {
		if f.cmd != nil && f.cmd.Flags().Changed(name) {
			return name
		}
	}
	return ""
}

// open reads the table's definition and the workgroup's and writes the SQL (so that the console
// never opens on a mistake), and returns the Athena source. text is the query's filter, which goes
// to Athena where SQL can say it; explain, when not nil, gets the SQL and where each term runs.
func (f *athenaFlags) open(paths []string, text string, lk *lookupFlags, accounts []string, log func(string), explain io.Writer) (opened, error) {
	switch {
	case f.table == "":
		return opened{}, fmt.Errorf("--%s is an option of --athena: add --athena DATABASE.TABLE", f.stray())
	case lk.enabled:
		return opened{}, fmt.Errorf("--lookup and --athena are two sources: give one")
	case lk.cmd != nil && lk.cmd.Flags().Changed("push-down"):
		return opened{}, fmt.Errorf("--push-down is an option of --lookup; with --athena, the filter goes to Athena where SQL can say it")
	case len(paths) > 0:
		return opened{}, fmt.Errorf("--athena reads from AWS, not from %s: give either PATHs or --athena", paths[0])
	}
	q, err := filter.ParseQuery(text)
	if err != nil {
		return opened{}, fmt.Errorf("filter: %w", err)
	}
	ctx, cancel := preflight()
	defer cancel()
	s, err := athena.Open(ctx, athena.Options{
		Table: f.table, WorkGroup: f.workgroup, OutputLocation: f.output, Limit: f.limit,
		Since: lk.since, Until: lk.until, Regions: lk.regions, Accounts: accounts,
		Query: q, NoCache: lk.noCache, AWS: awsconf.Options{Profile: lk.profile}, Log: log,
	})
	if err != nil {
		return opened{}, err
	}
	if explain != nil {
		writePlan(explain, s)
	}
	return opened{desc: s.Describe(), banner: s.Banner(), run: func(ctx context.Context, out chan<- cloudtrail.Batch) error {
		return s.Run(ctx, sendTo(ctx, out))
	}}, nil
}

// writePlan says what the query will do: the SQL, and where each filter term runs.
func writePlan(w io.Writer, s *athena.Session) {
	fmt.Fprintf(w, "trailscope: Athena, workgroup %s (%s), %s to %s:\n", s.WorkGroup, s.Region,
		s.From.Format(time.RFC3339), s.To.Format(time.RFC3339))
	for _, line := range strings.Split(s.Plan.SQL, "\n") {
		fmt.Fprintln(w, "  "+cloudtrail.Sanitize(line))
	}
	for _, t := range s.Plan.Terms {
		where := t.Where.String()
		if t.Why != "" {
			where += ": " + t.Why
		}
		fmt.Fprintf(w, "  %-30s %s\n", cloudtrail.Sanitize(t.Term), where)
	}
	for _, n := range s.Notes {
		fmt.Fprintln(w, "  note: "+cloudtrail.Sanitize(n))
	}
}
