// Package tcpproxy is a small TCP proxy on the loopback interface that can cut or hang the connections
// it carries, to play a database outage in front of a PostgreSQL that other work shares (and so may not
// be stopped): the fault drills and the models' tests put it between the application and the server.
package tcpproxy

import (
	"net"
	"sync"
	"time"
)

// Proxy forwards connections from its loopback address to a target.
type Proxy struct {
	target string
	addr   string

	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]struct{}
	hung   bool
	resume chan struct{} // closed when a hang ends
}

// Listen starts a proxy to target (host:port) on a free loopback port.
func Listen(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{target: target, addr: ln.Addr().String(), conns: map[net.Conn]struct{}{}, resume: make(chan struct{})}
	close(p.resume)
	p.serve(ln)
	return p, nil
}

// Addr is the proxy's address (127.0.0.1:port).
func (p *Proxy) Addr() string { return p.addr }

func (p *Proxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.pipe(c)
		}
	}()
}

func (p *Proxy) track(c net.Conn) {
	p.mu.Lock()
	p.conns[c] = struct{}{}
	p.mu.Unlock()
}

func (p *Proxy) pipe(c net.Conn) {
	p.track(c)
	p.wait() // a connection opened during a hang is accepted and then left waiting, like a hung server's
	up, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		c.Close()
		return
	}
	p.track(up)
	go p.copy(up, c)
	p.copy(c, up)
}

// copy forwards from src to dst, holding each chunk while the proxy hangs.
func (p *Proxy) copy(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.wait()
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *Proxy) wait() {
	p.mu.Lock()
	ch := p.resume
	p.mu.Unlock()
	<-ch
}

// Cut closes every connection and refuses new ones, as a server that went down or a network that
// resets does: callers see errors at once.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

// Hang keeps every connection open but forwards nothing, in either direction, and accepts new
// connections without answering them, as a server that stopped responding does: callers see nothing
// at all until their own deadlines.
func (p *Proxy) Hang() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.hung {
		p.hung = true
		p.resume = make(chan struct{})
	}
}

// Restore ends a cut or a hang. Connections held during a hang are closed (the server they waited
// for is, as far as anyone knows, not the one that came back); new ones are forwarded again on the
// same address.
func (p *Proxy) Restore() error {
	p.mu.Lock()
	if p.hung {
		p.hung = false
		for c := range p.conns {
			c.Close()
			delete(p.conns, c)
		}
		close(p.resume)
	}
	listening := p.ln != nil
	p.mu.Unlock()
	if listening {
		return nil
	}
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		return err
	}
	p.serve(ln)
	return nil
}

// Close stops the proxy for good.
func (p *Proxy) Close() {
	p.Cut()
	p.mu.Lock()
	if p.hung {
		p.hung = false
		close(p.resume)
	}
	p.mu.Unlock()
}
