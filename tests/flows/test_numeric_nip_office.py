"""The office whose workbooks store NIPs as numbers (issue 16): what `pantau run` publishes.

Shape, as an office saves it: a roster workbook and a daily recap workbook of October 2026 made in
Excel, where some NIP cells were typed as numbers (Excel keeps 15 significant digits, so
199107232019032002 becomes 1.99107232019032E+17). The same data is run twice: with every NIP as
text, and with NIP_B's recap cells and NIP_C's roster cell as numbers. The numbered rows are
refused (`nip_excel_number`, "simpan kolom NIP sebagai teks"); a day whose row was refused is
unknown for the ASN its NIP could be, never a TK day against them, so the published TK days and
ASN to follow up are those of the text data for everyone still on the roster.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import duckdb
from typer.testing import CliRunner

from flows.cli import app
from helpers import NIP_A, NIP_B, NIP_C, ROSTER

runner = CliRunner()
OFFICE = "kecamatan-rakumpit"


def workdays() -> list[date]:
    """October 2026's weekdays (the calendar's holidays only make these fewer, for both runs alike)."""
    days = [date(2026, 10, 1) + timedelta(days=i) for i in range(31)]
    return [d for d in days if d.weekday() < 5]


def xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def office_inbox(root, numeric_recap=(), numeric_roster=()):
    """A roster (A and B in Kelurahan Pager, C at the kecamatan) and a recap: everyone present every
    workday but A, absent without reason (TK) on 5-7 October."""
    cell = lambda nip, numeric: int(nip) if nip in numeric else nip  # noqa: E731 - what Excel stores
    roster = [line.split(",") for line in ROSTER.splitlines()]
    recap = [["NIP", "Tanggal", "Jam Masuk", "Jam Pulang", "Status"]]
    for day in workdays():
        for nip in (NIP_A, NIP_B, NIP_C):
            tk = nip == NIP_A and day.day in (5, 6, 7)
            recap.append(
                [
                    cell(nip, numeric_recap),
                    day.isoformat(),
                    None if tk else "07:25",
                    None if tk else "16:05",
                    "TK" if tk else "H",
                ]
            )
    (root / "pegawai").mkdir(parents=True)
    (root / "presensi").mkdir()
    (root / "pegawai/daftar_pegawai.xlsx").write_bytes(
        xlsx([roster[0]] + [[cell(r[0], numeric_roster), *r[1:]] for r in roster[1:]])
    )
    (root / "presensi/rekap_oktober.xlsx").write_bytes(xlsx(recap))
    return root


def published(tmp_path, name: str, **numeric) -> tuple[str, dict, list]:
    """`pantau run --period 2026-10` on the office's inbox: (output, {metric_id: value}, quarantine)."""
    inbox = office_inbox(tmp_path / name, **numeric)
    state = tmp_path / f"state-{name}"
    config = tmp_path / f"{name}.toml"
    config.write_text(
        f'[paths]\nstate_dir = "{state.as_posix()}"\nwarehouse = "{(state / "w.duckdb").as_posix()}"\n'
        f'out = "{(state / "out").as_posix()}"\ninternal = "{(state / "internal").as_posix()}"\n',
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["run", "--config", str(config), "--period", "2026-10", "--inbox", str(inbox), "--as-of", "2026-11-28"]
    )
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(state / "w.duckdb"), read_only=True)
    try:
        metrics = dict(
            con.execute(
                "select metric_id, value from metrics where metric in ('tk_days', 'asn_to_follow_up', 'unknown_days')"
            ).fetchall()
        )
        quarantine = con.execute(
            "select f.path, q.rule, count(*) from quarantine.rows q join lineage.files f using (file_id) "
            "group by all order by all"
        ).fetchall()
    finally:
        con.close()
    return result.output, metrics, quarantine


def test_numeric_nips_never_publish_tk_days_or_follow_ups_the_text_data_does_not_have(prefect_server, tmp_path):
    _, text, text_quarantine = published(tmp_path, "text")
    output, numeric, quarantine = published(tmp_path, "numeric", numeric_recap=(NIP_B,), numeric_roster=(NIP_C,))
    n = len(workdays())
    assert text_quarantine == []
    # the text office: A's three TK days, A to follow up (three consecutive TK days)
    assert (text[f"tk_days/office/{OFFICE}/2026-10"], text[f"asn_to_follow_up/office/{OFFICE}/2026-10"]) == (3, 1)
    # the numbers refused, each row with what to do: B's recap rows, C's roster row and so C's recap rows
    assert quarantine == [
        ("pegawai/daftar_pegawai.xlsx", "nip_excel_number", 1),
        ("pegawai/daftar_pegawai.xlsx", "nip_format", 1),
        ("presensi/rekap_oktober.xlsx", "nip_excel_number", n),
        ("presensi/rekap_oktober.xlsx", "nip_format", n),
        ("presensi/rekap_oktober.xlsx", "nip_unknown", n),
    ]
    assert "simpan kolom NIP sebagai teks" in output
    # published: the same TK days and follow-ups; B's refused days are unknown, not TK
    assert numeric[f"tk_days/office/{OFFICE}/2026-10"] == 3
    assert numeric[f"asn_to_follow_up/office/{OFFICE}/2026-10"] == 1
    assert numeric[f"tk_days/asn/{NIP_B}/2026-10"] == text[f"tk_days/asn/{NIP_B}/2026-10"] == 0
    assert numeric[f"tk_days/asn/{NIP_A}/2026-10"] == 3
    assert (numeric[f"unknown_days/asn/{NIP_B}/2026-10"], text[f"unknown_days/asn/{NIP_B}/2026-10"]) == (n, 0)
    # C is not on the roster the run could read: nothing is published about C
    assert not [m for m in numeric if NIP_C in m]
