"""`pantau export --format xlsx` read back with openpyxl: a sheet per metric family, unit names,
Indonesian headers, frozen header, filter, widths and number formats; per-ASN rows only with
--pribadi, then under the internal root, owner-only, marked as personal data."""

from __future__ import annotations

import stat

import pytest
from typer.testing import CliRunner

from flows.cli import app
from helpers import NIP_A, NIP_B, ROSTER, run_without_prefect, write_inbox

runner = CliRunner()
PERIOD = "2026-10"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """A run of October 2026 as the flow does it (without Prefect) on a tiny inbox: NIP_A and
    NIP_B of Kelurahan Pager present on 1 October, NIP_A late 1 minute."""
    from transforms.warehouse import connect

    root = tmp_path_factory.mktemp("ekspor")
    inbox = write_inbox(
        root / "inbox",
        {
            "pegawai/p.csv": ROSTER,
            "presensi/r.csv": (
                "nip,tanggal,jam_masuk,jam_pulang,status\n"
                f"{NIP_A},2026-10-01,07:31,16:00,H\n{NIP_B},2026-10-01,07:20,16:10,H\n"
            ),
        },
    )
    wh = root / "w.duckdb"
    run_without_prefect(wh, inbox, PERIOD)
    con = connect(wh, read_only=True)
    counts = dict(
        con.execute(
            "select scope in ('asn', 'petugas', 'indikator'), count(*) from metrics where period = ? group by 1",
            [PERIOD],
        ).fetchall()
    )
    con.close()
    return root, wh, counts


