package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/trailscope/trailscope/model/catalog"
	"github.com/trailscope/trailscope/model/findings"
	"github.com/trailscope/trailscope/ui/report"
)

// newFindings is `trailscope findings`: the rules over the loaded events, for scripts and on-call.
func newFindings(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var src sourceFlags
	var format, minSeverity, rules, awsRanges string
	var listRules bool
	var opt findings.Options
	cmd := &cobra.Command{
		Use:   "findings [flags] [PATH ...]",
		Short: "Print what an investigator should look at first, and exit (0 none, 1 some, 2 error)",
		Long: `findings loads the archives (local or s3://; the built-in sample with no PATH) and runs
the detection rules over them: root activity, sign-ins without MFA, logging and detection
turned off, backdoors and privilege escalation, resources exposed or shared, secrets
harvested, bursts, spikes and novelty. Each finding names who (and, for a session, who is
behind it), how many events, when, and the filter that selects them: give it to
'trailscope query' or type it in the console. The thresholds of the counting rules have
flags; --list-rules names every rule.`,
		Example: `  trailscope findings ./AWSLogs
  trailscope findings --min-severity high --format json logs/ | jq -r .filter
  trailscope findings --rules sg-open-world,snapshot-shared logs/
  trailscope findings --aws-ip-ranges ip-ranges.json logs/   # instance credentials used outside AWS`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if listRules {
				return writeRules(stdout)
			}
			f, err := report.ParseFindingsFormat(format)
			if err != nil {
				return err
			}
			if opt.MinSeverity, err = catalog.ParseSeverity(minSeverity); err != nil {
				return err
			}
			if rules != "" {
				opt.Rules = strings.Split(rules, ",")
				if err := findings.CheckRuleIDs(opt.Rules); err != nil {
					return err
				}
			}
			if awsRanges != "" {
				if opt.AWSRanges, err = readAWSRanges(awsRanges); err != nil {
					return err
				}
			}
			stderr := &lockedWriter{w: stderr}
			src.logTo(stderr)
			idx, err := src.load(cmd.Context(), args, stdin, stderr)
			if err != nil {
				return err
			}
			found := findings.Find(idx, opt)
			fmt.Fprintf(stderr, "trailscope: %s over %d events\n", report.FindingsSummary(found), idx.Len())
			if len(found) == 0 {
				return nil
			}
			if err := report.WriteFindings(stdout, f, idx, found); err != nil {
				return err
			}
			return exitCode(exitNothing) // 1: there are findings
		},
	}
	src.register(cmd)
	fl := cmd.Flags()
	fl.StringVarP(&format, "format", "f", "table", "output format: table, or json (one finding per line)")
	fl.StringVar(&minSeverity, "min-severity", "info", "leave out findings below this severity: info, low, medium, high, critical")
	fl.StringVar(&rules, "rules", "", "run only these rules (comma-separated IDs; see --list-rules)")
	complete(cmd, "rules", ruleIDs)
	complete(cmd, "min-severity", severities)
	complete(cmd, "format", func() []string { return []string{"table", "json"} })
	fl.BoolVar(&listRules, "list-rules", false, "list the rules with their severity and rationale, and exit")
	fl.StringVar(&awsRanges, "aws-ip-ranges", "", "AWS's ip-ranges.json: instance credentials used from outside these ranges are reported")
	fl.IntVar(&opt.FailedLogins, "failed-logins", findings.DefaultFailedLogins, "failed console sign-ins from one IP or for one user that make a burst")
	fl.DurationVar(&opt.FailedLoginWindow, "failed-login-window", findings.DefaultFailedLoginWindow, "within this time")
	fl.IntVar(&opt.DeniedBurst, "denied-burst", findings.DefaultDeniedBurst, "denied calls by one principal that make a burst")
	fl.DurationVar(&opt.DeniedWindow, "denied-window", findings.DefaultDeniedWindow, "within this time")
	fl.IntVar(&opt.SecretsBurst, "secrets-burst", findings.DefaultSecretsBurst, "distinct secrets, parameters, user data or password data read in bulk")
	fl.DurationVar(&opt.SecretsWindow, "secrets-window", findings.DefaultSecretsWindow, "within this time")
	fl.IntVar(&opt.InstanceBurst, "instance-burst", findings.DefaultInstanceBurst, "instances launched or terminated by one principal that make a burst")
	fl.DurationVar(&opt.InstanceWindow, "instance-window", findings.DefaultInstanceWindow, "within this time")
	fl.IntVar(&opt.ObjectBurst, "object-burst", findings.DefaultObjectBurst, "S3 objects deleted by one principal that make a burst")
	fl.DurationVar(&opt.ObjectWindow, "object-window", findings.DefaultObjectWindow, "within this time")
	fl.IntVar(&opt.SpikeMin, "spike-min", findings.DefaultSpikeMin, "write calls in an hour below which there is no spike")
	fl.Float64Var(&opt.SpikeFactor, "spike-factor", findings.DefaultSpikeFactor, "times the principal's mean hourly writes that make a spike")
	fl.DurationVar(&opt.SpikeBaseline, "spike-baseline", findings.DefaultSpikeBaseline, "how far back the mean hourly writes are taken")
	fl.DurationVar(&opt.SpikeHistory, "spike-history", findings.DefaultSpikeHistory, "history a principal needs before its spikes count")
	fl.DurationVar(&opt.NoveltyBaseline, "novelty-baseline", findings.DefaultNoveltyBaseline, "the start of the loaded span that sets principals' habits")
	fl.IntVar(&opt.NoveltyMinEvents, "novelty-min-events", findings.DefaultNoveltyMinEvents, "events a principal needs in the baseline to be judged")
	fl.IntVar(&opt.NoveltyMaxHabits, "novelty-max-habits", findings.DefaultNoveltyMaxHabits, "networks, regions or clients beyond which a principal has no habit to break")
	fl.IntVar(&opt.ShortRetentionDays, "short-retention-days", findings.DefaultShortRetentionDays, "log retention at or below this many days counts as cut")
	return cmd
}

// writeRules prints every rule: ID, severity, tactic, title and rationale.
func writeRules(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tSEVERITY\tTACTIC\tWHAT\tWHY")
	for _, r := range findings.Rules() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Severity, r.Tactic, r.Title, r.Rationale)
	}
	return tw.Flush()
}

// readAWSRanges reads AWS's published address ranges (https://ip-ranges.amazonaws.com/ip-ranges.json).
func readAWSRanges(path string) ([]netip.Prefix, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var doc struct {
		Prefixes []struct {
			IPPrefix string `json:"ip_prefix"`
		} `json:"prefixes"`
		IPv6Prefixes []struct {
			IPv6Prefix string `json:"ipv6_prefix"`
		} `json:"ipv6_prefixes"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("read %s: not AWS's ip-ranges.json: %w", path, err)
	}
	var out []netip.Prefix
	for _, p := range doc.Prefixes {
		if pr, err := netip.ParsePrefix(p.IPPrefix); err == nil {
			out = append(out, pr.Masked())
		}
	}
	for _, p := range doc.IPv6Prefixes {
		if pr, err := netip.ParsePrefix(p.IPv6Prefix); err == nil {
			out = append(out, pr.Masked())
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("read %s: no prefixes in it; give AWS's ip-ranges.json", path)
	}
	return out, nil
}
