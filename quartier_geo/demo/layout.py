"""Street grid and building footprints of the demo generator (see :mod:`quartier_geo.demo.build`).

Geometry is built in a *local* frame per quarter: origin at the quarter's centre, axes
rotated by the quarter's angle, metres. The frame is tiled by square super-blocks
("cells", :data:`CELL_M`) whose edges are collector roads; the two grid lines through the
origin are the main roads. Each cell belongs to one zone type and is subdivided by
residential streets into blocks; blocks are filled with rows of lots in the style of the
zone (colliery pairs, Gründerzeit perimeter blocks, Zeilenbau slabs, ...).

Footprints never overlap a street corridor or each other by construction: every block is
the space between street centrelines minus half a corridor on each side, rows in a block
are kept apart (:data:`REAR_GAP_M`), and lots in a row are laid end to end. All widths,
depths and storey counts below are **assumptions** of this demo (plausible values for
the building types named in the IWU typology), not measurements.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

__all__ = [
    "CELL_M",
    "COLLECTOR_HALF_WIDTH_M",
    "MAIN_HALF_WIDTH_M",
    "RESIDENTIAL_HALF_WIDTH_M",
    "STYLES",
    "ZONES",
    "Style",
    "ZoneSpec",
    "allocate_cells",
    "grid_cells",
    "layout_buildings",
    "street_lines",
]

#: Side of a super-block cell between collector roads [m] (assumption).
CELL_M = 240.0
#: Half corridor (carriageway + pavement) of the main roads through the centre [m].
MAIN_HALF_WIDTH_M = 9.0
#: Half corridor of collector roads on cell edges [m].
COLLECTOR_HALF_WIDTH_M = 7.0
#: Half corridor of residential streets inside cells [m].
RESIDENTIAL_HALF_WIDTH_M = 6.0
#: Minimum gap between the rear walls of two rows in one block [m].
REAR_GAP_M = 2.0
#: Narrowest lot a scaled closed-front row may have [m] (used with ``lot_scale`` < 1).
MIN_LOT_WIDTH_M = 6.0
#: Most cell area the central zone gets, as a multiple of the area it needs.
CENTRAL_SLACK = 1.25


@dataclass(frozen=True)
class Style:
    """How one block is filled: rows of lots along its streets (all lengths in m).

    ``perimeter`` blocks get rows on all four sides with closed fronts (no gaps);
    ``rows`` blocks get one row along each of the two long sides. A lot (unit) of width
    ``width_m`` is split into ``split`` equal houses (2 = semi-detached pair, 4-6 = a
    terrace). ``tower_share`` of the units are point towers (high-rises), ``yard_share``
    of the blocks get one non-residential hall in the courtyard.
    """

    layout: str
    setback_m: tuple[float, float]
    depth_m: tuple[float, float]
    width_m: tuple[float, float]
    gap_m: tuple[float, float] = (0.0, 0.0)
    split: tuple[int, int] = (1, 1)
    end_margin_m: float = 0.0
    tower_share: float = 0.0
    tower_width_m: tuple[float, float] = (18.0, 24.0)
    yard_share: float = 0.0
    scalable: bool = False


STYLES: dict[str, Style] = {
    "perimeter_grz": Style("perimeter", (0, 0), (11, 14), (10, 18), scalable=True),
    "perimeter_mixed": Style(
        "perimeter", (0, 0), (12, 16), (12, 24), yard_share=0.8, scalable=True
    ),
    "colliery_pairs": Style("rows", (4, 7), (10, 12), (16, 19), (5, 8), (2, 2), 6.0),
    "colliery_terrace": Style("rows", (4, 6), (10, 11), (28, 36), (5, 8), (4, 4), 6.0),
    "efh_detached": Style("rows", (5, 8), (9, 12), (9, 12), (6, 10), (1, 1), 5.0),
    "rh_terrace": Style("rows", (4, 6), (9, 11), (25, 36), (6, 10), (4, 6), 5.0),
    "slab_postwar": Style("rows", (6, 10), (10, 12), (24, 40), (10, 16), (1, 1), 8.0),
    "slab_estate": Style(
        "rows", (8, 12), (12, 14), (40, 70), (16, 26), (1, 1), 10.0, tower_share=0.15
    ),
}


@dataclass(frozen=True)
class ZoneSpec:
    """A zone type: blocks per cell, nominal density and the styles of its blocks.

    ``density_res_per_ha`` is only used to size the zones before generation (the
    generator then builds until the residents are reached); ``centrality`` orders the
    zones from the centre (0) outwards.
    """

    n_along: int
    n_across: int
    density_res_per_ha: float
    styles: tuple[tuple[str, float], ...]
    centrality: int


ZONES: dict[str, ZoneSpec] = {
    "mixed_inner": ZoneSpec(2, 2, 200.0, (("perimeter_mixed", 1.0),), 0),
    "gruenderzeit": ZoneSpec(2, 3, 280.0, (("perimeter_grz", 1.0),), 1),
    "estate_6070": ZoneSpec(1, 3, 200.0, (("slab_estate", 0.8), ("rh_terrace", 0.2)), 2),
    "postwar_rows": ZoneSpec(1, 3, 130.0, (("slab_postwar", 1.0),), 3),
    "colliery": ZoneSpec(1, 3, 60.0, (("colliery_pairs", 0.75), ("colliery_terrace", 0.25)), 4),
    "suburb_efh": ZoneSpec(2, 4, 55.0, (("efh_detached", 0.65), ("rh_terrace", 0.35)), 5),
}

_STYLE_NAMES = list(STYLES)


def grid_cells(local_polygon: shapely.Polygon, *, min_share: float = 0.3) -> pd.DataFrame:
    """Cells of the super-block grid that lie at least ``min_share`` inside the polygon.

    Returns one row per cell: grid indices ``i``, ``j``, lower-left corner ``u0``, ``v0``
    [m], ``area_m2`` inside the polygon, distance ``dist_m`` and angle ``angle_rad`` of the
    cell centre from the origin.
    """
    minx, miny, maxx, maxy = local_polygon.bounds
    ii = np.arange(np.floor(minx / CELL_M), np.ceil(maxx / CELL_M)).astype(int)
    jj = np.arange(np.floor(miny / CELL_M), np.ceil(maxy / CELL_M)).astype(int)
    gi, gj = (g.ravel() for g in np.meshgrid(ii, jj, indexing="ij"))
    u0, v0 = gi * CELL_M, gj * CELL_M
    boxes = shapely.box(u0, v0, u0 + CELL_M, v0 + CELL_M)
    area = shapely.area(shapely.intersection(boxes, local_polygon))
    cu, cv = u0 + CELL_M / 2, v0 + CELL_M / 2
    cells = pd.DataFrame(
        {
            "i": gi,
            "j": gj,
            "u0": u0,
            "v0": v0,
            "area_m2": area,
            "dist_m": np.hypot(cu, cv),
            "angle_rad": np.arctan2(cv, cu),
        }
    )
    return cells[cells["area_m2"] >= min_share * CELL_M**2].reset_index(drop=True)


def allocate_cells(
    cells: pd.DataFrame, targets: dict[str, float], *, rng: np.random.Generator
) -> pd.DataFrame:
    """Give every cell a zone type and a build priority (0 = built first).

    The most central zone type (lowest ``centrality``) takes the cells nearest to the
    centre; the others share the remaining cells in angular sectors. Each zone receives
    cell area in proportion to the area it needs at its nominal density
    (``targets`` = residents per zone type); the central zone gets at most
    :data:`CENTRAL_SLACK` times its need, the outer zones share the rest, so open land
    lies at the fringe rather than in the centre.
    """
    need = {z: max(t, 1.0) / ZONES[z].density_res_per_ha * 1e4 for z, t in targets.items()}
    order = sorted(need, key=lambda z: (ZONES[z].centrality, z))
    scale = cells["area_m2"].sum() / sum(need.values())
    zone = np.empty(len(cells), dtype=object)
    noise = rng.uniform(0.85, 1.15, len(cells))
    by_dist = np.argsort(cells["dist_m"].to_numpy() * noise, kind="stable")
    area = cells["area_m2"].to_numpy()
    # the centre gets at most CENTRAL_SLACK x its need; open land goes to the fringe
    central_area = need[order[0]] * min(scale, CENTRAL_SLACK) if len(order) > 1 else np.inf
    n_central = int(np.searchsorted(np.cumsum(area[by_dist]), central_area) + 1)
    zone[by_dist[:n_central]] = order[0]
    rest = by_dist[n_central:]
    if len(rest) and len(order) > 1:
        offset = rng.uniform(0, 2 * np.pi)
        theta = np.mod(cells["angle_rad"].to_numpy()[rest] + offset, 2 * np.pi)
        rest = rest[np.argsort(theta, kind="stable")]
        others = order[1:]
        bounds = np.cumsum([need[z] for z in others]) / sum(need[z] for z in others)
        frac = (np.cumsum(area[rest]) - area[rest] / 2) / area[rest].sum()
        zone[rest] = np.array(others, dtype=object)[
            np.searchsorted(bounds, frac).clip(0, len(others) - 1)
        ]
    elif len(rest):
        zone[rest] = order[0]
    out = cells.assign(zone=zone.astype(str))
    rank = np.empty(len(cells), dtype=int)
    rank[by_dist] = np.arange(len(cells))
    return out.assign(priority=rank)


def _edge_half(on_main: np.ndarray) -> np.ndarray:
    return np.where(on_main, MAIN_HALF_WIDTH_M, COLLECTOR_HALF_WIDTH_M)


def _blocks(cells: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Blocks of all cells in cell-local (a along the streets, b across) coordinates."""
    parts = []
    for ztype in sorted(cells["zone"].unique()):
        c = cells[cells["zone"] == ztype]
        spec = ZONES[ztype]
        na, nb = spec.n_along, spec.n_across
        ka, kb = (g.ravel() for g in np.meshgrid(np.arange(na), np.arange(nb), indexing="ij"))
        ci = np.repeat(c.index.to_numpy(), na * nb)
        ka, kb = np.tile(ka, len(c)), np.tile(kb, len(c))
        o = c["orient"].to_numpy().repeat(na * nb)
        u0, v0 = c["u0"].to_numpy().repeat(na * nb), c["v0"].to_numpy().repeat(na * nb)
        # a runs along u when orient == 0, along v otherwise; an edge is main on u=0 / v=0
        a_lo_main = np.where(o == 0, u0 == 0, v0 == 0)
        a_hi_main = np.where(o == 0, u0 + CELL_M == 0, v0 + CELL_M == 0)
        b_lo_main = np.where(o == 0, v0 == 0, u0 == 0)
        b_hi_main = np.where(o == 0, v0 + CELL_M == 0, u0 + CELL_M == 0)
        res = RESIDENTIAL_HALF_WIDTH_M
        da, db = CELL_M / na, CELL_M / nb
        a0 = ka * da + np.where(ka == 0, _edge_half(a_lo_main), res)
        a1 = (ka + 1) * da - np.where(ka == na - 1, _edge_half(a_hi_main), res)
        b0 = kb * db + np.where(kb == 0, _edge_half(b_lo_main), res)
        b1 = (kb + 1) * db - np.where(kb == nb - 1, _edge_half(b_hi_main), res)
        names = [s for s, _ in spec.styles]
        probs = np.array([p for _, p in spec.styles])
        style = np.array(names)[rng.choice(len(names), size=len(ci), p=probs / probs.sum())]
        parts.append(
            pd.DataFrame(
                {"cell": ci, "block_in_cell": ka * nb + kb, "a0": a0, "a1": a1}
                | {"b0": b0, "b1": b1, "style": style, "zone": ztype}
            )
        )
    blocks = pd.concat(parts, ignore_index=True)
    return blocks.sort_values(["cell", "block_in_cell"], kind="stable").reset_index(drop=True)


