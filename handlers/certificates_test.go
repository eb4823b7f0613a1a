package handlers_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"khuyencong/handlers"
	"khuyencong/internal/pdftest"
	"khuyencong/models"
)

// completedClass makes, through SQL, a completed class whose trainees (with the given names) all
// attended and passed, and returns its path.
func completedClass(t *testing.T, e *env, f fixtures, names []string) (string, string) {
	t.Helper()
	staff, _ := e.as(models.RoleStaff)
	path, id := approvedClass(t, e, staff, f, "1000")
	db := e.store.DB()
	for _, n := range names {
		parts := strings.Fields(n)
		var tid int64
		if err := db.Get(&tid, `INSERT INTO trainees (family_name, middle_name, given_name, gender, birth_date) VALUES ($1, $2, $3, 'female', '1990-07-05') RETURNING id`,
			parts[0], strings.Join(parts[1:len(parts)-1], " "), parts[len(parts)-1]); err != nil {
			t.Fatal(err)
		}
		db.MustExec(`INSERT INTO enrolments (course_id, trainee_id, status, confirmed_at, enrolled_at) VALUES ($1, $2, 'confirmed', now(), '2026-02-01')`, id, tid)
	}
	db.MustExec(`INSERT INTO attendance (session_id, enrolment_id, course_id, status)
		SELECT s.id, e.id, e.course_id, 'present' FROM enrolments e JOIN course_sessions s ON s.course_id = e.course_id WHERE e.course_id = $1`, id)
	db.MustExec(`INSERT INTO results (enrolment_id, score, passed, grade) SELECT id, 8, true, 'Giỏi' FROM enrolments WHERE course_id = $1`, id)
	db.MustExec(`UPDATE courses SET status = 'running' WHERE id = $1`, id)
	db.MustExec(`UPDATE courses SET status = 'completed' WHERE id = $1`, id)
	return path, id
}

var vietNames = []string{"Nguyễn Thị Ngọc Ánh", "Đặng Văn Lưỡng", "Hồ Thị Ẩn", "Lê Hữu Phước", "Nông Thị Thủy"}

