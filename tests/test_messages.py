"""Message catalogues: both languages have every message, with the same placeholders, plurals where counted,
and every message id the code names exists."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT
from tracker.core.i18n import LANGS, catalogue, placeholders, t


def entries(lang: str) -> dict[str, list[str]]:
    """{message id: its forms} of a language's .po file."""
    found = {}
    for m in catalogue(lang):
        if not m.id:
            continue
        key = m.id if isinstance(m.id, str) else m.id[0]
        found[key] = [m.string] if isinstance(m.string, str) else list(m.string)
    return found


def test_both_languages_have_every_message_with_the_same_placeholders():
    zh, en = entries("zh"), entries("en")
    assert set(zh) == set(en), f"only zh: {sorted(set(zh) - set(en))}; only en: {sorted(set(en) - set(zh))}"
    problems = []
    for key in zh:
        forms = zh[key] + en[key]
        if not all(f.strip() for f in forms):
            problems.append(f"{key}: an empty form")
        names = {frozenset(placeholders(f)) for f in forms}
        if len(names) != 1:
            problems.append(f"{key}: placeholders differ {[sorted(n) for n in names]}")
    assert not problems, "\n".join(problems)


def test_plural_messages_are_counted_by_n_and_english_has_two_forms():
    for lang, forms_wanted in (("zh", 1), ("en", 2)):
        for m in catalogue(lang):
            if m.id and not isinstance(m.id, str):
                assert len(m.string) == forms_wanted, (lang, m.id[0])
                assert all("n" in placeholders(s) for s in m.string) or m.id[0].startswith("unit."), m.id[0]


@pytest.mark.parametrize(("n", "text"), [(1, "1 village misses 3 or more targets."),
                                         (3, "3 villages miss 3 or more targets."),
                                         (12345, "12,345 villages miss 3 or more targets.")])
def test_english_reads_naturally_for_one_and_many(n, text):
    assert t("summary.lagging", "en", n=n, k=3) == text
    assert t("summary.lagging", "zh", n=n, k=3) == f"{n:,} 个村有 3 个及以上目标未达标。"


def test_units_are_singular_for_one():
    assert [t("unit.village", "en", n=n) for n in (1, 2)] == ["village", "villages"]
    assert t("figure.units_met", "en", met=1, n=1, units=t("unit.village", "en", n=1)) == "1 of 1 village meets it"
    assert t("figure.units_met", "zh", met=14, n=16, units=t("unit.village", "zh", n=16)) == "14/16 个村达标"


def test_an_unknown_message_is_an_error():
    with pytest.raises(KeyError):
        t("no.such.message", "en")


CODE = [*ROOT.glob("tracker/**/*.py"), *ROOT.glob("ui/*.py"), *ROOT.glob("app_pages/*.py"), ROOT / "app.py"]


def test_every_message_id_named_in_the_code_exists():
    known = set(entries("zh"))
    named = set()
    for path in CODE:
        text = path.read_text(encoding="utf-8")
        named |= set(re.findall(r"""\b(?:t|tr)\(\s*["']([a-z_]+(?:\.[a-z0-9_ ]+)+)["']""", text))
    assert named, "the scan found no message ids"
    assert not named - known, sorted(named - known)


def test_no_inline_language_choices_in_the_code():
    """Text is chosen by the catalogues, not by `if zh ... else ...` in code."""
    pattern = re.compile(r"""(\bif zh\b|\bzh = lang|lang == ["'](en|zh)["']|lang != ["'](en|zh)["'])""")
    found = [f"{path.relative_to(ROOT)}:{i}: {line.strip()}" for path in CODE
             for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if pattern.search(line) and path.name != "i18n.py"]
    assert not found, "\n".join(found)


def test_the_columns_of_a_table_have_different_names_in_each_language():
    """Two columns with one name crash a table (the English briefing once did: 目标 and 目标值 were both
    "Target"). Columns of one table share a message prefix (`table.col.`, `changes.col.` ...)."""
    for lang in LANGS:
        groups: dict[str, dict[str, str]] = {}
        for key, forms in entries(lang).items():
            if ".col." in key:
                groups.setdefault(key.rsplit(".", 1)[0], {})[key] = forms[0]
        for group, labels in groups.items():
            if group == "data.col":  # the batch, reject and source tables of 数据管理 are separate tables
                continue
            seen = list(labels.values())
            assert len(set(seen)) == len(seen), (lang, group, sorted(v for v in seen if seen.count(v) > 1))
