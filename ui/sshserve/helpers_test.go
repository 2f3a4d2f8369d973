package sshserve_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"
	gossh "golang.org/x/crypto/ssh"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/ui"
	"github.com/trailscope/trailscope/ui/sshserve"
)

// memRaw keeps the raw records of the test index.
type memRaw struct{ b []byte }

func (m *memRaw) Raw(off int64, n int) ([]byte, error) { return m.b[off : off+int64(n)], nil }

var epoch = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)

// records makes n records, from seed on: a few people and roles calling a spread of events.
func records(n, seed int) []cloudtrail.Record {
	names := []string{"DescribeInstances", "RunInstances", "TerminateInstances", "GetObject", "PutObject",
		"CreateUser", "AssumeRole", "ConsoleLogin", "DeleteTrail", "AuthorizeSecurityGroupIngress"}
	sources := []string{"ec2", "ec2", "ec2", "s3", "s3", "iam", "sts", "signin", "cloudtrail", "ec2"}
	users := []string{"alice", "bob", "carol", "dave", "erin"}
	store := &memRaw{}
	out := make([]cloudtrail.Record, 0, n)
	for i := seed; i < seed+n; i++ {
		k := (i*7 + i/3) % len(names)
		user := users[(i*3+i/5)%len(users)]
		r := cloudtrail.Record{
			Time:      epoch.Add(time.Duration(i) * 37 * time.Second),
			Name:      names[k],
			Source:    sources[k] + ".amazonaws.com",
			Region:    []string{"us-east-1", "eu-west-1"}[i%2],
			Account:   "123456789012",
			SourceIP:  fmt.Sprintf("203.0.113.%d", i%200),
			UserAgent: "aws-cli/2.15.0",
			EventType: "AwsApiCall",
			Category:  "Management",
			EventID:   fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
			ReadOnly:  cloudtrail.False,
			Identity: cloudtrail.Identity{Type: "IAMUser", ARN: "arn:aws:iam::123456789012:user/" + user, UserName: user,
				AccessKey: "AKIAEXAMPLE" + strings.ToUpper(user), Principal: "user/" + user, Role: "user/" + user},
			Resources: []cloudtrail.Resource{{Kind: "ec2:instance", ID: fmt.Sprintf("i-%017x", i%97)}},
		}
		raw := fmt.Appendf(nil, `{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":%q},"eventTime":%q,"eventSource":%q,"eventName":%q,"awsRegion":%q,"sourceIPAddress":%q,"eventID":%q}`,
			r.Identity.ARN, r.Time.Format(time.RFC3339), r.Source, r.Name, r.Region, r.SourceIP, r.EventID)
		r.Raw = cloudtrail.RawRef{Store: store, Off: int64(len(store.b)), Len: len(raw)}
		store.b = append(store.b, raw...)
		out = append(out, r)
	}
	return out
}

// syncBuffer is the server's log.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// harness is a running server on an in-memory loopback network with an index of 3,000 events;
// alice's key is authorized, bob's is not.
type harness struct {
	t          testing.TB
	net        *pipeNet
	idx        *index.Index
	dir        string
	keys       string // the authorized keys file
	log        *syncBuffer
	srv        *sshserve.Server
	alice, bob gossh.Signer
	stop       func() // stops the server and waits for it
	virtual    bool   // in a synctest bubble: see withServer
}

func newKey(t testing.TB) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func authorizedLine(s gossh.Signer, comment string) string {
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(s.PublicKey()))) + " " + comment + "\n"
}

func start(t testing.TB, configure func(*sshserve.Options)) *harness {
	t.Helper()
	h := &harness{t: t, idx: index.New(), dir: t.TempDir(), log: &syncBuffer{}, alice: newKey(t), bob: newKey(t)}
	h.idx.Add(records(3000, 0))
	h.keys = filepath.Join(h.dir, "authorized_keys")
	if err := os.WriteFile(h.keys, []byte("# the team\n"+authorizedLine(h.alice, "alice@laptop")), 0o600); err != nil {
		t.Fatal(err)
	}
	h.net = newPipeNet()
	opt := sshserve.Options{
		Addr:           h.net.Addr().String(),
		AuthorizedKeys: h.keys,
		HostKey:        filepath.Join(h.dir, "host_ed25519"),
		Console:        consoleOf(h.idx),
		Logger:         log.NewWithOptions(h.log, log.Options{Level: log.DebugLevel, ReportTimestamp: true}),
	}
	if configure != nil {
		configure(&opt)
	}
	srv, err := sshserve.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	h.srv = srv
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, h.net) }()
	h.stop = sync.OnceFunc(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("the server did not stop")
		}
	})
	t.Cleanup(h.stop)
	return h
}

// withServer runs test against a server started with configure, in a synctest bubble: the server,
// its consoles and the test's clients share a clock that moves only when every one of them waits
// (on the in-memory network, a timer, a channel). What a test measures in time (the frames a burst
// of keys makes, an idle minute, the idle timeout) is then the server's own doing, and a wait for
// the screen gives up after ten seconds of that clock with nothing left to do, however busy the
// machine is.
func withServer(t *testing.T, configure func(*sshserve.Options), test func(t *testing.T, h *harness)) {
	synctest.Test(t, func(t *testing.T) {
		h := start(t, configure)
		h.virtual = true
		defer func() {
			h.stop()
			// The clock stops when this function returns: the consoles' last timers (a poll, a
			// debounce) must run out before, or their goroutines could never end. A minute of
			// this clock is longer than any of them, and takes no time.
			time.Sleep(time.Minute)
		}()
		test(t, h)
	})
}

