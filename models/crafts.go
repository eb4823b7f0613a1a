package models

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
)

// Craft is a trade taught in the centre's classes (nghề): mây tre đan, mỳ gạo, mộc…
type Craft struct {
	ID       int64  `db:"id" json:"id"`
	Name     string `db:"name" json:"name"`
	Masters  int    `db:"masters" json:"masters"`   // craft masters who practise it
	Trainers int    `db:"trainers" json:"trainers"` // trainers who teach it
}

// CraftRef names a craft where it is attached to something else (an instructor, a title).
type CraftRef struct {
	ID   int64  `db:"id" json:"id"`
	Name string `db:"name" json:"name"`
}

// MaxCraftName is the longest craft name, in characters (the table allows 200).
const MaxCraftName = 200

// The counts come from subqueries so that one column list serves the list, the show page and RETURNING
// (through a re-read): crafts are few, and the counts are what staff look at first.
const craftColumns = `c.id, c.name,
	(SELECT count(*) FROM instructor_crafts ic JOIN instructors i ON i.id = ic.instructor_id
	  WHERE ic.craft_id = c.id AND i.kind = 'master') AS masters,
	(SELECT count(*) FROM instructor_crafts ic JOIN instructors i ON i.id = ic.instructor_id
	  WHERE ic.craft_id = c.id AND i.kind = 'trainer') AS trainers`

var craftSorts = map[string]string{
	"name":     `c.name COLLATE "vi-VN-x-icu", c.id`,
	"masters":  `masters, c.name COLLATE "vi-VN-x-icu", c.id`,
	"trainers": `trainers, c.name COLLATE "vi-VN-x-icu", c.id`,
	"id":       `c.id`,
}

// craftName cleans a craft's name (NFC, one space between words) and returns the field problem, if any.
// Craft names follow the rules of people's names: Latin letters with Vietnamese marks, no other scripts.
func craftName(s string) (string, string) {
	if !utf8.ValidString(s) || !CleanText(s) {
		return "", "invalid_characters"
	}
	s = strings.Join(strings.Fields(NFC(s)), " ")
	switch {
	case s == "":
		return s, "required"
	case utf8.RuneCountInString(s) > MaxCraftName:
		return s, "too_long"
	case !CleanName(s):
		return s, "invalid_characters"
	}
	return s, ""
}

// ListCrafts returns a page of crafts, searched without diacritics ("may tre" finds "Mây tre đan").
func (s *Store) ListCrafts(ctx context.Context, p ListParams) (List[Craft], error) {
	p = p.Normalize()
	order, err := orderBy(p.Sort, craftSorts, "name")
	if err != nil {
		return List[Craft]{}, err
	}
	where, args := searchWhere("c.search_key", p.Q, 1)
	out := List[Craft]{Page: p.Page, PerPage: p.PerPage, Items: []Craft{}}
	if err := s.db.GetContext(ctx, &out.Total, `SELECT count(*) FROM crafts c WHERE `+where, args...); err != nil {
		return out, fmt.Errorf("count crafts: %w", mapErr(err))
	}
	q := fmt.Sprintf(`SELECT %s FROM crafts c WHERE %s %s LIMIT %d OFFSET %d`, craftColumns, where, order, p.PerPage, p.Offset())
	if err := s.db.SelectContext(ctx, &out.Items, q, args...); err != nil {
		return out, fmt.Errorf("list crafts: %w", mapErr(err))
	}
	return out, nil
}

// GetCraft returns one craft with its counts.
func (s *Store) GetCraft(ctx context.Context, id int64) (Craft, error) {
	c, err := getCraft(ctx, s.db, id)
	if err != nil {
		return Craft{}, fmt.Errorf("get craft %d: %w", id, mapErr(err))
	}
	return c, nil
}

func getCraft(ctx context.Context, q sqlx.QueryerContext, id int64) (Craft, error) {
	var c Craft
	err := sqlx.GetContext(ctx, q, &c, `SELECT `+craftColumns+` FROM crafts c WHERE c.id = $1`, id)
	return c, err
}

// CraftChoices returns every craft by name, for the pickers of forms.
func (s *Store) CraftChoices(ctx context.Context) ([]CraftRef, error) {
	out := []CraftRef{}
	const q = `SELECT id, name FROM crafts ORDER BY name COLLATE "vi-VN-x-icu", id`
	if err := s.db.SelectContext(ctx, &out, q); err != nil {
		return nil, fmt.Errorf("craft choices: %w", mapErr(err))
	}
	return out, nil
}

// CreateCraft adds a craft. A name that differs from an existing one only in case, diacritics or tone
// placement is refused by the unique index on search_key (ErrDuplicate, constraint crafts_search_key_key).
func (s *Store) CreateCraft(ctx context.Context, a Actor, name string) (Craft, error) {
	name, problem := craftName(name)
	if problem != "" {
		return Craft{}, &ValidationError{Fields: map[string]string{"name": problem}}
	}
	var c Craft
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var id int64
		if err := tx.GetContext(ctx, &id, `INSERT INTO crafts (name) VALUES ($1) RETURNING id`, name); err != nil {
			return err
		}
		var err error
		if c, err = getCraft(ctx, tx, id); err != nil {
			return err
		}
		return audit(ctx, tx, a, "craft.create", "crafts", id, nil, map[string]any{"name": c.Name})
	})
	if err != nil {
		return Craft{}, fmt.Errorf("create craft: %w", err)
	}
	return c, nil
}

// RenameCraft changes a craft's name everywhere it is shown; courses and titles refer to it by id.
func (s *Store) RenameCraft(ctx context.Context, a Actor, id int64, name string) (Craft, error) {
	name, problem := craftName(name)
	if problem != "" {
		return Craft{}, &ValidationError{Fields: map[string]string{"name": problem}}
	}
	var c Craft
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var old string
		if err := tx.GetContext(ctx, &old, `SELECT name FROM crafts WHERE id = $1 FOR UPDATE`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE crafts SET name = $2 WHERE id = $1`, id, name); err != nil {
			return err
		}
		var err error
		if c, err = getCraft(ctx, tx, id); err != nil {
			return err
		}
		if old == c.Name {
			return nil // nothing changed, nothing to audit
		}
		return audit(ctx, tx, a, "craft.rename", "crafts", id, map[string]any{"name": old}, map[string]any{"name": c.Name})
	})
	if err != nil {
		return Craft{}, fmt.Errorf("rename craft %d: %w", id, err)
	}
	return c, nil
}
