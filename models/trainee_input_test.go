package models_test

import (
	"reflect"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"khuyencong/models"
)

var today = time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)

func TestTraineeInputNames(t *testing.T) {
	nfd := norm.NFD.String("Nguyễn")
	cases := []struct {
		name                  string
		in                    models.TraineeInput
		family, middle, given string
		errField, errKey      string
		split                 bool
	}{
		{"parts kept, spaces collapsed", models.TraineeInput{FamilyName: " Nguyễn ", MiddleName: "Thị  Thu", GivenName: "Hà"}, "Nguyễn", "Thị Thu", "Hà", "", "", false},
		{"NFD becomes NFC", models.TraineeInput{FamilyName: nfd, GivenName: "Ánh"}, "Nguyễn", "", "Ánh", "", "", false},
		{"full name split", models.TraineeInput{FullName: "Nguyễn Thị Thu Hà"}, "Nguyễn", "Thị Thu", "Hà", "", "", true},
		{"two words", models.TraineeInput{FullName: "Lý Bình"}, "Lý", "", "Bình", "", "", true},
		{"one word is a given name", models.TraineeInput{FullName: "Bình"}, "", "", "Bình", "", "", true},
		{"apostrophe and hyphen", models.TraineeInput{FamilyName: "H'Mon", GivenName: "Y-Bih"}, "H'Mon", "", "Y-Bih", "", "", false},
		{"parts win over full name", models.TraineeInput{FullName: "Trần Văn Ba", FamilyName: "Lê", GivenName: "Anh"}, "Lê", "", "Anh", "", "", false},
		{"Cyrillic refused", models.TraineeInput{FamilyName: "Нгуен", GivenName: "Ánh"}, "", "", "", "family_name", "invalid_name", false},
		{"Cyrillic look-alike refused", models.TraineeInput{FamilyName: "Nguyễn", GivenName: "Аnh"}, "", "", "", "given_name", "invalid_name", false},
		{"CJK refused", models.TraineeInput{FamilyName: "阮", GivenName: "Ánh"}, "", "", "", "family_name", "invalid_name", false},
		{"zero-width space refused", models.TraineeInput{FamilyName: "Nguy\u200Bễn", GivenName: "Ánh"}, "", "", "", "family_name", "invalid_name", false},
		{"zero-width joiner in full name refused", models.TraineeInput{FullName: "Nguyễn\u200D Ánh"}, "", "", "", "full_name", "invalid_name", false},
		{"control character refused", models.TraineeInput{FamilyName: "Nguyễn", GivenName: "Ánh\x07"}, "", "", "", "given_name", "invalid_name", false},
		{"bidi override refused", models.TraineeInput{FamilyName: "Nguyễn", GivenName: "\u202EÁnh"}, "", "", "", "given_name", "invalid_name", false},
		{"digits only refused", models.TraineeInput{FamilyName: "Nguyễn", GivenName: "123"}, "", "", "", "given_name", "invalid_name", false},
		{"given name required", models.TraineeInput{FamilyName: "Nguyễn"}, "", "", "", "given_name", "required", false},
		{"invalid UTF-8 refused", models.TraineeInput{FamilyName: "Nguy\xffn", GivenName: "Ánh"}, "", "", "", "family_name", "invalid_name", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.in.Gender = "female"
			n, errs := c.in.Validate(today)
			if c.errField != "" {
				if errs[c.errField] != c.errKey {
					t.Fatalf("errors %v, want %s=%s", errs, c.errField, c.errKey)
				}
				return
			}
			if len(errs) > 0 {
				t.Fatalf("unexpected errors %v", errs)
			}
			if n.FamilyName != c.family || n.MiddleName != c.middle || n.GivenName != c.given || n.NameSplit != c.split {
				t.Fatalf("got %q/%q/%q split=%v", n.FamilyName, n.MiddleName, n.GivenName, n.NameSplit)
			}
			for _, s := range []string{n.FamilyName, n.MiddleName, n.GivenName} {
				if !norm.NFC.IsNormalString(s) {
					t.Fatalf("%q is not NFC", s)
				}
			}
		})
	}
}

