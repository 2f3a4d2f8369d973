package main

import (
	"context"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/findings"
	"github.com/trailscope/trailscope/source/sample"
	"github.com/trailscope/trailscope/source/sample/scenarios"
)

// Shell completion (`trailscope completion bash|zsh|fish`): the values of every enumerated flag,
// and for the filter argument the qualifiers and, given a source, the values in its data.

// complete registers fixed values for a flag of cmd; a comma-separated flag completes its last item.
func complete(cmd *cobra.Command, flag string, values func() []string) {
	_ = cmd.RegisterFlagCompletionFunc(flag, func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		done, _ := cutLast(toComplete, ",")
		var out []string
		for _, v := range values() {
			out = append(out, done+v)
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	})
}

// cutLast splits s after its last sep: "a,b,c" gives "a,b," and "c".
func cutLast(s, sep string) (before, last string) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return "", s
	}
	return s[:i+len(sep)], s[i+len(sep):]
}

func sampleNames() []string {
	var names []string
	for _, s := range sample.List() {
		names = append(names, s.Name)
	}
	return names
}

func scenarioNames() []string {
	var names []string
	for _, s := range scenarios.All() {
		names = append(names, s.Name)
	}
	return names
}

func ruleIDs() []string {
	var ids []string
	for _, r := range findings.Rules() {
		ids = append(ids, r.ID)
	}
	return ids
}

func severities() []string { return []string{"info", "low", "medium", "high", "critical"} }

// awsRegions are the commercial regions, for --region's completion (any name is accepted).
func awsRegions() []string {
	return []string{"all", "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1",
		"ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
		"ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ca-central-1", "ca-west-1", "eu-central-1",
		"eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-south-1", "eu-south-2", "eu-north-1",
		"il-central-1", "me-south-1", "me-central-1", "sa-east-1"}
}

// completeFilter completes query's arguments: paths as the shell does, qualifiers, and a
// qualifier's values from the sources named before it (files or --sample; never AWS).
func completeFilter(src *sourceFlags) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if looksLikePath(toComplete) {
			return nil, cobra.ShellCompDirectiveDefault
		}
		neg := ""
		if strings.HasPrefix(toComplete, "-") {
			neg, toComplete = "-", toComplete[1:]
		}
		name, prefix, ok := strings.Cut(toComplete, ":")
		if !ok {
			var out []string
			for _, q := range filter.Qualifiers {
				out = append(out, neg+q.Name+":\t"+q.Help)
			}
			return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveDefault
		}
		q, found := filter.QualifierNamed(name)
		var paths []string
		for _, a := range args {
			if isSourceArg(a) && a != "-" {
				paths = append(paths, a)
			}
		}
		if !found || (len(paths) == 0 && src.sample == "") || src.lookup.wanted() || wantsS3(paths) {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		idx, err := src.load(context.Background(), paths, nil, io.Discard)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []string
		for _, v := range idx.Values(q.Field) {
			if strings.HasPrefix(strings.ToLower(v.Value), strings.ToLower(prefix)) && !strings.ContainsAny(v.Value, " \t\n\"'") {
				out = append(out, neg+name+":"+v.Value)
			}
			if len(out) == 200 {
				break
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

func savedNames() []string {
	_, state, err := userSettings()
	if err != nil {
		return nil
	}
	return state.SavedNames()
}
