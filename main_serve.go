package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"
	"github.com/spf13/cobra"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/source/lookup"
	"github.com/trailscope/trailscope/source/sample/scenarios"
	"github.com/trailscope/trailscope/ui"
	"github.com/trailscope/trailscope/ui/sshserve"
)

// serveFlags are the options of trailscope serve beyond the source flags.
type serveFlags struct {
	listen         string
	authorizedKeys string
	hostKey        string
	maxSessions    int
	idleTimeout    time.Duration
	fps            int
	refresh        time.Duration
}

func newServe(stdin io.Reader, stderr io.Writer) *cobra.Command {
	var src sourceFlags
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve [flags] [PATH ...]",
		Short: "Serve the console over SSH to the keys of an authorized_keys file",
		Long: `serve loads the events once (archives, or a built-in sample) and serves the console over
SSH: each person who connects gets a console of their own (filter, view, cursor, terminal
size and colours) on the same events, and events that arrive later show up in every session.

Only public keys listed in --authorized-keys (an OpenSSH authorized_keys file, read again
when it changes; from="..." is honoured) may log in; no passwords, no shell, no commands, no
forwarding. Without --authorized-keys any key may log in, and serve only listens on a
loopback address. The host key is created on first start (ed25519) and kept.`,
		Example: `  trailscope serve --authorized-keys ~/.ssh/authorized_keys ./AWSLogs
  ssh -p 2222 localhost                     # from the same machine
  trailscope serve --listen 0.0.0.0:2222 --authorized-keys team.keys --idle-timeout 15m logs/`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.serve(cmd.Context(), &src, args, stdin, stderr)
		},
	}
	src.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "listen", "127.0.0.1:2222", "address to listen on (host:port); any but loopback needs --authorized-keys")
	fl.StringVar(&f.authorizedKeys, "authorized-keys", "", "OpenSSH authorized_keys `FILE` of the keys that may log in")
	fl.StringVar(&f.hostKey, "host-key", defaultHostKey(), "the server's private key `FILE`, created (ed25519, 0600) when missing")
	fl.IntVar(&f.maxSessions, "max-sessions", sshserve.DefaultMaxSessions, "how many consoles may be open at once")
	fl.DurationVar(&f.idleTimeout, "idle-timeout", sshserve.DefaultIdleTimeout, "close a session after this long without input (0: never)")
	fl.IntVar(&f.fps, "fps", sshserve.DefaultFPS, "highest frame rate of a session (lower for slow links)")
	fl.DurationVar(&f.refresh, "refresh", 0, "with --lookup: fetch new events this often (e.g. 5m; 0: load once)")
	return cmd
}

// defaultHostKey is where the host key lives unless --host-key says otherwise.
func defaultHostKey() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "trailscope_host_ed25519_key"
	}
	return filepath.Join(dir, "trailscope", "ssh_host_ed25519_key")
}

