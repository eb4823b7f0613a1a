package models

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// MaxVenueSeats bounds a venue's seats as courses bound their capacity.
const MaxVenueSeats = 10000

// Venue is a place where sessions are held: a centre room, a commune cultural house (nhà văn hóa), or
// an establishment's own workshop.
type Venue struct {
	ID                int64   `db:"id" json:"id"`
	Name              string  `db:"name" json:"name"`
	Address           string  `db:"address" json:"address"`
	CommuneCode       *string `db:"commune_code" json:"commune_code"`
	CommuneName       *string `db:"commune_name" json:"commune_name"`
	DistrictCode      *string `db:"district_code" json:"district_code"`
	DistrictName      *string `db:"district_name" json:"district_name"`
	Seats             int     `db:"seats" json:"seats"`
	EstablishmentID   *int64  `db:"establishment_id" json:"establishment_id"`
	EstablishmentName *string `db:"establishment_name" json:"establishment_name"`
	Active            bool    `db:"active" json:"active"`
}

// VenueInput is what staff enter for a venue; the store cleans and checks it.
type VenueInput struct {
	Name            string
	Address         string
	CommuneCode     string // "" for none
	Seats           int
	EstablishmentID *int64
	Active          bool
}

func (in VenueInput) normalize() VenueInput {
	in.Name = NFC(in.Name)
	in.Address = NFC(in.Address)
	in.CommuneCode = NFC(in.CommuneCode)
	return in
}

// Validate checks the fields that need no database and returns message keys by field.
func (in VenueInput) Validate() map[string]string {
	in = in.normalize()
	errs := map[string]string{}
	checkLine(errs, "name", in.Name, 300, true)
	checkLine(errs, "address", in.Address, 500, false)
	if in.CommuneCode != "" && !ValidUnitCode(in.CommuneCode) {
		errs["commune_code"] = "est_invalid_commune"
	}
	if in.Seats < 1 || in.Seats > MaxVenueSeats {
		errs["seats"] = "venue_invalid_seats"
	}
	if in.EstablishmentID != nil && *in.EstablishmentID < 1 {
		errs["establishment_id"] = "venue_invalid_establishment"
	}
	return errs
}

const (
	venueColumns = `v.id, v.name, v.address, v.commune_code, c.name AS commune_name, d.code AS district_code,
		d.name AS district_name, v.seats, v.establishment_id, es.name AS establishment_name, v.active`
	venueJoins = ` LEFT JOIN admin_units c ON c.code = v.commune_code
		LEFT JOIN admin_units d ON d.code = c.parent_code
		LEFT JOIN establishments es ON es.id = v.establishment_id`
	venueReturning = ` RETURNING id, name, address, commune_code, seats, establishment_id, active`
)

var venueSorts = map[string]string{
	"name":     `v.name COLLATE "vi-VN-x-icu", v.id`,
	"seats":    `v.seats, v.id`,
	"commune":  `c.name COLLATE "vi-VN-x-icu", v.name COLLATE "vi-VN-x-icu", v.id`,
	"district": `d.name COLLATE "vi-VN-x-icu", c.name COLLATE "vi-VN-x-icu", v.name COLLATE "vi-VN-x-icu", v.id`,
}

// VenueSortKeys are the sort keys ListVenues accepts (each also with a leading "-").
var VenueSortKeys = []string{"name", "seats", "commune", "district"}

// VenueFilter narrows a list of venues; empty fields do not filter.
type VenueFilter struct {
	District string
	Active   *bool
}

// ListVenues returns a page of venues, searched without diacritics by name, address, commune and district.
func (s *Store) ListVenues(ctx context.Context, p ListParams, f VenueFilter) (List[Venue], error) {
	p = p.Normalize()
	out := List[Venue]{Page: p.Page, PerPage: p.PerPage, Items: []Venue{}}
	if f.District != "" && !ValidUnitCode(f.District) {
		return out, &ValidationError{Fields: map[string]string{"district": "est_invalid_district"}}
	}
	order, err := orderBy(p.Sort, venueSorts, "name")
	if err != nil {
		return out, err
	}
	where, args := searchWhere(`(v.search_key || ' ' || coalesce(c.search_key, '') || ' ' || coalesce(d.search_key, ''))`, p.Q, 3)
	args = append([]any{f.District, f.Active}, args...)
	from := ` FROM venues v` + venueJoins + ` WHERE ($1 = '' OR c.parent_code = $1) AND ($2::boolean IS NULL OR v.active = $2) AND ` + where
	if err := s.db.GetContext(ctx, &out.Total, `SELECT count(*)`+from, args...); err != nil {
		return out, fmt.Errorf("count venues: %w", mapErr(err))
	}
	q := fmt.Sprintf(`SELECT %s %s %s LIMIT %d OFFSET %d`, venueColumns, from, order, p.PerPage, p.Offset())
	if err := s.db.SelectContext(ctx, &out.Items, q, args...); err != nil {
		return out, fmt.Errorf("list venues: %w", mapErr(err))
	}
	return out, nil
}

