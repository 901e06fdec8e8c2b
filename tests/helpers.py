"""Shared test helpers: valid NIPs, a tiny roster, inboxes written inline, query rows."""
from __future__ import annotations

from datetime import date
from pathlib import Path

AS_OF = date(2026, 11, 28)

# valid 18-digit NIPs: birth date, TMT CPNS yyyymm, sex digit, sequence
NIP_A = "198503122010011001"
NIP_B = "199107232019032002"
NIP_C = "197811052005011003"

ROSTER = (
    "nip,nama,jabatan,unit_kerja,jenis_asn,golongan,nip_atasan,pin\n"
    f"{NIP_A},Agus Setiawan,Lurah,Kelurahan Pager,PNS,III/d,,101\n"
    f"{NIP_B},Siti Rahmah,Staf Pelayanan,Kel. Pager,PPPK,IX,{NIP_A},102\n"
    f"{NIP_C},Yohanes Nyahu,Camat,Kantor Kecamatan Rakumpit,PNS,IV/b,,103\n"
)

def write_inbox(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write {relative path: content} under root; str is written as UTF-8 exactly as given."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
    return root


def rows(con, sql: str, params=None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()
