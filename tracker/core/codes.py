"""NBS statistical division codes (统计用区划代码): levels, parents and the kind rules.

A code is 2 digits for a province, 4 for a city, 6 for a county, 9 for a township and 12 for
a village-level unit. The kind of a unit is read from its own code, following the NBS
coding rules (《统计用区划代码和城乡划分代码编制规则》):
- village level, last three digits: 001-199 居民委员会, 200-399 村民委员会, 400+ other units
  (虚拟社区, 农场生活区 ...). Targets about 行政村 count only 村民委员会.
- township level, last three digits: 001-099 街道, 100-199 镇, 200-399 乡, 400+ other units.
- county level, last two digits: 01-20 市辖区, 21-70 县, 71-80 development zones and similar
  units (经济技术开发区, 新区) that NBS lists beside the counties, 81-99 县级市.
"""

from __future__ import annotations

LEVELS: tuple[str, ...] = ("province", "city", "county", "township", "village")
CODE_LENGTH: dict[str, int] = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12}
LEVEL_OF_LENGTH: dict[int, str] = {n: level for level, n in CODE_LENGTH.items()}

NATION = ""  # the whole country as an area: the empty prefix, which every code starts with
NATION_WORD = "all"  # how a URL (?province=all) or the command line (--region all) names the whole country
AREA_LEVELS: tuple[str, ...] = ("nation", "province", "city", "county")  # what a page, a briefing or a scope covers

VILLAGE_COMMITTEE = "village_committee"  # 村民委员会
RESIDENTS_COMMITTEE = "residents_committee"  # 居民委员会
OTHER_UNIT = "other"


def level_of(code: str) -> str:
    """The level of a code from its length; ValueError for anything that is not a code."""
    if not code.isdigit() or len(code) not in LEVEL_OF_LENGTH:
        raise ValueError(f"not an NBS division code: {code!r}")
    return LEVEL_OF_LENGTH[len(code)]


def area_level(code: str) -> str:
    """The level of an area: 'nation' for the whole country (NATION), else level_of(code)."""
    return "nation" if code == NATION else level_of(code)


def below(area: str) -> str:
    """The level one below an area (the whole country → province, province → city, … township → village)."""
    order = ("nation", *LEVELS)
    return order[order.index(area_level(area)) + 1]


def parent_of(code: str) -> str | None:
    """The code of the unit one level up, or None for a province."""
    level = level_of(code)
    index = LEVELS.index(level)
    return None if index == 0 else code[: CODE_LENGTH[LEVELS[index - 1]]]


def ancestor_of(code: str, level: str) -> str | None:
    """The code of the unit at `level` that contains `code` (itself at its own level)."""
    n = CODE_LENGTH[level]
    return code[:n] if len(code) >= n else None


def village_kind(code: str) -> str:
    """村委会 / 居委会 / other, from the last three digits of a 12-digit code."""
    serial = int(code[-3:])
    if 1 <= serial <= 199:
        return RESIDENTS_COMMITTEE
    if 200 <= serial <= 399:
        return VILLAGE_COMMITTEE
    return OTHER_UNIT


def township_kind(code: str) -> str:
    """街道 / 镇 / 乡 / other, from the last three digits of a 9-digit code."""
    serial = int(code[-3:])
    if serial < 100:
        return "subdistrict"
    if serial < 200:
        return "town"
    if serial < 400:
        return "township"
    return OTHER_UNIT


def county_kind(code: str, name: str) -> str:
    """区 / 县 / 县级市 / development zone, from the code and the name's last character."""
    if 71 <= int(code[-2:]) <= 80:
        return "development_zone"
    if name.endswith("县"):
        return "county"
    if name.endswith("市"):
        return "county_city"
    return "district"


def kind_of(code: str, name: str) -> str | None:
    """The kind of any unit; None for provinces and cities, which have one kind each."""
    level = level_of(code)
    if level == "village":
        return village_kind(code)
    if level == "township":
        return township_kind(code)
    if level == "county":
        return county_kind(code, name)
    return None
