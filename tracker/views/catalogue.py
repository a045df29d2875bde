"""What the 指标目录 page shows, built without Streamlit: target tables and each target's source."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tracker.core.catalogue import Catalogue, Target, clause_context, targets_by
from tracker.core.i18n import md_escape, t
from tracker.core.numbers import decimal
from tracker.present.why import reading_sentence
from tracker.queries import geography


def rule_words(target: Target, catalogue: Catalogue, lang: str = "zh", names: dict[str, str] | None = None) -> str:
    """The rule in words, e.g. '每个单位 自来水普及率 ≥ 90%' / 'each unit: Tap-water coverage at least 90%'."""
    m = catalogue.measures[target.measure]
    name, unit, r = m.name(lang), m.unit_in(lang), target.rule

    def amount(v: float) -> str:
        text = decimal(v, 2)
        return f"{text}{unit}" if unit in ("%", "倍") else f"{text} {unit}"

    def op(symbol: str) -> str:
        return t(f"rule.op.{symbol}", lang)

    if r.kind == "monitor":
        return t("rule.monitor", lang, name=name)
    if r.kind == "threshold":
        return t("rule.threshold", lang, name=name, op=op(r.op), amount=amount(r.value))
    if r.kind == "milestone":
        return t("rule.milestone", lang, deadline=target.deadline, name=name)
    if r.kind == "share":
        meets = t("rule.share.meets_bool", lang, name=name) if m.type == "bool" else \
            t("rule.share.meets", lang, name=name, op=op(r.condition.op), amount=amount(r.condition.value))
        return t("rule.share", lang, meets=meets, op=op(r.op), value=f"{r.value:g}")
    if r.kind == "relative_growth":
        b = r.benchmark
        period = t(f"rule.period.{r.period}", lang)
        if b.kind == "constant":
            return t("rule.growth.constant", lang, name=name, period=period, value=f"{b.value:g}")
        if b.kind == "recorded":
            measure = catalogue.measures[b.measure or target.measure]
            return t("rule.growth.recorded", lang, name=name, period=period, measure=measure.name(lang),
                     region=(names or {}).get(b.region, b.region))
        within = t(f"rule.growth.within.{b.within}", lang) if b.within else ""
        return t("rule.growth.mean", lang, name=name, period=period, within=within)
    since = t("rule.total.since", lang, year=r.years_from) if r.years_from else ""
    return t("rule.total", lang, name=name, since=since, op=op(r.op), amount=amount(r.value))


def population_words(target: Target, catalogue: Catalogue, names: dict[str, str], lang: str = "zh") -> str:
    """The population in words, e.g. '上饶市 · 上饶市“十四五”乡村振兴重点帮扶村（408个） · 村'."""
    pop = target.population
    parts = [names.get(pop.region, pop.region)]
    if pop.group:
        parts.append(catalogue.groups[pop.group].name(lang))
    unit = t("population.village_committee" if pop.kind == "village_committee" else f"population.level.{pop.level}", lang)
    parts.append(t("population.units", lang, unit=unit))
    return " · ".join(parts)


def policy_texts(catalogue: Catalogue) -> dict[str, str]:
    """{document id: full text} of the policy documents the catalogue cites."""
    return {d.id: (catalogue.policy_dir / d.file).read_text(encoding="utf-8") for d in catalogue.documents.values()
            if d.file is not None}


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
        return theme.name(lang)
    if key == "example":
        return t("catalogue.examples", lang)
    d = catalogue.documents[key]
    return f"{d.name(lang)}（{d.number_in(lang)}，{d.date}）"


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
        t("catalogue.col.name", lang): x.name(lang),
        t("catalogue.col.rule", lang): rule_words(x, catalogue, lang, names),
        t("catalogue.col.population", lang): population_words(x, catalogue, names, lang),
        t("catalogue.col.years", lang): years_words(x, lang),
        t("catalogue.col.clause", lang): x.source.clause if x.source else t("catalogue.example", lang),
        t("catalogue.col.file", lang): catalogue.origin("targets", x.id),
    } for x in targets]
    return pd.DataFrame(rows)


def target_markdown(catalogue: Catalogue, target: Target, names: dict[str, str], texts: dict[str, str],
                    lang: str) -> str:
    """A target's full record as markdown: rule, population, years, interpretation, and the
    quoted sentence highlighted inside its paragraph of the policy text."""
    e = md_escape

    def line(key: str, value: str) -> str:
        return t("label.value", lang, label=f"**{t(key, lang)}**", value=value)

    lines = [
        line("catalogue.col.rule", e(rule_words(target, catalogue, lang, names))),
        line("catalogue.col.population", e(population_words(target, catalogue, names, lang))),
        line("catalogue.col.years", f"{e(years_words(target, lang))} · {e(catalogue.plans[target.plan].name(lang))}"),
        line("catalogue.measure", f"`{target.measure}` · {e(catalogue.measures[target.measure].name(lang))}"),
        line("catalogue.col.file", f"`{catalogue.origin('targets', target.id)}`"),
    ]
    reading = catalogue.reading(target)
    if reading is not None:
        lines.append(line("catalogue.reading", e(reading_sentence(reading, target.population.level, lang))))
    if target.interpretation:
        lines.append(line("catalogue.interpretation", e(target.interpretation_in(lang))))
    if target.source:
        doc = catalogue.documents[target.source.document]
        lines.append(line("catalogue.source", f"{e(doc.zh)}（{e(doc.number_in(lang))}）· {e(target.source.clause)}"))
        if doc.id in texts:
            before, quote, after = clause_context(texts[doc.id], target.source.quote)
            lines.append(f"> …{e(before)}**:orange-background[{e(quote)}]**{e(after)}…")
        else:  # adopted on 目标测算: the document is known by its number, its text is not held
            lines.append(f"> {e(target.source.quote)}")
            lines.append(t("catalogue.text_not_held", lang))
    if target.drafted is not None:
        lines.append(line("catalogue.drafted", e(t("catalogue.drafted_by", lang, who=target.drafted.by,
                                                    at=target.drafted.at[:16].replace("T", " "),
                                                    why=target.drafted.why))))
    if target.adopted is not None:
        lines.append(line("catalogue.adopted", e(t("catalogue.adopted_by", lang, who=target.adopted.by,
                                                    at=target.adopted.at[:16].replace("T", " ")))))
    return "\n\n".join(lines)


@dataclass
class Section:
    """A group of targets on the page: its heading, its table, and each target's record by id."""

    heading: str
    table: pd.DataFrame
    records: dict[str, str]  # target id → its name and target_markdown


def build(con, catalogue: Catalogue, group_by: str, plan: str, search: str, lang: str) -> list[Section]:
    """The page's sections for its choices (cached by ui.data: the tables and the records with their quoted
    paragraphs take a tenth of a second to write)."""
    names = {code: md_escape(name) for code, name in geography.names(con, region_codes(catalogue)).items()}
    texts = policy_texts(catalogue)
    return [Section(heading(catalogue, key, group_by, lang), target_table(catalogue, targets, names, lang),
                    {x.id: f"**{md_escape(x.name(lang))}** · `{x.id}`\n\n" + target_markdown(catalogue, x, names, texts, lang)
                     for x in targets})
            for key, targets in grouped_targets(catalogue, group_by, plan, search).items()]
