"""The catalogue (indicators.yaml): documents, measures, groups and targets, parsed and checked once.

`load_catalogue(path)` returns typed objects or raises CatalogueError listing every problem,
each with its YAML path (e.g. `targets[3] sr_tap_water_90 .rule.value`). A province whose policies are
not among the main file's documents adds its own file beside it, `indicators-<name>.yaml`, with
`province: "33"` and the same sections (each optional): it is read together with the main file and
checked the same way, every region it names must lie in its province, and each entry remembers the
file it came from (`Catalogue.origin`). The shape is checked by
pydantic models that forbid unknown keys; the cross-references (measures, groups, documents,
plans, themes, regions) and each quote against its policy text are checked after that.

Rule kinds and what they mean (the assessment implements exactly these):
- threshold: each unit's value satisfies `op value` (no value: no_data, never met).
- milestone: each unit's yes/no measure is 1 by the deadline year.
- share: the share of units, in percent, whose value satisfies `condition`, satisfies `op value`;
  a region is assessed on the units in scope inside it.
- relative_growth: each unit's growth (v_t / v_(t-1) − 1, annual; or v_t / v_base − 1,
  cumulative) is strictly above the benchmark: the growth of the mean over the benchmark
  population's units that report both years (Σv_t / Σv_(t-1) − 1), computed within the unit's
  ancestor at `benchmark.within`; or a recorded figure's growth; or a constant (0 = "逐步提高").
- total: the sum of the measure over the population's units (and over the years from
  `years_from` to the year, when given) satisfies `op value`, per region assessed.
- monitor: monitoring only (no threshold in the policy): values and trends, no verdict.

A region meets a per-unit rule (threshold, milestone, relative_growth) by its `region_reading`
(Reading): the aggregate of its units, every unit, or a share of units; the share of units
meeting it is always shown beside. Village verdicts stay per village.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, ClassVar, Literal, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tracker.core import codes, settings
from tracker.core.i18n import pick

ID = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
DOC_ID = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]
CODE = Annotated[str, Field(pattern=r"^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$")]
Level = Literal["province", "city", "county", "township", "village"]
Op = Literal[">=", ">", "<=", "<", "=="]

OPS = {">=": lambda a, b: a >= b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
       "<": lambda a, b: a < b, "==": lambda a, b: a == b}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Named(Strict):
    """An entry named in both languages in the catalogue (its names are data, not messages)."""

    zh: str
    en: str

    def name(self, lang: str) -> str:
        """The entry's name in `lang`."""
        return pick(self.zh, self.en, lang)


class Plan(Named):
    id: ID
    start_year: int
    end_year: int
    base_year: int


class Theme(Named):
    id: ID


class Document(Named):
    id: DOC_ID
    file: str | None = None  # its text in the policies folder; None: a document recorded by its number only (a
    #                          target adopted on 目标测算), whose quotes cannot be checked
    issuer: str
    number: str  # 文号, as issued (无文号 where it has none)
    number_en: str = ""  # the number in English where it is words (no number), else the number itself
    date: Annotated[str, Field(pattern=r"^\d{4}(-\d{2}-\d{2})?$")]  # a year where the document gives no day
    scope: str

    def number_in(self, lang: str) -> str:
        """The document's number as a reader of `lang` reads it."""
        return pick(self.number, self.number_en or self.number, lang)


class Measure(Named):
    id: ID
    unit: str
    unit_en: str
    unit_en_one: str | None = None  # the English unit for one, where it differs (industry / industries)
    levels: list[Level] = Field(min_length=1)
    type: Literal["number", "rate", "bool", "count", "money"]
    min: float | None = None
    max: float | None = None
    description: str = ""

    @model_validator(mode="after")
    def _range(self) -> Measure:
        if self.type == "bool" and (self.min, self.max) not in ((None, None), (0, 1)):
            raise ValueError("a bool measure takes 0 or 1: leave min and max out")
        if self.type == "rate" and (self.min is None or self.max is None):
            raise ValueError("a rate needs min and max (usually 0 and 100)")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        return self

    def unit_in(self, lang: str) -> str:
        """The measure's unit in `lang`, as a heading names it."""
        return pick(self.unit, self.unit_en, lang)

    def value_unit(self, lang: str) -> str:
        """The unit a value is written with: 'industry|industries' where English says one otherwise
        (tracker.present.scorecard.number picks the form by the value)."""
        unit = self.unit_in(lang)
        return f"{self.unit_en_one}|{unit}" if self.unit_en_one and unit == self.unit_en else unit

    @property
    def valid_range(self) -> tuple[float | None, float | None]:
        """(min, max) of a valid value; bool measures are 0 or 1."""
        return (0, 1) if self.type == "bool" else (self.min, self.max)


