package models_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/unicode/norm"

	"khuyencong/internal/testdb"
	"khuyencong/models"
)

var staffActor = models.Actor{Label: "canbo@example.vn"}

func mustTrainee(t *testing.T, s *models.Store, in models.TraineeInput) models.Trainee {
	t.Helper()
	if in.Gender == "" {
		in.Gender = "female"
	}
	tr, _, err := s.CreateTrainee(context.Background(), staffActor, in)
	if err != nil {
		t.Fatalf("create trainee %+v: %v", in, err)
	}
	return tr
}

// The same person entered twice with the same CCCD, once typed in decomposed Unicode (NFD) and once
// precomposed, is one trainee: the second is refused as a duplicate naming the first, and a search
// typed without diacritics finds them.
func TestSameCCCDNeverMakesTwoTrainees(t *testing.T) {
	ctx := context.Background()
	s := models.NewStore(testdb.New(t))
	nfd := models.TraineeInput{
		FamilyName: norm.NFD.String("Nguyễn"), MiddleName: norm.NFD.String("Thị"), GivenName: norm.NFD.String("Ánh"),
		Gender: "female", BirthDate: "04/03/1992", IDKind: "cccd", IDNumber: "024192000123",
	}
	if nfd.FamilyName == "Nguyễn" {
		t.Fatal("the test input is not decomposed")
	}
	first, ws, err := s.CreateTrainee(ctx, staffActor, nfd)
	if err != nil {
		t.Fatal(err)
	}
	if first.FullName != "Nguyễn Thị Ánh" || !norm.NFC.IsNormalString(first.FullName) {
		t.Fatalf("stored full name %q is not the NFC form", first.FullName)
	}
	if len(ws) != 0 {
		t.Fatalf("warnings %v for a consistent CCCD", ws)
	}
	nfc := nfd
	nfc.FamilyName, nfc.MiddleName, nfc.GivenName = "Nguyễn", "Thị", "Ánh"
	nfc.IDNumber = "024 192 000 123"
	_, _, err = s.CreateTrainee(ctx, staffActor, nfc)
	var dup *models.DuplicateIDError
	if !errors.As(err, &dup) || !errors.Is(err, models.ErrDuplicate) {
		t.Fatalf("second entry: %v, want a duplicate national ID", err)
	}
	if dup.ExistingID != first.ID {
		t.Fatalf("duplicate names trainee %d, want %d", dup.ExistingID, first.ID)
	}
	for _, q := range []string{"nguyen thi anh", "NGUYEN ANH", "Nguyễn Thị Ánh", norm.NFD.String("Ánh"), "anh"} {
		list, err := s.ListTrainees(ctx, models.ListParams{Q: q})
		if err != nil {
			t.Fatal(err)
		}
		if list.Total != 1 || len(list.Items) != 1 || list.Items[0].ID != first.ID {
			t.Fatalf("search %q: %d found, want the one trainee", q, list.Total)
		}
	}
	var n int
	if err := s.DB().Get(&n, `SELECT count(*) FROM trainees`); err != nil || n != 1 {
		t.Fatalf("%d trainees (%v), want 1", n, err)
	}
	// The search matches names only: the national ID finds nobody there, but FindTraineeByIDNumber does.
	if list, _ := s.ListTrainees(ctx, models.ListParams{Q: "024192000123"}); list.Total != 0 {
		t.Fatalf("a list search by national ID found %d", list.Total)
	}
	found, err := s.FindTraineeByIDNumber(ctx, "024.192.000.123")
	if err != nil || found.ID != first.ID {
		t.Fatalf("find by ID: %v %v", found.ID, err)
	}
	if _, err := s.FindTraineeByIDNumber(ctx, "024192000999"); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("find an unknown ID: %v", err)
	}
}

// A CMND12 number is the same personal number as the CCCD: it cannot make a second trainee either.
func TestCMND12AndCCCDShareNumbers(t *testing.T) {
	s := models.NewStore(testdb.New(t))
	mustTrainee(t, s, models.TraineeInput{FullName: "Lê Văn Anh", Gender: "male", IDKind: "cmnd12", IDNumber: "024085000001"})
	_, _, err := s.CreateTrainee(context.Background(), staffActor, models.TraineeInput{FullName: "Lê Văn Anh", Gender: "male", IDKind: "cccd", IDNumber: "024085000001"})
	if !errors.Is(err, models.ErrDuplicate) {
		t.Fatalf("err %v, want duplicate", err)
	}
}

// Many requests creating the same person at once make exactly one trainee.
func TestConcurrentDuplicatesMakeOneTrainee(t *testing.T) {
	s := models.NewStore(testdb.New(t))
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, dups := 0, 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := s.CreateTrainee(context.Background(), staffActor, models.TraineeInput{
				FullName: "Trần Thị Ánh", Gender: "female", IDNumber: "024195000777"})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, models.ErrDuplicate):
				dups++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ok != 1 || dups != 7 {
		t.Fatalf("%d created, %d duplicates; want 1 and 7", ok, dups)
	}
}

