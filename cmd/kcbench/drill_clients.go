package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"khuyencong/internal/sheet"
)

// drillSlowClients: three hundred connections send their request headers a byte at a time. Normal
// requests are answered meanwhile as fast as before, and the server drops the slow connections once
// their ReadTimeout (15 s) is up.
func drillSlowClients(ctx context.Context, e *env) ([]check, error) {
	const slow = 300
	srv, err := e.startServer(ctx, "slow-clients", nil)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	client := &http.Client{Timeout: 10 * time.Second}
	measure := func(d time.Duration) ([]time.Duration, int) {
		var ds []time.Duration
		bad := 0
		for start := time.Now(); time.Since(start) < d; {
			a := call(ctx, client, http.MethodGet, srv.base+"/api/v1/catalogue", "", nil)
			if a.status != http.StatusOK {
				bad++
			}
			ds = append(ds, a.took)
			time.Sleep(10 * time.Millisecond)
		}
		return ds, bad
	}
	before, _ := measure(2 * time.Second)

	// The slow clients: each writes one byte of a request every 200 ms, for 18 s at most, and notes
	// when the server hangs up on it.
	request := "GET /api/v1/catalogue HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow-client-drill\r\nAccept: application/json\r\nX-Padding: " + strings.Repeat("a", 200) + "\r\n\r\n"
	var connected, droppedOnTime, droppedEarly, neverDropped atomic.Int32
	var wg sync.WaitGroup
	attackStart := time.Now()
	for i := 0; i < slow; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.DialTimeout("tcp", srv.addr, 5*time.Second)
			if err != nil {
				return
			}
			defer c.Close()
			connected.Add(1)
			start := time.Now()
			for j := 0; j < len(request) && time.Since(attackStart) < 18*time.Second; j++ {
				if _, err := c.Write([]byte{request[j]}); err != nil {
					break
				}
				if closedByPeer(c, 200*time.Millisecond) {
					break
				}
			}
			switch lived := time.Since(start); {
			case lived >= 18*time.Second-time.Second:
				neverDropped.Add(1)
			case lived >= 13*time.Second:
				droppedOnTime.Add(1)
			default:
				droppedEarly.Add(1)
			}
		}()
	}
	time.Sleep(time.Second) // all connected and dribbling
	during, bad := measure(8 * time.Second)
	wg.Wait()
	after, _ := measure(time.Second)
	return []check{
		{"slow-clients", fmt.Sprintf("%d connections send their headers a byte every 200 ms", slow),
			fmt.Sprintf("%d connected", connected.Load()), int(connected.Load()) == slow},
		{"slow-clients", "normal requests are answered during the attack, as fast as before",
			fmt.Sprintf("%d answers, %d not 200; p50/p99 %.1f/%.1f ms before, %.1f/%.1f ms during, %.1f/%.1f ms after",
				len(during), bad, percentile(before, 50), percentile(before, 99), percentile(during, 50), percentile(during, 99),
				percentile(after, 50), percentile(after, 99)),
			bad == 0 && len(during) > 100 && percentile(during, 99) < 50+3*percentile(before, 99)},
		{"slow-clients", "the server drops the slow connections at its ReadTimeout (15 s)",
			fmt.Sprintf("%d dropped at 13–17 s, %d earlier, %d still open at 17 s", droppedOnTime.Load(), droppedEarly.Load(), neverDropped.Load()),
			int(droppedOnTime.Load()) == int(connected.Load())},
	}, nil
}

// closedByPeer waits up to d for the server to close the connection (or answer it).
func closedByPeer(c net.Conn, d time.Duration) bool {
	_ = c.SetReadDeadline(time.Now().Add(d))
	var b [1]byte
	_, err := c.Read(b[:])
	_ = c.SetReadDeadline(time.Time{})
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return false
	}
	return true // EOF, reset, or an answer: the server is done with us
}

