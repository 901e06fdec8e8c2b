"""Context builders for the internal pages (named: UU 27/2022, marked INTERNAL at the top).

Per ASN: attendance, TL/PSW, the discipline band with the days that caused it, indicators with
capaian and kendala, predikat, service ratings where respondents named the officer, and the
recommendations with the rule and evidence. Also the named recommendation lists and the
quarantined rows. Numbers come from `metrics` (personal scopes loaded here only); evidence rows
(dates, scan times, targets as exported) carry their source in `data-sumber`.
"""

from __future__ import annotations

import re
from functools import cached_property

from markupsafe import Markup

from reports import charts
from reports.data import Report, load_metrics, rows, table_exists
from reports.fmt import Metric, angka, bulan, num_html, periode_html, sumber_html, tanggal_html, teks_html
from transforms.ingest.records import line_ref_sql
from transforms.publish import periods_published_by

QUARANTINE_LIMIT = 5000
EVIDENCE_CHUNK = 1000  # ASN whose evidence rows are loaded at once (memory stays flat at 100 000 ASN)
# `[reports] internal_pages`: per-ASN pages for the ASN with a finding (default), every ASN, none
PAGE_MODES = ("temuan", "semua", "tidak")
FINDINGS_TABLE = "ref.internal_page_findings"  # which findings give an ASN its page (data/reference)
FINDING_OPS = (">", ">=", "<", "<=", "ada")
RAPOR_COMMAND = "pantau rapor --nip {nip} --period {period}"  # the sheet of an ASN without a page


def page_mode(include_internal: bool | str | None) -> str:
    """render_period's include_internal as a mode: True (the API's old meaning) every ASN, False none."""
    if include_internal is True:
        return "semua"
    if not include_internal:
        return "tidak"
    if include_internal not in PAGE_MODES:
        raise ValueError(
            f"{include_internal!r} bukan pilihan halaman internal: pilih salah satu dari " + ", ".join(PAGE_MODES)
        )
    return include_internal