// Official lists sort by given name, then family and middle names, in Vietnamese order.
func TestTraineesSortInVietnameseOrder(t *testing.T) {
	ctx := context.Background()
	s := models.NewStore(testdb.New(t))
	want := []string{"Nguyễn Văn An", "Lê Văn Anh", "Trần Thị Ánh", "Vũ Văn Ă", "Ngô Thị Ấm", "Phạm Thị Ân",
		"Trịnh Văn Ba", "Lý Bình", "Dương Văn Dũng", "Đỗ Đức Đạt", "Ông Văn Ót", "Tạ Văn Ông", "Lương Văn Ơn",
		"Hà Thị Uyên", "Đặng Văn Ư", "Nguyễn Thị Yến"}
	for i := len(want) - 1; i >= 0; i-- {
		mustTrainee(t, s, models.TraineeInput{FullName: want[i], Gender: "other", BirthDate: "01/01/" + strconv.Itoa(1960+i)})
	}
	list, err := s.ListTrainees(ctx, models.ListParams{Sort: "name", PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tr := range list.Items {
		got = append(got, tr.FullName)
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("order\n got %v\nwant %v", got, want)
	}
	list, _ = s.ListTrainees(ctx, models.ListParams{Sort: "-birth_date", PerPage: 2})
	if list.Items[0].FullName != "Nguyễn Thị Yến" || list.Total != len(want) || list.PerPage != 2 {
		t.Fatalf("-birth_date: first %q, total %d", list.Items[0].FullName, list.Total)
	}
	list, _ = s.ListTrainees(ctx, models.ListParams{Sort: "created", Page: 2, PerPage: 5})
	if len(list.Items) != 5 || list.Items[0].FullName != want[len(want)-6] {
		t.Fatalf("created, page 2: %d items, first %q", len(list.Items), list.Items[0].FullName)
	}
	if _, err := s.ListTrainees(ctx, models.ListParams{Sort: "id_number"}); !errors.Is(err, models.ErrInvalid) {
		t.Fatalf("sort by id_number: %v, want invalid", err)
	}
	if _, err := s.ListTrainees(ctx, models.ListParams{Sort: "name; DROP TABLE trainees"}); !errors.Is(err, models.ErrInvalid) {
		t.Fatalf("sort injection: %v, want invalid", err)
	}
	if list, _ := s.ListTrainees(ctx, models.ListParams{Q: "100%_"}); list.Total != 0 {
		t.Fatalf("LIKE wildcards matched %d", list.Total)
	}
}

// Creating and changing a trainee is audited with old and new values; the national ID is masked in
// the audit log, never stored there in full.
func TestTraineeWritesAreAudited(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	s := models.NewStore(db)
	mustExec(t, db, `INSERT INTO admin_units (code, level, unit_type, name) VALUES ('24', 'province', 'tinh', 'Bắc Giang')`)
	mustExec(t, db, `INSERT INTO admin_units (code, level, unit_type, name, parent_code) VALUES ('220', 'district', 'huyen', 'Huyện Sơn Động', '24')`)
	mustExec(t, db, `INSERT INTO admin_units (code, level, unit_type, name, parent_code) VALUES ('22001', 'commune', 'xa', 'An Lập', '220')`)
	est := mustID(t, db, `INSERT INTO establishments (name, kind, commune_code) VALUES ('HTX Mây tre đan An Lập', 'cooperative', '22001') RETURNING id`)

	in := models.TraineeInput{FamilyName: "Hoàng", MiddleName: "Văn", GivenName: "Nam", Gender: "male",
		BirthDate: "1985-01-02", IDNumber: "024085000456", Phone: "+84 912 345 678", Ethnicity: "Tày",
		CommuneCode: "22001", EstablishmentID: est}
	tr, _, err := s.CreateTrainee(ctx, staffActor, in)
	if err != nil {
		t.Fatal(err)
	}
	if *tr.Phone != "0912345678" || tr.CommuneName != "An Lập" || tr.DistrictName != "Huyện Sơn Động" || tr.EstablishmentName != "HTX Mây tre đan An Lập" {
		t.Fatalf("stored %+v", tr)
	}
	in.MiddleName, in.Phone, in.IDNumber = "Đức", "", "024085000789"
	up, ws, err := s.UpdateTrainee(ctx, staffActor, tr.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if up.FullName != "Hoàng Đức Nam" || up.Phone != nil || !up.UpdatedAt.After(tr.UpdatedAt) && !up.UpdatedAt.Equal(tr.UpdatedAt) {
		t.Fatalf("updated %+v", up)
	}
	if len(ws) != 0 {
		t.Fatalf("warnings %v", ws)
	}
	var rows []struct {
		Action string  `db:"action"`
		Actor  string  `db:"actor"`
		Old    *string `db:"old_values"`
		New    string  `db:"new_values"`
	}
	if err := db.Select(&rows, `SELECT action, actor, old_values::text AS old_values, new_values::text AS new_values FROM audit_log WHERE entity = 'trainees' AND entity_id = $1 ORDER BY id`, strconv.FormatInt(tr.ID, 10)); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Action != "trainee.create" || rows[1].Action != "trainee.update" || rows[0].Actor != staffActor.Label {
		t.Fatalf("audit rows %+v", rows)
	}
	if !strings.Contains(rows[0].New, `"given_name": "Nam"`) || !strings.Contains(rows[0].New, `"024******456"`) {
		t.Fatalf("create audit %s", rows[0].New)
	}
	if rows[1].Old == nil || !strings.Contains(*rows[1].Old, `"middle_name": "Văn"`) || !strings.Contains(rows[1].New, `"middle_name": "Đức"`) ||
		!strings.Contains(*rows[1].Old, `"0912345678"`) || !strings.Contains(rows[1].New, `"id_number": "024******789"`) {
		t.Fatalf("update audit old %v new %s", *rows[1].Old, rows[1].New)
	}
	if strings.Contains(rows[1].New, "given_name") {
		t.Fatalf("the update audit lists unchanged fields: %s", rows[1].New)
	}
	var leaks int
	if err := db.Get(&leaks, `SELECT count(*) FROM audit_log WHERE old_values::text LIKE '%024085000%' OR new_values::text LIKE '%024085000%'`); err != nil || leaks != 0 {
		t.Fatalf("the full national ID is in the audit log (%d rows, %v)", leaks, err)
	}
	// Nothing changed: no audit row.
	if _, _, err := s.UpdateTrainee(ctx, staffActor, tr.ID, in); err != nil {
		t.Fatal(err)
	}
	var n int
	_ = db.Get(&n, `SELECT count(*) FROM audit_log WHERE entity = 'trainees'`)
	if n != 2 {
		t.Fatalf("%d audit rows after an update that changed nothing, want 2", n)
	}
}

func TestTraineeReferencesAreChecked(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	s := models.NewStore(db)
	mustExec(t, db, `INSERT INTO admin_units (code, level, unit_type, name) VALUES ('24', 'province', 'tinh', 'Bắc Giang')`)
	mustExec(t, db, `INSERT INTO admin_units (code, level, unit_type, name, parent_code) VALUES ('220', 'district', 'huyen', 'Huyện Sơn Động', '24')`)
	cases := []struct {
		in    models.TraineeInput
		field string
	}{
		{models.TraineeInput{CommuneCode: "99999"}, "commune_code"},
		{models.TraineeInput{CommuneCode: "220"}, "commune_code"}, // a district, not a commune
		{models.TraineeInput{EstablishmentID: 424242}, "establishment_id"},
	}
	for _, c := range cases {
		c.in.GivenName, c.in.Gender = "Ánh", "female"
		_, _, err := s.CreateTrainee(ctx, staffActor, c.in)
		var ve *models.ValidationError
		if !errors.As(err, &ve) || ve.Fields[c.field] == "" {
			t.Errorf("%+v: %v, want a problem with %s", c.in, err, c.field)
		}
	}
	if _, _, err := s.UpdateTrainee(ctx, staffActor, 424242, models.TraineeInput{GivenName: "Ánh", Gender: "female"}); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("update a missing trainee: %v", err)
	}
}

// A stored ethnicity that is not on the list (older data) may stay when the trainee is edited.
func TestUpdateKeepsAStoredEthnicity(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	s := models.NewStore(db)
	id := mustID(t, db, `INSERT INTO trainees (family_name, given_name, gender, ethnicity) VALUES ('Triệu', 'Mây', 'female', 'Dao Thanh Y') RETURNING id`)
	in := models.TraineeInput{FamilyName: "Triệu", MiddleName: "Thị", GivenName: "Mây", Gender: "female", Ethnicity: "Dao Thanh Y"}
	if _, _, err := s.UpdateTrainee(ctx, staffActor, id, in); err != nil {
		t.Fatal(err)
	}
	in.Ethnicity = "Dao Đỏ"
	if _, _, err := s.UpdateTrainee(ctx, staffActor, id, in); !errors.Is(err, models.ErrInvalid) {
		t.Fatalf("a new unlisted ethnicity: %v", err)
	}
}

func TestTraineeEnrolmentsAndSimilar(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	s := models.NewStore(w.db)
	list, err := s.TraineeEnrolments(ctx, w.trainee)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].CourseCode != "KC1-2026-01" || list[0].Status != "confirmed" || list[0].CourseStatus != "draft" {
		t.Fatalf("enrolments %+v", list)
	}
	a := mustTrainee(t, s, models.TraineeInput{FullName: "Phạm Thị Hoà", BirthDate: "01/02/1990"})
	b := mustTrainee(t, s, models.TraineeInput{FullName: "pham thi hoa", BirthDate: "01/02/1990", IDNumber: "024190000321"})
	mustTrainee(t, s, models.TraineeInput{FullName: "Phạm Thị Hòa", BirthDate: "02/02/1990"})
	sim, err := s.SimilarTrainees(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(sim) != 1 || sim[0].ID != b.ID {
		t.Fatalf("similar to %d: %+v", a.ID, sim)
	}
}
