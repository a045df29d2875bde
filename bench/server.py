"""An app server process on a free localhost port, for the browser tests and the load benchmark."""

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

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(store_path: Path, log_path: Path | None = None,
                env: dict[str, str] | None = None) -> Iterator[tuple[str, int]]:
    """`streamlit run app.py` serving `store_path` (with `env` added to its environment); yields its URL
    and process id, stops it after."""
    port = free_port()
    env = {**os.environ, "TRACKER_DB": str(store_path), **(env or {})}
    log_path = log_path or Path(store_path).parent / "server.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"the app did not start: {log_path.read_text()}")
        time.sleep(0.3)
    try:
        yield url, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
