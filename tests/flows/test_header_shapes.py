"""Header shapes of real SKM exports, through `pantau validate` (docs/inbox.md, "Judul kolom").

Fixture shapes, from their public descriptions:
- the SKM template whose columns are `U1 (Persyaratan)` … `U9 (Pengaduan)`: the order of the
  PermenPANRB 14/2017 example questionnaire, where question 8 is sarana and question 9 pengaduan
  (e.g. https://pdfcoffee.com/permen-14-2017-okkk-pdf-free.html);
- a Google Forms export: a `Timestamp`/`Cap waktu` column, then the nine questions of that
  questionnaire as headers and their answer labels as values.
"""

from __future__ import annotations

from typer.testing import CliRunner

from flows.cli import app
from helpers import NIP_A, ROSTER, write_inbox

runner = CliRunner()


def _validate(inbox):
    result = runner.invoke(app, ["validate", "--inbox", str(inbox), "--as-of", "2026-11-28"])
    return result


def _counts(output: str, rel: str) -> list[str]:
    line = next(ln for ln in output.splitlines() if ln.startswith(rel))
    return line.split()[2:6]


def _validated(inbox, exit_code: int, files: dict):
    """The roster and `files` in the inbox, `pantau validate` run, its exit code checked."""
    write_inbox(inbox, {"pegawai/p.csv": ROSTER, **files})
    result = _validate(inbox)
    assert result.exit_code == exit_code, result.output
    return result


def _all_headers_known_one_row_quarantined(inbox, rel: str, message: str) -> None:
    """validate exits 0; of the file's 2 rows 1 loads and 1 is quarantined with `message`; no header unknown."""
    result = _validate(inbox)
    assert result.exit_code == 0, result.output
    assert _counts(result.output, rel) == ["2", "1", "1", "ya"]
    assert message in result.output
    assert "kolom tidak dikenal" not in result.output


TEMPLATE_HEADER = (
    "waktu,unit_layanan,jenis_layanan,U1 (Persyaratan),U2 (Prosedur),U3 (Waktu),U4 (Biaya),"
    "U5 (Produk),U6 (Kompetensi),U7 (Perilaku),U8 (Sarana),U9 (Pengaduan),Saran\n"
)


def test_skm_template_u1_to_u9_with_names_in_brackets_loads_and_the_name_wins_over_the_number(tmp_path):
    write_inbox(
        tmp_path,
        {
            "pegawai/p.csv": ROSTER,
            "skm/template.csv": TEMPLATE_HEADER
            + "2026-10-01 09:00,Kelurahan Pager,KTP,4,3,3,4,3,4,4,2,1,cepat\n"
            + "2026-10-02 09:00,Kelurahan Pager,KTP,3,3,3,4,3,4,4,3,5,\n",
        },
    )
    # read 2 = loaded 1 + quarantined 1: the 5 in 'U9 (Pengaduan)' is the u8 score (name wins)
    _all_headers_known_one_row_quarantined(tmp_path, "skm/template.csv", "baris 3, kolom u8 = '5'")


def test_a_pengaduan_column_in_the_u9_place_is_scored_and_saran_stays_saran(tmp_path):
    result = _validated(
        tmp_path,
        0,
        {
            "skm/form.csv": (
                "waktu,unit_layanan,jenis_layanan,Persyaratan,Prosedur,Waktu penyelesaian,Biaya/tarif,"
                "Produk layanan,Kompetensi pelaksana,Perilaku pelaksana,Sarana dan prasarana,Pengaduan,Saran\n"
                "2026-10-01 09:00,Kelurahan Pager,KTP,4,3,3,4,3,4,4,2,7,antrean panjang\n"
            ),
        },
    )
    assert _counts(result.output, "skm/form.csv") == ["1", "0", "1", "ya"]
    assert "baris 2, kolom u8 = '7'" in result.output


def test_pengaduan_beside_a_penanganan_pengaduan_column_is_the_saran(tmp_path):
    result = _validated(
        tmp_path,
        0,
        {
            "skm/s.csv": (
                "waktu,unit_layanan,jenis_layanan,u1,u2,u3,u4,u5,u6,u7,Penanganan pengaduan,u9,Pengaduan\n"
                "2026-10-01 09:00,Kelurahan Pager,KTP,4,3,3,4,3,4,4,2,3,loket tutup jam 12\n"
            ),
        },
    )
    assert _counts(result.output, "skm/s.csv") == ["1", "1", "0", "ya"]


QUESTIONS = [
    "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
    "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
    "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
    "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
    "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam standar "
    "pelayanan dengan hasil yang diberikan?",
    "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
    "Bagaimana pendapat Saudara perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
    "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
    "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
]


def _quoted(cells):
    return ",".join('"' + c + '"' for c in cells) + "\n"


