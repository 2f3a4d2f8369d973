// Package sshserve serves the console over SSH: a team connects with any ssh client to one shared
// index, each session with its own console (filter, view, cursor), terminal size, colours and
// background. Only public keys get in, listed in an OpenSSH authorized_keys file; the server offers
// the console and nothing else (no shell, no commands, no forwarding).
package sshserve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	"charm.land/wish/v2/bubbletea"
	"github.com/charmbracelet/colorprofile"
	gossh "golang.org/x/crypto/ssh"

	"github.com/trailscope/trailscope/model/cloudtrail"
)

// Defaults of Options.
const (
	DefaultMaxSessions = 16
	DefaultIdleTimeout = 30 * time.Minute
	// DefaultFPS caps how often a session's screen is redrawn: on a slow link a burst of changes
	// (a held arrow key, a growing index) becomes one frame, not many.
	DefaultFPS = 20
)

// Options configures a Server.
type Options struct {
	// Addr is where to listen (host:port). Without AuthorizedKeys it must be a loopback address.
	Addr string
	// AuthorizedKeys is an OpenSSH authorized_keys file listing the keys that may log in; it is read
	// again when it changes. Empty: any key may log in, and only on a loopback address.
	AuthorizedKeys string
	// HostKey is the server's private key, created (ed25519, mode 0600) when the file is missing.
	HostKey string
	// MaxSessions is how many consoles may be open at once; 0: DefaultMaxSessions.
	MaxSessions int
	// IdleTimeout closes a session that sent no input for this long; 0: DefaultIdleTimeout,
	// negative: never.
	IdleTimeout time.Duration
	// FPS is the highest frame rate of a session's renderer; 0: DefaultFPS.
	FPS int
	// Console returns a new console for each session; every console reads the same index.
	Console func() tea.Model
	// NoColor draws every session in bold and reverse only, whatever its terminal can show (the
	// operator's theme "none"); otherwise each session gets the colours its terminal says it has.
	NoColor bool
	// Logger receives logins, logouts and refusals; nil: log.Default().
	Logger *log.Logger
}

// Server is an SSH server of the console.
type Server struct {
	opt    Options
	log    *log.Logger
	keys   *authorizedKeys // nil: any key (loopback only)
	signer gossh.Signer
	srv    *ssh.Server

	mu       sync.Mutex
	sessions map[*session]struct{}
	stopping bool
	active   sync.WaitGroup

	refused sync.Map // remote address -> fingerprint of the last key refused, for the refusal's log line
}

// New checks the options, reads (or creates) the host key and reads the authorized keys.
func New(opt Options) (*Server, error) {
	if opt.Console == nil {
		return nil, errors.New("sshserve: no console")
	}
	if opt.HostKey == "" {
		return nil, errors.New("no host key file")
	}
	if opt.AuthorizedKeys == "" && !Loopback(opt.Addr) {
		return nil, fmt.Errorf("refusing to serve on %s without authorized keys: anyone who can reach it could log in; give --authorized-keys FILE, or listen on 127.0.0.1", opt.Addr)
	}
	if opt.MaxSessions <= 0 {
		opt.MaxSessions = DefaultMaxSessions
	}
	if opt.IdleTimeout == 0 {
		opt.IdleTimeout = DefaultIdleTimeout
	}
	if opt.FPS <= 0 {
		opt.FPS = DefaultFPS
	}
	s := &Server{opt: opt, log: opt.Logger, sessions: map[*session]struct{}{}}
	if s.log == nil {
		s.log = log.Default()
	}
	if opt.AuthorizedKeys != "" {
		keys, err := loadAuthorizedKeys(opt.AuthorizedKeys, s.log)
		if err != nil {
			return nil, err
		}
		s.keys = keys
	}
	signer, created, err := hostKey(opt.HostKey)
	if err != nil {
		return nil, err
	}
	s.signer = signer
	if created {
		s.log.Info("created a host key", "file", opt.HostKey, "fingerprint", s.Fingerprint())
	}

	srv, err := wish.NewServer(
		wish.WithAddress(opt.Addr),
		func(srv *ssh.Server) error { srv.AddHostKey(signer); return nil },
		wish.WithPublicKeyAuth(s.allow),
		wish.WithMiddleware(
			bubbletea.MiddlewareWithProgramHandler(s.program),
			s.session,
		),
	)
	if err != nil {
		return nil, err
	}
	// The handshake (authentication included) must finish in time. The idle timeout is the
	// sessions' own (on input, with a message), not the library's connection IdleTimeout: in
	// charm.land/ssh v0.4.2 that one races with the handshake timeout (serverConn.handshakeDeadline
	// is cleared while the read loop reads it), and it counts output as activity.
	srv.HandshakeTimeout = 30 * time.Second
	// A shell request is the console; exec (ssh host CMD) reaches s.session, which says why not;
	// subsystems (sftp) have no handler and are refused. Port forwarding has no callback, X11 no
	// handler: both are refused. Agent forwarding the library would acknowledge: refuseAgent
	// answers it first.
	srv.ChannelHandlers = map[string]ssh.ChannelHandler{"session": refuseAgent(ssh.DefaultSessionHandler)}
	srv.ConnectionFailedCallback = s.failed
	s.srv = srv
	return s, nil
}

