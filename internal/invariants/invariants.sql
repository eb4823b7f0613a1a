-- Invariants of khuyencong's records. Each query below lists the rows that break one promise, so a
-- healthy database returns zero rows from every one of them. The benchmark harness and the fault drills
-- (cmd/kcbench) run them after every burst and every drill through invariants.Check; they also run as
-- they are: psql -X -f internal/invariants/invariants.sql "$DATABASE_URL".
--
-- A line "-- name: <name>" starts each query; the text up to the next such line is the query.

-- name: capacity_exceeded
-- More confirmed seats than the class has. Lowering a class's capacity never removes anyone (the extra
-- people keep their seats until they leave), so a class whose capacity was lowered is left out.
SELECT c.id AS course_id, c.capacity, count(*) AS confirmed
FROM courses c JOIN enrolments e ON e.course_id = c.id AND e.status = 'confirmed'
WHERE NOT EXISTS (SELECT 1 FROM audit_log a
                  WHERE a.entity = 'courses' AND a.entity_id = c.id::text AND a.action = 'course.capacity'
                    AND (a.new_values ->> 'capacity')::int < (a.old_values ->> 'capacity')::int)
GROUP BY c.id, c.capacity
HAVING count(*) > c.capacity;

-- name: seat_free_while_queue_waits
-- A free seat while people wait: a freed seat goes to the head of the queue in the same transaction.
SELECT c.id AS course_id, c.capacity,
       count(*) FILTER (WHERE e.status = 'confirmed') AS confirmed,
       count(*) FILTER (WHERE e.status = 'waitlisted') AS waiting
FROM courses c JOIN enrolments e ON e.course_id = c.id
GROUP BY c.id, c.capacity
HAVING count(*) FILTER (WHERE e.status = 'waitlisted') > 0
   AND count(*) FILTER (WHERE e.status = 'confirmed') < c.capacity;

-- name: waitlist_not_contiguous
-- Waitlist positions of a class are exactly 1..n: no gap, no repeat.
SELECT course_id, count(*) AS waiting, min(waitlist_position) AS first, max(waitlist_position) AS last,
       count(DISTINCT waitlist_position) AS distinct_positions
FROM enrolments
WHERE status = 'waitlisted'
GROUP BY course_id
HAVING min(waitlist_position) <> 1 OR max(waitlist_position) <> count(*) OR count(DISTINCT waitlist_position) <> count(*);

-- name: venue_double_booked
-- Two live sessions in one venue at overlapping times (half-open ranges: back to back is fine).
SELECT a.id AS session_id, b.id AS other_session_id, a.venue_id
FROM course_sessions a JOIN course_sessions b
  ON b.venue_id = a.venue_id AND b.id > a.id AND b.during && a.during
WHERE a.status = 'scheduled' AND b.status = 'scheduled';

-- name: instructor_double_booked
-- One trainer or master in two live sessions at overlapping times.
SELECT a.id AS session_id, b.id AS other_session_id, a.instructor_id
FROM course_sessions a JOIN course_sessions b
  ON b.instructor_id = a.instructor_id AND b.id > a.id AND b.during && a.during
WHERE a.status = 'scheduled' AND b.status = 'scheduled';

-- name: register_numbers_not_gap_free
-- Register numbers of each issuer and year run 1..n with no gap and no repeat, and the counter stands at n.
SELECT c.issuer_id, c.register_year, count(*) AS certificates, max(c.register_no) AS last,
       count(DISTINCT c.register_no) AS distinct_numbers, k.last_value AS counter
FROM certificates c
LEFT JOIN certificate_counters k ON k.issuer_id = c.issuer_id AND k.scope = 'register' AND k.year = c.register_year
GROUP BY c.issuer_id, c.register_year, k.last_value
HAVING min(c.register_no) <> 1 OR max(c.register_no) <> count(*) OR count(DISTINCT c.register_no) <> count(*)
    OR k.last_value IS DISTINCT FROM count(*);

-- name: serial_numbers_not_gap_free
-- Serial numbers of each issuer run 1..n, never skipped or reused, and the counter stands at n.
SELECT c.issuer_id, count(*) AS certificates, max(c.serial_no) AS last, k.last_value AS counter
FROM certificates c
LEFT JOIN certificate_counters k ON k.issuer_id = c.issuer_id AND k.scope = 'serial' AND k.year = 0
GROUP BY c.issuer_id, k.last_value
HAVING min(c.serial_no) <> 1 OR max(c.serial_no) <> count(*) OR count(DISTINCT c.serial_no) <> count(*)
    OR k.last_value IS DISTINCT FROM count(*);

-- name: several_valid_certificates
-- At most one valid certificate per enrolment.
SELECT enrolment_id, count(*) AS valid_certificates
FROM certificates
WHERE status = 'valid'
GROUP BY enrolment_id
HAVING count(*) > 1;
