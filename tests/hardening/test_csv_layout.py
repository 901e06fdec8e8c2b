"""CSV layout as offices' tools write it, through the real `pantau validate` (conftest.py):
line breaks of any mix (a CRLF title or `sep=` line above an LF body, CRLF then LF, a stray CR),
file names DuckDB must never read as a glob, and the size limits of a line and a file.

Every file is generated in the test from the shapes these tools produce: Excel's "CSV (Comma
delimited)" writes CRLF, a `sep=;` first line is what Excel itself honours, and exports edited
on another system gain LF lines below CRLF ones.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from hardening.test_properties import (
    BLANK,
    INVARIANT,
    SEPARATORS,
    assert_read_at_lines,
    field_values,
    python_records,
    render,
)
from helpers import NIP_A, NIP_B, write_inbox

HEADER = "nip,tanggal,jam_masuk,jam_pulang,status"
PATH = "presensi/rekap_oktober.csv"


def body(days: int, nl: str = "\n") -> str:
    return "".join(f"{(NIP_A, NIP_B)[d % 2]},2026-10-{d:02d},07:30,16:00,H{nl}" for d in range(1, days + 1))


def writer(files: dict[str, str | bytes]):
    return lambda inbox: write_inbox(inbox, files)


def lines(case, path: str = PATH) -> list[int]:
    """The line of each row loaded, as the reader numbered it."""
    return [
        r[0]
        for r in case.rows(
            "select _row from raw.presensi_recap where _file_id = "
            "(select file_id from lineage.files where path = ? and status = 'loaded') order by _row",
            [path],
        )
    ]


def reconciles(case, path: str = PATH):
    c = case.counts()[path]
    assert c.rows_read == c.rows_loaded + c.rows_quarantined, c
    return c


@pytest.mark.parametrize("first", ["Rekap Presensi Kelurahan Pager Oktober 2026", "sep=,"])
def test_a_crlf_title_or_sep_line_above_an_lf_body_reads_every_row(case_runner, first):
    case = case_runner(f"crlf_{first[:3]}", writer({PATH: f"{first}\r\n{HEADER}\n" + body(131)}))
    assert case.exit_code == 0, case.output
    assert not [w for w in case.file(PATH)["warnings"] if "judul kolom" in w]
    assert reconciles(case).rows_read == 131
    assert lines(case) == list(range(3, 134))  # line 1 the title, line 2 the header


def test_crlf_for_the_first_lines_then_lf_reads_every_row_on_its_line(case_runner):
    text = f"{HEADER}\r\n" + body(3, "\r\n") + body(10)[len(body(3)) :]
    case = case_runner("crlf_then_lf", writer({PATH: text}))
    assert case.exit_code == 0, case.output
    assert reconciles(case).rows_read == 10
    assert lines(case) == list(range(2, 12))


def test_a_stray_cr_is_a_line_break_as_a_person_sees_it_and_is_named(case_runner):
    rows = body(5).splitlines(keepends=True)
    rows[2] = rows[2].replace(",07:30,", ",07:30\r,")  # line 4: ...,07:30<CR>,16:00,H
    case = case_runner("stray_cr", writer({PATH: f"{HEADER}\n" + "".join(rows)}))
    assert case.exit_code == 0, case.output
    [warning] = [w for w in case.file(PATH)["warnings"] if "CR" in w]
    assert warning.startswith("baris 4 diakhiri karakter CR (carriage return) tunggal")
    # Excel and editors show six data lines: line 4 ends at the CR, line 5 is ",16:00,H"
    c = reconciles(case)
    assert c.rows_read == 6
    assert (c.rows_loaded, c.rows_quarantined) == (5, 1)
    assert lines(case) == [2, 3, 4, 5, 6, 7]
    assert (5, "nip", None, "required_missing") in case.quarantine(PATH)


def test_a_cr_inside_a_quoted_value_is_part_of_the_value_not_a_line(case_runner):
    text = f'{HEADER},catatan\n{NIP_A},2026-10-01,07:30,16:00,H,"dinas\rluar"\n{NIP_B},2026-10-01,07:30,16:00,H,\n'
    case = case_runner("quoted_cr", writer({PATH: text}))
    assert case.exit_code == 0, case.output
    assert not [w for w in case.file(PATH)["warnings"] if "CR" in w]
    assert reconciles(case).rows_read == 2
    assert lines(case) == [2, 4]  # the value spans lines 2-3 as a person sees it


def test_old_mac_cr_only_file_reads_every_row(case_runner):
    case = case_runner("cr_only", writer({PATH: f"{HEADER}\r" + body(4, "\r")}))
    assert case.exit_code == 0, case.output
    assert reconciles(case).rows_read == 4
    assert lines(case) == [2, 3, 4, 5]
    assert not [w for w in case.file(PATH)["warnings"] if "CR" in w]


@pytest.mark.parametrize("name", ["rekap_*.csv", "rekap_?.csv", "rekap_[1].csv", "rekap_{a,b}.csv"])
def test_a_file_name_with_glob_characters_is_read_as_that_one_file(case_runner, name):
    """The case's inbox folder carries the name too (glob_rekap_?.csv/ would match glob_rekap_*.csv/)."""
    others = {f"presensi/rekap_{i}.csv": f"{HEADER}\n" + body(3 + i)[len(body(i)) :] for i in (1, 2)}
    # the bracket file: a distinct content so it is no duplicate of rekap_1.csv
    case = case_runner(f"glob_{name}", writer({**others, f"presensi/{name}": f"{HEADER}\n" + body(26)}))
    assert case.exit_code == 0, case.output
    assert {f["path"]: f["action"] for f in case.outcome.files if f["path"].startswith("presensi/")} == {
        "presensi/rekap_1.csv": "loaded",
        "presensi/rekap_2.csv": "loaded",
        f"presensi/{name}": "loaded",
    }
    assert reconciles(case, f"presensi/{name}").rows_read == 26


