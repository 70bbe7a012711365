"""Synthetic LANUV heat-model files (WBM-NRW fields) for tests and benchmarks.

The LANUV heat model of NRW ships one file per municipality with a footprint per building
and its heat demand (``RW`` space heating, ``WW`` hot water, ``RW_WW`` their sum, all kWh/a),
its net floor area ``NF`` and a building type ``GEBAEUDETY`` such as ``MFH_E``. The frames
made here have those fields with random but plausible values on a regular grid of
10 m x 12 m footprints every 15 m: they are synthetic, never real buildings.

>>> gdf = synthetic_lanuv(4, seed=1)
>>> len(gdf), gdf.crs.to_epsg(), bool((gdf["RW_WW"] == gdf["RW"] + gdf["WW"]).all())
(4, 25832, True)
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

__all__ = ["synthetic_lanuv"]

#: Building types (WBM-NRW ``GEBAEUDETY`` prefixes) and the age classes after the underscore.
TYPES = ("EFH", "RH", "MFH", "GMH", "NWG")
AGES = tuple("BCDEFGHIJK")


def synthetic_lanuv(
    n: int,
    *,
    seed: int,
    origin: tuple[float, float] = (360_000.0, 5_700_000.0),
    type_weights: tuple[float, ...] | None = None,
    id_prefix: str | None = None,
) -> gpd.GeoDataFrame:
    """``n`` synthetic WBM-NRW footprints in EPSG:25832, reproducible from ``seed``.

    ``origin`` is the lower left corner of the grid (m); ``type_weights`` the shares of
    :data:`TYPES` (uniform if None); ``Fest_ID`` is ``DENW`` + ``id_prefix`` (default: the
    seed, three digits) + a running number of seven digits.
    """
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(n)))
    i = np.arange(n)
    x, y = origin[0] + 15.0 * (i % side), origin[1] + 15.0 * (i // side)
    types = rng.choice(list(TYPES), size=n, p=type_weights)
    ages = rng.choice(list(AGES), size=n)
    nf = rng.uniform(100, 1500, size=n).round(1)
    rw = (nf * rng.uniform(60, 200, size=n)).round(0)
    ww = (nf * 15.0).round(0)
    prefix = f"{seed:03d}" if id_prefix is None else id_prefix
    return gpd.GeoDataFrame(
        {
            "Fest_ID": [f"DENW{prefix}{k:07d}" for k in i],
            "RW": rw,
            "WW": ww,
            "RW_WW": rw + ww,
            "RW_WW_spez": ((rw + ww) / nf).round(2),
            "NF": nf,
            "GEBAEUDETY": np.char.add(np.char.add(types.astype(str), "_"), ages.astype(str)),
            "WG_NWG": np.where(types == "NWG", "NWG", "WG"),
            "citygml_fu": np.where(types == "NWG", "31001_2050", "31001_1000"),
        },
        geometry=shapely.box(x, y, x + 10.0, y + 12.0),
        crs="EPSG:25832",
    )
