package models

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// checkedRow is a row after the reading pass: the trainee it describes, or why it is refused.
type checkedRow struct {
	trainee  NewTrainee
	reasons  []RowNote
	warnings []RowNote
}

type communeMatch struct {
	code string
	note *RowNote
}

type estMatch struct {
	id   int64
	note *RowNote
}

// rowChecker checks the rows of one file against each other and against the registries, reading
// only. Look-ups are remembered per distinct value: a class's trainees mostly share a few communes.
type rowChecker struct {
	s              *Store
	province       string // the class's province; "" when its venue has no commune (all are searched)
	today          time.Time
	seen           map[string]int // national ID → the first row that had it
	communes       map[string]communeMatch
	establishments map[string]estMatch
}

var (
	yearOnly    = regexp.MustCompile(`^[0-9]{4}$`)
	dateAndRest = regexp.MustCompile(`^([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{4})[T ]`)
	sciNumber   = regexp.MustCompile(`^[0-9](\.[0-9]+)?[eE]\+?[0-9]+$`)
)

// check reads one line into a trainee, collecting every problem rather than stopping at the first.
func (v *rowChecker) check(ctx context.Context, line ImportLine) (checkedRow, error) {
	var r checkedRow
	val := func(col string) string { return NFC(line.Values[col]) }
	refuse := func(code, col, arg string) { r.reasons = append(r.reasons, RowNote{Code: code, Column: col, Arg: arg}) }
	in := TraineeInput{FullName: val(ColFullName), FamilyName: val(ColFamilyName), MiddleName: val(ColMiddleName),
		GivenName: val(ColGivenName), Phone: val(ColPhone)}
	if line.Numeric[ColPhone] && digits(in.Phone, 9) {
		in.Phone = "0" + in.Phone // a number cell dropped the trunk zero
	}
	if in.FullName == "" && in.FamilyName == "" && in.MiddleName == "" && in.GivenName == "" {
		refuse("required", ColFullName, "")
	}

	switch g := val(ColGender); {
	case g == "":
		refuse("required", ColGender, "")
	case genderOf(g) == "":
		refuse("invalid_gender", ColGender, g)
	default:
		in.Gender = genderOf(g)
	}

	switch b := val(ColBirthDate); {
	case line.BirthDate != nil:
		in.BirthDate = line.BirthDate.Format("02/01/2006")
	case b == "":
		refuse("required", ColBirthDate, "")
	case yearOnly.MatchString(b):
		refuse("birth_year_only", ColBirthDate, b)
	default:
		if m := dateAndRest.FindStringSubmatch(b); m != nil {
			b = m[1] // "1992-03-15T00:00:00", "15/03/1992 00:00"
		}
		in.BirthDate = b
	}

	kind, number, warn, note := v.idNumber(line)
	if note != nil {
		r.reasons = append(r.reasons, *note)
	} else {
		in.IDKind, in.IDNumber = kind, number
	}
	if warn != nil {
		r.warnings = append(r.warnings, *warn)
	}

	if name := val(ColCommune); name != "" {
		m, err := v.commune(ctx, name, val(ColDistrict))
		if err != nil {
			return r, err
		}
		if m.note != nil {
			r.reasons = append(r.reasons, *m.note)
		}
		in.CommuneCode = m.code
	}
	if est := val(ColEstablishment); est != "" {
		m, err := v.establishment(ctx, est)
		if err != nil {
			return r, err
		}
		if m.note != nil {
			r.reasons = append(r.reasons, *m.note)
		}
		in.EstablishmentID = m.id
	}

	n, errs := in.Validate(v.today)
	for field, code := range errs {
		col := importColumnOf(field)
		if !slices.ContainsFunc(r.reasons, func(n RowNote) bool { return n.Column == col }) {
			refuse(code, col, "")
		}
	}
	sortNotes(r.reasons)
	r.trainee = n
	return r, nil
}

// sortNotes puts notes in the order of the columns, so that messages read left to right.
func sortNotes(notes []RowNote) {
	slices.SortStableFunc(notes, func(a, b RowNote) int {
		return slices.Index(ImportColumns, a.Column) - slices.Index(ImportColumns, b.Column)
	})
}

// genderOf reads the sex as people write it: Nam/Nữ, male/female, M/F; "" when unknown.
func genderOf(s string) string {
	switch foldEthnicity(s) {
	case "nam", "male", "m", "trai":
		return "male"
	case "nu", "female", "f", "gai":
		return "female"
	case "khac", "other":
		return "other"
	}
	return ""
}

// idNumber cleans the national ID of a line: a 12-digit CCCD or a 9-digit CMND, each at most once in
// the file. It returns the kind and number, or the reason the row is refused.
func (v *rowChecker) idNumber(line ImportLine) (kind, number string, warn, note *RowNote) {
	raw := strings.TrimPrefix(NFC(line.Values[ColIDNumber]), "'")
	if line.Numeric[ColIDNumber] && sciNumber.MatchString(raw) {
		if f, err := strconv.ParseFloat(raw, 64); err == nil && f < 1e15 {
			raw = strconv.FormatFloat(f, 'f', 0, 64)
		}
	}
	number = strings.Map(func(r rune) rune {
		if r == ' ' || r == '.' || r == '-' || r == '\u00a0' {
			return -1
		}
		return r
	}, raw)
	if number == "" {
		return "", "", nil, &RowNote{Code: "required", Column: ColIDNumber}
	}
	if line.Numeric[ColIDNumber] && (digits(number, 11) || digits(number, 8)) {
		number = "0" + number
		warn = &RowNote{Code: "id_zero_restored", Column: ColIDNumber, Arg: number}
	}
	switch {
	case digits(number, 12):
		kind = IDKindCCCD
	case digits(number, 9):
		kind = IDKindCMND9
	default:
		return "", "", nil, &RowNote{Code: "id_digits", Column: ColIDNumber, Arg: raw}
	}
	if number == TemplateIDNumber {
		return "", "", nil, &RowNote{Code: "template_example", Column: ColIDNumber}
	}
	if first, ok := v.seen[number]; ok {
		return "", "", nil, &RowNote{Code: "id_repeated", Column: ColIDNumber, Arg: strconv.Itoa(first)}
	}
	v.seen[number] = line.Line
	return kind, number, warn, nil
}

