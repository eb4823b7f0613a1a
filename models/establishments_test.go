package models_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"khuyencong/models"
)

func (w *estWorld) mustEstablishment(t *testing.T, in models.EstablishmentInput) models.Establishment {
	t.Helper()
	e, err := w.s.CreateEstablishment(context.Background(), estActor, in)
	if err != nil {
		t.Fatalf("create %q: %v", in.Name, err)
	}
	return e
}

func (w *estWorld) auditCount(t *testing.T, action string, id int64) int {
	t.Helper()
	var n int
	if err := w.db.Get(&n, `SELECT count(*) FROM audit_log WHERE action = $1 AND entity_id = $2`, action, strconv.FormatInt(id, 10)); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCreateAndUpdateEstablishment(t *testing.T) {
	w, ctx := newEstWorld(t), context.Background()
	e := w.mustEstablishment(t, models.EstablishmentInput{
		Name: "  HTX Mỳ Chũ Nam Dương ", Kind: models.KindCooperative, RegistrationNo: "20a8 001234",
		CommuneCode: "21901", MainCraftID: &w.craft, Products: "Mỳ gạo Chũ", Representative: "Nguyễn Văn Thủ",
		Phone: "+84 912.345.678",
	})
	if e.Name != "HTX Mỳ Chũ Nam Dương" || *e.RegistrationNo != "20A8001234" || *e.Phone != "0912345678" {
		t.Fatalf("not normalised: %+v", e)
	}
	if e.CommuneName != "Nam Dương" || e.DistrictCode != "219" || e.DistrictName != "Huyện Lục Ngạn" || *e.MainCraftName != "Mỳ gạo" {
		t.Fatalf("names not joined: %+v", e)
	}
	if w.auditCount(t, "establishment.create", e.ID) != 1 {
		t.Fatal("no audit row for the creation")
	}

	in := e.Input()
	in.CommuneCode, in.Phone, in.RegistrationNo = "21902", "", ""
	u, err := w.s.UpdateEstablishment(ctx, estActor, e.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if u.CommuneName != "Chũ" || u.Phone != nil || u.RegistrationNo != nil || !u.UpdatedAt.After(e.CreatedAt) {
		t.Fatalf("update: %+v", u)
	}
	var oldCommune, newCommune string
	if err := w.db.QueryRow(`SELECT old_values->>'commune_code', new_values->>'commune_code' FROM audit_log
		WHERE action = 'establishment.update' AND entity_id = $1`, strconv.FormatInt(e.ID, 10)).Scan(&oldCommune, &newCommune); err != nil {
		t.Fatal(err)
	}
	if oldCommune != "21901" || newCommune != "21902" {
		t.Fatalf("audit of the update: %s → %s", oldCommune, newCommune)
	}
	if _, err := w.s.UpdateEstablishment(ctx, estActor, 999999, in); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("update of a missing establishment: %v", err)
	}
}

func TestEstablishmentValidation(t *testing.T) {
	w, ctx := newEstWorld(t), context.Background()
	good := models.EstablishmentInput{Name: "Cơ sở Mộc Đông Thượng", Kind: models.KindHouseholdBusiness, CommuneCode: "21301"}
	missing := int64(424242)
	for _, tc := range []struct {
		name  string
		edit  func(*models.EstablishmentInput)
		field string
		key   string
	}{
		{"empty name", func(in *models.EstablishmentInput) { in.Name = "  " }, "name", "required"},
		{"name with a newline", func(in *models.EstablishmentInput) { in.Name = "Cơ sở\nMộc" }, "name", "invalid_characters"},
		{"name with NUL", func(in *models.EstablishmentInput) { in.Name = "Cơ sở\x00" }, "name", "invalid_characters"},
		{"invalid UTF-8", func(in *models.EstablishmentInput) { in.Name = "C\xffơ sở" }, "name", "invalid_characters"},
		{"10,000 characters", func(in *models.EstablishmentInput) { in.Name = strings.Repeat("ậ", 10000) }, "name", "too_long"},
		{"unknown kind", func(in *models.EstablishmentInput) { in.Kind = "company" }, "kind", "est_invalid_kind"},
		{"bad registration", func(in *models.EstablishmentInput) { in.RegistrationNo = "số 12" }, "registration_no", "est_invalid_registration"},
		{"no commune", func(in *models.EstablishmentInput) { in.CommuneCode = "" }, "commune_code", "required"},
		{"unknown commune", func(in *models.EstablishmentInput) { in.CommuneCode = "99999" }, "commune_code", "est_invalid_commune"},
		{"a district is not a commune", func(in *models.EstablishmentInput) { in.CommuneCode = "219" }, "commune_code", "est_invalid_commune"},
		{"merged-away commune", func(in *models.EstablishmentInput) { in.CommuneCode = "22101" }, "commune_code", "est_invalid_commune"},
		{"unknown craft", func(in *models.EstablishmentInput) { in.MainCraftID = &missing }, "main_craft_id", "est_invalid_craft"},
		{"bad phone", func(in *models.EstablishmentInput) { in.Phone = "12345" }, "phone", "est_invalid_phone"},
		{"representative in another script", func(in *models.EstablishmentInput) { in.Representative = "Иван" }, "representative", "invalid_characters"},
		{"products too long", func(in *models.EstablishmentInput) { in.Products = strings.Repeat("a", 2001) }, "products", "too_long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := good
			tc.edit(&in)
			_, err := w.s.CreateEstablishment(ctx, estActor, in)
			var ve *models.ValidationError
			if !errors.As(err, &ve) || ve.Fields[tc.field] != tc.key {
				t.Fatalf("got %v, want %s: %s", err, tc.field, tc.key)
			}
		})
	}
	var n int
	if err := w.db.Get(&n, `SELECT count(*) FROM establishments`); err != nil || n != 0 {
		t.Fatalf("%d establishments written by refused input (%v)", n, err)
	}
}

