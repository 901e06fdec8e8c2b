"""The `pantau` command line. Exit codes: 0 success (quarantined rows are reported, not
fatal), 1 the data blocks publishing, 2 wrong usage (options, settings, inbox, a warehouse file
that is not one), 3 another run holds the warehouse (a reader waited `[warehouse] reader_wait`
seconds in vain), 4 internal error (short message and a log path; traceback with --debug).
"""

from __future__ import annotations

import logging
import sys
import traceback
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from flows.cli_frame import install as indonesian_frame
from flows.settings import Settings, duckdb_environment, load_settings, prefect_environment, shown

indonesian_frame()  # "Penggunaan", "Opsi … wajib diisi", no `<bool>` on flags (flows/cli_frame.py)
app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Pantau Kinerja: pengawasan dan evaluasi kinerja ASN (presensi, SKP, SKM/IKM).",
)

EXIT_OK, EXIT_BLOCKED, EXIT_USAGE, EXIT_LOCKED, EXIT_INTERNAL = 0, 1, 2, 3, 4

# each option's default as --help shows it (the values themselves live in flows/settings.py)
DEFAULTS = Settings()
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="Berkas pengaturan TOML (lihat docs/configuration.md).",
        show_default="tanpa berkas: nilai bawaan di bawah",
    ),
]
WarehouseOpt = Annotated[
    Path | None,
    typer.Option(
        "--warehouse",
        help="Berkas gudang data DuckDB, sama untuk semua perintah.",
        show_default=f"[paths] warehouse, atau {shown(DEFAULTS.warehouse)}",
    ),
]
InboxOpt = Annotated[
    Path | None,
    typer.Option(
        "--inbox",
        help="Folder ekspor (pegawai/, presensi/, skp/, skm/, layanan/). Wajib: tanpa --inbox "
        "atau \\[paths] inbox tidak ada yang dibaca; contoh data: --inbox data/samples.",
        show_default="[paths] inbox; tidak ada bawaan",
    ),
]
OutOpt = Annotated[
    Path | None,
    typer.Option("--out", help="Folder keluaran laporan.", show_default=f"[paths] out, atau {shown(DEFAULTS.out)}"),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Tanggal acuan 'hari ini' (YYYY-MM-DD) untuk cek tanggal masa depan.",
        show_default=f"[run] as_of, atau hari ini di {DEFAULTS.timezone}",
    ),
]
WithdrawOpt = Annotated[
    bool,
    typer.Option(
        "--withdraw",
        help="Tarik juga berkas dari beberapa periode yang hilang bersamaan dari inbox "
        "(tanpa ini run berhenti dan menyebutkannya; docs/inbox.md).",
        show_default=True,
    ),
]
DebugOpt = Annotated[
    bool, typer.Option("--debug", help="Tampilkan traceback lengkap bila terjadi galat internal.", show_default=True)
]


def _settings(config, **overrides) -> Settings:
    as_of = overrides.pop("as_of", None)
    if as_of:
        try:
            overrides["as_of"] = date.fromisoformat(as_of)
        except ValueError:
            _usage(f"--as-of '{as_of}' bukan tanggal YYYY-MM-DD")
    try:
        settings = load_settings(config, **overrides)
        duckdb_environment(settings)
        return settings
    except FileNotFoundError:
        _usage(f"berkas pengaturan tidak ada: {config}")
    except (ValueError, TypeError) as exc:
        _usage(f"berkas pengaturan {config} tidak sah: {exc}" if config else f"pengaturan tidak sah: {exc}")


def _require_inbox(settings: Settings) -> None:
    """No inbox, no run: the exports are never guessed (the samples are read only when named)."""
    if settings.inbox is None:
        _usage(
            "tidak ada inbox: sebutkan folder ekspor dengan --inbox FOLDER atau [paths] inbox di berkas "
            "pengaturan (--config); untuk contoh data: --inbox data/samples"
        )
    if not settings.inbox.is_dir():
        _usage(f"folder inbox tidak ada: {settings.inbox} (periksa --inbox atau [paths] inbox)")