func TestTraineeInputFields(t *testing.T) {
	base := func() models.TraineeInput {
		return models.TraineeInput{FamilyName: "Nguyễn", GivenName: "Ánh", Gender: "female"}
	}
	type check func(t *testing.T, n models.NewTrainee)
	birth := func(want string) check {
		return func(t *testing.T, n models.NewTrainee) {
			if n.BirthDate == nil || n.BirthDate.Format(time.DateOnly) != want {
				t.Fatalf("birth date %v, want %s", n.BirthDate, want)
			}
		}
	}
	id := func(kind, number string) check {
		return func(t *testing.T, n models.NewTrainee) {
			if n.IDKind == nil || *n.IDKind != kind || *n.IDNumber != number {
				t.Fatalf("ID %v %v, want %s %s", n.IDKind, n.IDNumber, kind, number)
			}
		}
	}
	cases := []struct {
		name     string
		edit     func(*models.TraineeInput)
		errField string
		errKey   string
		check    check
	}{
		{"dd/mm/yyyy", func(in *models.TraineeInput) { in.BirthDate = "05/07/1990" }, "", "", birth("1990-07-05")},
		{"d/m/yyyy", func(in *models.TraineeInput) { in.BirthDate = "5/7/1990" }, "", "", birth("1990-07-05")},
		{"dd-mm-yyyy", func(in *models.TraineeInput) { in.BirthDate = "05-07-1990" }, "", "", birth("1990-07-05")},
		{"yyyy-mm-dd from input type=date", func(in *models.TraineeInput) { in.BirthDate = "1990-07-05" }, "", "", birth("1990-07-05")},
		{"today is allowed", func(in *models.TraineeInput) { in.BirthDate = "20/05/2026" }, "", "", birth("2026-05-20")},
		{"31/02 does not exist", func(in *models.TraineeInput) { in.BirthDate = "31/02/1990" }, "birth_date", "invalid_date", nil},
		{"mm/dd is not guessed", func(in *models.TraineeInput) { in.BirthDate = "07/25/1990" }, "birth_date", "invalid_date", nil},
		{"words", func(in *models.TraineeInput) { in.BirthDate = "mùng 5" }, "birth_date", "invalid_date", nil},
		{"future refused", func(in *models.TraineeInput) { in.BirthDate = "21/05/2026" }, "birth_date", "future_date", nil},
		{"before 1900 refused", func(in *models.TraineeInput) { in.BirthDate = "31/12/1899" }, "birth_date", "date_too_early", nil},
		{"gender required", func(in *models.TraineeInput) { in.Gender = "" }, "gender", "required", nil},
		{"gender from the list", func(in *models.TraineeInput) { in.Gender = "nu" }, "gender", "invalid_gender", nil},
		{"CCCD with spaces", func(in *models.TraineeInput) { in.IDKind, in.IDNumber = "cccd", "024 190 000 123" }, "", "", id("cccd", "024190000123")},
		{"CCCD needs 12 digits", func(in *models.TraineeInput) { in.IDKind, in.IDNumber = "cccd", "02419000012" }, "id_number", "cccd_digits", nil},
		{"CCCD digits only", func(in *models.TraineeInput) { in.IDKind, in.IDNumber = "cccd", "02419000012A" }, "id_number", "cccd_digits", nil},
		{"old 9-digit CMND", func(in *models.TraineeInput) { in.IDKind, in.IDNumber = "cmnd9", "121234567" }, "", "", id("cmnd9", "121234567")},
		{"CMND9 needs 9 digits", func(in *models.TraineeInput) { in.IDKind, in.IDNumber = "cmnd9", "1212345678" }, "id_number", "cmnd9_digits", nil},
		{"kind guessed: 12 digits", func(in *models.TraineeInput) { in.IDNumber = "024190000123" }, "", "", id("cccd", "024190000123")},
		{"kind guessed: 9 digits", func(in *models.TraineeInput) { in.IDNumber = "121234567" }, "", "", id("cmnd9", "121234567")},
		{"kind not guessable", func(in *models.TraineeInput) { in.IDNumber = "B1234567" }, "id_number", "id_kind_required", nil},
		{"passport upper-cased", func(in *models.TraineeInput) { in.IDKind, in.IDNumber = "passport", "b1234567" }, "", "", id("passport", "B1234567")},
		{"unknown kind", func(in *models.TraineeInput) { in.IDKind, in.IDNumber = "bhyt", "024190000123" }, "id_kind", "invalid_id_kind", nil},
		{"kind without number is no ID", func(in *models.TraineeInput) { in.IDKind = "cccd" }, "", "", func(t *testing.T, n models.NewTrainee) {
			if n.IDKind != nil || n.IDNumber != nil {
				t.Fatalf("ID %v %v, want none", n.IDKind, n.IDNumber)
			}
		}},
		{"phone refused", func(in *models.TraineeInput) { in.Phone = "12345" }, "phone", "invalid_phone", nil},
		{"ethnicity default Kinh", func(in *models.TraineeInput) {}, "", "", func(t *testing.T, n models.NewTrainee) {
			if n.Ethnicity != "Kinh" {
				t.Fatalf("ethnicity %q", n.Ethnicity)
			}
		}},
		{"ethnicity matched loosely", func(in *models.TraineeInput) { in.Ethnicity = "san chay" }, "", "", func(t *testing.T, n models.NewTrainee) {
			if n.Ethnicity != "Sán Chay" {
				t.Fatalf("ethnicity %q", n.Ethnicity)
			}
		}},
		{"Mông is H'Mông", func(in *models.TraineeInput) { in.Ethnicity = "Mông" }, "", "", func(t *testing.T, n models.NewTrainee) {
			if n.Ethnicity != "H'Mông" {
				t.Fatalf("ethnicity %q", n.Ethnicity)
			}
		}},
		{"ethnicity from the list", func(in *models.TraineeInput) { in.Ethnicity = "Klingon" }, "ethnicity", "invalid_ethnicity", nil},
		{"commune code digits", func(in *models.TraineeInput) { in.CommuneCode = "xã An Lập" }, "commune_code", "unknown_commune", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := base()
			c.edit(&in)
			n, errs := in.Validate(today)
			if c.errField != "" {
				if errs[c.errField] != c.errKey {
					t.Fatalf("errors %v, want %s=%s", errs, c.errField, c.errKey)
				}
				return
			}
			if len(errs) > 0 {
				t.Fatalf("unexpected errors %v", errs)
			}
			if c.check != nil {
				c.check(t, n)
			}
		})
	}
}

