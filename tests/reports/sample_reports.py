"""The sample office for the report tests: constants and the hostile survey response."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"
PERIOD = "2026-10"
HOSTILE_UNIT = "kelurahan-pager"
# a complaint a citizen could type: markup, a script, an attribute handler, quotes and ampersands
HOSTILE_TEXT = (
    '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
    ' antri lama sekali & "petugas" <b>tebal</b> </td></tr></table>'
)


def _hostile_survey() -> str:
    header = (
        "waktu,unit_layanan,jenis_layanan,nip_petugas,usia,jenis_kelamin,pendidikan,pekerjaan,"
        "u1,u2,u3,u4,u5,u6,u7,u8,u9,saran\n"
    )
    text = HOSTILE_TEXT.replace('"', '""')
    return (
        header + f"2026-10-14 10:15:00,Kantor Kelurahan Pager,Surat Keterangan Usaha,,34,P,SMA,Wirausaha,"
        f'3,3,2,4,3,3,3,2,3,"{text}"\n'
    )
