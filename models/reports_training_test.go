package models_test

import (
	"context"
	"testing"

	"khuyencong/internal/testdb"
	"khuyencong/models"
)

func counts(c models.TrainingCounts) [6]int64 {
	return [6]int64{c.Classes, c.Enrolled, c.Female, c.Minority, c.Completed, c.Certified}
}

func TestTrainingReportCountsSeatsCompletionsAndCertificates(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	s := models.NewStore(db)
	ctx := context.Background()
	db.MustExec(`
		INSERT INTO admin_units (code, level, unit_type, name, parent_code) VALUES
			('24', 'province', 'tinh', 'Tỉnh Bắc Giang', NULL), ('219', 'district', 'huyen', 'Huyện Lục Ngạn', '24'),
			('216', 'district', 'huyen', 'Huyện Tân Yên', '24'), ('21901', 'commune', 'xa', 'Xã Sa Lý', '219'),
			('21601', 'commune', 'xa', 'Xã Lan Giới', '216');
		INSERT INTO crafts (name) VALUES ('Mây tre đan'), ('Mỳ gạo');`)
	var mayTre, my, tanYen int64
	_ = db.Get(&mayTre, `SELECT id FROM crafts WHERE name = 'Mây tre đan'`)
	_ = db.Get(&my, `SELECT id FROM crafts WHERE name = 'Mỳ gạo'`)
	f := newRepFixture(t, db, "21901")
	f.scan(&tanYen, `INSERT INTO venues (name, seats, commune_code) VALUES ('Hội trường Tân Yên', 50, '21601') RETURNING id`)

	c1 := f.course("KC1-2019-01", models.KindVocational, models.StatusCompleted, mayTre, rday(2019, 3, 4), 90*trieu)
	p1 := f.enrol(c1, person{name: "An", birth: rday(1990, 5, 1)}, true, yes())
	p2 := f.enrol(c1, person{name: "Bảo", gender: "male", ethnicity: "Tày", birth: rday(2000, 1, 1)}, true, yes())
	f.enrol(c1, person{name: "Chi", ethnicity: "Nùng"}, true, no())
	f.enrol(c1, person{name: "Dũng", gender: "male", birth: rday(1960, 6, 1)}, false, yes())
	p5 := f.enrol(c1, person{name: "Hà", birth: rday(1980, 3, 5)}, true, nil)
	db.MustExec(`UPDATE enrolments SET status = 'withdrawn', withdrawn_at = now(), withdraw_reason = 'illness' WHERE id = $1`, p5)
	var waiting int64
	f.scan(&waiting, `INSERT INTO trainees (family_name, given_name, gender) VALUES ('Lê', 'Khánh', 'female') RETURNING id`)
	db.MustExec(`INSERT INTO enrolments (course_id, trainee_id, status, waitlist_position) VALUES ($1, $2, 'waitlisted', 1)`, c1, waiting)

	c2 := f.course("KC2-2019-01", models.KindWorkshop, models.StatusCompleted, 0, rday(2019, 6, 10), 30*trieu)
	db.MustExec(`UPDATE courses SET venue_id = $1 WHERE id = $2`, tanYen, c2)
	p7 := f.enrol(c2, person{name: "Lan", birth: rday(1975, 1, 1)}, true, nil)
	f.enrol(c2, person{name: "Minh", gender: "male", birth: rday(1970, 7, 1)}, true, nil)

	c3 := f.course("KC1-2020-01", models.KindVocational, models.StatusRunning, my, rday(2020, 11, 2), 80*trieu)
	f.enrol(c3, person{name: "Nga", birth: rday(1995, 1, 1)}, true, yes())
	f.course("KC1-2020-02", models.KindVocational, models.StatusApproved, mayTre, rday(2020, 12, 7), 80*trieu)
	f.course("KC1-2021-01", models.KindVocational, models.StatusCompleted, mayTre, rday(2021, 1, 5), 80*trieu)
	db.MustExec(`INSERT INTO courses (code, kind, activity_code, craft_id, title, capacity, start_date, end_date, status, cancel_reason, created_by)
		VALUES ('KC1-2019-09', 'vocational', 'KC1', $1, 'Lớp hủy', 30, '2019-09-09', '2019-09-30', 'cancelled', 'Không đủ học viên', $2)`, mayTre, f.user)

	f.certify(p1, "chung_chi", rday(2019, 3, 20), nil)
	revoked := rday(2020, 2, 1)
	f.certify(p2, "chung_chi", rday(2019, 3, 20), &revoked)
	f.certify(p7, "giay_chung_nhan", rday(2019, 6, 15), nil)

	rep, err := s.GetTrainingReport(ctx, models.TrainingFilter{From: rday(2019, 1, 1), To: rday(2020, 12, 31)})
	if err != nil {
		t.Fatal(err)
	}
	type line struct {
		year                  int
		kind, craft, district string
		counts                [6]int64
	}
	want := []line{
		{2019, models.KindVocational, "Mây tre đan", "Huyện Lục Ngạn", [6]int64{1, 5, 3, 2, 2, 1}},
		{2019, models.KindWorkshop, "", "Huyện Tân Yên", [6]int64{1, 2, 1, 0, 2, 1}},
		{2020, models.KindVocational, "Mây tre đan", "Huyện Lục Ngạn", [6]int64{1, 0, 0, 0, 0, 0}},
		{2020, models.KindVocational, "Mỳ gạo", "Huyện Lục Ngạn", [6]int64{1, 1, 1, 0, 0, 0}},
	}
	if len(rep.Rows) != len(want) {
		t.Fatalf("rows %+v", rep.Rows)
	}
	for i, w := range want {
		r := rep.Rows[i]
		if r.Year != w.year || r.Kind != w.kind || r.CraftName != w.craft || r.DistrictName != w.district || counts(r.TrainingCounts) != w.counts {
			t.Errorf("row %d: %d %s %q %q %v; want %v", i, r.Year, r.Kind, r.CraftName, r.DistrictName, counts(r.TrainingCounts), w)
		}
	}
	// classes, enrolled (seats, not the waitlist), female, ethnic minority, completed, certified (valid)
	if got := counts(rep.Total); got != [6]int64{4, 8, 5, 2, 4, 2} || rep.People != 8 {
		t.Errorf("total %v, %d people", got, rep.People)
	}
	breakdown := func(name string, rows []models.BreakdownRow, want map[string][6]int64, order ...string) {
		t.Helper()
		if len(rows) != len(want) {
			t.Errorf("%s: %+v", name, rows)
		}
		for i, r := range rows {
			if w, ok := want[r.Key]; !ok || counts(r.TrainingCounts) != w {
				t.Errorf("%s %q: %v, want %v", name, r.Key, counts(r.TrainingCounts), w)
			}
			if i < len(order) && r.Key != order[i] {
				t.Errorf("%s: line %d is %q, want %q", name, i, r.Key, order[i])
			}
		}
	}
	breakdown("years", rep.ByYear, map[string][6]int64{"2019": {2, 7, 4, 2, 4, 2}, "2020": {2, 1, 1, 0, 0, 0}}, "2019", "2020")
	breakdown("gender", rep.ByGender, map[string][6]int64{"female": {3, 5, 5, 1, 2, 2}, "male": {2, 3, 0, 1, 2, 0}}, "female", "male")
	breakdown("ethnicity", rep.ByEthnicity, map[string][6]int64{"Kinh": {3, 6, 4, 0, 3, 2}, "Nùng": {1, 1, 1, 1, 0, 0},
		"Tày": {1, 1, 0, 1, 1, 0}}, "Kinh", "Nùng", "Tày")
	breakdown("age", rep.ByAge, map[string][6]int64{
		models.AgeUnder25: {1, 1, 0, 1, 1, 0}, models.Age25to34: {2, 2, 2, 0, 1, 1}, models.Age35to44: {2, 2, 2, 0, 1, 1},
		models.Age45to54: {1, 1, 0, 0, 1, 0}, models.Age55Plus: {1, 1, 0, 0, 0, 0}, models.AgeUnknown: {1, 1, 1, 1, 0, 0},
	}, models.AgeUnder25, models.Age25to34, models.Age35to44, models.Age45to54, models.Age55Plus, models.AgeUnknown)

	if len(rep.Certificates) != 2 || rep.Certificates[0] != (models.CertificateYear{Year: 2019, Issued: 3, ChungChi: 2, GiayChungNhan: 1}) ||
		rep.Certificates[1] != (models.CertificateYear{Year: 2020, Revoked: 1}) {
		t.Errorf("certificates %+v", rep.Certificates)
	}
	if rep.CertTotal != (models.CertificateYear{Issued: 3, ChungChi: 2, GiayChungNhan: 1, Revoked: 1}) {
		t.Errorf("certificates total %+v", rep.CertTotal)
	}

	// "Completed" is CourseEligibility's verdict.
	el, err := s.CourseEligibility(ctx, c1)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range el {
		if e.Eligible {
			n++
		}
	}
	if n != 2 {
		t.Errorf("CourseEligibility finds %d eligible in class 1, the report 2", n)
	}

	if _, err := s.GetTrainingReport(ctx, models.TrainingFilter{From: rday(2020, 1, 1)}); err == nil {
		t.Error("a report without an end date was accepted")
	}
	empty, err := s.GetTrainingReport(ctx, models.TrainingFilter{From: rday(2030, 1, 1), To: rday(2030, 12, 31)})
	if err != nil || len(empty.Rows) != 0 || empty.Total != (models.TrainingCounts{}) || len(empty.Certificates) != 0 {
		t.Errorf("empty period: %+v %v", empty, err)
	}
}