def _require_warehouse(settings: Settings) -> None:
    """Before Prefect starts: a warehouse path that is a folder or not a DuckDB file is wrong usage."""
    from transforms.warehouse import WarehouseUnusable, check_warehouse

    try:
        check_warehouse(settings.warehouse)
    except WarehouseUnusable as exc:
        _usage(str(exc))


def _require_out(settings: Settings) -> None:
    """The reports' folder must be a folder: a run must not publish its numbers and then fail on it."""
    for folder in (settings.out, *Path(settings.out).parents):
        if folder.exists():
            if not folder.is_dir():
                _usage(
                    f"folder laporan {settings.out} tidak dapat dibuat: {folder} adalah berkas, bukan folder "
                    "(periksa --out atau [paths] out)"
                )
            return


def _existing_warehouse(settings: Settings) -> None:
    _require_warehouse(settings)
    if not Path(settings.warehouse).exists():
        _usage(
            f"gudang data belum ada: {settings.warehouse} (jalankan pantau run lebih dulu, atau sebutkan "
            "gudang yang dipakai run dengan --warehouse / [paths] warehouse)"
        )


def _reader(settings: Settings):
    """The warehouse opened read-only for trace/export/runs: a run writing it is waited for."""
    from transforms.warehouse import open_for_reading

    return open_for_reading(settings.warehouse, settings.reader_wait, say=_progress)


def _flow_options(settings: Settings) -> dict:
    """The settings evaluate_period takes besides paths: internal pages, OpenLineage, the office's time zone."""
    try:
        from reports.render import check_internal_root

        check_internal_root(settings.out, settings.internal_root)
        return {
            "include_internal": settings.include_internal,
            "state_dir": settings.state_dir,
            "openlineage": settings.section("openlineage"),
            "internal_root": settings.internal_root,
            "timezone": settings.timezone,
        }
    except ValueError as exc:
        _usage(f"berkas pengaturan tidak sah: {exc}")


def _usage(message: str):
    typer.echo(f"galat: {message}", err=True)
    raise typer.Exit(EXIT_USAGE)