def test_google_forms_export_with_the_standard_questions_and_answer_labels(tmp_path):
    header = [
        "Timestamp",
        "Unit layanan",
        "Jenis layanan",
        *[f"{i}. {q}" for i, q in enumerate(QUESTIONS, 1)],
        "Saran dan masukan",
    ]
    good = [
        "13/10/2026 14:05:00",
        "Kelurahan Pager",
        "KTP",
        "Sangat sesuai",
        "Mudah",
        "Cepat",
        "Gratis",
        "Sesuai",
        "Kompeten",
        "Sopan dan ramah",
        "Baik",
        "Dikelola dengan baik",
        "terima kasih",
    ]
    odd = [
        "14/10/2026 08:00:00",
        "Kelurahan Pager",
        "KTP",
        "Sangat sesuai",
        "Mudah",
        "Cepat",
        "Gratis",
        "Sesuai",
        "Kompeten",
        "Sopan dan ramah",
        "Dikelola dengan baik",
        "Baik",
        "",
    ]
    write_inbox(
        tmp_path, {"pegawai/p.csv": ROSTER, "skm/google_forms.csv": _quoted(header) + _quoted(good) + _quoted(odd)}
    )
    # the second row swaps the sarana and pengaduan answers: labels of the wrong unsur are no score
    _all_headers_known_one_row_quarantined(tmp_path, "skm/google_forms.csv", "baris 3, kolom u8 = 'Baik'")


def test_cap_waktu_and_full_service_element_names(tmp_path):
    result = _validated(
        tmp_path,
        0,
        {
            "skm/s.csv": (
                "Cap waktu;Unit layanan;Jenis layanan;Persyaratan Pelayanan;Prosedur Pelayanan;Waktu Pelayanan;"
                "Biaya/Tarif Pelayanan;Produk Pelayanan;Kompetensi Pelaksana Pelayanan;Perilaku Pelaksana Pelayanan;"
                "Penanganan Pengaduan, Saran dan Masukan;Sarana dan Prasarana Pelayanan\n"
                "13/10/2026 14:05:00;Kelurahan Pager;KTP;4;3;3;4;3;4;4;2;3\n"
            ),
        },
    )
    assert _counts(result.output, "skm/s.csv") == ["1", "1", "0", "ya"]


FORM_HEADER = "Timestamp,unit_layanan,jenis_layanan,u1,u2,u3,u4,u5,u6,u7,u8,u9\n"


def test_dates_that_could_be_day_first_or_month_first_are_refused_not_guessed(tmp_path):
    result = _validated(
        tmp_path,
        1,
        {
            "skm/forms.csv": FORM_HEADER
            + "3/10/2026 14:05:00,Kelurahan Pager,KTP,4,3,3,4,3,4,4,2,3\n"
            + "5/10/2026 09:00:00,Kelurahan Pager,KTP,4,3,3,4,3,4,4,2,3\n",
        },
    )
    assert (
        "skm/forms.csv: tanggal di kolom 'Timestamp' (waktu) tidak pasti urutannya: '3/10/2026 14:05:00' (baris 2)"
    ) in result.output


def test_a_date_above_12_settles_the_order_and_month_first_files_are_named(tmp_path):
    result = _validated(
        tmp_path,
        1,
        {
            "skm/day_first.csv": FORM_HEADER
            + "3/10/2026 14:05:00,Kelurahan Pager,KTP,4,3,3,4,3,4,4,2,3\n"
            + "23/10/2026 09:00:00,Kelurahan Pager,KTP,4,3,3,4,3,4,4,2,3\n",
            "skm/month_first.csv": FORM_HEADER
            + "10/3/2026 14:05:00,Kelurahan Pager,KTP,4,3,3,4,3,4,4,2,3\n"
            + "10/23/2026 09:00:00,Kelurahan Pager,KTP,4,3,3,4,3,4,4,2,3\n",
        },
    )
    assert _counts(result.output, "skm/day_first.csv") == ["2", "2", "0", "ya"]
    assert (
        "skm/month_first.csv: tanggal di kolom 'Timestamp' (waktu) ditulis bulan/hari/tahun "
        "(angka kedua sampai 23), mis. '10/23/2026 09:00:00' (baris 3)"
    ) in result.output


def test_an_attendance_recap_proven_month_first_is_refused(tmp_path):
    # recaps are day-first by their software (date_columns.csv: day_first); a 13 in the second
    # place proves this one month-first
    result = _validated(
        tmp_path,
        1,
        {
            "presensi/r.csv": "nip,tanggal,jam_masuk,jam_pulang,status\n"
            f"{NIP_A},10/01/2026,07:31,16:00,H\n{NIP_A},10/13/2026,07:31,16:00,H\n",
        },
    )
    assert (
        "presensi/r.csv: tanggal di kolom 'tanggal' (tanggal) ditulis bulan/hari/tahun (angka kedua sampai 13)"
        in result.output
    )


def test_skp_directions_written_indikator_positif_and_positif_naik_baik_are_directions(tmp_path):
    result = _validated(
        tmp_path,
        0,
        {
            "skp/skp.csv": "nip;periode;rhk;indikator;target;realisasi;arah\n"
            f"{NIP_A};2026-10;Layanan surat;Surat selesai;100;90;Indikator Positif\n"
            f"{NIP_A};2026-10;Layanan surat;Keluhan;5;3;Indikator Negatif\n"
            f"{NIP_A};2026-10;Layanan surat;Warga terlayani;50;55;Positif (naik = baik)\n"
            f"{NIP_A};2026-10;Layanan surat;Antrean;10;8;Negatif (turun = baik)\n"
            f"{NIP_A};2026-10;Layanan surat;Arsip;10;8;sedang\n",
        },
    )
    # read 5 = loaded 4 + quarantined 1: only 'sedang' names no direction
    assert _counts(result.output, "skp/skp.csv") == ["5", "4", "1", "ya"]
    assert "baris 6, kolom arah = 'sedang'" in result.output


