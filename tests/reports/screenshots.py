"""Take the documentation screenshots (docs/screenshots/) from a period's rendered reports.

    python tests/reports/screenshots.py reports/out/2026-10 docs/screenshots

Desktop pages at 1366 px, the Ringkasan on a phone (390 px, mobile emulation), and the one-page
summary as printed: Chromium's print-to-PDF (A4, the page's print CSS), its first page rendered
by poppler's pdftoppm. Same browser and driver as the browser tests (chromium.py).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chromium import Chromium  # noqa: E402

CHARTS_DRAWN = "[...document.querySelectorAll('[data-figure]')].every(d => d.querySelector('svg.main-svg'))"
DESKTOP, PHONE, HEIGHT = 1366, 390, 1400
PRINT_DPI = 80


def take(folder: Path, target: Path) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    written = []
    with Chromium() as browser:
        for page_name, shot in (
            ("index.html", "ringkasan.png"),
            ("unit-kelurahan-pager.html", "unit-kelurahan-pager.png"),
        ):
            page = browser.open((folder / page_name).as_uri(), width=DESKTOP, height=HEIGHT)
            page.wait_for(CHARTS_DRAWN, timeout=30)
            written.append(page.screenshot(target / shot, width=DESKTOP, height=HEIGHT))
            page.close()
        page = browser.open((folder / "index.html").as_uri(), width=PHONE, height=844, mobile=True)
        page.wait_for(CHARTS_DRAWN, timeout=30)
        written.append(page.screenshot(target / "ringkasan-ponsel.png", width=PHONE, height=1600))
        page.close()
        with tempfile.TemporaryDirectory() as tmp:
            pdf = Path(tmp) / "ringkas.pdf"
            page = browser.open((folder / "ringkasan-satu-halaman.html").as_uri())
            page.wait_for(CHARTS_DRAWN, timeout=30)
            page.pdf(pdf)
            page.close()
            subprocess.run(
                [
                    "pdftoppm",
                    "-r",
                    str(PRINT_DPI),
                    "-png",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    str(pdf),
                    str(target / "ringkasan-satu-halaman-cetak"),
                ],
                check=True,
            )
            written.append(target / "ringkasan-satu-halaman-cetak.png")
    return written


if __name__ == "__main__":
    for path in take(Path(sys.argv[1]), Path(sys.argv[2])):
        print(path)