// unitPrefix strips the type word of a unit's search key: "xa an lap" and "an lap" are one commune.
const unitPrefix = `'^(xa|phuong|thi tran|huyen|quan|thi xa|thanh pho|tp) '`

// commune finds a commune of the class's province that exists today by name, compared without case,
// diacritics or the type word ("Xã An Lập", "an lap"). A name found in several districts needs the
// district, from a district column or after a comma ("An Lập, Sơn Động"); otherwise it is refused.
func (v *rowChecker) commune(ctx context.Context, name, district string) (communeMatch, error) {
	if district == "" {
		if i := strings.LastIndex(name, ","); i > 0 {
			name, district = NFC(name[:i]), NFC(name[i+1:])
		}
	}
	key := foldName(name) + "|" + foldName(district)
	if m, ok := v.communes[key]; ok {
		return m, nil
	}
	type unit struct {
		Code     string `db:"code"`
		District string `db:"district"`
	}
	q := `
		SELECT c.code, coalesce(d.name, '') AS district
		FROM admin_units c LEFT JOIN admin_units d ON d.code = c.parent_code
		WHERE c.level = 'commune' AND ` + fmt.Sprintf(validToday, "c") + `
		  AND ($1 = '' OR c.parent_code = $1 OR d.parent_code = $1)
		  AND regexp_replace(c.search_key, ` + unitPrefix + `, '') = regexp_replace(search_key($2), ` + unitPrefix + `, '')
		  AND ($3 = '' OR regexp_replace(coalesce(d.search_key, ''), ` + unitPrefix + `, '') = regexp_replace(search_key($3), ` + unitPrefix + `, ''))
		ORDER BY d.name COLLATE "vi-VN-x-icu", c.code
		LIMIT 10`
	var found []unit
	// First by the commune's name alone; the district only settles a name that several districts share.
	if err := v.s.db.SelectContext(ctx, &found, q, v.province, name, ""); err != nil {
		return communeMatch{}, mapErr(err)
	}
	if len(found) > 1 && district != "" {
		var narrowed []unit
		if err := v.s.db.SelectContext(ctx, &narrowed, q, v.province, name, district); err != nil {
			return communeMatch{}, mapErr(err)
		}
		if len(narrowed) > 0 {
			found = narrowed
		}
	}
	var m communeMatch
	switch len(found) {
	case 0:
		m.note = &RowNote{Code: "unknown_commune", Column: ColCommune, Arg: name}
	case 1:
		m.code = found[0].Code
	default:
		var ds []string
		for _, u := range found {
			ds = append(ds, u.District)
		}
		m.note = &RowNote{Code: "ambiguous_commune", Column: ColCommune, Arg: name + " — " + strings.Join(ds, "; ")}
	}
	v.communes[key] = m
	return m, nil
}

// establishment finds an establishment by its registration number, or else by its exact name (case
// aside). A name shared by several is refused: the registration number tells them apart.
func (v *rowChecker) establishment(ctx context.Context, s string) (estMatch, error) {
	key := foldName(s)
	if m, ok := v.establishments[key]; ok {
		return m, nil
	}
	var found []struct {
		ID    int64 `db:"id"`
		ByReg bool  `db:"by_reg"`
	}
	const q = `
		SELECT id, coalesce(upper(registration_no) = upper($1), false) AS by_reg FROM establishments
		WHERE upper(registration_no) = upper($1) OR lower(name) = lower($1)
		ORDER BY 2 DESC, id LIMIT 5`
	if err := v.s.db.SelectContext(ctx, &found, q, s); err != nil {
		return estMatch{}, mapErr(err)
	}
	var m estMatch
	switch {
	case len(found) == 0:
		m.note = &RowNote{Code: "unknown_establishment", Column: ColEstablishment, Arg: s}
	case found[0].ByReg || len(found) == 1:
		m.id = found[0].ID
	default:
		m.note = &RowNote{Code: "ambiguous_establishment", Column: ColEstablishment, Arg: s}
	}
	v.establishments[key] = m
	return m, nil
}

// samePerson warns when the trainee found by national ID has another name or birth date than the
// row: the national ID decides, and the stored record is not changed, but staff should look.
func samePerson(t Trainee, n NewTrainee) []RowNote {
	var out []RowNote
	if foldName(t.FullName) != foldName(n.FamilyName+" "+n.MiddleName+" "+n.GivenName) {
		out = append(out, RowNote{Code: "name_differs", Column: ColFullName, Arg: t.FullName})
	}
	if t.BirthDate != nil && n.BirthDate != nil && !t.BirthDate.Equal(*n.BirthDate) {
		out = append(out, RowNote{Code: "birth_date_differs", Column: ColBirthDate, Arg: t.BirthDate.Format("02/01/2006")})
	}
	return out
}

// newTraineeNotes are the doubts about a new trainee's data worth showing after an import (an ID
// that does not match the birth year, a trainee under 15); the split of a full name is expected.
func newTraineeNotes(n NewTrainee, today time.Time) []RowNote {
	var out []RowNote
	for _, w := range n.Warnings(today) {
		if w.Code != "name_split" && w.Code != "no_id" {
			out = append(out, RowNote{Code: w.Code, Column: importColumnOf(w.Field)})
		}
	}
	return out
}