class People:
    """The roster and the personal metrics of the report's window."""

    def __init__(self, report: Report, mode: str = "semua"):
        self.report = report
        self.mode = mode
        self.con = report.con
        self.period = report.period
        # the month, and the quarter/semester/year it closes (SKP rows delivered per quarter)
        self.periods = periods_published_by(report.period)
        self.metrics = load_metrics(self.con, report.window, personal=True)
        self._evidence: dict[str, dict] = {}  # nip -> its evidence rows, one chunk of ASN at a time

    @cached_property
    def asn(self) -> list[dict]:
        """ASN with any personal metric in the period, with roster details, by unit then name."""
        nips = {
            m.scope_id
            for m in self.metrics.by_id.values()
            if m.scope == "asn" and m.period in self.periods and ":" not in m.scope_id
        }
        if not nips or not table_exists(self.con, "staging.stg_pegawai"):
            return [{"nip": n, "nama": n, "jabatan": "", "unit_slug": "", "jenis_asn": ""} for n in sorted(nips)]
        roster = {
            r["nip"]: r
            for r in rows(
                self.con,
                """select nip, nama, jabatan, unit_slug, jenis_asn, golongan
                    from staging.stg_pegawai""",
            )
        }
        order = {u.slug: i for i, u in enumerate(self.report.units)}
        people = [roster.get(n, {"nip": n, "nama": n, "jabatan": "", "unit_slug": "", "jenis_asn": ""}) for n in nips]
        # the NIP last: two ASN with the same name keep one order from run to run
        return sorted(people, key=lambda r: (order.get(r["unit_slug"], 99), r["nama"] or "", r["nip"]))

    @cached_property
    def findings(self) -> dict[str, list[str]]:
        """NIP -> the findings that give the ASN its own page (ref.internal_page_findings: a proposal or
        signal, a discipline band, TK, low capaian, a correction applied), read from the published
        metrics and the corrections in one query for every ASN. Without the table (a warehouse
        loaded before it existed) every ASN has a finding: no page is left out."""
        if not table_exists(self.con, FINDINGS_TABLE):
            return {a["nip"]: ["semua"] for a in self.asn}
        parts, params = [], []
        for r in rows(self.con, f"select temuan, sumber, metrik, kondisi, ambang from {FINDINGS_TABLE}"):
            if r["kondisi"] not in FINDING_OPS:
                raise ValueError(
                    f"{FINDINGS_TABLE}: kondisi {r['kondisi']!r} (temuan {r['temuan']!r}) harus salah satu "
                    f"dari {', '.join(FINDING_OPS)}; perbaiki data/reference/internal_page_findings.csv"
                )
            compare = "" if r["kondisi"] == "ada" else f" and value {r['kondisi']} ?"
            if r["sumber"] == "main.metrics":
                parts.append(
                    "select split_part(scope_id, ':', 1) as nip, ? as temuan from main.metrics where scope = 'asn' "
                    f"and metric = ? and period in (select unnest(?)){compare}"
                )
                params += [r["temuan"], r["metrik"], self.periods] + ([float(r["ambang"])] if compare else [])
            elif r["sumber"] == "marts.koreksi_fakta":
                if table_exists(self.con, "marts.koreksi_fakta"):
                    parts.append(
                        "select nip, ? as temuan from marts.koreksi_fakta "
                        "where coalesce(strftime(tanggal::date, '%Y-%m'), periode) in (select unnest(?))"
                    )
                    params += [r["temuan"], self.periods]
            else:
                raise ValueError(
                    f"{FINDINGS_TABLE}: sumber {r['sumber']!r} (temuan {r['temuan']!r}) harus main.metrics "
                    "atau marts.koreksi_fakta; perbaiki data/reference/internal_page_findings.csv"
                )
        if not parts:
            return {}
        found = self.con.execute(
            f"""select nip, list(distinct temuan order by temuan) from ({" union all ".join(parts)})
                                     group by nip""",
            params,
        ).fetchall()
        return dict(found)

    @cached_property
    def paged(self) -> list[dict]:
        """The ASN that get their own page under the mode, in page order."""
        if self.mode == "semua":
            return self.asn
        if self.mode == "tidak":
            return []
        return [a for a in self.asn if a["nip"] in self.findings]

    @cached_property
    def paged_nips(self) -> set[str]:
        return {a["nip"] for a in self.paged}

    def get(self, metric: str, nip: str, period: str | None = None, scope: str = "asn") -> Metric | None:
        return self.metrics.get(metric, scope, nip, period or self.period)

    def rules_of(self, nip: str, signals: bool = False) -> list[Metric]:
        """The proposals for the ASN in the month and the evaluation periods it closes; with
        signals, the month's signals after them (sinyal_aturan: not proposals)."""
        found = []
        for p in self.periods:
            found.extend(self.metrics.all("rekomendasi_aturan", "asn", p, prefix=nip + ":"))
        if signals:
            found.extend(self.metrics.all("sinyal_aturan", "asn", self.period, prefix=nip + ":"))
        return found

    def unit_name(self, slug: str) -> str:
        return self.report.unit_name(slug)

    @cached_property
    def reading_aids(self) -> dict:
        """The mutu ranges and the predikat matrix, built once for every ASN page."""
        from reports.pages import reading_aids

        return reading_aids(self.report)

    @cached_property
    def tables(self) -> set[str]:
        """The evidence tables present, asked once (table_exists per ASN page cost more than the page)."""
        return {
            t
            for t in (
                "marts.attendance_asn_ytd",
                "marts.attendance_asn_day",
                "marts.skp_indicator_capaian",
                "marts.koreksi_fakta",
            )
            if table_exists(self.con, t)
        }

    def evidence(self, nip: str) -> dict:
        """The TK dates, heavy days and indicator rows of `nip`. One query per table loads them for
        the next EVIDENCE_CHUNK ASN with a page, in page order, not one query per ASN (5 000 ASN: minutes)."""
        if nip not in self._evidence:
            start = self._asn_position.get(nip)
            chunk = [nip] if start is None else [a["nip"] for a in self.paged[start : start + EVIDENCE_CHUNK]]
            self._evidence = self._load_evidence(chunk)  # the previous chunk is done with
        return self._evidence[nip]

    @cached_property
    def _asn_position(self) -> dict[str, int]:
        return {a["nip"]: i for i, a in enumerate(self.paged)}

    def _load_evidence(self, nips: list[str]) -> dict[str, dict]:
        out = {
            n: {"tk_dates": None, "heavy_days": [], "late_months": [], "indicators": {}, "corrections": []}
            for n in nips
        }
        if "marts.attendance_asn_ytd" in self.tables:
            for nip, dates in self.con.execute(
                "select nip, tk_dates_ytd from marts.attendance_asn_ytd where period = ? and nip in (select unnest(?))",
                [self.period, nips],
            ).fetchall():
                if out[nip]["tk_dates"] is None:  # the first row, as the query per ASN took
                    out[nip]["tk_dates"] = dates
        if "marts.attendance_asn_ytd" in self.tables:
            # the year's late/early minutes month by month: the late days a band counts
            for r in rows(
                self.con,
                """select m.nip, m.period, m.late_early_minutes, y.late_minutes_ytd, y.late_days_ytd
                    from marts.attendance_asn_month m
                    join marts.attendance_asn_ytd y on y.nip = m.nip and y.period = m.period
                    where m.tahun = (select max(tahun) from marts.attendance_asn_month where period = ?)
                      and m.period <= ? and m.late_early_minutes > 0 and m.nip in (select unnest(?))
                    order by m.nip, m.period""",
                [self.period, self.period, nips],
            ):
                out[r["nip"]]["late_months"].append(r)
        if "marts.attendance_asn_day" in self.tables:
            for r in rows(
                self.con,
                """select nip, tanggal, status, jam_masuk, jam_pulang, minutes_late, minutes_early, tl_code,
                           psw_code, source
                    from marts.attendance_asn_day
                    where period = ? and is_workday and nip in (select unnest(?))
                      and (is_tk or tl_code in ('TL3', 'TL4') or psw_code in ('PSW3', 'PSW4'))
                    order by nip, tanggal""",
                [self.period, nips],
            ):
                out[r["nip"]]["heavy_days"].append(r)
        if "marts.skp_indicator_capaian" in self.tables:
            for r in rows(
                self.con,
                """select i.nip, i.periode, i.indikator, i.indikator_slug, i.aspek, i.satuan, i.arah,
                           i.target, i.target_min, i.target_max, i.realisasi, i.kendala, i.kendala_label,
                           i._file_id, i._row, f.path
                    from marts.skp_indicator_capaian i left join lineage.files f on f.file_id = i._file_id
                    where i.periode in (select unnest(?)) and i.nip in (select unnest(?))
                    order by i.nip, i.periode, i.indikator, i._file_id, i._row""",
                [self.periods, nips],
            ):
                out[r["nip"]]["indicators"].setdefault(r["periode"], []).append(r)
        if "marts.koreksi_fakta" in self.tables:
            # the approved corrections over this ASN's month (days) and SKP periods, with both lines
            for r in rows(
                self.con,
                """select k.nip, k.kapan, k.kolom, k.indikator, k.nilai_asli, fa.path as asli_berkas,
                           k.asli_row, k.nilai_baru, fk.path as koreksi_berkas, k._row as koreksi_row,
                           k.disetujui_oleh, k.dasar
                    from marts.koreksi_fakta k
                    left join lineage.files fa on fa.file_id = k.asli_file_id
                    left join lineage.files fk on fk.file_id = k._file_id
                    where k.nip in (select unnest(?))
                      and (k.kapan like ? or k.kapan in (select unnest(?)))
                    order by k.nip, k.kapan, k.kolom""",
                [nips, self.period + "-%", self.periods],
            ):
                out[r["nip"]]["corrections"].append(r)
        return out