// dial connects with the given authentication methods.
func (h *harness) dial(auth ...gossh.AuthMethod) (*gossh.Client, error) {
	conn, err := h.net.dial()
	if err != nil {
		return nil, err
	}
	c, chans, reqs, err := gossh.NewClientConn(conn, h.net.Addr().String(), &gossh.ClientConfig{
		User:            "oncall",
		Auth:            auth,
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
	})
	if err != nil {
		conn.Close()
		return nil, err
	}
	return gossh.NewClient(c, chans, reqs), nil
}

// term is one ssh session on a terminal of its own.
type term struct {
	t       testing.TB
	virtual bool // on the clock of a synctest bubble
	client  *gossh.Client
	sess    *gossh.Session
	in      io.WriteCloser
	scr     *screen
	exited  chan error
}

// termOptions are what the client's terminal is.
type termOptions struct {
	w, h       int
	term       string            // TERM; default xterm-256color
	env        map[string]string // sent with setenv
	background string            // the answer to the background query; empty: dark
	command    string            // exec instead of a shell
	noPty      bool
}

// open logs in with key and starts the console.
func (h *harness) open(key gossh.Signer, o termOptions) *term {
	h.t.Helper()
	tm, err := h.tryOpen(key, o)
	if err != nil {
		h.t.Fatal(err)
	}
	return tm
}

func (h *harness) tryOpen(key gossh.Signer, o termOptions) (*term, error) {
	if o.w == 0 {
		o.w, o.h = 120, 40
	}
	if o.term == "" {
		o.term = "xterm-256color"
	}
	if o.background == "" {
		o.background = "rgb:1e1e/1e1e/1e1e"
	}
	client, err := h.dial(gossh.PublicKeys(key))
	if err != nil {
		return nil, err
	}
	sess, err := client.NewSession()
	if err != nil {
		client.Close()
		return nil, err
	}
	tm := &term{t: h.t, virtual: h.virtual, client: client, sess: sess, scr: newScreen(o.w, o.h), exited: make(chan error, 1)}
	h.t.Cleanup(tm.close)
	for k, v := range o.env {
		if err := sess.Setenv(k, v); err != nil {
			return nil, fmt.Errorf("setenv %s: %w", k, err)
		}
	}
	if !o.noPty {
		if err := sess.RequestPty(o.term, o.h, o.w, gossh.TerminalModes{}); err != nil {
			return nil, err
		}
	}
	tm.in, err = sess.StdinPipe()
	if err != nil {
		return nil, err
	}
	tm.scr.background = o.background
	tm.scr.reply = func(s string) { io.WriteString(tm.in, s) }
	sess.Stdout, sess.Stderr = tm.scr, tm.scr
	if o.command != "" {
		err = sess.Start(o.command)
	} else {
		err = sess.Shell()
	}
	if err != nil {
		return nil, err
	}
	go func() { tm.exited <- sess.Wait() }()
	return tm, nil
}

func (tm *term) close() {
	tm.sess.Close()
	tm.client.Close()
}

// send types keys; "esc", "enter" and "down" are named, anything else is typed as it is.
func (tm *term) send(keys ...string) {
	tm.t.Helper()
	for _, k := range keys {
		switch k {
		case "enter":
			k = "\r"
		case "esc":
			k = "\x1b"
		case "down":
			k = "\x1b[B"
		case "up":
			k = "\x1b[A"
		}
		if _, err := io.WriteString(tm.in, k); err != nil {
			tm.t.Fatalf("type %q: %v", k, err)
		}
	}
}

// waitFor waits until the screen shows every one of subs, and returns it.
func (tm *term) waitFor(subs ...string) string {
	tm.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := tm.scr.String()
		missing := ""
		for _, sub := range subs {
			if !strings.Contains(s, sub) {
				missing = sub
				break
			}
		}
		if missing == "" {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("the screen never showed %q:\n%s", missing, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// settle waits until nothing arrived for quiet, and returns the bytes received so far. On the
// virtual clock it looks only when the server has nothing left to do at that instant, so that
// quiet means no output was due.
func (tm *term) settle(quiet time.Duration) int {
	tm.idle()
	last, since := tm.scr.Bytes(), time.Now()
	deadline := time.Now().Add(10 * time.Second)
	for time.Since(since) < quiet && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		tm.idle()
		if n := tm.scr.Bytes(); n != last {
			last, since = n, time.Now()
		}
	}
	return last
}

// idle waits, on the virtual clock, until the server and the clients have nothing left to do at
// this instant; in real time it does nothing.
func (tm *term) idle() {
	if tm.virtual {
		synctest.Wait()
	}
}

// wait waits for the session to end and returns its exit status (-1 when it ended without one).
func (tm *term) wait() int {
	tm.t.Helper()
	select {
	case err := <-tm.exited:
		var ee *gossh.ExitError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &ee):
			return ee.ExitStatus()
		}
		return -1
	case <-time.After(10 * time.Second):
		tm.t.Fatalf("the session did not end; the screen:\n%s", tm.scr.String())
	}
	return -1
}

// consoleOf makes the consoles of the sessions, all on idx.
func consoleOf(idx *index.Index) func() tea.Model {
	return func() tea.Model { return ui.New(ui.Options{Index: idx, Source: "test data"}) }
}
