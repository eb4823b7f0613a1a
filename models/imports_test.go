package models_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"khuyencong/models"
)

// impLines are n rows of new trainees, the i-th with CCCD 0241930000ii.
func impLines(n int, est string) models.ImportFile {
	f := models.ImportFile{FileName: "ds.xlsx", Headers: []string{"Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Cơ sở"},
		Columns: map[string]bool{models.ColFullName: true, models.ColBirthDate: true, models.ColGender: true, models.ColIDNumber: true, models.ColEstablishment: true}}
	for i := range n {
		v := map[string]string{models.ColFullName: fmt.Sprintf("Đỗ Thị Học %c", 'A'+i), models.ColBirthDate: "15/03/1993",
			models.ColGender: "nữ", models.ColIDNumber: fmt.Sprintf("0241930000%02d", i), models.ColEstablishment: est}
		f.Lines = append(f.Lines, models.ImportLine{Line: i + 2, Values: v})
	}
	return f
}

// approve opens a course with one session at the given venue, instructor and time.
func (w *courseWorld) approve(t *testing.T, c models.Course, venue, instructor int64, start time.Time) {
	t.Helper()
	if _, err := w.s.AddSession(ctx, w.actor(), c.ID, models.SessionInput{VenueID: venue, InstructorID: instructor,
		StartsAt: start, EndsAt: start.Add(4 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{models.ActionSubmit, models.ActionApprove} {
		if _, err := w.s.TransitionCourse(ctx, w.actor(), c.ID, a, ""); err != nil {
			t.Fatal(err)
		}
	}
}

// Two imports of the same people into two classes at once create each person once, and a trainee
// who attends the other class at the same time is enrolled with an overlap warning.
func TestConcurrentImportsCreateEachPersonOnce(t *testing.T) {
	w := newCourseWorld(t)
	a := w.course(t, models.KindVocational)
	w.approve(t, a, w.venue, w.trainer, at(2026, 3, 2, 7, 30))
	b := w.course(t, models.KindVocational)
	w.approve(t, b, w.venue2, w.master, at(2026, 3, 2, 9, 30))
	f := impLines(20, "")
	var wg sync.WaitGroup
	results := make([]models.Import, 2)
	errs := make([]error, 2)
	for i, c := range []models.Course{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = w.s.ImportTrainees(ctx, w.actor(), c.ID, f)
		}()
	}
	wg.Wait()
	for i, r := range results {
		if errs[i] != nil || r.Confirmed+r.Waitlisted != 20 || r.Rejected != 0 {
			t.Fatalf("import %d: %+v %v", i, r, errs[i])
		}
	}
	var n int
	if err := w.db.Get(&n, `SELECT count(*) FROM trainees`); err != nil || n != 20 {
		t.Fatalf("%d trainees, want 20 (%v)", n, err)
	}
	// Whichever import ran second saw the other class's enrolments: every row of one of them warns.
	warned := 0
	for _, r := range results {
		for _, row := range r.Details.Accepted {
			for _, note := range row.Warnings {
				if note.Code == "overlap" {
					warned++
				}
			}
		}
	}
	if warned < 1 {
		t.Fatalf("no overlap warning between two classes at the same time")
	}
}

// A row is all or nothing: the trainee of a row that cannot be enrolled (its establishment has used
// its seats in the workshop) is not created either.
func TestRefusedRowLeavesNothingBehind(t *testing.T) {
	w := newCourseWorld(t)
	mustExec(t, w.db, `INSERT INTO admin_units (code, level, unit_type, name) VALUES ('24', 'province', 'tinh', 'Bắc Giang')`)
	mustExec(t, w.db, `INSERT INTO admin_units (code, level, unit_type, name, parent_code) VALUES ('220', 'district', 'huyen', 'Huyện Sơn Động', '24')`)
	mustExec(t, w.db, `INSERT INTO admin_units (code, level, unit_type, name, parent_code) VALUES ('22001', 'commune', 'xa', 'Xã An Lập', '220')`)
	mustExec(t, w.db, `INSERT INTO establishments (name, kind, commune_code, registration_no) VALUES ('HTX An Lập', 'cooperative', '22001', '2401-HTX')`)
	one := 1
	c, err := w.s.CreateCourse(ctx, w.actor(), models.CourseInput{Kind: models.KindWorkshop, Title: "Quản trị hợp tác xã", VenueID: &w.venue,
		Capacity: 30, PerEstablishmentLimit: &one, StartDate: day(2026, 3, 2), EndDate: day(2026, 3, 3), MinAttendancePct: 80})
	if err != nil {
		t.Fatal(err)
	}
	w.approve(t, c, w.venue, w.trainer, at(2026, 3, 2, 7, 30))
	imp, err := w.s.ImportTrainees(ctx, w.actor(), c.ID, impLines(2, "2401-htx"))
	if err != nil {
		t.Fatal(err)
	}
	if imp.Confirmed != 1 || imp.Rejected != 1 || imp.Details.Rejected[0].Reasons[0].Code != "establishment_limit" {
		t.Fatalf("%+v %+v", imp, imp.Details.Rejected)
	}
	var n int
	if err := w.db.Get(&n, `SELECT count(*) FROM trainees WHERE id_number = '024193000001'`); err != nil || n != 0 {
		t.Fatalf("the refused row's trainee exists (%d, %v)", n, err)
	}
	got, err := w.s.GetImport(ctx, c.ID, imp.ID)
	if err != nil || got.Details == nil || len(got.Details.Rejected) != 1 || got.Details.Rejected[0].Values[models.ColIDNumber] != "024193000001" {
		t.Fatalf("stored import: %+v %v", got, err)
	}
	if _, err := w.s.GetImport(ctx, c.ID+1, imp.ID); err == nil {
		t.Fatal("an import read through another course")
	}
}