def common(people: People, title: str, page: str) -> dict:
    return {"page": page, "title": title, "internal": True}


def asn_link(a: dict, people: People | None = None) -> Markup:
    """The name linked to the ASN's page; plain when the mode wrote no page for them."""
    if people is not None and a["nip"] not in people.paged_nips:
        return Markup("{}").format(a["nama"])
    return Markup('<a href="asn-{nip}.html">{nama}</a>').format(nip=a["nip"], nama=a["nama"])


def rapor_command(nip: str, period: str) -> Markup:
    """The command that writes the ASN's sheet: text, not a figure, although it holds the NIP."""
    return Markup('<code class="perintah">{}</code>').format(
        teks_html(RAPOR_COMMAND.format(nip=nip, period=period), "perintah")
    )


def index(people: People) -> dict:
    p = people.period
    groups = []
    current = None
    for a in people.asn:
        if current is None or current["slug"] != a["unit_slug"]:
            current = {"slug": a["unit_slug"], "name": people.unit_name(a["unit_slug"]), "rows": [], "classes": []}
            groups.append(current)
        nip = a["nip"]
        band = people.get("discipline_band", nip)
        rec = next(
            (m for m in (people.get("rekomendasi", nip, q) for q in reversed(people.periods)) if m is not None), None
        ) or people.get("sinyal", nip)
        ikm = people.get("ikm", nip, scope="petugas")
        current["rows"].append(
            [
                asn_link(a, people),
                teks_html(nip, "nip"),
                teks_html(a["jabatan"] or "", "jabatan"),
                num_html(people.get("discipline_rate", nip)),
                num_html(people.get("leave_days", nip), text=angka(v(people.get("leave_days", nip)))),
                num_html(people.get("tl_days", nip), text=angka(v(people.get("tl_days", nip)))),
                num_html(people.get("psw_days", nip), text=angka(v(people.get("psw_days", nip)))),
                num_html(people.get("tk_days", nip), text=angka(v(people.get("tk_days", nip)))),
                num_html(band, text=band_short(band)),
                num_html(people.get("capaian_rata", nip)),
                num_html(people.get("predikat", nip)),
                num_html(ikm, text=f"{angka(ikm.value, 2)} ({ikm.label})") if ikm else num_html(None),
                num_html(rec, text=rule_titles(people, nip)) if rec else Markup('<span class="kosong">–</span>'),
                ", ".join(people.findings.get(nip, [])) or "–",
                rapor_command(nip, p),
            ]
        )
        current["classes"].append("perhatian" if band is not None and band.value else "")
    head = [
        "Nama",
        "NIP",
        "Jabatan",
        "Disiplin kehadiran",
        "Cuti/sakit/izin/TB",
        "TL",
        "PSW",
        "TK",
        "Pita disiplin",
        "Capaian",
        "Predikat",
        "IKM petugas",
        "Usulan",
        "Temuan",
        "Lembar pribadi",
    ]
    return {
        **common(people, "Internal: kinerja per ASN", "internal-index"),
        "groups": groups,
        "head": head,
        "mode": people.mode,
        "n_asn": angka(len(people.asn)),
        "n_paged": angka(len(people.paged)),
        "rapor_all": RAPOR_COMMAND.format(nip="NIP", period=p),
    }


