"""Each bench run writes its figures as one JSON file in bench/results/ — the date, the machine, the commit and
every figure with its unit (and its aim, where the product has one) — and `python -m tools.docs` builds
docs/performance.md from those files. Figures are never typed into the docs by hand, and never asserted as times
in tests: a change that slows a page shows up as a new row in the next run's table.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
ROOT = RESULTS.parents[1]


def machine() -> dict:
    """What the figures were measured on: processor, cores, memory, system."""
    cpu = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
                if line.startswith("model name")), platform.processor() or platform.machine())
    memory_kb = next((int(line.split()[1]) for line in _read("/proc/meminfo").splitlines()
                      if line.startswith("MemTotal:")), 0)
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(memory_kb / 1024 / 1024),
            "system": f"{platform.system()} {platform.machine()}", "python": platform.python_version()}


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError:
        return ""


def commit() -> str:
    """The commit measured (short hash), with '+' when the work tree had uncommitted changes."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    head = git("rev-parse", "--short=8", "HEAD") or "unknown"
    return head + ("+" if git("status", "--porcelain", "--untracked-files=no") else "")


@dataclass
class Run:
    """One run of a bench: its setup (store, sizes, settings) and its figures, written by save()."""

    bench: str
    setup: dict = field(default_factory=dict)
    figures: list[dict] = field(default_factory=list)

    def add(self, name: str, value: float, unit: str, aim: str = "") -> None:
        """A figure: what was measured, its value and unit ('s', 'ms', 'MB', '×', 'rows/s' …), and the aim it is
        held to (e.g. '≤ 10× read_csv'), if any."""
        self.figures.append({"name": name, "value": round(float(value), 4), "unit": unit, "aim": aim})

    def save(self, folder: Path = RESULTS) -> Path:
        """Write the run as bench/results/<date>-<bench>-<commit>.json; returns the path."""
        import duckdb

        now = datetime.now(timezone.utc)
        record = {"bench": self.bench, "date": now.isoformat(timespec="seconds"), "commit": commit(),
                  "machine": machine(), "duckdb": duckdb.__version__, "setup": self.setup, "figures": self.figures}
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{now:%Y%m%dT%H%M%S}-{self.bench}-{record['commit'].rstrip('+')}.json"
        path.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"figures written to {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
        return path


def runs(folder: Path = RESULTS) -> list[dict]:
    """Every recorded run, oldest first."""
    found = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]
    return sorted(found, key=lambda r: (r["date"], r["bench"]))
