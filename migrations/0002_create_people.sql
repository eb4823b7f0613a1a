-- Accounts, instructors and their titles, venues, establishments and their support, trainees.

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    email         text NOT NULL CHECK (email = lower(btrim(email)) AND email ~ '^[^@[:space:]]+@[^@[:space:]]+$' AND length(email) <= 254),
    full_name     text NOT NULL CHECK (clean_text(full_name) AND length(full_name) <= 200),
    role          text NOT NULL CHECK (role IN ('admin', 'staff', 'trainer', 'master')),
    password_hash text NOT NULL CHECK (password_hash <> ''),
    disabled_at   timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (email);

-- Trainers (giảng viên) and craft masters (nghệ nhân, thợ giỏi). A person may log in when linked to a user.
CREATE TABLE instructors (
    id           bigserial PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('trainer', 'master')),
    full_name    text NOT NULL CHECK (clean_text(full_name) AND length(full_name) <= 200),
    phone        text CHECK (phone ~ '^0[0-9]{9}$'),
    email        text CHECK (email = lower(btrim(email)) AND email LIKE '%_@_%'),
    organisation text NOT NULL DEFAULT '',
    commune_code text REFERENCES admin_units (code),
    user_id      bigint UNIQUE REFERENCES users (id),
    active       boolean NOT NULL DEFAULT true,
    search_key   text GENERATED ALWAYS AS (search_key(full_name)) STORED,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE instructor_crafts (
    instructor_id bigint NOT NULL REFERENCES instructors (id) ON DELETE CASCADE,
    craft_id      bigint NOT NULL REFERENCES crafts (id),
    PRIMARY KEY (instructor_id, craft_id)
);

-- Master craftsman titles: held for a craft, with the awarding decision.
CREATE TABLE master_titles (
    id            bigserial PRIMARY KEY,
    instructor_id bigint NOT NULL REFERENCES instructors (id) ON DELETE CASCADE,
    title         text NOT NULL CHECK (title IN ('nghe_nhan_nhan_dan', 'nghe_nhan_uu_tu', 'nghe_nhan_cap_tinh', 'tho_gioi')),
    craft_id      bigint NOT NULL REFERENCES crafts (id),
    awarding_body text NOT NULL CHECK (clean_text(awarding_body)),
    decision_no   text NOT NULL CHECK (clean_text(decision_no)),
    decision_date date NOT NULL,
    UNIQUE (instructor_id, title, craft_id)
);

-- Rural industrial establishments (cơ sở CNNT).
CREATE TABLE establishments (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL CHECK (clean_text(name) AND length(name) <= 300),
    kind            text NOT NULL CHECK (kind IN ('enterprise', 'cooperative', 'cooperative_group', 'household_business')),
    registration_no text CHECK (registration_no ~ '^[0-9A-Za-z./-]{3,30}$'),
    commune_code    text NOT NULL REFERENCES admin_units (code),
    main_craft_id   bigint REFERENCES crafts (id),
    products        text NOT NULL DEFAULT '',
    representative  text NOT NULL DEFAULT '',
    phone           text CHECK (phone ~ '^0[0-9]{9}$'),
    search_key      text GENERATED ALWAYS AS (search_key(name || ' ' || coalesce(registration_no, ''))) STORED,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX establishments_registration_no_key ON establishments (registration_no) WHERE registration_no IS NOT NULL;
CREATE INDEX establishments_commune_idx ON establishments (commune_code);
CREATE INDEX establishments_search_idx ON establishments USING gin (search_key gin_trgm_ops);

-- Venues: centre rooms, commune cultural houses, an establishment's own workshop.
CREATE TABLE venues (
    id               bigserial PRIMARY KEY,
    name             text NOT NULL CHECK (clean_text(name) AND length(name) <= 300),
    address          text NOT NULL DEFAULT '',
    commune_code     text REFERENCES admin_units (code),
    seats            integer NOT NULL CHECK (seats > 0),
    establishment_id bigint REFERENCES establishments (id),
    active           boolean NOT NULL DEFAULT true,
    search_key       text GENERATED ALWAYS AS (search_key(name || ' ' || address)) STORED
);

-- Trainees (học viên). Names are stored in parts, in NFC; full_name is derived.
CREATE TABLE trainees (
    id               bigserial PRIMARY KEY,
    family_name      text NOT NULL CHECK (family_name = '' OR clean_text(family_name)),
    middle_name      text NOT NULL DEFAULT '' CHECK (middle_name = '' OR clean_text(middle_name)),
    given_name       text NOT NULL CHECK (clean_text(given_name)),
    full_name        text GENERATED ALWAYS AS (btrim(family_name || ' ' || middle_name || ' ' || given_name)) STORED,
    gender           text NOT NULL CHECK (gender IN ('female', 'male', 'other')),
    birth_date       date CHECK (birth_date >= '1900-01-01'),
    id_kind          text CHECK (id_kind IN ('cccd', 'cmnd9', 'cmnd12', 'passport', 'other')),
    id_number        text,
    phone            text CHECK (phone ~ '^0[0-9]{9}$'),
    ethnicity        text NOT NULL DEFAULT 'Kinh' CHECK (clean_text(ethnicity)),
    commune_code     text REFERENCES admin_units (code),
    establishment_id bigint REFERENCES establishments (id),
    link_token_hash  bytea UNIQUE CHECK (octet_length(link_token_hash) = 32),
    search_key       text GENERATED ALWAYS AS (search_key(family_name || ' ' || middle_name || ' ' || given_name)) STORED,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((id_kind IS NULL) = (id_number IS NULL)),
    CHECK (id_kind IS DISTINCT FROM 'cccd' OR id_number ~ '^[0-9]{12}$'),
    CHECK (id_kind IS DISTINCT FROM 'cmnd9' OR id_number ~ '^[0-9]{9}$'),
    CHECK (id_kind IS DISTINCT FROM 'cmnd12' OR id_number ~ '^[0-9]{12}$'),
    CHECK (id_number ~ '^[0-9A-Z]{6,20}$')
);
-- The same personal number never makes two trainees (a CMND12 number is the same number as the CCCD).
CREATE UNIQUE INDEX trainees_id_number_key ON trainees (id_number) WHERE id_number IS NOT NULL;
-- Official lists sort by given name, then family and middle names, with Vietnamese collation.
CREATE INDEX trainees_vi_order_idx ON trainees (given_name COLLATE "vi-VN-x-icu", family_name COLLATE "vi-VN-x-icu", middle_name COLLATE "vi-VN-x-icu", id);
CREATE INDEX trainees_search_idx ON trainees USING gin (search_key gin_trgm_ops);
CREATE INDEX trainees_establishment_idx ON trainees (establishment_id);
