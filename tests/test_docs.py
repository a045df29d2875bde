"""Docs that tests keep true: every page and target is titled and described; README names the CLI."""

from __future__ import annotations

import json
import re
import time

from tests.conftest import ROOT
from tracker.core.catalogue import load_catalogue
from tracker.core.i18n import t
from ui.registry import PAGES


def test_every_page_is_a_file_with_a_title_and_description_in_both_languages():
    for page in PAGES:
        assert (ROOT / page.script).exists(), page.script
        for part in ("title", "description"):
            zh, en = (t(f"page.{page.key}.{part}", lang) for lang in ("zh", "en"))
            assert zh.strip() and en.strip() and zh != en, (page.key, part)
    assert len({p.key for p in PAGES}) == len(PAGES)
    scripts = {p.script for p in PAGES}
    assert scripts == {f"app_pages/{f.name}" for f in (ROOT / "app_pages").glob("*.py")}, "a page script is not registered"


def test_every_target_and_measure_has_both_names():
    cat = load_catalogue()
    for item in [*cat.targets.values(), *cat.measures.values(), *cat.groups.values()]:
        assert item.zh.strip() and item.en.strip(), item.id


def test_readme_is_a_newcomers_page_with_the_two_commands_and_links_that_resolve():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install -r requirements.txt && streamlit run serve.py" in readme
    assert "pip install -r requirements.txt && python -m pytest -n auto" in readme
    # CI runs the README's test command (on two cores, a worker each: half the time of one)
    assert "python3 -m pytest -n auto" in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert len(readme.encode("utf-8")) <= 10_000, "README is a newcomer's page: details go to docs/"
    dated = [line for line in readme.splitlines()
             if re.search(r"20\d\d-\d\d-\d\d|this 2-core|on this machine|\d+(\.\d+)? (ms|s)\b", line)]
    assert not dated, dated  # measured figures live in docs/performance.md, built from the bench runs
    linked = set(re.findall(r"\]\(([^)#]+)\)", readme))
    assert all((ROOT / path).exists() for path in linked), linked
    assert {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")} <= linked, "a page of docs/ is not linked"


def test_every_markdown_link_in_the_docs_resolves():
    for page in [ROOT / "ARCHITECTURE.md", *(ROOT / "docs").glob("*.md")]:
        for target in re.findall(r"\]\(([^)#:]+)\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).exists(), (page.name, target)


def test_the_command_line_page_is_current_and_every_option_has_its_help():
    from tools import docs

    assert docs.undocumented() == [], "an option without help would be undocumented in docs/cli.md"
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == docs.cli_markdown(), \
        "docs/cli.md is stale: python -m tools.docs"
    page = docs.cli_markdown()
    for prog, parser in docs._parsers():
        for verb, (_, sub) in docs.verbs(parser).items():
            assert f"### `{prog} {verb}`" in page
            assert all(option in page for action in sub._actions for option in action.option_strings)


def test_the_performance_page_is_built_from_the_recorded_bench_runs(tmp_path):
    from bench.record import RESULTS, Run, runs
    from tools import docs

    assert (ROOT / "docs" / "performance.md").read_text(encoding="utf-8") == docs.performance_markdown(), \
        "docs/performance.md is stale: python -m tools.docs"
    assert {r["bench"] for r in runs(RESULTS)} >= {"assess", "load", "pages"}, "the page has no figures of these"
    # two runs of a bench: the latest run's figures, and a row per run with its date, commit and machine
    for value in (1.25, 2.5):
        run = Run("example", {"store": "demo"})
        run.add("full recompute", value, "s", "≤ 1.5 s")
        written = run.save(tmp_path)
        record = json.loads(written.read_text(encoding="utf-8"))
        assert record["machine"]["cores"] and record["commit"] and record["date"].startswith("20")
        time.sleep(1.01)  # the file name carries the second
    page = docs.performance_markdown(tmp_path)
    assert "| full recompute | 2.50 s | ≤ 1.5 s |" in page
    assert page.count(f"`{record['commit']}` | M1 | ") == 2 and "| 1.25 s |" in page


def test_architecture_names_every_folder_and_module_as_they_are():
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([a-z_/]+/) \| [^|]+ \| ?([a-z0-9_, ]*?) ?\|$", text, re.M)
    assert len(rows) >= 15
    named = {folder for folder, _ in rows}
    for folder, modules in rows:
        assert (ROOT / folder).is_dir(), folder
        listed = {m.strip() for m in modules.split(",") if m.strip()}
        present = {p.stem for p in (ROOT / folder).iterdir()
                   if p.suffix in (".py", ".sql") and p.stem not in ("__init__", "__main__")}
        if listed or present and folder not in ("tests/",):
            assert listed == present, (folder, sorted(present - listed), sorted(listed - present))
    top = {f"{p.name}/" for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
           and p.name not in ("artifacts",)}
    assert top <= named | {"tracker/"}, sorted(top - named)
    packages = {f"tracker/{p.name}/" for p in (ROOT / "tracker").iterdir() if (p / "__init__.py").exists()}
    assert packages <= named, sorted(packages - named)


def test_the_generated_sections_of_written_pages_are_current():
    """docs/method.md's table of statuses is tracker/core/status.py's, as `python -m tools.docs` writes it."""
    from tools import docs
    from tracker.core.status import STATUSES

    for page, _ in docs.SECTIONS:
        text = (ROOT / "docs" / page).read_text(encoding="utf-8")
        assert docs.with_sections(page, text) == text, f"docs/{page} is stale: python -m tools.docs"
    method = (ROOT / "docs" / "method.md").read_text(encoding="utf-8")
    assert all(f"| `{s.id}` | {s.zh} | {s.en} |" in method for s in STATUSES.values())
