-- Indexes for reading sessions by time: the calendar (sessions overlapping a week or a month), the
-- hours taught per master in a year, and an instructor's own schedule. The exclusion constraints'
-- GiST indexes only cover scheduled sessions, and calendars show cancelled ones too.
-- A session lasts at most 16 hours (a CHECK), so "overlaps [from, to)" is asked as
-- "starts in [from − 16 h, to)", one range scan of the first index.
CREATE INDEX course_sessions_starts_idx ON course_sessions (starts_at);
CREATE INDEX course_sessions_instructor_starts_idx ON course_sessions (instructor_id, starts_at);
