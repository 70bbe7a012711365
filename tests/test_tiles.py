"""Small multiples of quarter outlines: common scale, one scale bar, escaped captions."""

from __future__ import annotations

import base64
import re

import pytest
from shapely.geometry import box

from quartier_geo.views.tiles import (
    DEFAULT_FILL,
    Tile,
    common_scale_m_per_px,
    legend_html,
    tiles_html,
)

_IMG = re.compile(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')


def svgs(html: str) -> list[str]:
    return [base64.b64decode(b).decode("utf-8") for b in _IMG.findall(html)]


def test_scale_follows_the_largest_extent():
    # extents 300 m (wide) and 200 m (tall); 300 * 1.05 / 150 px = 2.1 m/px
    geoms = [box(0, 0, 300, 100), box(1000, 1000, 1050, 1200)]
    assert common_scale_m_per_px(geoms, size_px=150) == pytest.approx(2.1)
    # without margin: 300 / 100 px = 3 m/px
    assert common_scale_m_per_px(geoms, size_px=100, margin=1.0) == pytest.approx(3.0)


def test_scale_refuses_nonsense():
    with pytest.raises(ValueError):
        common_scale_m_per_px([], size_px=150)
    with pytest.raises(ValueError):
        common_scale_m_per_px([box(0, 0, 1, 1)], size_px=0)


def test_one_figure_per_tile_with_captions_in_order():
    tiles = [
        Tile(box(0, 0, 100, 100), "Bottrop – Welheim", "#E69F00"),
        Tile(box(0, 0, 50, 50), "Herne – Mitte"),
    ]
    html = tiles_html(tiles, size_px=120)
    assert html.count("<figure") == 2
    assert re.findall(r"<figcaption[^>]*>(.*?)</figcaption>", html) == [
        "Bottrop – Welheim",
        "Herne – Mitte",
    ]
    pictures = svgs(html)
    assert len(pictures) == 2
    assert 'fill="#E69F00"' in pictures[0]
    assert f'fill="{DEFAULT_FILL}"' in pictures[1]
    assert all('width="120"' in p for p in pictures)


def test_scale_bar_only_in_the_first_tile():
    tiles = [Tile(box(0, 0, 2000, 2000), "a"), Tile(box(0, 0, 1000, 1000), "b")]
    first, second = svgs(tiles_html(tiles, size_px=150, scale_bar_m=1000.0))
    assert "<line" in first and "<line" not in second
    # 2000 m * 1.05 / 150 px = 14 m/px: 1000 m bar = 71.4 px, drawn from x=6 to 77.4
    assert 'x2="77.4"' in first
    assert not any("<line" in s for s in svgs(tiles_html(tiles, scale_bar_m=None)))


def test_same_size_quarters_are_drawn_the_same_size():
    # two 100 m squares in a scale set by a 400 m square: each 100 / (400 * 1.05 / 150) px
    tiles = [
        Tile(box(0, 0, 400, 400), "big"),
        Tile(box(0, 0, 100, 100), "x"),
        Tile(box(5000, 0, 5100, 100), "y"),
    ]
    _, x, y = svgs(tiles_html(tiles, size_px=150, scale_bar_m=None))
    assert re.search(r'd="([^"]+)"', x).group(1) == re.search(r'd="([^"]+)"', y).group(1)  # type: ignore[union-attr]


def test_captions_are_escaped_everywhere():
    evil = '<img src=x onerror=alert(1)>"${x}`'
    html = tiles_html([Tile(box(0, 0, 10, 10), evil)])
    assert "<img src=x" not in html
    assert "${x}" not in html and "`" not in html
    assert 'alt="&lt;img src=x onerror=alert(1)&gt;&quot;&#36;{x}&#96;"' in html
    (svg,) = svgs(html)
    assert "<img src=x" not in svg and "&lt;img src=x" in svg


def test_no_tiles_no_html():
    assert tiles_html([]) == ""


def test_legend_escapes_labels_and_keeps_order():
    html = legend_html({"<b>A</b>": "#000000", "B": "#FFFFFF"})
    assert "<b>" not in html
    assert html.index("&lt;b&gt;A") < html.index("B</")
    assert html.count("■") == 2
