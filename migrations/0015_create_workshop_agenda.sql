-- Management-capacity workshops (activity KC2): the agenda of each workshop day, the time its doors
-- open for check-in, the check-in token on each registration's invitation, and the keys that sign
-- public forms.

-- A workshop day is one of the workshop's sessions; doors_open_at is when check-in starts (without a
-- row, 30 minutes before the session). Doors open before the session starts, at most 12 hours before.
CREATE TABLE workshop_days (
    session_id    bigint PRIMARY KEY,
    course_id     bigint NOT NULL,
    doors_open_at timestamptz NOT NULL,
    FOREIGN KEY (session_id, course_id) REFERENCES course_sessions (id, course_id) ON DELETE CASCADE
);

-- Timed items of a workshop day. The speaker is exactly one of: a staff member (a user), a trainer or
-- craft master (an instructor), or an outside speaker by name with their organisation.
CREATE TABLE workshop_agenda_items (
    id                    bigserial PRIMARY KEY,
    course_id             bigint NOT NULL,
    session_id            bigint NOT NULL,
    starts_at             timestamptz NOT NULL,
    ends_at               timestamptz NOT NULL,
    topic                 text NOT NULL CHECK (clean_text(topic) AND length(topic) <= 300),
    speaker_user_id       bigint REFERENCES users (id),
    speaker_instructor_id bigint REFERENCES instructors (id),
    speaker_name          text CHECK (clean_text(speaker_name) AND length(speaker_name) <= 200),
    speaker_org           text NOT NULL DEFAULT '' CHECK (speaker_org = '' OR (clean_text(speaker_org) AND length(speaker_org) <= 300)),
    created_at            timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (session_id, course_id) REFERENCES course_sessions (id, course_id) ON DELETE CASCADE,
    CONSTRAINT workshop_agenda_items_ends_after_start CHECK (ends_at > starts_at),
    CONSTRAINT workshop_agenda_items_one_speaker CHECK (num_nonnulls(speaker_user_id, speaker_instructor_id, speaker_name) = 1),
    -- Staff and instructors carry their own organisation; only an outside speaker's is typed.
    CONSTRAINT workshop_agenda_items_org_of_guest CHECK (speaker_org = '' OR speaker_name IS NOT NULL)
);
CREATE INDEX workshop_agenda_items_session_idx ON workshop_agenda_items (session_id, starts_at);
CREATE INDEX workshop_agenda_items_course_idx ON workshop_agenda_items (course_id);

-- Agenda items belong to workshops and lie within their day's session; a CHECK cannot read the
-- session, so a trigger does.
CREATE FUNCTION workshop_agenda_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    s record;
BEGIN
    SELECT cs.starts_at, cs.ends_at, c.kind INTO s
    FROM course_sessions cs JOIN courses c ON c.id = cs.course_id
    WHERE cs.id = NEW.session_id AND cs.course_id = NEW.course_id;
    IF NOT FOUND THEN
        RETURN NEW; -- the foreign key refuses it
    END IF;
    IF s.kind <> 'management_workshop' THEN
        RAISE EXCEPTION 'course % is not a workshop', NEW.course_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'workshop_agenda_items_workshop_only';
    END IF;
    IF NEW.starts_at < s.starts_at OR NEW.ends_at > s.ends_at THEN
        RAISE EXCEPTION 'agenda item % lies outside its session %', NEW.id, NEW.session_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'workshop_agenda_items_within_session';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER workshop_agenda_items_check BEFORE INSERT OR UPDATE ON workshop_agenda_items
    FOR EACH ROW EXECUTE FUNCTION workshop_agenda_check();

CREATE FUNCTION workshop_days_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    s record;
BEGIN
    SELECT cs.starts_at, c.kind INTO s
    FROM course_sessions cs JOIN courses c ON c.id = cs.course_id
    WHERE cs.id = NEW.session_id AND cs.course_id = NEW.course_id;
    IF NOT FOUND THEN
        RETURN NEW;
    END IF;
    IF s.kind <> 'management_workshop' THEN
        RAISE EXCEPTION 'course % is not a workshop', NEW.course_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'workshop_days_workshop_only';
    END IF;
    IF NEW.doors_open_at > s.starts_at OR NEW.doors_open_at < s.starts_at - interval '12 hours' THEN
        RAISE EXCEPTION 'doors of session % open at a wrong time', NEW.session_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'workshop_days_doors_before_start';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER workshop_days_check BEFORE INSERT OR UPDATE ON workshop_days
    FOR EACH ROW EXECUTE FUNCTION workshop_days_check();

-- A workshop day that moves takes its agenda and its doors-open time along; a day shortened past its
-- agenda is refused by the agenda's own check.
CREATE FUNCTION workshop_follow_session() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    shift interval := NEW.starts_at - OLD.starts_at;
BEGIN
    UPDATE workshop_days SET doors_open_at = doors_open_at + shift WHERE session_id = NEW.id;
    UPDATE workshop_agenda_items SET starts_at = starts_at + shift, ends_at = ends_at + shift WHERE session_id = NEW.id;
    RETURN NEW;
END $$;
CREATE TRIGGER course_sessions_workshop_follow AFTER UPDATE OF starts_at, ends_at ON course_sessions
    FOR EACH ROW WHEN (OLD.starts_at IS DISTINCT FROM NEW.starts_at OR OLD.ends_at IS DISTINCT FROM NEW.ends_at)
    EXECUTE FUNCTION workshop_follow_session();

-- The check-in QR on a participant's invitation carries a random token; only its SHA-256 is kept.
-- Printing the invitation again issues a new token, and the old printout stops working.
ALTER TABLE enrolments ADD COLUMN checkin_token_hash bytea UNIQUE CHECK (octet_length(checkin_token_hash) = 32);
ALTER TABLE enrolments ADD COLUMN checkin_token_issued_at timestamptz;
ALTER TABLE enrolments ADD CONSTRAINT enrolments_checkin_token_issued
    CHECK ((checkin_token_hash IS NULL) = (checkin_token_issued_at IS NULL));

-- Server-side keys for signing values that travel through the browser (the start time of a public
-- form), shared by every app instance. Made on first use.
CREATE TABLE signing_keys (
    purpose    text PRIMARY KEY CHECK (purpose ~ '^[a-z][a-z0-9_.-]{1,59}$'),
    secret     bytea NOT NULL CHECK (octet_length(secret) >= 32),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- A registration finds a participant already on file by phone and name.
CREATE INDEX trainees_phone_idx ON trainees (phone) WHERE phone IS NOT NULL;
