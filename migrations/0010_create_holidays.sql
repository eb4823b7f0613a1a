-- Public holidays that session generation skips. Lunar holidays (Tết, the Hùng Kings' day) move every
-- year, so the days are data that staff can add to or correct per year, not a rule in code.
CREATE TABLE public_holidays (
    day  date PRIMARY KEY,
    name text NOT NULL CHECK (clean_text(name))
);

INSERT INTO public_holidays (day, name)
SELECT d::date, 'Tết Dương lịch' FROM generate_series(2012, 2035) y, LATERAL (SELECT make_date(y, 1, 1) AS d) x
UNION ALL
SELECT make_date(y, 4, 30), 'Ngày Giải phóng miền Nam' FROM generate_series(2012, 2035) y
UNION ALL
SELECT make_date(y, 5, 1), 'Ngày Quốc tế Lao động' FROM generate_series(2012, 2035) y
UNION ALL
SELECT make_date(y, 9, 2), 'Quốc khánh' FROM generate_series(2012, 2035) y
UNION ALL
-- Since 2021 the National Day holiday has a second day (1 or 3 September); 3 September is used here
-- and can be corrected per year.
SELECT make_date(y, 9, 3), 'Quốc khánh (nghỉ thêm)' FROM generate_series(2021, 2035) y
ON CONFLICT DO NOTHING;

-- Tết Nguyên đán (the eve and the first four days of the lunar year) and Giỗ Tổ Hùng Vương (10/3 lunar).
INSERT INTO public_holidays (day, name)
SELECT t.first + o, CASE WHEN o < 0 THEN 'Tết Nguyên đán (giao thừa)' ELSE 'Tết Nguyên đán (mùng ' || (o + 1) || ')' END
FROM (VALUES
    (DATE '2012-01-23'), (DATE '2013-02-10'), (DATE '2014-01-31'), (DATE '2015-02-19'), (DATE '2016-02-08'),
    (DATE '2017-01-28'), (DATE '2018-02-16'), (DATE '2019-02-05'), (DATE '2020-01-25'), (DATE '2021-02-12'),
    (DATE '2022-02-01'), (DATE '2023-01-22'), (DATE '2024-02-10'), (DATE '2025-01-29'), (DATE '2026-02-17'),
    (DATE '2027-02-06'), (DATE '2028-01-26'), (DATE '2029-02-13'), (DATE '2030-02-03')) AS t(first),
    generate_series(-1, 3) AS o
ON CONFLICT DO NOTHING;

INSERT INTO public_holidays (day, name)
SELECT d, 'Giỗ Tổ Hùng Vương (10/3 âm lịch)'
FROM (VALUES
    (DATE '2012-03-31'), (DATE '2013-04-19'), (DATE '2014-04-09'), (DATE '2015-04-28'), (DATE '2016-04-16'),
    (DATE '2017-04-06'), (DATE '2018-04-25'), (DATE '2019-04-14'), (DATE '2020-04-02'), (DATE '2021-04-21'),
    (DATE '2022-04-10'), (DATE '2023-04-29'), (DATE '2024-04-18'), (DATE '2025-04-07'), (DATE '2026-04-26'),
    (DATE '2027-04-16'), (DATE '2028-04-04'), (DATE '2029-04-23'), (DATE '2030-04-12')) AS h(d)
ON CONFLICT DO NOTHING;
