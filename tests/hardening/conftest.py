"""Shared machinery of the hardening tests: build a case inbox, run the real `pantau validate`
on it in-process, and keep what it saw (exit code, output, the in-memory warehouse, the outcome);
and the sample office with hostile and personal text in every channel a report shows
(`hostile_office`), for the privacy and output-safety tests of the reports.

A case is the hand-made files under fixtures/<case>/ (copied as they are), plus the three-person
roster of tests/helpers.py, plus whatever a small builder function writes at test time: binary,
huge or file-system-special inputs (random bytes, a truncated XLSX, 10 MB lines, symbolic links,
FIFOs, names that are not UTF-8) are generated into tmp_path, never committed.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from helpers import ROSTER, write_inbox

FIXTURES = Path(__file__).resolve().parent / "fixtures"
AS_OF = "2026-11-28"
ROSTER_PATH = "pegawai/daftar_pegawai.csv"
SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
PERIOD = "2026-10"


@dataclass
class CaseRun:
    """What `pantau validate --inbox <case>` did."""

    name: str
    inbox: Path
    exit_code: int
    output: str
    con: duckdb.DuckDBPyConnection
    outcome: object  # flows.steps.Outcome
    reports: dict = field(default_factory=dict)  # path -> FileReport

    def file(self, path: str) -> dict:
        """The outcome entry of one file: action, message, warnings, counts."""
        return next(f for f in self.outcome.files if f["path"] == path)

    def rows(self, sql: str, params=None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()

    def quarantine(self, path: str) -> set[tuple]:
        """{(row, column, value, rule)} quarantined from one file."""
        return set(
            self.rows(
                'select q."row", q."column", q.value, q.rule from quarantine.rows q '
                "join lineage.files f using (file_id) where f.path = ? and f.status = 'loaded'",
                [path],
            )
        )

    def staged(self, table: str, columns: str, path: str) -> list[tuple]:
        return self.rows(
            f"select _row, {columns} from staging.{table} where _file_id = "
            "(select file_id from lineage.files where path = ? and status = 'loaded') order by _row",
            [path],
        )

    def counts(self) -> dict:
        from expectations.summary import file_counts

        return {c.path: c for c in file_counts(self.con)}


def run_validate(inbox: Path, state_dir: Path, settings: str = "") -> tuple[int, str, list]:
    """`pantau validate` in-process; returns (exit code, output, [(con, reports, outcome)]).
    `settings`: more TOML sections for the config file (e.g. "[ingest]\\nmax_line_size = ...")."""
    from flows import steps
    from flows.cli import app
    from transforms.ingest.limits import MAX_FILE_SIZE_ENV, MAX_LINE_SIZE_ENV

    config = state_dir / "pantau.toml"
    state_dir.mkdir(parents=True, exist_ok=True)
    config.write_text(f'[paths]\nstate_dir = "{state_dir.as_posix()}"\n{settings}', encoding="utf-8")
    seen = []
    real = steps.validate_step

    def spy(con, reports, *args, **kwargs):
        outcome = real(con, reports, *args, **kwargs)
        seen.append((con, reports, outcome))
        return outcome

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(steps, "validate_step", spy)
        for env in (MAX_FILE_SIZE_ENV, MAX_LINE_SIZE_ENV):  # the command sets them; restored after
            mp.setenv(env, "")
        result = CliRunner().invoke(app, ["validate", "--config", str(config), "--inbox", str(inbox), "--as-of", AS_OF])
    return result.exit_code, result.output, seen


@pytest.fixture
def validate():
    """validate(inbox, state_dir, settings="") -> (exit code, output, seen): run_validate for a test's own inbox."""
    return run_validate


def build_inbox(root: Path, name: str, builder: Callable[[Path], None] | None, roster: bool = True) -> Path:
    inbox = root / name
    if (FIXTURES / name).is_dir():
        shutil.copytree(FIXTURES / name, inbox, symlinks=True)
    inbox.mkdir(parents=True, exist_ok=True)
    if roster:
        write_inbox(inbox, {ROSTER_PATH: ROSTER})
    if builder is not None:
        builder(inbox)
    return inbox