def _rows(blocks: pd.DataFrame) -> pd.DataFrame:
    """Rows of lots: origin on the front line, along-axis (0 = a, 1 = b), inward sign."""
    frames = []
    perim = blocks["style"].map(lambda s: STYLES[s].layout == "perimeter").to_numpy()
    end = blocks["style"].map(lambda s: STYLES[s].end_margin_m).to_numpy(float)
    dmax = blocks["style"].map(lambda s: STYLES[s].depth_m[1]).to_numpy(float)
    a0, a1, b0, b1 = (blocks[k].to_numpy() for k in ("a0", "a1", "b0", "b1"))
    e = np.where(perim, 0.0, end)
    for side, (oa, ob, axis, sign, length, band) in enumerate(
        [
            (a0 + e, b0, 0, 1, a1 - a0 - 2 * e, (b1 - b0) / 2),
            (a0 + e, b1, 0, -1, a1 - a0 - 2 * e, (b1 - b0) / 2),
            (a0, b0 + dmax, 1, 1, b1 - b0 - 2 * dmax, (a1 - a0) / 2),
            (a1, b0 + dmax, 1, -1, b1 - b0 - 2 * dmax, (a1 - a0) / 2),
        ]
    ):
        keep = np.ones(len(blocks), bool) if side < 2 else perim
        frames.append(
            pd.DataFrame(
                {"block": np.flatnonzero(keep), "side": side, "oa": oa[keep], "ob": ob[keep]}
                | {"axis": axis, "sign": sign, "length": length[keep], "band": band[keep]}
            )
        )
    rows = pd.concat(frames, ignore_index=True)
    rows = rows[rows["length"] > 4.0]
    rows = rows.sort_values(["block", "side"], kind="stable").reset_index(drop=True)
    return rows.assign(style=blocks["style"].to_numpy()[rows["block"]])


