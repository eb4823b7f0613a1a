package models

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Genders of a trainee.
var Genders = []string{"female", "male", "other"}

// Kinds of national ID papers. A CMND12 number is the same personal number as the CCCD.
const (
	IDKindCCCD     = "cccd"
	IDKindCMND9    = "cmnd9"
	IDKindCMND12   = "cmnd12"
	IDKindPassport = "passport"
	IDKindOther    = "other"
)

// IDKinds lists the kinds of national ID papers, the usual one first.
var IDKinds = []string{IDKindCCCD, IDKindCMND9, IDKindCMND12, IDKindPassport, IDKindOther}

// Ethnicities are Vietnam's 54 ethnic groups, those of Bắc Giang's mountain districts first, then
// "Khác" (other).
var Ethnicities = []string{
	"Kinh", "Tày", "Nùng", "Sán Chay", "Sán Dìu", "Dao", "Hoa", "Mường", "H'Mông", "Thái",
	"Ba Na", "Bố Y", "Brâu", "Bru-Vân Kiều", "Chăm", "Chơ Ro", "Chu Ru", "Chứt", "Co", "Cống", "Cờ Lao",
	"Cơ Ho", "Cơ Tu", "Ê Đê", "Gia Rai", "Giáy", "Giẻ Triêng", "Hà Nhì", "Hrê", "Kháng", "Khmer",
	"Khơ Mú", "La Chí", "La Ha", "La Hủ", "Lào", "Lô Lô", "Lự", "Mạ", "Mảng", "Mnông", "Ngái", "Ơ Đu",
	"Pà Thẻn", "Phù Lá", "Pu Péo", "Ra Glai", "Rơ Măm", "Si La", "Stiêng", "Tà Ôi", "Thổ", "Xinh Mun",
	"Xơ Đăng", "Khác",
}

// Warning is a doubt about otherwise acceptable data (a national ID whose digits do not match the
// birth year, a trainee under 15): shown to staff, never a reason to refuse.
type Warning struct {
	Field string `json:"field"`
	Code  string `json:"code"`
}

// TraineeInput is a trainee as typed into a form or sent to the API, before cleaning. FullName is
// only used when the three name parts are all empty: it is split as họ (first word), tên (last word)
// and tên đệm (the rest), which staff can then correct.
type TraineeInput struct {
	FullName        string
	FamilyName      string
	MiddleName      string
	GivenName       string
	Gender          string
	BirthDate       string // dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy) or yyyy-mm-dd; "" when unknown
	IDKind          string // empty: guessed from the number (12 digits CCCD, 9 digits CMND)
	IDNumber        string
	Phone           string
	Ethnicity       string
	CommuneCode     string
	EstablishmentID int64 // 0: none
}

// NewTrainee is a cleaned, validated trainee, ready to be stored.
type NewTrainee struct {
	FamilyName      string
	MiddleName      string
	GivenName       string
	Gender          string
	BirthDate       *time.Time
	IDKind          *string
	IDNumber        *string
	Phone           *string
	Ethnicity       string
	CommuneCode     *string
	EstablishmentID *int64
	NameSplit       bool // the name parts came from splitting FullName
}

const maxNamePart = 80

// Validate cleans the input and checks every field that can be checked without the database. It
// returns the clean trainee and problems keyed by field (empty when valid). today is the date in
// Vietnam against which birth dates are judged.
func (in TraineeInput) Validate(today time.Time) (NewTrainee, map[string]string) {
	return in.validate(today, "")
}

