-- The unit a code cell names, in the store's geography (needs the region table; the cleaning macros first).
-- A city without counties (东莞市 4419, 中山市 4420, 儋州市 4604) has one county-level unit whose code is the
-- city's padded (441900): written with six digits, such a code names that county-level unit; otherwise the
-- division code as cleaned (trailing zero groups are padding).
create or replace temp macro unit_code(s) as
    coalesce((select r.code from region as r where r.level = 'county' and r.code = code_digits(s)
                                                and right(r.code, 2) = '00'),
             division_code(s));