NO_UNIT_HEADER = "waktu,jenis_layanan,u1,u2,u3,u4,u5,u6,u7,u8,u9\n"
NO_UNIT_ROW = "2026-10-01 09:00,KTP,4,3,3,4,3,4,4,2,3\n"


def test_one_file_per_unit_takes_the_unit_from_the_file_name_and_says_so(tmp_path):
    write_inbox(tmp_path, {"pegawai/p.csv": ROSTER, "skm/skm_kel_pager_2026-10.csv": NO_UNIT_HEADER + NO_UNIT_ROW * 2})
    result = _validate(tmp_path)
    assert result.exit_code == 0, result.output
    assert _counts(result.output, "skm/skm_kel_pager_2026-10.csv") == ["2", "2", "0", "ya"]
    assert (
        "kolom unit_layanan tidak ada; unit diambil dari nama berkas 'skm_kel_pager_2026-10': "
        "Kantor Kelurahan Pager (kata 'Kel. Pager')"
    ) in result.output


def test_the_unit_from_a_title_line_or_a_sheet_name(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Kel. Bukit Sua"
    ws.append(NO_UNIT_HEADER.strip().split(","))
    ws.append(NO_UNIT_ROW.strip().split(","))
    (tmp_path / "skm").mkdir(parents=True)
    wb.save(tmp_path / "skm" / "survei_oktober.xlsx")
    result = _validated(
        tmp_path,
        0,
        {
            "skm/rekap_survei.csv": "Survei Kepuasan Masyarakat Kelurahan Panjehang Oktober 2026\n"
            + NO_UNIT_HEADER
            + NO_UNIT_ROW,
        },
    )
    assert "unit diambil dari nama lembar 'Kel. Bukit Sua': Kantor Kelurahan Bukit Sua" in result.output
    assert (
        "unit diambil dari judul 'Survei Kepuasan Masyarakat Kelurahan Panjehang Oktober 2026': "
        "Kantor Kelurahan Panjehang"
    ) in result.output
    assert _counts(result.output, "skm/survei_oktober.xlsx") == ["1", "1", "0", "ya"]


def test_a_file_name_naming_two_units_or_none_is_refused(tmp_path):
    result = _validated(
        tmp_path,
        1,
        {
            "skm/skm_pager_panjehang.csv": NO_UNIT_HEADER + NO_UNIT_ROW,
            "skm/skm_oktober.csv": NO_UNIT_HEADER + NO_UNIT_ROW,
        },
    )
    assert (
        "skm/skm_pager_panjehang.csv: kolom unit_layanan tidak ada dan nama berkas 'skm_pager_panjehang' menyebut "
        "lebih dari satu unit: Kantor Kelurahan Pager ('Pager'), Kantor Kelurahan Panjehang ('Panjehang')"
    ) in result.output
    assert (
        "skm/skm_oktober.csv: kolom wajib tidak ada: unit_layanan, dan unitnya tidak dapat diambil dari "
        "nama berkas 'skm_oktober'"
    ) in result.output


def test_validate_on_an_unrecognised_file_lists_its_headers_the_closest_columns_and_the_alias_line(tmp_path):
    result = _validated(
        tmp_path,
        1,
        {
            "presensi/absen.csv": f"NIP Pegawai;Tgl Absen;Jam Msk;Jam Plg;Ket.\n{NIP_A};2026-10-13;07:31;16:00;H\n",
        },
    )
    out = " ".join(result.output.split())
    assert "judul kolom yang terbaca (baris 1): NIP Pegawai, Tgl Absen, Jam Msk, Jam Plg, Ket." in out
    assert (
        "'Jam Msk' mirip kolom jam_masuk ('jam_masuk'): tambahkan |jam_msk di akhir kolom aliases baris "
        "presensi_recap,jam_masuk,… di data/reference/column_aliases.csv"
    ) in out


def test_a_missing_required_column_names_the_header_closest_to_it(tmp_path):
    result = _validated(
        tmp_path,
        1,
        {
            "skp/skp.csv": "nip;periode;rhk;indikator;target;realisasi;Arah Indikatornya\n"
            f"{NIP_A};2026-10;Layanan surat;Surat selesai;100;90;naik\n",
        },
    )
    out = " ".join(result.output.split())
    assert (
        "skp/skp.csv: kolom wajib tidak ada: arah (judul kolom di baris 1); tambahkan kolom itu atau daftarkan "
        "namanya di data/reference/column_aliases.csv; 'Arah Indikatornya' mirip kolom arah: tambahkan "
        "|arah_indikatornya di akhir kolom aliases baris skp,arah,…"
    ) in out
