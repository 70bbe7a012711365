"""The table beside a map: the figures of each legend class, for who cannot read the colours.

:func:`class_table` groups the features of a map by the class the map colours them in (the
same :func:`quartier_geo.views.classify.colour_classes` as the map, so the rows are the
legend's entries in the legend's order) and sums their figures. Public pages pass the units
they show (blocks, cells of at least N buildings) and withhold small classes with
:func:`quartier_geo.domain.privacy.withhold_small`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.base.i18n import t
from quartier_geo.base.numfmt import Lang
from quartier_geo.views.classify import ColourBy, colour_classes

__all__ = ["CLASS", "FEATURES", "class_table"]

#: Column of the class name and of the number of features in the table.
CLASS = "class"
FEATURES = "features"


def class_table(
    frame: pd.DataFrame,
    colour: ColourBy,
    *,
    sums: Sequence[str] = (),
    count_column: str | None = None,
    lang: Lang = "de",
) -> pd.DataFrame:
    """One row per legend class of ``colour`` over ``frame``: class name, number of
    features, the sum of ``count_column`` (e.g. the buildings of each block) and of each
    column in ``sums``. Classes without a feature are left out; features without a class
    form the last row, named as the map's grey entry.

    >>> from quartier_geo.views.classify import Colouring
    >>> df = pd.DataFrame({"v": [10.0, 60.0, 70.0, None], "q": [1.0, 2.0, 3.0, 4.0]})
    >>> c = ColourBy("v", "V", colouring=Colouring(thresholds=[50]))
    >>> class_table(df, c, sums=["q"]).to_dict("list")
    {'class': ['< 50', '≥ 50', 'keine Angabe'], 'features': [1, 2, 1], 'q': [1.0, 5.0, 4.0]}
    """
    missing = [c for c in (colour.column, *sums, count_column) if c and c not in frame.columns]
    if missing:
        raise QuartierGeoError(f"Tabelle zur Karte: Spalten {missing} fehlen in den Kartendaten.")
    classes = colour_classes(frame[colour.column], colour.colouring, lang=lang)
    names = [*classes.names, colour.missing_label or t("map_no_value", lang)]
    index = np.where(classes.index < 0, len(classes.names), classes.index)
    columns = [c for c in (count_column, *sums) if c]
    grouped = (
        frame[columns]
        .apply(pd.to_numeric, errors="coerce")
        .assign(**{FEATURES: 1})
        .groupby(index)
        .sum(min_count=1)
    )
    out = pd.DataFrame({CLASS: [names[i] for i in grouped.index]})
    out[FEATURES] = grouped[FEATURES].to_numpy(dtype=int)
    for c in columns:
        out[c] = grouped[c].to_numpy(dtype=float)
    return out