// validate is Validate that also accepts keepEthnicity, a stored value not on today's list.
func (in TraineeInput) validate(today time.Time, keepEthnicity string) (NewTrainee, map[string]string) {
	errs := map[string]string{}
	var n NewTrainee

	n.FamilyName = namePart(errs, "family_name", in.FamilyName)
	n.MiddleName = namePart(errs, "middle_name", in.MiddleName)
	n.GivenName = namePart(errs, "given_name", in.GivenName)
	if n.FamilyName == "" && n.MiddleName == "" && n.GivenName == "" && len(errs) == 0 {
		if full := namePart(errs, "full_name", in.FullName); full != "" {
			n.FamilyName, n.MiddleName, n.GivenName = SplitFullName(full)
			n.NameSplit = true
		}
	}
	if n.GivenName == "" && errs["given_name"] == "" && errs["full_name"] == "" {
		errs["given_name"] = "required"
	}
	if utf8.RuneCountInString(n.FamilyName+" "+n.MiddleName+" "+n.GivenName) > 200 {
		errs["given_name"] = "too_long"
	}

	switch g := strings.TrimSpace(in.Gender); {
	case g == "":
		errs["gender"] = "required"
	case !contains(Genders, g):
		errs["gender"] = "invalid_gender"
	default:
		n.Gender = g
	}

	if b, problem := ParseBirthDate(in.BirthDate, today); problem != "" {
		errs["birth_date"] = problem
	} else {
		n.BirthDate = b
	}

	kind, number, problem := cleanNationalID(in.IDKind, in.IDNumber)
	if problem != "" {
		field := "id_number"
		if problem == "invalid_id_kind" {
			field = "id_kind"
		}
		errs[field] = problem
	} else if number != "" {
		n.IDKind, n.IDNumber = &kind, &number
	}

	if p := strings.TrimSpace(in.Phone); p != "" {
		if phone, ok := NormalizePhone(p); ok {
			n.Phone = &phone
		} else {
			errs["phone"] = "invalid_phone"
		}
	}

	n.Ethnicity = "Kinh"
	if e := NFC(in.Ethnicity); e != "" {
		if known := canonicalEthnicity(e); known != "" {
			n.Ethnicity = known
		} else if e == keepEthnicity && CleanName(e) {
			n.Ethnicity = e
		} else {
			errs["ethnicity"] = "invalid_ethnicity"
		}
	}

	if c := strings.TrimSpace(in.CommuneCode); c != "" {
		if communeCodePattern.MatchString(c) {
			n.CommuneCode = &c
		} else {
			errs["commune_code"] = "unknown_commune"
		}
	}
	switch {
	case in.EstablishmentID < 0:
		errs["establishment_id"] = "unknown_establishment"
	case in.EstablishmentID > 0:
		id := in.EstablishmentID
		n.EstablishmentID = &id
	}
	return n, errs
}

// namePart cleans one part of a person's name: NFC, trimmed, inner spaces collapsed, only Vietnamese
// (Latin) letters and a few marks, and at least one letter.
func namePart(errs map[string]string, field, v string) string {
	if !utf8.ValidString(v) {
		errs[field] = "invalid_name"
		return ""
	}
	v = strings.Join(strings.Fields(norm.NFC.String(v)), " ")
	if v == "" {
		return ""
	}
	hasLetter := strings.IndexFunc(v, unicode.IsLetter) >= 0
	switch {
	case !CleanName(v) || !hasLetter || hasInvisible(v):
		errs[field] = "invalid_name"
	case utf8.RuneCountInString(v) > maxNamePart && field != "full_name":
		errs[field] = "too_long"
	case utf8.RuneCountInString(v) > 200:
		errs[field] = "too_long"
	}
	return v
}

// hasInvisible reports format (Cf) and other invisible characters that strings.Fields keeps, such as
// zero-width spaces and joiners. CleanName refuses them already; this keeps the rule explicit.
func hasInvisible(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Cf, r) || unicode.IsControl(r) }) >= 0
}

// SplitFullName splits a full name the usual way: the first word is the family name (họ), the last
// the given name (tên), the words between the middle name (tên đệm). One word is a given name only.
// Two-word family names (Tôn Thất, Âu Dương) come out wrong and are corrected by hand.
func SplitFullName(full string) (family, middle, given string) {
	w := strings.Fields(NFC(full))
	switch len(w) {
	case 0:
		return "", "", ""
	case 1:
		return "", "", w[0]
	}
	return w[0], strings.Join(w[1:len(w)-1], " "), w[len(w)-1]
}

