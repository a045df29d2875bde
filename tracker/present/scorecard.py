"""How assessment rows are shown: the figure a reader sees, cards, sentences and what changed.

Pure functions over rows from tracker.queries.dashboard, shared by the pages and the briefing. A row's
headline figure depends on its rule and level: a village's own value; for a region, the figure its
reading (tracker.core.catalogue.Reading) judges — the population as a whole against the target, as
offices quote them ("自来水普及率 94.8%，目标 ≥ 90%"), or the share of units meeting it — with the
other figure beside ("14/16 个村达标", or the mean).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from html import escape

import pandas as pd

from tracker.core.catalogue import Catalogue, Measure, Target, reading_of
from tracker.core.i18n import t as tr
from tracker.core.numbers import compared, number, plain
from tracker.core.progress import required_path
from tracker.core.status import CLASS_ORDER, STATUS_CLASS, STATUSES
from tracker.core.status import label as status_label
from tracker.present.why import explain, projection_sentence


@dataclass(frozen=True)
class Figure:
    """What a row shows: the number, the target it is read against, and how to say both."""

    value: float | None
    target: float | None
    unit: str  # '%' for rates, shares and growth; else the measure's unit
    kind: str  # value / done / growth / rise (a share against its year before) / share / total / mean / share_met / monitor
    op: str | None  # the comparison the target is read with
    note: str = ""  # units met, mean growth against the benchmark ...


def clean(row: dict) -> dict:
    """A row with missing values as None (pandas gives NaN / NA)."""
    return {k: (None if not isinstance(v, (list, str, tuple)) and pd.isna(v) else v) for k, v in row.items()}


def unit_word(level: str, lang: str, n: int = 2) -> str:
    """村 / 乡镇 / 县 / 市 — what a rule's units are called ("village" for one, "villages" for more in English)."""
    return tr(f"unit.{level}", lang, n=n)


def figure(row: dict, target: Target, measure: Measure, lang: str = "zh") -> Figure:
    """The headline figure of an assessment row (see the module docstring); a region's figure from fewer than all
    of its units says how many reported first ("6/143 个村已报")."""
    fig = _figure(row, target, measure, lang)
    if not _partial(row, target):
        return fig
    n, reporting = row["units_in_scope"], row["units_reporting"]
    reported = tr("figure.units_reported", lang, reporting=reporting, n=n,
                  units=unit_word(target.population.level, lang, n))
    return replace(fig, note=reported + (tr("list.separator", lang) + fig.note if fig.note else ""))


def _partial(row: dict, target: Target) -> bool:
    """Whether a region's figure comes from fewer than all of its units (a total counts what was reported)."""
    n, reporting = row.get("units_in_scope"), row.get("units_reporting")
    return not row["is_unit"] and n is not None and reporting is not None and reporting < n \
        and target.rule.kind != "total"


