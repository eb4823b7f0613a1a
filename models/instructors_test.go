package models_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"khuyencong/internal/testdb"
	"khuyencong/models"
)

var instrActor = models.Actor{Label: "test-staff"}

func instrCraft(t *testing.T, s *models.Store, name string) models.Craft {
	t.Helper()
	c, err := s.CreateCraft(context.Background(), instrActor, name)
	if err != nil {
		t.Fatalf("create craft %q: %v", name, err)
	}
	return c
}

func instrCreate(t *testing.T, s *models.Store, in models.InstructorInput) models.Instructor {
	t.Helper()
	i, err := s.CreateInstructor(context.Background(), instrActor, in)
	if err != nil {
		t.Fatalf("create instructor %q: %v", in.FullName, err)
	}
	return i
}

func instrAudits(t *testing.T, s *models.Store, action, entityID string) int {
	t.Helper()
	var n int
	if err := s.DB().Get(&n, `SELECT count(*) FROM audit_log WHERE action = $1 AND entity_id = $2`, action, entityID); err != nil {
		t.Fatal(err)
	}
	return n
}

func instrFields(err error) map[string]string {
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		return ve.Fields
	}
	return nil
}

func TestInstructorCreateUpdateAndAudit(t *testing.T) {
	ctx := context.Background()
	s := models.NewStore(testdb.New(t))
	may, moc := instrCraft(t, s, "Mây tre đan"), instrCraft(t, s, "Mộc")
	if _, err := s.DB().Exec(`INSERT INTO admin_units (code, level, unit_type, name, parent_code) VALUES
		('24', 'province', 'tinh', 'Bắc Giang', NULL), ('222', 'district', 'huyen', 'Huyện Việt Yên', '24'),
		('22201', 'commune', 'xa', 'Tăng Tiến', '222')`); err != nil {
		t.Fatal(err)
	}
	m := instrCreate(t, s, models.InstructorInput{
		Kind: models.InstructorMaster, FullName: "  Nguyễn   Văn Mây ", Phone: "+84 (0) 912.345.678", Email: " Ong.May@Example.VN ",
		Organisation: "HTX Mây tre đan Tăng Tiến", CommuneCode: "22201", Active: true, CraftIDs: []int64{may.ID, may.ID},
	})
	if m.FullName != "Nguyễn Văn Mây" || m.Phone != "0912345678" || m.Email != "ong.may@example.vn" || m.CommuneName != "Tăng Tiến" {
		t.Fatalf("created %+v", m)
	}
	if len(m.Crafts) != 1 || m.Crafts[0].Name != "Mây tre đan" || m.HasAccount || len(m.Titles) != 0 {
		t.Fatalf("crafts %+v titles %+v", m.Crafts, m.Titles)
	}
	up, err := s.UpdateInstructor(ctx, instrActor, m.ID, models.InstructorInput{
		Kind: models.InstructorTrainer, FullName: "Nguyễn Văn Mây", Phone: "84987654321", CraftIDs: []int64{moc.ID, may.ID},
	})
	if err != nil {
		t.Fatal(err)
	}
	if up.Kind != models.InstructorMaster || up.Phone != "0987654321" || up.Email != "" || up.CommuneCode != "" || up.Active || len(up.Crafts) != 2 {
		t.Fatalf("updated %+v (the kind must not change)", up)
	}
	id := instrID(m.ID)
	if instrAudits(t, s, "master.create", id) != 1 || instrAudits(t, s, "master.update", id) != 1 {
		t.Fatal("create and update are not both audited")
	}
	var old, new string
	if err := s.DB().QueryRow(`SELECT old_values::text, new_values::text FROM audit_log WHERE action = 'master.update'`).Scan(&old, &new); err != nil ||
		!strings.Contains(old, "0912345678") || !strings.Contains(new, "0987654321") {
		t.Fatalf("audit values %s → %s (%v)", old, new, err)
	}
	if _, err := s.GetInstructor(ctx, 999999); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("missing instructor: %v", err)
	}
}

