"""Tests of the sample inbox generator (the package data/sample).

The checks below re-read the written files independently (own CSV/XLSX parsing, header aliases
from data/reference/column_aliases.csv) rather than trusting the generator's bookkeeping.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import hashlib
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from data.sample import RULES, generate, load_holidays  # noqa: E402

REF = ROOT / "data" / "reference"
END = "2026-10"
RATINGS = {"di atas ekspektasi", "sesuai ekspektasi", "di bawah ekspektasi"}


# ----------------------------------------------------------------------------------------------
# fixtures: generate once per session
# ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def clean(tmp_path_factory):
    out = tmp_path_factory.mktemp("clean")
    summary = generate(out, employees=30, months=4, end=END, seed=11)
    return out, summary


@pytest.fixture(scope="session")
def messy(tmp_path_factory):
    out = tmp_path_factory.mktemp("messy")
    msgs: list[str] = []
    summary = generate(out, employees=30, months=4, end=END, seed=11, messy=True, progress=msgs.append)
    return out, summary, msgs


# ----------------------------------------------------------------------------------------------
# independent readers
# ----------------------------------------------------------------------------------------------


def _norm(h: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(h).strip().lower()).strip("_")


def _aliases() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    with open(REF / "column_aliases.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            for a in r["aliases"].split("|"):
                out.setdefault(r["kind"], {})[_norm(a)] = r["column"]
    return out


ALIASES = _aliases()


def _read_table(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(row number a person sees, cells)]) for CSV or XLSX; empty rows skipped."""
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        ws = load_workbook(path, read_only=True).active
        rows = list(ws.iter_rows(values_only=True))
        assert all(v is None for v in rows[0]), "row 1 of an office XLSX is blank"
        header = [str(v) for v in rows[1]]
        body = []
        for n, r in enumerate(rows[2:], start=3):
            cells = [
                "" if v is None else (v.isoformat()[:10] if isinstance(v, (dt.date, dt.datetime)) else str(v))
                for v in r
            ]
            if any(c.strip() for c in cells):
                body.append((n, cells))
        return header, body
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    sep = ";" if first.count(";") > first.count(",") else ","
    if sep == ";":
        assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw, "';' files are Excel exports"
    lines = text.splitlines()
    header = next(csv.reader([lines[0]], delimiter=sep))
    body = []
    for n, line in enumerate(lines[1:], start=2):
        cells = next(csv.reader([line], delimiter=sep)) if line else []
        if any(c.strip() for c in cells):
            body.append((n, cells))
    return header, body


