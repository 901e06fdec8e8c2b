"""`pantau validate --watch`: one warm process that validates again whenever the inbox changes.

An analyst fixing an export validates again and again; a fresh command pays Python's, DuckDB's
and Great Expectations' start-up (GX alone ~2.5 s) every time. Here they are paid once: the
process stays, polls the inbox and the reference folder, and reruns the same validation (a new
in-memory warehouse each time, so nothing carries over from one pass to the next but imports
and GX's context). No Prefect, no warehouse file: like `pantau validate`, nothing is written.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

DEFAULT_INTERVAL = 1.0  # [validate] watch_interval: seconds between two looks at the inbox
MIN_INTERVAL = 0.1  # a smaller interval would keep a core busy listing folders


def folder_state(folders: Iterable[Path]) -> tuple:
    """What a change would alter: every file's path, size and modification time, in order."""
    state = []
    for folder in folders:
        root = Path(folder)
        if not root.is_dir():
            state.append((str(root), None, None))
            continue
        for path in sorted(root.rglob("*")):
            try:
                stat = path.stat()
            except OSError:  # removed between listing and stat: the next look sees it
                continue
            if path.is_file():
                state.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(state)


def watch(
    validate_once: Callable[[], int],
    folders: list[Path],
    interval: float,
    say: Callable[[str], None],
    sleep: Callable[[float], None] | None = None,
    passes: int | None = None,
) -> int:
    """Validate, then again after every change of `folders`, until Ctrl+C; the last exit code.

    A change is acted on once the folders hold still for one interval (an export still being
    copied is not read half-way). `passes` bounds the number of validations (tests).
    """
    interval, sleep = max(interval, MIN_INTERVAL), sleep or time.sleep
    seen = folder_state(folders)  # before validating: a change made meanwhile is seen next
    code = _timed(validate_once, say)
    done = 1
    try:
        while passes is None or done < passes:
            sleep(interval)
            now = folder_state(folders)
            if now == seen:
                continue
            while True:  # wait until the copy is finished
                sleep(interval)
                settled = folder_state(folders)
                if settled == now:
                    break
                now = settled
            seen = now
            say("inbox berubah: memvalidasi ulang")
            code = _timed(validate_once, say)
            done += 1
    except KeyboardInterrupt:
        say("berhenti memantau inbox")
    return code


def _timed(validate_once: Callable[[], int], say: Callable[[str], None]) -> int:
    start = time.perf_counter()
    code = validate_once()
    seconds = f"{time.perf_counter() - start:.1f}".replace(".", ",")
    say(f"validasi selesai dalam {seconds} detik (kode keluar {code}); memantau inbox, Ctrl+C untuk berhenti")
    return code
