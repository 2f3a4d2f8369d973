package sshserve_test

import (
	"io"
	"net"
	"sync"
	"time"
)

// pipeNet is a loopback network in memory: the server listens on it and clients dial it. Its
// connections block only on sync.Cond, which a synctest bubble counts as durably blocked, so the
// server and its clients can run in a bubble, on a clock the test controls (a TCP connection waiting
// for bytes would keep the bubble's clock from moving). Each connection has loopback addresses, a
// port of its own on the client's side, as TCP would give it.
type pipeNet struct {
	addr  *net.TCPAddr
	conns chan net.Conn
	done  chan struct{}
	close sync.Once

	mu   sync.Mutex
	port int // the last client port handed out
}

func newPipeNet() *pipeNet {
	return &pipeNet{addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 22}, conns: make(chan net.Conn), done: make(chan struct{}), port: 40000}
}

// Accept waits for a client's dial.
func (n *pipeNet) Accept() (net.Conn, error) {
	select {
	case c := <-n.conns:
		return c, nil
	case <-n.done:
		return nil, net.ErrClosed
	}
}

// Close stops accepting; connections already made stay open.
func (n *pipeNet) Close() error {
	n.close.Do(func() { close(n.done) })
	return nil
}

func (n *pipeNet) Addr() net.Addr { return n.addr }

// dial connects to the server: it returns once the server has accepted.
func (n *pipeNet) dial() (net.Conn, error) {
	n.mu.Lock()
	n.port++
	client := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: n.port}
	n.mu.Unlock()
	up, down := newPipeBuf(), newPipeBuf()
	select {
	case n.conns <- &pipeConn{r: up, w: down, local: n.addr, remote: client}:
		return &pipeConn{r: down, w: up, local: client, remote: n.addr}, nil
	case <-n.done:
		return nil, net.ErrClosed
	}
}

// pipeBuf is one direction of a connection: what was written and not read yet. Unlike net.Pipe's,
// a write never waits for the reader: both ends of an SSH connection write their version line
// before they read the other's.
type pipeBuf struct {
	mu     sync.Mutex
	cond   sync.Cond
	b      []byte
	closed bool
}

func newPipeBuf() *pipeBuf {
	p := &pipeBuf{}
	p.cond.L = &p.mu
	return p
}

func (p *pipeBuf) read(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.b) == 0 && !p.closed {
		p.cond.Wait()
	}
	if len(p.b) == 0 {
		return 0, io.EOF
	}
	n := copy(b, p.b)
	p.b = p.b[n:]
	return n, nil
}

func (p *pipeBuf) write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return 0, net.ErrClosed
	}
	p.b = append(p.b, b...)
	p.cond.Broadcast()
	return len(b), nil
}

func (p *pipeBuf) shut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	p.cond.Broadcast()
}

// pipeConn is one end of a connection. Closing either end ends both directions: the other end reads
// what was already written, then EOF. Deadlines are accepted and not kept: no test here waits for
// one (the server's handshake timeout is thirty seconds).
type pipeConn struct {
	r, w          *pipeBuf
	local, remote net.Addr
}

func (c *pipeConn) Read(b []byte) (int, error)  { return c.r.read(b) }
func (c *pipeConn) Write(b []byte) (int, error) { return c.w.write(b) }
func (c *pipeConn) Close() error {
	c.r.shut()
	c.w.shut()
	return nil
}
func (c *pipeConn) LocalAddr() net.Addr              { return c.local }
func (c *pipeConn) RemoteAddr() net.Addr             { return c.remote }
func (c *pipeConn) SetDeadline(time.Time) error      { return nil }
func (c *pipeConn) SetReadDeadline(time.Time) error  { return nil }
func (c *pipeConn) SetWriteDeadline(time.Time) error { return nil }
