package sshserve_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	gossh "golang.org/x/crypto/ssh"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/ui"
	"github.com/trailscope/trailscope/ui/sshserve"
)

// count is what the console's breadcrumb line says of a filter on the test index.
func count(h *harness, text string) string {
	q, err := filter.ParseQuery(text)
	if err != nil {
		panic(err)
	}
	return fmt.Sprintf("%s of %s events", commas(len(h.idx.Query(q).Refs)), commas(h.idx.Len()))
}

func commas(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func TestAllowedKeyGetsTheConsoleAndFilters(t *testing.T) {
	withServer(t, nil, func(t *testing.T, h *harness) {
		tm := h.open(h.alice, termOptions{})
		tm.waitFor("trailscope", "test data", "3,000 of 3,000 events", "TIME", "EVENT")

		tm.send("/", "event:TerminateInstances", "enter")
		s := tm.waitFor("/ event:TerminateInstances", count(h, "event:TerminateInstances"))
		for _, l := range strings.Split(s, "\n")[6:30] { // the rows of the timeline
			if strings.Contains(l, "RunInstances") || strings.Contains(l, "GetObject") {
				t.Fatalf("a row that does not match the filter:\n%s", s)
			}
		}

		tm.send("q")
		if code := tm.wait(); code != 0 {
			t.Fatalf("quit: exit status %d", code)
		}
		logged := h.log.String()
		fp := gossh.FingerprintSHA256(h.alice.PublicKey())
		for _, want := range []string{"login", "logout", fp, "alice@laptop", "127.0.0.1:", "why=quit"} {
			if !strings.Contains(logged, want) {
				t.Errorf("the log lacks %q:\n%s", want, logged)
			}
		}
	})
}

func TestUnknownKeyIsRefused(t *testing.T) {
	withServer(t, nil, func(t *testing.T, h *harness) {
		if _, err := h.dial(gossh.PublicKeys(h.bob)); err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
			t.Fatalf("bob's key: %v, want unable to authenticate", err)
		}
		waitLog(t, h, "login refused")
		if !strings.Contains(h.log.String(), gossh.FingerprintSHA256(h.bob.PublicKey())) {
			t.Errorf("the refusal does not name the key:\n%s", h.log.String())
		}
	})
}

func TestPasswordsAreRefused(t *testing.T) {
	withServer(t, nil, func(t *testing.T, h *harness) {
		asked := false
		_, err := h.dial(
			gossh.Password("hunter2"),
			gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) {
				asked = true
				return []string{"hunter2"}, nil
			}),
		)
		if err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
			t.Fatalf("password: %v, want unable to authenticate", err)
		}
		if !strings.Contains(err.Error(), "[none]") && !strings.Contains(err.Error(), "no supported methods remain") {
			t.Logf("(error: %v)", err)
		}
		if asked {
			t.Error("the server asked keyboard-interactive questions")
		}
	})
}

func TestTwoSessionsFilterIndependently(t *testing.T) {
	withServer(t, nil, func(t *testing.T, h *harness) {
		a := h.open(h.alice, termOptions{})
		b := h.open(h.alice, termOptions{w: 100, h: 30})
		a.waitFor("3,000 of 3,000 events")
		b.waitFor("3,000 of 3,000 events")

		a.send("/", "event:DeleteTrail", "enter")
		b.send("/", "principal:bob", "enter")
		sa := a.waitFor("/ event:DeleteTrail", count(h, "event:DeleteTrail"))
		sb := b.waitFor("/ principal:bob", count(h, "principal:bob"))
		if strings.Contains(sa, "principal:bob") || strings.Contains(sb, "event:DeleteTrail") {
			t.Fatalf("one session's filter shows in the other:\n%s\n\n%s", sa, sb)
		}
		if got := len([]rune(strings.Split(sb, "\n")[0])); got > 100 {
			t.Errorf("b's 100-column terminal got a line of %d", got)
		}
		// a moves its cursor; b's stays. (b's own last query may still be landing: the filter bar
		// queries as it is typed and again on Enter. Wait for b to be quiet first.)
		b.settle(300 * time.Millisecond)
		sb = b.scr.String()
		drawn := a.settle(300 * time.Millisecond)
		a.send("j", "j", "j")
		if a.settle(300*time.Millisecond) == drawn {
			t.Fatal("a's cursor did not move")
		}
		if b.scr.String() != sb {
			t.Errorf("b's screen changed when a moved:\n%s", b.scr.String())
		}
	})
}