def _guard(settings: Settings, debug: bool, work):
    """Run work(); turn a held warehouse and internal errors into exit codes 3 and 4."""
    import duckdb

    from transforms.grain import GrainViolation
    from transforms.reference import ReferenceTableError
    from transforms.warehouse import WarehouseBusy, WarehouseUnusable

    try:
        return work()
    except typer.Exit:
        raise
    except (ReferenceTableError, GrainViolation) as exc:
        typer.echo(str(exc), err=True)  # the file (or model), the row (or keys) and what to fix
        raise typer.Exit(EXIT_BLOCKED) from None
    except WarehouseUnusable as exc:
        typer.echo(f"galat: {exc}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    except WarehouseBusy as exc:
        typer.echo(
            f"gudang data {settings.warehouse} sedang dipakai oleh run lain: {exc}. Tunggu sampai selesai lalu ulangi.",
            err=True,
        )
        raise typer.Exit(EXIT_LOCKED) from None
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            typer.echo(
                f"gudang data {settings.warehouse} sedang dipakai proses lain "
                f"(DuckDB hanya mengizinkan satu penulis): {str(exc).splitlines()[0]}",
                err=True,
            )
            raise typer.Exit(EXIT_LOCKED) from None
        return _internal(settings, debug, exc)
    except duckdb.OutOfMemoryException as exc:
        # not a bug and not bad input: the month needs more memory than [warehouse] allows
        where = "".join(f" ({note})" for note in getattr(exc, "__notes__", []))
        typer.echo(
            f"DuckDB kehabisan memori{where} dengan batas [warehouse] memory_limit = "
            f"{settings.memory_limit}: {str(exc).splitlines()[0]}\n"
            "Naikkan memory_limit di berkas pengaturan (docs/configuration.md) lalu jalankan ulang; "
            "angka yang sudah terbit tidak berubah.",
            err=True,
        )
        raise typer.Exit(EXIT_INTERNAL) from None
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for users
        return _internal(settings, debug, exc)


class _WithoutTraceback(logging.Formatter):
    """Prefect's console lines without tracebacks. The command says what went wrong in its own
    words (and --debug prints the traceback); the record is left whole for the other handlers,
    so Prefect's API handler still sends the traceback to the server for the UI."""

    def __init__(self, inner: logging.Formatter | None):
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info = record.exc_text = record.stack_info = None
        try:
            return self.inner.format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved


def quiet_console_tracebacks(logger: logging.Logger | None = None) -> None:
    """After Prefect set up logging (importing a flow does): its console handler leaves out
    tracebacks. Called by the commands that run flows in this process, unless --debug."""
    from prefect.logging.handlers import PrefectConsoleHandler

    for handler in (logger or logging.getLogger()).handlers:
        if isinstance(handler, PrefectConsoleHandler) and not isinstance(handler.formatter, _WithoutTraceback):
            handler.setFormatter(_WithoutTraceback(handler.formatter))


def _internal(settings: Settings, debug: bool, exc: BaseException):
    if debug:
        traceback.print_exc()
    logs = settings.state_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"pantau-{datetime.now().strftime('%Y%m%d-%H%M%S')}.log"
    log.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
    typer.echo(
        f"galat internal: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}\n"
        f"rincian: {log} (jalankan ulang dengan --debug untuk traceback)",
        err=True,
    )
    raise typer.Exit(EXIT_INTERNAL)


@app.command()
def validate(
    config: ConfigOpt = None,
    inbox: InboxOpt = None,
    as_of: AsOfOpt = None,
    debug: DebugOpt = False,
    watch: Annotated[
        bool,
        typer.Option(
            "--watch",
            help="Tetap berjalan dan validasi ulang setiap kali isi inbox atau tabel referensi "
            "berubah (lebih cepat dari perintah baru); Ctrl+C untuk berhenti.",
            show_default=True,
        ),
    ] = False,
):
    """Periksa ekspor di inbox tanpa mengubah gudang data; semua masalah didaftar sekaligus."""
    settings = _settings(config, inbox=inbox, as_of=as_of)
    _require_inbox(settings)
    cache = None  # --watch: the files read in earlier passes (transforms/ingest/replay.py)

    def work():
        from flows import console
        from flows.steps import ingest_step, validate_step
        from transforms.warehouse import connect

        con = connect(":memory:")
        try:
            reports, _ = ingest_step(con, settings.inbox, settings.reference, None, progress=_progress, cache=cache)
            outcome = validate_step(con, reports, settings.today(), None, progress=_progress)
        finally:
            if cache is not None:  # --watch: each pass's warehouse goes (one command's lives until exit)
                con.close()
        typer.echo(
            console.text_summary(
                outcome,
                f"Validasi {settings.inbox} (tanggal acuan {settings.today()}); tidak ada yang dimuat atau diubah",
                dry_run=True,
            )
        )
        if outcome.unreconciled:
            raise RuntimeError(f"hitungan baris tidak cocok untuk: {', '.join(outcome.unreconciled)}")
        return EXIT_BLOCKED if outcome.blocked else EXIT_OK

    if not watch:
        raise typer.Exit(_guard(settings, debug, work))
    from flows.watch import DEFAULT_INTERVAL
    from flows.watch import watch as watch_inbox
    from transforms.ingest.replay import IngestCache

    cache = IngestCache()

    def once() -> int:  # a pass that fails says so and the watch goes on
        try:
            _require_inbox(settings)
            return _guard(settings, debug, work)
        except typer.Exit as exc:
            return exc.exit_code

    interval = settings.section("validate").get("watch_interval", DEFAULT_INTERVAL)
    raise typer.Exit(watch_inbox(once, [settings.inbox, settings.reference], interval, _progress))


@app.command()
def run(
    period: Annotated[str, typer.Option("--period", help="Periode bulanan YYYY-MM, misalnya 2026-10.")],
    config: ConfigOpt = None,
    inbox: InboxOpt = None,
    warehouse: WarehouseOpt = None,
    out: OutOpt = None,
    as_of: AsOfOpt = None,
    debug: DebugOpt = False,
    cascade: Annotated[
        bool,
        typer.Option(
            "--cascade", help="Jalankan ulang juga periode lama yang tersentuh berkas baru.", show_default=True
        ),
    ] = False,
    partitioned: Annotated[
        bool,
        typer.Option(
            "--partitioned",
            help="Ingest dan validasi per partisi (kantor, periode) secara paralel; "
            "memakai gudang data tersendiri (docs/scaling.md).",
            show_default=True,
        ),
    ] = False,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Proses paralel untuk --partitioned.", show_default=True)
    ] = 2,
    withdraw: WithdrawOpt = False,
):
    """Jalankan satu periode dari ujung ke ujung (ingest, validasi, transformasi, publikasi) sebagai flow Prefect."""
    from flows.steps import check_period

    try:
        check_period(period)
    except ValueError as exc:
        _usage(str(exc))
    if partitioned and cascade:
        _usage("--cascade belum tersedia untuk --partitioned")
    settings = _settings(config, inbox=inbox, warehouse=warehouse, out=out, as_of=as_of)
    _require_inbox(settings)
    _require_warehouse(settings)
    _require_out(settings)
    request = _RunRequest(
        period=period,
        settings=settings,
        options=_flow_options(settings),
        debug=debug,
        cascade=cascade,
        partitioned=partitioned,
        workers=workers,
        withdraw=withdraw,
    )
    prefect_environment(settings)

    def work():
        from flows.evaluate import without_heartbeat

        with without_heartbeat():
            return _run_period(request)

    raise typer.Exit(_guard(settings, debug, work))