def band_short(band: Metric | None) -> str:
    """'perlu ditindaklanjuti: hukuman disiplin ringan (…)' -> 'ringan'; the full text is in the page."""
    if band is None or not band.value:
        return "–"
    match = re.search(r"disiplin (\w+)", band.label or "")
    return match.group(1) if match else angka(band.value)


def rule_titles(people: People, nip: str) -> str:
    """'Sering terlambat (TW III 2026), sinyal: Calon penghargaan': proposals with their period when it
    is not the month, then the month's signals."""
    titles = {r["aturan"]: r.get("judul") or r["aturan"] for r in people.report.rules}
    found = []
    for m in people.rules_of(nip, signals=True):
        title = titles.get(m.scope_id.split(":", 1)[1], m.scope_id)
        if m.metric.startswith("sinyal"):
            found.append(f"sinyal: {title}")
        else:
            found.append(title if m.period == people.period else f"{title} ({bulan(m.period, singkat=True)})")
    return ", ".join(found) or "–"


def v(m: Metric | None):
    return None if m is None else m.value


def rekomendasi(people: People) -> dict:
    """The named lists: one row per ASN and period, every rule that selected them with its evidence."""
    by_nip = {a["nip"]: a for a in people.asn}
    titles = {r["aturan"]: r.get("judul") or r["aturan"] for r in people.report.rules}
    grouped: dict[tuple, list[Metric]] = {}
    for p in people.periods:
        for m in people.metrics.all("rekomendasi_aturan", "asn", p):
            nip, rule = m.scope_id.split(":", 1)
            jenis = "penghargaan" if rule.startswith("penghargaan") else "pembinaan"
            grouped.setdefault((jenis, nip, m.period), []).append(m)
    for m in people.metrics.all("sinyal_aturan", "asn", people.period):
        nip, rule = m.scope_id.split(":", 1)
        grouped.setdefault(("sinyal", nip, m.period), []).append(m)
    lists = {"penghargaan": [], "pembinaan": [], "sinyal": []}
    for (jenis, nip, period), found in grouped.items():
        a = by_nip.get(nip, {"nip": nip, "nama": nip, "jabatan": "", "unit_slug": ""})
        unit = people.report.unit_name(a["unit_slug"])
        rules = Markup("<br>").join(
            Markup('<span class="label {}">{}</span>').format(
                jenis, titles.get(m.scope_id.split(":", 1)[1], m.scope_id)
            )
            for m in found
        )
        evidence = Markup('<ul class="bukti">{}</ul>').format(
            Markup("").join(
                Markup("<li>{}</li>").format(
                    num_html(m, text=(m.label or "").replace("diusulkan ", "", 1).replace("sinyal ", "", 1))
                )
                for m in found
            )
        )
        lists[jenis].append(
            (
                unit,
                a["nama"] or "",
                [unit, asn_link(a, people), teks_html(nip, "nip"), periode_html(period), rules, evidence],
            )
        )
    head = ["Unit", "Nama", "NIP", "Periode", "Aturan", "Syarat dan bukti"]
    return {
        **common(people, "Internal: daftar usulan penghargaan dan pembinaan", "internal-rekomendasi"),
        "head": head,
        "penghargaan": [r for _, _, r in sorted(lists["penghargaan"], key=lambda x: (x[0], x[1]))],
        "pembinaan": [r for _, _, r in sorted(lists["pembinaan"], key=lambda x: (x[0], x[1]))],
        "sinyal": [r for _, _, r in sorted(lists["sinyal"], key=lambda x: (x[0], x[1]))],
    }