func TestNewEventsShowInEverySession(t *testing.T) {
	withServer(t, nil, func(t *testing.T, h *harness) {
		a := h.open(h.alice, termOptions{})
		b := h.open(h.alice, termOptions{})
		a.send("/", "event:DeleteTrail", "enter")
		a.waitFor(count(h, "event:DeleteTrail"))
		b.waitFor("3,000 of 3,000 events")

		h.idx.Add(records(500, 3000))
		a.waitFor(count(h, "event:DeleteTrail"), "3,500 events")
		b.waitFor("3,500 of 3,500 events")
	})
}

func TestSessionBeyondTheLimitGetsAMessage(t *testing.T) {
	withServer(t, func(o *sshserve.Options) { o.MaxSessions = 2 }, func(t *testing.T, h *harness) {
		a := h.open(h.alice, termOptions{})
		b := h.open(h.alice, termOptions{})
		a.waitFor("3,000 of 3,000 events")
		b.waitFor("3,000 of 3,000 events")

		c := h.open(h.alice, termOptions{})
		if code := c.wait(); code != 1 {
			t.Errorf("the third session: exit status %d, want 1", code)
		}
		if s := c.scr.String(); !strings.Contains(s, "trailscope: the server is full (2 sessions); try again later.") {
			t.Fatalf("the third session saw:\n%s", s)
		}
		waitLog(t, h, "session refused: full")

		// A place frees up when one leaves.
		a.send("q")
		a.wait()
		d := h.open(h.alice, termOptions{})
		d.waitFor("3,000 of 3,000 events")
	})
}

func TestIdleSessionIsClosed(t *testing.T) {
	withServer(t, func(o *sshserve.Options) { o.IdleTimeout = time.Second }, func(t *testing.T, h *harness) {
		busy := h.open(h.alice, termOptions{})
		stop := make(chan struct{})
		typed := make(chan struct{})
		go func() { // busy keeps typing
			defer close(typed)
			for {
				select {
				case <-stop:
					return
				case <-time.After(100 * time.Millisecond):
					if _, err := busy.in.Write([]byte("j")); err != nil {
						return
					}
				}
			}
		}()
		idle := h.open(h.alice, termOptions{})
		opened := time.Now()
		h.idx.Add(records(10, 3000)) // output is not activity: the new events reach the idle session too
		idle.wait()
		close(stop)
		<-typed
		if s := idle.scr.String(); !strings.Contains(s, "trailscope: closed after 1s without input.") {
			t.Fatalf("the idle session saw:\n%s", s)
		}
		if d := time.Since(opened); d < time.Second {
			t.Errorf("the idle session was closed after %s", d)
		}
		select {
		case err := <-busy.exited:
			t.Fatalf("the busy session was closed: %v", err)
		default:
		}
		busy.waitFor("3,010 events")
		waitLog(t, h, `why="closed after 1s without input"`)
	})
}