func TestNormalizePhoneAsTraineesTypeIt(t *testing.T) {
	cases := map[string]string{
		"+84 912 345 678":  "0912345678",
		"84912345678":      "0912345678",
		"0912.345.678":     "0912345678",
		"0912 345 678":     "0912345678",
		"0912-345-678":     "0912345678",
		"(+84) 912345678":  "0912345678",
		"+84 0912 345 678": "0912345678",
		"0084 912 345 678": "0912345678",
		"0912345678":       "0912345678",
		"912345678":        "",
		"091234567":        "",
		"09123456789":      "",
		"0012345678":       "",
		"+1 212 555 0100":  "",
		"0912a45678":       "",
		"0912345678 ext":   "",
		"":                 "",
	}
	for in, want := range cases {
		got, ok := models.NormalizePhone(in)
		if ok != (want != "") || got != want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestNationalIDWarnings(t *testing.T) {
	d := func(s string) *time.Time { v, _ := time.Parse(time.DateOnly, s); return &v }
	cases := []struct {
		name, kind, number, gender string
		birth                      *time.Time
		want                       []string
	}{
		{"consistent woman born 1992", "cccd", "024192000123", "female", d("1992-03-04"), nil},
		{"consistent man born 1985", "cccd", "024085000123", "male", d("1985-01-01"), nil},
		{"consistent woman born 2003", "cccd", "027303001234", "female", d("2003-12-31"), nil},
		{"consistent man born 2001", "cmnd12", "001201001234", "male", d("2001-06-01"), nil},
		{"unknown province 099", "cccd", "099192000123", "female", d("1992-03-04"), []string{"cccd_province"}},
		{"unknown province 003", "cccd", "003192000123", "female", d("1992-03-04"), []string{"cccd_province"}},
		{"sex does not match", "cccd", "024092000123", "female", d("1992-03-04"), []string{"cccd_sex"}},
		{"century does not match", "cccd", "024392000123", "female", d("1992-03-04"), []string{"cccd_century"}},
		{"year does not match", "cccd", "024191000123", "female", d("1992-03-04"), []string{"cccd_year"}},
		{"everything wrong", "cccd", "999091000123", "female", d("1992-03-04"), []string{"cccd_province", "cccd_sex", "cccd_year"}},
		{"no birth date: sex still checked", "cccd", "024092000123", "female", nil, []string{"cccd_sex"}},
		{"other gender: sex not checked", "cccd", "024092000123", "other", d("1992-03-04"), nil},
		{"CMND9 not checked", "cmnd9", "999999999", "female", d("1992-03-04"), nil},
		{"passport not checked", "passport", "B1234567", "female", d("1992-03-04"), nil},
	}
	for _, c := range cases {
		var got []string
		for _, w := range models.NationalIDWarnings(c.kind, c.number, c.gender, c.birth) {
			if w.Field != "id_number" {
				t.Errorf("%s: warning on field %q", c.name, w.Field)
			}
			got = append(got, w.Code)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: warnings %v, want %v", c.name, got, c.want)
		}
	}
}

func TestNewTraineeWarnings(t *testing.T) {
	in := models.TraineeInput{FullName: "Hoàng Văn Nam", Gender: "male", BirthDate: "01/06/2012"}
	n, errs := in.Validate(today)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var codes []string
	for _, w := range n.Warnings(today) {
		codes = append(codes, w.Code)
	}
	if want := []string{"under_15", "no_id", "name_split"}; !reflect.DeepEqual(codes, want) {
		t.Fatalf("warnings %v, want %v", codes, want)
	}
	// Fifteen on the day: no age warning.
	in = models.TraineeInput{GivenName: "Nam", Gender: "male", BirthDate: "20/05/2011", IDNumber: "024211000001"}
	n, _ = in.Validate(today)
	if ws := n.Warnings(today); len(ws) != 0 {
		t.Fatalf("warnings %v, want none", ws)
	}
}

func TestMaskIDNumber(t *testing.T) {
	cases := map[string]string{
		"024192000123": "024******123",
		"121234567":    "121***567",
		"B1234567":     "B*****67",
		"":             "",
	}
	for in, want := range cases {
		if got := models.MaskIDNumber(in); got != want {
			t.Errorf("MaskIDNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

// Each ethnic group is listed once, and the loose matching never takes one group for another.
func TestEthnicitiesAreDistinct(t *testing.T) {
	if len(models.Ethnicities) != 55 {
		t.Fatalf("%d ethnic groups and Khác, want 54 + 1", len(models.Ethnicities))
	}
	for _, e := range models.Ethnicities {
		in := models.TraineeInput{GivenName: "Ánh", Gender: "female", Ethnicity: norm.NFD.String(e)}
		n, errs := in.Validate(today)
		if len(errs) > 0 || n.Ethnicity != e {
			t.Errorf("%q came back as %q (%v)", e, n.Ethnicity, errs)
		}
	}
}
