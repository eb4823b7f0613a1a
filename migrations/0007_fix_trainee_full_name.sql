-- A trainee without a middle name got two spaces in full_name ("Lý  Bình"), which showed on pages and
-- would print on certificates. The parts are now joined by single spaces, skipping empty ones.
ALTER TABLE trainees DROP COLUMN full_name;
ALTER TABLE trainees ADD COLUMN full_name text GENERATED ALWAYS AS (
    family_name || CASE WHEN family_name <> '' THEN ' ' ELSE '' END
    || middle_name || CASE WHEN middle_name <> '' THEN ' ' ELSE '' END
    || given_name) STORED;
