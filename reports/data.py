"""What the report pages read from the warehouse.

Numbers come only from `main.metrics` (the metrics contract, transforms/publish.py). The rest is words and
evidence: unit names (ref.units), rule texts (ref.recommendation_rules, ref.metric_definitions),
complaint texts (marts.skm_complaints), file counts and reference versions (lineage.*), and on the
internal pages the source rows behind a person's figures.

Public and personal metrics are loaded apart: `Report.metrics` never holds scopes that name people
(asn, indikator, petugas), so a public page cannot show them by accident.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cached_property

import duckdb

from reports.charts import Axis
from reports.fmt import Metric, containing_periods, months_back, previous_month
from reports.masking import NameMasker, affixes_from_rows
from transforms.publish import periods_published_by
from transforms.warehouse import has_table, records

PERSONAL_SCOPES = ("asn", "indikator", "petugas")
METRIC_COLUMNS = "metric_id, metric, scope, scope_id, period, value, label, unit, run_id"


@dataclass(frozen=True)
class Unit:
    slug: str
    name: str
    kind: str
    parent: str | None

    @property
    def short(self) -> str:
        """'Kantor Kelurahan Pager' -> 'Kel. Pager' for narrow chart axes."""
        return (
            self.name.replace("Kantor Kelurahan ", "Kel. ")
            .replace("Kantor Kecamatan ", "Kec. ")
            .replace("PATEN Kecamatan ", "PATEN ")
        )


# the names the report pages (reports/pages.py) read them by
table_exists = has_table
rows = records


class MetricSet:
    """Metrics by id with small look-ups; built from rows of main.metrics."""

    def __init__(self, metrics: list[Metric]):
        self.by_id = {m.metric_id: m for m in metrics}
        self._by_key: dict[tuple, list[Metric]] = {}
        self._sorted: dict[tuple, list[Metric]] = {}  # built on first use, per key
        self._sorted_ids: dict[tuple, list[str]] = {}
        for m in metrics:
            self._by_key.setdefault((m.metric, m.scope, m.period), []).append(m)

    def get(self, metric: str, scope: str, scope_id: str, period: str) -> Metric | None:
        return self.by_id.get(f"{metric}/{scope}/{scope_id}/{period}")

    def all(self, metric: str, scope: str, period: str, prefix: str | None = None) -> list[Metric]:
        """By scope_id; with a prefix, a bisection of the sorted list (internal pages ask once per ASN)."""
        key = (metric, scope, period)
        ordered = self._sorted.get(key)
        if ordered is None:
            ordered = sorted(self._by_key.get(key, []), key=lambda m: m.scope_id)
            self._sorted[key] = ordered
            self._sorted_ids[key] = [m.scope_id for m in ordered]
        if prefix is None:
            return list(ordered)
        ids = self._sorted_ids[key]
        start = end = bisect_left(ids, prefix)
        while end < len(ids) and ids[end].startswith(prefix):
            end += 1
        return ordered[start:end]

    def __len__(self) -> int:
        return len(self.by_id)


def load_metrics(con: duckdb.DuckDBPyConnection, periods: list[str], personal: bool) -> MetricSet:
    marks = ", ".join("?" for _ in periods)
    scopes = ", ".join(f"'{s}'" for s in PERSONAL_SCOPES)
    where = f"scope in ({scopes})" if personal else f"scope not in ({scopes})"
    result = con.execute(
        f"select {METRIC_COLUMNS} from main.metrics where period in ({marks}) and {where}", periods
    ).fetchall()
    return MetricSet([Metric(*r) for r in result])


class Report:
    """The facts one period's pages need; built once per render."""

    def __init__(self, con: duckdb.DuckDBPyConnection, period: str, months: int = 12, timezone: str = "Asia/Jakarta"):
        self.timezone = timezone  # the office's ([run] timezone): times are shown in it, labelled
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
            raise ValueError(f"periode '{period}' tidak sah: tulis sebagai YYYY-MM, misalnya 2026-10")
        self.con = con
        self.period = period
        self.previous = previous_month(period)
        self.months = months_back(period, months)
        window = set(self.months)
        for month in self.months:
            window.update(containing_periods(month))
        self.window = sorted(window)
        if (
            not has_table(con, "main.metrics")
            or not con.execute("select count(*) from main.metrics where period = ?", [period]).fetchall()[0][0]
        ):
            raise LookupError(f"tidak ada metrik terbit untuk periode {period}: jalankan pantau run --period {period}")
        self.metrics = load_metrics(con, self.window, personal=False)
        self._complaints: dict[str, dict[str, list[dict]]] = {}  # period -> unit -> complaints

    # --- units -------------------------------------------------------------------------------
    @cached_property
    def units(self) -> list[Unit]:
        return [
            Unit(r["slug"], r["name"], r["kind"], r["parent"] or None)
            for r in records(self.con, "select slug, name, kind, nullif(trim(parent), '') as parent from ref.units")
        ]

    @cached_property
    def office(self) -> Unit:
        roots = [u for u in self.units if not u.parent]
        return sorted(roots, key=lambda u: u.slug)[0]

    @cached_property
    def unit_by_slug(self) -> dict[str, Unit]:
        return {u.slug: u for u in self.units}

    def unit_name(self, slug: str) -> str:
        unit = self.unit_by_slug.get(slug)
        return unit.name if unit else slug

    @cached_property
    def reporting_units(self) -> list[Unit]:
        """Units with any published figure in the window, in the order of units.csv."""
        seen = {m.scope_id.split(":")[0] for m in self.metrics.by_id.values() if m.scope.startswith("unit")}
        known = [u for u in self.units if u.slug in seen]
        unknown = [Unit(s, s, "tidak dikenal", None) for s in sorted(seen - set(self.unit_by_slug))]
        return known + unknown

    # --- metrics -----------------------------------------------------------------------------
    def get(self, metric: str, scope: str, scope_id: str, period: str | None = None) -> Metric | None:
        return self.metrics.get(metric, scope, scope_id, period or self.period)

    def office_metric(self, metric: str, period: str | None = None) -> Metric | None:
        return self.get(metric, "office", self.office.slug, period)

    def series(self, metric: str, scope: str, scope_id: str) -> list[Metric | None]:
        return [self.metrics.get(metric, scope, scope_id, p) for p in self.months]

    # --- run and lineage ---------------------------------------------------------------------
    @cached_property
    def run_id(self) -> str | None:
        r = self.con.execute(
            "select run_id from main.metrics where period = ? group by run_id order by count(*) desc limit 1",
            [self.period],
        ).fetchall()
        return r[0][0] if r else None

    @cached_property
    def run(self) -> dict:
        if not self.run_id or not has_table(self.con, "lineage.runs"):
            return {}
        # the stamps are written in the session's time zone; as timestamptz they are exact moments
        found = records(
            self.con,
            """select * replace (started_at::timestamptz as started_at,
                                                    ended_at::timestamptz as ended_at)
                                  from lineage.runs where run_id = ?""",
            [self.run_id],
        )
        return found[0] if found else {}

    @cached_property
    def labels(self) -> dict[tuple[str, str], str]:
        """{(jenis, kode): label}: the Indonesian names of metrics, scopes and run statuses
        (data/reference/labels.csv)."""
        if not has_table(self.con, "ref.labels"):
            return {}
        return {
            (r["jenis"], r["kode"]): r["label"] for r in records(self.con, "select jenis, kode, label from ref.labels")
        }

    def label(self, jenis: str, kode: str | None) -> str:
        """The reader's word for a code; the code itself where the table has none."""
        return self.labels.get((jenis, kode or ""), kode or "")

    @cached_property
    def reference_versions(self) -> list[dict]:
        if not has_table(self.con, "lineage.reference_tables"):
            return []
        found = records(
            self.con,
            """select name, sha256, rows, path from lineage.reference_tables
                                  where run_id = ? order by name""",
            [self.run_id],
        )
        if found:
            return found
        # the run did not record them (e.g. a re-publish from Python): the latest load of each
        return records(
            self.con,
            """select name, arg_max(sha256, loaded_at) as sha256, arg_max(rows, loaded_at) as rows,
                                        arg_max(path, loaded_at) as path
                                 from lineage.reference_tables group by name order by name""",
        )

    @cached_property
    def reference_checks(self) -> list[dict]:
        """Each reference table's Great Expectations suite as the run ran it (shape ref.<table>)."""
        if not has_table(self.con, "lineage.validation_results"):
            return []
        suites = "lineage.suites" if has_table(self.con, "lineage.suites") else None
        sha = (
            f"(select any_value(s.sha256) from {suites} s where s.run_id = v.run_id and s.suite = v.shape)"
            if suites
            else "null"
        )
        return records(
            self.con,
            f"""select v.shape, count(*) as expectations, count(*) filter (where not v.success) as failed,
                                         max(v.element_count) as rows, any_value({sha}) as sha256,
                                         list(distinct v.expectation order by v.expectation) as types
                                  from lineage.validation_results v
                                  where v.run_id = ? and v.shape like 'ref.%' group by v.shape order by v.shape""",
            [self.run_id],
        )

    @cached_property
    def files(self) -> list[dict]:
        if not has_table(self.con, "lineage.files"):
            return []
        return records(
            self.con,
            """select file_id, path, kind, shape, format, sha256, rows_read, rows_empty,
                                        rows_loaded, rows_quarantined, status, error, superseded_by
                                 from lineage.files order by kind, path, file_id""",
        )

    @cached_property
    def quarantine_reasons(self) -> list[dict]:
        if not has_table(self.con, "quarantine.rows"):
            return []
        return records(
            self.con,
            """select q.shape, q.rule, q.message, count(*) as rows, count(distinct q.file_id) as files
                                 from quarantine.rows q
                                 left join lineage.files f on f.file_id = q.file_id
                                 where coalesce(f.status, '') <> 'superseded'
                                 group by all order by rows desc, q.rule""",
        )

    @cached_property
    def definitions(self) -> list[dict]:
        if has_table(self.con, "ref.metric_definitions"):
            return records(self.con, "select * from ref.metric_definitions")
        return []

    @cached_property
    def rules(self) -> list[dict]:
        if not has_table(self.con, "ref.recommendation_rules"):
            return []
        return records(
            self.con,
            """select * from ref.recommendation_rules
                                 where lower(trim(aktif)) in ('ya', 'true', '1')
                                 order by case jenis when 'penghargaan' then 1 when 'pembinaan' then 2 else 3 end,
                                          aturan, urutan::integer""",
        )

    @cached_property
    def ikm_categories(self) -> list[dict]:
        if not has_table(self.con, "ref.ikm_categories"):
            return []
        return records(
            self.con,
            """select mutu, kinerja, konversi_bawah::double as bawah, konversi_atas::double as atas,
                                        ni_bawah::double as ni_bawah
                                 from ref.ikm_categories order by konversi_bawah::double""",
        )

    @cached_property
    def chart_axes(self) -> dict:
        """{metric: Axis} from data/reference/chart_axes.csv: where a chart's value axis starts and its
        narrowest trend span (reports/charts.py, fit_axes)."""
        if not has_table(self.con, "ref.chart_axes"):
            return {}
        number = lambda v: None if v is None or not str(v).strip() else float(v)  # noqa: E731
        return {
            r["metric"].strip(): Axis(number(r["skala_bawah"]), number(r["skala_atas"]), number(r["rentang_minimum"]))
            for r in records(self.con, "select metric, skala_bawah, skala_atas, rentang_minimum from ref.chart_axes")
        }

    @cached_property
    def attendance_award_threshold(self) -> float | None:
        """The award's attendance bound: on the discipline rate (leave does not count against it)."""
        for rule in self.rules:
            # the award's attendance condition (discipline_rate; attendance_rate in older rule tables)
            if rule["kriteria"] in ("discipline_rate", "attendance_rate") and rule["jenis"] == "penghargaan":
                return float(rule["ambang"])
        return None

    @cached_property
    def proposal_periods(self) -> list[str]:
        """The evaluation periods this month closes (its quarter, its year) whose individual proposals
        are published: a month page shows them, and the month's own results only as signals."""
        closes = [p for p in periods_published_by(self.period) if p != self.period]
        return [
            p
            for p in closes
            if any(self.office_metric(m, p) is not None for m in ("rekomendasi_penghargaan", "rekomendasi_pembinaan"))
        ]

    @cached_property
    def rule_periods(self) -> dict[str, dict[str, str]]:
        """{aturan: {period kind: 'usulan' | 'sinyal'}} (data/reference/recommendation_periods.csv)."""
        if not has_table(self.con, "marts.rekomendasi_asn_peran"):
            return {}
        out: dict[str, dict[str, str]] = {}
        for r in records(self.con, "select aturan, period_kind, peran from marts.rekomendasi_asn_peran"):
            out.setdefault(r["aturan"], {})[r["period_kind"]] = r["peran"]
        return out

    @cached_property
    def nrr_attention_below(self) -> float | None:
        """The NRR at which the categories not marked perlu_perhatian begin: their lowest converted
        bound / 25 (76.61 / 25 = 3.0644 by default); unsur are graded on NRR × 25 like the IKM."""
        if not has_table(self.con, "ref.ikm_categories"):
            return None
        r = self.con.execute("""select min(konversi_bawah::double) / 25 from ref.ikm_categories
                                where lower(perlu_perhatian) not in ('true', '1', 'ya')""").fetchall()
        return r[0][0]

    def complaints(self, unit_slug: str, period: str) -> list[dict]:
        """Complaint texts of a unit-month, as written (the templates escape them)."""
        if period not in self._complaints:
            # one query per period for every unit (a query per unit page cost seconds at 2,500 units)
            by_unit: dict[str, list[dict]] = {}
            if has_table(self.con, "marts.skm_complaints"):
                for r in records(
                    self.con,
                    """select unit_slug, tanggal, jenis_layanan, saran, tema_label
                                           from marts.skm_complaints
                                           where strftime(tanggal, '%Y-%m') = ? and jenis_saran = 'keluhan'
                                           order by unit_slug, tanggal, _file_id, _row""",
                    [period],
                ):
                    by_unit.setdefault(r.pop("unit_slug"), []).append(r)
            self._complaints[period] = by_unit
        return self._complaints[period].get(unit_slug, [])

    @cached_property
    def roster_names(self) -> list[str]:
        """Names on the roster, to keep them off public pages when a citizen writes one."""
        if not has_table(self.con, "staging.stg_pegawai"):
            return []
        return [
            r[0]
            for r in self.con.execute("select distinct nama from staging.stg_pegawai where nama is not null").fetchall()
        ]

    @cached_property
    def name_masker(self) -> NameMasker:
        # the honorifics, titles and degrees of the run (ref.name_affixes), else the project's file
        affixes = (
            affixes_from_rows(records(self.con, "select * from ref.name_affixes"))
            if has_table(self.con, "ref.name_affixes")
            else None
        )
        return NameMasker(self.roster_names, affixes)
