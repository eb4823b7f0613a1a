-- Courses (classes and workshops), their sessions and staff, enrolments, attendance and results,
-- and the support records that the reach reports count.

CREATE TABLE courses (
    id                 bigserial PRIMARY KEY,
    code               text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9./-]{2,39}$'),
    kind               text NOT NULL CHECK (kind IN ('vocational', 'craft_transmission', 'skill_upgrade', 'management_workshop')),
    activity_code      text NOT NULL REFERENCES activity_kinds (code),
    craft_id           bigint REFERENCES crafts (id),
    title              text NOT NULL CHECK (clean_text(title) AND length(title) <= 300),
    description        text NOT NULL DEFAULT '',
    target_group       text NOT NULL DEFAULT '',
    venue_id           bigint REFERENCES venues (id),
    capacity           integer NOT NULL CHECK (capacity > 0 AND capacity <= 10000),
    per_establishment_limit integer CHECK (per_establishment_limit > 0),
    start_date         date NOT NULL,
    end_date           date NOT NULL,
    short_course       boolean NOT NULL DEFAULT true,
    budget             bigint NOT NULL DEFAULT 0 CHECK (budget >= 0),
    min_attendance_pct numeric(5, 2) NOT NULL DEFAULT 80 CHECK (min_attendance_pct BETWEEN 0 AND 100),
    status             text NOT NULL DEFAULT 'draft'
                       CHECK (status IN ('draft', 'submitted', 'approved', 'running', 'completed', 'cancelled')),
    cancel_reason      text,
    trainer_id         bigint REFERENCES instructors (id),
    created_by         bigint NOT NULL REFERENCES users (id),
    submitted_at       timestamptz,
    approved_at        timestamptz,
    approved_by        bigint REFERENCES users (id),
    search_key         text GENERATED ALWAYS AS (search_key(code || ' ' || title)) STORED,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (end_date >= start_date),
    -- Short courses (đào tạo thường xuyên) last under three months.
    CHECK (NOT short_course OR end_date < (start_date + interval '3 months')::date),
    -- Only workshops go without a craft; only workshops limit seats per establishment.
    CHECK (kind = 'management_workshop' OR craft_id IS NOT NULL),
    CHECK (kind = 'management_workshop' OR per_establishment_limit IS NULL),
    CHECK ((status = 'cancelled') = (cancel_reason IS NOT NULL)),
    CHECK (cancel_reason IS NULL OR clean_text(cancel_reason)),
    CHECK (status IN ('draft', 'submitted', 'cancelled') OR approved_at IS NOT NULL)
);
CREATE INDEX courses_status_start_idx ON courses (status, start_date);
CREATE INDEX courses_trainer_idx ON courses (trainer_id);

-- The life cycle draft → submitted → approved → running → completed, or cancelled before completion,
-- holds whichever code writes the row. Going back from submitted to draft is allowed (returned for changes).
CREATE FUNCTION courses_check_transition() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = OLD.status THEN
        RETURN NEW;
    END IF;
    IF (OLD.status, NEW.status) IN (
        ('draft', 'submitted'), ('submitted', 'draft'), ('submitted', 'approved'),
        ('approved', 'running'), ('running', 'completed'),
        ('draft', 'cancelled'), ('submitted', 'cancelled'), ('approved', 'cancelled'), ('running', 'cancelled')) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'course % cannot go from % to %', OLD.id, OLD.status, NEW.status
        USING ERRCODE = 'check_violation', CONSTRAINT = 'courses_status_transition';
END $$;
CREATE TRIGGER courses_status_transition BEFORE UPDATE OF status ON courses
    FOR EACH ROW EXECUTE FUNCTION courses_check_transition();

-- Staff of a course: trainers and craft masters with their role. At most one lead.
CREATE TABLE course_staff (
    course_id     bigint NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    instructor_id bigint NOT NULL REFERENCES instructors (id),
    role          text NOT NULL CHECK (role IN ('lead', 'assistant', 'trainer')),
    assigned_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (course_id, instructor_id)
);
CREATE UNIQUE INDEX course_staff_one_lead ON course_staff (course_id) WHERE role = 'lead';
CREATE INDEX course_staff_instructor_idx ON course_staff (instructor_id);

