"""Cost and potential reference tables of issue #9 (heat generation costs, WPG §16 potentials).

``geodata/reference/``: ``cost_catalogue.csv`` (investment cost functions and maintenance per
supply option), ``energy_prices.csv``, ``co2_price.csv`` (BEHG §10), ``cost_parameters.csv``
(interest rate, period, full-load hours …) and ``potential_parameters.csv`` (PV yield,
borehole spacing …). Every row keeps ``source`` and ``status``; an empty value cell means
"keine belegte Zahl" and stays empty (NaN) here. Kept apart from :mod:`.reference` so that
the cost tables can be passed on their own; loaded once per process, read-only.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from quartier_geo.base.errors import ReferenceDataError
from quartier_geo.data.reference import REFERENCE_DIR

__all__ = ["CostTables", "load_cost_tables", "value_or_none"]


@dataclass(frozen=True)
class CostTables:
    """The cost and potential tables. DataFrames are shared: never mutate them."""

    catalogue: pd.DataFrame  # cost_catalogue.csv, one row per option and component
    prices: pd.DataFrame  # energy_prices.csv, indexed by price_key (carrier or option)
    co2: pd.DataFrame  # co2_price.csv, indexed by year
    params: pd.DataFrame  # cost_parameters.csv, indexed by key
    potential: pd.DataFrame  # potential_parameters.csv, indexed by key


def _read(directory: Path, name: str) -> pd.DataFrame:
    path = directory / name
    if not path.exists():
        raise ReferenceDataError(
            f"Referenztabelle {name} fehlt in {directory}. Installation prüfen (git checkout)."
        )
    return pd.read_csv(path)


def value_or_none(table: pd.DataFrame, key: object, column: str = "value") -> float | None:
    """The number in ``table.loc[key, column]``, or None where the cell is empty or absent.

    >>> t = pd.DataFrame({"value": [1.5, None]}, index=["a", "b"])
    >>> value_or_none(t, "a"), value_or_none(t, "b"), value_or_none(t, "c")
    (1.5, None, None)
    """
    if key not in table.index:
        return None
    v = table.loc[key, column]
    return None if pd.isna(v) else float(v)


@functools.cache
def load_cost_tables(directory: Path = REFERENCE_DIR) -> CostTables:
    """Load the cost and potential tables from ``directory`` (default: the bundled ones)."""
    return CostTables(
        catalogue=_read(directory, "cost_catalogue.csv"),
        prices=_read(directory, "energy_prices.csv").set_index("price_key"),
        co2=_read(directory, "co2_price.csv").set_index("year"),
        params=_read(directory, "cost_parameters.csv").set_index("key"),
        potential=_read(directory, "potential_parameters.csv").set_index("key"),
    )