@pytest.fixture
def validate_with(tmp_path, validate):
    return lambda files, settings: _validate_with(validate, tmp_path, files, settings)


def _validate_with(validate, tmp_path, files: dict, settings: str):
    from helpers import ROSTER

    inbox = write_inbox(tmp_path / "inbox", {"pegawai/daftar_pegawai.csv": ROSTER, **files})
    code, output, seen = validate(inbox, tmp_path / "state", settings)
    assert seen, output
    _, reports, _ = seen[-1]
    return code, {r.path: r for r in reports}


@pytest.mark.parametrize(
    "long_line, size, text",
    [
        (3, 5000, "4,9 KB"),  # inside the first 4 MB block
        (4, 9 << 20, "9 MB"),  # across two block boundaries
        (4, (5 << 20) + 7, "5 MB"),  # the last line, no line break at the end
    ],
)
def test_a_line_over_the_limit_refuses_the_file_naming_the_line_and_its_size(validate_with, long_line, size, text):
    rows = body(4).splitlines(keepends=True)
    rows[long_line - 2] = rows[long_line - 2].rstrip("\n") + "x" * (size - len(rows[long_line - 2]) + 1)
    rows[long_line - 2] += "\n" if long_line < 5 and size != (5 << 20) + 7 else ""
    rows = rows[: long_line - 1] if size == (5 << 20) + 7 else rows
    code, reports = validate_with({PATH: f"{HEADER}\n" + "".join(rows)}, '[ingest]\nmax_line_size = "1KB"\n')
    assert code == 1
    assert (reports[PATH].action, reports[PATH].message.split(";")[0]) == (
        "error",
        f"baris {long_line} berukuran {text}, lebih dari batas satu baris 1 KB (pengaturan [ingest] max_line_size)",
    )


def test_a_file_over_the_limit_is_refused_with_its_size_before_it_is_read(validate_with):
    code, reports = validate_with({PATH: f"{HEADER}\n" + body(30)}, '[ingest]\nmax_file_size = "1KB"\n')
    assert code == 1
    assert reports[PATH].message.startswith(
        "berkas berukuran 1,3 KB, lebih dari batas 1 KB (pengaturan [ingest] max_file_size); berkas tidak dibaca"
    )
    assert reports["pegawai/daftar_pegawai.csv"].action == "loaded"  # the roster is 0.3 KB


def test_the_default_limits_leave_a_10_mb_line_alone(validate_with):
    code, reports = validate_with(
        {PATH: f"{HEADER}\n" + body(2) + f"{NIP_A},2026-10-03,07:30,16:00," + "H" * (10 << 20) + "\n"}, ""
    )
    assert reports[PATH].action == "loaded" and reports[PATH].rows_read == 3


