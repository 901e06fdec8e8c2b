"""Names of the generated ASN: Dayak, Banjar and Javanese given and family names, academic titles."""
from __future__ import annotations

import numpy as np

_NAMES = {
    "dayak": {
        1: ["Yohanes", "Yosef", "Markus", "Lukas", "Paulus", "Petrus", "Stefanus", "Antonius",
            "Fransiskus", "Yulius", "Agustinus", "Herman", "Elman", "Hardi", "Liber", "Untung",
            "Andrie", "Lambang", "Dhani", "Rido", "Natanael", "Kristian", "Ardi", "Yanto"],
        2: ["Maria", "Marta", "Debora", "Rebeka", "Elisabet", "Yuliana", "Novita", "Herlina",
            "Riska", "Natalia", "Kristina", "Agustina", "Ester", "Lusiana", "Yulia", "Desi",
            "Meilinda", "Rosa", "Elisa", "Septiani", "Tiurma", "Veronika"],
        "family": ["Nyahu", "Narang", "Riwut", "Dohong", "Naparin", "Monong", "Tingang", "Rawing",
                   "Anggen", "Sahay", "Tundan", "Ugang", "Lambung", "Bahat", "Tuah", "Ngabut",
                   "Uneh", "Kaharap", "Embang", "Ranying", "Djaper", "Ilon", "Kinan", "Antang"],
    },
    "banjar": {
        1: ["Muhammad", "Ahmad", "Akhmad", "Rahmadi", "Fahrurrazi", "Syahrani", "Gusti Rusdi",
            "Abdul Hadi", "Mahdianoor", "Rusdiansyah", "Hairil", "Jumadi", "Supiani", "Arbaini",
            "Norhidayat", "Fauzan", "Rizky", "Hamdani", "Ilham", "Muhammad Yusuf", "Saipul",
            "Hasanudin", "Rahmat", "Khairil"],
        2: ["Siti Rahmah", "Nurul Hidayah", "Fitriani", "Mariana", "Noor Hayati", "Normah",
            "Rusmiati", "Salmah", "Halimah", "Rabiatul Adawiyah", "Aulia", "Husna", "Masitah",
            "Jamilah", "Raudah", "Nor Aida", "Sarinah", "Siti Aminah", "Mahmudah", "Rahmawati",
            "Nurlaila", "Hayatun Nufus"],
        "family": ["Noor", "Rahman", "Anshari", "Syarifuddin", "Hidayat", "Ramadhan", "Fajri",
                   "Effendi", "Arsyad", "Maulana", "Rizani", "Hasan", "", "", "", ""],
    },
    "jawa": {
        1: ["Agus", "Budi", "Eko", "Joko", "Heru", "Wahyu", "Slamet", "Bambang", "Sugeng",
            "Teguh", "Dwi", "Tri", "Hadi", "Priyo", "Yudi", "Arif", "Bayu", "Rudi", "Sigit",
            "Anton"],
        2: ["Sri", "Dwi", "Endang", "Rina", "Tri", "Retno", "Wulan", "Dewi", "Ani", "Yuni",
            "Ratna", "Lestari", "Nanik", "Sulastri", "Indah", "Eka"],
        "family": {
            1: ["Setiawan", "Santoso", "Prasetyo", "Susilo", "Purnomo", "Riyadi", "Wibowo",
                "Nugroho", "Hidayat", "Kurniawan", "Saputro", "Pranoto", "Widodo", "Sutrisno"],
            2: ["Wahyuni", "Lestari", "Susilowati", "Handayani", "Wulandari", "Rahayu", "Astuti",
                "Purwanti", "Setyaningsih", "Kusumawati", "Rahmawati", "Pratiwi"],
        },
    },
}
_TITLES_STRUCT = [", S.Sos.", ", S.AP.", ", S.STP, M.Si.", ", S.IP.", ", S.H.", ", S.E.",
                  ", M.AP.", ", S.Sos., M.Si.", ", S.STP"]
_TITLES_STAFF = [", S.Sos.", ", S.AP.", ", S.E.", ", S.Kom.", ", A.Md.", ", S.H.", ", S.Pd.",
                 " S.AP", ", A.Md.Kom."]


def person_name(rng: np.random.Generator, sex: int, structural: bool) -> str:
    u = rng.random()
    group = "dayak" if u < 0.42 else ("banjar" if u < 0.77 else "jawa")
    pool = _NAMES[group]
    given = pool[sex][int(rng.integers(len(pool[sex])))]
    fam_pool = pool["family"][sex] if group == "jawa" else pool["family"]
    fam = fam_pool[int(rng.integers(len(fam_pool)))]
    name = f"{given} {fam}".strip()
    p_title = 0.8 if structural else 0.3
    if rng.random() < p_title:
        titles = _TITLES_STRUCT if structural else _TITLES_STAFF
        name += titles[int(rng.integers(len(titles)))]
    return name