def _lots(
    rows: pd.DataFrame, style: Style, rng: np.random.Generator, lot_scale: float
) -> pd.DataFrame:
    """Lots (houses) of all rows of one style: row index, start, width, depth, setback."""
    n_rows = len(rows)
    length = rows["length"].to_numpy()
    wmin, wmax = style.width_m
    if style.scalable:
        wmin, wmax = max(wmin * lot_scale, MIN_LOT_WIDTH_M), max(wmax * lot_scale, MIN_LOT_WIDTH_M)
    if style.layout == "perimeter":  # closed front: lots share their side walls
        n = np.maximum(1, np.round(length / ((wmin + wmax) / 2))).astype(int)
        slots = int(n.max())
        weight = rng.uniform(0.75, 1.25, (n_rows, slots)) * (np.arange(slots) < n[:, None])
        width = weight / weight.sum(axis=1, keepdims=True) * length[:, None]
        start = np.cumsum(width, axis=1) - width
        valid = weight > 0
        tower = np.zeros_like(valid)
    else:
        slots = int(np.ceil(length.max() / (wmin + style.gap_m[0]))) + 1
        tower = rng.random((n_rows, slots)) < style.tower_share
        width = np.where(
            tower,
            rng.uniform(*style.tower_width_m, (n_rows, slots)),
            rng.uniform(wmin, wmax, (n_rows, slots)),
        )
        pitch = width + rng.uniform(*style.gap_m, (n_rows, slots))
        start = np.cumsum(pitch, axis=1) - pitch
        valid = start + width <= length[:, None]
        last_end = np.where(valid, start + width, 0.0).max(axis=1)
        start = start + ((length - last_end) / 2)[:, None]
    depth = np.where(tower, width, rng.uniform(*style.depth_m, (n_rows, slots)))
    setback = rng.uniform(*style.setback_m, (n_rows, slots))
    r, k = np.nonzero(valid)
    band = rows["band"].to_numpy()[r]
    lots = pd.DataFrame(
        {"row": rows.index.to_numpy()[r], "unit": k, "start": start[r, k], "width": width[r, k]}
        | {"setback": setback[r, k], "tower": tower[r, k]}
    )
    lots["depth"] = np.minimum(depth[r, k], band - lots["setback"] - REAR_GAP_M)
    split = rng.integers(style.split[0], style.split[1] + 1, len(lots))
    lots = lots.loc[lots.index.repeat(split)].reset_index(drop=True)
    split = split.repeat(split)
    part = lots.groupby(["row", "unit"], sort=False).cumcount().to_numpy()
    lots["width"] = lots["width"] / split
    lots["start"] = lots["start"] + part * lots["width"]
    lots["split"] = split
    return lots[lots["depth"] > 5.0]