func (f *serveFlags) serve(ctx context.Context, src *sourceFlags, paths []string, stdin io.Reader, stderr io.Writer) error {
	if f.hostKey == "" {
		return fmt.Errorf("no --host-key FILE")
	}
	logger := log.NewWithOptions(stderr, log.Options{ReportTimestamp: true, TimeFormat: time.RFC3339, Prefix: "trailscope"})
	log.SetDefault(logger) // what wish's middleware logs goes the same way
	if f.refresh > 0 && !src.lookup.enabled {
		return fmt.Errorf("--refresh goes with --lookup: archives and samples are loaded once")
	}
	src.log = func(s string) { logger.Info(cloudtrail.Sanitize(s)) }
	source, err := src.open(paths, stdin)
	if err != nil {
		return err
	}
	// The operator's config (zone, columns, theme) shapes every session; nothing is kept from
	// them (Settings nil): the sessions are other people's, and shared.
	cfg, _, err := userSettings()
	if err != nil {
		return err
	}
	idx := index.New()
	load := &sharedLoad{start: time.Now()}
	idle := f.idleTimeout
	if idle == 0 {
		idle = -1 // the flag's 0 is never; the server's 0 is its default
	}
	srv, err := sshserve.New(sshserve.Options{
		Addr:           f.listen,
		AuthorizedKeys: f.authorizedKeys,
		HostKey:        f.hostKey,
		MaxSessions:    f.maxSessions,
		IdleTimeout:    idle,
		FPS:            f.fps,
		Logger:         logger,
		NoColor:        cfg.Theme == "none",
		Console: func() tea.Model {
			return ui.New(ui.Options{Index: idx, Source: source.desc, Banner: source.banner, Status: load.status,
				Scenarios: scenarios.All(), Config: cfg, Shared: true})
		},
	})
	if err != nil {
		return err
	}
	if f.authorizedKeys == "" {
		logger.Warn("no --authorized-keys: any key may log in (from this machine only)")
	}
	batches := source.start(ctx)
	go func() {
		fetched := time.Now()
		for b := range batches {
			idx.Add(b.Records)
			load.add(b)
		}
		p, problems := load.finish()
		logger.Info("loaded", "source", source.desc, "events", idx.Len(), "duplicates", idx.Duplicates(),
			"problems", len(problems), "in", p.Elapsed.Round(time.Millisecond))
		if f.refresh <= 0 {
			return
		}
		refreshLoop(ctx, f.refresh, fetched, func(since time.Time) (<-chan cloudtrail.Batch, error) {
			src.lookup.since = since.UTC().Format(time.RFC3339)
			again, err := src.open(paths, stdin)
			if err != nil {
				return nil, err
			}
			return again.start(ctx), nil
		}, func(b cloudtrail.Batch) {
			idx.Add(b.Records)
			load.addProblems(b.Problems)
		}, logger)
	}()
	return srv.ListenAndServe(ctx)
}

// refreshLoop fetches new events every interval until ctx ends: each fetch reaches back to a
// little before the previous one began (CloudTrail may still be adding events to its last
// minutes; the index drops the events it already has), and the LookupEvents cache answers the
// part already fetched.
func refreshLoop(ctx context.Context, every time.Duration, fetched time.Time,
	fetch func(since time.Time) (<-chan cloudtrail.Batch, error), add func(cloudtrail.Batch), logger *log.Logger) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		since := fetched.Add(-lookup.DefaultSettle)
		fetched = time.Now()
		batches, err := fetch(since)
		if err != nil {
			logger.Warn("refresh failed", "err", err)
			continue
		}
		n := 0
		for b := range batches {
			n += len(b.Records)
			add(b)
		}
		logger.Info("refreshed", "since", since.Format(time.RFC3339), "records", n)
	}
}

// sharedLoad is the progress and problems of the one load every session reads.
type sharedLoad struct {
	start    time.Time
	mu       sync.Mutex
	progress cloudtrail.Progress
	problems []cloudtrail.Problem
}

func (l *sharedLoad) add(b cloudtrail.Batch) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.problems = append(l.problems, b.Problems...)
	if b.Progress.Files > 0 || b.Progress.Records > 0 || b.Progress.Detail != "" {
		l.progress = b.Progress
	}
}

// addProblems keeps the problems of a later refresh.
func (l *sharedLoad) addProblems(problems []cloudtrail.Problem) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.problems = append(l.problems, problems...)
}

func (l *sharedLoad) finish() (cloudtrail.Progress, []cloudtrail.Problem) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.progress.Done = true
	l.progress.Elapsed = time.Since(l.start)
	return l.progress, l.problems
}

// status is ui.Options.Status: the problems are handed out as a slice the load never writes into
// again (it only appends beyond its end).
func (l *sharedLoad) status() (cloudtrail.Progress, []cloudtrail.Problem) {
	l.mu.Lock()
	defer l.mu.Unlock()
	p := l.progress
	if !p.Done {
		p.Elapsed = time.Since(l.start)
	}
	return p, l.problems[:len(l.problems):len(l.problems)]
}
