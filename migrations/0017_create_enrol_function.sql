-- Enrolment in one round trip. enrol_batch takes a class's row lock once and enrols a list of trainees
-- in order, with every rule of models.Enrol: enrolment open, no second enrolment (a withdrawn one is
-- restored), the overlap warning, the per-establishment limit, a seat while seats remain and nobody
-- waits or else the next place in the queue, and one audit row each. The application sends the
-- enrolments that arrive together as one call, so that a burst commits (and waits for the disk) once
-- per batch instead of once per trainee, with the lock held across each commit.
--
-- p_items is a JSON array of {trainee_id, allow_overlap, establishment_id, job_title, actor_id, actor,
-- client_ip, request_id}. One row comes back per item, in order: outcome 'ok' with the enrolment, or a
-- refusal that the caller turns into its error ('course_not_found', 'enrolment_closed',
-- 'already_enrolled', 'overlap', 'establishment_limit', 'trainee_not_found', 'establishment_not_found').
-- Refusals are answers, not exceptions, so that one refused item never undoes the others.
CREATE FUNCTION enrol_batch(p_course bigint, p_items jsonb)
RETURNS TABLE (ord int, outcome text, id bigint, course_id bigint, trainee_id bigint, full_name text, status text,
               waitlist_position int, establishment_id bigint, enrolled_at timestamptz, confirmed_at timestamptz,
               withdrawn_at timestamptz, withdraw_reason text)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    c          record;
    it         jsonb;
    n_items    int := jsonb_array_length(p_items);
    confirmed  int;
    waiting    int;
    v_trainee  bigint;
    v_est      bigint;
    v_name     text;
    old_id     bigint;
    old_status text;
    v_status   text;
    v_pos      int;
    v_id       bigint;
    n          int;
    refusal    text;