def karantina(people: People) -> dict:
    con = people.con
    found = []
    total = 0
    if table_exists(con, "quarantine.rows"):
        total = con.execute("""select count(*) from quarantine.rows q left join lineage.files f using (file_id)
                               where coalesce(f.status, '') <> 'superseded'""").fetchall()[0][0]
        for r in rows(
            con,
            f"""select q.file_id, f.path, {line_ref_sql('q."row"', "f.sheets")} as line, q.shape,
                                      q."column", q.value, q.rule, q.message
                               from quarantine.rows q left join lineage.files f using (file_id)
                               where coalesce(f.status, '') <> 'superseded'
                               order by f.path, q."row", q.rule limit {QUARANTINE_LIMIT}""",
        ):
            found.append(
                [
                    teks_html(r["path"] or r["file_id"], "berkas"),
                    _row_cell(r["path"], r["line"]),
                    r["shape"] or "",
                    r["column"] or "",
                    teks_html(r["value"] or "", "nilai"),
                    teks_html(r["rule"], "aturan"),
                    teks_html(r["message"] or "", "alasan"),
                ]
            )
    return {
        **common(people, "Internal: baris yang dikarantina", "internal-karantina"),
        "rows": found,
        "total": total,
        "limit": QUARANTINE_LIMIT,
    }


def _row_cell(path: str | None, line: str) -> Markup:
    """A CSV line is a number from lineage; a workbook's sheet and row ('Oktober!12') is text."""
    return sumber_html(int(line), f"{path}:{line}") if line.isdigit() else teks_html(line, "baris")


def asn_page(people: People, a: dict) -> dict:
    nip = a["nip"]
    attendance = _attendance_rows(people, nip)
    discipline = _discipline(people, nip)
    trend = _attendance_trend(people, nip)
    skp = _skp_periods(people, nip)
    service = _service_rows(people, nip)
    corrections = _correction_rows(people, nip)
    recs = _recommendation_rows(people, nip)
    return {
        **common(people, f"Internal: {a['nama']}", "internal-asn"),
        **people.reading_aids,
        "asn": a,
        "unit_name": people.unit_name(a["unit_slug"]),
        "nip": teks_html(nip, "nip"),
        "attendance": attendance,
        "discipline": discipline,
        "trend": trend,
        "skp": skp,
        "service": service,
        "recs": recs,
        "corrections": corrections,
    }


