"""An app server process on a free localhost port, and several behind Debian's nginx with the configuration
deploy/nginx/tracker.conf, for the browser tests and the load benchmark."""

from __future__ import annotations

import getpass
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "deploy" / "nginx" / "tracker.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_healthy(url: str, proc: subprocess.Popen, log_path: Path, what: str) -> None:
    """Wait (up to 60 s) until `url`/_stcore/health answers 200; a process that ends first fails with its log."""
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"{what} did not start: {Path(log_path).read_text()}")
        time.sleep(0.3)


@contextmanager
def running_app(store_path: Path, log_path: Path | None = None, env: dict[str, str] | None = None,
                script: Path = ROOT / "serve.py") -> Iterator[tuple[str, int]]:
    """`streamlit run serve.py` serving `store_path` (with `env` added to its environment) — or another `script`, run
    in its own folder; yields its URL and process id, stops it after."""
    port = free_port()
    env = {**os.environ, "TRACKER_DB": str(store_path), **(env or {})}
    log_path = log_path or Path(store_path).parent / "server.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script.name, "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=script.parent, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_healthy(url, proc, log_path, "the app")
    try:
        yield url, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def site_config(app_ports: list[int], listen: int) -> str:
    """deploy/nginx/tracker.conf with its upstream listing `app_ports` and its server listening on localhost:`listen`
    (the file's own lines are replaced, so a change to its shape fails here, not silently)."""
    text = SITE.read_text(encoding="utf-8")
    servers = re.findall(r"^    server 127\.0\.0\.1:\d+;\n", text, flags=re.M)
    if not servers or "    listen 80;\n" not in text:
        raise ValueError(f"{SITE}: expected its upstream's server lines and 'listen 80;'")
    text = text.replace("".join(servers), "".join(f"    server 127.0.0.1:{p};\n" for p in app_ports))
    if "        add_header Set-Cookie $tracker_route_cookie always;\n" not in text:
        raise ValueError(f"{SITE}: expected the route cookie's add_header in its main location")
    # which process answered, for the test and benches only (the shipped file names no internal address)
    text = text.replace("        add_header Set-Cookie $tracker_route_cookie always;\n",
                        "        add_header Set-Cookie $tracker_route_cookie always;\n"
                        "        add_header X-Tracker-Backend $upstream_addr always;\n")
    return text.replace("    listen 80;\n", f"    listen 127.0.0.1:{listen};\n")


@contextmanager
def running_proxy(store_path: Path, processes: int = 2, folder: Path | None = None,
                  env: dict[str, str] | None = None) -> Iterator[tuple[str, list[str], list[int]]]:
    """`processes` app processes serving `store_path` behind nginx (deploy/nginx/tracker.conf, in a prefix of its
    own under `folder`); yields the proxy's URL, the backends' addresses (as nginx's X-Tracker-Backend names
    them) and their process ids, stops everything after."""
    folder = Path(folder or Path(store_path).parent) / "nginx"
    folder.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        apps = [stack.enter_context(running_app(store_path, folder / f"app-{i}.log", env)) for i in range(processes)]
        ports = [int(url.rsplit(":", 1)[1]) for url, _ in apps]
        listen = free_port()
        (folder / "tracker.conf").write_text(site_config(ports, listen), encoding="utf-8")
        (folder / "nginx.conf").write_text(
            # workers as this user (nginx started by root would run them as nobody, who cannot write an upload's
            # body into this folder)
            f"daemon off;\nuser {getpass.getuser()};\nworker_processes 1;\npid {folder}/nginx.pid;\n"
            f"error_log {folder}/error.log;\n"
            "events { worker_connections 1024; }\n"
            f"http {{\n  access_log {folder}/access.log;\n  client_body_temp_path {folder}/body;\n"
            f"  proxy_temp_path {folder}/proxy;\n  fastcgi_temp_path {folder}/fastcgi;\n"
            f"  uwsgi_temp_path {folder}/uwsgi;\n  scgi_temp_path {folder}/scgi;\n"
            f"  include {folder}/tracker.conf;\n}}\n", encoding="utf-8")
        log_path = folder / "nginx.log"
        with open(log_path, "w") as log:
            proc = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")],
                                    stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{listen}"
        try:
            wait_until_healthy(url, proc, log_path, "nginx")
            yield url, [f"127.0.0.1:{p}" for p in ports], [pid for _, pid in apps]
        finally:
            proc.terminate()
            proc.wait(timeout=10)
