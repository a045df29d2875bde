"""What the 指标目录 page shows, built without Streamlit: target tables and each target's source."""

from __future__ import annotations

import re

import pandas as pd

from tracker.core import settings
from tracker.core.catalogue import (
    Catalogue,
    Target,
    clause_context,
    population_words,
    rule_words,
    targets_by,
)
from tracker.core.i18n import t

MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#+\-!|~$])")


def escape_markdown(text: str) -> str:
    """Text shown literally by st.markdown (policy texts hold '+', '-', '$' and the like)."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def policy_texts(catalogue: Catalogue) -> dict[str, str]:
    """{document id: full text} of the policy documents the catalogue cites."""
    return {d.id: (settings.POLICY_DIR / d.file).read_text(encoding="utf-8") for d in catalogue.documents.values()}


def region_codes(catalogue: Catalogue) -> tuple[str, ...]:
    """Every region code the catalogue names (populations, benchmarks, groups)."""
    found: set[str] = {g.region for g in catalogue.groups.values()}
    for target in catalogue.targets.values():
        found.add(target.population.region)
        if target.rule.kind == "relative_growth":
            b = target.rule.benchmark
            found.update(c for c in (b.region, b.population.region if b.population else None) if c)
    return tuple(sorted(found))


def years_words(target: Target, lang: str) -> str:
    """'2020 → 2025' with 'each year' for rules assessed every year."""
    text = f"{target.base_year} → {target.deadline}"
    return text + (t("catalogue.every_year", lang) if target.every_year else "")


def heading(catalogue: Catalogue, key: str, group_by: str, lang: str) -> str:
    """The heading of a group of targets: the document's title and number, or the theme."""
    if group_by == "theme":
        theme = catalogue.themes[key]
        return theme.zh if lang != "en" else theme.en
    if key == "example":
        return t("catalogue.examples", lang)
    d = catalogue.documents[key]
    return f"{d.zh if lang != 'en' else d.en}（{d.number}，{d.date}）"


def matches(target: Target, plan: str, search: str) -> bool:
    """Whether a target passes the page's plan and text filters."""
    if plan and target.plan != plan:
        return False
    needle = search.strip().lower()
    return not needle or any(needle in s.lower() for s in (target.id, target.zh, target.en, target.measure))


def grouped_targets(catalogue: Catalogue, group_by: str, plan: str, search: str) -> dict[str, list[Target]]:
    """The targets to show, grouped by document or theme, empty groups left out."""
    out = {}
    for key, targets in targets_by(catalogue, "theme" if group_by == "theme" else "document").items():
        kept = [x for x in targets if matches(x, plan, search)]
        if kept:
            out[key] = kept
    return out


def target_table(catalogue: Catalogue, targets: list[Target], names: dict[str, str], lang: str) -> pd.DataFrame:
    """One row per target: name, rule in words, population, years, clause."""
    rows = [{
        "id": x.id,
        t("catalogue.col.name", lang): x.zh if lang != "en" else x.en,
        t("catalogue.col.rule", lang): rule_words(x, catalogue, lang, names),
        t("catalogue.col.population", lang): population_words(x, catalogue, names, lang),
        t("catalogue.col.years", lang): years_words(x, lang),
        t("catalogue.col.clause", lang): x.source.clause if x.source else t("catalogue.example", lang),
    } for x in targets]
    return pd.DataFrame(rows)


def target_markdown(catalogue: Catalogue, target: Target, names: dict[str, str], texts: dict[str, str],
                    lang: str) -> str:
    """A target's full record as markdown: rule, population, years, interpretation, and the
    quoted sentence highlighted inside its paragraph of the policy text."""
    e = escape_markdown
    lines = [
        f"**{t('catalogue.col.rule', lang)}**：{e(rule_words(target, catalogue, lang, names))}",
        f"**{t('catalogue.col.population', lang)}**：{e(population_words(target, catalogue, names, lang))}",
        f"**{t('catalogue.col.years', lang)}**：{e(years_words(target, lang))} · "
        f"{e(catalogue.plans[target.plan].zh if lang != 'en' else catalogue.plans[target.plan].en)}",
        f"**{t('catalogue.measure', lang)}**：`{target.measure}` · "
        f"{e(catalogue.measures[target.measure].zh if lang != 'en' else catalogue.measures[target.measure].en)}",
    ]
    if target.interpretation:
        lines.append(f"**{t('catalogue.interpretation', lang)}**：{e(target.interpretation)}")
    if target.source:
        doc = catalogue.documents[target.source.document]
        lines.append(f"**{t('catalogue.source', lang)}**：{e(doc.zh)}（{e(doc.number)}）· {e(target.source.clause)}")
        before, quote, after = clause_context(texts[doc.id], target.source.quote)
        lines.append(f"> …{e(before)}**:orange-background[{e(quote)}]**{e(after)}…")
    return "\n\n".join(lines)
