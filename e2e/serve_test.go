package e2e

import (
	"bufio"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

// server is trailscope serve running in the background, its log collected.
type server struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	log  strings.Builder
	done chan struct{}
}

func startServer(t *testing.T, bin string, args ...string) *server {
	t.Helper()
	s := &server{cmd: exec.Command(bin, append([]string{"serve"}, args...)...), done: make(chan struct{})}
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(s.done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			s.mu.Lock()
			s.log.WriteString(sc.Text() + "\n")
			s.mu.Unlock()
		}
	}()
	t.Cleanup(s.stop)
	s.waitLog(t, "serving the console over SSH")
	return s
}

func (s *server) stop() {
	if s.cmd.ProcessState == nil {
		s.cmd.Process.Signal(os.Interrupt)
		<-s.done
		s.cmd.Wait()
	}
}

func (s *server) waitLog(t *testing.T, want string) {
	t.Helper()
	logged := func() string {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.log.String()
	}
	if !poll(t, func() bool { return strings.Contains(logged(), want) }) {
		t.Fatalf("the server never logged %q:\n%s", want, logged())
	}
}

// writeClientKey writes an ed25519 key for ssh -i and returns the authorized_keys line of it.
func writeClientKey(t *testing.T, file string) string {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return string(gossh.MarshalAuthorizedKey(signer.PublicKey()))
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestServeToOpenSSH serves the built-in sample and connects with the OpenSSH client in tmux, as
// a person on call would: the console, a filter, quit; an unlisted key is refused; a restarted
// server keeps its host key.
func TestServeToOpenSSH(t *testing.T) {
	for _, tool := range []string{"tmux", "ssh"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: the end-to-end test of serve needs it (CI installs it)", tool)
		}
	}
	dir := t.TempDir()
	bin := binary(t)
	keys := filepath.Join(dir, "authorized_keys")
	line := writeClientKey(t, filepath.Join(dir, "alice"))
	writeClientKey(t, filepath.Join(dir, "mallory"))
	if err := os.WriteFile(keys, []byte(strings.TrimSpace(line)+" alice@e2e\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freePort(t)
	_, port, _ := net.SplitHostPort(addr)
	hostKey := filepath.Join(dir, "host_ed25519")
	args := []string{"--listen", addr, "--authorized-keys", keys, "--host-key", hostKey, "--sample", "scenarios"}
	srv := startServer(t, bin, args...)

	ssh := func(key string, extra ...string) []string {
		return append([]string{"ssh", "-F", "none", "-i", filepath.Join(dir, key), "-o", "IdentitiesOnly=yes",
			"-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=accept-new", "-o", "UserKnownHostsFile=" + filepath.Join(dir, "known_hosts"),
			"-p", port}, append(extra, "oncall@127.0.0.1")...)
	}

	session := sessionName(t)
	start := tmux(append([]string{"new-session", "-d", "-s", session, "-x", "100", "-y", "30"}, ssh("alice", "-t")...)...)
	start.Env = append(os.Environ(), "TERM=xterm-256color")
	if out, err := start.CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v: %s", err, out)
	}
	t.Cleanup(func() { tmux("kill-session", "-t", session).Run() })
	tm := &term{t: t, session: session}

	tm.waitFor("trailscope", "sample: scenarios", "events", "TIME", "EVENT")
	srv.waitLog(t, "alice@e2e")
	s := tm.filter("event:DeleteTrail")
	for i, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		if len([]rune(l)) > 100 {
			t.Fatalf("line %d is wider than the terminal: %q", i, l)
		}
	}
	tm.send("q")
	srv.waitLog(t, "why=quit")

	// mallory is not listed.
	refused := ssh("mallory")
	out, err := exec.Command(refused[0], refused[1:]...).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "Permission denied (publickey)") {
		t.Fatalf("mallory: %v: %s", err, out)
	}

	// A restart keeps the host key: ssh, now strict about known_hosts, connects.
	srv.stop()
	startServer(t, bin, args...) // stopped by the test's cleanup
	strict := ssh("alice", "-o", "StrictHostKeyChecking=yes", "-T")
	cmd := exec.Command(strict[0], strict[1:]...)
	cmd.Stdin = strings.NewReader("")
	out, _ = cmd.CombinedOutput()
	if !strings.Contains(string(out), "interactive console") { // no terminal: the server says what it needs
		t.Fatalf("after a restart: %s", out)
	}
}