def _figure(row: dict, target: Target, measure: Measure, lang: str) -> Figure:
    rule = target.rule
    unit = measure.value_unit(lang)
    op = getattr(rule, "op", None)
    if row["is_unit"]:
        if rule.kind == "relative_growth" and measure.type == "rate" and row["raw_value"] is not None:
            # a share that should rise: the share itself against its own year before, its change beside it
            # (its growth, "153.3%", would read as a share)
            note = ""
            if row["raw_from"] is not None:
                note = tr("figure.share_change", lang, points=f"{row['raw_value'] - row['raw_from']:+.1f}",
                          growth=number(row["value"], "%"))
            return Figure(row["raw_value"], row["raw_from"], "%", "rise", ">", note)
        if rule.kind == "relative_growth":
            return Figure(row["value"], row["benchmark"], "%", "growth", ">")
        if measure.type == "bool":
            return Figure(row["value"], 1.0, "", "done", ">=")
        return Figure(row["value"], row["target_value"], unit, "value",
                      rule.condition.op if rule.kind == "share" else op)
    met_note = ""
    if row["units_in_scope"] is not None:
        met_note = tr("figure.units_met", lang, met=row["units_met"] or 0, n=row["units_in_scope"],
                      units=unit_word(target.population.level, lang, row["units_in_scope"]))
    if rule.kind == "share":
        note = tr("figure.units_reporting", lang, met=row["units_met"] or 0, reporting=row["units_reporting"] or 0,
                  units=unit_word(target.population.level, lang, row["units_reporting"] or 0)) \
            if row["units_reporting"] is not None else ""
        return Figure(row["value"], row["target_value"], "%", "share", op, note)
    if rule.kind == "total":  # a sum of yes/no is a count of units
        counted = tr("figure.units_counted", lang, units=unit_word(target.population.level, lang)) \
            if measure.type == "bool" else unit
        return Figure(row["value"], row["target_value"], counted, "total", op)
    figure_unit = "%" if measure.type == "rate" else unit
    if rule.kind == "monitor":  # a yes/no monitored over units: the share of units with it
        return Figure(row["value"], None, "%" if measure.type == "bool" else figure_unit, "monitor", None, met_note)
    reading = reading_of(target, measure)
    if reading.kind == "aggregate":  # the population as a whole, the share of units meeting it beside
        if rule.kind == "relative_growth":
            if measure.type == "rate":  # the growth of a share: said as such
                met_note = tr("figure.growth_of_share", lang) + (tr("list.separator", lang) + met_note if met_note else "")
            return Figure(row["value"], row["target_value"], "%", "growth", ">", met_note)
        return Figure(row["value"], row["target_value"], figure_unit, "mean", op, met_note)
    note = met_note
    if row["aggregate_value"] is not None and measure.type != "bool":
        note += tr("figure.mean_growth", lang, growth=number(row["aggregate_value"], "%")) \
            if rule.kind == "relative_growth" else tr("figure.mean", lang, value=number(row["aggregate_value"],
                                                                                        figure_unit, lang))
        if rule.kind == "relative_growth" and row["benchmark"] is not None:
            note += tr("figure.benchmark", lang, benchmark=number(row["benchmark"], "%"))
    return Figure(row["value"], row["target_value"], "%", "share_met", ">=", note)


def unit_label(unit: str) -> str:
    """A value unit as a heading names it ('industry|industries' → 'industries')."""
    return unit.split("|")[-1]


def target_text(fig: Figure, lang: str = "zh") -> str:
    """'≥ 90%', '> 7.1%（基准）', '完成' — the target as a reader reads it."""
    if fig.kind == "done":
        return tr("figure.done", lang)
    if fig.kind == "rise":
        return tr("figure.rise", lang)
    if fig.target is None:
        return "—"
    if fig.kind == "share_met":
        return tr("figure.all_meet", lang) if fig.target == 100 else tr("figure.share_of_units", lang,
                                                                          share=plain(fig.target, 0))
    whole = fig.unit == "%" and fig.kind != "growth" and float(fig.target).is_integer()  # '≥ 90%', not '≥ 90.0%'
    text = compared(fig.op, f"{fig.target:.0f}%" if whole else number(fig.target, fig.unit, lang))
    return text + tr("figure.benchmark_suffix", lang) if fig.kind == "growth" else text


def change_text(now: Figure, before: Figure | None, lang: str = "zh") -> tuple[str | None, str]:
    """The change on last year in words ('+1.2 个百分点') and the arrow (up/down/off)."""
    if before is None or now.value is None or before.value is None or now.kind != before.kind or now.kind == "done":
        return None, "off"
    delta = now.value - before.value
    if abs(delta) < 0.05 and now.unit == "%":
        return tr("figure.no_change", lang), "off"
    if now.unit == "%":
        text = tr("figure.points", lang, n=f"{delta:+.1f}")
    else:
        text = "+" + number(delta, now.unit, lang) if delta > 0 else number(delta, now.unit, lang)
    return text, "up" if delta > 0 else "down" if delta < 0 else "off"


