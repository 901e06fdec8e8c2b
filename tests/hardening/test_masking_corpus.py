"""Masking corpus: mentions of ASN as citizens and offices write them, generated from the roster.

The names come from the sample roster (data/samples/pegawai/pegawai.csv) and from EXTRA_NAMES,
realistic names of Kalimantan Tengah offices written as rosters write them. Half of them, drawn at
random, were held out: the masker's rules and affix table were written without looking at them,
and the mentions are generated from that half only (the masker, like a run, knows the whole roster).
ORDINARY holds complaint sentences with no name, many with words that are also names ("untung",
"indah", "teguh", "bayu"): none may change.

Figures:  .venv/bin/python tests/hardening/test_masking_corpus.py
"""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

from reports.masking import NameMasker, load_affixes, mask_numbers, name_parts

ROOT = Path(__file__).resolve().parents[2]
EXTRA_NAMES = [
    "Drs. H. Eko Susilo, M.Si.",
    "Indah Permatasari, S.E.",
    "Untung Sugiarto",
    "Hj. Norhayati, S.Pd.",
    "Bayu Saputra, S.Kom.",
    "Dewi Lestari Ningsih",
    "Teguh Prasetyo, S.T.",
    "Ir. Mulyadi Rahman",
    "Intan Purnama Sari",
    "Muhammad Rizal Fahmi, S.AP",
    "Yohanes Dehen, S.Hut.",
    "Maria Magdalena Ilun",
    "Sri Wahyuni, A.Md.Keb.",
    "Agus Salim",
    "Nur Aini Fitriani",
    "Selvi Natalia Kinan, S.Sos.",
    "Dr. Herman Sahay, M.AP.",
    "Budi Hartono",
    "Kurniawati, S.H.",
    "Hendrikus Lambung",
    "Ayu Wulandari",
    "Syahrani Noor",
    "Fitriyani Damanik, S.IP.",
    "Benny Ma'ruf",
    "Lilis Suryani",
    "Gusti Muhammad Iqbal",
    "Dra. Hj. Siti Rukayah, M.M.",
    "Wahyu Hidayat Nugroho",
    "Rina Marlina, S.Psi.",
    "Petrus Ingan",
]
HONORIFICS = ["Pak", "pak", "Bapak", "bpk.", "Bu", "bu", "Ibu", "ibu", "Sdr.", "Sdri.", "mas", "mbak"]
TEMPLATES = [
    "{h} {full} tidak ada di meja pelayanan",
    "petugas {h} {given} ramah dan cepat",
    "antri lama, {h} {given} sibuk main hp",
    "{full_titled} melayani dengan baik",
    "saya dilayani {full_upper}, sangat membantu",
    "tolong tegur {h} {given_lower} yang sering terlambat",
    "{h} {given}-{h} petugas loket",
    "terima kasih {full_lower}",
    "sudah tiga kali datang, {h} {full_titled} selalu tidak di tempat",
]
ORDINARY = [
    "untung masih ada petugas yang mau membantu",
    "Untung saja berkas saya tidak hilang",
    "gedung baru tapi antrian tetap lama",
    "pelayanan baru dibuka jam 9, padahal jadwalnya jam 8",
    "taman kantor indah dan bersih",
    "Indah sekali ruang tunggunya sekarang",
    "petugas harus teguh menolak pungutan liar",
    "angin bayu sore membuat ruang tunggu sejuk",
    "semoga pelayanan tetap lestari dan makin baik",
    "Ibu saya menunggu dua jam di loket",
    "Bapak petugas meminta fotokopi KTP lagi",
    "Pak RT bilang suratnya sudah jadi",
    "bu, kapan surat keterangan usaha bisa diambil?",
    "Pak, untung sudah saya bawa fotokopi KK",
    "antrian nomor 12 dipanggil jam 08.15 - 09.30",
    "datang tanggal 08-10-2026, baru selesai 10-10-2026",
    "biaya Rp 1.500.000 untuk surat tanah terlalu mahal",
    "nomor antrian 0812 tidak dipanggil",
    "kursi ruang tunggu rusak 3 buah, AC mati sejak 2024",
    "website kecamatan.go.id tidak bisa dibuka",
    "mohon jam pelayanan diperpanjang sampai 15.30",
    "saya puas, pelayanan cepat dan ramah",
    "syarat tidak jelas, harus bolak-balik tiga kali",
    "petugas sering terlambat, loket baru buka jam setengah sembilan",
    "semoga ke depan lebih baik lagi",
    "tidak ada kotak saran di kantor kelurahan",
    "pengurusan akta kelahiran untung cepat selesai",
    "kantor baru di jalan Tjilik Riwut lebih jauh",
    "pemandangan di depan kantor indah tapi parkir sempit",
    "mas-mas di parkiran minta uang parkir liar",
]


def _sample_roster() -> list[tuple[str, str]]:
    with open(ROOT / "data/samples/pegawai/pegawai.csv", newline="", encoding="utf-8") as fh:
        return [(r["nip"], r["nama"]) for r in csv.DictReader(fh)]


