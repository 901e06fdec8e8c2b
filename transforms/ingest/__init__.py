"""Ingest: find the exports in the inbox, identify them, hash them, load their rows raw.

One folder per input kind (pegawai/, presensi/, skp/, skm/, layanan/); the headers say the
shape (a presensi file is a daily recap or a raw scan log). Headers are matched through
data/reference/column_aliases.csv. Every loaded row keeps _file_id and _row, the line (CSV)
or sheet row (XLSX) a person sees when opening the file. Values stay text here; typing and
judging happen in staging and validation.

Hostile and broken inputs (docs/hardening.md): a file that cannot be trusted as a whole (empty,
binary, truncated, no header, a required column missing) is an "error" report naming the
problem; the run stops before publishing. Lines the CSV reader cannot split are kept in
raw._rejects and quarantined (row_malformed). Nothing outside the inbox is read: a symbolic
link pointing out of it is an error. Columns of a survey export that hold personal data
(data/reference/personal_data_columns.csv) are never read into the warehouse.

Modules, by what they do:
- files: the inbox's files, what is read or skipped and why, their identity (sha256);
- encoding: a file's text encoding, transcoding for DuckDB;
- headers: which shape a file is and which column is which; personal-data columns;
- csv_layout: CSV header, delimiter, physical lines, the load into _ingest_tmp;
- xlsx: XLSX sheets, merged header cells, chunks into _ingest_tmp;
- attlog: fingerprint machines' own text logs (no header), the machine from the file name;
- load: each file read by its reader into raw.<shape>, versioned in lineage.files;
- store: the raw tables, and a version's rows and lineage.files row written in one transaction;
- versions: the versions lineage.files holds, read once per inbox;
- replay: what reading a file left, replayed for the same bytes (`pantau validate --watch`);
- records: what they hand each other (FileReport, ReadResult, FileProblem).
"""

from transforms.ingest.files import current_files, discover, sha256_of, survey_inbox
from transforms.ingest.headers import (
    ColumnSpec,
    choose_shape,
    folder_shapes,
    load_column_specs,
    load_personal_columns,
    match_header,
    normalise_header,
    personal_column,
)
from transforms.ingest.load import ensure_raw_tables, ingest_file, ingest_inbox
from transforms.ingest.records import FileProblem, FileReport, ReadResult

__all__ = [
    "ColumnSpec",
    "FileProblem",
    "FileReport",
    "ReadResult",
    "choose_shape",
    "current_files",
    "discover",
    "ensure_raw_tables",
    "folder_shapes",
    "ingest_file",
    "ingest_inbox",
    "load_column_specs",
    "load_personal_columns",
    "match_header",
    "normalise_header",
    "personal_column",
    "sha256_of",
    "survey_inbox",
]
