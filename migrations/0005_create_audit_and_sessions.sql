-- The append-only audit log, login sessions, API tokens, rate-limit counters and background jobs.

CREATE TABLE audit_log (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    actor_id   bigint REFERENCES users (id),
    actor      text NOT NULL DEFAULT '',
    action     text NOT NULL CHECK (action ~ '^[a-z_.]{2,60}$'),
    entity     text NOT NULL CHECK (entity ~ '^[a-z_]{2,60}$'),
    entity_id  text NOT NULL DEFAULT '',
    old_values jsonb,
    new_values jsonb,
    client_ip  inet,
    request_id text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- The application may only append to the audit log.
CREATE FUNCTION audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Server-side sessions (keyed by the SHA-256 of the cookie value), shared by every app instance.
CREATE TABLE user_sessions (
    id_hash     bytea PRIMARY KEY CHECK (octet_length(id_hash) = 32),
    user_id     bigint REFERENCES users (id) ON DELETE CASCADE,
    data        jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    last_seen   timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX user_sessions_user_idx ON user_sessions (user_id);
CREATE INDEX user_sessions_expires_idx ON user_sessions (expires_at);

-- Bearer tokens for the JSON API, stored hashed, revocable, with an expiry.
CREATE TABLE api_tokens (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);

-- Fixed-window rate-limit counters, shared by every app instance.
CREATE TABLE rate_limits (
    key          text NOT NULL,
    window_start timestamptz NOT NULL,
    hits         integer NOT NULL CHECK (hits > 0),
    PRIMARY KEY (key, window_start)
);

-- Background jobs (batch printing…), claimed with FOR UPDATE SKIP LOCKED by any instance.
CREATE TABLE jobs (
    id          bigserial PRIMARY KEY,
    kind        text NOT NULL,
    payload     jsonb NOT NULL DEFAULT '{}',
    status      text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    progress    integer NOT NULL DEFAULT 0 CHECK (progress >= 0),
    total       integer NOT NULL DEFAULT 0 CHECK (total >= 0),
    attempts    integer NOT NULL DEFAULT 0,
    result_path text,
    error       text,
    created_by  bigint REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    started_at  timestamptz,
    finished_at timestamptz,
    heartbeat   timestamptz
);
CREATE INDEX jobs_queued_idx ON jobs (created_at) WHERE status IN ('queued', 'running');
