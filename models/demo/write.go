package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// userNames are the demo logins' names; the trainer and the master are also instructors.
var userNames = map[string]string{"admin": "Quản trị hệ thống", "staff": "Trần Thị Minh Thu",
	"trainer": "Nguyễn Văn Hải", "master": "Nguyễn Đức Thiện"}

// prepare refuses a database that holds data and reads the public holidays. The lock makes two seeders
// queue up: the second one sees the first one's data and refuses.
func prepare(ctx context.Context, tx *sqlx.Tx) (holidays, error) {
	if _, err := tx.ExecContext(ctx, `LOCK TABLE users, admin_units, crafts, establishments, trainees, courses
		IN SHARE ROW EXCLUSIVE MODE`); err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	var used bool
	if err := tx.GetContext(ctx, &used, `SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM admin_units)
		OR EXISTS (SELECT 1 FROM crafts) OR EXISTS (SELECT 1 FROM establishments)
		OR EXISTS (SELECT 1 FROM trainees) OR EXISTS (SELECT 1 FROM courses)`); err != nil {
		return nil, fmt.Errorf("check empty: %w", err)
	}
	if used {
		return nil, ErrNotEmpty
	}
	var days []time.Time
	if err := tx.SelectContext(ctx, &days, `SELECT day FROM public_holidays ORDER BY day`); err != nil {
		return nil, fmt.Errorf("public holidays: %w", err)
	}
	h := holidays{}
	for _, d := range days {
		h[d.Format(time.DateOnly)] = true
	}
	return h, nil
}

