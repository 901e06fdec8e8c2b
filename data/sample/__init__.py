"""Sample inbox generator for Pantau Kinerja.

``generate(out, ...)`` writes an inbox folder the way the offices of Kecamatan Rakumpit would
deliver their exports and returns ``{relative path: data rows}`` (rows that are not the header
and not empty).

Layout (one folder per kind, see docs/inbox.md):

* ``pegawai/pegawai.csv`` - the roster (``pegawai.xlsx`` when messy).
* ``presensi/rekap_<unit>_<YYYY-MM>.csv`` - daily recaps of the units with even position in
  units.csv; ``presensi/scan_<unit>_<YYYY-MM>.csv`` - raw fingerprint logs of the other units,
  each with ``presensi/keterangan_<unit>_<YYYY-MM>.csv``: a recap of the absence days with a
  valid reason (I/S/C/DL/TB, no times), because a machine log cannot know about leave (no file
  in a month without such days).  A workday without scans and without a keterangan row is TK.
* ``skp/skp_<YYYY-MM>.csv`` monthly, plus ``skp/skp_<YYYY>-Q<n>.csv`` for the last complete
  quarter, which holds the kecamatan-office staff (they have no monthly rows in that quarter).
* ``skm/skm_<YYYY-MM>.csv`` survey responses; ``layanan/layanan_<YYYY>.csv`` people served.
* ``koreksi/koreksi_<YYYY-MM>.csv`` approved corrections of the last month: the first scan unit's
  machine was down one day (its log has no scans that day; a berita acara corrects the unit), two
  izin letters that came late, and one correction approved by a colleague (quarantined).

Stories in the data (for reports to show): a few habitually late ASN, one ASN with a dozen or so
TK days in a year and one or two with a few, two service units whose U3 (waktu penyelesaian)
worsens month by month with a growing share of waiting-time complaints, one unit-month with
pungli complaints (U4 drops), weak performers whose missed targets name pelatihan/kompetensi.

* Deterministic: every random stream is derived from ``seed`` and a fixed key (section, unit,
  month), so the same arguments give byte-identical files (XLSX included: fixed document
  properties and zip timestamps).  ``messy=True`` uses the *same* data and only changes how it is
  written, plus injected defects listed in ``out/.manifest.json``.
* Scalable: attendance is generated per unit and month with numpy and streamed to disk in
  chunks, so ``employees=100000`` never holds a month of rows in memory.
* Standard library + numpy + openpyxl only; prints nothing (pass ``progress`` for messages).

Manifest rows (messy): ``{"file", "row", "column", "rule", "note"}`` where ``row`` is the line a
person sees (1-based, header line = 1 in CSV; the Excel row number in XLSX, where row 1 is blank
and the header is row 2, so the first data row is 3).  Rule ids: see ``RULES``.

Modules: ``generator`` (generate, section by section) with its ``context`` (RunContext); the
sections ``roster`` (with ``names``), ``traits``, ``attendance`` (the data) and ``presensi`` (its
files), ``koreksi``, ``skp`` (with ``skp_catalogue``), ``skm``, ``layanan``; ``messy`` (formats,
defects, their plan); ``writers`` (CSV, XLSX), ``output`` (summary, manifest), ``columns``,
``streams`` (random streams), ``dates`` (calendar), ``units`` and ``reference``.
"""

from __future__ import annotations

from data.sample.dates import day_schedule, load_holidays, workdays
from data.sample.generator import generate
from data.sample.output import RULES
from data.sample.reference import REFERENCE_DIR, write_reference
from data.sample.units import province_units

__all__ = [
    "generate",
    "RULES",
    "load_holidays",
    "workdays",
    "day_schedule",
    "province_units",
    "write_reference",
    "REFERENCE_DIR",
]