MUTED_INK = "#6B6F7B"
# a change's colour by its direction: a met status's blue toward the target, a missed one's red away from it
CHANGE_COLOUR = {"toward": STATUSES["achieved"].colour, "away": STATUSES["missed"].colour, "none": MUTED_INK}
ARROWS = {"up": "▲", "down": "▼", "off": ""}


def change_direction(fig: Figure, arrow: str) -> str:
    """Whether a change moves the figure toward its target ('toward'), away from it ('away') or neither
    ('none'): up is toward for a target read with ≥ or >, down for ≤ or <. A change is coloured by this,
    never by the status (a county still short of its target can move 7 points toward it)."""
    if arrow == "off" or fig.op not in (">=", ">", "<=", "<"):
        return "none"
    up_is_good = fig.op in (">=", ">")
    return "toward" if (arrow == "up") == up_is_good else "away"


def gap_text(fig: Figure, lang: str = "zh") -> str | None:
    """How far a figure is from its target, in the figure's unit ('1.4 个百分点'); None when met or unknown."""
    if fig.value is None or fig.target is None or fig.kind == "done":
        return None
    short = fig.target - fig.value if fig.op in (">=", ">") else fig.value - fig.target if fig.op in ("<=", "<") else None
    if short is None or short <= 0:
        return None
    return tr("figure.points", lang, n=f"{short:.1f}") if fig.unit == "%" else number(short, fig.unit, lang)


@dataclass
class Card:
    """One target as the briefing shows it for one region and year."""

    target_id: str
    title: str
    region_code: str
    region_name: str
    status: str
    value: str
    target: str
    note: str
    change: str | None
    arrow: str
    direction: str  # the change toward the target, away from it, or none (change_direction)
    gap: str | None
    deadline: int
    headline: bool
    kind: str  # the Figure's kind
    shortfall: float  # for ordering: how far from the target, 0 when met
    why: list[str] = field(default_factory=list)
    status_text: str = ""  # the status in words (逾期达标 with its year)
    partial: bool = False  # the figure comes from fewer than all of its units (the note says how many first)
    outlook: str | None = None  # where the course leads at the recent pace (a running target's region)

    @property
    def change_colour(self) -> str:
        """The change's colour: by its direction toward the target, not by the status."""
        return CHANGE_COLOUR[self.direction]

    @property
    def status_class(self) -> str:
        return STATUS_CLASS[self.status]


CARD_BOX = "border:1px solid rgba(49,51,63,0.2);border-radius:0.5rem;padding:0.9rem 1rem;min-width:0"


def cards_html(cards: list[Card], area: str, lang: str = "zh") -> str:
    """The cards as one HTML block, four to a row as the page is wide (fewer on a narrow one): each its title (and
    the region its target is set for, when not the area itself), the figure, the change on last year coloured by its
    direction, the status in words on its colour, the target, the outlook, and why the colour folded under it (the
    browser opens it: nothing runs again). Every text is escaped."""
    return ('<div class="tracker-cards" style="display:grid;gap:1rem;'
            'grid-template-columns:repeat(auto-fill,minmax(12rem,1fr))">'
            + "".join(_card_html(c, area, lang) for c in cards) + "</div>")


