package models

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

// CourseFilter narrows a list of courses. OwnerUserID > 0 limits it to the classes a trainer or master
// registered, leads, is assigned to or teaches a session of; Public limits it to the catalogue.
type CourseFilter struct {
	ListParams
	Status      string
	Kind        string
	Year        int
	OwnerUserID int64
	Public      bool
}

var courseSorts = map[string]string{
	"start": `c.start_date, c.id`,
	"code":  `c.code, c.id`,
	"title": `c.title COLLATE "vi-VN-x-icu", c.id`,
}

// ownedBy is the SQL condition "user $n has to do with course c".
func ownedBy(n int) string {
	return fmt.Sprintf(`(c.created_by = $%[1]d OR i.user_id = $%[1]d
		OR EXISTS (SELECT 1 FROM course_staff cs JOIN instructors mi ON mi.id = cs.instructor_id WHERE cs.course_id = c.id AND mi.user_id = $%[1]d)
		OR EXISTS (SELECT 1 FROM course_sessions s JOIN instructors si ON si.id = s.instructor_id WHERE s.course_id = c.id AND si.user_id = $%[1]d))`, n)
}

// ListCourses returns a page of courses, newest first by default.
func (s *Store) ListCourses(ctx context.Context, f CourseFilter) (List[Course], error) {
	p := f.ListParams.Normalize()
	order, err := orderBy(p.Sort, courseSorts, "-start")
	if err != nil {
		return List[Course]{}, err
	}
	where, args := searchWhere("c.search_key", p.Q, 1)
	conds := []string{where}
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, fmt.Sprintf(cond, len(args)))
	}
	if f.Status != "" {
		add("c.status = $%d", f.Status)
	}
	if f.Kind != "" {
		add("c.kind = $%d", f.Kind)
	}
	if f.Year > 0 {
		add("extract(year FROM c.start_date) = $%d", f.Year)
	}
	if f.Public {
		conds = append(conds, "c.status IN ('approved', 'running')")
	}
	if f.OwnerUserID > 0 {
		args = append(args, f.OwnerUserID)
		conds = append(conds, ownedBy(len(args)))
	}
	w := strings.Join(conds, " AND ")
	out := List[Course]{Page: p.Page, PerPage: p.PerPage, Items: []Course{}}
	countQ := `SELECT count(*) FROM courses c LEFT JOIN instructors i ON i.id = c.trainer_id WHERE ` + w
	if err := s.db.GetContext(ctx, &out.Total, countQ, args...); err != nil {
		return out, fmt.Errorf("count courses: %w", mapErr(err))
	}
	q := fmt.Sprintf(`%s WHERE %s %s LIMIT %d OFFSET %d`, courseSelect, w, order, p.PerPage, p.Offset())
	if err := s.db.SelectContext(ctx, &out.Items, q, args...); err != nil {
		return out, fmt.Errorf("list courses: %w", mapErr(err))
	}
	return out, nil
}

// CourseRole says what a user may do with a course: nothing, read it, or manage it.
type CourseRole int

// What a user may do with a course.
const (
	CourseNone   CourseRole = iota // not theirs: it answers 404
	CourseReader                   // teaches or is assigned to it
	CourseOwner                    // registered it or is its trainer: may edit and submit it
	CourseStaff                    // staff and admin: everything
)

// CourseAccess tells what the user may do with the course.
func (s *Store) CourseAccess(ctx context.Context, u User, courseID int64) (CourseRole, error) {
	if u.Role == RoleAdmin || u.Role == RoleStaff {
		var one int
		if err := s.get(ctx, &one, courseExistsQuery, courseID); err != nil {
			return CourseNone, fmt.Errorf("course access: %w", mapErr(err))
		}
		return CourseStaff, nil
	}
	var r courseAccessFlags
	if err := s.get(ctx, &r, courseAccessQuery, courseID, u.ID); err != nil {
		return CourseNone, fmt.Errorf("course access: %w", mapErr(err))
	}
	return r.role(u), nil
}

// courseAccessFlags are the facts the access rules need: whether the user registered or trains the
// class (owner) and whether they teach in it at all (reader).
type courseAccessFlags struct {
	Owner  bool `db:"acc_owner"`
	Reader bool `db:"acc_reader"`
}

func (r courseAccessFlags) role(u User) CourseRole {
	switch {
	case r.Owner && u.Role == RoleTrainer:
		return CourseOwner
	case r.Reader:
		return CourseReader
	}
	return CourseNone
}

// accessExprs compute courseAccessFlags for the user $2; coalesce: a class without a trainer
// (i.user_id NULL) makes the ORs NULL, not false, for a stranger.
var accessExprs = `coalesce(c.created_by = $2 OR i.user_id = $2, false) AS acc_owner, coalesce(` + ownedBy(2) + `, false) AS acc_reader`

var courseAccessQuery = `SELECT ` + accessExprs + ` FROM courses c LEFT JOIN instructors i ON i.id = c.trainer_id WHERE c.id = $1`

// courseAsQuery is GetCourse's query with the access flags of the user $2.
var courseAsQuery = courseColumns + `, ` + accessExprs + courseJoins + ` WHERE c.id = $1`

