-- Imports of trainees from a spreadsheet into a class: who, when, which file, and the counts. The
-- outcome of every row (result) is kept for the latest import of each class only: it holds personal
-- data (national IDs and phones of rejected rows) and exists so that staff can download the rejected
-- rows, fix them and import them again. Older imports keep their counts; their result is cleared.
CREATE TABLE enrolment_imports (
    id         bigserial PRIMARY KEY,
    course_id  bigint NOT NULL REFERENCES courses (id),
    created_by bigint REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    file_name  text NOT NULL DEFAULT '' CHECK (length(file_name) <= 255 AND file_name !~ '[[:cntrl:]]'),
    total      integer NOT NULL CHECK (total >= 0),
    confirmed  integer NOT NULL CHECK (confirmed >= 0),
    waitlisted integer NOT NULL CHECK (waitlisted >= 0),
    rejected   integer NOT NULL CHECK (rejected >= 0),
    result     jsonb CHECK (result IS NULL OR jsonb_typeof(result) = 'object'),
    CHECK (confirmed + waitlisted + rejected = total)
);
CREATE INDEX enrolment_imports_course_idx ON enrolment_imports (course_id, id);
