-- Extensions, text helpers, administrative units and their area classifications over time.

CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- search_key folds case, diacritics and tone placement so that "nguyen thi anh" finds
-- "Nguyễn Thị Ánh" and "Hoà" finds "Hòa". unaccent maps đ to d. Declared IMMUTABLE (with the
-- dictionary named explicitly) so that it can back generated columns and indexes.
CREATE FUNCTION search_key(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN lower(public.unaccent('public.unaccent'::regdictionary, normalize(t, NFC)));

-- clean_text holds for every human-entered name: NFC, trimmed, not blank, no control characters.
CREATE FUNCTION clean_text(t text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN t IS NFC NORMALIZED AND t = btrim(t) AND t <> '' AND t !~ '[[:cntrl:]]';

-- Province, district and commune-level units by official (GSO) code, valid over [valid_from, valid_to).
CREATE TABLE admin_units (
    code        text PRIMARY KEY CHECK (code ~ '^[0-9]{2,5}$'),
    level       text NOT NULL CHECK (level IN ('province', 'district', 'commune')),
    unit_type   text NOT NULL CHECK (unit_type IN ('tinh', 'thanh_pho', 'thi_xa', 'huyen', 'phuong', 'thi_tran', 'xa')),
    name        text NOT NULL CHECK (clean_text(name)),
    parent_code text REFERENCES admin_units (code),
    valid_from  date NOT NULL DEFAULT '1900-01-01',
    valid_to    date,
    search_key  text GENERATED ALWAYS AS (search_key(name)) STORED,
    CHECK (valid_to IS NULL OR valid_to > valid_from),
    CHECK ((level = 'province') = (parent_code IS NULL))
);
CREATE INDEX admin_units_parent_idx ON admin_units (parent_code);

-- Difficult / especially difficult classification of a unit over a period, from a legal list.
-- A unit has at most one class on any day.
CREATE TABLE area_classifications (
    id          bigserial PRIMARY KEY,
    unit_code   text NOT NULL REFERENCES admin_units (code),
    class       text NOT NULL CHECK (class IN ('difficult', 'especially_difficult')),
    valid       daterange NOT NULL CHECK (NOT isempty(valid) AND lower(valid) IS NOT NULL),
    legal_basis text NOT NULL DEFAULT '',
    EXCLUDE USING gist (unit_code WITH =, valid WITH &&)
);

-- The activity kinds of the programme (Decree 45/2012 Art. 4: KC1…KC9), kept as dated data.
CREATE TABLE activity_kinds (
    code    text PRIMARY KEY CHECK (code ~ '^KC[0-9]{1,2}$'),
    name_vi text NOT NULL CHECK (clean_text(name_vi)),
    name_en text NOT NULL CHECK (clean_text(name_en)),
    valid   daterange NOT NULL DEFAULT daterange('2012-07-15', NULL)
);

INSERT INTO activity_kinds (code, name_vi, name_en) VALUES
    ('KC1', 'Đào tạo nghề, truyền nghề', 'Vocational training and craft transmission'),
    ('KC2', 'Nâng cao năng lực quản lý', 'Management capacity building'),
    ('KC3', 'Mô hình trình diễn kỹ thuật, chuyển giao công nghệ', 'Technical demonstration and technology transfer'),
    ('KC4', 'Phát triển sản phẩm công nghiệp nông thôn tiêu biểu', 'Typical rural industrial products, fairs and brands'),
    ('KC5', 'Tư vấn, trợ giúp cơ sở công nghiệp nông thôn', 'Consultancy and assistance'),
    ('KC6', 'Cung cấp thông tin', 'Information'),
    ('KC7', 'Liên doanh liên kết, cụm công nghiệp', 'Joint ventures and industrial clusters'),
    ('KC8', 'Hợp tác quốc tế về khuyến công', 'International cooperation'),
    ('KC9', 'Nâng cao năng lực tổ chức thực hiện khuyến công', 'Capacity of the programme''s own staff');

-- Crafts (nghề): mây tre đan, mỳ gạo, mộc, may công nghiệp…
CREATE TABLE crafts (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL UNIQUE CHECK (clean_text(name) AND length(name) <= 200),
    search_key text GENERATED ALWAYS AS (search_key(name)) STORED
);