// CourseAs returns the course with what the user may do with it, in one query: what a page about a
// course needs first. A course the user may not see comes back with CourseNone; one that does not
// exist is ErrNotFound.
func (s *Store) CourseAs(ctx context.Context, u User, id int64) (Course, CourseRole, error) {
	if u.Role == RoleAdmin || u.Role == RoleStaff {
		c, err := s.GetCourse(ctx, id)
		if err != nil {
			return Course{}, CourseNone, err
		}
		return c, CourseStaff, nil
	}
	var row struct {
		Course
		courseAccessFlags
	}
	if err := s.get(ctx, &row, courseAsQuery, id, u.ID); err != nil {
		return Course{}, CourseNone, fmt.Errorf("get course %d: %w", id, mapErr(err))
	}
	role := row.role(u)
	if role == CourseNone {
		return Course{}, CourseNone, nil
	}
	return row.Course, role, nil
}

// Course transitions, as actions.
const (
	ActionSubmit   = "submit"
	ActionReturn   = "return"
	ActionApprove  = "approve"
	ActionStart    = "start"
	ActionComplete = "complete"
	ActionCancel   = "cancel"
)

var transitions = map[string]struct {
	from []string
	to   string
}{
	ActionSubmit:   {[]string{StatusDraft}, StatusSubmitted},
	ActionReturn:   {[]string{StatusSubmitted}, StatusDraft},
	ActionApprove:  {[]string{StatusSubmitted}, StatusApproved},
	ActionStart:    {[]string{StatusApproved}, StatusRunning},
	ActionComplete: {[]string{StatusRunning}, StatusCompleted},
	ActionCancel:   {[]string{StatusDraft, StatusSubmitted, StatusApproved, StatusRunning}, StatusCancelled},
}

// TransitionCourse moves a course along its life cycle in one transaction: the course row is locked,
// the rules of the step are checked (a class is submitted with at least one session; a craft-transmission
// class is approved only with a lead master titled for its craft; a cancellation has a reason and frees
// the class's sessions), and the step is audited.
func (s *Store) TransitionCourse(ctx context.Context, a Actor, id int64, action, reason string) (Course, error) {
	tr, ok := transitions[action]
	if !ok {
		return Course{}, &ValidationError{Fields: map[string]string{"action": "invalid_choice"}}
	}
	reason = NFC(reason)
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var c struct {
			Status  string `db:"status"`
			Kind    string `db:"kind"`
			CraftID *int64 `db:"craft_id"`
		}
		if err := tx.GetContext(ctx, &c, `SELECT status, kind, craft_id FROM courses WHERE id = $1 FOR UPDATE`, id); err != nil {
			return err
		}
		allowed := false
		for _, f := range tr.from {
			allowed = allowed || f == c.Status
		}
		if !allowed {
			return &ValidationError{Fields: map[string]string{"status": "transition_" + c.Status + "_" + action}}
		}
		if err := checkTransition(ctx, tx, id, action, reason, c.Kind, c.CraftID); err != nil {
			return err
		}
		var set string
		switch action {
		case ActionSubmit:
			set = `, submitted_at = now()`
		case ActionApprove:
			set = `, approved_at = now(), approved_by = ` + nullableID(a.UserID)
		case ActionCancel:
			set = `, cancel_reason = $3`
			if _, err := tx.ExecContext(ctx, `UPDATE course_sessions SET status = 'cancelled', cancel_reason = $2, updated_at = now()
				WHERE course_id = $1 AND status = 'scheduled'`, id, "Lớp bị hủy: "+reason); err != nil {
				return err
			}
		}
		q := `UPDATE courses SET status = $2, updated_at = now()` + set + ` WHERE id = $1`
		args := []any{id, tr.to}
		if action == ActionCancel {
			args = append(args, reason)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
		newVals := map[string]any{"status": tr.to}
		if reason != "" {
			newVals["reason"] = reason
		}
		return audit(ctx, tx, a, "course."+action, "courses", id, map[string]any{"status": c.Status}, newVals)
	})
	if err != nil {
		return Course{}, fmt.Errorf("%s course %d: %w", action, id, err)
	}
	return s.GetCourse(ctx, id)
}

func nullableID(id int64) string {
	if id > 0 {
		return fmt.Sprint(id)
	}
	return "NULL"
}

func checkTransition(ctx context.Context, tx *sqlx.Tx, id int64, action, reason, kind string, craftID *int64) error {
	switch action {
	case ActionCancel:
		if reason == "" {
			return &ValidationError{Fields: map[string]string{"reason": "required"}}
		}
	case ActionSubmit, ActionApprove:
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT count(*) FROM course_sessions WHERE course_id = $1 AND status = 'scheduled'`, id); err != nil {
			return err
		}
		if n == 0 {
			return &ValidationError{Fields: map[string]string{"sessions": "no_sessions"}}
		}
		if action == ActionApprove && kind == KindCraftTransmission {
			ok, err := hasTitledLead(ctx, tx, id, craftID)
			if err != nil {
				return err
			}
			if !ok {
				return &ValidationError{Fields: map[string]string{"staff": "master_no_title"}}
			}
		}
	}
	return nil
}

// hasTitledLead reports whether the course's lead master holds a title for the course's craft.
func hasTitledLead(ctx context.Context, q sqlx.QueryerContext, courseID int64, craftID *int64) (bool, error) {
	if craftID == nil {
		return false, nil
	}
	var ok bool
	const sq = `
		SELECT EXISTS (
			SELECT 1 FROM course_staff cs JOIN master_titles mt ON mt.instructor_id = cs.instructor_id
			WHERE cs.course_id = $1 AND cs.role = 'lead' AND mt.craft_id = $2)`
	err := sqlx.GetContext(ctx, q, &ok, sq, courseID, *craftID)
	return ok, err
}