func TestInstructorValidation(t *testing.T) {
	ctx := context.Background()
	s := models.NewStore(testdb.New(t))
	staff, _ := s.CreateUser(ctx, instrActor, models.NewUser{Email: "cb@example.vn", FullName: "Cán Bộ", Role: "staff", Password: "mat-khau-dai-2026"})
	trainerUser, _ := s.CreateUser(ctx, instrActor, models.NewUser{Email: "gv@example.vn", FullName: "Giảng Viên", Role: "trainer", Password: "mat-khau-dai-2026"})
	ok := models.InstructorInput{Kind: models.InstructorTrainer, FullName: "Lê Thị Tre"}
	id := func(n int64) *int64 { return &n }
	cases := []struct {
		name  string
		tweak func(*models.InstructorInput)
		field string
		msg   string
	}{
		{"empty name", func(in *models.InstructorInput) { in.FullName = "  " }, "full_name", "required"},
		{"Cyrillic", func(in *models.InstructorInput) { in.FullName = "Nguyễn Vаn" }, "full_name", "invalid_characters"},
		{"zero-width", func(in *models.InstructorInput) { in.FullName = "Nguyễn\u200bVăn" }, "full_name", "invalid_characters"},
		{"NUL", func(in *models.InstructorInput) { in.FullName = "Lê\x00Tre" }, "full_name", "invalid_characters"},
		{"invalid UTF-8", func(in *models.InstructorInput) { in.FullName = "L\xffê" }, "full_name", "invalid_characters"},
		{"too long", func(in *models.InstructorInput) { in.FullName = strings.Repeat("Á", 201) }, "full_name", "too_long"},
		{"kind", func(in *models.InstructorInput) { in.Kind = "boss" }, "kind", "instr_invalid_kind"},
		{"short phone", func(in *models.InstructorInput) { in.Phone = "091234" }, "phone", "instr_invalid_phone"},
		{"letters in phone", func(in *models.InstructorInput) { in.Phone = "09123456ab" }, "phone", "instr_invalid_phone"},
		{"email", func(in *models.InstructorInput) { in.Email = "not an email" }, "email", "invalid_email"},
		{"organisation newline", func(in *models.InstructorInput) { in.Organisation = "a\nb" }, "organisation", "invalid_characters"},
		{"commune format", func(in *models.InstructorInput) { in.CommuneCode = "abc" }, "commune_code", "instr_unknown_commune"},
		{"unknown commune", func(in *models.InstructorInput) { in.CommuneCode = "99999" }, "commune_code", "instr_unknown_commune"},
		{"unknown craft", func(in *models.InstructorInput) { in.CraftIDs = []int64{424242} }, "crafts", "instr_unknown_craft"},
		{"unknown user", func(in *models.InstructorInput) { in.UserID = id(424242) }, "user_id", "instr_unknown_user"},
		{"wrong role", func(in *models.InstructorInput) { in.UserID = id(staff.ID) }, "user_id", "instr_wrong_role"},
		{"master with a trainer's login", func(in *models.InstructorInput) { in.Kind, in.UserID = models.InstructorMaster, id(trainerUser.ID) }, "user_id", "instr_wrong_role"},
	}
	for _, c := range cases {
		in := ok
		c.tweak(&in)
		_, err := s.CreateInstructor(ctx, instrActor, in)
		if got := instrFields(err)[c.field]; got != c.msg {
			t.Errorf("%s: %s = %q (%v), want %q", c.name, c.field, got, err, c.msg)
		}
	}
	var n int
	if err := s.DB().Get(&n, `SELECT count(*) FROM instructors`); err != nil || n != 0 {
		t.Fatalf("%d instructors written by refused input (%v)", n, err)
	}
	// One login links to one instructor only: the database refuses the second.
	in := ok
	in.UserID = id(trainerUser.ID)
	instrCreate(t, s, in)
	in.FullName = "Lê Thị Khác"
	if _, err := s.CreateInstructor(ctx, instrActor, in); !errors.Is(err, models.ErrDuplicate) || models.ConstraintOf(err) != "instructors_user_id_key" {
		t.Fatalf("second link of one login: %v", err)
	}
	got, err := s.InstructorForUser(ctx, trainerUser.ID)
	if err != nil || got.FullName != "Lê Thị Tre" || !got.HasAccount {
		t.Fatalf("InstructorForUser: %+v %v", got, err)
	}
	if _, err := s.InstructorForUser(ctx, staff.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("InstructorForUser of a staff member: %v", err)
	}
}

