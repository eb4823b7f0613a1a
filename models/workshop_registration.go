package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// MaxParticipants is the most people one registration may list (the workshop's own per-establishment
// limit is usually far lower).
const MaxParticipants = 20

// ParticipantInput is one person an establishment sends to a workshop, as typed.
type ParticipantInput struct {
	FullName string
	Gender   string
	JobTitle string // position in the establishment: chủ cơ sở, giám đốc, kế toán…
	Phone    string
	IDNumber string // optional national ID; finds the person when they are on file
}

// WorkshopRegistrationInput registers an establishment and the people it sends. The establishment is
// one on file (EstablishmentID), or else Establishment as typed: found by its registration number, or
// by its name in its commune, and created when it is new.
type WorkshopRegistrationInput struct {
	EstablishmentID int64
	Establishment   EstablishmentInput
	Participants    []ParticipantInput
}

// RegisteredParticipant is the outcome for one participant: a seat or a place on the waitlist.
type RegisteredParticipant struct {
	EnrolmentID      int64  `db:"id" json:"enrolment_id"`
	TraineeID        int64  `db:"trainee_id" json:"trainee_id"`
	FullName         string `db:"full_name" json:"full_name"`
	JobTitle         string `db:"job_title" json:"job_title"`
	Status           string `db:"status" json:"status"`
	WaitlistPosition *int   `db:"waitlist_position" json:"waitlist_position"`
}

// WorkshopRegistration is the outcome of a registration.
type WorkshopRegistration struct {
	Establishment        Establishment           `json:"establishment"`
	EstablishmentCreated bool                    `json:"establishment_created"`
	Participants         []RegisteredParticipant `json:"participants"`
}

// participantField names a participant's field in errors: participants.0.full_name.
func participantField(i int, field string) string { return fmt.Sprintf("participants.%d.%s", i, field) }

// validate cleans the participants and returns them as trainees (without their establishment yet) with
// the field errors found.
func (in WorkshopRegistrationInput) validate(today time.Time) ([]NewTrainee, map[string]string) {
	errs := map[string]string{}
	switch {
	case len(in.Participants) == 0:
		errs["participants"] = "ws_no_participants"
	case len(in.Participants) > MaxParticipants:
		errs["participants"] = "ws_too_many_participants"
	}
	if in.EstablishmentID == 0 {
		for k, v := range in.Establishment.Validate() {
			errs["establishment."+k] = v
		}
	}
	out := make([]NewTrainee, len(in.Participants))
	for i, p := range in.Participants {
		n, perrs := TraineeInput{FullName: p.FullName, Gender: p.Gender, Phone: p.Phone, IDNumber: p.IDNumber}.Validate(today)
		for k, v := range perrs {
			if k == "given_name" || k == "family_name" || k == "middle_name" {
				k = "full_name"
			}
			errs[participantField(i, k)] = v
		}
		if NFC(p.FullName) == "" {
			errs[participantField(i, "full_name")] = "required"
		}
		if NFC(p.Phone) == "" {
			errs[participantField(i, "phone")] = "required"
		}
		checkLine(errs, participantField(i, "job_title"), NFC(p.JobTitle), 200, true)
		out[i] = n
	}
	return out, errs
}

// RegisterForWorkshop registers an establishment and its participants in one transaction: the
// establishment is found or created, each participant is found (by national ID, or by phone and name)
// or created as a trainee of the establishment, and enrolled with the enrolment rules — a seat while
// seats remain, else the waitlist; no one twice; at most the workshop's per-establishment limit. Any
// refusal leaves nothing behind. Only people of the establishment register: someone on file as
// another establishment's is refused.
func (s *Store) RegisterForWorkshop(ctx context.Context, a Actor, courseID int64, in WorkshopRegistrationInput) (WorkshopRegistration, error) {
	in.Establishment = in.Establishment.normalize()
	people, errs := in.validate(Today())
	if len(errs) > 0 {
		return WorkshopRegistration{}, &ValidationError{Fields: errs}
	}
	var out WorkshopRegistration
	var ids []int64
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var kind string
		if err := tx.GetContext(ctx, &kind, `SELECT kind FROM courses WHERE id = $1 FOR UPDATE`, courseID); err != nil {
			return err
		}
		if kind != KindWorkshop {
			return ErrNotFound
		}
		est, created, err := registeringEstablishment(ctx, tx, a, in)
		if err != nil {
			return err
		}
		out.Establishment, out.EstablishmentCreated = est, created
		for i, p := range in.Participants {
			tid, err := participantTrainee(ctx, tx, a, est.ID, people[i], i)
			if err != nil {
				return err
			}
			id, err := enrolTx(ctx, tx, a, courseID, tid, EnrolOptions{AllowOverlap: true, EstablishmentID: &est.ID, JobTitle: p.JobTitle})
			if err != nil {
				return participantError(err, i)
			}
			ids = append(ids, id)
		}
		return audit(ctx, tx, a, "workshop.register", "courses", courseID, nil, map[string]any{
			"establishment_id": est.ID, "establishment_created": created, "enrolments": ids})
	})
	if err != nil {
		return WorkshopRegistration{}, fmt.Errorf("register for workshop %d: %w", courseID, err)
	}
	const q = `SELECT e.id, e.trainee_id, t.full_name, e.job_title, e.status, e.waitlist_position
		FROM enrolments e JOIN trainees t ON t.id = e.trainee_id WHERE e.id = ANY($1) ORDER BY array_position($1, e.id)`
	if err := s.db.SelectContext(ctx, &out.Participants, q, pq.Array(ids)); err != nil {
		return out, fmt.Errorf("read registration: %w", mapErr(err))
	}
	return out, nil
}