func TestOnlyTheConsole(t *testing.T) {
	withServer(t, nil, func(t *testing.T, h *harness) {
		exec := h.open(h.alice, termOptions{command: "cat /etc/passwd", noPty: true})
		if code := exec.wait(); code != 1 {
			t.Errorf("exec: exit status %d, want 1", code)
		}
		if s := exec.scr.Raw(); !strings.Contains(s, "connect without a command") || strings.Contains(s, "root:") {
			t.Errorf("exec got: %q", s)
		}
		noPty := h.open(h.alice, termOptions{noPty: true})
		if code := noPty.wait(); code != 1 {
			t.Errorf("no pty: exit status %d, want 1", code)
		}
		if s := noPty.scr.Raw(); !strings.Contains(s, "interactive console") {
			t.Errorf("no pty got: %q", s)
		}
		waitLog(t, h, "session refused: a command")
		waitLog(t, h, "session refused: no terminal")

		client, err := h.dial(gossh.PublicKeys(h.alice))
		if err != nil {
			t.Fatal(err)
		}
		defer client.Close()
		if _, err := client.Dial("tcp", "127.0.0.1:22"); err == nil {
			t.Error("local port forwarding was allowed")
		}
		if _, err := client.Listen("tcp", "127.0.0.1:0"); err == nil {
			t.Error("remote port forwarding was allowed")
		}
		sess, err := client.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := sess.SendRequest("auth-agent-req@openssh.com", true, nil); ok || err != nil {
			t.Errorf("agent forwarding: %v, %v", ok, err)
		}
		if ok, err := sess.SendRequest("x11-req", true, gossh.Marshal(struct {
			Single           bool
			Protocol, Cookie string
			Screen           uint32
		}{false, "MIT-MAGIC-COOKIE-1", "00", 0})); ok || err != nil {
			t.Errorf("X11 forwarding: %v, %v", ok, err)
		}
		if err := sess.RequestSubsystem("sftp"); err == nil {
			t.Error("the sftp subsystem was allowed")
		}
		// The session still works after what was refused.
		sess.Close()
		tm := h.open(h.alice, termOptions{})
		tm.waitFor("3,000 of 3,000 events")
	})
}

func TestStoppingTheServerSaysGoodbye(t *testing.T) {
	withServer(t, nil, func(t *testing.T, h *harness) {
		tm := h.open(h.alice, termOptions{})
		tm.waitFor("3,000 of 3,000 events")
		h.stop()
		tm.wait()
		if s := tm.scr.String(); !strings.Contains(s, "trailscope: the server is stopping.") {
			t.Fatalf("the session saw:\n%s", s)
		}
		waitLog(t, h, "stopped")
	})
}

func TestTerminalOfEachSession(t *testing.T) {
	// The title's accent colour: #B9A4FF on dark backgrounds, #5A3FC0 on light ones.
	dark, light := "38;2;185;164;255", "38;2;90;63;192"
	cases := []struct {
		name    string
		noColor bool // the server's NoColor
		o       termOptions
		colours string // the kinds of colour the output uses
		want    string // a colour it must use, after which nope never shows
		nope    string
	}{
		{"truecolor dark", false, termOptions{env: map[string]string{"COLORTERM": "truecolor"}}, "truecolor", dark, light},
		{"truecolor light", false, termOptions{env: map[string]string{"COLORTERM": "truecolor"}, background: "rgb:ffff/ffff/ffff"}, "truecolor", light, dark},
		{"256 colours", false, termOptions{}, "256", "", ""},
		{"16 colours", false, termOptions{term: "xterm"}, "16", "", ""},
		{"no colour", false, termOptions{env: map[string]string{"NO_COLOR": "1"}}, "", "", ""},
		{"the operator's theme none", true, termOptions{env: map[string]string{"COLORTERM": "truecolor"}}, "", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			withServer(t, func(o *sshserve.Options) { o.NoColor = c.noColor }, func(t *testing.T, h *harness) {
				tm := h.open(h.alice, c.o)
				tm.waitFor("3,000 of 3,000 events")
				tm.settle(150 * time.Millisecond)
				raw := tm.scr.Raw()
				if c.want != "" {
					deadline := time.Now().Add(5 * time.Second) // the light styles follow the answer to the background query
					for !strings.Contains(raw, c.want) && time.Now().Before(deadline) {
						time.Sleep(20 * time.Millisecond)
						raw = tm.scr.Raw()
					}
					i := strings.Index(raw, c.want)
					if i < 0 {
						t.Fatalf("no %q in the output", c.want)
					}
					if strings.Contains(raw[i:], c.nope) {
						t.Errorf("%q after %q", c.nope, c.want)
					}
				}
				if got := colourKinds(raw); got != c.colours {
					t.Errorf("colours used: %q, want %q", got, c.colours)
				}
				tm.send("q")
				tm.wait()
			})
		})
	}
}

var sgr = regexp.MustCompile(`\x1b\[([0-9;:]*)m`)

