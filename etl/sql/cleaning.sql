-- Cleaning rules for what counties send (docs/returns.md). Each rule either reads a
-- cell or leaves it NULL; the validation then rejects what no rule could read, never guesses.

-- Text as typed: full-width digits, letters and signs become half-width, spaces trimmed, '' is NULL.
create or replace temp macro clean_text(s) as
    nullif(trim(case when strlen(s) = length(s) then s  -- all ASCII (as many bytes as characters): nothing to map
                     else translate(s, '０１２３４５６７８９．，％－＋　：＿（）ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ',
                                    '0123456789.,%-+ :_()ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz') end), '');

-- A cell that means "no value": blank, or one of the dashes people type for it. Missing is
-- never zero: such cells are left out, not loaded and not rejected.
-- (NULL and plain numbers are decided first: most cells are one or the other.)
create or replace temp macro is_missing(s) as
    case
        when s is null then true
        when try_cast(s as double) is not null then false
        else clean_text(s) is null or clean_text(s) in ('-', '--', '—', '——', '/', '\', '无数据', '空')
    end;

-- A place's name without its kind, to compare what a clerk writes with the store's name: 瓜畲村民委员会,
-- 瓜畲村委会 and 瓜畲村 all read 瓜畲 (the longest kind first: 社区居民委员会 before 居民委员会).
create or replace temp macro name_core(s) as
    regexp_replace(regexp_replace(clean_text(s), '\s', '', 'g'),
                   '(社区居民委员会|村民委员会|居民委员会|村委会|居委会|委员会|社区|村|居)$', '');

-- Whether a name written beside a code is that unit's name (as written, or without its kind).
create or replace temp macro same_place(given, stored) as
    clean_text(given) = stored or name_core(given) = name_core(stored);

-- A line under the table that is a note, not data: 注：…, 说明：…, 填表人：… and the like.
create or replace temp macro is_note(s) as
    regexp_matches(coalesce(clean_text(s), ''), '^(注|说明|备注|填表|制表|审核|单位负责人|统计负责人|负责人|联系电话|报出日期|数据来源)');

-- Whether a cell holds a digit at all (a code, not a note such as "注：数据来源……").
create or replace temp macro has_digit(s) as regexp_matches(coalesce(s, ''), '[0-9０-９]');

-- The digits of a division code as written: "361127101213", "361127101213.0" (a number cell),
-- or scientific notation when it keeps every digit ("3.61127101213E+11"). Scientific notation
-- with fewer significant digits than the code ("3.61127E+11") has lost digits: NULL.
create or replace temp macro code_digits(s) as (
    case
        when regexp_full_match(clean_text(s), '\d+(\.0+)?') then regexp_extract(clean_text(s), '^(\d+)', 1)
        when regexp_full_match(clean_text(s), '\d(\.\d+)?[eE]\+?\d{1,2}')
             and length(regexp_replace(split_part(lower(clean_text(s)), 'e', 1), '[^0-9]', '', 'g'))
                 >= length(cast(cast(try_cast(clean_text(s) as double) as hugeint) as varchar))
            then cast(cast(try_cast(clean_text(s) as double) as hugeint) as varchar)
    end
);

-- NBS codes padded to 12 (or 9) digits: 361127000000 is county 361127, 361100000000 city 3611.
-- A real unit's own serial is never all zeros, so trailing zero groups are padding. Each step is
-- anchored to one length, and each uses its input once (macros expand as text: no blow-up).
create or replace temp macro unpad(d) as
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(d,
        '^(\d{9})000$', '\1'), '^(\d{6})000$', '\1'), '^(\d{4})00$', '\1'), '^(\d{2})00$', '\1');

-- The division code a cell names, or NULL when it is not one (wrong length, letters, lost digits).
create or replace temp macro division_code(s) as
    nullif(regexp_extract(unpad(code_digits(s)), '^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$', 1), '');

-- A year: "2021", "2021年", "2021.0".
create or replace temp macro year_of(s) as
    try_cast(regexp_extract(clean_text(s), '^(\d{4})(\.0+)?年?$', 1) as integer);

-- 是/否 and the ways people write them.
create or replace temp macro yes_no(s) as (
    case
        when lower(clean_text(s)) in ('是', '有', 'y', 'yes', 'true', '1', '1.0', '√', '✓', '已完成', '完成') then 1.0
        when lower(clean_text(s)) in ('否', '无', '没有', 'n', 'no', 'false', '0', '0.0', '×', '✗', '未完成') then 0.0
    end
);

-- A number: "95", "95.0", "1,234.5" (thousands separators), "9.5E+01"; "95%" only where the
-- measure is a percentage (percent = true), where it means 95.
create or replace temp macro number_of(s, percent) as (
    case
        when regexp_full_match(clean_text(s), '[+-]?\d+(\.\d+)?%') and percent
            then try_cast(rtrim(clean_text(s), '%') as double)
        when regexp_full_match(clean_text(s), '[+-]?\d{1,3}(,\d{3})+(\.\d+)?')
            then try_cast(replace(clean_text(s), ',', '') as double)
        when regexp_full_match(clean_text(s), '[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?')
            then try_cast(clean_text(s) as double)
    end
);

-- Header text compared loosely: lower case, no spaces, no unit in brackets: "自来水普及率（%）".
create or replace temp macro header_key(s) as
    regexp_replace(lower(regexp_replace(clean_text(s), '\([^)]*\)$', '')), '\s', '', 'g');

-- A number as a person writes it in a message: 120, 12.5 (no trailing .0).
create or replace temp macro num_text(x) as
    case when x = floor(x) and abs(x) < 1e15 then cast(cast(x as bigint) as varchar) else cast(x as varchar) end;

-- A rejection's sentence: its template (from the message catalogue) with its parts filled in. Each part is
-- used once (macros expand as text); a part the template does not name is simply not used.
create or replace temp macro fill_reason(tpl, raw, code, scope, county, name, header, year, year_lo, year_hi,
                                         value, lo, hi, measure, unit, levels, level, places, grp) as
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(tpl,
        '{raw}', coalesce(raw, '')), '{code}', coalesce(code, '')), '{scope}', coalesce(scope, '')),
        '{county}', coalesce(county, '')), '{name}', coalesce(name, '')), '{header}', coalesce(header, '')),
        '{year}', coalesce(year, '')), '{year_lo}', coalesce(year_lo, '')), '{year_hi}', coalesce(year_hi, '')),
        '{value}', coalesce(value, '')), '{lo}', coalesce(lo, '')), '{hi}', coalesce(hi, '')),
        '{measure}', coalesce(measure, '')), '{unit}', coalesce(unit, '')), '{levels}', coalesce(levels, '')),
        '{level}', coalesce(level, '')), '{places}', coalesce(places, '')), '{group}', coalesce(grp, ''));