def _nip_spellings(nip: str) -> list[str]:
    a, b, c, d = nip[:8], nip[8:14], nip[14], nip[15:]
    return [nip, f"{a} {b} {c} {d}", f"{a}.{b}.{c}.{d}", f"{a}-{b}-{c}-{d}", f"{a} - {b} - {c} - {d}"]


def corpus(seed: int = 17):
    """(held-out mentions, roster): each mention is (text, secrets that must not survive)."""
    rng = random.Random(seed)
    sample = _sample_roster()
    extra = [
        (
            f"19{rng.randint(60, 99)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
            f"20{rng.randint(0, 20):02d}{rng.randint(1, 12):02d}{rng.randint(1, 2)}{rng.randint(1, 999):03d}",
            n,
        )
        for n in EXTRA_NAMES
    ]
    everyone = sample + extra
    rng.shuffle(everyone)
    held_out = everyone[: len(everyone) // 2]
    affixes = load_affixes()
    mentions = []
    for nip, name in held_out:
        parts = name_parts(name, affixes)
        words = re.findall(r"[^\W_]+", name.split(",")[0])
        core = [w for w in words if w.upper() in parts]
        given = core[0]
        full = " ".join(core)
        # a one-part name is a lone name part: masked only where written as a name (honorific,
        # title, degree), so it is mentioned only that way
        templates = TEMPLATES if len(core) > 1 else [t for t in TEMPLATES if "{h}" in t or "titled" in t]
        for template in rng.sample(templates, 4):
            text = template.format(
                h=rng.choice(HONORIFICS),
                full=full,
                given=given,
                given_lower=given.lower(),
                full_titled=name,
                full_upper=full.upper(),
                full_lower=full.lower(),
            )
            used = core if "{full" in template else [given]
            mentions.append((text, used))
        spelt = rng.choice(_nip_spellings(nip))
        mentions.append((f"petugas NIP {spelt} minta uang", [nip]))
        if len(core) > 1:
            mentions.append((f"skp/SKP_{'_'.join(core)}_{nip}.xlsx", core + [nip]))
    for nik in ("6271011234560001", "6271031203850002", "1371054407900003"):
        for sep in (" ", "-", ".", " - "):
            g = sep.join([nik[:4], nik[4:8], nik[8:12], nik[12:]])
            mentions.append((f"NIK saya {g}, mohon dicek", [nik]))
        mentions.append((f"nik:{nik[:2]}.{nik[2:4]}.{nik[4:6]}.{nik[6:12]}.{nik[12:]}", [nik]))
    for phone in (
        "(0812) 3456-7890",
        "0812 - 3456 - 7891",
        "+62 (812) 3456 7892",
        "0812.3456.7893",
        "62 813-5555-1234",
        "+6281355551235",
        "081234567896",
        "0852 4999 1234 (WA)",
    ):
        mentions.append((f"hubungi saya di {phone} kalau sudah jadi", [re.sub(r"\D", "", phone)]))
    for mail in (
        "warga.kesal@contoh.id",
        "Eko.Warga@Gmail.com",
        "warga [at] gmail [dot] com",
        "warga(at)yahoo(dot)co(dot)id",
        "warga @ gmail . com",
    ):
        mentions.append((f"balas ke {mail} ya", ["warga", "Warga"]))
    return mentions, [n for _, n in everyone]


def _survives(masked: str, secret: str) -> bool:
    if secret.isdigit():
        return secret in re.sub(r"\D", "", masked)
    return re.search(rf"(?<![^\W_]){re.escape(secret)}(?![^\W_])", masked, re.IGNORECASE) is not None


def figures() -> dict:
    mentions, roster = corpus()
    masker = NameMasker(roster)
    leaked = [
        (t, masker.mask(mask_numbers(t)))
        for t, secrets in mentions
        if any(_survives(masker.mask(mask_numbers(t)), s) for s in secrets)
    ]
    changed = [(t, masker.mask(mask_numbers(t))) for t in ORDINARY if masker.mask(mask_numbers(t)) != t]
    return {
        "mentions": len(mentions),
        "masked": len(mentions) - len(leaked),
        "leaked": leaked,
        "ordinary": len(ORDINARY),
        "ordinary_changed": changed,
    }


def test_every_held_out_mention_is_masked_and_no_ordinary_sentence_changes():
    f = figures()
    assert f["mentions"] >= 200
    assert f["leaked"] == []
    assert f["ordinary_changed"] == []


if __name__ == "__main__":
    f = figures()
    print(
        f"held-out mentions: {f['mentions']}, masked: {f['masked']} "
        f"(recall {100 * f['masked'] / f['mentions']:.1f} %), leaked: {f['leaked']}"
    )
    print(f"ordinary sentences: {f['ordinary']}, changed: {len(f['ordinary_changed'])} {f['ordinary_changed']}")
