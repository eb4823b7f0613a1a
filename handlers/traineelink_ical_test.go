package handlers_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// tlinkEvent is one VEVENT as ical.js reads it (tools/icalcheck/check.mjs).
type tlinkEvent struct {
	UID         string `json:"uid"`
	Summary     string `json:"summary"`
	Location    string `json:"location"`
	Description string `json:"description"`
	Status      string `json:"status"`
	StartUTC    string `json:"start_utc"`
	StartVN     string `json:"start_vn"`
	EndVN       string `json:"end_vn"`
}

// tlinkParseICS parses a feed with ical.js, an implementation independent of ours. Without Node the
// test fails: make test (scripts/deps.sh) installs Node and the checker's packages.
func tlinkParseICS(t *testing.T, feed []byte) []tlinkEvent {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is missing: make test (scripts/deps.sh) installs it")
	}
	dir, err := filepath.Abs(filepath.Join("..", "tools", "icalcheck"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "ical.js")); err != nil {
		npm := exec.Command("npm", "ci", "--no-audit", "--no-fund", "--silent")
		npm.Dir = dir
		if out, err := npm.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in tools/icalcheck: %v %s", err, out)
		}
	}
	cmd := exec.Command(node, filepath.Join(dir, "check.mjs"))
	cmd.Stdin = bytes.NewReader(feed)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ical.js refuses the feed: %v %s", err, stderr.String())
	}
	var events []tlinkEvent
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line == "" {
			continue
		}
		var ev tlinkEvent
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("checker output %q: %v", line, err)
		}
		events = append(events, ev)
	}
	return events
}

func TestTraineeCalendarFeed(t *testing.T) {
	e := newEnv(t)
	w := tlinkSetUp(t, e)
	_, link := tlinkPrint(t, w)
	r := e.client().get(tlinkPath(link) + "/calendar.ics")
	if r.Status != 200 || r.Header.Get("Content-Type") != "text/calendar; charset=utf-8" || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("feed: %d %q %q", r.Status, r.Header.Get("Content-Type"), r.Header.Get("Cache-Control"))
	}
	feed := r.Body
	if !strings.HasSuffix(feed, "END:VCALENDAR\r\n") || strings.Contains(strings.ReplaceAll(feed, "\r\n", ""), "\n") {
		t.Fatal("the feed's lines do not all end in CRLF")
	}
	for _, l := range strings.Split(feed, "\r\n") {
		if len(l) > 75 {
			t.Errorf("a line of %d octets: %q", len(l), l)
		}
	}
	events := tlinkParseICS(t, []byte(feed))
	if len(events) != 4 {
		t.Fatalf("%d events, want one per session (4): %+v", len(events), events)
	}
	byUID := map[string]tlinkEvent{}
	for _, ev := range events {
		byUID[ev.UID] = ev
	}
	next, ok := byUID["session-"+itoa(w.next)+"@localhost"]
	if !ok {
		t.Fatalf("no event for the next session: %+v", events)
	}
	day := w.nextAt.Format("2006-01-02")
	if next.StartVN != day+" 07:30" || next.EndVN != day+" 11:30" || next.StartUTC != w.nextAt.UTC().Format("2006-01-02T15:04:05Z") {
		t.Errorf("the 07:30 session reads as %s–%s Vietnam time (%s UTC)", next.StartVN, next.EndVN, next.StartUTC)
	}
	if next.Summary != "Đan lát mây tre xuất khẩu" || next.Status != "CONFIRMED" ||
		!strings.Contains(next.Location, "Nhà văn hóa xã Tăng Tiến, Thôn Đồng Rì, An Lập, Huyện Sơn Động") ||
		!strings.Contains(next.Description, "Nghệ nhân: Nguyễn Văn Mây") {
		t.Errorf("next session event %+v", next)
	}
	if c := byUID["session-"+itoa(w.cancel)+"@localhost"]; c.Status != "CANCELLED" || !strings.Contains(c.Description, "Nghệ nhân ốm") {
		t.Errorf("cancelled session event %+v", c)
	}
	// UIDs stay the same from one fetch to the next, so calendars update events instead of adding them.
	again := tlinkParseICS(t, []byte(e.client().get(tlinkPath(link)+"/calendar.ics").Body))
	for _, ev := range again {
		if _, ok := byUID[ev.UID]; !ok {
			t.Errorf("UID %s is new on the second fetch", ev.UID)
		}
	}
}