@dataclass(frozen=True)
class _RunRequest:
    """What `pantau run` was asked for, once its options and settings are checked."""

    period: str
    settings: Settings
    options: dict  # from _flow_options
    debug: bool
    cascade: bool
    partitioned: bool
    workers: int
    withdraw: bool


def _run_period(request: _RunRequest) -> int:
    """The period's flow run, its summary printed; with --cascade the stale older periods after it."""
    from flows import console

    settings = request.settings
    if not request.debug:
        quiet_console_tracebacks()
    server = console.prefect_server()  # before the flow: an ephemeral server sets its own URL
    _progress("menyiapkan Prefect (server sementara bila tidak ada server yang diatur)...")
    outcome = _evaluate_requested(request)
    label = " (berpartisi)" if request.partitioned else ""
    typer.echo(
        console.text_summary(outcome, f"Periode {request.period}{label}: {settings.inbox} -> {settings.warehouse}")
    )
    if outcome.report:
        typer.echo(f"Laporan: {outcome.report}")
    typer.echo(console.flow_run_line(outcome.flow_run_id, server, outcome.flow_run_name))
    if outcome.unreconciled:
        raise RuntimeError(f"hitungan baris tidak cocok untuk: {', '.join(outcome.unreconciled)}")
    blocked = outcome.blocked
    if request.cascade and not blocked:
        blocked = _rerun_stale(request, outcome.stale_periods)
    return EXIT_BLOCKED if blocked else EXIT_OK


def _evaluate_requested(request: _RunRequest):
    """The period evaluated as one flow, or per partition with --partitioned."""
    from flows.evaluate import evaluate_period

    settings = request.settings
    if request.partitioned:
        from flows.partitioned import evaluate_partitioned

        try:
            return evaluate_partitioned(
                period=request.period,
                inbox=settings.inbox,
                warehouse=settings.warehouse,
                reference=settings.reference,
                out=settings.out,
                as_of=settings.today(),
                workers=request.workers,
                withdraw_many=request.withdraw,
                **request.options,
            )
        except ValueError as exc:  # a warehouse that single runs write
            _usage(str(exc))
    return evaluate_period(
        period=request.period,
        inbox=settings.inbox,
        warehouse=settings.warehouse,
        reference=settings.reference,
        out=settings.out,
        as_of=settings.today(),
        withdraw_many=request.withdraw,
        **request.options,
    )


def _rerun_stale(request: _RunRequest, stale_periods) -> bool:
    """--cascade: each older period the new files touched, run again (one line each); True if any is blocked."""
    from flows import console
    from flows.evaluate import evaluate_period

    settings = request.settings
    blocked = False
    for stale in stale_periods:
        _progress(f"menjalankan ulang periode {stale} (--cascade)")
        again = evaluate_period(
            period=stale,
            inbox=settings.inbox,
            warehouse=settings.warehouse,
            reference=settings.reference,
            out=settings.out,
            as_of=settings.today(),
            **request.options,
        )
        typer.echo(console.one_line(stale, again))
        blocked = blocked or again.blocked
    return blocked


