package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// drillCrash: the server is killed (SIGKILL) while it prints a class of 300 certificates as one PDF.
// Started again, it claims the job once the job's heartbeat is stale (JOB_STALE_AFTER) and finishes
// it with the same numbers; no certificate is issued twice and no half-written file is ever served.
func drillCrash(ctx context.Context, e *env) ([]check, error) {
	const n = 300
	course, certs, err := e.completedClass(ctx, &fixtureSlot{next: 300}, 2, n)
	if err != nil {
		return nil, err
	}
	srv, err := e.startServer(ctx, "crash", serverOpts{"JOB_STALE_AFTER": "3s"})
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	token, err := apiToken(srv.base)
	if err != nil {
		return nil, err
	}
	client := &http.Client{Timeout: 30 * time.Second}
	jobReq, _ := http.NewRequestWithContext(ctx, http.MethodPost, fmt.Sprintf("%s/api/v1/courses/%d/certificates.pdf", srv.base, course), nil)
	jobReq.Header.Set("Authorization", "Bearer "+token)
	jobReq.Header.Set("Accept", "application/json")
	resp, err := client.Do(jobReq)
	if err != nil {
		return nil, err
	}
	var job struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	err = json.NewDecoder(resp.Body).Decode(&job)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusAccepted {
		return nil, fmt.Errorf("print job: status %d: %v", resp.StatusCode, err)
	}
	// Kill it while it works: the moment the job is claimed. Reading 300 certificates and laying out
	// 300 pages takes a few hundred milliseconds at best, so the kill lands in the middle of it.
	var status string
	deadline := time.Now().Add(20 * time.Second)
	for status != "running" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
		_ = e.db.QueryRowContext(ctx, `SELECT status FROM jobs WHERE id = $1`, job.ID).Scan(&status)
	}
	if status != "running" {
		return nil, fmt.Errorf("job %d never ran (%s)", job.ID, status)
	}
	srv.kill9()
	killedAt := time.Now()
	_ = e.db.QueryRowContext(ctx, `SELECT status FROM jobs WHERE id = $1`, job.ID).Scan(&status)
	final := filepath.Join(srv.filesD, fmt.Sprintf("job-%d.pdf", job.ID))
	killedMid := status == "running" && !fileExists(final)

	if err := e.restart(ctx, srv); err != nil {
		return nil, err
	}
	token, err = apiToken(srv.base)
	if err != nil {
		return nil, err
	}
	fileURL := fmt.Sprintf("%s/api/v1/jobs/%d/file", srv.base, job.ID)
	early := call(ctx, client, http.MethodGet, fileURL, token, nil) // not done yet: nothing to serve
	var attempts int
	deadline = time.Now().Add(60 * time.Second)
	for status != "done" && status != "failed" && time.Now().Before(deadline) {
		time.Sleep(250 * time.Millisecond)
		_ = e.db.QueryRowContext(ctx, `SELECT status, attempts FROM jobs WHERE id = $1`, job.ID).Scan(&status, &attempts)
	}
	took := time.Since(killedAt)
	_ = e.db.QueryRowContext(ctx, `SELECT status, attempts FROM jobs WHERE id = $1`, job.ID).Scan(&status, &attempts)
	get, _ := http.NewRequestWithContext(ctx, http.MethodGet, fileURL, nil)
	get.Header.Set("Authorization", "Bearer "+token)
	resp, err = client.Do(get)
	if err != nil {
		return nil, err
	}
	pdfBytes, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	serials, pages, perr := pdfSerials(e.tmp, pdfBytes)
	want := make([]string, len(certs))
	for i, c := range certs {
		want[i] = c.Serial
	}
	var issued, distinct int
	if err := e.db.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT c.enrolment_id) FROM certificates c JOIN enrolments e ON e.id = c.enrolment_id
		WHERE e.course_id = $1`, course).Scan(&issued, &distinct); err != nil {
		return nil, err
	}
	parts, _ := filepath.Glob(filepath.Join(srv.filesD, "*.part"))
	return []check{
		{"crash", "the server is killed (kill -9) in the middle of a 300-certificate print",
			fmt.Sprintf("job %d %s and no file at the kill", job.ID, status0(killedMid)), killedMid},
		{"crash", "no half-written file served: before the job is done again, its file is not found",
			fmt.Sprintf("GET file after the restart: %d", early.status), early.status == http.StatusNotFound || (early.status == http.StatusOK && attempts >= 2)},
		{"crash", "after the restart the job completes by itself (stale after 3 s)",
			fmt.Sprintf("%s after %d attempts, %s after the kill", status, attempts, took.Round(100*time.Millisecond)), status == "done" && attempts >= 2},
		{"crash", "the PDF holds the same 300 numbers, in register order",
			fmt.Sprintf("%d pages, %d serials, same as issued: %v%s", pages, len(serials), equal(serials, want), errNote(perr)),
			perr == nil && pages == n && equal(serials, want)},
		{"crash", "no certificate issued twice, no part-file left",
			fmt.Sprintf("%d certificates for %d enrolments; %d .part files", issued, distinct, len(parts)), issued == n && distinct == n && len(parts) == 0},
	}, nil
}

func status0(mid bool) string {
	if mid {
		return "running"
	}
	return "already finished"
}

func errNote(err error) string {
	if err != nil {
		return " (" + err.Error() + ")"
	}
	return ""
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// pdfSerials reads a PDF's pages (pdfinfo) and the serial numbers printed on them, in order
// (pdftotext, both from poppler-utils).
func pdfSerials(tmp string, b []byte) ([]string, int, error) {
	p := filepath.Join(tmp, "drill-"+randomHex(4)+".pdf")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		return nil, 0, err
	}
	defer os.Remove(p)
	info, err := exec.Command("pdfinfo", p).Output()
	if err != nil {
		return nil, 0, fmt.Errorf("pdfinfo: %w", err)
	}
	pages := 0
	for _, line := range strings.Split(string(info), "\n") {
		if v, ok := strings.CutPrefix(line, "Pages:"); ok {
			fmt.Sscan(strings.TrimSpace(v), &pages)
		}
	}
	text, err := exec.Command("pdftotext", "-layout", p, "-").Output()
	if err != nil {
		return nil, pages, fmt.Errorf("pdftotext: %w", err)
	}
	var serials []string
	for _, f := range strings.Fields(string(text)) {
		if strings.HasPrefix(f, "KC-") && strings.Count(f, "-") == 2 {
			serials = append(serials, f)
		}
	}
	return serials, pages, nil
}