def _attendance_rows(people: People, nip: str) -> list[list]:
    """The month's attendance of one ASN: days by status, the rates, TL/PSW and the TPP deduction."""

    def g(metric: str) -> Metric | None:
        return people.get(metric, nip)

    return [
        ["Hari kerja", num_html(g("workdays"))],
        ["Hadir (H, DL)", num_html(g("present_days"))],
        ["Tanpa keterangan (TK)", num_html(g("tk_days"))],
        ["Status tidak diketahui", num_html(g("unknown_days"))],
        ["Cuti, sakit, izin, tugas belajar (hak)", with_label(g("leave_days"))],
        ["Disiplin kehadiran (tanpa hari cuti/sakit/izin/TB)", num_html(g("discipline_rate"))],
        ["Kehadiran fisik", num_html(g("attendance_rate"))],
        ["Ketepatan waktu", num_html(g("punctuality_rate"))],
        ["Terlambat (TL)", with_label(g("tl_days"))],
        ["Pulang sebelum waktunya (PSW)", with_label(g("psw_days"))],
        ["Potongan TPP dari presensi", num_html(g("deduction_pct"))],
    ]


def _discipline(people: People, nip: str) -> dict:
    """The discipline band of one ASN with the year-to-date counts and the days that caused it."""
    band = people.get("discipline_band", nip)
    return {
        "band": band,
        "ytd": people.get("tk_days_ytd", nip),
        "consecutive": people.get("tk_consecutive_max", nip),
        "late_minutes": people.get("late_minutes_ytd", nip),
        "late_days": people.get("late_days_ytd", nip),
        "days": people.get("discipline_days_ytd", nip),
        "flag": band is not None and bool(band.value),
        "tk_dates": tk_dates(people, nip),
        "heavy_days": heavy_days(people, nip),
        "late_months": late_months(people, nip),
    }


def _attendance_trend(people: People, nip: str) -> charts.Chart | None:
    """Discipline and physical attendance per month; None when the ASN has no discipline rate in the year."""
    months = people.report.months
    att_series = [people.metrics.get("discipline_rate", "asn", nip, m) for m in months]
    if not any(att_series):
        return None
    cur = people.get("discipline_rate", nip)
    return charts.trend(
        f"asn-kehadiran-{nip}",
        Markup("Disiplin kehadiran {} pada {}").format(num_html(cur), periode_html(people.period)),
        "Disiplin kehadiran (cuti, sakit, izin, tugas belajar tidak dihitung) dan kehadiran fisik per bulan.",
        months,
        [
            ("Disiplin kehadiran", att_series),
            ("Kehadiran fisik", [people.metrics.get("attendance_rate", "asn", nip, m) for m in months]),
        ],
    )


def _skp_periods(people: People, nip: str) -> list[dict]:
    """SKP per published period (capaian, ratings, predikat, indicators); periods with neither are left out."""
    skp = []
    for period in people.periods:
        if people.get("capaian_rata", nip, period) is None and people.get("predikat", nip, period) is None:
            continue
        skp.append(
            {
                "period": period,
                "periode": periode_html(period),
                "capaian": people.get("capaian_rata", nip, period),
                "missed": people.get("target_tidak_tercapai", nip, period),
                "hasil": people.get("rating_hasil_kerja", nip, period),
                "perilaku": people.get("rating_perilaku", nip, period),
                "predikat": people.get("predikat", nip, period),
                "indicators": indicators(people, nip, period),
            }
        )
    return skp


def _service_rows(people: People, nip: str) -> list[list]:
    """IKM per period where respondents named the officer, with its label and the number of respondents."""
    service = []
    for period in people.periods:
        ikm = people.get("ikm", nip, period, scope="petugas")
        if ikm is not None:
            service.append(
                [
                    periode_html(period),
                    num_html(ikm),
                    num_html(ikm, text=ikm.label or ""),
                    num_html(people.get("responden", nip, period, scope="petugas")),
                ]
            )
    return service


def _correction_rows(people: People, nip: str) -> list[list]:
    """The approved corrections of one ASN: what was changed, from which file row to which, by whom and why."""
    return [
        [
            teks_html(c["kapan"], "tanggal"),
            c["kolom"] + (f" ({c['indikator']})" if c["indikator"] else ""),
            teks_html(c["nilai_asli"] if c["nilai_asli"] is not None else "tidak ada catatan", "nilai"),
            teks_html(f"{c['asli_berkas']}:{c['asli_row']}" if c["asli_berkas"] else "–", "berkas"),
            teks_html(c["nilai_baru"], "nilai"),
            teks_html(f"{c['koreksi_berkas']}:{c['koreksi_row']}", "berkas"),
            teks_html(c["disetujui_oleh"], "nip"),
            teks_html(c["dasar"], "dasar"),
        ]
        for c in people.evidence(nip)["corrections"]
    ]


