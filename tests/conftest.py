"""Shared fixtures: one app process for the whole session, launched as a user would launch it."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class App:
    def __init__(self, url: str, proc: subprocess.Popen, netlog: Path, log: Path):
        self.url, self.proc, self.netlog, self.log = url, proc, netlog, log

    def outbound(self) -> list[str]:
        """Every connection or DNS lookup the app made to anything but loopback."""
        lines = self.netlog.read_text().splitlines() if self.netlog.exists() else []
        return [ln for ln in lines if ln.split()[1] not in LOOPBACK]


def start_app(tmp: Path, **extra_env: str) -> App:
    """`python app.py` on a free port, with every outbound connect logged (tests/netlog)."""
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GRADIO_", "HF_", "PAPER_GALLERY_"))
    }
    env.update(
        GRADIO_SERVER_PORT=str(port),
        PYTHONPATH=str(ROOT / "tests" / "netlog"),
        NETLOG_FILE=str(tmp / "netlog.txt"),
        HF_HOME=str(tmp / "hf-home"),  # an empty cache: the app must still start
        PAPER_GALLERY_CLASSROOM_DB=str(
            tmp / "classroom.sqlite3"
        ),  # its own rooms (replicas: pass one path)
    )
    env.update(extra_env)
    log = tmp / "app.log"
    proc = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env=env,
        stdout=open(log, "w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(url + "/", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the app did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.3)
    return App(url, proc, tmp / "netlog.txt", log)


def stop_app(app: App) -> None:
    app.proc.terminate()
    try:
        app.proc.wait(10)
    except subprocess.TimeoutExpired:
        app.proc.kill()


@contextlib.contextmanager
def two_replicas(tmp: Path, **extra_env: str):
    """Two app processes behind deploy/haproxy.cfg on a free port (README, "Serving"): yields the
    proxy's base URL once it answers; stops all three afterwards."""
    import shutil
    from concurrent.futures import ThreadPoolExecutor

    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not shutil.which(haproxy):
        pytest.fail("haproxy is missing: run scripts/setup.sh --dev")
    for d in ("a", "b"):
        (tmp / d).mkdir()
    with ThreadPoolExecutor(2) as pool:  # both replicas start side by side
        a, b = pool.map(lambda d: start_app(d, **extra_env), [tmp / "a", tmp / "b"])
    port = free_port()
    env = {
        "PG_BIND": f"127.0.0.1:{port}",
        "PG_REPLICA_A": a.url.removeprefix("http://"),
        "PG_REPLICA_B": b.url.removeprefix("http://"),
        "PATH": "/usr/sbin:/usr/bin:/bin",
    }
    proxy = subprocess.Popen(
        [haproxy, "-db", "-f", str(ROOT / "deploy" / "haproxy.cfg")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp / "haproxy.log", "w"),
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(50):  # the proxy is up when it answers
            try:
                if httpx.get(base + "/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield base
    finally:
        proxy.terminate()
        proxy.wait(10)
        stop_app(a)
        stop_app(b)


@pytest.fixture(scope="session")
def app_server(tmp_path_factory) -> App:
    """The app as a user launches it, shared by the whole session."""
    app = start_app(tmp_path_factory.mktemp("app"))
    yield app
    stop_app(app)


CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run",
]  # fmt: skip


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright (never `playwright install`), one for the session;
    each test opens its own contexts (`browser.new_context(...)`) and closes them."""
    from playwright.sync_api import expect, sync_playwright

    # expect()'s own limit (5 s by default, not the page's set_default_timeout) tells a hang from a
    # busy machine: a cold page took longer than 5 s to show the quiz with one core taken (#16)
    expect.set_options(timeout=30_000)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(autouse=True)
def _close_browser_contexts(request):
    """A test's browser contexts (its pages) are closed when it ends: the shared browser stays clean."""
    yield
    if "browser" in request.fixturenames:
        for context in list(request.getfixturevalue("browser").contexts):
            context.close()


@pytest.fixture(scope="session")
def client(app_server):
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    from gradio_client import Client

    return Client(app_server.url, verbose=False, analytics_enabled=False)


@pytest.fixture
def isolated_hub(monkeypatch, tmp_path):
    """An empty Hugging Face cache and no model loaded yet, for tests of code that loads weights."""
    from models import hub

    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    hub._cache.clear()
    yield
    hub._cache.clear()
