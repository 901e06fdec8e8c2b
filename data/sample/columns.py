"""The column names of every file the generator writes (its clean layout; docs/inbox.md)."""

ROSTER_COLUMNS = [
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
RECAP_COLUMNS = ["nip", "tanggal", "jam_masuk", "jam_pulang", "status"]
SCAN_COLUMNS = ["pin", "waktu", "io", "mesin"]
SKP_COLUMNS = [
    "nip",
    "periode",
    "rhk",
    "indikator",
    "aspek",
    "satuan",
    "target",
    "target_min",
    "target_max",
    "realisasi",
    "arah",
    "rating_hasil_kerja",
    "rating_perilaku",
    "kendala",
]
SKM_COLUMNS = (
    ["waktu", "unit_layanan", "jenis_layanan", "nip_petugas", "usia", "jenis_kelamin", "pendidikan", "pekerjaan"]
    + [f"u{i}" for i in range(1, 10)]
    + ["saran"]
)
LAYANAN_COLUMNS = ["unit_layanan", "periode", "jumlah_layanan"]
KOREKSI_COLUMNS = [
    "nip",
    "unit_layanan",
    "tanggal",
    "yang_dikoreksi",
    "nilai_baru",
    "alasan",
    "dasar",
    "disetujui_oleh",
    "tanggal_persetujuan",
]

#: a row's field by column name, for rows held as lists in these orders
RECAP_COL = {c: i for i, c in enumerate(RECAP_COLUMNS)}
SKP_COL = {c: i for i, c in enumerate(SKP_COLUMNS)}
SKM_COL = {c: i for i, c in enumerate(SKM_COLUMNS)}