def _mapped(path: Path, kind: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    header, body = _read_table(path)
    cols = []
    for h in header:
        c = ALIASES[kind].get(_norm(h))
        assert c is not None, f"{path.name}: header {h!r} has no alias for {kind}"
        cols.append(c)
    return cols, [(n, dict(zip(cols, cells, strict=False))) for n, cells in body]


def _kind_of_presensi(path: Path) -> str:
    header, _ = _read_table(path)
    names = {ALIASES["presensi_recap"].get(_norm(h)) for h in header}
    return "presensi_recap" if "status" in names else "presensi_scan"


MONTHS = {}
with open(REF / "month_names.csv", encoding="utf-8", newline="") as _fh:
    for _r in csv.DictReader(_fh):
        MONTHS[_r["name"]] = int(_r["month"])


def _parse_date(s: str) -> dt.date | None:
    s = s.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
            return dt.date.fromisoformat(s)
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", s)
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        m = re.fullmatch(r"(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})", s)
        if m and m.group(2).lower() in MONTHS:
            return dt.date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
    except ValueError:
        return None
    return None


def _time_ok(s: str) -> bool:
    m = re.fullmatch(r"(\d{2})[:.](\d{2})(?::(\d{2}))?", s.strip())
    return bool(m) and int(m.group(1)) < 24 and int(m.group(2)) < 60


def _nip_ok(nip: str) -> bool:
    if not re.fullmatch(r"\d{18}", nip):
        return False
    try:
        dt.date(int(nip[:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        return False
    return 1 <= int(nip[12:14]) <= 12 and nip[14] in "12"


def _statuses() -> set[str]:
    out = set()
    with open(REF / "attendance_status.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            out.add(r["code"].lower())
            out |= {a.lower() for a in r["aliases"].split("|")}
    return out


STATUSES = _statuses()


def _labels() -> dict[tuple[str, str], int]:
    out = {}
    with open(REF / "skm_answer_labels.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            out[(r["unsur"].lower(), r["label"])] = int(r["score"])
    return out


LABELS = _labels()


def _score(unsur: str, v: str) -> int | None:
    v = v.strip()
    if re.fullmatch(r"[1-4]", v):
        return int(v)
    return LABELS.get((unsur, " ".join(v.lower().split())))


def _num(v: str) -> bool:
    return bool(re.fullmatch(r"-?\d+(\.\d+)?", v.strip()))


def _problems(root: Path) -> set[tuple[str, int, str, str]]:
    """Every row-level defect an independent validator finds: (file, row, column, rule)."""
    future = dt.date(int(END[:4]) + 1, int(END[5:]), 1)
    future = future.replace(day=calendar.monthrange(future.year, future.month)[1])
    found: set[tuple[str, int, str, str]] = set()
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        rel = path.relative_to(root).as_posix()
        folder = rel.split("/")[0]
        if folder == "presensi" and _kind_of_presensi(path) == "presensi_recap":
            _, rows = _mapped(path, "presensi_recap")
            found |= {(rel, n, c, rule) for n, c, rule in _recap_problems(rows, future)}
        elif folder == "skp":
            _, rows = _mapped(path, "skp")
            found |= {(rel, n, c, rule) for n, r in rows for c, rule in _skp_problems(r)}
        elif folder == "skm":
            _, rows = _mapped(path, "skm")
            found |= {(rel, n, c, rule) for n, r in rows for c, rule in _skm_problems(r)}
    return found


def _recap_problems(rows: list[tuple[int, dict[str, str]]], future: dt.date) -> set[tuple[int, str, str]]:
    """(row, column, rule) of a recap's defects: duplicates across rows, then each row's own."""
    found: set[tuple[int, str, str]] = set()
    seen: dict[tuple, int] = {}
    groups: dict[tuple[str, str], list[tuple[int, tuple]]] = {}
    for n, r in rows:
        key = tuple(r[c] for c in ("nip", "tanggal", "jam_masuk", "jam_pulang", "status"))
        if key in seen:
            found.add((n, "nip", "duplicate_exact"))
            continue
        seen[key] = n
        groups.setdefault((r["nip"], r["tanggal"]), []).append((n, key))
        found |= {(n, c, rule) for c, rule in _recap_row_problems(r, future)}
    for members in groups.values():
        if len({k for _, k in members}) > 1:
            found |= {(n, "nip", "duplicate_conflict") for n, _ in members}
    return found


def _recap_row_problems(r: dict[str, str], future: dt.date) -> list[tuple[str, str]]:
    out = []
    if not _nip_ok(r["nip"]):
        out.append(("nip", "nip_format"))
    d = _parse_date(r["tanggal"])
    if d is None:
        out.append(("tanggal", "date_invalid"))
    elif d > future:
        out.append(("tanggal", "date_future"))
    out += [(c, "time_invalid") for c in ("jam_masuk", "jam_pulang") if r[c] and not _time_ok(r[c])]
    if r["status"].strip().lower() not in STATUSES:
        out.append(("status", "status_unknown"))
    return out


def _skp_problems(r: dict[str, str]) -> list[tuple[str, str]]:
    out = []
    if not _nip_ok(r["nip"]):
        out.append(("nip", "nip_format"))
    t, lo, hi = r["target"], r["target_min"], r["target_max"]
    if not (_num(t) or (_num(lo) and _num(hi))):
        out.append(("target", "target_invalid"))
    if not _num(r["realisasi"]):
        out.append(("realisasi", "realisasi_invalid"))
    if r["arah"] not in ("naik", "turun"):
        out.append(("arah", "direction_unknown"))
    if r["rating_hasil_kerja"] and r["rating_hasil_kerja"] not in RATINGS:
        out.append(("rating_hasil_kerja", "rating_unknown"))
    if r["rating_perilaku"] not in RATINGS:
        out.append(("rating_perilaku", "rating_unknown"))
    return out


def _skm_problems(r: dict[str, str]) -> list[tuple[str, str]]:
    out = [(f"u{k}", "score_range") for k in range(1, 10) if _score(f"u{k}", r[f"u{k}"]) is None]
    if r["nip_petugas"] and not _nip_ok(r["nip_petugas"]):
        out.append(("nip_petugas", "nip_format"))
    return out


# ----------------------------------------------------------------------------------------------
# tests
# ----------------------------------------------------------------------------------------------


def _digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("messy_flag", [False, True])
def test_deterministic(tmp_path, messy_flag):
    a = generate(tmp_path / "a", employees=20, months=2, end=END, seed=3, messy=messy_flag)
    b = generate(tmp_path / "b", employees=20, months=2, end=END, seed=3, messy=messy_flag)
    assert a == b
    da, db = _digest(tmp_path / "a"), _digest(tmp_path / "b")
    assert da == db
    if messy_flag:
        assert any(k.endswith(".xlsx") for k in da)
    c = generate(tmp_path / "c", employees=20, months=2, end=END, seed=4, messy=messy_flag)
    assert _digest(tmp_path / "c") != da and c


def test_layout_and_summary_counts(clean):
    root, summary = clean
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert set(summary) == on_disk
    for rel, n in summary.items():
        _, body = _read_table(root / rel)
        assert len(body) == n, rel
    kinds = {rel.split("/")[0] for rel in summary}
    assert kinds == {"pegawai", "presensi", "skp", "skm", "layanan", "koreksi"}
    assert any(re.fullmatch(r"presensi/rekap_[a-z-]+_2026-10\.csv", r) for r in summary)
    assert any(re.fullmatch(r"presensi/scan_[a-z-]+_2026-10\.csv", r) for r in summary)
    assert "skp/skp_2026-Q3.csv" in summary  # last complete quarter (Jul-Sep)
    assert {f"layanan/layanan_{y}.csv" for y in (2026,)} <= set(summary)


def test_roster_nips_valid(clean):
    root, _ = clean
    cols, rows = _mapped(root / "pegawai" / "pegawai.csv", "pegawai")
    assert cols == [
        "nip",
        "nama",
        "jabatan",
        "unit_kerja",
        "jenis_asn",
        "golongan",
        "nip_atasan",
        "pin",
        "tmt_mulai",
        "tmt_selesai",
    ]
    nips = [r["nip"] for _, r in rows]
    assert len(rows) == 30 and len(set(nips)) == len(nips)
    end = dt.date(2026, 10, 31)
    for _, r in rows:
        nip = r["nip"]
        assert _nip_ok(nip), nip
        birth = dt.date(int(nip[:4]), int(nip[4:6]), int(nip[6:8]))
        age = end.year - birth.year - ((end.month, end.day) < (birth.month, birth.day))
        assert 22 <= age <= 58, (nip, age)
        tmt = (int(nip[8:12]), int(nip[12:14]))
        assert (birth.year + 18, birth.month) < tmt <= (2026, 10), nip
        assert r["jenis_asn"] in ("PNS", "PPPK")
        if r["jenis_asn"] == "PNS":
            assert re.fullmatch(r"(II|III|IV)/[a-e]", r["golongan"])
        else:
            assert r["golongan"] in ("V", "VII", "IX")
        assert r["nip_atasan"] == "" or r["nip_atasan"] in nips
    assert sorted(int(r["pin"]) for _, r in rows) == list(range(1, 31))
    heads = [r for _, r in rows if r["nip_atasan"] == ""]
    assert len(heads) == 1 and heads[0]["jabatan"].startswith("Camat")
    units = {r["unit_kerja"] for _, r in rows}
    with open(REF / "units.csv", encoding="utf-8", newline="") as fh:
        known = {n for u in csv.DictReader(fh) for n in [u["name"], *u["aliases"].split("|")]}
    assert units <= known


def test_attendance_only_on_workdays(clean):
    root, _ = clean
    hol = set(load_holidays())
    _, peg = _mapped(root / "pegawai" / "pegawai.csv", "pegawai")
    span = {r["nip"]: (r["tmt_mulai"] or "0000", r["tmt_selesai"] or "9999") for _, r in peg}
    pin_nip = {r["pin"]: r["nip"] for _, r in peg}
    n_recap = n_scan = 0
    for path in sorted((root / "presensi").iterdir()):
        if _kind_of_presensi(path) == "presensi_recap":
            _, rows = _mapped(path, "presensi_recap")
            for _, r in rows:
                d = dt.date.fromisoformat(r["tanggal"])
                assert d.weekday() < 5 and d not in hol, (path.name, d)
                lo, hi = span[r["nip"]]
                assert lo <= r["tanggal"] <= hi
                assert r["status"] in ("H", "I", "S", "C", "DL", "TB", "TK")
                assert bool(r["jam_masuk"]) == bool(r["jam_pulang"]) == (r["status"] == "H")
                n_recap += 1
        else:
            _, rows = _mapped(path, "presensi_scan")
            weekend_rows = 0
            for _, r in rows:
                d = dt.date.fromisoformat(r["waktu"][:10])
                assert d not in hol, (path.name, d)
                if d.weekday() >= 5:  # a rare Saturday scan (kerja bakti) is realistic
                    assert d.weekday() == 5
                    weekend_rows += 1
                lo, hi = span[pin_nip[r["pin"]]]
                assert lo <= d.isoformat() <= hi
                n_scan += 1
            assert weekend_rows <= 6
    assert n_recap > 500 and n_scan > 500


def test_clean_set_has_no_defects(clean):
    root, _ = clean
    assert _problems(root) == set()
    assert not (root / ".manifest.json").exists()


def test_skp_shape(clean):
    root, _ = clean
    rows = []
    for p in sorted((root / "skp").iterdir()):
        rows += [r for _, r in _mapped(p, "skp")[1]]
    by_asn: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        by_asn.setdefault((r["nip"], r["periode"]), []).append(r)
        assert r["aspek"] in ("kuantitas", "kualitas", "waktu", "biaya")
        if r["target"] == "":
            assert float(r["target_min"]) < float(r["target_max"])
        t = float(r["target"] or r["target_min"])
        real = float(r["realisasi"])
        missed = real > t if r["arah"] == "turun" else real < t
        assert bool(r["kendala"]) == missed, r
    for group in by_asn.values():
        assert 2 <= len(group) <= 4
        assert len({(g["rating_hasil_kerja"], g["rating_perilaku"]) for g in group}) == 1
    assert any(p.endswith("Q3") for _, p in by_asn)
    assert any(r["arah"] == "turun" for r in rows)
    empty = sum(1 for g in by_asn.values() if g[0]["rating_hasil_kerja"] == "")
    assert 0 < empty < len(by_asn) * 0.3


def test_messy_manifest_matches_defects(messy):
    root, summary, msgs = messy
    manifest = json.loads((root / ".manifest.json").read_text(encoding="utf-8"))
    assert manifest, "messy output lists its defects"
    listed = set()
    for m in manifest:
        assert set(m) == {"file", "row", "column", "rule", "note"}
        assert m["rule"] in RULES and m["file"] in summary
        listed.add((m["file"], m["row"], m["column"], m["rule"]))
    # rows must point at lines that really contain the defect, and nothing else is wrong
    assert _problems(root) == listed
    rules = {m["rule"] for m in manifest}
    assert rules == set(RULES)
    # each listed row carries exactly one rule, except conflict groups
    per_row: dict[tuple[str, int], set] = {}
    for m in manifest:
        per_row.setdefault((m["file"], m["row"]), set()).add(m["rule"])
    assert all(len(v) == 1 for v in per_row.values())
    assert len(msgs) == len(summary)


def test_messy_formats(messy):
    root, summary, _ = messy
    assert "pegawai/pegawai.xlsx" in summary and "pegawai/pegawai.csv" not in summary
    assert any(r.startswith("skp/") and r.endswith(".xlsx") for r in summary)
    raw = {r: (root / r).read_bytes() for r in summary if r.endswith(".csv")}
    assert any(b.startswith(b"\xef\xbb\xbf") and b"\r\n" in b for b in raw.values())
    assert any(not b.startswith(b"\xef\xbb\xbf") and b"\r\n" not in b for b in raw.values())
    recaps = b"".join(b for r, b in raw.items() if "/rekap_" in r).decode("utf-8-sig")
    assert re.search(r"\d{2}/\d{2}/2026", recaps)
    assert re.search(r"\d{1,2} (Juli|Agustus|September|Oktober) 2026", recaps)
    assert re.search(r"[;,]0\d\.\d{2}[;,]", recaps)
    assert re.search(r"[;,](hadir|Hadir|Sakit|sakit|dinas luar|Dinas Luar)\r?\n", recaps)
    trailing = [b for b in raw.values() if re.search(rb"(\r?\n)([;,]+\r?\n|\r?\n)+$", b)]
    assert trailing, "some CSV files end with empty rows"


def test_messy_skm_same_data_as_clean(clean, messy):
    """Label answers and the form export (U9 before U8) carry the clean set's scores."""
    croot, _ = clean
    mroot, summary, _ = messy
    clean_rows = []
    for p in sorted((croot / "skm").iterdir()):
        clean_rows += [r for _, r in _mapped(p, "skm")[1]]
    special = [r for r in summary if r.startswith("skm/") and not re.fullmatch(r"skm/skm_\d{4}-\d{2}\.csv", r)]
    assert len(special) == 2
    header, _ = _read_table(mroot / next(r for r in special if "ekspor_form" in r))
    pos = [_norm(h) for h in header]
    assert pos.index("sarana_dan_prasarana") < pos.index("penanganan_pengaduan_saran_dan_masukan")
    for rel in special:
        _, rows = _mapped(mroot / rel, "skm")
        assert rows
        for _, r in rows:
            d = _parse_date(r["waktu"][:10]) or dt.date.fromisoformat(r["waktu"][:10])
            waktu = f"{d.isoformat()} {r['waktu'][11:]}"
            match = [
                c for c in clean_rows if c["waktu"] == waktu and c["usia"] == r["usia"] and c["saran"] == r["saran"]
            ]
            assert len(match) == 1, (rel, r)
            for k in range(1, 10):
                assert _score(f"u{k}", r[f"u{k}"]) == int(match[0][f"u{k}"]), (rel, k, r)


def test_skm_and_layanan(clean):
    root, _ = clean
    rows = []
    for p in sorted((root / "skm").iterdir()):
        rows += [r for _, r in _mapped(p, "skm")[1]]
    assert {r["jenis_kelamin"] for r in rows} <= {"L", "P"}
    assert all(17 <= int(r["usia"]) <= 75 for r in rows)
    scores = [int(r[f"u{k}"]) for r in rows for k in range(1, 10)]
    share = {v: scores.count(v) / len(scores) for v in (1, 2, 3, 4)}
    assert share[3] > 0.45 and share[1] < 0.03
    served: dict[tuple[str, str], int] = {}
    for p in (root / "layanan").iterdir():
        for _, r in _mapped(p, "layanan")[1]:
            served[(r["unit_layanan"], r["periode"])] = int(r["jumlah_layanan"])
    counts: dict[tuple[str, str], int] = {}
    for r in rows:
        k = (r["unit_layanan"], r["waktu"][:7])
        counts[k] = counts.get(k, 0) + 1
    for k, n in counts.items():
        assert 0.09 <= n / served[k] <= 0.41, k


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError):
        generate(tmp_path, employees=5)
    with pytest.raises(ValueError):
        generate(tmp_path, end="2026-13")
    with pytest.raises(ValueError):
        generate(tmp_path, months=0)


@pytest.mark.parametrize(
    "days, written",
    [
        ([1, 5], "2026-10-01 08:00:00"),  # dd/mm/yyyy of days 1-12 only would be refused (docs/inbox.md)
        ([1, 13], "01/10/2026 08:00:00"),  # the 13th settles the file day-first
    ],
)
def test_a_form_export_is_written_dd_mm_yyyy_only_when_its_days_settle_the_order(tmp_path, days, written):
    from data.sample.output import Output
    from data.sample.skm import FORM_ORDER, write_skm_form

    row = {c: "3" for c in FORM_ORDER} | {"sec": 8 * 3600}
    rows = [row | {"d": dt.date(2026, 10, d)} for d in days]
    out = Output(tmp_path, None)
    write_skm_form(out, "skm/ekspor_form.csv", rows, seed=7)
    text = (tmp_path / "skm" / "ekspor_form.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[1].startswith(written)


def test_the_default_output_is_the_committed_samples(tmp_path):
    """A new option of the generator leaves the default office inbox byte for byte as committed."""
    generate(tmp_path / "office")
    assert _digest(tmp_path / "office") == _digest(Path(__file__).resolve().parents[2] / "data" / "samples")


def test_a_province_of_many_units_under_parents(tmp_path):
    summary = generate(tmp_path / "prov" / "inbox", employees=240, months=1, end=END, units=60, parents=3)
    ref = tmp_path / "prov" / "inbox-referensi"
    with open(ref / "units.csv", encoding="utf-8", newline="") as fh:
        units = list(csv.DictReader(fh))
    assert [u["kind"] for u in units].count("instansi") == 3
    leaves = [u for u in units if u["kind"] == "kelurahan"]
    assert len(leaves) == 60 and {u["parent"] for u in leaves} == {"opd-01", "opd-02", "opd-03"}
    assert sum(u["parent"] == "opd-02" for u in leaves) == 20
    # every other reference table is the committed one; every unit has its attendance file and ASN
    assert (ref / "recommendation_rules.csv").read_bytes() == (
        Path(__file__).resolve().parents[2] / "data" / "reference" / "recommendation_rules.csv"
    ).read_bytes()
    files = [k for k in summary if k.startswith("presensi/") and not k.startswith("presensi/keterangan")]
    assert len(files) == 61
    with open(tmp_path / "prov" / "inbox" / "pegawai" / "pegawai.csv", encoding="utf-8", newline="") as fh:
        roster = list(csv.DictReader(fh))
    assert len(roster) == 240
    with pytest.raises(ValueError):
        generate(tmp_path / "bad", units=2, parents=3)