@app.command()
def backfill(
    first: Annotated[str, typer.Option("--from", help="Periode pertama YYYY-MM.")],
    last: Annotated[str, typer.Option("--to", help="Periode terakhir YYYY-MM.")],
    config: ConfigOpt = None,
    inbox: InboxOpt = None,
    warehouse: WarehouseOpt = None,
    out: OutOpt = None,
    as_of: AsOfOpt = None,
    debug: DebugOpt = False,
    withdraw: WithdrawOpt = False,
):
    """Jalankan beberapa periode berurutan (masing-masing subflow), dengan kemajuan per periode."""
    from flows.steps import check_period

    try:
        check_period(first)
        check_period(last)
    except ValueError as exc:
        _usage(str(exc))
    if first > last:
        _usage(f"--from {first} sesudah --to {last}")
    settings = _settings(config, inbox=inbox, warehouse=warehouse, out=out, as_of=as_of)
    _require_inbox(settings)
    _require_warehouse(settings)
    _require_out(settings)
    options = _flow_options(settings)
    prefect_environment(settings)

    def work():
        from flows import console
        from flows.schedule import backfill as backfill_flow

        if not debug:
            quiet_console_tracebacks()
        results = backfill_flow(
            first=first,
            last=last,
            inbox=settings.inbox,
            warehouse=settings.warehouse,
            reference=settings.reference,
            out=settings.out,
            as_of=settings.today(),
            options={**options, "withdraw_many": withdraw},
        )
        for period, outcome in results:
            typer.echo(console.one_line(period, outcome))
        blocked = [p for p, o in results if o.blocked]
        if blocked:
            typer.echo(
                "Periode yang dihentikan: " + ", ".join(blocked) + " (lihat pantau run --period ... untuk rinciannya)"
            )
        return EXIT_BLOCKED if blocked else EXIT_OK

    raise typer.Exit(_guard(settings, debug, work))


@app.command()
def serve(
    cron: Annotated[
        str | None,
        typer.Option(
            "--cron",
            help="Jadwal cron, di zona waktu [run] timezone.",
            show_default=f"[run] cron, atau {DEFAULTS.cron} ({DEFAULTS.timezone})",
        ),
    ] = None,
    config: ConfigOpt = None,
    inbox: InboxOpt = None,
    warehouse: WarehouseOpt = None,
    out: OutOpt = None,
    debug: DebugOpt = False,
):
    """Layani run bulanan terjadwal (periode = bulan sebelumnya) dengan Prefect; hentikan dengan Ctrl+C."""
    settings = _settings(config, inbox=inbox, warehouse=warehouse, out=out, cron=cron)
    _require_inbox(settings)
    _require_warehouse(settings)
    _require_out(settings)
    prefect_environment(settings)
    cron = settings.cron

    def work():
        from prefect import serve as prefect_serve

        from flows.schedule import monthly_deployment

        typer.echo(f"Melayani 'pantau-bulanan' dengan jadwal '{cron}' ({settings.timezone}); Ctrl+C untuk berhenti.")
        # schedules stay active when this process stops: a restart must not silently pause them
        prefect_serve(monthly_deployment(settings, cron), pause_on_shutdown=False)
        return EXIT_OK

    raise typer.Exit(_guard(settings, debug, work))


@app.command()
def runs(
    config: ConfigOpt = None,
    warehouse: WarehouseOpt = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Jumlah run yang ditampilkan.", show_default=True)] = 20,
    debug: DebugOpt = False,
):
    """Run terakhir: status, periode, jumlah baris, durasi."""
    settings = _settings(config, warehouse=warehouse)
    _existing_warehouse(settings)

    def work():
        from flows import console

        con = _reader(settings)
        try:
            typer.echo(console.runs_table(con, limit))
        finally:
            con.close()
        return EXIT_OK

    raise typer.Exit(_guard(settings, debug, work))


