// Command trailscope is a terminal investigation console for AWS CloudTrail. This file is wiring
// only: flags and subcommands, choosing sources, and starting the console or a query.
package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"

	"syscall"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/model/integrity"
	"github.com/trailscope/trailscope/model/prefilter"
	"github.com/trailscope/trailscope/source/archive"
	"github.com/trailscope/trailscope/source/sample"
	"github.com/trailscope/trailscope/source/sample/scenarios"
	"github.com/trailscope/trailscope/source/synth/world"
	"github.com/trailscope/trailscope/ui"
	"github.com/trailscope/trailscope/ui/report"
)

// Exit codes of query and findings, for scripts.
const (
	exitFound   = 0
	exitNothing = 1
	exitError   = 2
)

// exitError carries an exit code through cobra.
type exitCode int

func (c exitCode) Error() string { return fmt.Sprintf("exit %d", int(c)) }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// A reader that goes away (`trailscope query ... | head`) makes writes fail with EPIPE instead of
	// killing the process, so that the work stops early and quietly.
	signal.Ignore(syscall.SIGPIPE)
	if os.Getenv("GOMEMLIMIT") == "" {
		// Past a few hundred MB, peak memory an eighth above what is live, not twice it (Go's
		// default GOGC): main_memory.go; BENCHMARKS.md, "Fourth round".
		go boundMemory(ctx, 100*time.Millisecond)
	}
	root := newRoot(os.Stdin, os.Stdout, os.Stderr)
	err := root.ExecuteContext(ctx)
	var code exitCode
	switch {
	case errors.Is(err, syscall.EPIPE):
		// The output went as far as its reader wanted: nothing to say.
	case errors.As(err, &code):
		os.Exit(int(code))
	case err != nil:
		fmt.Fprintln(os.Stderr, "trailscope:", err)
		os.Exit(exitError)
	}
}

// sourceFlags are the flags every command that loads events shares: PATHs, and the options of
// each source. open turns them into one stream.
type sourceFlags struct {
	maxFileSize int64
	sample      string
	lookup      lookupFlags
	s3          s3Flags
	athena      athenaFlags
	filter      string       // the query's filter, which --lookup and --athena push down and S3 narrows its listing by
	loaded      string       // what load read, for titles: "3 paths", "sample: scenarios"
	read        int          // how many records load read, those the prefilter passed over included
	publicKeys  []string     // the console's --public-keys, for the check of the loaded files' integrity
	log         func(string) // what a source says worth keeping (Athena's query IDs); nil: nothing
	explain     io.Writer    // where a source says what it will run (Athena's SQL); nil: nowhere

	// A one-shot query's narrowing of what files are read for (archives and s3://): keep is its
	// prefilter, which passes over the records that cannot match; decode decodes the rest
	// (DecodeRecord when nil; DecodeOutline when the records go out as they are).
	keep   func([]byte) bool
	decode func([]byte) (cloudtrail.Record, error)
}

func (f *sourceFlags) register(cmd *cobra.Command) {
	cmd.Flags().Int64Var(&f.maxFileSize, "max-file-size", archive.DefaultMaxFileSize>>20,
		"read no further than this many MB of a file, decompressed (a gzip bomb): the records before are kept")
	cmd.Flags().StringVar(&f.sample, "sample", "", "open a built-in sample: scenarios (the default with no PATH) or invictus")
	complete(cmd, "sample", sampleNames)
	f.lookup.register(cmd)
	f.s3.register(cmd)
	f.athena.register(cmd)
}

// logTo makes the source's log lines go to w, sanitised. The source logs from its own goroutine:
// w must take writes from two goroutines (see lockedWriter).
func (f *sourceFlags) logTo(w io.Writer) {
	f.log = func(s string) { fmt.Fprintln(w, "trailscope:", cloudtrail.Sanitize(s)) }
}

// lockedWriter is a writer that takes writes from several goroutines one at a time: a command's
// stderr, written by the load's progress and the source's log.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// stream runs a source: it sends batches on out until it is done or ctx ends. The caller closes out.
type stream func(ctx context.Context, out chan<- cloudtrail.Batch) error

// opened is a source chosen by the flags, ready to run.
type opened struct {
	run    stream
	desc   string // what is loaded, for titles: "3 paths", "sample: scenarios"
	banner string // what the console says first, if anything
	notice string // what a one-shot command says on stderr first (that it reads stdin, or the sample)
	files  bool   // a source of files: finding none to read is an error, not an empty result
	// check checks the log file integrity of what was read (local folders and s3:// buckets); nil
	// for other sources.
	check check
}