def _card_html(c: Card, area: str, lang: str) -> str:
    title = c.title if c.region_code == area else f"{c.title}（{c.region_name}）"
    s = STATUSES[c.status]
    change = ""
    if c.change:
        change = (f'<div class="change" style="color:{c.change_colour};font-size:0.9rem">'
                  f'{ARROWS[c.arrow]} {escape(c.change)} <span style="color:{MUTED_INK}">'
                  f'{escape(tr("card.vs_last_year", lang))}</span></div>')
    target = escape(tr("card.target", lang, target=c.target)) + (f" · {escape(c.note)}" if c.note else "")
    outlook = (f'<div class="outlook" style="color:{MUTED_INK};font-size:0.875rem;margin-top:0.3rem">'
               f'{escape(c.outlook)}</div>') if c.outlook else ""
    why = "".join(f"<li>{escape(line)}</li>" for line in c.why)
    return (f'<section class="card" aria-label="{escape(title)}" data-target="{escape(c.target_id)}" '
            f'data-region="{escape(c.region_code)}" data-status="{c.status}" data-direction="{c.direction}" '
            f'style="{CARD_BOX}">'
            f'<div class="title" style="font-weight:600">{escape(title)}</div>'
            f'<div class="value" style="font-size:2.25rem;line-height:1.3">{escape(c.value)}</div>{change}'
            f'<div class="verdict" style="margin-top:0.3rem"><span class="status" style="background:{s.colour};'
            f'color:{s.ink};border-radius:0.25rem;padding:0 0.4rem;margin-right:0.4rem">{escape(c.status_text)}</span>'
            f'{target}</div>{outlook}'
            f'<details style="margin-top:0.5rem"><summary style="cursor:pointer;color:{MUTED_INK}">'
            f'{escape(tr("why.button", lang))}</summary><ul style="margin:0.3rem 0 0;padding-left:1.2rem">{why}</ul>'
            "</details></section>")


def card_regions(catalogue: Catalogue, area: str) -> dict[str, str]:
    """{target id: the region its card shows} for the targets that concern `area`: the area itself when it
    lies inside the target's jurisdiction, else the jurisdiction when that lies inside the area."""
    found = {}
    for target in catalogue.targets.values():
        home = target.population.region
        if area.startswith(home):
            found[target.id] = area
        elif home.startswith(area):
            found[target.id] = home
    return found


def cards(rows: pd.DataFrame, catalogue: Catalogue, area: str, year: int, lang: str = "zh",
          plan: str | None = None) -> list[Card]:
    """A card per target in its plan's period that has a result for its card region in `year`, worst first; with
    `plan`, a card per target of that plan with a result in `year`, its base year included (a plan whose first
    returns have not come).

    `rows` holds rows for `year` and `year - 1` of the card regions (tracker.queries.dashboard.assessment_rows).
    """
    wanted = card_regions(catalogue, area)
    by_key = {(r["target_id"], r["region_code"], r["year"]): clean(r) for r in rows.to_dict("records")}
    found = []
    for target_id, region in wanted.items():
        row = by_key.get((target_id, region, year))
        if row is None or (plan is None and not row["in_period"]) or (plan is not None
                                                                      and catalogue.targets[target_id].plan != plan):
            continue
        target = catalogue.targets[target_id]
        measure = catalogue.measures[target.measure]
        fig = figure(row, target, measure, lang)
        prev = by_key.get((target_id, region, year - 1))
        change, arrow = change_text(fig, figure(prev, target, measure, lang) if prev else None, lang)
        gap = gap_text(fig, lang)
        short = 0.0
        if gap is not None and fig.target:
            short = abs(fig.target - fig.value) / max(abs(fig.target), 1e-9)
        found.append(Card(
            target_id, target.name(lang), region, row["region_name"], row["status"],
            number(fig.value, fig.unit, lang), target_text(fig, lang), fig.note, change, arrow,
            change_direction(fig, arrow), gap,
            target.deadline, target.headline, fig.kind, short, explain(row, target, measure, lang),
            status_text=status_label(row["status"], lang, row.get("met_late_year")),
            partial=_partial(row, target), outlook=projection_sentence(row, target, measure, lang, short=True)))
    found.sort(key=lambda c: (CLASS_ORDER.index(c.status_class), -c.shortfall, c.target_id))
    return found


def headline_cards(all_cards: list[Card], most: int = 8) -> list[Card]:
    """The cards the briefing leads with: the catalogue's headline targets, else the worst few."""
    marked = [c for c in all_cards if c.headline]
    return marked or all_cards[:most]