// participantError puts an enrolment's refusal on the participant who caused it.
func participantError(err error, i int) error {
	var ve *ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	switch {
	case ve.Fields["trainee_id"] == "already_enrolled":
		return &ValidationError{Fields: map[string]string{participantField(i, "full_name"): "ws_already_registered"}}
	case ve.Fields["establishment_id"] == "establishment_limit":
		return &ValidationError{Fields: map[string]string{"participants": "ws_establishment_limit"}}
	}
	return err
}

// registeringEstablishment finds the establishment of a registration, or creates it.
func registeringEstablishment(ctx context.Context, tx *sqlx.Tx, a Actor, in WorkshopRegistrationInput) (Establishment, bool, error) {
	const byID = `SELECT ` + estColumns + ` FROM establishments e` + estJoins + ` WHERE e.id = $1`
	var e Establishment
	if in.EstablishmentID > 0 {
		err := tx.GetContext(ctx, &e, byID, in.EstablishmentID)
		if errors.Is(mapErr(err), ErrNotFound) {
			return e, false, &ValidationError{Fields: map[string]string{"establishment_id": "not_found"}}
		}
		return e, false, err
	}
	est := in.Establishment
	// The same establishment is not created twice: its registration number identifies it; without one,
	// its name in its commune (diacritics and case folded) does.
	const find = `SELECT id FROM establishments
		WHERE ($1 <> '' AND registration_no = $1)
		   OR ($1 = '' AND search_key(name) = search_key($2) AND commune_code = $3)
		ORDER BY (registration_no = $1) DESC NULLS LAST, id LIMIT 1`
	var id int64
	err := tx.GetContext(ctx, &id, find, est.RegistrationNo, est.Name, est.CommuneCode)
	switch {
	case err == nil:
		return e, false, tx.GetContext(ctx, &e, byID, id)
	case !errors.Is(mapErr(err), ErrNotFound):
		return e, false, err
	}
	e, err = createEstablishment(ctx, tx, a, est)
	var ve *ValidationError
	if errors.As(err, &ve) {
		fields := map[string]string{}
		for k, v := range ve.Fields {
			fields["establishment."+k] = v
		}
		return e, false, &ValidationError{Fields: fields}
	}
	return e, true, err
}

// participantTrainee finds the participant on file — by national ID when given, else by phone and
// name — or creates them as a trainee of the establishment. Someone on file without an establishment
// is linked to it; someone of another establishment is refused.
func participantTrainee(ctx context.Context, tx *sqlx.Tx, a Actor, estID int64, n NewTrainee, i int) (int64, error) {
	full := fullName(n)
	var found struct {
		ID      int64  `db:"id"`
		EstID   *int64 `db:"establishment_id"`
		SameKey bool   `db:"same_name"`
	}
	var err error
	if n.IDNumber != nil {
		err = tx.GetContext(ctx, &found, `SELECT id, establishment_id, search_key(full_name) = search_key($2) AS same_name
			FROM trainees WHERE id_number = $1 FOR UPDATE`, *n.IDNumber, full)
		if err == nil && !found.SameKey {
			return 0, &ValidationError{Fields: map[string]string{participantField(i, "id_number"): "ws_id_other_person"}}
		}
	} else {
		err = tx.GetContext(ctx, &found, `SELECT id, establishment_id, true AS same_name FROM trainees
			WHERE phone = $1 AND search_key(full_name) = search_key($2)
			ORDER BY (establishment_id = $3) DESC NULLS LAST, id LIMIT 1 FOR UPDATE`, n.Phone, full, estID)
	}
	switch {
	case errors.Is(mapErr(err), ErrNotFound):
		n.EstablishmentID = &estID
		t, err := insertTrainee(ctx, tx, a, n)
		return t.ID, err
	case err != nil:
		return 0, err
	case found.EstID != nil && *found.EstID != estID:
		return 0, &ValidationError{Fields: map[string]string{participantField(i, "full_name"): "ws_other_establishment"}}
	case found.EstID == nil:
		if _, err := tx.ExecContext(ctx, `UPDATE trainees SET establishment_id = $2, phone = coalesce(phone, $3), updated_at = now() WHERE id = $1`,
			found.ID, estID, n.Phone); err != nil {
			return 0, err
		}
		if err := audit(ctx, tx, a, "trainee.update", "trainees", found.ID, map[string]any{"establishment_id": nil},
			map[string]any{"establishment_id": estID}); err != nil {
			return 0, err
		}
	}
	return found.ID, nil
}