func TestRegistrationNumberIsUnique(t *testing.T) {
	w, ctx := newEstWorld(t), context.Background()
	w.mustEstablishment(t, models.EstablishmentInput{Name: "Công ty A", Kind: models.KindEnterprise, RegistrationNo: "2400123456", CommuneCode: "21301"})
	// Two establishments without a number are fine: the index is partial.
	w.mustEstablishment(t, models.EstablishmentInput{Name: "Hộ B", Kind: models.KindHouseholdBusiness, CommuneCode: "21301"})
	w.mustEstablishment(t, models.EstablishmentInput{Name: "Hộ C", Kind: models.KindHouseholdBusiness, CommuneCode: "21301"})
	_, err := w.s.CreateEstablishment(ctx, estActor, models.EstablishmentInput{Name: "Công ty D", Kind: models.KindEnterprise, RegistrationNo: " 2400123456 ", CommuneCode: "21901"})
	if !errors.Is(err, models.ErrDuplicate) || models.ConstraintOf(err) != "establishments_registration_no_key" {
		t.Fatalf("duplicate number: %v", err)
	}
	// Letters differ only by case: still the same number.
	w.mustEstablishment(t, models.EstablishmentInput{Name: "Hộ E", Kind: models.KindHouseholdBusiness, RegistrationNo: "20a8000001", CommuneCode: "21301"})
	if _, err := w.s.CreateEstablishment(ctx, estActor, models.EstablishmentInput{Name: "Hộ F", Kind: models.KindHouseholdBusiness, RegistrationNo: "20A8000001", CommuneCode: "21301"}); !errors.Is(err, models.ErrDuplicate) {
		t.Fatalf("case-only difference: %v", err)
	}
}