BEGIN
    SELECT co.capacity, co.status, co.per_establishment_limit INTO c FROM courses co WHERE co.id = p_course FOR UPDATE;
    IF NOT FOUND THEN
        refusal := 'course_not_found';
    ELSIF c.status NOT IN ('approved', 'running') THEN
        refusal := 'enrolment_closed';
    END IF;
    IF refusal IS NOT NULL THEN
        FOR i IN 0 .. n_items - 1 LOOP
            ord := i;
            outcome := refusal;
            RETURN NEXT;
        END LOOP;
        RETURN;
    END IF;
    SELECT count(*) FILTER (WHERE e.status = 'confirmed'), count(*) FILTER (WHERE e.status = 'waitlisted')
      INTO confirmed, waiting FROM enrolments e WHERE e.course_id = p_course;

    FOR i IN 0 .. n_items - 1 LOOP
        it := p_items -> i;
        ord := i;
        outcome := NULL; id := NULL; course_id := NULL; trainee_id := NULL; full_name := NULL; status := NULL;
        waitlist_position := NULL; establishment_id := NULL; enrolled_at := NULL; confirmed_at := NULL;
        withdrawn_at := NULL; withdraw_reason := NULL;
        v_trainee := (it ->> 'trainee_id')::bigint;
        v_est := (it ->> 'establishment_id')::bigint;
        old_id := NULL;
        old_status := NULL;

        SELECT e.id, e.status INTO old_id, old_status FROM enrolments e WHERE e.course_id = p_course AND e.trainee_id = v_trainee;
        IF old_id IS NOT NULL AND old_status <> 'withdrawn' THEN
            outcome := 'already_enrolled';
            RETURN NEXT;
            CONTINUE;
        END IF;
        IF NOT coalesce((it ->> 'allow_overlap')::boolean, false) AND EXISTS (
            SELECT 1
            FROM enrolments oe
            JOIN courses oc ON oc.id = oe.course_id AND oc.status NOT IN ('cancelled', 'completed')
            JOIN course_sessions o ON o.course_id = oe.course_id AND o.status = 'scheduled'
            JOIN course_sessions mine ON mine.course_id = p_course AND mine.status = 'scheduled' AND mine.during && o.during
            WHERE oe.trainee_id = v_trainee AND oe.status IN ('confirmed', 'waitlisted') AND oe.course_id <> p_course) THEN
            outcome := 'overlap';
            RETURN NEXT;
            CONTINUE;
        END IF;
        IF c.per_establishment_limit IS NOT NULL AND v_est IS NOT NULL THEN
            SELECT count(*) INTO n FROM enrolments e
            WHERE e.course_id = p_course AND e.establishment_id = v_est AND e.status <> 'withdrawn';
            IF n >= c.per_establishment_limit THEN
                outcome := 'establishment_limit';
                RETURN NEXT;
                CONTINUE;
            END IF;
        END IF;
        SELECT t.full_name INTO v_name FROM trainees t WHERE t.id = v_trainee;
        IF NOT FOUND THEN
            outcome := 'trainee_not_found';
            RETURN NEXT;
            CONTINUE;
        END IF;
        IF v_est IS NOT NULL AND NOT EXISTS (SELECT 1 FROM establishments es WHERE es.id = v_est) THEN
            outcome := 'establishment_not_found';
            RETURN NEXT;
            CONTINUE;
        END IF;

        IF confirmed < c.capacity AND waiting = 0 THEN
            v_status := 'confirmed';
            v_pos := NULL;
            confirmed := confirmed + 1;
        ELSE
            v_status := 'waitlisted';
            waiting := waiting + 1;
            v_pos := waiting;
        END IF;
        IF old_id IS NOT NULL THEN
            UPDATE enrolments e SET status = v_status, waitlist_position = v_pos,
                   confirmed_at = CASE WHEN v_status = 'confirmed' THEN now() END, enrolled_at = now(),
                   withdrawn_at = NULL, withdraw_reason = NULL, withdraw_note = '',
                   establishment_id = coalesce(v_est, e.establishment_id)
            WHERE e.id = old_id;
            v_id := old_id;
            INSERT INTO audit_log (actor_id, actor, action, entity, entity_id, old_values, new_values, client_ip, request_id)
            VALUES ((it ->> 'actor_id')::bigint, coalesce(it ->> 'actor', ''), 'enrolment.restore', 'enrolments', v_id::text,
                    jsonb_build_object('status', 'withdrawn'),
                    jsonb_build_object('status', v_status, 'waitlist_position', v_pos),
                    (it ->> 'client_ip')::inet, coalesce(it ->> 'request_id', ''));
        ELSE
            INSERT INTO enrolments (course_id, trainee_id, status, waitlist_position, confirmed_at, establishment_id, job_title)
            VALUES (p_course, v_trainee, v_status, v_pos, CASE WHEN v_status = 'confirmed' THEN now() END, v_est,
                    coalesce(it ->> 'job_title', ''))
            RETURNING enrolments.id INTO v_id;
            INSERT INTO audit_log (actor_id, actor, action, entity, entity_id, old_values, new_values, client_ip, request_id)
            VALUES ((it ->> 'actor_id')::bigint, coalesce(it ->> 'actor', ''), 'enrolment.create', 'enrolments', v_id::text, NULL,
                    jsonb_build_object('course_id', p_course, 'trainee_id', v_trainee, 'status', v_status, 'waitlist_position', v_pos),
                    (it ->> 'client_ip')::inet, coalesce(it ->> 'request_id', ''));
        END IF;

        SELECT 'ok', e.id, e.course_id, e.trainee_id, v_name, e.status, e.waitlist_position, e.establishment_id, e.enrolled_at,
               e.confirmed_at, e.withdrawn_at, e.withdraw_reason
          INTO outcome, id, course_id, trainee_id, full_name, status, waitlist_position, establishment_id, enrolled_at,
               confirmed_at, withdrawn_at, withdraw_reason
          FROM enrolments e WHERE e.id = v_id;
        RETURN NEXT;
    END LOOP;
END $$;