class Source(Strict):
    document: DOC_ID
    clause: str = Field(min_length=1)
    quote: str = Field(min_length=4)


class Drafted(Strict):
    """Who drafted a target on 目标测算, when (Beijing time, ISO 8601) and why."""

    by: str = Field(min_length=1)
    at: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
    why: str = Field(min_length=2)


class Adopted(Strict):
    """Who recorded a draft's adoption (印发), and when; the document is the target's source."""

    by: str = Field(min_length=1)
    at: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


class Reference(Strict):
    """A published figure beside a proposal (目标测算): the nation's (region None) or a province's actual value or
    aim for a measure in a year, with where it comes from. Never a target of any area."""

    id: ID
    measure: ID
    region: Annotated[str, Field(pattern=r"^\d{2}$")] | None = None
    year: int
    value: float
    kind: Literal["actual", "aim"]
    source: str = Field(min_length=2)
    source_en: str = Field(min_length=2)

    def source_in(self, lang: str) -> str:
        """Where the figure comes from, in `lang`."""
        return pick(self.source, self.source_en, lang)


class Group(Named):
    id: ID
    level: Level
    region: CODE
    members: list[CODE] | None = None  # listed here; otherwise loaded as a group list
    expected_size: int | None = None
    parent: ID | None = None  # a sub-group: every member is also a member of the parent
    note: str = ""
    source: Source | None = None


class Population(Strict):
    region: CODE  # the jurisdiction: units are inside it
    level: Level  # the level of the units assessed
    group: ID | None = None  # only units in this group (or, for a group of a higher level, inside its members)
    kind: Literal["village_committee"] | None = None  # targets about 行政村 count only 村委会


class Comparison(Strict):
    op: Op
    value: float


class Threshold(Strict):
    kind: Literal["threshold"]
    op: Op
    value: float


class Milestone(Strict):
    kind: Literal["milestone"]


class Share(Strict):
    kind: Literal["share"]
    condition: Comparison
    op: Op
    value: float = Field(ge=0, le=100)


