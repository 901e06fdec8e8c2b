"""A small headless-Chromium driver over the DevTools protocol on a pipe (--remote-debugging-pipe).

No extra package: Chromium reads protocol messages on fd 3 and writes them on fd 4, each a JSON
object ended by a NUL byte. Used by the browser tests and to take the documentation screenshots.
Debian's `chromium` package provides the browser (`apt-get install -y chromium`).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
    # nothing may leave the machine: every host name resolves to nothing
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--allow-file-access-from-files",
]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class ChromiumError(RuntimeError):
    pass


class Chromium:
    def __init__(self, executable: str | None = None, timeout: float = 30.0):
        exe = executable or find_chromium()
        if not exe:
            raise ChromiumError("chromium tidak ditemukan; pasang dengan: apt-get install -y chromium")
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="pantau-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        args = [exe, *FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-pipe", "about:blank"]

        def onto_3_and_4() -> None:
            # in the child: our pipe ends become fds 3 and 4, as --remote-debugging-pipe expects;
            # first lifted above 9 so that moving one cannot overwrite the other
            high_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
            high_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        # close_fds=False: the fds made in onto_3_and_4 must survive; Python's own fds are not inheritable
        self.proc = subprocess.Popen(
            args,
            preexec_fn=onto_3_and_4,
            close_fds=False,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._next_id = 0
        self._lock = threading.Lock()
        self._responses: dict[int, dict] = {}
        self._cond = threading.Condition()
        self.events: list[dict] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # --- protocol ----------------------------------------------------------------------------
    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = os.read(self._from_child, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                with self._cond:
                    self._cond.notify_all()
                return
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                with self._cond:
                    if "id" in message:
                        self._responses[message["id"]] = message
                    else:
                        self.events.append(message)
                    self._cond.notify_all()

    def send(
        self, method: str, params: dict | None = None, session: str | None = None, timeout: float | None = None
    ) -> dict:
        with self._lock:
            self._next_id += 1
            msg_id = self._next_id
        message = {"id": msg_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + (timeout or self.timeout)
        with self._cond:
            while msg_id not in self._responses:
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise ChromiumError(f"tidak ada jawaban untuk {method}")
                self._cond.wait(left)
            response = self._responses.pop(msg_id)
        if "error" in response:
            raise ChromiumError(f"{method}: {response['error']}")
        return response.get("result", {})

    def wait_event(self, method: str, session: str | None = None, since: int = 0, timeout: float | None = None) -> dict:
        deadline = time.monotonic() + (timeout or self.timeout)
        with self._cond:
            while True:
                for event in self.events[since:]:
                    if event.get("method") == method and (session is None or event.get("sessionId") == session):
                        return event
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ChromiumError(f"peristiwa {method} tidak datang")
                self._cond.wait(left)

    # --- pages -------------------------------------------------------------------------------
    def open(self, url: str, width: int = 1280, height: int = 900, mobile: bool = False) -> Page:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, target, session)
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=session)
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
            session=session,
        )
        mark = len(self.events)
        self.send("Page.navigate", {"url": url}, session=session)
        self.wait_event("Page.loadEventFired", session=session, since=mark)
        page.first_event = mark
        return page

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                try:
                    self.send("Browser.close", timeout=5)
                except ChromiumError:
                    pass
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(timeout=10)
        finally:
            for fd in (self._to_child, self._from_child):
                try:
                    os.close(fd)
                except OSError:
                    pass
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Page:
    def __init__(self, browser: Chromium, target: str, session: str):
        self.browser = browser
        self.target = target
        self.session = session
        self.first_event = 0

    def evaluate(self, expression: str, timeout: float | None = None):
        result = self.browser.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            session=self.session,
            timeout=timeout,
        )
        if "exceptionDetails" in result:
            raise ChromiumError(f"JavaScript gagal: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 20.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.evaluate(expression):
                return True
            time.sleep(0.1)
        return False

    def events(self, method: str) -> list[dict]:
        return [
            e
            for e in self.browser.events[self.first_event :]
            if e.get("sessionId") == self.session and e.get("method") == method
        ]

    def console_errors(self) -> list[str]:
        errors = []
        for e in self.events("Runtime.consoleAPICalled"):
            if e["params"]["type"] in ("error", "assert"):
                errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in e["params"]["args"]))
        for e in self.events("Runtime.exceptionThrown"):
            errors.append(json.dumps(e["params"]["exceptionDetails"])[:500])
        for e in self.events("Log.entryAdded"):
            if e["params"]["entry"]["level"] == "error":
                errors.append(e["params"]["entry"].get("text", ""))
        return errors

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events("Network.requestWillBeSent")]

    def screenshot(self, path: Path, width: int = 1280, height: int | None = None, y: int = 0) -> Path:
        if height is None:
            height = int(self.evaluate("document.documentElement.scrollHeight"))
        data = self.browser.send(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": y, "width": width, "height": height, "scale": 1},
            },
            session=self.session,
        )["data"]
        Path(path).write_bytes(base64.b64decode(data))
        return Path(path)

    def pdf(self, path: Path) -> Path:
        """Print the page as the browser's print dialog would (A4 from the page's @page rule, print
        CSS, backgrounds off, no header/footer of the browser's own)."""
        data = self.browser.send(
            "Page.printToPDF",
            {
                "preferCSSPageSize": True,
                "printBackground": False,
                "displayHeaderFooter": False,
                "paperWidth": 8.27,
                "paperHeight": 11.69,
            },
            session=self.session,
            timeout=60,
        )["data"]
        Path(path).write_bytes(base64.b64decode(data))
        return Path(path)

    def close(self) -> None:
        self.browser.send("Target.closeTarget", {"targetId": self.target})
