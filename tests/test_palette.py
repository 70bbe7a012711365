"""The colour palettes: valid, ordered, stable."""

from __future__ import annotations

import re

import pytest

from quartier_geo.base.columns import AgeClass, BuildingType
from quartier_geo.views import palette

HEX = re.compile(r"^#[0-9A-F]{6}$", re.IGNORECASE)


@pytest.mark.parametrize("k", [1, 3, 5, 7, 12])
@pytest.mark.parametrize("scheme", ["viridis", "cividis", "ylorrd", "ylgnbu"])
def test_sequential_lengths_and_hex(k: int, scheme: str) -> None:
    colors = palette.sequential(k, scheme=scheme)
    assert len(colors) == k and all(HEX.match(c) for c in colors)
    assert len(set(colors)) == k


def test_sequential_gets_darker() -> None:
    def lum(c: str) -> float:
        r, g, b = (int(c[i : i + 2], 16) for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    for scheme in ("ylorrd", "ylgnbu"):
        lums = [lum(c) for c in palette.sequential(6, scheme=scheme)]
        assert lums == sorted(lums, reverse=True)


def test_diverging_has_neutral_middle() -> None:
    assert palette.diverging(5, scheme="rdbu")[2] == "#F7F7F7"
    with pytest.raises(ValueError):
        palette.sequential(3, scheme="jet")  # type: ignore[arg-type]


def test_fixed_category_colours_cover_vocabularies() -> None:
    assert set(palette.BUILDING_TYPE_COLORS) == {t.value for t in BuildingType}
    assert list(palette.AGE_CLASS_COLORS) == [a.value for a in AgeClass]
    assert len(set(palette.BUILDING_TYPE_COLORS.values())) == len(palette.BUILDING_TYPE_COLORS)
    assert list(palette.PHASE_COLORS) == ["preparation", "concept", "agreement", "implementation"]
    assert sorted(palette.SUITABILITY_COLORS) == [0, 1, 2, 3]


def test_category_colors_stable_and_fixed_first() -> None:
    a = palette.category_colors(["x", "gas", "y"], fixed=palette.CARRIER_COLORS)
    b = palette.category_colors(["y", "x", "gas", "x"], fixed=palette.CARRIER_COLORS)
    assert a == b
    assert a["gas"] == palette.CARRIER_COLORS["gas"]
    assert a["x"] != a["y"] and palette.CARRIER_COLORS["gas"] not in (a["x"], a["y"])
    assert len(palette.categorical(20)) == 20