class Benchmark(Strict):
    kind: Literal["population_mean", "recorded", "constant"]
    population: Population | None = None  # population_mean: whose mean
    within: Level | None = None  # population_mean: computed separately inside each unit's ancestor at this level
    region: CODE | None = None  # recorded: whose recorded figure
    measure: ID | None = None  # recorded: which measure (default: the target's)
    value: float | None = None  # constant: the growth to beat, in percent

    @model_validator(mode="after")
    def _parts(self) -> Benchmark:
        need = {"population_mean": ("population",), "recorded": ("region",), "constant": ("value",)}[self.kind]
        missing = [name for name in need if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a {self.kind} benchmark needs {', '.join(missing)}")
        return self


class RelativeGrowth(Strict):
    kind: Literal["relative_growth"]
    benchmark: Benchmark
    period: Literal["annual", "cumulative"] = "annual"


class Total(Strict):
    kind: Literal["total"]
    op: Op
    value: float
    years_from: int | None = None  # sum over the years from this one to the assessed year


class Monitor(Strict):
    kind: Literal["monitor"]  # monitoring only: shown as a trend, no verdict (no threshold in the policy)


Rule = Annotated[Union[Threshold, Milestone, Share, RelativeGrowth, Total, Monitor], Field(discriminator="kind")]

# The rules judged on each unit, whose region verdict needs a reading (share and total are regions' rules).
PER_UNIT_RULES = ("threshold", "milestone", "relative_growth")


class Reading(Strict):
    """How a region meets a per-unit target, and the policy wording that says so.

    aggregate: the population as a whole — a rate's (household-weighted) mean against the threshold,
    a growth comparison's growth of the sum over the units reporting both years against the
    benchmark recomputed over the same region; every_unit: each unit meets it; share_of_units:
    at least `share` percent of the units in scope meet it.
    """

    kind: Literal["aggregate", "every_unit", "share_of_units"]
    share: float | None = Field(default=None, gt=0, le=100)
    reason: str = Field(min_length=2)  # the policy's wording that says so, and why
    reason_en: str = Field(min_length=2)

    def why(self, lang: str) -> str:
        """The reason in `lang` ('' for a default reading)."""
        return pick(self.reason, self.reason_en, lang)

    @model_validator(mode="after")
    def _share(self) -> Reading:
        if (self.kind == "share_of_units") != (self.share is not None):
            raise ValueError("share is given with share_of_units, and only with it")
        return self

    @property
    def threshold(self) -> float | None:
        """The share of units (percent) a region needs; None for the aggregate reading."""
        return 100.0 if self.kind == "every_unit" else self.share


class Target(Named):
    id: ID
    plan: ID
    theme: ID
    measure: ID
    rule: Rule
    population: Population
    region_reading: Reading | None = None  # per-unit rules: how a region meets it; default by the rule (reading())
    base_year: int
    deadline: int
    every_year: bool = False  # the rule applies each year from base_year + 1, not only by the deadline
    assess_at: list[Level] = Field(default_factory=list)  # roll-up levels shown (besides the units)
    interpretation: str = ""  # the number chosen for 基本普及 / 全覆盖 and the like, and why
    interpretation_en: str = ""
    example: bool = False  # an example of a later plan's target, not from a document
    headline: bool = False  # one of the few a leadership briefing shows as a card
    source: Source | None = None
    drafted: Drafted | None = None  # drafted on 目标测算 (tracker.core.drafts); a draft until adopted
    adopted: Adopted | None = None  # the draft's adoption recorded; its document is the source

    @model_validator(mode="after")
    def _years(self) -> Target:
        if self.deadline <= self.base_year:
            raise ValueError(f"deadline {self.deadline} is not after base year {self.base_year}")
        if self.source is None and not self.example and not self.is_draft:
            raise ValueError("a target needs a source (document, clause, quote) unless it is an example or a draft")
        if self.adopted is not None and self.drafted is None:
            raise ValueError("adopted records a draft's adoption: this target was not drafted")
        if bool(self.interpretation) != bool(self.interpretation_en):
            raise ValueError("an interpretation is given in both languages (interpretation, interpretation_en)")
        if self.region_reading is not None and self.rule.kind not in PER_UNIT_RULES:
            raise ValueError(f"region_reading applies to rules judged per unit ({', '.join(PER_UNIT_RULES)}); "
                             f"a {self.rule.kind} rule is read for the region already")
        return self

    def interpretation_in(self, lang: str) -> str:
        """The interpretation in `lang`."""
        return pick(self.interpretation, self.interpretation_en, lang)

    @property
    def is_draft(self) -> bool:
        """Drafted and not adopted: shown on 目标测算 only, never assessed."""
        return self.drafted is not None and self.adopted is None

    @property
    def monitored(self) -> bool:
        """A monitoring-only target: trends, no verdict."""
        return self.rule.kind == "monitor"


def reading_of(target: Target, measure: Measure) -> Reading | None:
    """How a region meets `target`: as declared, else the default — the aggregate for rates and relative
    growth, every unit for yes/no milestones, counts, amounts and numbers (a default has no reason).
    None for rules already read for the region (share, total) and for monitoring."""
    if target.rule.kind not in PER_UNIT_RULES:
        return None
    if target.region_reading is not None:
        return target.region_reading
    aggregate = target.rule.kind == "relative_growth" or measure.type == "rate"
    return Reading.model_construct(kind="aggregate" if aggregate else "every_unit", share=None, reason="",
                                   reason_en="")


Severity = Literal["error", "verify", "note"]  # 错误: rejected / 核实: loaded, counts once accepted / 提示: shown


class AuditRuleBase(Strict):
    """A plausibility rule (数据审核) run over the returns at publish and on demand (tracker/core/audit.py compiles
    each kind to its own SQL). What every kind has: its id, the measures it reads, its severity, the clerk's message
    (`zh` / `en`, with {value}, {before}, {compare} filled in), its short name (`title` / `title_en`: a column
    header, an entry in a list) and why it has its severity (`note`, shown on the 数据审核 page). The kinds below
    each add their parameters."""

    id: ID
    measures: list[ID] = Field(min_length=1)
    severity: Severity
    zh: str = Field(min_length=4)
    en: str = Field(min_length=4)
    title_zh: str = Field("", alias="title", max_length=16)
    title_en: str = Field("", max_length=40)
    note: str = ""
    note_en: str = ""
    # fields that only name the rule: an edit of them neither redoes its findings nor the assessment
    NAMES: ClassVar[set[str]] = {"title_zh", "title_en"}

    def message(self, lang: str) -> str:
        return pick(self.zh, self.en, lang)

    def title(self, lang: str) -> str:
        """The rule's short name as the pages give it ("比率填成小数"): its `title`, else its message's words before the
        first bracket or colon, a placeholder as "…" (at most 24 characters, whole words in English)."""
        given = pick(self.title_zh, self.title_en, lang)
        if given:
            return given
        words = re.split(r"[（(：:]", re.sub(r"\{\w+\}", "…", self.message(lang)))[0].strip()
        return words if len(words) <= 24 or " " not in words[:24] else words[:24].rsplit(" ", 1)[0]

    def why(self, lang: str) -> str:
        """Why the rule has its severity, in `lang`."""
        return pick(self.note, self.note_en, lang)

    def measures_read(self) -> list[str]:
        """Every measure the rule reads: its own and those it compares them with."""
        return list(self.measures)


class YoyChangeRule(AuditRuleBase):
    """The change on last year beyond `points` (rates) or by a factor of `ratio` or more either way (money,
    counts: ×10 and ÷10, 元 for 万元), when last year's value is at least `min_base`."""

    kind: Literal["yoy_change"]
    points: float | None = Field(default=None, gt=0)
    ratio: float | None = Field(default=None, gt=1)
    min_base: float = 0

    @model_validator(mode="after")
    def _one_measure_of_change(self) -> YoyChangeRule:
        if (self.points is None) == (self.ratio is None):
            raise ValueError("a yoy_change rule needs points or ratio (one of them)")
        return self


class FractionRule(AuditRuleBase):
    """A rate of at most 1 where the unit's earlier values were above `above` (0.93 for 93%)."""

    kind: Literal["fraction"]
    above: float


class PartAboveWholeRule(AuditRuleBase):
    """A value of `measures` above the same unit's `whole` that year."""

    kind: Literal["part_above_whole"]
    whole: ID

    def measures_read(self) -> list[str]:
        return [*self.measures, self.whole]


class ImpliesRule(AuditRuleBase):
    """A yes on `measures` with a no on any of `then` (样板村已建成 ⇒ 已启动)."""

    kind: Literal["implies"]
    then: list[ID] = Field(min_length=1)

    def measures_read(self) -> list[str]:
        return [*self.measures, *self.then]


class RevertedRule(AuditRuleBase):
    """A yes/no measure that went from yes to no."""

    kind: Literal["reverted"]


class CopiedRule(AuditRuleBase):
    """The same non-zero value `years` years running on a measure that normally moves."""

    kind: Literal["copied"]
    years: int = Field(ge=2)


class OutlierRule(AuditRuleBase):
    """A village's value `k` robust deviations (1.4826 × MAD) from the median of its township's (`within`)
    villages, with at least `min_peers` of them reporting."""

    kind: Literal["outlier"]
    k: float = Field(gt=0)
    min_peers: int = 5
    within: Literal["township", "county"] = "township"


class MissingRule(AuditRuleBase):
    """A unit that reported the measure last year and not this year."""

    kind: Literal["missing"]


class BunchingRule(AuditRuleBase):
    """In a county, at least `share` % of the target's villages (and `min_units` of them) exactly at its threshold;
    it reads the target's measure, so it names no measures of its own."""

    kind: Literal["bunching"]
    measures: list[ID] = Field(default_factory=list)
    target: ID
    share: float = Field(gt=0, le=100)
    min_units: int = 5


AuditRule = Annotated[Union[YoyChangeRule, FractionRule, PartAboveWholeRule, ImpliesRule, RevertedRule, CopiedRule,
                            OutlierRule, MissingRule, BunchingRule], Field(discriminator="kind")]


class CatalogueFile(Strict):
    version: Literal[1]
    plans: list[Plan]
    themes: list[Theme]
    documents: list[Document]
    measures: list[Measure]
    groups: list[Group]
    targets: list[Target]
    audit: list[AuditRule] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)