// open chooses the source that the flags and paths name. It fails before anything is read when a
// path does not exist, so that the console never opens on a typo.
func (f *sourceFlags) open(paths []string, stdin io.Reader) (opened, error) {
	if f.athena.wanted() {
		return f.athena.open(paths, f.filter, &f.lookup, f.s3.accounts, f.log, f.explain)
	}
	notice := ""
	if len(paths) == 0 && f.sample == "" && !f.lookup.enabled && !stdinPiped(stdin) {
		var err error
		if paths, err = configSources(); err != nil {
			return opened{}, err
		}
		if len(paths) > 0 {
			notice = "no PATH given: reading the config's sources"
		}
	}
	if wantsS3(paths) && !f.lookup.enabled {
		src, err := f.openS3(paths, f.filter)
		src.notice = notice
		return src, err
	}
	if f.s3.given() {
		return opened{}, fmt.Errorf("--account goes with s3:// URLs and --athena")
	}
	if f.lookup.wanted() {
		return f.lookup.open(paths, f.filter)
	}
	if len(paths) == 0 && f.sample == "" {
		if !stdinPiped(stdin) {
			src, err := openSample("", nil)
			src.notice = "no PATH given: reading the built-in sample " + strconv.Quote(sample.Default) +
				" (fictional events); give a PATH, - for stdin, or --lookup"
			return src, err
		}
		paths, notice = []string{"-"}, "reading events from stdin (no PATH given)"
	}
	if f.sample != "" {
		return openSample(f.sample, paths)
	}
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil && p != "-" {
			return opened{}, fmt.Errorf("read %s: %w", p, errors.Unwrap(err))
		}
	}
	desc := strings.Join(paths, " ")
	if len(paths) > 1 {
		desc = fmt.Sprintf("%d paths", len(paths))
	}
	opt := archive.Options{MaxFileSize: f.maxFileSize << 20, Stdin: stdin, Keep: f.keep, Decode: f.decode}
	src := opened{desc: desc, notice: notice, banner: notice, files: true, run: func(ctx context.Context, out chan<- cloudtrail.Batch) error {
		return archive.Read(ctx, paths, opt, sendTo(ctx, out))
	}}
	if !slices.Contains(paths, "-") {
		src.check = f.checkFiles(paths)
	}
	return src, nil
}

// preflight is the context of the checks a source makes before it opens (credentials, buckets):
// Ctrl-C stops them, and they give up after two minutes.
func preflight() (context.Context, context.CancelFunc) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	return ctx, func() { cancel(); stop() }
}

// sendTo is the emit function of a source that streams into out: it gives up when ctx ends, so a
// source is never stuck on a consumer that has gone.
func sendTo(ctx context.Context, out chan<- cloudtrail.Batch) func(cloudtrail.Batch) {
	return func(b cloudtrail.Batch) {
		select {
		case out <- b:
		case <-ctx.Done():
		}
	}
}

// start runs a source in the background; a failure arrives as a problem in the last batch.
func (o opened) start(ctx context.Context) <-chan cloudtrail.Batch {
	batches := make(chan cloudtrail.Batch, 4)
	go func() {
		defer close(batches)
		if err := o.run(ctx, batches); err != nil && ctx.Err() == nil {
			batches <- cloudtrail.Batch{Problems: []cloudtrail.Problem{{File: o.desc, Reason: err.Error()}}, Progress: cloudtrail.Progress{Done: true}}
		}
	}()
	return batches
}

