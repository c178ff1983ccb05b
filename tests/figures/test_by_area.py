"""The figure a map shades by area: classes from the data, each value in exactly one class, the
level chosen from where the figures are, figures of larger areas never shared out."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitrep.figures.by_area import class_of, classes, map_values, nice_ceiling
from sitrep.figures.compute import AreaDisplacement, Figures
from sitrep.figures.stocks import AreaStock, Assessment, IdpStock
from sitrep.geo.gazetteer import country_gazetteer

AFG = country_gazetteer("AFG")


@given(st.lists(st.integers(min_value=0, max_value=10_000_000), max_size=60))
def test_every_positive_figure_is_in_exactly_one_class(values: list[int]) -> None:
    cuts = classes(values)
    positive = [v for v in values if v > 0]
    if not positive:
        assert cuts == []
        return
    assert 1 <= len(cuts) <= 5
    assert cuts[0][0] == 1 and cuts[-1][1] == max(positive)
    assert all(a[1] + 1 == b[0] for a, b in itertools.pairwise(cuts))
    for value in values:
        holding = [i for i, (low, high) in enumerate(cuts, 1) if low <= value <= high]
        expected = "zero" if value == 0 else f"c{holding[0]}"
        assert len(holding) == (0 if value == 0 else 1)
        assert class_of(value, cuts) == expected


def test_bounds_are_round_and_a_bound_belongs_to_its_class() -> None:
    cuts = classes([120, 900, 1000, 2400, 2500, 7000, 38_000])
    assert all(high == nice_ceiling(high) for _, high in cuts[:-1])
    for i, (_, high) in enumerate(cuts, 1):
        assert class_of(high, cuts) == f"c{i}"
    assert class_of(None, cuts) == "nodata" and class_of(0, cuts) == "zero"
    assert [nice_ceiling(v) for v in (1, 7, 12, 21, 230, 2400, 2600)] == [
        1, 10, 20, 25, 250, 2500, 5000,
    ]  # fmt: skip


def figures(districts: dict[str, int]) -> Figures:
    fig = Figures(dt.date(2021, 8, 24), None, dt.date(2021, 8, 25), dt.date(2021, 8, 15), 7)
    by_province: dict[str, list[AreaDisplacement]] = {}
    for code, people in districts.items():
        province = AFG.admin1(code) or code
        area = AreaDisplacement(code, code, people, 0, None, False)
        by_province.setdefault(province, []).append(area)
    fig.provinces = [
        AreaDisplacement(p, p, sum(a.people for a in ds), 0, None, False, districts=tuple(ds))
        for p, ds in by_province.items()
    ]
    return fig


def level_of(code: str) -> int | None:
    return AFG.areas[code].level if code in AFG.areas else None


@pytest.mark.parametrize(
    ("districts", "level", "values", "coarser"),
    [
        (
            {"AF0907": 100, "AF0908": 0, "AF0801": 50},
            2,
            {"AF0907": 100, "AF0908": 0, "AF0801": 50},
            {},
        ),
        ({"AF0907": 100, "AF08": 40}, 1, {"AF09": 100, "AF08": 40}, {}),
    ],
)
def test_auto_level_is_admin_2_only_when_every_figure_is(districts, level, values, coarser):
    found = map_values(figures(districts), "displacement", None, level_of, AFG.ancestor)
    assert (found.level, found.values, found.coarser) == (level, values, coarser)


def test_a_figure_of_a_larger_area_is_not_shared_out_at_admin_2() -> None:
    found = map_values(
        figures({"AF0907": 100, "AF08": 40}), "displacement", 2, level_of, AFG.ancestor
    )
    assert found.values == {"AF0907": 100} and found.coarser == {"AF08": 40}
    assert map_values(figures({}), "idps", None, level_of, AFG.ancestor) is None


def test_an_area_assessed_without_a_figure_is_left_unshaded() -> None:
    """A round may list an area without a figure (its idps None): the map leaves it out, as an
    area without data, instead of adding None to a sum."""
    day = dt.date(2021, 8, 20)
    fig = figures({})
    fig.idps = IdpStock(
        operation="DTM",
        sources=(),
        assessment=Assessment("DTM", None, day),
        total=500,
        areas=(
            AreaStock("AF0901", "Kunduz", 500, day, None),
            AreaStock("AF0907", "Imam Sahib", None, day, None, at_least=False),
        ),
        rows=(2, 3),
    )
    found = map_values(fig, "idps", 2, level_of, AFG.ancestor)
    assert found is not None and found.values == {"AF0901": 500} and found.coarser == {}