// refuseAgent wraps a session channel's handler so that a request to forward the client's agent
// is refused rather than acknowledged: the console never needs the user's keys.
func refuseAgent(next ssh.ChannelHandler) ssh.ChannelHandler {
	return func(srv *ssh.Server, conn *gossh.ServerConn, newChan gossh.NewChannel, ctx ssh.Context) {
		next(srv, conn, agentless{newChan}, ctx)
	}
}

// agentless is a session channel whose agent requests are answered no before anyone sees them.
type agentless struct{ gossh.NewChannel }

func (c agentless) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, reqs, err := c.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	out := make(chan *gossh.Request)
	go func() {
		defer close(out)
		for req := range reqs {
			if req.Type == "auth-agent-req@openssh.com" {
				if req.WantReply {
					_ = req.Reply(false, nil)
				}
				continue
			}
			out <- req
		}
	}()
	return ch, out, nil
}

// Loopback reports whether addr (host:port) only listens on this machine.
func Loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// Fingerprint is the SHA256 fingerprint of the host key, as ssh shows it on first connection.
func (s *Server) Fingerprint() string { return gossh.FingerprintSHA256(s.signer.PublicKey()) }

// ListenAndServe listens on Options.Addr and serves until ctx ends.
func (s *Server) ListenAndServe(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.opt.Addr)
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln)
}

// Serve serves the console on ln until ctx ends; then every open session is told that the server
// is stopping and closed.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	auth := "authorized keys " + s.opt.AuthorizedKeys
	if s.keys == nil {
		auth = "any key (loopback only)"
	}
	s.log.Info("serving the console over SSH", "addr", ln.Addr().String(), "host key", s.Fingerprint(), "allows", auth,
		"max sessions", s.opt.MaxSessions, "idle timeout", s.opt.IdleTimeout)
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.mu.Lock()
	s.stopping = true
	for st := range s.sessions {
		st.end("the server is stopping")
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.active.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
	}
	err := s.srv.Close()
	if e := <-errc; !errors.Is(e, ssh.ErrServerClosed) && err == nil {
		err = e
	}
	s.log.Info("stopped")
	return err
}

// allow decides a public key: listed in the authorized keys (and from an address its from= allows),
// or any key when no file was given.
func (s *Server) allow(ctx ssh.Context, key ssh.PublicKey) bool {
	remote := ctx.RemoteAddr()
	if s.keys == nil {
		s.refused.Delete(remote.String())
		return true
	}
	if _, ok := s.keys.lookup(key, remote); ok {
		s.refused.Delete(remote.String())
		return true
	}
	fp := gossh.FingerprintSHA256(key)
	s.refused.Store(remote.String(), fp)
	s.log.Debug("key refused", "key", fp, "user", cloudtrail.Sanitize(ctx.User()), "remote", remote.String())
	return false
}

// failed logs a connection that did not get through the handshake: most often a key that is not
// listed, or a client that offered only a password.
func (s *Server) failed(conn net.Conn, err error) {
	remote := conn.RemoteAddr().String()
	kv := []any{"remote", remote, "err", err}
	if fp, ok := s.refused.LoadAndDelete(remote); ok {
		kv = append(kv, "key", fp)
	}
	s.log.Warn("login refused", kv...)
}

// session is one open console.
type session struct {
	ssh.Session
	key     string // fingerprint
	comment string // of the key in the authorized keys
	start   time.Time

	lastInput atomic.Int64 // unix nanoseconds
	done      chan struct{}

	mu      sync.Mutex
	program *tea.Program
	reason  string // why the server ended it; empty: the user quit or went away
}

// Read is the console's input: it notes the time of every keystroke for the idle timeout.
func (st *session) Read(p []byte) (int, error) {
	n, err := st.Session.Read(p)
	if n > 0 {
		st.lastInput.Store(time.Now().UnixNano())
	}
	return n, err
}

// end quits the session's console, for a reason given to the user and the log.
func (st *session) end(reason string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.reason == "" {
		st.reason = reason
	}
	if p := st.program; p != nil {
		go p.Quit() // Quit waits for the console's loop: never while holding the locks
	}
}