// load reads the source the flags name into a new index, reporting problems to stderr. A source
// that fails (LookupEvents with no credentials, say) is an error.
func (f *sourceFlags) load(ctx context.Context, paths []string, stdin io.Reader, stderr io.Writer) (*index.Index, error) {
	src, err := f.open(paths, stdin)
	if err != nil {
		return nil, err
	}
	f.loaded = src.desc
	if src.notice != "" {
		fmt.Fprintln(stderr, "trailscope:", src.notice)
	}
	idx := index.New()
	problems := 0
	var last cloudtrail.Progress
	batches := make(chan cloudtrail.Batch, 4)
	failed := make(chan error, 1)
	go func() {
		defer close(batches)
		failed <- src.run(ctx, batches)
	}()
	var said time.Time
	for b := range batches {
		idx.Add(b.Records)
		last = b.Progress
		if d := b.Progress.Detail; d != "" && !b.Progress.Done && time.Since(said) >= progressEvery {
			// A slow source (LookupEvents at 2 requests a second, a bucket far away) says where it is.
			fmt.Fprintf(stderr, "trailscope: %s · %s\n", report.Count(b.Progress.Records, "event"), cloudtrail.Sanitize(d))
			said = time.Now()
		}
		for _, p := range b.Problems {
			problems++
			if problems <= maxProblemsShown {
				fmt.Fprintln(stderr, "trailscope: skipped", cloudtrail.Sanitize(p.String()))
			}
		}
	}
	if problems > maxProblemsShown {
		fmt.Fprintf(stderr, "trailscope: ... and %d more\n", problems-maxProblemsShown)
	}
	if problems > 0 {
		fmt.Fprintf(stderr, "trailscope: %s; %s loaded\n", report.Count(problems, "problem"), report.Count(idx.Len(), "event"))
	}
	f.read = max(last.Records, idx.Len()) + last.Passed
	if err := <-failed; err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	switch {
	case idx.Len() == 0 && last.Passed == 0 && problems > 0:
		return nil, fmt.Errorf("%w from %s: %s", errNothingRead, src.desc, report.Count(problems, "problem"))
	case src.files && last.Files == 0:
		what := "no CloudTrail files in " + src.desc
		if last.Skipped > 0 {
			what += fmt.Sprintf(" (%s skipped: digests)", report.Count(last.Skipped, "file"))
		}
		return nil, fmt.Errorf("%w: %s", errNothingRead, what)
	}
	return idx, nil
}

// console opens the console on the source the flags name, streaming events in as they arrive.
// Leaving the console (or esc while it loads) stops the load; what the source said worth keeping
// (Athena's query IDs) is printed once the terminal is back. With noMouse the terminal keeps the
// mouse (to select text).
func (f *sourceFlags) console(ctx context.Context, paths []string, stdin io.Reader, stderr io.Writer, noMouse bool) error {
	cfg, state, err := userSettings()
	if err != nil {
		return err
	}
	var said []string
	var logged sync.Mutex // the source logs from its goroutine
	f.log = func(s string) {
		logged.Lock()
		defer logged.Unlock()
		said = append(said, s)
	}
	src, err := f.open(paths, stdin)
	if err != nil {
		return err
	}
	loadCtx, stopLoad := context.WithCancel(ctx)
	defer stopLoad()
	batches := src.start(loadCtx)
	opt := ui.Options{Index: index.New(), Batches: batches, Source: src.desc, Banner: src.banner, StopLoad: stopLoad,
		Scenarios: scenarios.All(), Config: cfg, Settings: state, NoMouse: noMouse}
	if src.check != nil {
		opt.Verify = func() (*integrity.Report, map[string]string, error) { return src.check(ctx) }
	}
	err = ui.Run(ctx, opt)
	stopLoad()
	// Let the source end (Athena stops its query) before the process does.
	drain := time.NewTimer(stopWait)
	defer drain.Stop()
	for done := false; !done; {
		select {
		case _, ok := <-batches:
			done = !ok
		case <-drain.C:
			done = true
		}
	}
	logged.Lock()
	defer logged.Unlock()
	for _, s := range said {
		fmt.Fprintln(stderr, "trailscope:", cloudtrail.Sanitize(s))
	}
	return err
}

// stopWait bounds how long leaving the console waits for a source to stop.
const stopWait = 15 * time.Second

// isTerminal tells whether w is a terminal, where output must not carry control characters.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// progressEvery paces the progress lines of a slow load on stderr.
const progressEvery = 3 * time.Second

// maxProblemsShown keeps a broken archive from flooding the terminal; the count is always given.
const maxProblemsShown = 20