// checkTrainingOnDemo checks, on the demo data, that the report's completions equal CourseEligibility's,
// class by class, and that every breakdown adds up to the total.
func checkTrainingOnDemo(t *testing.T, s *models.Store) {
	ctx := context.Background()
	rep, err := s.GetTrainingReport(ctx, models.TrainingFilter{From: rday(2012, 1, 1), To: rday(2022, 12, 31)})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	if err := s.DB().Select(&ids, `SELECT id FROM courses WHERE status = 'completed' AND start_date BETWEEN '2012-01-01' AND '2022-12-31'`); err != nil {
		t.Fatal(err)
	}
	var eligible int64
	for _, id := range ids {
		el, err := s.CourseEligibility(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range el {
			if e.Eligible {
				eligible++
			}
		}
	}
	if rep.Total.Completed != eligible || eligible == 0 {
		t.Errorf("the report counts %d completions, CourseEligibility %d", rep.Total.Completed, eligible)
	}
	for name, rows := range map[string][]models.BreakdownRow{"year": rep.ByYear, "gender": rep.ByGender,
		"ethnicity": rep.ByEthnicity, "age": rep.ByAge} {
		var sum models.TrainingCounts
		for _, r := range rows {
			sum.Enrolled += r.Enrolled
			sum.Completed += r.Completed
			sum.Female += r.Female
		}
		if sum.Enrolled != rep.Total.Enrolled || sum.Completed != rep.Total.Completed || sum.Female != rep.Total.Female {
			t.Errorf("%s lines add up to %+v, total %+v", name, sum, rep.Total)
		}
	}
	var classes, seats int64
	for _, r := range rep.Rows {
		classes += r.Classes
		seats += r.Enrolled
	}
	if classes != rep.Total.Classes || seats != rep.Total.Enrolled || classes < 55 {
		t.Errorf("rows add up to %d classes, %d seats; total %+v", classes, seats, rep.Total)
	}
	t.Logf("demo 2012–2022: %+v, %d people", rep.Total, rep.People)
}
