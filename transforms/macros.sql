-- Parsing macros shared by the staging models. They turn text as offices type it into
-- typed values, or NULL when the text cannot be read; the validation suites decide what
-- a NULL means (expectations/suites/*.json). Vocabularies come from ref.* tables.

-- Indonesian or English month name or abbreviation -> 1..12 (ref.month_names)
create or replace macro bulan_ke(nama_bulan) as (
    -- nama_bulan is the macro's parameter, not a column of ref.month_names
    select any_value(m.month::integer) from ref.month_names m where m.name = lower(nama_bulan)  -- noqa: RF03
);

-- '2026-10-01', '01/10/2026', '1-10-2026', '2026-10-01 00:00:00', '1 Oktober 2026', 'October 1, 2026' -> DATE
-- (numeric dates are read day-first: the ingest refuses a file whose order is not settled, docs/inbox.md)
create or replace macro parse_tanggal(s) as coalesce(
    try_strptime(trim(s), ['%Y-%m-%d', '%d/%m/%Y', '%d-%m-%Y', '%Y-%m-%d %H:%M:%S', '%Y/%m/%d', '%d.%m.%Y'])::date,
    try_strptime(
        regexp_extract(trim(s), '^(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})$', 1) || '-'
        || bulan_ke(regexp_extract(trim(s), '^(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})$', 2)) || '-'
        || regexp_extract(trim(s), '^(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})$', 3),
        '%d-%m-%Y'
    )::date,
    try_strptime(
        regexp_extract(trim(s), '^([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$', 2) || '-'
        || bulan_ke(regexp_extract(trim(s), '^([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$', 1)) || '-'
        || regexp_extract(trim(s), '^([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$', 3),
        '%d-%m-%Y'
    )::date
);

-- '07:31', '07.31', '7:31', '07:31:05' -> TIME
create or replace macro parse_jam(s) as try_strptime(replace(trim(s), '.', ':'), ['%H:%M:%S', '%H:%M'])::time;

-- a scan timestamp: date and time in any of the forms above, separated by a space or 'T'
create or replace macro parse_waktu(s) as coalesce(
    try_strptime(trim(s), [
        '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%dT%H:%M:%S',
        '%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d-%m-%Y %H:%M:%S', '%d-%m-%Y %H:%M',
        '%d/%m/%Y %H.%M.%S', '%d/%m/%Y %H.%M', '%Y-%m-%d %H.%M.%S', '%Y-%m-%d %H.%M'
    ]),
    parse_tanggal(regexp_extract(trim(s), '^(.*\S)\s+(\d{1,2}[:.]\d{2}([:.]\d{2})?)$', 1))
    + parse_jam(regexp_extract(trim(s), '^(.*\S)\s+(\d{1,2}[:.]\d{2}([:.]\d{2})?)$', 2))
);

-- Indonesian and plain numbers: '1.234,5' -> 1234.5, '3,5' -> 3.5, '75%' -> 75, '-' -> NULL
create or replace macro parse_angka(s) as case
    when regexp_full_match(replace(trim(s), ' ', ''), '-?\d{1,3}(\.\d{3})+(,\d+)?%?')
        then try_cast(replace(replace(replace(replace(trim(s), ' ', ''), '%', ''), '.', ''), ',', '.') as double)
    when regexp_full_match(replace(trim(s), ' ', ''), '-?\d+,\d+%?')
        then try_cast(replace(replace(replace(trim(s), ' ', ''), '%', ''), ',', '.') as double)
    else try_cast(replace(replace(trim(s), ' ', ''), '%', '') as double)
end;

-- NIP as typed -> digits only when it is written with spaces or dots between its parts
create or replace macro clean_nip(s) as case
    when regexp_full_match(trim(s), '[0-9 .]+') then regexp_replace(trim(s), '[ .]', '', 'g') else trim(s)
end;

-- date parts of an 18-digit NIP (NULL when not 18 digits or not a real date)
create or replace macro nip_lahir(n) as case
    when regexp_full_match(n, '\d{18}') then try_strptime(substr(n, 1, 8), '%Y%m%d')::date
end;
create or replace macro nip_tmt(n) as case
    when regexp_full_match(n, '\d{18}') then try_strptime(substr(n, 9, 6) || '01', '%Y%m%d')::date
end;

-- a NIP that Excel kept as a number ('1.97701302004072E+17', '1,97701302004072E+17' or, saved as
-- CSV, '197701302004072000': 15 significant digits; rule nip_excel_number) -> that number; else NULL
create or replace macro excel_number_nip(n) as case
    when regexp_full_match(trim(n), '\d{15}0{3}') then trim(n)::hugeint
    when regexp_full_match(trim(n), '(\d)[.,](\d{1,14})[eE]\+?(\d+)')
        and regexp_extract(trim(n), '[eE]\+?(\d+)$', 1)::integer = 17 then
        (
            regexp_replace(regexp_extract(trim(n), '^([^eE]+)', 1), '[.,]', '')
            || repeat('0', 18 - length(regexp_replace(regexp_extract(trim(n), '^([^eE]+)', 1), '[.,]', '')))
        )::hugeint
end;

-- lower case, single spaces: how vocabularies (labels, aliases) are compared
create or replace macro norm_text(s) as lower(regexp_replace(trim(s), '\s+', ' ', 'g'));

-- 'Kantor Kelurahan Pager' -> 'kantor-kelurahan-pager'
create or replace macro slugify(s) as trim(regexp_replace(lower(trim(s)), '[^a-z0-9]+', '-', 'g'), '-');

-- periode '2026-10' | '10/2026' | '2026-Q3' | 'TW III 2026' (later) | '2026' -> canonical text
create or replace macro parse_periode(s) as case
    when regexp_full_match(trim(s), '\d{4}-(0[1-9]|1[0-2])') then trim(s)
    when regexp_full_match(trim(s), '\d{4}-[1-9]') then substr(trim(s), 1, 5) || '0' || substr(trim(s), 6, 1)
    when regexp_full_match(trim(s), '(0?[1-9]|1[0-2])/\d{4}')
        then split_part(trim(s), '/', 2) || '-' || lpad(split_part(trim(s), '/', 1), 2, '0')
    when regexp_full_match(upper(trim(s)), '\d{4}-?Q[1-4]') then substr(trim(s), 1, 4) || '-Q' || right(trim(s), 1)
    when regexp_full_match(upper(trim(s)), '\d{4}-?S[12]') then substr(trim(s), 1, 4) || '-S' || right(trim(s), 1)
    when regexp_full_match(trim(s), '\d{4}') then trim(s)
    else coalesce(strftime(parse_tanggal(s), '%Y-%m'), null)
end;

-- seconds since midnight of a TIME (TIME - TIME is not defined in DuckDB)
create or replace macro detik(t) as hour(t) * 3600 + minute(t) * 60 + second(t);

-- whole minutes from a to b, rounded down: 07:30:00 -> 07:30:59 is 0 (docs/attendance.md)
create or replace macro menit_antara(a, b) as floor((detik(b) - detik(a)) / 60)::integer;
