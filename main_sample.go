package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/source/sample"
	"github.com/trailscope/trailscope/source/sample/scenarios"
)

// openSample opens a built-in sample: the one --sample names, or the scenarios when no PATH is given.
func openSample(name string, paths []string) (opened, error) {
	if name != "" && len(paths) > 0 {
		return opened{}, fmt.Errorf("--sample %s and PATHs: give one or the other", name)
	}
	if name == "" {
		name = sample.Default
	}
	s, err := sample.Named(name)
	if err != nil {
		return opened{}, err
	}
	return opened{desc: "sample: " + s.Name, banner: s.Banner(), run: func(ctx context.Context, out chan<- cloudtrail.Batch) error {
		return s.Read(ctx, sendTo(ctx, out))
	}}, nil
}

// newSample is `trailscope sample`: the built-in samples, the scenarios' questions, and their answers.
func newSample(stdout io.Writer) *cobra.Command {
	var list bool
	var about, answer string
	cmd := &cobra.Command{
		Use:   "sample [--list | --about NAME | --answer SCENARIO]",
		Short: "List the built-in samples and the questions of the scenarios",
		Long: `trailscope opens a built-in sample when it is given no PATH: "scenarios", a week of a
fictional company's activity with incidents to investigate, each a question to answer in
the console. "invictus" is real attack data. Open one with: trailscope --sample NAME.`,
		Example: `  trailscope sample --list              the samples, and the scenarios' questions and hints
  trailscope sample --about invictus    where a sample comes from, and its license
  trailscope sample --answer terminated the answer to a scenario, computed from its records`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case answer != "":
				return printAnswer(cmd.Context(), stdout, answer)
			case cmd.Flags().Changed("about"):
				if len(args) > 0 { // --about NAME: pflag leaves NAME as an argument when the value is optional
					about = args[0]
				}
				return printAbout(stdout, about)
			case len(args) > 0:
				return fmt.Errorf("unexpected %q: did you mean --about %s?", args[0], args[0])
			}
			_ = list // --list is the default
			printList(stdout)
			return nil
		},
	}
	cmd.Flags().BoolVarP(&list, "list", "l", false, "list the samples and the scenarios' questions (the default)")
	cmd.Flags().StringVar(&about, "about", "", "describe a sample: what it is, where it comes from, its license")
	cmd.Flags().Lookup("about").NoOptDefVal = sample.Default
	cmd.Flags().StringVar(&answer, "answer", "", "print the answer to a scenario (a spoiler), computed from the sample")
	complete(cmd, "answer", scenarioNames)
	complete(cmd, "about", sampleNames)
	return cmd
}

func printList(w io.Writer) {
	fmt.Fprintln(w, "Built-in samples (open one with: trailscope --sample NAME):")
	for _, s := range sample.List() {
		def := ""
		if s.Name == sample.Default {
			def = " (opened when no PATH is given)"
		}
		fmt.Fprintf(w, "  %-10s %s%s\n", s.Name, s.Title, def)
	}
	fmt.Fprintln(w, "\nScenarios: questions to answer in the console (trailscope, then :scenarios).")
	for i, sc := range scenarios.All() {
		fmt.Fprintf(w, "\n%2d. %s  [%s]\n", i+1, sc.Title, sc.Name)
		wrap(w, sc.Question, "    ", 80)
		fmt.Fprintf(w, "    hint: %s\n", sc.Hint)
	}
	fmt.Fprintln(w, "\nReveal an answer: trailscope sample --answer NAME")
}

func printAbout(w io.Writer, name string) error {
	s, err := sample.Named(name)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s: %s\n\n%s\n", s.Name, s.Title, s.About)
	if lic := s.License(); lic != "" {
		fmt.Fprintf(w, "\n%s", lic)
	}
	return nil
}

// printAnswer loads the scenario sample and prints what the model finds for one scenario.
func printAnswer(ctx context.Context, w io.Writer, name string) error {
	sc, ok := scenarios.Named(name)
	if !ok {
		var names []string
		for _, s := range scenarios.All() {
			names = append(names, s.Name)
		}
		return fmt.Errorf("no scenario %q; there are: %s", name, strings.Join(names, ", "))
	}
	s, err := sample.Named(sample.Default)
	if err != nil {
		return err
	}
	idx := index.New()
	if err := s.Read(ctx, func(b cloudtrail.Batch) { idx.Add(b.Records) }); err != nil {
		return err
	}
	a, err := sc.Answer(idx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s\n\n", sc.Title)
	wrap(w, sc.Question, "Q: ", 80)
	fmt.Fprintln(w)
	wrap(w, a.Text, "A: ", 80)
	fmt.Fprintf(w, "\nSee it in the console: trailscope, then type / and\n  %s\n", a.Filter)
	return nil
}

// wrap prints text in lines of at most width columns, the first after prefix, the others indented as far.
func wrap(w io.Writer, text, prefix string, width int) {
	indent := strings.Repeat(" ", len(prefix))
	line := prefix
	for _, word := range strings.Fields(text) {
		if len(line) > len(indent) && len(line)+1+len(word) > width {
			fmt.Fprintln(w, line)
			line = indent
		}
		if len(line) > len(indent) {
			line += " "
		}
		line += word
	}
	fmt.Fprintln(w, line)
}
