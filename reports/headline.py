"""The office's headline figures of a period: one table, one function, every reader.

data/reference/headline_metrics.csv (loaded as ref.headline_metrics) lists them — IKM kantor, disiplin,
ketepatan, capaian, keluhan, ASN perlu tindak lanjut, unit perlu perhatian — with the title a reader
sees and whether the metric's label belongs beside its value. `headline_rows` reads them as published;
run.json (and through it the period index), the run's Prefect artifact and the export's "Angka utama"
sheet are all built from it, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from reports.fmt import Metric, tampil
from transforms.warehouse import has_table

TABLE = "ref.headline_metrics"


@dataclass(frozen=True)
class Headline:
    judul: str
    with_label: bool
    metric: Metric

    @property
    def text(self) -> str:
        """'77,85 (B)', '99,92 %': the value as the pages show it, its label beside it where the table says so."""
        m = self.metric
        shown = tampil(m)
        if self.with_label and m.label and m.unit != "peringkat":
            shown += f" ({m.label})"
        return shown


def headline_rows(con: duckdb.DuckDBPyConnection, period: str, office: str | None = None) -> list[Headline]:
    """The period's headline figures in the table's order (none when the reference folder has no table)."""
    if not has_table(con, TABLE):
        return []
    rows = con.execute(
        """
        select h.judul, h.dengan_label, m.metric_id, m.metric, m.scope, m.scope_id, m.period, m.value, m.label,
               m.unit, m.run_id
        from ref.headline_metrics h
        join main.metrics m on m.metric = h.metric and m.scope = h.scope and m.period = ?
        where ? is null or m.scope_id = ?
        order by h.urutan::int, m.scope_id""",
        [period, office, office],
    ).fetchall()
    return [Headline(judul, with_label == "ya", Metric(*metric)) for judul, with_label, *metric in rows]