func TestListEstablishmentsSearchFilterSort(t *testing.T) {
	w, ctx := newEstWorld(t), context.Background()
	w.mustEstablishment(t, models.EstablishmentInput{Name: "HTX Mỳ Chũ Thủ Dương", Kind: models.KindCooperative, CommuneCode: "21901", RegistrationNo: "2401000001"})
	w.mustEstablishment(t, models.EstablishmentInput{Name: "Hộ kinh doanh Vải thiều sấy", Kind: models.KindHouseholdBusiness, CommuneCode: "21903"})
	w.mustEstablishment(t, models.EstablishmentInput{Name: "HTX Trà hoa vàng", Kind: models.KindCooperative, CommuneCode: "21801"})
	w.mustEstablishment(t, models.EstablishmentInput{Name: "Bánh đa Kế", Kind: models.KindHouseholdBusiness, CommuneCode: "21301"})
	w.mustEstablishment(t, models.EstablishmentInput{Name: "Ánh Dương", Kind: models.KindEnterprise, CommuneCode: "21301"})

	names := func(p models.ListParams, f models.EstablishmentFilter) []string {
		t.Helper()
		l, err := w.s.ListEstablishments(ctx, p, f)
		if err != nil {
			t.Fatalf("%+v %+v: %v", p, f, err)
		}
		var out []string
		for _, e := range l.Items {
			out = append(out, e.Name)
		}
		return out
	}
	for _, tc := range []struct {
		q    string
		f    models.EstablishmentFilter
		sort string
		want string
	}{
		{"luc ngan", models.EstablishmentFilter{}, "", "Hộ kinh doanh Vải thiều sấy|HTX Mỳ Chũ Thủ Dương"},
		{"my chu", models.EstablishmentFilter{}, "", "HTX Mỳ Chũ Thủ Dương"},
		{"MỲ   CHŨ", models.EstablishmentFilter{}, "", "HTX Mỳ Chũ Thủ Dương"},
		{"2401000001", models.EstablishmentFilter{}, "", "HTX Mỳ Chũ Thủ Dương"},
		{"deo gia", models.EstablishmentFilter{}, "", "Hộ kinh doanh Vải thiều sấy"},
		{"truong son", models.EstablishmentFilter{}, "", "HTX Trà hoa vàng"},
		{"100%", models.EstablishmentFilter{}, "", ""},
		{"", models.EstablishmentFilter{}, "name", "Ánh Dương|Bánh đa Kế|Hộ kinh doanh Vải thiều sấy|HTX Mỳ Chũ Thủ Dương|HTX Trà hoa vàng"},
		{"", models.EstablishmentFilter{}, "-name", "HTX Trà hoa vàng|HTX Mỳ Chũ Thủ Dương|Hộ kinh doanh Vải thiều sấy|Bánh đa Kế|Ánh Dương"},
		{"", models.EstablishmentFilter{District: "219"}, "", "Hộ kinh doanh Vải thiều sấy|HTX Mỳ Chũ Thủ Dương"},
		{"", models.EstablishmentFilter{Kind: models.KindCooperative}, "district", "HTX Trà hoa vàng|HTX Mỳ Chũ Thủ Dương"},
		{"htx", models.EstablishmentFilter{District: "218"}, "", "HTX Trà hoa vàng"},
	} {
		got := strings.Join(names(models.ListParams{Q: tc.q, Sort: tc.sort}, tc.f), "|")
		if got != tc.want {
			t.Errorf("q=%q filter=%+v sort=%q: got %q, want %q", tc.q, tc.f, tc.sort, got, tc.want)
		}
	}

	l, err := w.s.ListEstablishments(ctx, models.ListParams{PerPage: 1000000, Page: 2}, models.EstablishmentFilter{})
	if err != nil || l.PerPage != models.MaxPerPage || l.Total != 5 || len(l.Items) != 0 {
		t.Fatalf("clamped page: %+v %v", l, err)
	}
	l, err = w.s.ListEstablishments(ctx, models.ListParams{PerPage: 2, Page: 3}, models.EstablishmentFilter{})
	if err != nil || len(l.Items) != 1 || l.Pages() != 3 {
		t.Fatalf("last page: %+v %v", l, err)
	}
	var se *models.SortError
	if _, err := w.s.ListEstablishments(ctx, models.ListParams{Sort: "name;DROP TABLE x"}, models.EstablishmentFilter{}); !errors.As(err, &se) {
		t.Fatalf("hostile sort: %v", err)
	}
	if _, err := w.s.ListEstablishments(ctx, models.ListParams{}, models.EstablishmentFilter{District: "1 OR 1=1", Kind: "x"}); !errors.Is(err, models.ErrInvalid) {
		t.Fatalf("hostile filter: %v", err)
	}
}

func TestSupportHistoryKeepsTheCommuneOfItsDate(t *testing.T) {
	w, ctx := newEstWorld(t), context.Background()
	e := w.mustEstablishment(t, models.EstablishmentInput{Name: "HTX Mỳ Chũ", Kind: models.KindCooperative, CommuneCode: "21901"})
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }

	first, err := w.s.AddSupport(ctx, estActor, e.ID, models.NewSupport{
		Date: day("2019-05-10"), ActivityCode: "KC3", Amount: 150_000_000, FundingSource: models.FundingLocal, Description: "Máy sấy mỳ"})
	if err != nil {
		t.Fatal(err)
	}
	if first.CommuneCode != "21901" || first.AreaClass == nil || *first.AreaClass != "difficult" {
		t.Fatalf("first support: %+v", first)
	}
	// The establishment moves to Lục Nam's Trường Sơn; the 2019 record stays in Nam Dương.
	in := e.Input()
	in.CommuneCode = "21801"
	if _, err := w.s.UpdateEstablishment(ctx, estActor, e.ID, in); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.AddSupport(ctx, estActor, e.ID, models.NewSupport{
		Date: day("2023-03-01"), ActivityCode: "KC1", Amount: 40_000_000, FundingSource: models.FundingNational}); err != nil {
		t.Fatal(err)
	}
	// A support after Lục Ngạn's class ended would not be difficult there, but the record is in Trường Sơn.
	if _, err := w.s.AddSupport(ctx, estActor, e.ID, models.NewSupport{
		Date: day("2015-01-01"), ActivityCode: "KC4", Amount: 0, FundingSource: models.FundingLocal}); err != nil {
		t.Fatal(err)
	}
	d, err := w.s.GetEstablishmentDetail(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Supports) != 3 {
		t.Fatalf("%d supports", len(d.Supports))
	}
	s2015, s2019, s2023 := d.Supports[0], d.Supports[1], d.Supports[2]
	if s2019.CommuneCode != "21901" || s2019.CommuneName != "Nam Dương" || s2019.DistrictName != "Huyện Lục Ngạn" {
		t.Fatalf("the 2019 record moved with the establishment: %+v", s2019)
	}
	if s2023.CommuneCode != "21801" || s2023.AreaClass == nil || *s2023.AreaClass != "especially_difficult" || s2023.ActivityNameVI != "Đào tạo nghề, truyền nghề" {
		t.Fatalf("the 2023 record: %+v", s2023)
	}
	// Trường Sơn's class begins in 2016, so a 2015 record there is in no difficult area.
	if s2015.CommuneCode != "21801" || s2015.AreaClass != nil {
		t.Fatalf("the 2015 record: %+v", s2015)
	}
	want := models.SupportSummary{Count: 3, Total: 190_000_000, DifficultCount: 2, DifficultTotal: 190_000_000}
	if d.Summary != want {
		t.Fatalf("summary %+v, want %+v", d.Summary, want)
	}
	if w.auditCount(t, "support_record.create", first.ID) != 1 {
		t.Fatal("no audit row for the support")
	}
}

