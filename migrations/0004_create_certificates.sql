-- Certificates: numbered from locked counters, a snapshot of what was printed, a hashed verification
-- token, and a status that changes only forward. Nothing here is ever deleted.

-- The organisation that issues (a centre, or a partner vocational school).
CREATE TABLE issuers (
    id            bigserial PRIMARY KEY,
    code          text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9-]{2,20}$'),
    name          text NOT NULL CHECK (clean_text(name)),
    parent_name   text NOT NULL DEFAULT '',
    place_name    text NOT NULL CHECK (clean_text(place_name)),
    serial_format text NOT NULL DEFAULT '{code}-{year}-{n:06}',
    register_format text NOT NULL DEFAULT '{n:04}/{year}',
    signer_name   text NOT NULL DEFAULT '',
    signer_title  text NOT NULL DEFAULT ''
);

-- Gap-free counters: the serial number per issuer (year 0) and the register number per issuer and year.
-- The issuing transaction locks the row, so numbers are never skipped or reused.
CREATE TABLE certificate_counters (
    issuer_id  bigint NOT NULL REFERENCES issuers (id),
    scope      text NOT NULL CHECK (scope IN ('serial', 'register')),
    year       integer NOT NULL CHECK (year = 0 OR year BETWEEN 2000 AND 2200),
    last_value integer NOT NULL DEFAULT 0 CHECK (last_value >= 0),
    PRIMARY KEY (issuer_id, scope, year),
    CHECK ((scope = 'serial') = (year = 0))
);

CREATE TABLE certificates (
    id                  bigserial PRIMARY KEY,
    issuer_id           bigint NOT NULL REFERENCES issuers (id),
    enrolment_id        bigint NOT NULL REFERENCES enrolments (id),
    kind                text NOT NULL CHECK (kind IN ('chung_chi', 'giay_chung_nhan')),
    serial_no           integer NOT NULL CHECK (serial_no > 0),
    serial              text NOT NULL UNIQUE,
    register_year       integer NOT NULL CHECK (register_year BETWEEN 2000 AND 2200),
    register_no         integer NOT NULL CHECK (register_no > 0),
    register_label      text NOT NULL,
    token_hash          bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    snapshot            jsonb NOT NULL CHECK (jsonb_typeof(snapshot) = 'object'),
    template_version    text NOT NULL,
    pdf                 bytea,
    pdf_sha256          bytea CHECK (octet_length(pdf_sha256) = 32),
    issued_on           date NOT NULL,
    issued_at           timestamptz NOT NULL DEFAULT now(),
    issued_by           bigint REFERENCES users (id),
    status              text NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'revoked', 'superseded')),
    revoked_at          timestamptz,
    revocation_decision text,
    revocation_date     date,
    revocation_reason   text,
    superseded_by       bigint REFERENCES certificates (id),
    correction_reason   text,
    replaces_id         bigint UNIQUE REFERENCES certificates (id),
    UNIQUE (issuer_id, serial_no),
    UNIQUE (issuer_id, register_year, register_no),
    CHECK ((pdf IS NULL) = (pdf_sha256 IS NULL)),
    CHECK ((status = 'revoked') = (revoked_at IS NOT NULL)),
    CHECK (status <> 'revoked' OR (clean_text(revocation_decision) AND clean_text(revocation_reason) AND revocation_date IS NOT NULL)),
    CHECK ((status = 'superseded') = (superseded_by IS NOT NULL)),
    CHECK (superseded_by IS NULL OR clean_text(correction_reason))
);
-- At most one valid certificate per enrolment.
CREATE UNIQUE INDEX certificates_one_valid_per_enrolment ON certificates (enrolment_id) WHERE status = 'valid';
CREATE INDEX certificates_issued_on_idx ON certificates (issued_on);

-- What was printed never changes; status moves only from valid to revoked or superseded; no deletes.
CREATE FUNCTION certificates_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'certificates are never deleted' USING ERRCODE = 'check_violation', CONSTRAINT = 'certificates_immutable';
    END IF;
    IF (NEW.issuer_id, NEW.enrolment_id, NEW.kind, NEW.serial_no, NEW.serial, NEW.register_year, NEW.register_no,
        NEW.register_label, NEW.token_hash, NEW.snapshot, NEW.template_version, NEW.issued_on, NEW.issued_at)
       IS DISTINCT FROM
       (OLD.issuer_id, OLD.enrolment_id, OLD.kind, OLD.serial_no, OLD.serial, OLD.register_year, OLD.register_no,
        OLD.register_label, OLD.token_hash, OLD.snapshot, OLD.template_version, OLD.issued_on, OLD.issued_at)
       OR (OLD.pdf IS NOT NULL AND NEW.pdf IS DISTINCT FROM OLD.pdf)
       OR (OLD.status <> 'valid' AND NEW.status IS DISTINCT FROM OLD.status) THEN
        RAISE EXCEPTION 'certificate % is a snapshot and cannot change', OLD.serial
            USING ERRCODE = 'check_violation', CONSTRAINT = 'certificates_immutable';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER certificates_immutable BEFORE UPDATE OR DELETE ON certificates
    FOR EACH ROW EXECUTE FUNCTION certificates_guard();