// write stores the data set in tx, every table in the order of its foreign keys. Rows that others
// refer to get ids reserved from their sequences first.
func write(ctx context.Context, tx *sqlx.Tx, d *builder, hashes []string) error {
	users, err := writeUsers(ctx, tx, hashes)
	if err != nil {
		return err
	}
	w := &writer{ctx: ctx, tx: tx, d: d, users: users}
	for _, step := range []func() error{w.places, w.crafts, w.establishments, w.instructors, w.venues, w.courses,
		w.sessions, w.supports, w.trainees, w.enrolments, w.attendance, w.results} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// writeUsers inserts the demo logins and records them in the audit log.
func writeUsers(ctx context.Context, tx *sqlx.Tx, hashes []string) (map[string]int64, error) {
	ids := map[string]int64{}
	for i, l := range Logins {
		var id int64
		if err := tx.GetContext(ctx, &id, `INSERT INTO users (email, full_name, role, password_hash)
			VALUES ($1, $2, $3, $4) RETURNING id`, l.Email, userNames[l.Role], l.Role, hashes[i]); err != nil {
			return nil, fmt.Errorf("insert user %s: %w", l.Email, err)
		}
		ids[l.Role] = id
		v, _ := json.Marshal(map[string]string{"email": l.Email, "full_name": userNames[l.Role], "role": l.Role})
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (actor, action, entity, entity_id, new_values)
			VALUES ('demo', 'user.create', 'users', $1, $2::jsonb)`, strconv.FormatInt(id, 10), string(v)); err != nil {
			return nil, fmt.Errorf("audit user %s: %w", l.Email, err)
		}
	}
	return ids, nil
}

// writer carries the ids given to the rows already written.
type writer struct {
	ctx   context.Context
	tx    *sqlx.Tx
	d     *builder
	users map[string]int64

	craftIDs, estIDs, instrIDs, venueIDs, courseIDs, traineeIDs, enrolIDs []int64
	sessionIDs                                                            [][]int64 // per course
}

// reserve takes n ids from the table's sequence, in increasing order.
func (w *writer) reserve(table string, n int) ([]int64, error) {
	var ids []int64
	if n == 0 {
		return nil, nil
	}
	err := w.tx.SelectContext(w.ctx, &ids, `SELECT nextval(pg_get_serial_sequence($1, 'id')) AS id
		FROM generate_series(1, $2::int) ORDER BY 1`, table, n)
	if err != nil {
		return nil, fmt.Errorf("reserve %s ids: %w", table, err)
	}
	return ids, nil
}

// copyIn loads n rows into table with COPY.
func (w *writer) copyIn(table string, cols []string, n int, row func(i int) []any) error {
	stmt, err := w.tx.PrepareContext(w.ctx, pq.CopyIn(table, cols...))
	if err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	for i := range n {
		if _, err := stmt.ExecContext(w.ctx, row(i)...); err != nil {
			_ = stmt.Close()
			return fmt.Errorf("copy %s row %d: %w", table, i, err)
		}
	}
	if _, err := stmt.ExecContext(w.ctx); err != nil {
		_ = stmt.Close()
		return fmt.Errorf("copy %s: %w", table, err)
	}
	if err := stmt.Close(); err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	return nil
}

// Values for nullable columns.
func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func timeOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func idOrNull(ids []int64, i int) any {
	if i < 0 {
		return nil
	}
	return ids[i]
}

func date(t time.Time) string { return t.Format(time.DateOnly) }

func (w *writer) places() error {
	p := w.d.places
	err := w.copyIn("admin_units", []string{"code", "level", "unit_type", "name", "parent_code", "valid_to"}, len(p.units),
		func(i int) []any {
			u := p.units[i]
			return []any{u.code, u.level, u.unitType, u.name, orNull(u.parent), orNull(u.validTo)}
		})
	if err != nil {
		return err
	}
	return w.copyIn("area_classifications", []string{"unit_code", "class", "valid", "legal_basis"}, len(p.classes),
		func(i int) []any {
			c := p.classes[i]
			return []any{c.unit, c.class, c.valid, c.basis}
		})
}

func (w *writer) crafts() (err error) {
	if w.craftIDs, err = w.reserve("crafts", len(crafts)); err != nil {
		return err
	}
	return w.copyIn("crafts", []string{"id", "name"}, len(crafts), func(i int) []any {
		return []any{w.craftIDs[i], crafts[i].name}
	})
}

func (w *writer) establishments() (err error) {
	es := w.d.ests
	if w.estIDs, err = w.reserve("establishments", len(es)); err != nil {
		return err
	}
	return w.copyIn("establishments", []string{"id", "name", "kind", "registration_no", "commune_code", "main_craft_id",
		"products", "representative", "phone", "created_at", "updated_at"}, len(es), func(i int) []any {
		e := es[i]
		created := at(day(e.since, 1, 5), 9, 0)
		return []any{w.estIDs[i], e.name, e.kind, orNull(e.regNo), e.commune, w.craftIDs[e.craft], e.products,
			e.rep.fullName(), orNull(e.rep.phone), created, created}
	})
}

func (w *writer) instructors() (err error) {
	d := w.d
	if w.instrIDs, err = w.reserve("instructors", len(d.instructors)); err != nil {
		return err
	}
	created := at(day(2012, 1, 3), 9, 0)
	err = w.copyIn("instructors", []string{"id", "kind", "full_name", "phone", "email", "organisation", "commune_code",
		"user_id", "created_at", "updated_at"}, len(d.instructors), func(i int) []any {
		in := d.instructors[i]
		var user any
		if in.login != "" {
			user = w.users[in.login]
		}
		return []any{w.instrIDs[i], in.kind, in.name, orNull(in.phone), orNull(in.email), in.org, orNull(in.commune),
			user, created, created}
	})
	if err != nil {
		return err
	}
	var pairs [][2]int
	for i, in := range d.instructors {
		for _, c := range in.crafts {
			pairs = append(pairs, [2]int{i, c})
		}
	}
	err = w.copyIn("instructor_crafts", []string{"instructor_id", "craft_id"}, len(pairs), func(i int) []any {
		return []any{w.instrIDs[pairs[i][0]], w.craftIDs[pairs[i][1]]}
	})
	if err != nil {
		return err
	}
	return w.copyIn("master_titles", []string{"instructor_id", "title", "craft_id", "awarding_body", "decision_no",
		"decision_date"}, len(d.titles), func(i int) []any {
		t := d.titles[i]
		return []any{w.instrIDs[t.instr], t.title, w.craftIDs[t.craft], t.body, t.decision, t.dated}
	})
}

func (w *writer) venues() (err error) {
	vs := w.d.venues
	if w.venueIDs, err = w.reserve("venues", len(vs)); err != nil {
		return err
	}
	return w.copyIn("venues", []string{"id", "name", "address", "commune_code", "seats", "establishment_id"}, len(vs),
		func(i int) []any {
			v := vs[i]
			return []any{w.venueIDs[i], v.name, v.address, v.commune, v.seats, idOrNull(w.estIDs, v.est)}
		})
}

func (w *writer) courses() (err error) {
	cs := w.d.courses
	if w.courseIDs, err = w.reserve("courses", len(cs)); err != nil {
		return err
	}
	err = w.copyIn("courses", []string{"id", "code", "kind", "activity_code", "craft_id", "title", "description",
		"target_group", "venue_id", "capacity", "per_establishment_limit", "start_date", "end_date", "short_course",
		"budget", "status", "cancel_reason", "trainer_id", "created_by", "submitted_at", "approved_at", "approved_by",
		"created_at", "updated_at"}, len(cs), func(i int) []any {
		c := cs[i]
		var perEst, approvedBy any
		if c.perEst > 0 {
			perEst = c.perEst
		}
		if !c.approved.IsZero() {
			approvedBy = w.users["staff"]
		}
		return []any{w.courseIDs[i], c.code, c.kind, c.activity, idOrNull(w.craftIDs, c.craft), c.title, c.description,
			c.target, w.venueIDs[c.venue], c.capacity, perEst, date(c.start), date(c.end), true, c.budget, c.status,
			orNull(c.cancelReason), idOrNull(w.instrIDs, c.trainer), w.users[c.createdBy], timeOrNull(c.submitted),
			timeOrNull(c.approved), approvedBy, c.created, c.updated}
	})
	if err != nil {
		return err
	}
	type row struct {
		course int
		staffRow
	}
	var rows []row
	for i, c := range cs {
		for _, s := range c.staff {
			rows = append(rows, row{i, s})
		}
	}
	return w.copyIn("course_staff", []string{"course_id", "instructor_id", "role", "assigned_at"}, len(rows),
		func(i int) []any {
			r := rows[i]
			return []any{w.courseIDs[r.course], w.instrIDs[r.instr], r.role, cs[r.course].created}
		})
}

func (w *writer) sessions() error {
	cs := w.d.courses
	type ref struct{ course, session int }
	var refs []ref
	for i, c := range cs {
		for j := range c.sessions {
			refs = append(refs, ref{i, j})
		}
	}
	ids, err := w.reserve("course_sessions", len(refs))
	if err != nil {
		return err
	}
	w.sessionIDs = make([][]int64, len(cs))
	for k, r := range refs {
		w.sessionIDs[r.course] = append(w.sessionIDs[r.course], ids[k])
	}
	return w.copyIn("course_sessions", []string{"id", "course_id", "venue_id", "instructor_id", "starts_at", "ends_at",
		"topic", "status", "cancel_reason", "created_at", "updated_at"}, len(refs), func(k int) []any {
		c := cs[refs[k].course]
		s := c.sessions[refs[k].session]
		status, reason, updated := "scheduled", any(nil), c.created
		if s.cancelled {
			status, reason, updated = "cancelled", "Lớp học bị hủy: "+c.cancelReason, c.updated
		}
		return []any{ids[k], w.courseIDs[refs[k].course], w.venueIDs[s.venue], w.instrIDs[s.instr], s.start, s.end,
			s.topic, status, reason, c.created, updated}
	})
}

func (w *writer) supports() error {
	ss := w.d.supports
	return w.copyIn("support_records", []string{"establishment_id", "commune_code", "support_date", "activity_code",
		"amount", "funding_source", "course_id", "description", "created_at"}, len(ss), func(i int) []any {
		s := ss[i]
		return []any{w.estIDs[s.est], s.commune, date(s.date), s.activity, s.amount, s.source,
			idOrNull(w.courseIDs, s.course), s.description, at(s.date, 15, 0)}
	})
}

func (w *writer) trainees() (err error) {
	ts := w.d.trainees
	if w.traineeIDs, err = w.reserve("trainees", len(ts)); err != nil {
		return err
	}
	return w.copyIn("trainees", []string{"id", "family_name", "middle_name", "given_name", "gender", "birth_date",
		"id_kind", "id_number", "phone", "ethnicity", "commune_code", "establishment_id", "created_at", "updated_at"},
		len(ts), func(i int) []any {
			t := ts[i]
			p := t.p
			return []any{w.traineeIDs[i], p.family, p.middle, p.given, p.gender, date(p.birth), orNull(p.idKind),
				orNull(p.idNumber), orNull(p.phone), p.ethnicity, t.commune, idOrNull(w.estIDs, t.est), t.created, t.created}
		})
}

func (w *writer) enrolments() (err error) {
	es := w.d.enrols
	if w.enrolIDs, err = w.reserve("enrolments", len(es)); err != nil {
		return err
	}
	return w.copyIn("enrolments", []string{"id", "course_id", "trainee_id", "status", "waitlist_position",
		"establishment_id", "job_title", "enrolled_at", "confirmed_at", "withdrawn_at", "withdraw_reason", "withdraw_note"},
		len(es), func(i int) []any {
			e := es[i]
			var pos, confirmed any
			if e.status == "waitlisted" {
				pos = e.pos
			} else {
				confirmed = e.enrolled
			}
			return []any{w.enrolIDs[i], w.courseIDs[e.course], w.traineeIDs[e.trainee], e.status, pos,
				idOrNull(w.estIDs, e.est), e.job, e.enrolled, confirmed, timeOrNull(e.withdrawn), orNull(e.reason), e.note}
		})
}

func (w *writer) attendance() error {
	as := w.d.attendance
	return w.copyIn("attendance", []string{"session_id", "enrolment_id", "course_id", "status", "marked_by", "marked_at",
		"checked_in_at"}, len(as), func(i int) []any {
		a := as[i]
		course := w.d.enrols[a.enrol].course
		return []any{w.sessionIDs[course][a.session], w.enrolIDs[a.enrol], w.courseIDs[course], a.status, w.users[a.by],
			a.marked, timeOrNull(a.checkIn)}
	})
}

func (w *writer) results() error {
	rs := w.d.results
	return w.copyIn("results", []string{"enrolment_id", "score", "passed", "grade", "recorded_by", "recorded_at"},
		len(rs), func(i int) []any {
			r := rs[i]
			return []any{w.enrolIDs[r.enrol], r.score, r.passed, r.grade, w.users["staff"], r.at}
		})
}