def _sheet_rows(ws, header_row: int) -> list[dict]:
    header = [c.value for c in ws[header_row]]
    return [dict(zip(header, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=header_row + 1)]


def test_xlsx_has_a_sheet_per_family_with_unit_names_indonesian_headers_and_no_asn(warehouse):
    from openpyxl import load_workbook

    root, wh, counts = warehouse
    target = root / "publik" / "m.xlsx"
    result = runner.invoke(
        app,
        [
            "export",
            "--period",
            PERIOD,
            "--format",
            "xlsx",
            "--warehouse",
            str(wh),
            "--out",
            str(root / "publik"),
            "--output",
            str(target),
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"{counts[False]} angka periode {PERIOD} ditulis ke {target} (tanpa angka per ASN" in result.output

    wb = load_workbook(target)
    assert wb.sheetnames[:2] == ["Angka utama", "Presensi"] and not [s for s in wb.sheetnames if "ASN" in s]
    ws = wb["Presensi"]
    assert [c.value for c in ws[1]] == [
        "Unit",
        "Cakupan",
        "Rincian",
        "Periode",
        "Metrik",
        "Nama metrik",
        "Nilai",
        "Satuan",
        "Keterangan",
        "Id metrik (pantau trace)",
        "Run",
    ]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:K{ws.max_row}"
    rows = _sheet_rows(ws, 1)
    pager = next(r for r in rows if r["Id metrik (pantau trace)"] == f"discipline_rate/unit/kelurahan-pager/{PERIOD}")
    # 2 present days of 2 x 22 workdays, as a number with two decimals shown
    assert (pager["Unit"], pager["Cakupan"], pager["Metrik"], pager["Nama metrik"], pager["Satuan"]) == (
        "Kantor Kelurahan Pager",
        "Unit",
        "discipline_rate",
        "Disiplin kehadiran",
        "%",
    )
    assert pager["Nilai"] == pytest.approx(100 * 2 / 44)
    value_cell = ws.cell(row=2 + rows.index(pager), column=7)
    assert (value_cell.data_type, value_cell.number_format) == ("n", "0.00")
    # widths follow the content: the unit column fits "Kantor Kecamatan Rakumpit" and more
    assert ws.column_dimensions["A"].width >= len("Kantor Kelurahan Pager")
    # every row is in exactly one family sheet, named in Indonesian; no NIP anywhere
    all_rows = [r for name in wb.sheetnames[1:] for r in _sheet_rows(wb[name], 1)]
    assert len(all_rows) == counts[False]
    assert not [r["Metrik"] for r in all_rows if not r["Nama metrik"]]
    assert not [r for r in all_rows if NIP_A in str(r) or NIP_B in str(r)]
    # the families in the order of export_sheets.csv; nothing fell into the catch-all sheet
    assert [n for n in ("Presensi", "SKP", "SKM", "Rekomendasi") if n in wb.sheetnames] == wb.sheetnames[1:]


def test_personal_rows_only_with_pribadi_under_the_internal_root_and_marked(warehouse):
    from openpyxl import load_workbook

    root, wh, counts = warehouse
    out, internal = root / "out", root / "internal"
    config = root / "pantau.toml"
    config.write_text(f'[paths]\nout = "{out}"\ninternal = "{internal}"\n', encoding="utf-8")
    inside = runner.invoke(
        app,
        [
            "export",
            "--period",
            PERIOD,
            "--format",
            "xlsx",
            "--pribadi",
            "--config",
            str(config),
            "--warehouse",
            str(wh),
            "--output",
            str(out / PERIOD / "p.xlsx"),
        ],
    )
    assert inside.exit_code == 2 and "di dalam folder laporan publik" in inside.output
    assert not (out / PERIOD / "p.xlsx").exists()

    result = runner.invoke(
        app,
        [
            "export",
            "--period",
            PERIOD,
            "--format",
            "xlsx",
            "--pribadi",
            "--config",
            str(config),
            "--warehouse",
            str(wh),
        ],
    )
    assert result.exit_code == 0, result.output
    target = internal / "ekspor" / f"metrics-{PERIOD}-pribadi.xlsx"
    assert f"{counts[False] + counts[True]} angka periode {PERIOD} ditulis ke {target} (DATA PRIBADI" in result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600 and stat.S_IMODE(target.parent.stat().st_mode) == 0o700

    wb = load_workbook(target)
    personal = [s for s in wb.sheetnames if s.endswith("per ASN")]
    assert personal and "Presensi per ASN" in personal
    ws = wb["Presensi per ASN"]
    assert ws["A1"].value.startswith("DATA PRIBADI")
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref.startswith("A2:")
    rows = _sheet_rows(ws, 2)
    a = next(r for r in rows if r["Id metrik (pantau trace)"] == f"attendance_rate/asn/{NIP_A}/{PERIOD}")
    assert (a["NIP"], a["Nama"], a["Unit"], a["Cakupan"]) == (NIP_A, "Agus Setiawan", "Kantor Kelurahan Pager", "ASN")
    assert a["Nilai"] == pytest.approx(100 / 22)
    assert "DATA PRIBADI" in wb.properties.keywords
    public = [r for name in wb.sheetnames[1:] if name not in personal for r in _sheet_rows(wb[name], 1)]
    assert len(public) == counts[False]


def test_csv_names_each_metric_in_indonesian_after_its_id(warehouse):
    import csv

    root, wh, counts = warehouse
    target = root / "publik" / "m.csv"
    result = runner.invoke(
        app,
        ["export", "--period", PERIOD, "--warehouse", str(wh), "--out", str(root / "publik"), "--output", str(target)],
    )
    assert result.exit_code == 0, result.output
    with open(target, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[:3] == ["metric_id", "nama_metrik", "metric"] and len(rows) == counts[False]
    by_id = {r["metric_id"]: r for r in rows}
    assert by_id[f"discipline_rate/unit/kelurahan-pager/{PERIOD}"]["nama_metrik"] == "Disiplin kehadiran"
    assert by_id[f"tl_days/unit/kelurahan-pager/{PERIOD}"]["nama_metrik"] == "Hari terlambat (TL)"
    assert not [r["metric"] for r in rows if not r["nama_metrik"]]