def summary_sentences(all_cards: list[Card], previous: dict[str, str], area_name: str, year: int,
                      lagging: int, k: int, lang: str = "zh") -> list[str]:
    """A few plain sentences from the numbers: how many targets are met, the worst headline figures,
    how many villages lag, and how statuses moved since last year (`previous`: target id → status)."""
    if not all_cards:
        return [tr("summary.none", lang, area=area_name, year=year)]
    counts = {cls: sum(c.status_class == cls for c in all_cards) for cls in CLASS_ORDER}
    parts = [tr(f"summary.class.{cls}", lang, n=counts[cls]) for cls in ("good", "watch", "bad", "unknown")
             if counts[cls]]
    sentences = [tr("summary.counts", lang, area=area_name, year=year, n=len(all_cards) - counts["other"],
                    parts=tr("summary.joiner", lang).join(parts))] if parts else []
    baseline = sum(c.status == "baseline" for c in all_cards)
    if baseline:  # a plan's base year: figures to start from, no verdict yet
        sentences.append(tr("summary.baseline", lang, area=area_name, year=year, n=baseline))
    monitored = sum(c.status == "monitored" for c in all_cards)
    if monitored:  # shown as trends, never counted as assessed
        sentences.append(tr("final.summary.monitored", lang, n=monitored))
    behind = [c for c in headline_cards(all_cards) if c.status_class in ("bad", "watch") and c.gap][:3]
    for c in behind:
        value = tr("summary.share_met", lang, value=c.value, note=c.note.split("；")[0].split(";")[0]) \
            if c.kind == "share_met" else c.value
        sentences.append(tr("summary.behind", lang, title=c.title, value=value, target=c.target, gap=c.gap,
                            deadline=c.deadline))
    sentences.append(tr("summary.lagging", lang, n=lagging, k=k) if lagging else
                     tr("summary.no_lagging", lang, k=k))
    rank = {"bad": 0, "watch": 1, "good": 2}
    better = worse = 0
    for c in all_cards:
        before = STATUS_CLASS.get(previous.get(c.target_id, ""), "unknown")
        if before in rank and c.status_class in rank:
            better += rank[c.status_class] > rank[before]
            worse += rank[c.status_class] < rank[before]
    if better or worse:
        sentences.append(tr("summary.moves", lang, year=year - 1, better=tr("summary.moves.better", lang, n=better),
                            worse=tr("summary.moves.worse", lang, n=worse)))
    return sentences


def previous_statuses(rows: pd.DataFrame, all_cards: list[Card], year: int) -> dict[str, str]:
    """{target id: last year's status} for the cards' regions."""
    before = rows[rows["year"] == year - 1].set_index(["target_id", "region_code"])["status"]
    return {c.target_id: before[(c.target_id, c.region_code)] for c in all_cards
            if (c.target_id, c.region_code) in before.index}


def changes(rows: pd.DataFrame, catalogue: Catalogue, all_cards: list[Card], year: int, lang: str = "zh",
            moved_only: bool = False) -> pd.DataFrame:
    """What changed since the previous year: status and figure of each card's target, those whose verdict moved (met,
    behind, missed: another class of status) first; only those when `moved_only`."""
    by_key = {(r["target_id"], r["year"]): clean(r) for r in rows.to_dict("records")
              if (r["target_id"], r["region_code"]) in {(c.target_id, c.region_code) for c in all_cards}}
    records = []
    for c in all_cards:
        prev = by_key.get((c.target_id, year - 1))
        if prev is None:
            continue
        target = catalogue.targets[c.target_id]
        fig = figure(prev, target, catalogue.measures[target.measure], lang)
        moved = STATUS_CLASS[prev["status"]] != c.status_class
        if moved_only and not moved:
            continue
        records.append({
            "target": c.title, "region": c.region_name,
            "status_before": status_label(prev["status"], lang, prev.get("met_late_year")), "status_now": c.status_text,
            "value_before": number(fig.value, fig.unit, lang), "value_now": c.value, "change": c.change or "",
            "_order": (not moved, CLASS_ORDER.index(c.status_class)),
        })
    frame = pd.DataFrame(records, columns=["target", "region", "status_before", "status_now", "value_before",
                                           "value_now", "change", "_order"])
    frame = frame.sort_values("_order", kind="stable").drop(columns="_order")
    return frame.rename(columns={col: tr(f"changes.col.{col}", lang) for col in frame.columns})


