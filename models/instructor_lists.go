package models

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// InstructorFilter narrows a list of instructors; zero values do not filter.
type InstructorFilter struct {
	Kind    string // InstructorMaster or InstructorTrainer
	CraftID int64  // who practises or teaches this craft
}

// People are listed the Vietnamese way: by the last word of the name (the given name), then the whole
// name, with Vietnamese collation. The expressions hold no comma, so orderBy can turn each column
// descending.
const instructorNameOrder = `substring(i.full_name from '[^ ]+$') COLLATE "vi-VN-x-icu", i.full_name COLLATE "vi-VN-x-icu", i.id`

var instructorSorts = map[string]string{
	"name":         instructorNameOrder,
	"kind":         `i.kind, ` + instructorNameOrder,
	"organisation": `i.organisation COLLATE "vi-VN-x-icu", ` + instructorNameOrder,
	"commune":      `au.name COLLATE "vi-VN-x-icu", ` + instructorNameOrder,
	"created":      `i.created_at, i.id`,
}

// ListInstructors returns a page of masters and trainers with their crafts and titles, searched by name
// without diacritics ("nguyen van" finds "Nguyễn Văn Mây").
func (s *Store) ListInstructors(ctx context.Context, f InstructorFilter, p ListParams) (List[Instructor], error) {
	p = p.Normalize()
	order, err := orderBy(p.Sort, instructorSorts, "name")
	if err != nil {
		return List[Instructor]{}, err
	}
	where, args := searchWhere("i.search_key", p.Q, 1)
	if f.Kind != "" {
		args = append(args, f.Kind)
		where += fmt.Sprintf(" AND i.kind = $%d", len(args))
	}
	if f.CraftID != 0 {
		args = append(args, f.CraftID)
		where += fmt.Sprintf(" AND EXISTS (SELECT 1 FROM instructor_crafts ic WHERE ic.instructor_id = i.id AND ic.craft_id = $%d)", len(args))
	}
	out := List[Instructor]{Page: p.Page, PerPage: p.PerPage, Items: []Instructor{}}
	if err := s.db.GetContext(ctx, &out.Total, `SELECT count(*) FROM `+instructorFrom+` WHERE `+where, args...); err != nil {
		return out, fmt.Errorf("count instructors: %w", mapErr(err))
	}
	q := fmt.Sprintf(`SELECT %s FROM %s WHERE %s %s LIMIT %d OFFSET %d`, instructorColumns, instructorFrom, where, order, p.PerPage, p.Offset())
	if err := s.db.SelectContext(ctx, &out.Items, q, args...); err != nil {
		return out, fmt.Errorf("list instructors: %w", mapErr(err))
	}
	if err := loadInstructorDetails(ctx, s.db, out.Items); err != nil {
		return out, fmt.Errorf("list instructors: %w", mapErr(err))
	}
	return out, nil
}

// loadInstructorDetails fills the crafts and titles of a page of instructors in two queries, however
// long the page.
func loadInstructorDetails(ctx context.Context, q sqlx.QueryerContext, items []Instructor) error {
	if len(items) == 0 {
		return nil
	}
	ids := make([]int64, len(items))
	at := make(map[int64]int, len(items))
	for n := range items {
		ids[n] = items[n].ID
		at[items[n].ID] = n
		items[n].Crafts = []CraftRef{}
		items[n].Titles = []MasterTitle{}
	}
	var crafts []struct {
		InstructorID int64 `db:"instructor_id"`
		CraftRef
	}
	const cq = `
		SELECT ic.instructor_id, c.id, c.name
		FROM instructor_crafts ic JOIN crafts c ON c.id = ic.craft_id
		WHERE ic.instructor_id = ANY($1)
		ORDER BY c.name COLLATE "vi-VN-x-icu", c.id`
	if err := sqlx.SelectContext(ctx, q, &crafts, cq, pq.Array(ids)); err != nil {
		return err
	}
	for _, c := range crafts {
		n := at[c.InstructorID]
		items[n].Crafts = append(items[n].Crafts, c.CraftRef)
	}
	var titles []MasterTitle
	tq := `SELECT ` + masterTitleColumns + ` FROM master_titles t JOIN crafts c ON c.id = t.craft_id
		WHERE t.instructor_id = ANY($1) ORDER BY ` + masterTitleOrder
	if err := sqlx.SelectContext(ctx, q, &titles, tq, pq.Array(ids)); err != nil {
		return err
	}
	for _, t := range titles {
		n := at[t.InstructorID]
		items[n].Titles = append(items[n].Titles, t)
	}
	return nil
}

// InstructorCommune is a commune offered on the instructor form, with its district for grouping.
type InstructorCommune struct {
	Code     string `db:"code"`
	Name     string `db:"name"`
	District string `db:"district"`
}

// InstructorCommuneChoices returns the communes valid today, plus current (the instructor's own, which
// may have been merged away since), grouped by district in Vietnamese order.
func (s *Store) InstructorCommuneChoices(ctx context.Context, current string) ([]InstructorCommune, error) {
	out := []InstructorCommune{}
	const q = `
		SELECT c.code, c.name, coalesce(d.name, '') AS district
		FROM admin_units c LEFT JOIN admin_units d ON d.code = c.parent_code
		WHERE c.level = 'commune' AND ((c.valid_to IS NULL OR c.valid_to > current_date) OR c.code = $1)
		ORDER BY d.name COLLATE "vi-VN-x-icu", c.name COLLATE "vi-VN-x-icu", c.code`
	if err := s.db.SelectContext(ctx, &out, q, current); err != nil {
		return nil, fmt.Errorf("commune choices: %w", mapErr(err))
	}
	return out, nil
}

// InstructorAccount is a login that may be linked to an instructor.
type InstructorAccount struct {
	ID       int64  `db:"id"`
	FullName string `db:"full_name"`
	Email    string `db:"email"`
}

// InstructorAccountChoices returns the enabled users of the kind's role (master or trainer) that no
// other instructor is linked to; instructorID (0 for a new one) keeps its own link on the list.
func (s *Store) InstructorAccountChoices(ctx context.Context, kind string, instructorID int64) ([]InstructorAccount, error) {
	out := []InstructorAccount{}
	const q = `
		SELECT u.id, u.full_name, u.email FROM users u
		WHERE u.role = $1 AND (u.disabled_at IS NULL OR EXISTS (SELECT 1 FROM instructors i WHERE i.user_id = u.id AND i.id = $2))
		  AND NOT EXISTS (SELECT 1 FROM instructors i WHERE i.user_id = u.id AND i.id <> $2)
		ORDER BY u.full_name COLLATE "vi-VN-x-icu", u.id`
	if err := s.db.SelectContext(ctx, &out, q, kind, instructorID); err != nil {
		return nil, fmt.Errorf("account choices: %w", mapErr(err))
	}
	return out, nil
}

// TitleName is the Vietnamese name of a title code, for documents that are always in Vietnamese.
func TitleName(code string) string {
	switch code {
	case TitleNgheNhanNhanDan:
		return "Nghệ nhân nhân dân"
	case TitleNgheNhanUuTu:
		return "Nghệ nhân ưu tú"
	case TitleNgheNhanCapTinh:
		return "Nghệ nhân cấp tỉnh"
	case TitleThoGioi:
		return "Thợ giỏi"
	}
	return strings.ReplaceAll(code, "_", " ")
}
