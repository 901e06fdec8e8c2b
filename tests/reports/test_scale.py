"""What keeps rendering linear at city and province scale gives the same pages as the simple way:
name masking against a large roster, prefix look-ups of metrics, evidence loaded per chunk of ASN."""

from __future__ import annotations

import random
import re
from types import SimpleNamespace

from sample_reports import PERIOD


def _mask_one_by_one(text: str, names: list[str], whole_words: bool = False) -> str:
    """The masking as first written: every roster name tried on the text, in roster order."""
    edge = (r"(?<![^\W_])", r"(?![^\W_])") if whole_words else ("", "")
    for name in names:
        words = name.split(",")[0].split()
        if len(" ".join(words)) >= 4:
            text = re.sub(
                edge[0] + r"[\s_.\-]+".join(re.escape(w) for w in words) + edge[1],
                "[nama disamarkan]",
                text,
                flags=re.IGNORECASE,
            )
    return text


def _city_roster(n: int = 5000) -> list[str]:
    rng = random.Random(7)
    first = ["Budi", "Siti", "Agus", "Dewi", "Eko", "Rina", "Hadi", "Ani", "Yohanes", "Nur", "Muhammad", "Sri"]
    last = ["Santoso", "Rahayu", "Pranoto", "Wibowo", "Lestari", "Ranying", "Tingang", "Hidayat", "Saputra"]
    titles = ["", ", S.H.", ", S.IP.", ", M.AP."]
    return [
        f"{rng.choice(first)} {rng.choice(last)}{rng.randint(1, 400)} {rng.choice(last)}{rng.choice(titles)}"
        for _ in range(n)
    ]


def test_every_name_of_a_large_roster_is_still_masked():
    from reports.pages import mask_personal

    roster = _city_roster() + [
        "Hadi Pranoto, S.H.",
        "Ani",
        "Elisa Ranying, S.STP, M.Si.",
        "Sri Rahayu",
        "Sri Rahayu Lestari",
    ]
    report = SimpleNamespace(roster_names=roster)
    assert (
        mask_personal("pak HADI   PRANOTO sh, nip 19841205-200604-1-001", report)
        == "pak [nama disamarkan] sh, nip [NIP disamarkan]"
    )
    assert mask_personal("skm/survei_elisa_ranying.csv", report) == "skm/survei_[nama disamarkan].csv"
    assert mask_personal("Ani-mator datang, ani tidak", report) == "Ani-mator datang, ani tidak"
    # a name deep in the roster, written with dots and dashes between its words
    deep = roster[4321].split(",")[0].split()
    assert mask_personal(f"dilayani {'.'.join(deep).upper()} - lama", report) == "dilayani [nama disamarkan] - lama"
    # the longest run of roster parts is masked, whatever the roster order
    assert mask_personal("bu Sri Rahayu Lestari ramah", report) == "bu [nama disamarkan] ramah"


def test_masking_leaves_nothing_that_trying_every_name_in_turn_finds():
    from reports.masking import NameMasker

    rng = random.Random(11)
    roster = _city_roster(800) + [
        "Ama Disa",
        "Nama Sari",
        "Iſa Kurniawan",
        "IRFAN ıSKANDAR",
        "Andi",
        "Ani Budi",
        "Budi Santoso",
        "Budi Santoso Putra",
    ]
    masker = NameMasker(roster)
    texts = [
        "petugas budi santoso putra dan ani budi santoso",
        "ama disamarkan? Nama Sari ada",
        "isa KURNIAWAN",
        "İRFAN İSKANDAR",
        "irfan_ıskandar.pdf",
        "tidak ada nama di sini",
        "",
    ]
    for _ in range(300):
        words = rng.choice(roster).split(",")[0].split()
        sep = rng.choice([" ", "  ", "_", ".", " - ", "\n"])
        texts.append(
            f"{rng.choice(['pak', 'bu', 'x'])} {sep.join(w.upper() if rng.random() < 0.3 else w for w in words)}"
            f"{rng.choice(['', 'x', ' ok', '.csv'])} {rng.choice(roster).split()[0]}"
        )
    changed = 0
    for text in texts:
        masked = masker.mask(text)
        # what is left holds no roster name as words of its own (a name inside a word, like
        # "ama disa" in "[nama disamarkan]", is not a name)
        assert _mask_one_by_one(masked, roster, whole_words=True) == masked, text
        changed += masked != text
    assert changed > 250
    assert masker.mask("tidak ada nama di sini") == "tidak ada nama di sini"


def test_prefix_lookups_match_a_scan():
    from reports.data import MetricSet
    from reports.fmt import Metric

    ids = ["1", "1:a", "10:a", "1:b", "12", "2:a", "1", ":x", "1:"]
    metrics = [
        Metric(f"m/asn/{s}/{PERIOD}#{i}", "m", "asn", s, PERIOD, float(i), None, None) for i, s in enumerate(ids)
    ]
    found = MetricSet(metrics)
    for prefix in (None, "1", "1:", "10:", "2", "3", "", ":"):
        scan = sorted([m for m in metrics if prefix is None or m.scope_id.startswith(prefix)], key=lambda m: m.scope_id)
        assert found.all("m", "asn", PERIOD, prefix=prefix) == scan, prefix
    assert [m.scope_id for m in found.all("m", "asn", PERIOD, prefix="1:")] == ["1:", "1:a", "1:b"]
    assert found.all("m", "unit", PERIOD, prefix="1") == []


def test_internal_pages_are_the_same_when_evidence_is_loaded_in_small_chunks(
    sample_warehouse, rendered, tmp_path, monkeypatch
):
    from reports import internal_pages
    from reports.render import render_period

    con, _ = sample_warehouse
    monkeypatch.setattr(internal_pages, "EVIDENCE_CHUNK", 3)
    render_period(con, PERIOD, tmp_path / "out", internal_root=tmp_path / "internal")
    again = tmp_path / "internal" / PERIOD
    compared = 0
    for page in sorted((rendered.parent.parent / "internal" / PERIOD).glob("*.html")):
        assert (again / page.name).read_text(encoding="utf-8") == page.read_text(encoding="utf-8"), page.name
        compared += 1
    assert compared > 10
    # the days behind a discipline band are still on the pages
    assert any(
        "Hari TK tahun berjalan yang membentuk pita" in p.read_text(encoding="utf-8") for p in again.glob("asn-*.html")
    )