// fullName joins a trainee's name parts as the database does.
func fullName(n NewTrainee) string {
	out := ""
	for _, p := range []string{n.FamilyName, n.MiddleName, n.GivenName} {
		if p != "" {
			if out != "" {
				out += " "
			}
			out += p
		}
	}
	return out
}

// Participant is one person registered for a workshop, with their check-in.
type Participant struct {
	EnrolmentID      int64      `db:"enrolment_id" json:"enrolment_id"`
	TraineeID        int64      `db:"trainee_id" json:"trainee_id"`
	FullName         string     `db:"full_name" json:"full_name"`
	Gender           string     `db:"gender" json:"gender"`
	JobTitle         string     `db:"job_title" json:"job_title"`
	Phone            *string    `db:"phone" json:"phone"`
	Status           string     `db:"status" json:"status"`
	WaitlistPosition *int       `db:"waitlist_position" json:"waitlist_position"`
	EnrolledAt       time.Time  `db:"enrolled_at" json:"enrolled_at"`
	InvitedAt        *time.Time `db:"checkin_token_issued_at" json:"invited_at"`
	CheckedInAt      *time.Time `db:"checked_in_at" json:"checked_in_at"`
	EstablishmentID  *int64     `db:"establishment_id" json:"-"`
	EstablishmentNm  string     `db:"establishment_name" json:"-"`
	CommuneName      string     `db:"commune_name" json:"-"`
	DistrictName     string     `db:"district_name" json:"-"`
}

// EstablishmentRegistrations is one establishment of a workshop with the people it sent (ID 0 holds
// people enrolled without an establishment).
type EstablishmentRegistrations struct {
	EstablishmentID int64         `json:"establishment_id"`
	Name            string        `json:"name"`
	CommuneName     string        `json:"commune_name"`
	DistrictName    string        `json:"district_name"`
	Participants    []Participant `json:"participants"`
}

// WorkshopRegistrations lists a workshop's registrations by establishment (Vietnamese order), people
// in name order. CheckedInAt is the check-in on the given day (session), or the first of any day when
// sessionID is 0.
func (s *Store) WorkshopRegistrations(ctx context.Context, courseID, sessionID int64) ([]EstablishmentRegistrations, error) {
	const q = `
		SELECT e.id AS enrolment_id, t.id AS trainee_id, t.full_name, t.gender, e.job_title, t.phone, e.status,
		       e.waitlist_position, e.enrolled_at, e.checkin_token_issued_at, e.establishment_id,
		       (SELECT min(a.checked_in_at) FROM attendance a WHERE a.enrolment_id = e.id AND ($2 = 0 OR a.session_id = $2)) AS checked_in_at,
		       coalesce(es.name, '') AS establishment_name, coalesce(cm.name, '') AS commune_name, coalesce(d.name, '') AS district_name
		FROM enrolments e
		JOIN trainees t ON t.id = e.trainee_id
		LEFT JOIN establishments es ON es.id = e.establishment_id
		LEFT JOIN admin_units cm ON cm.code = es.commune_code
		LEFT JOIN admin_units d ON d.code = cm.parent_code
		WHERE e.course_id = $1
		ORDER BY es.name IS NULL, es.name COLLATE "vi-VN-x-icu", es.id,
		         CASE e.status WHEN 'confirmed' THEN 0 WHEN 'waitlisted' THEN 1 ELSE 2 END,
		         t.given_name COLLATE "vi-VN-x-icu", t.family_name COLLATE "vi-VN-x-icu", t.middle_name COLLATE "vi-VN-x-icu", e.id`
	var rows []Participant
	if err := s.db.SelectContext(ctx, &rows, q, courseID, sessionID); err != nil {
		return nil, fmt.Errorf("registrations of workshop %d: %w", courseID, mapErr(err))
	}
	out := []EstablishmentRegistrations{}
	for _, p := range rows {
		var id int64
		if p.EstablishmentID != nil {
			id = *p.EstablishmentID
		}
		if n := len(out); n == 0 || out[n-1].EstablishmentID != id {
			out = append(out, EstablishmentRegistrations{EstablishmentID: id, Name: p.EstablishmentNm,
				CommuneName: p.CommuneName, DistrictName: p.DistrictName})
		}
		out[len(out)-1].Participants = append(out[len(out)-1].Participants, p)
	}
	return out, nil
}

// Position is the place on the waitlist, or 0 with a seat.
func (p RegisteredParticipant) Position() int {
	if p.WaitlistPosition == nil {
		return 0
	}
	return *p.WaitlistPosition
}

// Position is the place on the waitlist, or 0 with a seat.
func (p Participant) Position() int {
	if p.WaitlistPosition == nil {
		return 0
	}
	return *p.WaitlistPosition
}
