"""A live server on 127.0.0.1 (a free port) with demo accounts and last year's filing, and
Debian's Chromium driven by Playwright: for the browser tests and the screenshots in docs/img."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("NIANBAO_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "correct horse 1"
MILUO = "12430681593289443F"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def seed(store_path: Path, *, pdf: bool = False) -> None:
    """Demo accounts and last year's filings of the bundled examples."""
    from nianbao.store import Store
    from nianbao.store.accounts import add_user
    from nianbao.web.checking import Scope, UploadTask, run_task

    with Store.open(store_path) as store:
        add_user(store, "clerk", "filer", PASSWORD, org=MILUO)
        add_user(store, "other", "filer", PASSWORD, org="12610329MB1234567X")
        add_user(store, "county", "reviewer", PASSWORD, region="430681")
        add_user(store, "admin", "admin", PASSWORD)
    scope = Scope(None, "seed", "admin", None, None)
    examples = ROOT / "examples" / "annual_report"
    suffix = ".pdf" if pdf else ".txt"
    work = store_path.parent / "seed-work"
    work.mkdir(exist_ok=True)
    for stem in ("000_miluo_2025",):
        path = examples / f"{stem}{suffix}"
        result = run_task(UploadTask(str(store_path), scope, path.name, suffix, path.read_bytes()),
                          work)
        assert result.filing_id is not None, result.message_en


@contextmanager
def live_server(store_path: Path, workers: int = 1) -> Iterator[str]:
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, "-m", "nianbao", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--store", str(store_path), "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if process.poll() is not None:
                raise RuntimeError("the server stopped: " + (process.stderr.read() or b"")
                                   .decode(errors="replace")[-2000:] if process.stderr else "")
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the server did not start")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def login(page: Any, base: str, name: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