@pytest.fixture(scope="session")
def case_runner(tmp_path_factory):
    """run(name, builder=None) -> CaseRun, each case built and validated once per session."""
    root = tmp_path_factory.mktemp("hardening")
    done: dict[str, CaseRun] = {}

    def run(name: str, builder: Callable[[Path], None] | None = None, roster: bool = True) -> CaseRun:
        if name not in done:
            inbox = build_inbox(root / "inboxes", name, builder, roster)
            code, output, seen = run_validate(inbox, root / "state" / name)
            assert seen, f"{name}: validate never reached validation (exit {code}):\n{output}"
            con, reports, outcome = seen[-1]
            done[name] = CaseRun(name, inbox, code, output, con, outcome, {r.path: r for r in reports})
        return done[name]

    yield run
    for case in done.values():
        case.con.close()


# ---------------------------------------------------------------- the sample office, hostile

# what a citizen writes about themselves in a complaint (phone twice, NIK, e-mail)
RESPONDENT = ["081234567890", "6281355551234", "6271031203850001", "warga.kesal@contoh.id"]
# markup typed where a report shows text; each would set window.__pwned if it ever ran
HTML_ASN_NIP = "199001012015031001"
HTML_TEXT = {
    "nama": '<img src=x onerror="window.__pwned=1">Rina Hostil',
    "jabatan": "<script>window.__pwned=2</script>Staf Pelayanan",
    "indikator": "<iframe src=javascript:window.__pwned=3></iframe>Jumlah surat",
    "kendala": "<script>window.__pwned=4</script> menunggu tanda tangan",
    "status": "<script>window.__pwned=5</script>",
    "berkas": "skm/survei <img src=x onerror=window.__pwned=6>.csv",
    "keluhan": '<svg onload="window.__pwned=7">antri lama sekali</svg>',
}


@dataclass
class HostileOffice:
    con: duckdb.DuckDBPyConnection
    roster: list[tuple[str, str]]  # (nip, name without titles) of everyone on the roster
    named: list[tuple[str, str]]  # the three whose NIP and name citizens wrote down
    period: str = PERIOD
    respondent: tuple[str, ...] = tuple(RESPONDENT)
    html: dict = field(default_factory=lambda: dict(HTML_TEXT))
    html_nip: str = HTML_ASN_NIP


def sample_roster() -> list[tuple[str, str]]:
    with open(SAMPLES / "pegawai" / "pegawai.csv", encoding="utf-8", newline="") as fh:
        return [(r["nip"], r["nama"].split(",")[0].strip()) for r in csv.DictReader(fh)]


def spaced(nip: str) -> str:
    """A NIP as printed on an ID card: 19850312 201001 1 001."""
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


def survey(rows: list[tuple[str, str]]) -> str:
    """Survey rows (unit, complaint) of 14 October 2026."""
    out = (
        "waktu,unit_layanan,jenis_layanan,nip_petugas,usia,jenis_kelamin,pendidikan,pekerjaan,"
        "u1,u2,u3,u4,u5,u6,u7,u8,u9,saran\n"
    )
    for i, (unit, text) in enumerate(rows):
        text = text.replace('"', '""')
        out += f'2026-10-14 1{i}:15:00,{unit},Surat Keterangan Usaha,,34,P,SMA,Wirausaha,3,3,2,4,3,3,3,2,3,"{text}"\n'
    return out