func TestSupportValidation(t *testing.T) {
	w, ctx := newEstWorld(t), context.Background()
	e := w.mustEstablishment(t, models.EstablishmentInput{Name: "Hộ Mộc", Kind: models.KindHouseholdBusiness, CommuneCode: "21301"})
	good := models.NewSupport{Date: time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC), ActivityCode: "KC1", Amount: 1, FundingSource: models.FundingLocal}
	missing := int64(777)
	for _, tc := range []struct {
		name  string
		edit  func(*models.NewSupport)
		field string
		key   string
	}{
		{"no date", func(n *models.NewSupport) { n.Date = time.Time{} }, "support_date", "required"},
		{"future date", func(n *models.NewSupport) { n.Date = time.Now().AddDate(0, 0, 3) }, "support_date", "est_future_date"},
		{"ancient date", func(n *models.NewSupport) { n.Date = time.Date(1890, 1, 1, 0, 0, 0, 0, time.UTC) }, "support_date", "est_invalid_date"},
		{"negative amount", func(n *models.NewSupport) { n.Amount = -1 }, "amount", "est_invalid_amount"},
		{"huge amount", func(n *models.NewSupport) { n.Amount = models.MaxSupportAmount + 1 }, "amount", "est_invalid_amount"},
		{"unknown activity", func(n *models.NewSupport) { n.ActivityCode = "KC99" }, "activity_code", "est_invalid_activity"},
		{"no activity", func(n *models.NewSupport) { n.ActivityCode = "" }, "activity_code", "required"},
		{"bad funding", func(n *models.NewSupport) { n.FundingSource = "private" }, "funding_source", "est_invalid_funding"},
		{"unknown course", func(n *models.NewSupport) { n.CourseID = &missing }, "course_id", "est_invalid_course"},
		{"NUL in description", func(n *models.NewSupport) { n.Description = "a\x00b" }, "description", "invalid_characters"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := good
			tc.edit(&n)
			_, err := w.s.AddSupport(ctx, estActor, e.ID, n)
			var ve *models.ValidationError
			if !errors.As(err, &ve) || ve.Fields[tc.field] != tc.key {
				t.Fatalf("got %v, want %s: %s", err, tc.field, tc.key)
			}
		})
	}
	if _, err := w.s.AddSupport(ctx, estActor, 999999, good); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("support to a missing establishment: %v", err)
	}
	var n int
	if err := w.db.Get(&n, `SELECT count(*) FROM support_records`); err != nil || n != 0 {
		t.Fatalf("%d support records written by refused input (%v)", n, err)
	}
}

func TestEstablishmentTraineesAreCounted(t *testing.T) {
	w, ctx := newEstWorld(t), context.Background()
	e := w.mustEstablishment(t, models.EstablishmentInput{Name: "Xưởng may Hoàng An", Kind: models.KindEnterprise, CommuneCode: "21301"})
	for _, given := range []string{"Ánh", "Bình"} {
		if _, err := w.db.Exec(`INSERT INTO trainees (family_name, given_name, gender, establishment_id) VALUES ('Nguyễn', $1, 'female', $2)`, given, e.ID); err != nil {
			t.Fatal(err)
		}
	}
	d, err := w.s.GetEstablishmentDetail(ctx, e.ID)
	if err != nil || d.Trainees != 2 || d.Summary.Count != 0 || d.Supports == nil {
		t.Fatalf("detail %+v %v", d, err)
	}
}