// GetVenue returns one venue.
func (s *Store) GetVenue(ctx context.Context, id int64) (Venue, error) {
	var v Venue
	const q = `SELECT ` + venueColumns + ` FROM venues v` + venueJoins + ` WHERE v.id = $1`
	if err := s.db.GetContext(ctx, &v, q, id); err != nil {
		return Venue{}, fmt.Errorf("get venue %d: %w", id, mapErr(err))
	}
	return v, nil
}

// checkVenue runs every rule on the input; current is the venue's commune now ("" when new or none).
func checkVenue(ctx context.Context, tx *sqlx.Tx, in VenueInput, current string) error {
	errs := in.Validate()
	if errs["commune_code"] == "" {
		if err := checkCommune(ctx, tx, in.CommuneCode, current, errs, "commune_code"); err != nil {
			return err
		}
	}
	if in.EstablishmentID != nil && errs["establishment_id"] == "" {
		var ok bool
		if err := tx.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM establishments WHERE id = $1)`, *in.EstablishmentID); err != nil {
			return err
		}
		if !ok {
			errs["establishment_id"] = "venue_invalid_establishment"
		}
	}
	if len(errs) > 0 {
		return &ValidationError{Fields: errs}
	}
	return nil
}

// CreateVenue stores a new venue and audits it.
func (s *Store) CreateVenue(ctx context.Context, a Actor, in VenueInput) (Venue, error) {
	in = in.normalize()
	var v Venue
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := checkVenue(ctx, tx, in, ""); err != nil {
			return err
		}
		const q = `WITH v AS (
			INSERT INTO venues (name, address, commune_code, seats, establishment_id, active)
			VALUES ($1, $2, $3, $4, $5, $6)` + venueReturning + `)
			SELECT ` + venueColumns + ` FROM v` + venueJoins
		if err := tx.GetContext(ctx, &v, q, in.Name, in.Address, nullString(in.CommuneCode), in.Seats, in.EstablishmentID, in.Active); err != nil {
			return err
		}
		return audit(ctx, tx, a, "venue.create", "venues", v.ID, nil, v.auditValues())
	})
	if err != nil {
		return Venue{}, fmt.Errorf("create venue %q: %w", in.Name, err)
	}
	return v, nil
}

// UpdateVenue changes a venue and audits its old and new values.
func (s *Store) UpdateVenue(ctx context.Context, a Actor, id int64, in VenueInput) (Venue, error) {
	in = in.normalize()
	var v Venue
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var old Venue
		const lock = `SELECT ` + venueColumns + ` FROM venues v` + venueJoins + ` WHERE v.id = $1 FOR UPDATE OF v`
		if err := tx.GetContext(ctx, &old, lock, id); err != nil {
			return err
		}
		current := ""
		if old.CommuneCode != nil {
			current = *old.CommuneCode
		}
		if err := checkVenue(ctx, tx, in, current); err != nil {
			return err
		}
		const q = `WITH v AS (
			UPDATE venues SET name = $2, address = $3, commune_code = $4, seats = $5, establishment_id = $6, active = $7
			WHERE id = $1` + venueReturning + `)
			SELECT ` + venueColumns + ` FROM v` + venueJoins
		if err := tx.GetContext(ctx, &v, q, id, in.Name, in.Address, nullString(in.CommuneCode), in.Seats, in.EstablishmentID, in.Active); err != nil {
			return err
		}
		return audit(ctx, tx, a, "venue.update", "venues", id, old.auditValues(), v.auditValues())
	})
	if err != nil {
		return Venue{}, fmt.Errorf("update venue %d: %w", id, err)
	}
	return v, nil
}

func (v Venue) auditValues() map[string]any {
	return map[string]any{
		"name": v.Name, "address": v.Address, "commune_code": v.CommuneCode, "seats": v.Seats,
		"establishment_id": v.EstablishmentID, "active": v.Active,
	}
}

// Input returns the venue as the input that would store it unchanged, for edit forms and PATCH.
func (v Venue) Input() VenueInput {
	in := VenueInput{Name: v.Name, Address: v.Address, Seats: v.Seats, EstablishmentID: v.EstablishmentID, Active: v.Active}
	if v.CommuneCode != nil {
		in.CommuneCode = *v.CommuneCode
	}
	return in
}
