"""Files the command line writes (briefings, reports, work lists, return forms): never through a symbolic link,
never over an existing file unless asked (--force), and put in place whole by a rename, so a reader never sees a
half-written file and a link planted where a report goes cannot make the product overwrite what it points at."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def add_out_options(parser: argparse.ArgumentParser, what: str, required: bool = True) -> None:
    """A writing command's --out (`what` it writes) and --force."""
    parser.add_argument("--out", type=Path, required=required, help=what)
    parser.add_argument("--force", action="store_true",
                        help="replace --out if a file is there already (a symbolic link is never followed or replaced)")


class OutputRefused(ValueError):
    """The file was not written: the path is a symbolic link, or a file exists there and --force was not given."""


def check(path: Path, force: bool = False) -> None:
    """Raise OutputRefused when `path` may not be written."""
    if path.is_symlink():
        raise OutputRefused(f"{path}: a symbolic link; write to the file itself (links are never followed)")
    if path.exists() and not path.is_file():
        raise OutputRefused(f"{path}: not a regular file")
    if path.exists() and not force:
        raise OutputRefused(f"{path}: exists; give --force to replace it")


@contextmanager
def writing(path: Path, force: bool = False) -> Iterator[Path]:
    """A temporary path beside `path` (same suffix) to write to, renamed onto `path` when the block ends; nothing
    is left behind when it fails."""
    path = Path(path)
    check(path, force)
    part = path.with_name(f".{path.stem}.{os.getpid()}.part{path.suffix}")
    try:
        yield part
        check(path, force)  # nothing planted meanwhile
        os.replace(part, path)  # replaces the name, never follows a link
    finally:
        part.unlink(missing_ok=True)


@contextmanager
def text_out(path: Path | None, force: bool = False) -> Iterator:
    """A text stream to write to: `path` put in place whole (as writing()), or standard output when None."""
    if path is None:
        yield sys.stdout
        return
    with writing(path, force) as part, open(part, "w", encoding="utf-8", newline="") as out:
        yield out
