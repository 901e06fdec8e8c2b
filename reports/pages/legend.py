"""The reading aids beside the numbers: the mutu ranges of the IKM and the predikat matrix."""

from __future__ import annotations

from markupsafe import Markup

from reports.data import Report, rows, table_exists
from reports.fmt import sumber_html


def mutu_table(report: Report) -> tuple[list[str], list[list]]:
    """The mutu ranges of the converted IKM (ref.ikm_categories, PermenPANRB 14/2017), best first:
    'A | Sangat Baik | 88,31–100,00'."""
    src = "ref.ikm_categories"
    body = [
        [
            Markup('<span class="mutu-{0}">{0}</span>').format(c["mutu"]),
            c["kinerja"],
            Markup("{}–{}").format(
                sumber_html(c["bawah"], f"{src}/{c['mutu']}/konversi_bawah", 2),
                sumber_html(c["atas"], f"{src}/{c['mutu']}/konversi_atas", 2),
            ),
        ]
        for c in reversed(report.ikm_categories)
    ]
    return ["Mutu", "Kinerja unit pelayanan", "Nilai IKM"], body


def predikat_matrix(report: Report) -> tuple[list[str], list[list]]:
    """Predikat kinerja from rating hasil kerja (rows) × rating perilaku (columns): ref.predikat_matrix
    with the words of ref.skp_rating and ref.predikat_rank (PermenPANRB 6/2022)."""
    needed = ("ref.predikat_matrix", "ref.skp_rating", "ref.predikat_rank")
    if not all(table_exists(report.con, t) for t in needed):
        return [], []
    ratings = rows(report.con, "select code, label from ref.skp_rating order by rank::integer desc")
    names = {
        r["predikat"]: (
            r["label_alternative"]
            if str(r["use_alternative"]).lower() in ("true", "1", "ya") and r["label_alternative"]
            else r["label"]
        )
        for r in rows(report.con, "select * from ref.predikat_rank")
    }
    cell = {
        (r["rating_hasil_kerja"], r["rating_perilaku"]): names.get(r["predikat"], r["predikat"])
        for r in rows(report.con, "select * from ref.predikat_matrix")
    }
    head = ["Hasil kerja \\ perilaku kerja"] + [r["label"] for r in ratings]
    body = [
        [Markup("<strong>{}</strong>").format(h["label"])] + [cell.get((h["code"], b["code"]), "–") for b in ratings]
        for h in ratings
    ]
    return head, body


def reading_aids(report: Report) -> dict:
    mutu_head, mutu_rows = mutu_table(report)
    matrix_head, matrix_rows = predikat_matrix(report)
    return {"mutu_head": mutu_head, "mutu_rows": mutu_rows, "matrix_head": matrix_head, "matrix_rows": matrix_rows}