def _yard_halls(blocks: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One non-residential hall in the courtyard of some perimeter blocks (a, b boxes)."""
    share = blocks["style"].map(lambda s: STYLES[s].yard_share).to_numpy(float)
    dmax = blocks["style"].map(lambda s: STYLES[s].depth_m[1]).to_numpy(float)
    draw = rng.random((len(blocks), 5))
    gap = 8.0
    ya0, ya1 = blocks["a0"] + dmax + gap, blocks["a1"] - dmax - gap
    yb0, yb1 = blocks["b0"] + dmax + gap, blocks["b1"] - dmax - gap
    wa, wb = (ya1 - ya0).to_numpy(), (yb1 - yb0).to_numpy()
    keep = (draw[:, 0] < share) & (wa >= 15) & (wb >= 15)
    sa, sb = wa * (0.35 + 0.4 * draw[:, 1]), wb * (0.35 + 0.4 * draw[:, 2])
    a_lo = ya0.to_numpy() + (wa - sa) * draw[:, 3]
    b_lo = yb0.to_numpy() + (wb - sb) * draw[:, 4]
    return pd.DataFrame(
        {"block": np.flatnonzero(keep), "a_lo": a_lo[keep], "a_hi": (a_lo + sa)[keep]}
        | {"b_lo": b_lo[keep], "b_hi": (b_lo + sb)[keep]}
    )


def layout_buildings(
    cells: pd.DataFrame, *, rng: np.random.Generator, lot_scale: float = 1.0
) -> pd.DataFrame:
    """Footprints of all cells (local frame) with their style, block and front point.

    ``cells`` needs the columns of :func:`allocate_cells` plus ``orient`` (0: residential
    streets run along u, 1: along v). Returns one row per footprint: ``geometry``
    (shapely array, local frame), ``front_u``/``front_v`` (middle of the street front),
    ``cell``, ``block`` (index into the cells' blocks), ``row``, ``style``, ``zone``,
    ``tower``, ``split`` and ``order`` (build order within the quarter).
    """
    blocks = _blocks(cells, rng)
    rows = _rows(blocks)
    parts = []
    for name in _STYLE_NAMES:
        sel = rows[rows["style"] == name]
        if len(sel):
            parts.append(_lots(sel, STYLES[name], rng, lot_scale))
    lots = pd.concat(parts, ignore_index=True).sort_values(["row", "start"], kind="stable")
    r = rows.loc[lots["row"].to_numpy()]
    sign, axis = r["sign"].to_numpy(), r["axis"].to_numpy()
    o_t = np.where(axis == 0, r["oa"], r["ob"])
    o_n = np.where(axis == 0, r["ob"], r["oa"])
    start, width = lots["start"].to_numpy(), lots["width"].to_numpy()
    sb, depth = lots["setback"].to_numpy(), lots["depth"].to_numpy()
    t_lo, t_hi = o_t + start, o_t + start + width
    n_lo = np.where(sign > 0, o_n + sb, o_n - sb - depth)
    n_hi = np.where(sign > 0, o_n + sb + depth, o_n - sb)
    front_t, front_n = o_t + start + width / 2, o_n + sign * sb
    block = r["block"].to_numpy()
    frame = pd.DataFrame(
        {
            "a_lo": np.where(axis == 0, t_lo, n_lo),
            "a_hi": np.where(axis == 0, t_hi, n_hi),
            "b_lo": np.where(axis == 0, n_lo, t_lo),
            "b_hi": np.where(axis == 0, n_hi, t_hi),
            "front_a": np.where(axis == 0, front_t, front_n),
            "front_b": np.where(axis == 0, front_n, front_t),
            "block": block,
            "row": lots["row"].to_numpy(),
            "style": r["style"].to_numpy(),
            "tower": lots["tower"].to_numpy(),
            "split": lots["split"].to_numpy(),
        }
    )
    halls = _yard_halls(blocks, rng)
    halls = halls.assign(
        front_a=(halls["a_lo"] + halls["a_hi"]) / 2,
        front_b=(halls["b_lo"] + halls["b_hi"]) / 2,
        row=-1,
        style="yard_hall",
        tower=False,
        split=1,
    )
    frame = pd.concat([frame, halls], ignore_index=True)
    frame = frame.sort_values(["block", "row"], kind="stable").reset_index(drop=True)
    cell = blocks["cell"].to_numpy()[frame["block"]]
    c = cells.loc[cell]
    flip = c["orient"].to_numpy() == 1
    u0, v0 = c["u0"].to_numpy(), c["v0"].to_numpy()

    def to_uv(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return u0 + np.where(flip, b, a), v0 + np.where(flip, a, b)

    u_lo, v_lo = to_uv(frame["a_lo"].to_numpy(), frame["b_lo"].to_numpy())
    u_hi, v_hi = to_uv(frame["a_hi"].to_numpy(), frame["b_hi"].to_numpy())
    fu, fv = to_uv(frame["front_a"].to_numpy(), frame["front_b"].to_numpy())
    priority = c["priority"].to_numpy()
    out = pd.DataFrame(
        {
            "geometry": shapely.box(u_lo, v_lo, u_hi, v_hi),
            "front_u": fu,
            "front_v": fv,
            "cell": cell,
            "block": frame["block"].to_numpy(),
            "row": frame["row"].to_numpy(),
            "style": frame["style"].to_numpy(),
            "zone": c["zone"].to_numpy(),
            "tower": frame["tower"].to_numpy(bool),
            "split": frame["split"].to_numpy(int),
        }
    )
    order = np.lexsort((np.arange(len(out)), out["block"].to_numpy(), priority))
    return out.iloc[order].reset_index(drop=True).assign(order=np.arange(len(out)))


def street_lines(cells: pd.DataFrame, used: np.ndarray) -> pd.DataFrame:
    """Candidate street centrelines (local frame, not yet clipped to the quarter).

    Returns rows with ``geometry`` (2-point LineStrings), ``kind`` (main | collector |
    residential) and ``line_key`` (one key per straight street, to share its name):
    the main roads on u=0 and v=0 across every cell; the collector roads on the edges of
    the ``used`` cells (bool mask); the residential streets inside the used cells.
    """
    s = CELL_M
    ai, aj = cells["i"].to_numpy(), cells["j"].to_numpy()
    lines, kinds, line_keys = [], [], []
    # edges: ("H", i, j) runs along u from (i*S, j*S); ("V", i, j) along v from (i*S, j*S)
    edge_rows = []
    for ci, cj in zip(ai, aj, strict=True):
        edge_rows += [("H", ci, cj), ("H", ci, cj + 1), ("V", ci, cj), ("V", ci + 1, cj)]
    used_set = {(int(i), int(j)) for i, j in zip(cells["i"][used], cells["j"][used], strict=True)}
    for d, i, j in sorted(set(edge_rows)):
        main = (d == "H" and j == 0) or (d == "V" and i == 0)
        touches = (i, j) in used_set or ((i, j - 1) if d == "H" else (i - 1, j)) in used_set
        if not (main or touches):
            continue
        x0, y0 = i * s, j * s
        x1, y1 = (x0 + s, y0) if d == "H" else (x0, y0 + s)
        lines.append(((x0, y0), (x1, y1)))
        kinds.append("main" if main else "collector")
        line_keys.append(f"{d}{j if d == 'H' else i}")
    for idx in np.flatnonzero(used):
        c = cells.iloc[idx]
        spec = ZONES[c["zone"]]
        u0, v0, flip = float(c["u0"]), float(c["v0"]), int(c["orient"]) == 1
        for m in range(1, spec.n_across):  # streets along a, at b = m * S / n_across
            b = m * s / spec.n_across
            seg = ((0.0, b), (s, b))
            lines.append(_to_uv(seg, u0, v0, flip))
            kinds.append("residential")
            line_keys.append(f"c{c['i']}_{c['j']}_a{m}")
        for k in range(1, spec.n_along):  # cross streets along b, at a = k * S / n_along
            a = k * s / spec.n_along
            seg = ((a, 0.0), (a, s))
            lines.append(_to_uv(seg, u0, v0, flip))
            kinds.append("residential")
            line_keys.append(f"c{c['i']}_{c['j']}_b{k}")
    return pd.DataFrame(
        {"geometry": shapely.linestrings(np.asarray(lines, float)), "kind": kinds}
        | {"line_key": line_keys}
    )


def _to_uv(seg: tuple, u0: float, v0: float, flip: bool) -> tuple:
    return tuple((u0 + (b if flip else a), v0 + (a if flip else b)) for a, b in seg)
