package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/findings"
	"github.com/trailscope/trailscope/ui/incident"
	"github.com/trailscope/trailscope/ui/report"
)

// newReport is `trailscope report`: the incident timeline a responder hands on, as Markdown or HTML.
func newReport(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var src sourceFlags
	var format, title, output string
	var maxEvents int
	cmd := &cobra.Command{
		Use:   "report [flags] [PATH ...] FILTER ...",
		Short: "Write an incident timeline (Markdown or HTML) of the events that match a filter",
		Long: `report loads the sources as query does and writes the timeline of the events matching
FILTER for a ticket or a hand-over: the filter, what the data covers, the findings behind
the events, the events (oldest first, at most --max-events) with who is behind each session
and what each call does, and the principals and access keys involved. The HTML is one file
with no external assets.`,
		Example: `  trailscope report ./AWSLogs 'principal:alice since:2024-03-04' > alice.md
  trailscope report --format html -o incident.html logs/ key:AKIAIOSFODNN7EXAMPLE`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := incident.ParseFormat(format)
			if err != nil {
				return err
			}
			paths, text, hint, err := queryArgs(args)
			if err != nil {
				return err
			}
			if hint != "" {
				fmt.Fprintln(stderr, "trailscope:", hint)
			}
			src.filter = text
			q, err := filter.ParseQuery(text)
			if err != nil {
				return fmt.Errorf("filter: %w", err)
			}
			idx, err := src.load(cmd.Context(), paths, stdin, stderr)
			if err != nil {
				return err
			}
			res := idx.Query(q)
			if len(res.Refs) == 0 {
				fmt.Fprintf(stderr, "trailscope: no events match %q (%d events loaded)\n", text, idx.Len())
				return exitCode(exitNothing)
			}
			doc := incident.Build(incident.Input{
				Title: title, Source: src.loaded, Filter: text, Index: idx, Refs: res.Refs,
				Findings: findings.Find(idx, findings.Options{}), MaxEvents: maxEvents, Now: time.Now(),
			})
			w := stdout
			if output != "" {
				file, err := os.OpenFile(report.ExpandHome(output), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
				if err != nil {
					return err
				}
				defer file.Close()
				w = file
			}
			if err := incident.Write(w, f, doc); err != nil {
				return err
			}
			if output != "" {
				fmt.Fprintf(stderr, "trailscope: wrote %s (%d events)\n", output, len(doc.Events))
			}
			return nil
		},
	}
	src.register(cmd)
	fl := cmd.Flags()
	fl.StringVarP(&format, "format", "f", "markdown", "markdown or html")
	fl.StringVarP(&output, "output", "o", "", "write to this file instead of stdout")
	fl.StringVar(&title, "title", "", "the document's title (default: Incident timeline)")
	fl.IntVar(&maxEvents, "max-events", incident.DefaultMaxEvents, "at most this many events in the timeline")
	complete(cmd, "format", func() []string { return []string{"markdown", "html"} })
	cmd.ValidArgsFunction = completeFilter(&src)
	return cmd
}