@app.command()
def export(
    period: Annotated[
        str, typer.Option("--period", help="Periode YYYY-MM (termasuk triwulan/semester/tahun yang ditutupnya).")
    ],
    fmt: Annotated[str, typer.Option("--format", help="csv atau xlsx.", show_default=True)] = "csv",
    output: Annotated[
        Path | None,
        typer.Option("--output", help="Berkas tujuan.", show_default="<out>/<period>/metrics-<period>.<format>"),
    ] = None,
    config: ConfigOpt = None,
    warehouse: WarehouseOpt = None,
    out: OutOpt = None,
    debug: DebugOpt = False,
    pribadi: Annotated[
        bool,
        typer.Option(
            "--pribadi",
            help="Sertakan angka per ASN (data pribadi); berkas ditulis di bawah [paths] internal, "
            "tidak pernah di dalam --out.",
            show_default=True,
        ),
    ] = False,
):
    """Ekspor angka terbit satu periode untuk analis (awalan rumus =, +, -, @ dinetralkan)."""
    from flows.steps import check_period

    try:
        check_period(period)
    except ValueError as exc:
        _usage(str(exc))
    if fmt not in ("csv", "xlsx"):
        _usage("--format harus csv atau xlsx")
    settings = _settings(config, warehouse=warehouse, out=out)
    _existing_warehouse(settings)

    def work():
        from flows.export import export_metrics

        if pribadi:
            target = output or settings.internal_root / "ekspor" / f"metrics-{period}-pribadi.{fmt}"
            _outside_out(settings, target)
        else:
            target = output or settings.out / period / f"metrics-{period}.{fmt}"
        con = _reader(settings)
        try:
            n = export_metrics(con, period, target, fmt, personal=pribadi, reference_dir=settings.reference)
        except (IsADirectoryError, NotADirectoryError, PermissionError, FileExistsError) as exc:
            _usage(f"berkas tujuan {target} tidak dapat ditulis: {exc.strerror} (periksa --output atau --out)")
        finally:
            con.close()
        typer.echo(
            f"{n} angka periode {period} ditulis ke {target}"
            + (
                " (DATA PRIBADI: hanya untuk internal, jangan dibagikan)"
                if pribadi
                else " (tanpa angka per ASN; --pribadi untuk menyertakannya)"
            )
        )
        return EXIT_OK if n else EXIT_BLOCKED

    raise typer.Exit(_guard(settings, debug, work))


def _outside_out(settings: Settings, target: Path) -> None:
    """A file naming ASN is never written inside the public reports' folder (exit 2)."""
    public = Path(settings.out).resolve()
    if public in Path(target).resolve().parents:
        _usage(
            f"berkas {target} berada di dalam folder laporan publik {public}; ekspor --pribadi memuat data "
            "pribadi dan ditulis di luar --out, mis. di bawah [paths] internal (tanpa --output)"
        )


@app.command()
def rapor(
    period: Annotated[str, typer.Option("--period", help="Periode YYYY-MM.")],
    nip: Annotated[
        list[str] | None, typer.Option("--nip", help="NIP ASN (boleh berulang).", show_default="tidak ada")
    ] = None,
    nip_file: Annotated[
        Path | None,
        typer.Option("--nip-file", help="Berkas teks berisi satu NIP per baris.", show_default="tidak ada"),
    ] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Cetak juga ke PDF dengan Chromium.", show_default=True)] = False,
    config: ConfigOpt = None,
    warehouse: WarehouseOpt = None,
    out: OutOpt = None,
    debug: DebugOpt = False,
):
    """Tulis lembar evaluasi pribadi per ASN (DATA PRIBADI, di bawah [paths] internal): angka, aturan,
    bukti, koreksi, cara keberatan."""
    from flows.steps import check_period

    try:
        check_period(period)
    except ValueError as exc:
        _usage(str(exc))
    nips = list(nip or [])
    if nip_file is not None:
        try:
            nips += [
                line.strip()
                for line in nip_file.read_text(encoding="utf-8-sig").splitlines()
                if line.strip() and not line.startswith("#")
            ]
        except (OSError, UnicodeDecodeError) as exc:
            _usage(f"--nip-file {nip_file} tidak dapat dibaca: {getattr(exc, 'strerror', None) or exc}")
    if not nips:
        _usage("beri --nip NIP (boleh berulang) atau --nip-file BERKAS")
    settings = _settings(config, warehouse=warehouse, out=out)
    _existing_warehouse(settings)

    def work():
        from reports.rapor import RaporError, write_rapor

        con = _reader(settings)
        try:
            written = write_rapor(
                con, period, nips, settings.out, settings.internal_root, pdf=pdf, timezone=settings.timezone
            )
        except RaporError as exc:
            _usage(str(exc))
        finally:
            con.close()
        for path in written:
            typer.echo(f"ditulis: {path}")
        typer.echo(
            f"{len(nips)} lembar evaluasi pribadi periode {period} (DATA PRIBADI: hanya untuk ASN yang "
            "bersangkutan, atasannya dan kepegawaian)"
        )
        return EXIT_OK

    raise typer.Exit(_guard(settings, debug, work))