func TestInstructorSearchAndVietnameseOrder(t *testing.T) {
	ctx := context.Background()
	s := models.NewStore(testdb.New(t))
	// The order of domain notes §5.1, created shuffled.
	want := []string{"Nguyễn Văn An", "Lê Văn Anh", "Trần Thị Ánh", "Vũ Văn Ă", "Ngô Thị Ấm", "Phạm Thị Ân", "Trịnh Văn Ba",
		"Lý Bình", "Hoàng Minh Châu", "Bùi Thị Chi", "Dương Văn Dũng", "Đỗ Đức Đạt", "Ông Văn Ót", "Tạ Văn Ông", "Lương Văn Ơn",
		"Hà Thị Uyên", "Đặng Văn Ư", "Nguyễn Thị Yến"}
	for _, n := range []int{17, 3, 9, 0, 12, 5, 14, 1, 8, 16, 2, 11, 6, 15, 4, 13, 7, 10} {
		kind := models.InstructorTrainer
		if n%2 == 0 {
			kind = models.InstructorMaster
		}
		instrCreate(t, s, models.InstructorInput{Kind: kind, FullName: want[n], Active: true})
	}
	all, err := s.ListInstructors(ctx, models.InstructorFilter{}, models.ListParams{PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, i := range all.Items {
		got = append(got, i.FullName)
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("order\n got %v\nwant %v", got, want)
	}
	desc, _ := s.ListInstructors(ctx, models.InstructorFilter{}, models.ListParams{Sort: "-name", PerPage: 1})
	if desc.Items[0].FullName != "Nguyễn Thị Yến" || desc.Total != 18 || desc.Pages() != 18 {
		t.Fatalf("descending: %+v", desc)
	}
	for q, n := range map[string]int{"nguyen": 2, "nguyen van": 1, "NGUYỄN thi yen": 1, "dat": 1, "d": 3, "%": 0, "_": 0, "": 18} {
		l, err := s.ListInstructors(ctx, models.InstructorFilter{}, models.ListParams{Q: q})
		if err != nil || l.Total != n {
			t.Errorf("search %q: %d (%v), want %d", q, l.Total, err, n)
		}
	}
	masters, _ := s.ListInstructors(ctx, models.InstructorFilter{Kind: models.InstructorMaster}, models.ListParams{})
	if masters.Total != 9 {
		t.Fatalf("masters: %d", masters.Total)
	}
	for _, bad := range []string{"salary", "name;DROP TABLE instructors", "-", "--name"} {
		if _, err := s.ListInstructors(ctx, models.InstructorFilter{}, models.ListParams{Sort: bad}); !errors.Is(err, models.ErrInvalid) {
			t.Errorf("sort %q: %v", bad, err)
		}
	}
}

func TestMasterTitles(t *testing.T) {
	ctx := context.Background()
	s := models.NewStore(testdb.New(t))
	may, moc := instrCraft(t, s, "Mây tre đan"), instrCraft(t, s, "Mộc")
	m := instrCreate(t, s, models.InstructorInput{Kind: models.InstructorMaster, FullName: "Nguyễn Văn Mây"})
	tr := instrCreate(t, s, models.InstructorInput{Kind: models.InstructorTrainer, FullName: "Lê Thị Tre"})
	day := time.Date(2019, 11, 20, 0, 0, 0, 0, time.UTC)
	in := models.TitleInput{Title: models.TitleNgheNhanUuTu, CraftID: may.ID, AwardingBody: "Chủ tịch nước", DecisionNo: "1234/QĐ-CTN", DecisionDate: day}
	if holds, err := s.MasterHoldsTitleFor(ctx, m.ID, may.ID); err != nil || holds {
		t.Fatalf("before: %v %v", holds, err)
	}
	title, err := s.AddMasterTitle(ctx, instrActor, m.ID, in)
	if err != nil || title.CraftName != "Mây tre đan" || !title.DecisionDate.Equal(day) {
		t.Fatalf("add: %+v %v", title, err)
	}
	if holds, _ := s.MasterHoldsTitleFor(ctx, m.ID, may.ID); !holds {
		t.Fatal("MasterHoldsTitleFor is false after the title was added")
	}
	if holds, _ := s.MasterHoldsTitleFor(ctx, m.ID, moc.ID); holds {
		t.Fatal("MasterHoldsTitleFor is true for another craft")
	}
	got, _ := s.GetInstructor(ctx, m.ID)
	if len(got.Titles) != 1 || len(got.Crafts) != 1 || got.Crafts[0].ID != may.ID {
		t.Fatalf("the title's craft was not added to the master: %+v", got)
	}
	// The craft of a title cannot be dropped from the master.
	if _, err := s.UpdateInstructor(ctx, instrActor, m.ID, models.InstructorInput{FullName: got.FullName, CraftIDs: []int64{moc.ID}}); instrFields(err)["crafts"] != "instr_craft_has_title" {
		t.Fatalf("dropping a titled craft: %v", err)
	}
	if _, err := s.AddMasterTitle(ctx, instrActor, m.ID, in); !errors.Is(err, models.ErrDuplicate) ||
		models.ConstraintOf(err) != "master_titles_instructor_id_title_craft_id_key" {
		t.Fatalf("duplicate title: %v", err)
	}
	if _, err := s.AddMasterTitle(ctx, instrActor, tr.ID, in); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("title for a trainer: %v", err)
	}
	bad := []struct {
		tweak func(*models.TitleInput)
		field string
	}{
		{func(in *models.TitleInput) { in.Title = "vua" }, "title"},
		{func(in *models.TitleInput) { in.CraftID = 987654 }, "craft_id"},
		{func(in *models.TitleInput) { in.AwardingBody = " " }, "awarding_body"},
		{func(in *models.TitleInput) { in.DecisionNo = strings.Repeat("1", 101) }, "decision_no"},
		{func(in *models.TitleInput) { in.DecisionDate = time.Now().AddDate(0, 0, 3) }, "decision_date"},
		{func(in *models.TitleInput) { in.DecisionDate = time.Time{} }, "decision_date"},
	}
	for _, b := range bad {
		x := in
		x.Title = models.TitleThoGioi
		b.tweak(&x)
		if _, err := s.AddMasterTitle(ctx, instrActor, m.ID, x); instrFields(err)[b.field] == "" {
			t.Errorf("%s: %v", b.field, err)
		}
	}
	if err := s.RemoveMasterTitle(ctx, instrActor, tr.ID, title.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("removing through another instructor: %v", err)
	}
	if err := s.RemoveMasterTitle(ctx, instrActor, m.ID, title.ID); err != nil {
		t.Fatal(err)
	}
	if holds, _ := s.MasterHoldsTitleFor(ctx, m.ID, may.ID); holds {
		t.Fatal("MasterHoldsTitleFor is true after the title was removed")
	}
	if err := s.RemoveMasterTitle(ctx, instrActor, m.ID, title.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("removing twice: %v", err)
	}
	if instrAudits(t, s, "master_title.add", instrID(title.ID)) != 1 || instrAudits(t, s, "master_title.remove", instrID(title.ID)) != 1 {
		t.Fatal("title changes are not audited")
	}
}

func TestCraftsAreUniqueWhateverTheSpelling(t *testing.T) {
	ctx := context.Background()
	s := models.NewStore(testdb.New(t))
	may := instrCraft(t, s, "Mây tre đan")
	instrCraft(t, s, "Mỳ gạo")
	for _, dup := range []string{"may tre dan", "MÂY TRE ĐAN", "Mây  tre  đan", "Mây tre đan"} {
		if _, err := s.CreateCraft(ctx, instrActor, dup); !errors.Is(err, models.ErrDuplicate) {
			t.Errorf("%q: %v", dup, err)
		}
	}
	for _, bad := range []string{"", "Mây\u200btre", "Гончар", strings.Repeat("a", 201), "x\x00"} {
		if _, err := s.CreateCraft(ctx, instrActor, bad); instrFields(err)["name"] == "" {
			t.Errorf("%q: %v", bad, err)
		}
	}
	l, err := s.ListCrafts(ctx, models.ListParams{Q: "may tre"})
	if err != nil || l.Total != 1 || l.Items[0].ID != may.ID {
		t.Fatalf("search: %+v %v", l, err)
	}
	if _, err := s.RenameCraft(ctx, instrActor, may.ID, "mi gao"); err != nil {
		// "mi gao" folds differently from "my gao": it is a new name.
		t.Fatalf("rename: %v", err)
	}
	if _, err := s.RenameCraft(ctx, instrActor, may.ID, "MỲ GẠO"); !errors.Is(err, models.ErrDuplicate) {
		t.Fatalf("rename onto another craft: %v", err)
	}
	c, err := s.RenameCraft(ctx, instrActor, may.ID, "Mây tre đan Tăng Tiến")
	if err != nil || c.Name != "Mây tre đan Tăng Tiến" {
		t.Fatalf("rename: %+v %v", c, err)
	}
	if instrAudits(t, s, "craft.create", instrID(may.ID)) != 1 || instrAudits(t, s, "craft.rename", instrID(may.ID)) != 2 {
		t.Fatal("craft changes are not audited")
	}
	if _, err := s.ListCrafts(ctx, models.ListParams{Sort: "name;DROP TABLE crafts"}); !errors.Is(err, models.ErrInvalid) {
		t.Fatalf("bad sort: %v", err)
	}
}

func instrID(n int64) string { return strconv.FormatInt(n, 10) }