// drillBodies: a 20 MB body is refused with 413 before it is read, with or without its length
// announced; an .xlsx zip bomb sent to the import (POST /api/v1/courses/{id}/import) is refused
// before it is unpacked, and nothing of it is written.
func drillBodies(ctx context.Context, e *env) ([]check, error) {
	srv, err := e.startServer(ctx, "bodies", nil)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	token, err := apiToken(srv.base)
	if err != nil {
		return nil, err
	}
	var checks []check
	for _, chunked := range []bool{false, true} {
		status, took, sent, err := bigBody(srv.addr, token, 20<<20, chunked)
		if err != nil {
			return nil, err
		}
		how := "with Content-Length"
		limit := 2 * time.Second
		if chunked {
			how = "chunked (no length)"
		}
		checks = append(checks, check{"bodies", "a 20 MB request body " + how + " → 413 at once",
			fmt.Sprintf("%d after %s, %.1f MB sent", status, ms(took), float64(sent)/(1<<20)),
			status == http.StatusRequestEntityTooLarge && took < limit && (chunked || sent < 10<<20)})
	}
	bomb, err := sheet.ZipBomb(1 << 30)
	if err != nil {
		return nil, err
	}
	course, err := e.openClass(ctx, &fixtureSlot{next: 400}, 30)
	if err != nil {
		return nil, err
	}
	status, took, err := upload(ctx, srv.base, token, course, "danh-sach.xlsx", bomb)
	if err != nil {
		return nil, err
	}
	var written int
	if err := e.db.GetContext(ctx, &written, `SELECT (SELECT count(*) FROM enrolments WHERE course_id = $1) +
		(SELECT count(*) FROM enrolment_imports WHERE course_id = $1)`, course); err != nil {
		return nil, err
	}
	rss := float64(vmRSS(srv.pid())) / (1 << 20)
	checks = append(checks,
		check{"bodies", fmt.Sprintf("an .xlsx zip bomb (%.1f MB, a sheet of 1 GB unpacked) is refused before it is unpacked", float64(len(bomb))/(1<<20)),
			fmt.Sprintf("%d after %s; %d rows written", status, ms(took), written),
			status == http.StatusRequestEntityTooLarge && took < 2*time.Second && written == 0},
		check{"bodies", "the server's memory afterwards", fmt.Sprintf("%.0f MB", rss), rss < 150})
	return checks, nil
}

// upload posts a file to a class's import API as multipart form data, and returns the status and
// how long the answer took.
func upload(ctx context.Context, base, token string, course int64, name string, file []byte) (int, time.Duration, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		return 0, 0, err
	}
	_, _ = fw.Write(file)
	_ = mw.Close()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, fmt.Sprintf("%s/api/v1/courses/%d/import", base, course), &body)
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	start := time.Now()
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, time.Since(start), nil
}

// bigBody sends a POST with a body of n bytes over a raw connection and returns the status of the
// answer, how long it took from the first byte, and how much of the body went out before it came.
func bigBody(addr, token string, n int, chunked bool) (int, time.Duration, int, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return 0, 0, 0, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	head := "POST /api/v1/courses/1/enrolments HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer " + token + "\r\n"
	if chunked {
		head += "Transfer-Encoding: chunked\r\n\r\n"
	} else {
		head += fmt.Sprintf("Content-Length: %d\r\n\r\n", n)
	}
	start := time.Now()
	answered := make(chan int, 1)
	go func() {
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			answered <- 0
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	if _, err := c.Write([]byte(head)); err != nil {
		return 0, 0, 0, err
	}
	chunk := []byte(strings.Repeat("x", 64<<10))
	sent := 0
	for sent < n {
		select {
		case s := <-answered:
			return s, time.Since(start), sent, nil
		default:
		}
		part := chunk
		if chunked {
			part = []byte(fmt.Sprintf("%x\r\n%s\r\n", len(chunk), chunk))
		}
		if _, err := c.Write(part); err != nil {
			break // the server hung up, having answered
		}
		sent += len(chunk)
	}
	select {
	case s := <-answered:
		return s, time.Since(start), sent, nil
	case <-time.After(10 * time.Second):
		return 0, time.Since(start), sent, nil
	}
}