def _recommendation_rows(people: People, nip: str) -> list[list]:
    """The recommendations of one ASN (signals included): rule code, period and the rule's label."""
    return [
        [
            Markup('<span class="kode">{}</span>').format(m.scope_id.split(":", 1)[1]),
            periode_html(m.period),
            num_html(m, text=m.label or ""),
        ]
        for m in people.rules_of(nip, signals=True)
    ]


def with_label(m: Metric | None) -> Markup:
    """'3 hari (TL1 2 · TL2 1 · …)': the count and its breakdown are one metric."""
    if m is None:
        return num_html(None)
    return num_html(m, text=f"{angka(m.value)} hari ({m.label})" if m.label else None)


def tk_dates(people: People, nip: str) -> list[Markup]:
    return [tanggal_html(d) for d in (people.evidence(nip)["tk_dates"] or [])]


def late_months(people: People, nip: str) -> list[list]:
    """Minutes late/early per month of the year to date, cumulated and converted to days (the late
    days a PP 94/2021 band counts; Penjelasan Pasal 3 angka 11 PP 53/2010)."""
    out = []
    for r in people.evidence(nip)["late_months"]:
        src = f"marts.attendance_asn_month/{nip}/{r['period']}"
        ytd = f"marts.attendance_asn_ytd/{nip}/{r['period']}"
        out.append(
            [
                periode_html(r["period"]),
                sumber_html(r["late_early_minutes"], src + "/late_early_minutes"),
                sumber_html(r["late_minutes_ytd"], ytd + "/late_minutes_ytd"),
                sumber_html(r["late_days_ytd"], ytd + "/late_days_ytd"),
            ]
        )
    return out


def heavy_days(people: People, nip: str) -> list[list]:
    """The days of the month with TK, TL3/TL4 or PSW3/PSW4, with the scan times behind them."""
    out = []
    for r in people.evidence(nip)["heavy_days"]:
        src = f"marts.attendance_asn_day/{nip}/{r['tanggal']}"
        out.append(
            [
                tanggal_html(r["tanggal"]),
                r["status"] or "",
                teks_html(r["jam_masuk"].strftime("%H.%M") if r["jam_masuk"] else "tanpa pindai", "jam"),
                teks_html(r["jam_pulang"].strftime("%H.%M") if r["jam_pulang"] else "tanpa pindai", "jam"),
                sumber_html(r["minutes_late"], src + "/minutes_late") if r["minutes_late"] else "",
                sumber_html(r["minutes_early"], src + "/minutes_early") if r["minutes_early"] else "",
                teks_html(" ".join(c for c in (r["tl_code"], r["psw_code"]) if c) or "TK", "kode"),
                r["source"] or "",
            ]
        )
    return out


def indicators(people: People, nip: str, period: str) -> list[list]:
    out = []
    for r in people.evidence(nip)["indicators"].get(period, []):
        src = f"{r['path']}:{r['_row']}"
        target = (
            Markup("{}–{}").format(
                sumber_html(r["target_min"], src, dec(r["target_min"])),
                sumber_html(r["target_max"], src, dec(r["target_max"])),
            )
            if r["target"] is None
            else sumber_html(r["target"], src, dec(r["target"]))
        )
        m = people.metrics.get("capaian", "indikator", f"{nip}:{r['indikator_slug']}", period)
        out.append(
            [
                teks_html(r["indikator"], "indikator"),
                teks_html(r["satuan"] or "", "satuan"),
                r["arah"] or "",
                target,
                sumber_html(r["realisasi"], src, dec(r["realisasi"])),
                num_html(m),
                num_html(m, text=m.label) if m and m.label else "",
                teks_html(r["kendala"] or "", "kendala"),
            ]
        )
    return out


def dec(x) -> int:
    return 0 if x is None or float(x).is_integer() else 2


__all__ = ["People", "PAGE_MODES", "page_mode", "index", "rekomendasi", "karantina", "asn_page", "bulan"]