var (
	dmyDate = regexp.MustCompile(`^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$`)
	isoDate = regexp.MustCompile(`^([0-9]{4})-([0-9]{2})-([0-9]{2})$`)
)

// ParseBirthDate reads a birth date typed as dd/mm/yyyy (also d/m/yyyy, with - or . between) or
// yyyy-mm-dd (what <input type=date> sends). Empty means unknown. It returns a message key for a
// date that is malformed, does not exist, is before 1900 or is after today.
func ParseBirthDate(s string, today time.Time) (*time.Time, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, ""
	}
	var y, m, d int
	if p := isoDate.FindStringSubmatch(s); p != nil {
		y, m, d = atoi(p[1]), atoi(p[2]), atoi(p[3])
	} else if p := dmyDate.FindStringSubmatch(s); p != nil {
		d, m, y = atoi(p[1]), atoi(p[2]), atoi(p[3])
	} else {
		return nil, "invalid_date"
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return nil, "invalid_date"
	}
	if y < 1900 {
		return nil, "date_too_early"
	}
	if t.After(dateOnly(today)) {
		return nil, "future_date"
	}
	return &t, ""
}

// dateOnly is the calendar date of t (in t's own zone) at midnight UTC, comparable with dates read
// from the database.
func dateOnly(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// AgeOn is the age in whole years on a day.
func AgeOn(birth, day time.Time) int {
	day = dateOnly(day)
	age := day.Year() - birth.Year()
	if day.Month() < birth.Month() || (day.Month() == birth.Month() && day.Day() < birth.Day()) {
		age--
	}
	return age
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

var (
	phonePattern       = regexp.MustCompile(`^0[1-9][0-9]{8}$`)
	otherIDPattern     = regexp.MustCompile(`^[0-9A-Z]{6,20}$`)
	communeCodePattern = regexp.MustCompile(`^[0-9]{2,5}$`)
)

// cleanNationalID normalises an ID number (spaces, dots and dashes dropped, letters upper-cased),
// guesses a missing kind from the number, and checks the number against its kind. A number is
// required only when one is typed: an empty number means no ID, whatever the kind says.
func cleanNationalID(kind, number string) (string, string, string) {
	kind = strings.ToLower(strings.TrimSpace(kind))
	number = strings.Map(func(r rune) rune {
		if r == ' ' || r == '.' || r == '-' || r == '\u00a0' {
			return -1
		}
		return unicode.ToUpper(r)
	}, number)
	if number == "" {
		if kind != "" && !contains(IDKinds, kind) {
			return "", "", "invalid_id_kind"
		}
		return "", "", ""
	}
	if kind == "" {
		switch {
		case digits(number, 12):
			kind = IDKindCCCD
		case digits(number, 9):
			kind = IDKindCMND9
		default:
			return "", "", "id_kind_required"
		}
	}
	switch kind {
	case IDKindCCCD:
		if !digits(number, 12) {
			return "", "", "cccd_digits"
		}
	case IDKindCMND12:
		if !digits(number, 12) {
			return "", "", "cmnd12_digits"
		}
	case IDKindCMND9:
		if !digits(number, 9) {
			return "", "", "cmnd9_digits"
		}
	case IDKindPassport, IDKindOther:
		if !otherIDPattern.MatchString(number) {
			return "", "", "invalid_id_number"
		}
	default:
		return "", "", "invalid_id_kind"
	}
	return kind, number, ""
}

// NormalizeIDNumber is the form in which ID numbers are stored and looked up.
func NormalizeIDNumber(number string) string {
	_, n, _ := cleanNationalID(IDKindOther, number)
	if n == "" {
		return strings.ToUpper(strings.Join(strings.Fields(number), ""))
	}
	return n
}

func digits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// cccdProvinces are the province codes that open a 12-digit personal number (the province where the
// birth was registered, Circular 07/2016/TT-BCA): the 63 provinces' GSO codes, zero-padded.
var cccdProvinces = map[string]bool{}

func init() {
	for _, c := range strings.Fields(`001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027
		030 031 033 034 035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067
		068 070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096`) {
		cccdProvinces[c] = true
	}
}

// NationalIDWarnings checks a 12-digit personal number (CCCD or CMND12) against what it encodes:
// digits 1–3 a province code, digit 4 the century of birth and the sex (1900s male 0 / female 1,
// 2000s 2/3, …), digits 5–6 the last two digits of the birth year. There is no checksum. A mismatch
// is a warning only: the data entered are often messy.
func NationalIDWarnings(kind, number, gender string, birth *time.Time) []Warning {
	if (kind != IDKindCCCD && kind != IDKindCMND12) || !digits(number, 12) {
		return nil
	}
	var ws []Warning
	if !cccdProvinces[number[:3]] {
		ws = append(ws, Warning{"id_number", "cccd_province"})
	}
	d4 := int(number[3] - '0')
	if (gender == "female" && d4%2 != 1) || (gender == "male" && d4%2 != 0) {
		ws = append(ws, Warning{"id_number", "cccd_sex"})
	}
	if birth != nil {
		if century := 19 + d4/2; birth.Year()/100 != century {
			ws = append(ws, Warning{"id_number", "cccd_century"})
		}
		if number[4:6] != strconv.Itoa(birth.Year()%100 + 100)[1:] {
			ws = append(ws, Warning{"id_number", "cccd_year"})
		}
	}
	return ws
}

// MinAge is the age under which a trainee is flagged: vocational training is for people of working age.
const MinAge = 15

// traineeWarnings lists the doubts about a trainee's data on a day.
func traineeWarnings(gender string, birth *time.Time, kind, number *string, today time.Time) []Warning {
	ws := []Warning{}
	if birth != nil && AgeOn(*birth, today) < MinAge {
		ws = append(ws, Warning{"birth_date", "under_15"})
	}
	if number == nil {
		ws = append(ws, Warning{"id_number", "no_id"})
	} else if kind != nil {
		ws = append(ws, NationalIDWarnings(*kind, *number, gender, birth)...)
	}
	return ws
}

// Warnings lists the doubts about a new trainee's data on a day.
func (n NewTrainee) Warnings(today time.Time) []Warning {
	ws := traineeWarnings(n.Gender, n.BirthDate, n.IDKind, n.IDNumber, today)
	if n.NameSplit {
		ws = append(ws, Warning{"full_name", "name_split"})
	}
	return ws
}

// MaskIDNumber hides the middle of an ID number for lists: 024******123, 123***789.
func MaskIDNumber(number string) string {
	n := len(number)
	switch {
	case n == 0:
		return ""
	case n >= 9:
		return number[:3] + strings.Repeat("*", n-6) + number[n-3:]
	case n >= 4:
		return number[:1] + strings.Repeat("*", n-3) + number[n-2:]
	}
	return strings.Repeat("*", n)
}

func canonicalEthnicity(e string) string {
	key := foldEthnicity(e)
	for _, known := range Ethnicities {
		if foldEthnicity(known) == key {
			return known
		}
	}
	switch key {
	case "mong", "hmong", "meo":
		return "H'Mông"
	case "cao lan":
		return "Sán Chay"
	case "khac":
		return "Khác"
	}
	return ""
}

// foldEthnicity compares names of ethnic groups loosely: case, marks, spaces, dashes and apostrophes.
func foldEthnicity(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r), r == '\'' || r == '’':
		case r == '-' || r == ' ':
			b.WriteRune(' ')
		case r == 'đ':
			b.WriteRune('d')
		default:
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