CELL_COLUMNS = ["region_code", "region", "year", "target_id", "target", "status", "status_label", "value", "text",
                "target_text", "target_value", "unit", "op", "kind", "note", "hover", "why"]


def cell_frame(rows: pd.DataFrame, catalogue: Catalogue, lang: str = "zh", in_period: bool = True) -> pd.DataFrame:
    """Rows as matrix cells: region, target title, status, short value text and hover lines (only the years
    of the target's plan after its base year unless `in_period` is False)."""
    records = []
    for r in rows.to_dict("records"):
        r = clean(r)
        target = catalogue.targets.get(r["target_id"])
        if target is None or (in_period and not r["in_period"]):
            continue
        fig = figure(r, target, catalogue.measures[target.measure], lang)
        title = target.name(lang)
        value = number(fig.value, fig.unit, lang)
        hover = [f"{r['region_name']} · {title}",  # plain text, a line each: the browser writes it as text
                 f"{value} ({tr('figure.target', lang)} {target_text(fig, lang)})"]
        if fig.note:
            hover.append(fig.note)
        why = explain(r, target, catalogue.measures[target.measure], lang)
        hover += why
        records.append({"region_code": r["region_code"], "region": r["region_name"], "year": r["year"],
                        "target_id": target.id,
                        "target": title, "status": r["status"],
                        "status_label": status_label(r["status"], lang, r.get("met_late_year")),
                        "value": fig.value, "text": value, "target_text": target_text(fig, lang),
                        "target_value": fig.target, "unit": fig.unit, "op": fig.op, "kind": fig.kind, "note": fig.note,
                        "hover": "\n".join(hover), "why": why})
    return pd.DataFrame(records, columns=CELL_COLUMNS)


def card_table(all_cards: list[Card], lang: str = "zh") -> pd.DataFrame:
    """Every card as a table row (the briefing's table of targets, and its Excel sheet)."""
    frame = pd.DataFrame([{
        "target": c.title, "region": c.region_name, "status": c.status_text, "value": c.value,
        "target_value": c.target, "gap": c.gap or "", "change": c.change or "", "note": c.note,
        "deadline": c.deadline, "target_id": c.target_id} for c in all_cards],
        columns=["target", "region", "status", "value", "target_value", "gap", "change", "note", "deadline",
                 "target_id"])
    return frame.rename(columns={col: tr(f"table.col.{col}", lang) for col in frame.columns})


def matrix_table(cells: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """A matrix as a table: a row per region, a column per target, each cell 'value（status）'."""
    shown = cells.assign(cell=cells["text"] + "（" + cells["status_label"] + "）")
    table = shown.pivot_table(index=["region_code", "region"], columns="target", values="cell", aggfunc="first")
    table = table.reset_index().rename(columns={"region_code": tr("table.col.code", lang),
                                                "region": tr("table.col.region", lang)})
    table.columns.name = None
    return table


def peer_means(cells: pd.DataFrame, members: frozenset[str], in_label: str, out_label: str) -> pd.DataFrame:
    """The mean figure each year of the regions in a group and of the rest (region, year, value, status, hover).

    `cells` is a cell_frame over several years; the status column is empty (a mean has none).
    """
    valued = cells.dropna(subset=["value"])
    if valued.empty:
        return pd.DataFrame(columns=["region", "year", "value", "status", "hover"])
    labelled = valued.assign(region=valued["region_code"].isin(members).map({True: in_label, False: out_label}))
    means = labelled.groupby(["region", "year"], sort=False).agg(value=("value", "mean"), n=("value", "size"),
                                                                 unit=("unit", "first")).reset_index()
    means["status"] = None
    means["hover"] = [f"{r.region} {r.year}: {number(r.value, r.unit)} (n = {r.n})" for r in means.itertuples()]
    return means[["region", "year", "value", "status", "hover"]]


@dataclass
class Trend:
    """What a trend chart draws for one target: lines, target, benchmark, required path, unit."""

    lines: pd.DataFrame  # region, year, value, status, hover
    unit: str
    target: float | None
    benchmark: pd.DataFrame  # year, value
    required: pd.DataFrame  # year, value
    projection: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROJECTION_COLUMNS))


