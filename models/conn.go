package models

import (
	"context"
	"database/sql/driver"
	"net"
	"sync"
	"time"

	"github.com/lib/pq"
)

// lib/pq honours a context by sending PostgreSQL a cancel request over a new connection; the query's
// own read goes on waiting for the answer, and for a prepared statement the call also waits until the
// cancel request is through. When the server or the network stops answering (a hung server, a
// partition that drops packets) neither ever comes, and a request would hang far past its deadline.
// The connector below ties each connection's socket to the context of whoever uses it: shortly after
// that context ends (guardGrace, time for a healthy server's answer to the cancel), the socket's
// deadline falls, so a blocked read or write fails, lib/pq marks the connection bad and database/sql
// drops it; and a cancel request's own connection lives at most cancelLifetime.
const (
	guardGrace     = 100 * time.Millisecond
	cancelLifetime = 200 * time.Millisecond
	connectTimeout = 10 * time.Second
)

// guardedConnector opens lib/pq connections whose sockets follow their user's context.
type guardedConnector struct{ pq *pq.Connector }

func newGuardedConnector(dsn string) (*guardedConnector, error) {
	c, err := pq.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	c.Dialer(guardDialer{})
	return &guardedConnector{pq: c}, nil
}

type dialedKey struct{}

// dialed receives the socket lib/pq dials while it opens a connection.
type dialed struct{ conn *guardedNetConn }

func (c *guardedConnector) Connect(ctx context.Context) (driver.Conn, error) {
	d := &dialed{}
	conn, err := c.pq.Connect(context.WithValue(ctx, dialedKey{}, d))
	if err != nil || d.conn == nil {
		return conn, err
	}
	return &guardedConn{Conn: conn, net: d.conn}, nil
}

func (c *guardedConnector) Driver() driver.Driver { return c.pq.Driver() }

// guardDialer dials PostgreSQL and wraps the socket (lib/pq's Dialer and DialerContext).
type guardDialer struct{}

func (guardDialer) Dial(network, addr string) (net.Conn, error) {
	return guardDialer{}.DialContext(context.Background(), network, addr)
}

func (guardDialer) DialTimeout(network, addr string, timeout time.Duration) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return guardDialer{}.DialContext(ctx, network, addr)
}

func (guardDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := (&net.Dialer{KeepAlive: 15 * time.Second}).DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	d, ok := ctx.Value(dialedKey{}).(*dialed)
	if !ok { // not a connection of the pool: a cancel request, which takes milliseconds when it works
		_ = c.SetDeadline(time.Now().Add(cancelLifetime))
		return c, nil
	}
	// The start-up exchange follows the context of whoever asked for the connection; the pool's own
	// opener has none, and gets connectTimeout.
	d.conn = &guardedNetConn{Conn: c}
	d.conn.use(ctx)
	if _, ok := ctx.Deadline(); !ok {
		_ = c.SetDeadline(time.Now().Add(connectTimeout))
	}
	return d.conn, nil
}

// guardedNetConn is a socket whose deadline falls when its current user's context ends.
type guardedNetConn struct {
	net.Conn
	mu    sync.Mutex
	owner context.Context
	stop  func() bool
}

// use makes ctx the socket's user: its deadline is lifted, and falls guardGrace after ctx ends (unless
// someone else uses the socket by then). One watch per socket at a time.
func (g *guardedNetConn) use(ctx context.Context) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.owner == ctx {
		return
	}
	if g.stop != nil {
		g.stop()
	}
	g.owner = ctx
	_ = g.Conn.SetDeadline(time.Time{})
	g.stop = context.AfterFunc(ctx, func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		if g.owner == ctx {
			_ = g.Conn.SetDeadline(time.Now().Add(guardGrace))
		}
	})
}

// guardedConn is a lib/pq connection that hands each caller's context to its socket first.
type guardedConn struct {
	driver.Conn
	net *guardedNetConn
}

func (c *guardedConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	c.net.use(ctx)
	return c.Conn.(driver.QueryerContext).QueryContext(ctx, q, args)
}

func (c *guardedConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	c.net.use(ctx)
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, q, args)
}

func (c *guardedConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	c.net.use(ctx)
	st, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	return &guardedStmt{Stmt: st, net: c.net}, nil
}

func (c *guardedConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	c.net.use(ctx)
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *guardedConn) Ping(ctx context.Context) error {
	c.net.use(ctx)
	return c.Conn.(driver.Pinger).Ping(ctx)
}

func (c *guardedConn) ResetSession(ctx context.Context) error {
	c.net.use(ctx)
	return c.Conn.(driver.SessionResetter).ResetSession(ctx)
}

func (c *guardedConn) IsValid() bool { return c.Conn.(driver.Validator).IsValid() }

func (c *guardedConn) CheckNamedValue(nv *driver.NamedValue) error {
	return c.Conn.(driver.NamedValueChecker).CheckNamedValue(nv)
}

// guardedStmt is a prepared statement (or a COPY) that hands each caller's context to the socket.
type guardedStmt struct {
	driver.Stmt
	net *guardedNetConn
}

func (s *guardedStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.net.use(ctx)
	if q, ok := s.Stmt.(driver.StmtQueryContext); ok {
		return q.QueryContext(ctx, args)
	}
	return s.Stmt.Query(values(args)) //nolint:staticcheck // COPY statements have only the old form
}

func (s *guardedStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.net.use(ctx)
	if e, ok := s.Stmt.(driver.StmtExecContext); ok {
		return e.ExecContext(ctx, args)
	}
	return s.Stmt.Exec(values(args)) //nolint:staticcheck // COPY statements have only the old form
}

func values(args []driver.NamedValue) []driver.Value {
	out := make([]driver.Value, len(args))
	for i, a := range args {
		out[i] = a.Value
	}
	return out
}