func newRoot(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "trailscope [flags] [PATH ...]",
		Short: "A terminal investigation console for AWS CloudTrail",
		Long: `trailscope loads CloudTrail events into memory and lets you investigate them: who did
what, to which resource, from where, and when. Sources: archives at PATHs (files, folders,
.json, .json.gz, JSON lines, '-' for stdin), a trail's bucket (s3://BUCKET/PREFIX, the window
of --since and --until), your account's event history (--lookup), or a built-in sample (--sample; with no PATH, a week of a fictional company with incidents to
investigate). trailscope only ever reads from AWS.`,
		Args:          cobra.ArbitraryArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),

		SuggestionsMinimumDistance: 2,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return flagError(err) })
	var src sourceFlags
	src.register(root)
	var about, noMouse bool
	root.Flags().StringArrayVar(&src.publicKeys, "public-keys", nil, "CloudTrail's public keys (the JSON of 'aws cloudtrail list-public-keys'), for the check of the\nloaded files' integrity (default: public-keys.json beside the archive, if there is one)")
	root.Flags().BoolVar(&about, "about", false, "with --sample: say what the sample is, where it comes from and its license, and exit")
	root.Flags().BoolVar(&noMouse, "no-mouse", false, "leave the mouse to the terminal, to select text (config: mouse = false)")
	root.RunE = func(cmd *cobra.Command, args []string) error {
		if about {
			return printAbout(stdout, cmp.Or(src.sample, sample.Default))
		}
		if len(args) > 0 && !isSourceArg(args[0]) {
			if near := cmd.SuggestionsFor(args[0]); len(near) > 0 {
				return fmt.Errorf("unknown command %q: did you mean %s? (trailscope --help lists the commands)", args[0], strings.Join(near, " or "))
			}
		}
		return src.console(cmd.Context(), args, stdin, stderr, noMouse)
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newQuery(stdin, stdout, stderr))
	root.AddCommand(newSynth(stdout))
	root.AddCommand(newSample(stdout))
	root.AddCommand(newServe(stdin, stderr))
	root.AddCommand(newCache(stdout))
	root.AddCommand(newFindings(stdin, stdout, stderr))
	root.AddCommand(newCoverage(stdin, stdout, stderr))
	root.AddCommand(newVerify(stdout, stderr))
	root.AddCommand(newReport(stdin, stdout, stderr))

	return root
}