class ProvinceFile(Strict):
    """A province's own catalogue file beside the main one: the same sections, each optional."""

    version: Literal[1]
    province: Annotated[str, Field(pattern=r"^\d{2}$")]
    plans: list[Plan] = Field(default_factory=list)
    themes: list[Theme] = Field(default_factory=list)
    documents: list[Document] = Field(default_factory=list)
    measures: list[Measure] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    audit: list[AuditRule] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)


SECTIONS = ("plans", "themes", "documents", "measures", "groups", "targets", "audit", "references")


def catalogue_files(path: Path) -> list[Path]:
    """The main catalogue file and the province files beside it (`<stem>-*.yaml`), in name order."""
    return [path, *sorted(path.parent.glob(f"{path.stem}-*.yaml"))]


def catalogue_version(path: Path) -> str:
    """Which files, as of when: a key that changes when any of them is edited, added or removed."""
    return ";".join(f"{f}@{f.stat().st_mtime_ns}" for f in catalogue_files(path))


class CatalogueError(Exception):
    """The catalogue has problems; `problems` lists each as 'path: message'."""

    def __init__(self, path: Path, problems: list[str]):
        self.problems = problems
        listing = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{path}: {len(problems)} problem(s) in the catalogue:\n{listing}")


class Catalogue:
    """The validated catalogue, with lookups by id."""

    def __init__(self, data: CatalogueFile, path: Path, origin: dict[tuple[str, str], str] | None = None,
                 policy_dir: Path = settings.POLICY_DIR):
        self.path = path
        self.policy_dir = policy_dir  # where the documents' texts are
        self.files = catalogue_files(path)
        self._origin = origin or {}
        self.plans = {p.id: p for p in data.plans}
        self.themes = {t.id: t for t in data.themes}
        self.documents = {d.id: d for d in data.documents}
        self.measures = {m.id: m for m in data.measures}
        self.groups = {g.id: g for g in data.groups}
        self.targets = {t.id: t for t in data.targets if not t.is_draft}  # what is assessed and shown
        self.drafts = {t.id: t for t in data.targets if t.is_draft}  # on 目标测算 only
        self.audit = {r.id: r for r in data.audit}
        self.references = {r.id: r for r in data.references}
        assessed = {section: [e.model_dump(mode="json", exclude=getattr(e, "NAMES", None))
                              for e in getattr(data, section) if not (section == "targets" and e.is_draft)]
                    for section in SECTIONS}
        self._sha256 = hashlib.sha256(json.dumps(assessed, sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    def reading(self, target: Target) -> Reading | None:
        """How a region meets `target` (reading_of)."""
        return reading_of(target, self.measures[target.measure])

    def reporting_year(self, today_year: int) -> int | None:
        """The year being reported now: this calendar year once a plan covering it has begun, else None."""
        return today_year if any(p.start_year <= today_year <= p.end_year for p in self.plans.values()) else None

    def years(self) -> range:
        """Every year a plan of the catalogue concerns, from the first base year to the last end year."""
        plans = self.plans.values()
        return range(min(p.base_year for p in plans), max(p.end_year for p in plans) + 1)

    def provinces(self) -> list[str]:
        """The provinces the targets and groups name (a store for this catalogue holds at least these)."""
        return sorted({t.population.region[:2] for t in self.targets.values()}
                      | {g.region[:2] for g in self.groups.values()})

    def origin(self, section: str, item_id: str) -> str:
        """The name of the file an entry came from (the main file's, unless a province file holds it)."""
        return self._origin.get((section, item_id), self.path.name)

    @property
    def sha256(self) -> str:
        """The digest of what an assessment is computed from: every entry of every file, drafts left out (saving a
        draft needs no reassessment; adopting one does)."""
        return self._sha256


def _squash(text: str) -> str:
    """Text without white space: the policy files break lines inside sentences."""
    return re.sub(r"\s+", "", text)


def _item(section: str, index: int, item_id: object) -> str:
    """The YAML path of a list item, with its id: targets[3] (sr_tap_water_90)."""
    return f"{section}[{index}] ({item_id})" if item_id else f"{section}[{index}]"


def _path(data: dict, loc: tuple) -> str:
    """A pydantic error location as a YAML path: targets[3] (sr_tap_water_90).rule.op."""
    out, node = "", data
    for part in loc:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
            out = _item(out, part, node.get("id") if isinstance(node, dict) else None)
        elif part in {"threshold", "milestone", "share", "relative_growth", "total", "monitor"} and out.endswith("rule"):
            continue  # pydantic's tag of the rule kind is not a YAML key
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def _cross_check(cat: CatalogueFile, policy_dir: Path, regions: set[str] | None,
                 item: Callable[[str, int, object], str] = _item) -> list[str]:
    """Problems across entries; `item` names an entry's place (its file's, when several are merged).

    A region code is checked against `regions` when its province is among theirs: a store that holds
    other provinces simply has no units for another province's targets."""
    problems: list[str] = []
    provinces = {code[:2] for code in regions} if regions is not None else set()
    for section in SECTIONS:
        counts = Counter(entry.id for entry in getattr(cat, section))
        problems += [f"{section}: duplicate id '{i}'" for i, n in counts.items() if n > 1]

    plans = {p.id: p for p in cat.plans}
    docs = {d.id: d for d in cat.documents}
    measures = {m.id: m for m in cat.measures}
    groups = {g.id: g for g in cat.groups}
    themes = {t.id for t in cat.themes}
    texts: dict[str, str] = {}
    for i, d in enumerate(cat.documents):
        if d.file is None:
            continue
        f = policy_dir / d.file
        if f.exists():
            texts[d.id] = _squash(f.read_text(encoding="utf-8"))
        else:
            problems.append(f"{item('documents', i, d.id)}.file: {f} not found")

    def check_source(where: str, s: Source | None) -> None:
        if s is None:
            return
        if s.document not in docs:
            problems.append(f"{where}.source.document: unknown document '{s.document}'")
        elif s.document in texts and _squash(s.quote) not in texts[s.document]:
            problems.append(f"{where}.source.quote: not found in {docs[s.document].file}: '{s.quote[:40]}'")

    def check_region(where: str, code: str) -> None:
        if regions is not None and code[:2] in provinces and code not in regions:
            problems.append(f"{where}: region code {code} is not in the reference geography")

    def check_population(where: str, pop: Population) -> None:
        check_region(f"{where}.region", pop.region)
        if codes.LEVELS.index(pop.level) < codes.LEVELS.index(codes.level_of(pop.region)):
            problems.append(f"{where}.level: {pop.level} is above the region {pop.region}")
        if pop.group is not None:
            if pop.group not in groups:
                problems.append(f"{where}.group: unknown group '{pop.group}'")
            elif codes.LEVELS.index(groups[pop.group].level) > codes.LEVELS.index(pop.level):
                problems.append(f"{where}.group: group '{pop.group}' holds {groups[pop.group].level}s, "
                                f"below the population's level {pop.level}")
        if pop.kind is not None and pop.level != "village":
            problems.append(f"{where}.kind: only village-level populations have a kind")

    for i, g in enumerate(cat.groups):
        where = item("groups", i, g.id)
        check_region(f"{where}.region", g.region)
        check_source(where, g.source)
        if g.parent is not None and g.parent not in groups:
            problems.append(f"{where}.parent: unknown group '{g.parent}'")
        for code in g.members or []:
            if codes.level_of(code) != g.level or not code.startswith(g.region):
                problems.append(f"{where}.members: {code} is not a {g.level} of {g.region}")
            else:
                check_region(f"{where}.members", code)
        if g.members is not None and g.expected_size is not None and len(g.members) != g.expected_size:
            problems.append(f"{where}.members: {len(g.members)} listed, expected_size says {g.expected_size}")

    for i, r in enumerate(cat.audit):
        where = item("audit", i, r.id)
        for name in r.measures_read():
            if name not in measures:
                problems.append(f"{where}: unknown measure '{name}'")
        if r.kind == "bunching" and r.target not in {t.id for t in cat.targets}:
            problems.append(f"{where}.target: unknown target '{r.target}'")
        if r.kind in ("implies", "reverted") and any(m in measures and measures[m].type != "bool" for m in r.measures):
            problems.append(f"{where}.measures: a {r.kind} rule reads yes/no measures")

    for i, r in enumerate(cat.references):
        where = item("references", i, r.id)
        m = measures.get(r.measure)
        if m is None:
            problems.append(f"{where}.measure: unknown measure '{r.measure}'")
        elif ((m.valid_range[0] is not None and r.value < m.valid_range[0])
              or (m.valid_range[1] is not None and r.value > m.valid_range[1])):
            problems.append(f"{where}.value: {r.value:g} is outside {m.id}'s range")
        if r.region is not None:
            check_region(f"{where}.region", r.region)

    for i, t in enumerate(cat.targets):
        where = item("targets", i, t.id)
        if t.plan not in plans:
            problems.append(f"{where}.plan: unknown plan '{t.plan}'")
        elif not plans[t.plan].start_year <= t.deadline <= plans[t.plan].end_year:
            p = plans[t.plan]
            problems.append(f"{where}.deadline: {t.deadline} is outside plan {p.id} ({p.start_year}-{p.end_year})")
        if t.theme not in themes:
            problems.append(f"{where}.theme: unknown theme '{t.theme}'")
        check_source(where, t.source)
        check_population(f"{where}.population", t.population)
        m = measures.get(t.measure)
        if m is None:
            problems.append(f"{where}.measure: unknown measure '{t.measure}'")
            continue
        if t.population.level not in m.levels and t.rule.kind != "total":
            problems.append(f"{where}.measure: {m.id} is recorded for {'/'.join(m.levels)}, "
                            f"not for the population's level {t.population.level}")
        rule = t.rule
        if rule.kind == "milestone" and m.type != "bool":
            problems.append(f"{where}.rule: a milestone needs a yes/no measure; {m.id} is {m.type}")
        if t.region_reading is not None and t.region_reading.kind == "aggregate" and m.type == "bool":
            problems.append(f"{where}.region_reading.kind: a yes/no measure has no aggregate to read; "
                            "say every_unit or share_of_units")
        bound = rule.value if rule.kind == "threshold" else rule.condition.value if rule.kind == "share" else None
        low, high = m.valid_range
        if bound is not None and ((low is not None and bound < low) or (high is not None and bound > high)):
            problems.append(f"{where}.rule.value: {bound:g} is outside {m.id}'s range {low:g} to {high:g}")
        if rule.kind == "relative_growth":
            b = rule.benchmark
            if b.population is not None:
                check_population(f"{where}.rule.benchmark.population", b.population)
            if b.region is not None:
                check_region(f"{where}.rule.benchmark.region", b.region)
                bm = measures.get(b.measure or t.measure)
                if bm is None:
                    problems.append(f"{where}.rule.benchmark.measure: unknown measure '{b.measure}'")
                elif codes.level_of(b.region) not in bm.levels:
                    problems.append(f"{where}.rule.benchmark.region: {bm.id} is not recorded for "
                                    f"{codes.level_of(b.region)}s")
        for level in t.assess_at:
            if codes.LEVELS.index(level) >= codes.LEVELS.index(t.population.level):
                problems.append(f"{where}.assess_at: {level} is not above the units' level {t.population.level}")
    return problems


def _read_yaml(path: Path) -> dict:
    try:
        # libyaml's safe loader when PyYAML has it: the same types as safe_load (indicators.yaml: 0.37 s → 0.02 s)
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as e:
        raise CatalogueError(path, [f"not valid YAML: {e}"]) from None
    if not isinstance(raw, dict):
        raise CatalogueError(path, ["the file must be a mapping with plans, themes, documents, "
                                    "measures, groups and targets"])
    return raw


def _outside_province(data: ProvinceFile) -> list[str]:
    """Every region a province file names must lie in its province."""
    problems = []

    def inside(where: str, code: str | None) -> None:
        if code is not None and not code.startswith(data.province):
            problems.append(f"{where}: {code} is outside this file's province {data.province}")

    for i, g in enumerate(data.groups):
        inside(f"{_item('groups', i, g.id)}.region", g.region)
    for i, t in enumerate(data.targets):
        where = _item("targets", i, t.id)
        inside(f"{where}.population.region", t.population.region)
        if t.rule.kind == "relative_growth":
            b = t.rule.benchmark
            inside(f"{where}.rule.benchmark.region", b.region)
            inside(f"{where}.rule.benchmark.population.region", b.population.region if b.population else None)
    return problems


def load_catalogue(path: Path | None = None, policy_dir: Path | None = None,
                   regions: set[str] | None = None, replaced: dict[Path, dict] | None = None) -> Catalogue:
    """Parse and check the catalogue and the province files beside it; CatalogueError lists every problem found,
    a province file's prefixed with its name.

    `regions`, when given, is the set of known region codes that every code (of their provinces) must be in.
    `replaced` gives a province file's content instead of the file's own (a new one included): a change is checked
    whole before it is written (tracker.core.drafts).
    """
    replaced = replaced or {}
    path = Path(path) if path is not None else settings.current().catalogue
    policy_dir = policy_dir or settings.current().policies
    raw = _read_yaml(path)
    try:
        data = CatalogueFile.model_validate(raw)
    except ValidationError as e:
        problems = [f"{_path(raw, err['loc'])}: {err['msg'].removeprefix('Value error, ')}" for err in e.errors()]
        raise CatalogueError(path, problems) from None
    merged = {section: list(getattr(data, section)) for section in SECTIONS}
    places = {section: [(None, i) for i in range(len(merged[section]))] for section in SECTIONS}
    origin: dict[tuple[str, str], str] = {}
    problems = []
    for extra in sorted({*catalogue_files(path)[1:], *replaced}):
        raw_extra = replaced[extra] if extra in replaced else _read_yaml(extra)
        try:
            part = ProvinceFile.model_validate(raw_extra)
        except ValidationError as e:
            problems += [f"{extra.name}: {_path(raw_extra, err['loc'])}: {err['msg'].removeprefix('Value error, ')}"
                         for err in e.errors()]
            continue
        problems += [f"{extra.name}: {p}" for p in _outside_province(part)]
        for section in SECTIONS:
            for i, entry in enumerate(getattr(part, section)):
                merged[section].append(entry)
                places[section].append((extra.name, i))
                origin[(section, entry.id)] = extra.name

    def item(section: str, index: int, item_id: object) -> str:
        file, local = places[section][index] if index < len(places[section]) else (None, index)
        return f"{file}: {_item(section, local, item_id)}" if file else _item(section, local, item_id)

    combined = CatalogueFile.model_construct(version=1, **merged)
    problems += _cross_check(combined, policy_dir, regions, item)
    if problems:
        raise CatalogueError(path, problems)
    return Catalogue(combined, path, origin, policy_dir)


def clause_context(text: str, quote: str, margin: int = 160) -> tuple[str, str, str]:
    """(before, quote as written, after): the quote inside its paragraph of the policy text.

    The quote is matched with white space removed, as the catalogue check does; `before` and
    `after` run to the paragraph's edges, at most `margin` characters each way.
    """
    raw_positions = [i for i, ch in enumerate(text) if not ch.isspace()]
    squashed = "".join(text[i] for i in raw_positions)
    start = squashed.find(_squash(quote))
    if start < 0:
        return "", quote, ""
    a = raw_positions[start]
    b = raw_positions[start + len(_squash(quote)) - 1] + 1
    para_start = max(text.rfind("\n", 0, a) + 1, a - margin)
    para_end = text.find("\n", b)
    para_end = min(para_end if para_end >= 0 else len(text), b + margin)
    return text[para_start:a].lstrip(), text[a:b], text[b:para_end].rstrip()


def targets_by(catalogue: Catalogue, key: Literal["document", "theme"]) -> dict[str, list[Target]]:
    """Targets grouped by source document (examples last) or by theme, in the catalogue's order."""
    order = list(catalogue.themes) if key == "theme" else [*catalogue.documents, "example"]
    groups: dict[str, list[Target]] = {k: [] for k in order}
    for t in catalogue.targets.values():
        groups[t.theme if key == "theme" else (t.source.document if t.source else "example")].append(t)
    return {k: v for k, v in groups.items() if v}
