"""Docs that tests keep true: every page and target is titled and described; README names the CLI."""

from __future__ import annotations

import re

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


def test_readme_names_every_cli_verb_and_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for package in ("etl", "tracker"):
        main = (ROOT / package / "__main__.py").read_text(encoding="utf-8")
        verbs = re.findall(r'add_parser\("([a-z]+)"', main)
        assert verbs and all(f"python -m {package} {v}" in readme for v in verbs), (package, verbs)
    assert "streamlit run app.py" in readme and "python -m pytest" in readme
