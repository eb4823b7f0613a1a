package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"

	"khuyencong/models"
	"khuyencong/models/demo"
)

// staffLogin is the demo's staff account: the bench acts as a member of the centre's staff.
func staffLogin() demo.Login {
	for _, l := range demo.Logins {
		if l.Role == models.RoleStaff {
			return l
		}
	}
	panic("no staff login in the demo data")
}

// apiToken exchanges the staff login for a bearer token (POST /api/v1/auth/token).
func apiToken(base string) (string, error) {
	l := staffLogin()
	body := fmt.Sprintf(`{"email":%q,"password":%q}`, l.Email, l.Password)
	resp, err := http.Post(base+"/api/v1/auth/token", "application/json", strings.NewReader(body))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusCreated || out.Token == "" {
		return "", fmt.Errorf("token: status %d: %v", resp.StatusCode, err)
	}
	return out.Token, nil
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// sessionCookie logs in through the HTML form, as a browser does, and returns the session cookie as a
// "name=value" header value.
func sessionCookie(base string) (string, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(base + "/login")
	if err != nil {
		return "", err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(page)
	if m == nil {
		return "", fmt.Errorf("login form: no CSRF field (status %d)", resp.StatusCode)
	}
	l := staffLogin()
	resp, err = c.PostForm(base+"/login", url.Values{"email": {l.Email}, "password": {l.Password}, "_csrf": {string(m[1])}})
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("login: status %d", resp.StatusCode)
	}
	u, _ := url.Parse(base)
	var parts []string
	for _, ck := range jar.Cookies(u) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	return strings.Join(parts, "; "), nil
}

// fixtureSlot gives each fixture class its own day, so that the sessions the bench adds never clash
// with each other or with the demo's (which end in 2027).
type fixtureSlot struct{ next int }

func (f *fixtureSlot) day() time.Time {
	f.next++
	return time.Date(2030, 1, 1, 8, 0, 0, 0, time.UTC).AddDate(0, 0, f.next)
}

// openClass creates an approved class of the given capacity with one session on its own day, copied
// from the demo's first class (its craft, venue and trainer), ready for enrolment.
func (e *env) openClass(ctx context.Context, slot *fixtureSlot, capacity int) (int64, error) {
	day := slot.day()
	var id int64
	err := e.db.GetContext(ctx, &id, `
		INSERT INTO courses (code, kind, activity_code, craft_id, title, venue_id, capacity, start_date, end_date, status,
		                     trainer_id, created_by, submitted_at, approved_at, approved_by)
		SELECT 'BENCH-' || $1, kind, activity_code, craft_id, 'Lớp đo tải ' || $1, venue_id, $2, $3::date, $3::date, 'approved',
		       trainer_id, created_by, now(), now(), created_by
		FROM courses WHERE id = 1 RETURNING id`, day.Format("20060102"), capacity, day)
	if err != nil {
		return 0, fmt.Errorf("fixture class: %w", err)
	}
	_, err = e.db.ExecContext(ctx, `INSERT INTO course_sessions (course_id, venue_id, instructor_id, starts_at, ends_at, topic)
		SELECT c.id, c.venue_id, c.trainer_id, $2, $2::timestamptz + interval '4 hours', 'Đo tải' FROM courses c WHERE c.id = $1`, id, day)
	if err != nil {
		return 0, fmt.Errorf("fixture session: %w", err)
	}
	return id, nil
}

// traineeBatch returns n distinct trainees, the batch-th group of n in id order.
func (e *env) traineeBatch(ctx context.Context, batch, n int) ([]int64, error) {
	var ids []int64
	err := e.db.SelectContext(ctx, &ids, `SELECT id FROM trainees ORDER BY id LIMIT $1 OFFSET $2`, n, batch*n)
	if err == nil && len(ids) < n {
		err = fmt.Errorf("only %d trainees for batch %d of %d", len(ids), batch, n)
	}
	return ids, err
}

// completedClass creates a completed class whose n trainees all attended and passed, and issues
// their certificates through the store (gap-free numbers, snapshots, tokens).
func (e *env) completedClass(ctx context.Context, slot *fixtureSlot, traineeBatch, n int) (int64, []models.Certificate, error) {
	id, err := e.openClass(ctx, slot, n)
	if err != nil {
		return 0, nil, err
	}
	trainees, err := e.traineeBatch(ctx, traineeBatch, n)
	if err != nil {
		return 0, nil, err
	}
	steps := []struct {
		q    string
		args []any
	}{
		// Everyone enrolled before the session, attended it and passed.
		{`INSERT INTO enrolments (course_id, trainee_id, status, enrolled_at, confirmed_at)
		  SELECT $1, t, 'confirmed', '2019-01-01', '2019-01-01' FROM unnest($2::bigint[]) t`, []any{id, int64Array(trainees)}},
		{`INSERT INTO attendance (session_id, enrolment_id, course_id, status)
		  SELECT s.id, e.id, $1, 'present' FROM course_sessions s JOIN enrolments e ON e.course_id = s.course_id WHERE s.course_id = $1`, []any{id}},
		{`INSERT INTO results (enrolment_id, score, passed, grade) SELECT id, 8, true, 'Giỏi' FROM enrolments WHERE course_id = $1`, []any{id}},
		{`UPDATE courses SET status = 'running' WHERE id = $1`, []any{id}},
		{`UPDATE courses SET status = 'completed' WHERE id = $1`, []any{id}},
	}
	for _, st := range steps {
		if _, err := e.db.ExecContext(ctx, st.q, st.args...); err != nil {
			return 0, nil, fmt.Errorf("completed class: %w", err)
		}
	}
	res, err := e.store.IssueCertificates(ctx, models.SystemActor("kcbench"), id, time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return 0, nil, err
	}
	if len(res.Issued) != n {
		return 0, nil, fmt.Errorf("completed class: %d certificates issued, %d skipped, want %d", len(res.Issued), len(res.Skipped), n)
	}
	return id, res.Issued, nil
}

// int64Array formats ids as a PostgreSQL array literal.
func int64Array(ids []int64) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprint(&b, id)
	}
	b.WriteByte('}')
	return b.String()
}