def test_a_quote_never_closed_is_refused_naming_the_line_it_opens(case_runner):
    rows = body(4).splitlines(keepends=True)
    rows[1] = rows[1].replace(",2026-10-02,", ',"2026-10-02,')  # line 3 opens a quote; nothing closes it
    case = case_runner("unclosed_quote", writer({PATH: f"{HEADER}\n" + "".join(rows)}))
    assert case.exit_code == 1
    assert case.file(PATH)["message"].startswith(
        'baris 3: tanda kutip (") dibuka tetapi tidak ditutup sampai akhir berkas, sehingga baris 3–5 '
        "terbaca sebagai satu nilai"
    )


def test_rows_read_differing_from_the_lines_seen_names_the_first_line_that_differs(validate_with, monkeypatch):
    """DuckDB reading a line differently from how it looks, simulated: its row of line 4 is lost
    before the rows are counted."""
    from transforms.ingest import csv_layout

    real = csv_layout.scalar

    def count_after_losing_line_4(con, sql, params=None):
        if sql == "select count(*) from _ingest_tmp":
            con.execute("delete from _ingest_tmp where rowid = 2")
        return real(con, sql, params)

    monkeypatch.setattr(csv_layout, "scalar", count_after_losing_line_4)
    code, reports = validate_with({PATH: f"{HEADER}\n" + body(5)}, "")
    assert code == 1
    assert reports[PATH].message.startswith(
        "baris 4: pembacaan CSV menghasilkan 4 baris data, padahal berkas memperlihatkan 5"
    )


# ---------------------------------------------------------------- property: any mix of line breaks


TITLES = ["Rekap Presensi Kelurahan Pager", "Periode: Oktober 2026", "sep={delimiter}", ""]
BREAKS = st.sampled_from(["\n", "\n", "\r\n", "\r\n", "\r"])


@st.composite
def mixed_break_files(draw):
    """A daily recap whose every line ends in its own break (LF, CRLF, now and then a lone CR),
    under title and `sep=` lines, with quoted values whose line breaks are LF, CRLF or CR."""
    delimiter = draw(st.sampled_from([",", ";"]))
    titles = [t.format(delimiter=delimiter) for t in draw(st.lists(st.sampled_from(TITLES), max_size=3))]
    lines = [*titles, delimiter.join(["nip", "tanggal", "jam_masuk", "jam_pulang", "status"])]
    for record in draw(st.lists(field_values(), min_size=1, max_size=12)):
        if record is BLANK:
            lines.append("")
        elif record is SEPARATORS:
            lines.append(delimiter * draw(st.integers(1, 8)))
        else:
            inner = draw(st.sampled_from(["\n", "\r\n", "\r"]))
            lines.append(render(record, delimiter, draw(st.booleans())).replace("\n", inner))
    text = "".join(line + draw(BREAKS) for line in lines)
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    return text, delimiter, sum(1 for t in titles if t)


@given(mixed_break_files())
@example(
    (
        "Rekap Presensi Kelurahan Pager\r\nnip,tanggal,jam_masuk,jam_pulang,status\n"
        "198503122010011001,2026-10-01,07:30,16:00,H\n",
        ",",
        1,
    )
)
@example(
    (
        "sep=;\r\nnip;tanggal;jam_masuk;jam_pulang;status\r\n198503122010011001;2026-10-01;07:30;16:00;H\n"
        '199107232019032002;2026-10-01;07:30;"16:00\r\n";H\r',
        ";",
        1,
    )
)
@INVARIANT
def test_any_mix_of_line_breaks_reconciles_on_the_lines_a_person_sees(recap_warehouse, generated):
    """rows read = the records Python's csv module finds (it ends a line at LF, CRLF or a lone CR,
    as text editors and Excel do) = loaded + quarantined, each at the line it starts on."""
    con, root = recap_warehouse
    text, delimiter, titles = generated
    # the titles are records of their own to Python's csv module; the header follows them
    assert_read_at_lines(con, root, text, python_records(text, delimiter)[titles:])


def test_a_limit_that_is_not_a_size_is_a_settings_error(tmp_path, validate):
    inbox = write_inbox(tmp_path / "inbox", {PATH: f"{HEADER}\n" + body(1)})
    code, output, seen = validate(inbox, tmp_path / "state", '[ingest]\nmax_line_size = "64 megabytes"\n')
    assert (code, seen) == (2, [])
    assert (
        "[ingest] max_line_size ukuran tidak sah: '64 megabytes' (contoh: 64MB, 2GB)" in output
    )  # checked with the other keys