-- Sessions (buổi học): half-open time ranges. No venue and no instructor is ever in two overlapping
-- live sessions; back-to-back sessions do not overlap because the ranges are [start, end).
CREATE TABLE course_sessions (
    id            bigserial PRIMARY KEY,
    course_id     bigint NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    venue_id      bigint NOT NULL REFERENCES venues (id),
    instructor_id bigint NOT NULL REFERENCES instructors (id),
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    -- greatest() keeps the generated range valid so that the CHECK below, not a range error, refuses
    -- a session that ends before it starts.
    during        tstzrange GENERATED ALWAYS AS (tstzrange(starts_at, greatest(starts_at, ends_at), '[)')) STORED,
    topic         text NOT NULL DEFAULT '',
    status        text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
    cancel_reason text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT course_sessions_ends_after_start CHECK (ends_at > starts_at),
    CHECK (ends_at - starts_at <= interval '16 hours'),
    CHECK ((status = 'cancelled') = (cancel_reason IS NOT NULL)),
    UNIQUE (id, course_id),
    CONSTRAINT course_sessions_venue_overlap
        EXCLUDE USING gist (venue_id WITH =, during WITH &&) WHERE (status = 'scheduled'),
    CONSTRAINT course_sessions_instructor_overlap
        EXCLUDE USING gist (instructor_id WITH =, during WITH &&) WHERE (status = 'scheduled')
);
CREATE INDEX course_sessions_course_idx ON course_sessions (course_id, starts_at);

-- Enrolments: a confirmed seat, a place on the waitlist (positions 1..n per course), or withdrawn.
CREATE TABLE enrolments (
    id                bigserial PRIMARY KEY,
    course_id         bigint NOT NULL REFERENCES courses (id),
    trainee_id        bigint NOT NULL REFERENCES trainees (id),
    status            text NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'withdrawn')),
    waitlist_position integer CHECK (waitlist_position > 0),
    establishment_id  bigint REFERENCES establishments (id),
    job_title         text NOT NULL DEFAULT '',
    enrolled_at       timestamptz NOT NULL DEFAULT now(),
    confirmed_at      timestamptz,
    withdrawn_at      timestamptz,
    withdraw_reason   text CHECK (withdraw_reason IN ('own_request', 'illness', 'moved_away', 'found_work', 'other')),
    withdraw_note     text NOT NULL DEFAULT '',
    UNIQUE (course_id, trainee_id),
    UNIQUE (id, course_id),
    CHECK ((status = 'waitlisted') = (waitlist_position IS NOT NULL)),
    CHECK ((status = 'confirmed') = (confirmed_at IS NOT NULL) OR status = 'withdrawn'),
    CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL AND withdraw_reason IS NOT NULL))
);
-- Positions are unique per course; deferrable so that a queue can move up inside one transaction.
ALTER TABLE enrolments ADD CONSTRAINT enrolments_waitlist_position_key
    UNIQUE (course_id, waitlist_position) DEFERRABLE INITIALLY DEFERRED;
CREATE INDEX enrolments_trainee_idx ON enrolments (trainee_id);
CREATE INDEX enrolments_course_status_idx ON enrolments (course_id, status);

-- Attendance per session and enrolment of the same course.
CREATE TABLE attendance (
    session_id   bigint NOT NULL,
    enrolment_id bigint NOT NULL,
    course_id    bigint NOT NULL,
    status       text NOT NULL CHECK (status IN ('present', 'late', 'excused', 'absent')),
    marked_by    bigint REFERENCES users (id),
    marked_at    timestamptz NOT NULL DEFAULT now(),
    checked_in_at timestamptz,
    PRIMARY KEY (session_id, enrolment_id),
    FOREIGN KEY (session_id, course_id) REFERENCES course_sessions (id, course_id) ON DELETE CASCADE,
    FOREIGN KEY (enrolment_id, course_id) REFERENCES enrolments (id, course_id)
);
CREATE INDEX attendance_enrolment_idx ON attendance (enrolment_id);

-- Final assessment for training kinds: a score 0–10 and passed or not.
CREATE TABLE results (
    enrolment_id bigint PRIMARY KEY REFERENCES enrolments (id),
    score        numeric(4, 2) CHECK (score BETWEEN 0 AND 10),
    passed       boolean NOT NULL,
    grade        text NOT NULL DEFAULT '',
    recorded_by  bigint REFERENCES users (id),
    recorded_at  timestamptz NOT NULL DEFAULT now()
);

-- Support to an establishment: one funded benefit (lượt hỗ trợ). The commune is the establishment's
-- commune on the date of support, so a later move does not rewrite history.
CREATE TABLE support_records (
    id               bigserial PRIMARY KEY,
    establishment_id bigint NOT NULL REFERENCES establishments (id),
    commune_code     text NOT NULL REFERENCES admin_units (code),
    support_date     date NOT NULL,
    activity_code    text NOT NULL REFERENCES activity_kinds (code),
    amount           bigint NOT NULL CHECK (amount >= 0),
    funding_source   text NOT NULL DEFAULT 'local' CHECK (funding_source IN ('national', 'local')),
    course_id        bigint REFERENCES courses (id),
    description      text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX support_records_date_idx ON support_records (support_date);
CREATE INDEX support_records_establishment_idx ON support_records (establishment_id);
