package sshserve

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"charm.land/log/v2"
	gossh "golang.org/x/crypto/ssh"
)

// authorizedKeys is an OpenSSH authorized_keys file. It is read again when it changes, so that a
// key can be added or revoked without restarting the server.
type authorizedKeys struct {
	path string
	log  *log.Logger

	mu    sync.Mutex
	stamp fileStamp // of the version read; zero when the file could not be read
	keys  []authorizedKey
}

// authorizedKey is one line of the file.
type authorizedKey struct {
	key     gossh.PublicKey
	comment string
	from    []string // the patterns of a from="..." option; none: from anywhere
}

// fileStamp tells whether a file changed since it was read.
type fileStamp struct {
	mod  time.Time
	size int64
}

func stampOf(fi fs.FileInfo) fileStamp { return fileStamp{mod: fi.ModTime(), size: fi.Size()} }

// loadAuthorizedKeys reads the file once: a file that cannot be read at start is an error, a
// file that goes missing later lets nobody in until it is back.
func loadAuthorizedKeys(path string, logger *log.Logger) (*authorizedKeys, error) {
	a := &authorizedKeys{path: path, log: logger}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read authorized keys: %w", err)
	}
	if err := a.read(fi); err != nil {
		return nil, fmt.Errorf("read authorized keys: %w", err)
	}
	return a, nil
}

// lookup finds key in the file, re-reading it first when it changed, and checks the key's from=
// patterns against the client's address.
func (a *authorizedKeys) lookup(key gossh.PublicKey, remote net.Addr) (authorizedKey, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	fi, err := os.Stat(a.path)
	switch {
	case err != nil:
		if a.stamp != (fileStamp{}) {
			a.log.Error("authorized keys unreadable: nobody can log in until it is back", "file", a.path, "err", err)
		}
		a.stamp, a.keys = fileStamp{}, nil
	case stampOf(fi) != a.stamp:
		if err := a.read(fi); err != nil {
			a.log.Error("authorized keys unreadable: nobody can log in until it is back", "file", a.path, "err", err)
			a.stamp, a.keys = fileStamp{}, nil
		}
	}
	want := key.Marshal()
	for _, k := range a.keys {
		if bytes.Equal(k.key.Marshal(), want) {
			if len(k.from) > 0 && !matchFrom(k.from, remote) {
				return k, false
			}
			return k, true
		}
	}
	return authorizedKey{}, false
}

// read parses the file; a.mu is held (or a is not shared yet).
func (a *authorizedKeys) read(fi fs.FileInfo) error {
	b, err := os.ReadFile(a.path)
	if err != nil {
		return err
	}
	keys, bad := parseAuthorizedKeys(b)
	for _, msg := range bad {
		a.log.Warn("authorized keys: skipped a line", "file", a.path, "why", msg)
	}
	switch {
	case len(keys) == 0:
		a.log.Warn("authorized keys: no usable key, nobody can log in", "file", a.path)
	case a.stamp == (fileStamp{}) && a.keys == nil:
		a.log.Info("authorized keys", "file", a.path, "keys", len(keys))
	default:
		a.log.Info("authorized keys changed, read again", "file", a.path, "keys", len(keys))
	}
	a.stamp, a.keys = stampOf(fi), keys
	return nil
}

// parseAuthorizedKeys reads the lines of an authorized_keys file. A line it cannot use is skipped
// and said why: a bad key, or a certificate authority (certificates are not supported).
func parseAuthorizedKeys(b []byte) (keys []authorizedKey, bad []string) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		key, comment, options, _, err := gossh.ParseAuthorizedKey(line)
		if err != nil {
			bad = append(bad, fmt.Sprintf("line %d: %v", n, err))
			continue
		}
		k := authorizedKey{key: key, comment: comment}
		usable := true
		for _, opt := range options {
			name, value, _ := strings.Cut(opt, "=")
			switch strings.ToLower(name) {
			case "cert-authority":
				bad = append(bad, fmt.Sprintf("line %d: cert-authority keys are not supported", n))
				usable = false
			case "from":
				k.from = strings.Split(strings.Trim(value, `"`), ",")
			}
		}
		if usable {
			keys = append(keys, k)
		}
	}
	return keys, bad
}

// matchFrom applies the patterns of a from= option as OpenSSH does for addresses: a negated
// pattern that matches refuses, otherwise any pattern that matches allows. Patterns are
// addresses, CIDR blocks or wildcards (* and ?); host names never match, since the server does not
// look the client up.
func matchFrom(patterns []string, remote net.Addr) bool {
	host, _, err := net.SplitHostPort(remote.String())
	if err != nil {
		return false
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	allowed := false
	for _, p := range patterns {
		p = strings.TrimSpace(p)
		neg := strings.HasPrefix(p, "!")
		p = strings.TrimPrefix(p, "!")
		if !matchAddr(p, ip) {
			continue
		}
		if neg {
			return false
		}
		allowed = true
	}
	return allowed
}

func matchAddr(pattern string, ip netip.Addr) bool {
	if pfx, err := netip.ParsePrefix(pattern); err == nil {
		return pfx.Contains(ip)
	}
	ok, err := path.Match(pattern, ip.String())
	return err == nil && ok
}

// hostKey reads the server's private key, or creates an ed25519 key there (0600) on first start.
// A key that others can read is refused, as sshd refuses it.
func hostKey(file string) (signer gossh.Signer, created bool, err error) {
	b, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		b, err = newHostKey(file)
		created = true
	}
	if err != nil {
		return nil, false, fmt.Errorf("host key: %w", err)
	}
	if fi, err := os.Stat(file); err == nil && fi.Mode().Perm()&0o077 != 0 {
		return nil, false, fmt.Errorf("host key %s can be read by others (mode %04o): chmod 600 %s", file, fi.Mode().Perm(), file)
	}
	signer, err = gossh.ParsePrivateKey(b)
	if err != nil {
		return nil, false, fmt.Errorf("host key %s: %w", file, err)
	}
	return signer, created, nil
}

// newHostKey writes a new ed25519 private key in OpenSSH's format, readable by its owner only.
func newHostKey(file string) ([]byte, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	block, err := gossh.MarshalPrivateKey(priv, "trailscope host key")
	if err != nil {
		return nil, err
	}
	b := pem.EncodeToMemory(block)
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(file)
		return nil, err
	}
	if err := f.Close(); err != nil {
		os.Remove(file)
		return nil, err
	}
	return b, nil
}
