"""NBS code rules, table-driven."""

import pytest

from tracker.core import codes


@pytest.mark.parametrize(
    "code, level, parent",
    [
        ("36", "province", None),
        ("3611", "city", "36"),
        ("361127", "county", "3611"),
        ("361127100", "township", "361127"),
        ("361127100201", "village", "361127100"),
    ],
)
def test_level_and_parent(code, level, parent):
    assert codes.level_of(code) == level
    assert codes.parent_of(code) == parent


@pytest.mark.parametrize("bad", ["", "3", "36112", "3611271000", "36x127", "3611271002011"])
def test_not_a_code(bad):
    with pytest.raises(ValueError, match="not an NBS division code"):
        codes.level_of(bad)


@pytest.mark.parametrize(
    "code, kind",
    [
        ("320102001001", "residents_committee"),
        ("320102001199", "residents_committee"),
        ("320721100200", "village_committee"),
        ("320721100399", "village_committee"),
        ("320721100400", "other"),
        ("320721100498", "other"),
    ],
)
def test_village_kind_from_last_three_digits(code, kind):
    assert codes.village_kind(code) == kind


@pytest.mark.parametrize(
    "code, kind",
    [("320102001", "subdistrict"), ("320721100", "town"), ("361127200", "township"), ("360983400", "other")],
)
def test_township_kind(code, kind):
    assert codes.township_kind(code) == kind


@pytest.mark.parametrize(
    "code, name, kind",
    [
        ("320102", "玄武区", "district"),
        ("320721", "东海县", "county"),
        ("320281", "江阴市", "county_city"),  # 81-99 are county-level cities, not zones
        ("320771", "连云港经济技术开发区", "development_zone"),
        ("321171", "镇江新区", "development_zone"),
    ],
)
def test_county_kind(code, name, kind):
    assert codes.county_kind(code, name) == kind


def test_ancestor_of():
    assert codes.ancestor_of("361127100201", "city") == "3611"
    assert codes.ancestor_of("3611", "county") is None