// session is the middleware around the console: it refuses what is not an interactive console,
// enforces the session limit, logs the login and the logout and says why the server closed a
// session.
func (s *Server) session(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		refuse := func(why, msg string) {
			key := ""
			if k := sess.PublicKey(); k != nil {
				key = gossh.FingerprintSHA256(k)
			}
			s.log.Info("session refused: "+why, "key", key, "remote", sess.RemoteAddr().String())
			wish.Println(sess, msg)
			_ = sess.Exit(1)
		}
		if len(sess.Command()) > 0 {
			refuse("a command", "trailscope serves its console only: connect without a command (ssh -t HOST).")
			return
		}
		pty, _, ok := sess.Pty()
		if !ok {
			refuse("no terminal", "trailscope serves an interactive console: connect from a terminal (ssh -t HOST).")
			return
		}
		st := &session{Session: sess, start: time.Now(), done: make(chan struct{})}
		st.lastInput.Store(st.start.UnixNano())
		if k := sess.PublicKey(); k != nil {
			st.key = gossh.FingerprintSHA256(k)
			if s.keys != nil {
				if ak, ok := s.keys.lookup(k, sess.RemoteAddr()); ok {
					st.comment = ak.comment
				}
			}
		}
		remote := sess.RemoteAddr().String()

		s.mu.Lock()
		n := len(s.sessions)
		full, stopping := n >= s.opt.MaxSessions, s.stopping
		if !full && !stopping {
			s.sessions[st] = struct{}{}
			s.active.Add(1)
		}
		s.mu.Unlock()
		switch {
		case stopping:
			wish.Println(sess, "trailscope: the server is stopping.")
			_ = sess.Exit(1)
			return
		case full:
			s.log.Warn("session refused: full", "key", st.key, "remote", remote, "sessions", n)
			wish.Printf(sess, "trailscope: the server is full (%d sessions); try again later.\n", s.opt.MaxSessions)
			_ = sess.Exit(1)
			return
		}
		defer s.active.Done()

		env := append(sess.Environ(), "TERM="+pty.Term)
		s.log.Info("login", "key", st.key, "comment", cloudtrail.Sanitize(st.comment), "user", cloudtrail.Sanitize(sess.User()),
			"remote", remote, "term", cloudtrail.Sanitize(pty.Term), "size", fmt.Sprintf("%dx%d", pty.Window.Width, pty.Window.Height),
			"colors", s.colors(env).String(), "sessions", n+1)

		next(st)
		close(st.done)

		s.mu.Lock()
		delete(s.sessions, st)
		s.mu.Unlock()
		st.mu.Lock()
		reason := st.reason
		st.mu.Unlock()
		logged := reason
		switch {
		case reason != "":
			wish.Printf(sess, "trailscope: %s.\n", reason)
		case sess.Context().Err() != nil:
			logged = "disconnected"
		default:
			logged = "quit"
		}
		s.log.Info("logout", "key", st.key, "remote", remote, "after", time.Since(st.start).Round(time.Second), "why", logged)
	}
}

// colors is the colour profile of a session whose environment is env.
func (s *Server) colors(env []string) colorprofile.Profile {
	if s.opt.NoColor {
		return colorprofile.Ascii
	}
	return colorprofile.Env(env)
}

// program makes the console of a session: its input, output, size, colour profile and
// environment are the session's; the renderer runs at the capped frame rate.
func (s *Server) program(sess ssh.Session) *tea.Program {
	st, ok := sess.(*session)
	if !ok {
		return nil
	}
	pty, _, _ := sess.Pty()
	env := append(sess.Environ(), "TERM="+pty.Term)
	opts := append(bubbletea.MakeOptions(sess),
		tea.WithInput(io.Reader(st)),
		tea.WithColorProfile(s.colors(env)),
		tea.WithFPS(s.opt.FPS),
		tea.WithoutSignalHandler(),
	)
	p := tea.NewProgram(s.opt.Console(), opts...)
	st.mu.Lock()
	st.program = p
	if st.reason != "" { // the server began stopping while the console was made
		go p.Quit()
	}
	st.mu.Unlock()
	if s.opt.IdleTimeout > 0 {
		go s.watchIdle(st)
	}
	return p
}

// watchIdle ends a session that sent no input for the idle timeout. Output does not count: a
// console left open on a growing index is still idle.
func (s *Server) watchIdle(st *session) {
	timeout := s.opt.IdleTimeout
	tick := time.NewTicker(min(max(timeout/8, 10*time.Millisecond), 10*time.Second))
	defer tick.Stop()
	for {
		select {
		case <-st.done:
			return
		case <-tick.C:
			if time.Since(time.Unix(0, st.lastInput.Load())) >= timeout {
				st.end(fmt.Sprintf("closed after %s without input", timeout))
				return
			}
		}
	}
}