PROJECTION_COLUMNS = ["year", "value", "low", "high"]


def projection(rows: pd.DataFrame, home: str, deadline: int) -> pd.DataFrame:
    """The fan of the home region's latest projection: from its latest figure (a point) to the value expected at
    the deadline with its 80% interval (year, value, low, high; empty when it has none)."""
    mine = rows[(rows["region_code"] == home) & rows["projected_value"].notna()]
    if mine.empty:
        return pd.DataFrame(columns=PROJECTION_COLUMNS)
    last = clean(mine.sort_values("year").iloc[-1].to_dict())
    return pd.DataFrame([
        {"year": last["year"], "value": last["value"], "low": last["value"], "high": last["value"]},
        {"year": deadline, "value": last["projected_value"], "low": last["projected_low"],
         "high": last["projected_high"]}], columns=PROJECTION_COLUMNS)


def trend(rows: pd.DataFrame, catalogue: Catalogue, target_id: str, home: str, lang: str = "zh",
          as_of: int | None = None) -> Trend:
    """A target's lines for the regions in `rows` (every year). Relative rules are drawn as growth (a
    region's mean growth) against the benchmark; the others as their figure against the target, with the
    path required from the home region's base-year figure to the target by the deadline, and the fan of its
    projection as of `as_of` (default: its latest)."""
    target = catalogue.targets[target_id]
    cells = cell_frame(rows, catalogue, lang, in_period=False)
    empty = pd.DataFrame(columns=["year", "value"])
    if target.rule.kind == "relative_growth":
        growth = [clean(r) for r in rows.to_dict("records")]
        cells["value"] = [r["value"] if r["is_unit"] else r["aggregate_value"] for r in growth]
        benchmarked = rows.dropna(subset=["benchmark"])
        # the home region's benchmark; a city's villages are compared within their counties, so it has none:
        # then the first region drawn that has one
        source = home if home in set(benchmarked["region_code"]) else next(iter(benchmarked["region_code"]), None)
        bench = benchmarked.loc[benchmarked["region_code"] == source, ["year", "benchmark"]].rename(
            columns={"benchmark": "value"})
        return Trend(cells[["region", "year", "value", "status", "hover"]], "%", None, bench, empty)
    home_cells = cells[cells["region_code"] == home].dropna(subset=["value"]).sort_values("year")
    home_cells = home_cells[home_cells["year"] >= target.base_year]
    unit = cells["unit"].iloc[0] if not cells.empty else ""
    fig_target = cells["target_value"].dropna().iloc[0] if cells["target_value"].notna().any() else None
    required = empty
    if not home_cells.empty:
        first = home_cells.iloc[0]
        required = required_path(first["year"], first["value"], fig_target, target.deadline, first["op"])
    return Trend(cells[["region", "year", "value", "status", "hover"]], unit, fig_target, empty, required,
                 projection(rows if as_of is None else rows[rows["year"] <= as_of], home, target.deadline))


def abbreviate(names: list[str], lang: str, most: int = 3, joiner: str = "；") -> str:
    """'甲；乙；丙 等 7 项' — the first few of a long list, and how many there are."""
    shown = joiner.join(names[:most])
    return shown + (tr("briefing.and_more", lang, n=len(names)) if len(names) > most else "")