// colourKinds lists the kinds of colour the SGR sequences of out use: truecolor, 256, 16.
func colourKinds(raw string) string {
	kinds := map[string]bool{}
	for _, m := range sgr.FindAllStringSubmatch(raw, -1) {
		ps := strings.Split(m[1], ";")
		for i := 0; i < len(ps); i++ {
			n, _ := strconv.Atoi(ps[i])
			switch {
			case (n == 38 || n == 48 || n == 58) && i+1 < len(ps):
				if ps[i+1] == "2" {
					kinds["truecolor"] = true
					i += 4
				} else {
					kinds["256"] = true
					i += 2
				}
			case n >= 30 && n <= 37, n >= 40 && n <= 47, n >= 90 && n <= 97, n >= 100 && n <= 107:
				kinds["16"] = true
			}
		}
	}
	var out []string
	for _, k := range []string{"truecolor", "256", "16"} {
		if kinds[k] {
			out = append(out, k)
		}
	}
	return strings.Join(out, " ")
}

func TestResize(t *testing.T) {
	withServer(t, nil, func(t *testing.T, h *harness) {
		tm := h.open(h.alice, termOptions{w: 80, h: 24})
		tm.waitFor("3,000 of 3,000 events")
		if err := tm.sess.WindowChange(30, 100); err != nil {
			t.Fatal(err)
		}
		tm.scr.resize(100, 30)
		deadline := time.Now().Add(5 * time.Second)
		for { // the breadcrumb line ends with the count, at the right edge
			s := tm.scr.String()
			lines := strings.Split(s, "\n")
			if len([]rune(lines[1])) == 100 && strings.HasSuffix(lines[1], "3,000 of 3,000 events") && len(lines) == 30 && strings.Contains(lines[28], "query") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the console did not take the new size (100x30):\n%s", s)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

func TestCopyTravelsThroughTheSession(t *testing.T) {
	withServer(t, nil, func(t *testing.T, h *harness) {
		tm := h.open(h.alice, termOptions{})
		tm.waitFor("3,000 of 3,000 events")
		tm.send("enter")
		tm.waitFor("credential chain")
		tm.send("Y") // the whole record
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(tm.scr.Raw(), "\x1b]52;c;") {
			if time.Now().After(deadline) {
				t.Fatalf("no OSC 52 in the output; the screen:\n%s", tm.scr.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

func TestAuthorizedKeysAreReadAgainWhenTheyChange(t *testing.T) {
	withServer(t, nil, func(t *testing.T, h *harness) {
		if _, err := h.dial(gossh.PublicKeys(h.bob)); err == nil {
			t.Fatal("bob got in before he was added")
		}
		// bob in, alice out.
		if err := os.WriteFile(h.keys, []byte(authorizedLine(h.bob, "bob@desk")), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := h.dial(gossh.PublicKeys(h.bob))
		if err != nil {
			t.Fatalf("bob after he was added: %v", err)
		}
		c.Close()
		if _, err := h.dial(gossh.PublicKeys(h.alice)); err == nil {
			t.Fatal("alice got in after she was removed")
		}
		// from= restricts where a key may come from.
		if err := os.WriteFile(h.keys, []byte(`from="10.0.0.0/8" `+authorizedLine(h.bob, "bob@desk")+
			`from="192.0.2.*,127.0.0.1,!10.1.2.3" `+authorizedLine(h.alice, "alice@laptop")), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := h.dial(gossh.PublicKeys(h.bob)); err == nil {
			t.Fatal("bob got in from 127.0.0.1 with from=10.0.0.0/8")
		}
		c, err = h.dial(gossh.PublicKeys(h.alice))
		if err != nil {
			t.Fatalf("alice from 127.0.0.1: %v", err)
		}
		c.Close()
		// No file, no one.
		os.Remove(h.keys)
		if _, err := h.dial(gossh.PublicKeys(h.alice)); err == nil {
			t.Fatal("alice got in with no authorized keys file")
		}
		waitLog(t, h, "authorized keys unreadable")
	})
}

func TestHostKeyIsCreatedOnceAndKept(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "keys", "host_ed25519")
	opt := sshserve.Options{Addr: "127.0.0.1:0", HostKey: file, Console: nil}
	opt.Console = consoleOf(index.New())
	first, err := sshserve.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("host key mode %04o, want 0600", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(file)
	if _, err := gossh.ParsePrivateKey(b); err != nil || !strings.Contains(string(b), "OPENSSH PRIVATE KEY") {
		t.Errorf("host key is not an OpenSSH private key: %v", err)
	}
	second, err := sshserve.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	if first.Fingerprint() != second.Fingerprint() || !strings.HasPrefix(first.Fingerprint(), "SHA256:") {
		t.Errorf("host key changed between starts: %s, %s", first.Fingerprint(), second.Fingerprint())
	}
	os.Chmod(file, 0o644)
	if _, err := sshserve.New(opt); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a host key others can read: %v", err)
	}
}

func TestNoAuthorizedKeysOnlyOnLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:2222": true, "[::1]:2222": true, "localhost:2222": true, "127.3.4.5:22": true,
		":2222": false, "0.0.0.0:2222": false, "[::]:2222": false, "192.0.2.10:2222": false, "example.com:22": false, "2222": false,
	} {
		if got := sshserve.Loopback(addr); got != ok {
			t.Errorf("Loopback(%q) = %v", addr, got)
		}
	}
	dir := t.TempDir()
	opt := sshserve.Options{Addr: "0.0.0.0:0", HostKey: filepath.Join(dir, "host"), Console: consoleOf(index.New())}
	if _, err := sshserve.New(opt); err == nil || !strings.Contains(err.Error(), "--authorized-keys") {
		t.Fatalf("0.0.0.0 without authorized keys: %v", err)
	}
	keys := filepath.Join(dir, "authorized_keys")
	os.WriteFile(keys, []byte(authorizedLine(newKey(t), "x")), 0o600)
	opt.AuthorizedKeys = keys
	if _, err := sshserve.New(opt); err != nil {
		t.Fatalf("0.0.0.0 with authorized keys: %v", err)
	}
}

func TestLoopbackWithoutAuthorizedKeysTakesAnyKey(t *testing.T) {
	withServer(t, func(o *sshserve.Options) { o.AuthorizedKeys = "" }, func(t *testing.T, h *harness) {
		tm := h.open(h.bob, termOptions{})
		tm.waitFor("3,000 of 3,000 events")
		if _, err := h.dial(gossh.Password("x")); err == nil {
			t.Fatal("a password got in")
		}
	})
}

func waitLog(t testing.TB, h *harness, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(h.log.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("the log never said %q:\n%s", want, h.log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestSessionsShowTheSharedLoad(t *testing.T) {
	var mu sync.Mutex
	progress := cloudtrail.Progress{Files: 4, FilesDone: 1, Records: 1000, Elapsed: time.Second}
	problems := []cloudtrail.Problem{{File: "bad.json.gz", Reason: "truncated gzip"}}
	status := func() (cloudtrail.Progress, []cloudtrail.Problem) {
		mu.Lock()
		defer mu.Unlock()
		return progress, problems[:len(problems):len(problems)]
	}
	idx := index.New()
	idx.Add(records(1000, 0))
	console := func(o *sshserve.Options) {
		o.Console = func() tea.Model { return ui.New(ui.Options{Index: idx, Source: "shared", Status: status}) }
	}
	withServer(t, console, func(t *testing.T, h *harness) {
		tm := h.open(h.alice, termOptions{})
		tm.waitFor("loading…", "files 1/4", "1 problem")

		mu.Lock()
		idx.Add(records(500, 1000))
		progress = cloudtrail.Progress{Files: 4, FilesDone: 4, Records: 1500, Elapsed: 2 * time.Second, Done: true}
		problems = append(problems, cloudtrail.Problem{File: "worse.json", Record: 7, Reason: "not an object"})
		mu.Unlock()
		s := tm.waitFor("1,500 of 1,500 events", "loaded in 2s", "2 problems: press 4")
		if strings.Contains(s, "loading") {
			t.Fatalf("still loading:\n%s", s)
		}
		tm.send("4")
		tm.waitFor("bad.json.gz", "worse.json")
	})
}