func newQuery(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var src sourceFlags
	var format, saved string
	var explain bool
	var countBy string
	cmd := &cobra.Command{
		Use:   "query [flags] [PATH ...] FILTER ...",
		Short: "Print the events that match a filter, and exit (0 found, 1 none, 2 error)",
		Long: `query loads the archives at PATHs (local, or s3://BUCKET/PREFIX; or LookupEvents with --lookup,
an Athena table with --athena, or a built-in sample with --sample; with neither and no PATH, the
scenarios sample) and prints the events matching FILTER, oldest first.

FILTER is the filter language of the console: terms are ANDed, e.g.
  event:TerminateInstances            principal:alice        error:AccessDenied
  ip:203.0.113.0/24   -readonly:true   since:2h   resource:i-0abc   'ua:"aws-cli/2"'
An empty FILTER ('') matches every event. The words after the PATHs are joined into one
filter, so quotes are needed only around a value with spaces; put -- before a filter that
starts with a negated term (trailscope query logs/ -- -readonly:true). With no PATH, events
are read from stdin when it is a pipe, else from the built-in sample (said on stderr).`,
		Example: `  trailscope query ./AWSLogs 'event:Delete* error:none'
  trailscope query --format json logs/ 'principal:alice' | jq .eventName
  zcat *.json.gz | trailscope query --format csv - 'ip:203.0.113.7' > alice.csv
  trailscope query --lookup --region eu-west-1 --since 7d 'event:TerminateInstances'
  trailscope query --since 2024-03-04 --until 2024-03-05 --region us-east-1 s3://trail-bucket/AWSLogs/ 'event:TerminateInstances'
  trailscope query --athena security.cloudtrail --since 2024-03-04 --until 2024-03-05 'event:TerminateInstances resource:i-0abc'
  trailscope query --sample invictus 'event:CreateUser'
  trailscope query --count-by ip --sample invictus 'principal:bert-jan'`,
		Args: func(cmd *cobra.Command, args []string) error {
			if saved == "" {
				return cobra.MinimumNArgs(1)(cmd, args)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			paths, text, hint, err := queryArgs(args)
			if err != nil {
				return err
			}
			if text, err = withSaved(saved, text); err != nil {
				return err
			}
			if hint != "" && saved == "" {
				fmt.Fprintln(stderr, "trailscope:", hint)
			}
			src.filter = text
			stderr := &lockedWriter{w: stderr}
			src.logTo(stderr)
			if explain {
				src.explain = stderr
			}
			f, err := report.ParseFormat(format)
			if err != nil {
				return err
			}
			q, err := filter.ParseQuery(text)
			if err != nil {
				return fmt.Errorf("filter: %w", err)
			}
			if p, ok := prefilter.For(q); ok {
				src.keep = p.Match // one query, once: records that cannot match are not decoded
			}
			var field filter.Field
			if countBy != "" {
				if field, err = index.ParseCountField(countBy); err != nil {
					return fmt.Errorf("--count-by: %w", err)
				}
			} else if f == report.JSON && prefilter.Outline(q) {
				src.decode = cloudtrail.DecodeOutline // the records go out as they are: their time and ID are all it takes
			}
			idx, err := src.load(cmd.Context(), paths, stdin, stderr)
			if err != nil {
				return err
			}
			res := idx.Query(q)
			if len(res.Refs) == 0 {
				fmt.Fprintf(stderr, "trailscope: no events match %q (%s read)\n", text, report.Count(src.read, "record"))
				return exitCode(exitNothing)
			}
			if countBy != "" {
				counts, err := idx.CountBy(res.Refs, field)
				if err != nil {
					return err
				}
				return report.WriteCounts(stdout, f, field.String(), counts)
			}
			opt := report.Options{Explain: explain, Terminal: isTerminal(stdout)}
			return report.Write(cmd.Context(), stdout, f, idx, res.Refs, opt)
		},
	}
	src.register(cmd)
	cmd.Flags().StringVarP(&format, "format", "f", "table", "output format: table, json (one raw record per line) or csv")
	cmd.Flags().BoolVar(&explain, "explain", false, "add what each call does and why it matters (table and csv);\nwith --athena, print the SQL and where each filter term runs (stderr)")
	cmd.Flags().StringVar(&countBy, "count-by", "", "print each value of a field with its number of events, largest first, instead of the events:\n"+
		"event, principal, key, ip, ua, resource, region, account, error, source or file")
	complete(cmd, "format", func() []string { return []string{"table", "json", "csv"} })
	cmd.Flags().StringVar(&saved, "saved", "", "use the filter saved under this name in the console (:save NAME), with any terms given")
	complete(cmd, "saved", savedNames)
	cmd.ValidArgsFunction = completeFilter(&src)
	return cmd
}

// newSynth is the hidden command that writes synthetic archives for benchmarks (source/synth).
func newSynth(stdout io.Writer) *cobra.Command {
	var opt world.Options
	var plain, digests bool
	var backfill int
	var shape string
	cmd := &cobra.Command{
		Use:    "synth [flags] DIR",
		Short:  "Write a deterministic synthetic CloudTrail archive, for benchmarks",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch shape {
			case "org":
				opt.Shape = world.ShapeOrg
			case "simple":
				opt.Shape = world.ShapeSimple
			default:
				return fmt.Errorf("--shape %q: want org or simple", shape)
			}
			opt.Gzip = !plain
			opt.Start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			st, err := world.Generate(opt, args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%d files, %d records (%d unique), %d MB written, %d MB of JSON\n",
				st.Files, st.Records, st.Unique, st.Bytes>>20, st.JSONBytes>>20)
			fmt.Fprintf(stdout, "%d accounts, %d regions, %d event names, %d principals, %d identity ARNs, %d access keys\n",
				st.Accounts, st.Regions, st.EventNames, st.Principals, st.ARNs, st.AccessKeys)
			if digests {
				return signSynth(args[0], opt.Start, opt.Days, backfill, stdout)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&shape, "shape", "org", "org: an organization trail with keys rotating as in AWS; simple: a few accounts, few keys")
	cmd.Flags().BoolVar(&digests, "digests", false, "sign the archive as log file validation does: hourly digests, a key and the digests' signatures beside them")
	cmd.Flags().IntVar(&backfill, "backfill", 0, "with --digests: list every Nth log file in a backfill digest instead of its hour's")
	cmd.Flags().IntVar(&opt.Events, "events", 1_000_000, "records to write, duplicates included")
	cmd.Flags().IntVar(&opt.Files, "files", 500, "delivery files")
	cmd.Flags().Int64Var(&opt.Seed, "seed", 1, "the same seed gives the same bytes")
	cmd.Flags().IntVar(&opt.Days, "days", 7, "days the events span")
	cmd.Flags().BoolVar(&plain, "plain", false, "write .json instead of .json.gz")
	return cmd
}