@app.command()
def trace(
    metric_id: Annotated[
        str,
        typer.Argument(
            help="Id metrik, misalnya ikm/unit/kelurahan-pager/2026-10 (atribut data-metric-id di laporan)."
        ),
    ],
    fmt: Annotated[str, typer.Option("--format", help="table, json atau csv.", show_default=True)] = "table",
    config: ConfigOpt = None,
    warehouse: WarehouseOpt = None,
    debug: DebugOpt = False,
):
    """Telusuri satu angka: definisi dan rumus, tabel referensi, model SQL, run, berkas sumber dan baris
    (dipakai dan dikecualikan)."""
    if fmt not in ("table", "json", "csv"):
        _usage("--format harus table, json atau csv")
    settings = _settings(config, warehouse=warehouse)
    _existing_warehouse(settings)

    def work():
        from transforms.trace import TraceError, trace_command_output

        con = _reader(settings)
        try:
            typer.echo(trace_command_output(con, metric_id, fmt))
        except (TraceError, ValueError) as exc:
            typer.echo(f"galat: {exc}", err=True)
            return EXIT_USAGE
        finally:
            con.close()
        return EXIT_OK

    raise typer.Exit(_guard(settings, debug, work))


@app.command()
def sample(
    out: Annotated[Path, typer.Option("--out", help="Folder tujuan (menjadi inbox).")],
    employees: Annotated[int, typer.Option("--employees", min=1, help="Jumlah ASN.", show_default=True)] = 60,
    months: Annotated[int, typer.Option("--months", min=1, help="Jumlah bulan.", show_default=True)] = 12,
    end: Annotated[str, typer.Option("--end", help="Bulan terakhir YYYY-MM.", show_default=True)] = "2026-10",
    seed: Annotated[int, typer.Option("--seed", help="Benih acak.", show_default=True)] = 7,
    messy: Annotated[
        bool, typer.Option("--messy", help="Tulis ekspor 'kotor' seperti kiriman kantor sungguhan.", show_default=True)
    ] = False,
    units: Annotated[
        int | None,
        typer.Option(
            "--units",
            min=1,
            help="Buat provinsi dengan sebanyak ini unit layanan (bukan unit kantor contoh); "
            "tabel unitnya ditulis ke folder <out>-referensi, jalankan dengan [paths] reference ke sana.",
        ),
    ] = None,
    parents: Annotated[
        int | None, typer.Option("--parents", min=1, help="Jumlah instansi/OPD induk unit-unit itu (bawaan: unit/80).")
    ] = None,
):
    """Buat contoh ekspor Kecamatan Rakumpit yang realistis (deterministik menurut seed)."""
    from flows.steps import check_period

    try:
        check_period(end)
    except ValueError as exc:
        _usage(str(exc))
    from data.sample import generate

    if parents is not None and units is None:
        _usage("--parents hanya berlaku bersama --units")
    if units is not None and parents is not None and parents > units:
        _usage(f"--parents ({parents}) tidak boleh lebih dari --units ({units})")
    summary = generate(
        out,
        employees=employees,
        months=months,
        end=end,
        seed=seed,
        messy=messy,
        progress=_progress,
        units=units,
        parents=parents,
    )
    total = sum(summary.values())
    typer.echo(f"{len(summary)} berkas, {total} baris data ditulis ke {out}")


def _progress(message: str) -> None:
    typer.echo(f"... {message}", err=True)


def main() -> None:
    # libraries that log at INFO (GX announces its temporary docs folder) stay out of the console
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("dibatalkan", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
