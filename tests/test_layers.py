"""The layers of ARCHITECTURE.md hold: no import goes upward, Streamlit stays in app.py, app_pages/ and ui/.

The rules are read from the table in ARCHITECTURE.md, so the document and the code cannot drift apart.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

PRODUCT = ["serve.py", "app.py", "app_pages", "ui", "tracker", "etl"]


def layer_rules() -> dict[str, tuple[set[str], bool]]:
    """{layer: (what it may import, whether it may use Streamlit)} from ARCHITECTURE.md's table."""
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    rules = {}
    for layer, may, streamlit in re.findall(r"^\| ([a-z_.]+(?:\.py)?) \| ([a-z_., ]+) \| (yes|no) \|$", text, re.M):
        rules[layer] = ({part.strip() for part in may.split(",")}, streamlit == "yes")
    return rules


def layer_of_file(path: Path) -> str:
    """The layer a product file belongs to."""
    parts = path.relative_to(ROOT).parts
    if parts in (("app.py",), ("serve.py",)):
        return parts[0]
    if parts[0] == "tracker":
        if parts[1:] == ("__main__.py",):
            return "tracker.cli"
        return f"tracker.{parts[1]}" if len(parts) > 2 else "tracker.core"  # tracker/__init__.py holds nothing
    return parts[0]


def layer_of_module(name: str) -> str | None:
    """The layer of an imported module, None for anything outside the product."""
    parts = name.split(".")
    if parts[0] in ("app_pages", "ui", "etl"):
        return parts[0]
    if parts[0] == "tracker":
        if len(parts) == 1 or parts[1] == "__main__":
            return "tracker.cli"
        return f"tracker.{parts[1]}"
    return None


def imports(source: str) -> list[tuple[int, str]]:
    """(line, module) of every import in a module, those inside functions included."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "tracker":  # `from tracker import core` names a sub-package
                found += [(node.lineno, f"tracker.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, node.module))
    return found


def broken_rules(layer: str, source: str, where: str, rules: dict[str, tuple[set[str], bool]]) -> list[str]:
    """Every import of `source` that its layer may not make."""
    may, streamlit = rules[layer]
    problems = []
    for line, module in imports(source):
        target = layer_of_module(module)
        if module.split(".")[0] == "streamlit" and not streamlit:
            problems.append(f"{where}:{line}: {layer} imports streamlit")
        elif target is not None and not any(target == m or target.startswith(m + ".") for m in may):
            problems.append(f"{where}:{line}: {layer} imports {module} ({target})")
    return problems


def product_files() -> list[Path]:
    return sorted(p for entry in PRODUCT for p in ([ROOT / entry] if entry.endswith(".py")
                                                    else (ROOT / entry).rglob("*.py")))


def test_the_table_names_every_layer_of_the_code():
    rules = layer_rules()
    assert {layer_of_file(p) for p in product_files()} <= set(rules), "a folder of the code is not in ARCHITECTURE.md"
    assert {"tracker.core", "tracker.queries", "tracker.present", "tracker.views", "tracker.documents", "ui",
            "app_pages", "etl"} <= set(rules)


def test_no_import_goes_upward_and_streamlit_stays_at_the_top():
    rules = layer_rules()
    problems = []
    for path in product_files():
        problems += broken_rules(layer_of_file(path), path.read_text(encoding="utf-8"),
                                 str(path.relative_to(ROOT)), rules)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("layer", "source", "broken"), [
    ("tracker.core", "from tracker.queries import dashboard", True),
    ("tracker.queries", "def f():\n    from tracker.views import overview", True),  # inside a function too
    ("tracker.views", "import streamlit as st", True),
    ("etl", "from ui import data", True),
    ("tracker.present", "from tracker import views", True),
    ("tracker.views", "from tracker.core import assess\nfrom tracker.present import charts", False),
    ("ui", "import streamlit as st\nfrom etl.load import load_files", False),
])
def test_the_check_catches_an_upward_import(layer, source, broken):
    assert bool(broken_rules(layer, source, "x.py", layer_rules())) == broken


def test_the_repository_cites_nothing_outside_itself():
    """Code and docs stand alone: no file points at design notes or folders beside the checkout."""
    outside = re.compile(r"(\.\./shared|DESIGN\.md|CONVENTIONS\.md|calibration\.md)")
    files = [p for p in ROOT.rglob("*") if p.is_file() and p.suffix in (".py", ".md", ".sql", ".toml", ".yaml", ".po")
             and not {".git", "artifacts", "data"} & set(p.relative_to(ROOT).parts[:1])]
    found = [f"{p.relative_to(ROOT)}:{i}" for p in files
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if outside.search(line) and p.name != "test_layers.py"]
    assert not found, found
