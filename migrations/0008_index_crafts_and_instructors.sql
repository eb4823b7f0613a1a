-- Crafts are told apart by their folded name: "may tre dan" is the craft "Mây tre đan", so a second
-- spelling that differs only in case, diacritics or tone placement is refused by the database itself.
CREATE UNIQUE INDEX crafts_search_key_key ON crafts (search_key);

-- Masters and trainers are found by any part of their name without diacritics, and picked by craft.
CREATE INDEX instructors_search_idx ON instructors USING gin (search_key gin_trgm_ops);
CREATE INDEX instructors_kind_idx ON instructors (kind);
CREATE INDEX instructor_crafts_craft_idx ON instructor_crafts (craft_id);
CREATE INDEX master_titles_craft_idx ON master_titles (craft_id, instructor_id);
