"""Synthetic street names and house numbers of the demo generator.

Names are plausible for the Ruhr (colliery words, trees, birds, poets, rivers) but
invented for each quarter: an address in the demo data never denotes a real building.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

__all__ = ["MAIN_NAMES", "address_numbers", "name_pool", "name_streets"]

#: Names of the main roads through a quarter's centre.
MAIN_NAMES = (
    "Hauptstraße", "Bahnhofstraße", "Kaiserstraße", "Bochumer Straße", "Essener Straße",
    "Dortmunder Straße", "Recklinghauser Straße", "Horster Straße", "Hochstraße",
    "Marktstraße", "Kirchstraße", "Poststraße",
)  # fmt: skip
_SPECIAL = (
    "Am Förderturm", "Am Schacht", "An der Halde", "Zur Zeche", "Am Stadtgarten", "Im Kamp",
    "Am Wasserturm", "An der Kokerei", "Am Lohtor", "Im Winkel", "An der Emscher",
    "Am Hellweg", "Auf dem Berge", "In der Heide", "Am Kanal", "Alter Kirchweg",
)  # fmt: skip
_PREFIXES = (
    "Glückauf", "Schacht", "Zechen", "Hauer", "Steiger", "Knappen", "Bergmann", "Barbara",
    "Kauen", "Stollen", "Flöz", "Lampen", "Halden", "Kohlen", "Hütten", "Emscher", "Lippe",
    "Ruhr", "Kanal", "Hafen", "Schul", "Mühlen", "Linden", "Birken", "Eichen", "Buchen",
    "Ahorn", "Eschen", "Ulmen", "Kastanien", "Tannen", "Erlen", "Pappel", "Weiden",
    "Holunder", "Rosen", "Tulpen", "Nelken", "Flieder", "Dahlien", "Astern", "Lilien",
    "Veilchen", "Amsel", "Drossel", "Finken", "Lerchen", "Meisen", "Tauben", "Schwalben",
    "Falken", "Stein", "Feld", "Wiesen", "Garten", "Sonnen", "Brunnen", "Wald", "Heide",
    "Grenz", "Friedens", "Turm", "Brücken", "Kolonie", "Heinrich", "Friedrich", "Wilhelm",
    "Luisen", "Viktoria", "Bismarck", "Goethe", "Schiller", "Lessing", "Uhland",
    "Eichendorff", "Heine", "Körner", "Kleist", "Herder", "Fontane", "Storm", "Raabe",
    "Hebbel", "Mozart", "Beethoven", "Händel", "Schubert", "Brahms", "Haydn", "Dürer",
    "Kopernikus", "Kepler", "Humboldt", "Röntgen", "Diesel", "Siemens",
)  # fmt: skip
_SUFFIXES = ("straße", "weg", "ring", "allee", "pfad")


def name_pool() -> list[str]:
    """All street names the generator may use besides :data:`MAIN_NAMES` (unique)."""
    return list(_SPECIAL) + [p + s for s in _SUFFIXES for p in _PREFIXES]


def name_streets(line_keys: pd.Series, *, rng: np.random.Generator) -> np.ndarray:
    """One name per straight street (``line_key``), unique within the quarter.

    The two main roads (keys ``H0`` and ``V0``) get two of :data:`MAIN_NAMES`; the other
    streets draw from a shuffled :func:`name_pool` in order of first appearance. A
    quarter with more streets than names reuses names with " Nord"/" Süd"/... appended.
    """
    keys = pd.unique(line_keys.astype(str))
    mains = rng.permutation(len(MAIN_NAMES))[:2]
    pool = [name_pool()[i] for i in rng.permutation(len(name_pool()))]
    names: dict[str, str] = {"H0": MAIN_NAMES[mains[0]], "V0": MAIN_NAMES[mains[1]]}
    others = [k for k in keys if k not in names]
    extra = ("", " Nord", " Süd", " Ost", " West")
    for n, key in enumerate(others):
        names[key] = pool[n % len(pool)] + extra[min(n // len(pool), len(extra) - 1)]
    return line_keys.astype(str).map(names).to_numpy(dtype=object)


def address_numbers(
    lines: np.ndarray, street_idx: np.ndarray, fronts: np.ndarray, line_keys: np.ndarray
) -> np.ndarray:
    """House numbers: odd on the left, even on the right, rising along each named street.

    ``lines`` are the (straight) street segments, ``line_keys`` the straight street each
    segment belongs to (segments of one street share its name and its numbering),
    ``street_idx`` the segment of each building and ``fronts`` the points in the middle
    of each building's street front. Position along = projection on the street direction.
    """
    first = shapely.get_coordinates(shapely.get_point(lines, 0))[street_idx]
    last = shapely.get_coordinates(shapely.get_point(lines, -1))[street_idx]
    xy = shapely.get_coordinates(fronts)
    d = last - first
    d = d / np.hypot(d[:, 0], d[:, 1])[:, None]
    p = xy - first
    along = (xy * d).sum(axis=1)
    left = d[:, 0] * p[:, 1] - d[:, 1] * p[:, 0] > 0
    frame = pd.DataFrame(
        {"street": np.asarray(line_keys)[street_idx], "left": left, "along": along}
    )
    rank = frame.groupby(["street", "left"], sort=False)["along"].rank(method="first")
    rank = rank.to_numpy().astype(int)
    return np.where(left, 2 * rank - 1, 2 * rank)