def hostile_files(named: list[tuple[str, str]]) -> dict[str, str]:
    """The files added to the sample inbox."""
    (nip_a, name_a), (nip_b, name_b), (nip_c, name_c) = named
    first_c, *rest_c = name_c.split()
    pager = "Kantor Kelurahan Pager"
    h = {k: v.replace('"', '""') for k, v in HTML_TEXT.items()}
    return {
        # what citizens write: an officer's name and NIP in four spellings, and their own contacts
        "skm/survei_keluhan_tambahan.csv": survey(
            [
                (pager, f"antri lama sekali, petugas {name_a.lower()} NIP {spaced(nip_a)} minta uang rokok"),
                (pager, f"antri lama, {name_b.upper()} (nip{nip_b}) tidak ada di tempat"),
                (
                    pager,
                    f"antri lama, bapak {first_c}  {' '.join(rest_c)} "
                    f"nip. {nip_c[:8]}.{nip_c[8:14]}.{nip_c[14]}.{nip_c[15:]}",
                ),
                (
                    pager,
                    "antri lama, hubungi saya 0812-3456-7890 atau +62 813 5555 1234, "
                    "NIK 6271031203850001, email warga.kesal@contoh.id",
                ),
            ]
        ),
        # what offices do: files named after the person they are about
        f"skm/Survei {name_a} {nip_a}.csv": survey([("PATEN", "antri lama di loket")]),
        f"skm/survei_{name_b.replace(' ', '_')}_{nip_b}.csv": survey([("PATEN", "antri lama, ruang panas")]),
        # markup in every other channel: roster, SKP, a quarantined value, a file name, a complaint
        "pegawai/tambahan_html.csv": (
            "nip,nama,jabatan,unit_kerja,jenis_asn,golongan\n"
            f'{HTML_ASN_NIP},"{h["nama"]}","{h["jabatan"]}",Kelurahan Pager,PNS,III/a\n'
        ),
        "skp/skp_html_2026-10.csv": (
            "nip,periode,rhk,indikator,aspek,satuan,target,realisasi,arah,rating_hasil_kerja,rating_perilaku,kendala\n"
            f'{HTML_ASN_NIP},2026-10,Pelayanan administrasi,"{h["indikator"]}",kuantitas,dokumen,10,5,naik,'
            f'sesuai ekspektasi,sesuai ekspektasi,"{h["kendala"]}"\n'
        ),
        "presensi/rekap_html.csv": (
            f'nip,tanggal,jam_masuk,jam_pulang,status\n{HTML_ASN_NIP},2026-10-01,07:30,16:00,"{h["status"]}"\n'
        ),
        HTML_TEXT["berkas"]: survey([(pager, HTML_TEXT["keluhan"])]),
    }


@pytest.fixture(scope="session")
def hostile_office(tmp_path_factory) -> HostileOffice:
    """The committed sample office plus hostile_files(), run like `pantau run --period 2026-10`
    (steps in-process, a run recorded), its warehouse open for rendering."""
    from flows.settings import Settings
    from flows.steps import ingest_step, transform_step, validate_step
    from transforms.runs import finish_run, start_run
    from transforms.warehouse import connect

    sample = sample_roster()
    named = [sample[3], sample[10], sample[20]]
    root = tmp_path_factory.mktemp("kantor")
    inbox = root / "inbox"
    shutil.copytree(SAMPLES, inbox)
    write_inbox(inbox, hostile_files(named))
    con = connect(root / "pantau.duckdb")
    as_of = __import__("datetime").date.fromisoformat(AS_OF)
    run_id = start_run(con, "run", PERIOD, as_of, {"inbox": str(inbox)})
    reports, _ = ingest_step(con, inbox, Settings().reference, run_id)
    assert {r.path: r.action for r in reports if r.action != "loaded"} == {}, [r.message for r in reports]
    outcome = validate_step(con, reports, as_of, run_id, period=PERIOD)
    assert not outcome.blocked, outcome.blocking
    assert not transform_step(con, PERIOD, run_id)["blocking"]
    finish_run(con, run_id, "success")
    roster = [
        (nip, nama.split(",")[0].strip())
        for nip, nama in con.execute("select nip, nama from staging.stg_pegawai order by nip").fetchall()
    ]
    yield HostileOffice(con, roster, named)
    con.close()


@pytest.fixture(scope="module")
def recap_warehouse(tmp_path_factory):
    """One warehouse for all examples of the property tests (test_properties.py, test_csv_layout.py):
    the roster once; each example's file replaces the last one at the same path (a correction), so
    only it is in raw.* when it is counted."""
    from expectations.reference import load_reference_tables
    from transforms.ingest import ingest_inbox
    from transforms.warehouse import connect

    con = connect(":memory:")
    load_reference_tables(con)
    roster = write_inbox(tmp_path_factory.mktemp("roster"), {"pegawai/p.csv": ROSTER})
    ingest_inbox(con, roster)
    yield con, tmp_path_factory.mktemp("recaps")
    con.close()
