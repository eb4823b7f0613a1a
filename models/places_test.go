package models_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jmoiron/sqlx"

	"khuyencong/internal/testdb"
	"khuyencong/models"
)

// estWorld is a store over a small piece of Bắc Giang: districts, communes (one merged away), area
// classes and a craft, made through SQL because admin units have no store method.
type estWorld struct {
	s     *models.Store
	db    *sqlx.DB
	craft int64
}

// estActor is the staff member of the establishment tests.
var estActor = models.Actor{Label: "test-staff"}

func newEstWorld(t *testing.T) *estWorld {
	t.Helper()
	db := testdb.New(t)
	for _, q := range []string{
		`INSERT INTO admin_units (code, level, unit_type, name) VALUES ('24', 'province', 'tinh', 'Bắc Giang')`,
		`INSERT INTO admin_units (code, level, unit_type, name, parent_code, valid_to) VALUES
			('213', 'district', 'thanh_pho', 'Thành phố Bắc Giang', '24', NULL),
			('218', 'district', 'huyen', 'Huyện Lục Nam', '24', NULL),
			('219', 'district', 'huyen', 'Huyện Lục Ngạn', '24', NULL),
			('221', 'district', 'huyen', 'Huyện Yên Dũng', '24', '2025-01-01')`,
		`INSERT INTO admin_units (code, level, unit_type, name, parent_code, valid_to) VALUES
			('21901', 'commune', 'xa', 'Nam Dương', '219', NULL),
			('21902', 'commune', 'thi_tran', 'Chũ', '219', NULL),
			('21903', 'commune', 'xa', 'Đèo Gia', '219', NULL),
			('21801', 'commune', 'xa', 'Trường Sơn', '218', NULL),
			('21301', 'commune', 'phuong', 'Dĩnh Kế', '213', NULL),
			('22101', 'commune', 'xa', 'Lãng Sơn', '221', '2025-01-01')`,
		// Lục Ngạn was a difficult district until 2020; Trường Sơn is especially difficult from 2016.
		`INSERT INTO area_classifications (unit_code, class, valid) VALUES
			('219', 'difficult', '[2012-01-01,2021-01-01)'),
			('21801', 'especially_difficult', '[2016-01-01,)')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	w := &estWorld{s: models.NewStore(db), db: db}
	if err := db.Get(&w.craft, `INSERT INTO crafts (name) VALUES ('Mỳ gạo') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestListDistrictsAndCommunes(t *testing.T) {
	w, ctx := newEstWorld(t), context.Background()
	ds, err := w.s.ListDistricts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range ds {
		names = append(names, d.Name)
	}
	// Vietnamese order of the proper names (Bắc Giang < Lục Nam < Lục Ngạn); Yên Dũng is merged away.
	want := []string{"Thành phố Bắc Giang", "Huyện Lục Nam", "Huyện Lục Ngạn"}
	if len(names) != len(want) || names[0] != want[0] || names[1] != want[1] || names[2] != want[2] {
		t.Fatalf("districts %v, want %v", names, want)
	}

	cs, err := w.s.ListCommunes(ctx, "219")
	if err != nil {
		t.Fatal(err)
	}
	var cn []string
	for _, c := range cs {
		cn = append(cn, c.Name)
		if c.DistrictName != "Huyện Lục Ngạn" || !c.Valid {
			t.Fatalf("commune %+v", c)
		}
	}
	if len(cn) != 3 || cn[0] != "Chũ" || cn[1] != "Đèo Gia" || cn[2] != "Nam Dương" {
		t.Fatalf("communes of Lục Ngạn %v, want Chũ, Đèo Gia, Nam Dương", cn)
	}

	all, err := w.s.ListCommunes(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 5 || all[0].Name != "Dĩnh Kế" || all[1].Name != "Trường Sơn" {
		t.Fatalf("all communes: %+v", all)
	}

	if _, err := w.s.ListCommunes(ctx, "219'; DROP TABLE x"); !errors.Is(err, models.ErrInvalid) {
		t.Fatalf("hostile district code: %v", err)
	}
	old, err := w.s.GetCommune(ctx, "22101")
	if err != nil || old.Valid || old.DistrictName != "Huyện Yên Dũng" {
		t.Fatalf("merged commune: %+v %v", old, err)
	}
	if _, err := w.s.GetCommune(ctx, "219"); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("a district is not a commune: %v", err)
	}
}

func TestNormalizePhone(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"0912345678", "0912345678", true},
		{"0912 345 678", "0912345678", true},
		{"0912.345.678", "0912345678", true},
		{"+84 912 345 678", "0912345678", true},
		{"+84912345678", "0912345678", true},
		{"84912345678", "0912345678", true},
		{"+84 (0) 912-345-678", "0912345678", true},
		{"091234567", "", false},
		{"02043854123", "", false}, // an eleven-digit landline: the schema stores ten digits
		{"+1 912 345 678", "", false},
		{"09123x5678", "", false},
		{"", "", false},
		{"0912+345678", "", false},
	} {
		got, ok := models.NormalizePhone(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