func TestIssueDownloadVerifyRevokeCorrect(t *testing.T) {
	e := newEnv(t)
	f := e.fixtures()
	var decomposed []string
	for _, n := range vietNames {
		decomposed = append(decomposed, norm.NFC.String(n)) // the database keeps NFC (clean_text); typed NFD is normalised on entry
	}
	path, _ := completedClass(t, e, f, decomposed)
	staff, _ := e.as(models.RoleStaff)
	staff.get(path + "/certificates")
	r := staff.post(path+"/certificates", valuesOf("issued_on", "15/04/2026"))
	if r.Status != 200 || !strings.Contains(r.Body, "Đã cấp 5 chứng chỉ") {
		t.Fatalf("issue: %d %s", r.Status, r.Body)
	}
	if r := staff.post(path+"/certificates", valuesOf("issued_on", "15/04/2026")); !strings.Contains(r.Body, "Đã cấp 0 chứng chỉ") || !strings.Contains(r.Body, "đã được cấp") {
		t.Fatalf("issuing again: %d", r.Status)
	}
	var certs []struct {
		ID      int64  `db:"id"`
		Serial  string `db:"serial"`
		Sum     []byte `db:"pdf_sha256"`
		Trainee int64  `db:"trainee_id"`
	}
	if err := e.store.DB().Select(&certs, `SELECT c.id, c.serial, c.pdf_sha256, e.trainee_id FROM certificates c JOIN enrolments e ON e.id = c.enrolment_id ORDER BY c.register_no`); err != nil || len(certs) != 5 {
		t.Fatalf("certificates: %v %d", err, len(certs))
	}
	for _, c := range certs {
		r := staff.get("/certificates/" + c.Serial + ".pdf")
		if r.Status != 200 {
			t.Fatalf("download %s: %d", c.Serial, r.Status)
		}
		text := pdftest.Text(t, []byte(r.Body))
		found := false
		for _, n := range vietNames {
			found = found || strings.Contains(text, n)
		}
		if !found {
			t.Fatalf("no holder name in %s:\n%s", c.Serial, text)
		}
	}
	// Renaming the trainee: the PDF downloads byte-identical, and its SHA-256 is the stored one.
	first := certs[0]
	before := staff.get("/certificates/" + first.Serial + ".pdf").Body
	e.store.DB().MustExec(`UPDATE trainees SET given_name = 'Đổi', family_name = 'Tên' WHERE id = $1`, first.Trainee)
	after := staff.get("/certificates/" + first.Serial + ".pdf").Body
	sum := sha256.Sum256([]byte(after))
	if before != after || !bytes.Equal(sum[:], first.Sum) {
		t.Fatal("the certificate changed after the trainee was renamed")
	}
	// The QR's URL verifies as valid; the page shows no full birth date.
	url := e.h.VerifyURLForTest(first.Serial)
	anon := e.client()
	v := anon.get(strings.TrimPrefix(url, "http://localhost:8080"))
	if v.Status != 200 || !strings.Contains(v.Body, "còn hiệu lực") || !strings.Contains(v.Body, "1990") || strings.Contains(v.Body, "05/07/1990") {
		t.Fatalf("verify: %d %s", v.Status, v.Body)
	}
	// Revoked: the page says so with the date and reason; the staff copy is stamped.
	staff.get("/certificates/" + first.Serial)
	if r := staff.post("/certificates/"+first.Serial+"/revoke", valuesOf("decision", "12/QĐ-TTKC", "date", "02/05/2026", "reason", "Cấp nhầm người")); r.Status != 303 {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	v = anon.get(strings.TrimPrefix(url, "http://localhost:8080"))
	if !strings.Contains(v.Body, "ĐÃ BỊ THU HỒI") || !strings.Contains(v.Body, "02/05/2026") || !strings.Contains(v.Body, "Cấp nhầm người") {
		t.Fatalf("verify revoked: %s", v.Body)
	}
	if text := pdftest.Text(t, []byte(staff.get("/certificates/"+first.Serial+".pdf").Body)); !strings.Contains(text, "ĐÃ THU HỒI") {
		t.Fatal("the staff copy of a revoked certificate is not stamped")
	}
	// Superseded: the page names the new number.
	second := certs[1]
	staff.get("/certificates/" + second.Serial)
	r = staff.post("/certificates/"+second.Serial+"/correct", valuesOf("reason", "Sai ngày sinh"))
	if r.Status != 303 {
		t.Fatalf("correct: %d %s", r.Status, r.Body)
	}
	newSerial := strings.TrimPrefix(r.Header.Get("Location"), "/certificates/")
	v = anon.get(strings.TrimPrefix(e.h.VerifyURLForTest(second.Serial), "http://localhost:8080"))
	if !strings.Contains(v.Body, "đã được cấp lại") || !strings.Contains(v.Body, newSerial) {
		t.Fatalf("verify superseded: %s", v.Body)
	}
	// Look-up by serial and name (no diacritics needed), and a wrong name reveals nothing.
	var an string
	e.store.DB().Get(&an, `SELECT serial FROM certificates WHERE snapshot->>'holder' = 'Hồ Thị Ẩn' AND status = 'valid'`)
	anon.get("/verify")
	if r := anon.post("/verify", valuesOf("serial", strings.ToLower(an), "name", "ho thi  an")); r.Status != 200 || !strings.Contains(r.Body, "còn hiệu lực") {
		t.Fatalf("look-up by serial and name: %d", r.Status)
	}
	if r := anon.post("/verify", valuesOf("serial", an, "name", "Người Khác")); r.Status != 404 || strings.Contains(r.Body, an) {
		t.Fatalf("a wrong name: %d", r.Status)
	}
}

func TestVerificationIsThrottledAndRevealsNothing(t *testing.T) {
	e := newEnv(t, func(c *handlers.Config) { c.LookupLimitPerIP = 50; c.LookupWindow = time.Minute })
	c := e.client()
	var ok, notFound, throttled int
	for i := 0; i < 200; i++ {
		r := c.get("/verify/" + models.RandomToken(32))
		switch r.Status {
		case 200:
			ok++
		case 404:
			notFound++
			if strings.Contains(r.Body, "KC-") {
				t.Fatal("a not-found answer mentions a serial")
			}
		case 429:
			throttled++
		}
	}
	if ok != 0 || notFound != 50 || throttled != 150 {
		t.Fatalf("ok %d, not found %d, throttled %d", ok, notFound, throttled)
	}
}

func TestRegisterBookOpensInLibreOffice(t *testing.T) {
	e := newEnv(t)
	f := e.fixtures()
	names := append([]string{}, vietNames...)
	path, id := completedClass(t, e, f, names)
	e.store.DB().MustExec(`UPDATE trainees SET given_name = '=HYPERLINK("http://x","a")' WHERE id = (SELECT trainee_id FROM enrolments WHERE course_id = $1 ORDER BY id LIMIT 1)`, id)
	staff, _ := e.as(models.RoleStaff)
	staff.get(path + "/certificates")
	staff.post(path+"/certificates", valuesOf("issued_on", "15/04/2026"))
	r := staff.get("/certificates/register.xlsx?from=01/01/2026&to=31/12/2026")
	if r.Status != 200 || !strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("register: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	rows := xlsxToCSV(t, []byte(r.Body))
	if len(rows) != 3+5 || rows[2][1] != "Số hiệu" {
		t.Fatalf("rows %d: %v", len(rows), rows[:3])
	}
	found := false
	for _, row := range rows[3:] {
		if strings.Contains(row[3], `=HYPERLINK("http://x","a")`) {
			found = true
		}
		if row[11] != "Còn hiệu lực" {
			t.Errorf("status %q", row[11])
		}
	}
	if !found {
		t.Fatalf("the formula-looking name is not literal text: %v", rows)
	}
}

// xlsxToCSV converts a spreadsheet with LibreOffice (headless) and reads the CSV back.
func xlsxToCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	bin, err := exec.LookPath("soffice")
	if err != nil {
		t.Fatal("LibreOffice (soffice) is missing: make test installs libreoffice-calc-nogui")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "book.xlsx")
	if err := os.WriteFile(in, b, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless",
		"--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	data, err := os.ReadFile(filepath.Join(dir, "book.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v\n%s", err, data)
	}
	return rows
}

func TestBatchPrintJob(t *testing.T) {
	e := newEnv(t, func(c *handlers.Config) { c.FilesDir = t.TempDir() })
	f := e.fixtures()
	var names []string
	for i := 0; i < 60; i++ {
		names = append(names, "Nguyễn Văn Học "+string(rune('A'+i%26))+itoa(int64(i)))
	}
	path, _ := completedClass(t, e, f, names)
	staff, _ := e.as(models.RoleStaff)
	staff.get(path + "/certificates")
	staff.post(path+"/certificates", valuesOf("issued_on", "15/04/2026"))
	r := staff.post(path+"/certificates/print", nil)
	if r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/jobs/") {
		t.Fatalf("print: %d", r.Status)
	}
	job := r.Header.Get("Location")
	if r := staff.get(job + "/file"); r.Status != 404 {
		t.Fatalf("a queued job serves a file: %d", r.Status)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.h.RunJobs(ctx, 50*time.Millisecond, 30*time.Second); close(done) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(staff.get(job).Body, "Đã xong") {
		if time.Now().After(deadline) {
			t.Fatal("the job did not finish")
		}
		time.Sleep(100 * time.Millisecond)
	}
	pdf := staff.get(job + "/file")
	if pdf.Status != 200 {
		t.Fatalf("file: %d", pdf.Status)
	}
	text := pdftest.Text(t, []byte(pdf.Body))
	if n := strings.Count(text, "CHỨNG CHỈ"); n != 60 {
		t.Fatalf("%d pages, want 60", n)
	}
	if strings.Index(text, "0001/2026") > strings.Index(text, "0060/2026") {
		t.Fatal("pages are not in register order")
	}
	if r := staff.api(http.MethodGet, "/api/v1"+job, nil); r.Status != 200 || !strings.Contains(r.Body, `"status":"done"`) {
		t.Fatalf("job by API: %d %s", r.Status, r.Body)
	}
}

// A trainee downloads their own valid certificate through their personal link, and nothing else.
func TestTraineeDownloadsOwnCertificate(t *testing.T) {
	e := newEnv(t)
	f := e.fixtures()
	path, _ := completedClass(t, e, f, []string{"Nguyễn Thị Ngọc Ánh", "Đặng Văn Lưỡng"})
	staff, _ := e.as(models.RoleStaff)
	staff.get(path + "/certificates")
	staff.post(path+"/certificates", valuesOf("issued_on", "15/04/2026"))
	var certs []struct {
		ID      int64 `db:"id"`
		Trainee int64 `db:"trainee_id"`
	}
	e.store.DB().Select(&certs, `SELECT c.id, e.trainee_id FROM certificates c JOIN enrolments e ON e.id = c.enrolment_id ORDER BY c.id`)
	token := models.RandomToken(32)
	e.store.DB().MustExec(`UPDATE trainees SET link_token_hash = sha256($2::bytea) WHERE id = $1`, certs[0].Trainee, token)
	anon := e.client()
	if r := anon.get("/t/" + token); r.Status != 200 || !strings.Contains(r.Body, "/certificates/"+itoa(certs[0].ID)+".pdf") {
		t.Fatalf("the trainee page has no download link: %d", r.Status)
	}
	if r := anon.get("/t/" + token + "/certificates/" + itoa(certs[0].ID) + ".pdf"); r.Status != 200 || !strings.Contains(pdftest.Text(t, []byte(r.Body)), "Nguyễn Thị Ngọc Ánh") {
		t.Fatalf("own certificate: %d", r.Status)
	}
	if r := anon.get("/t/" + token + "/certificates/" + itoa(certs[1].ID) + ".pdf"); r.Status != 404 {
		t.Fatalf("someone else's certificate: %d", r.Status)
	}
	var serial string
	e.store.DB().Get(&serial, `SELECT serial FROM certificates WHERE id = $1`, certs[0].ID)
	staff.get("/certificates/" + serial)
	staff.post("/certificates/"+serial+"/revoke", valuesOf("decision", "1/QĐ", "date", "01/05/2026", "reason", "Sai sót"))
	if r := anon.get("/t/" + token + "/certificates/" + itoa(certs[0].ID) + ".pdf"); r.Status != 404 {
		t.Fatalf("a revoked certificate downloads: %d", r.Status)
	}
}
