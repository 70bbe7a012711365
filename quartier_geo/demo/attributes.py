"""Building attributes of the demo generator (see :mod:`quartier_geo.demo.build`).

Type, storeys and IWU age class follow the style of the block a footprint stands in;
refurbishment state, heating, owner and the listed flag follow the quarter's profile
(``quarter_profiles.csv``) with *exact* counts (``round(share x n)``) so that the shares
of the profile come out as given. The distributions below are **assumptions** of the
demo (plausible for the Ruhr, not measured); each names its role in its comment.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "ADVANCED_SHARE",
    "BIOMASS_SHARE_OF_REST",
    "COAL_SHARE_COLLIERY",
    "DWELLING_AREA_M2",
    "HEAT_PUMP_SHARE",
    "LISTED_SHARE_GRUENDERZEIT",
    "OIL_SHARE",
    "assign_energy_and_owner",
    "housing_figures",
    "sample_typology",
]

#: Share of refurbished buildings refurbished to the advanced TABULA level (assumption).
ADVANCED_SHARE = 0.15
#: Share of buildings with a heat pump, placed in newer buildings (assumption).
HEAT_PUMP_SHARE = 0.02
#: Conditioned floor area per dwelling in multi-family buildings [m²] (assumption).
DWELLING_AREA_M2 = 70.0
#: Share of colliery-zone fossil-heated houses still on coal (assumption, "coal small").
COAL_SHARE_COLLIERY = 0.03
#: Share of fossil heating that is oil, before weighting towards houses (assumption).
OIL_SHARE = 0.15
#: Share of the non-fossil rest (after district heating, storage heaters and heat pumps)
#: heated with pellets; the other part gets storage heaters in flats (assumption).
BIOMASS_SHARE_OF_REST = 0.5
#: Share of Gründerzeit buildings of class B that are listed (assumption).
LISTED_SHARE_GRUENDERZEIT = 0.03

_P = tuple[tuple[str | float, float], ...]
_AGES: dict[str, _P] = {
    "colliery": (("B", 0.45), ("C", 0.40), ("D", 0.08), ("E", 0.07)),
    "grz": (("B", 0.72), ("C", 0.14), ("D", 0.09), ("E", 0.05)),
    "mixed": (
        ("B", 0.25),
        ("C", 0.10),
        ("D", 0.20),
        ("E", 0.20),
        ("F", 0.10),
        ("G", 0.03),
        ("H", 0.04),
        ("I", 0.03),
        ("J", 0.03),
        ("K", 0.01),
        ("L", 0.01),
    ),
    "suburb": (
        ("E", 0.22),
        ("F", 0.25),
        ("G", 0.15),
        ("H", 0.18),
        ("I", 0.08),
        ("J", 0.06),
        ("K", 0.04),
        ("L", 0.02),
    ),
    "postwar": (("D", 0.5), ("E", 0.5)),
    "estate": (("E", 0.45), ("F", 0.55)),
    "hall": (("E", 0.3), ("F", 0.3), ("G", 0.15), ("H", 0.15), ("I", 0.1)),
}
_STOREYS: dict[str, _P] = {
    "colliery": ((1.5, 1.0),),
    "grz": ((3.0, 0.3), (4.0, 0.45), (5.0, 0.25)),
    "mixed": ((3.0, 0.2), (4.0, 0.35), (5.0, 0.3), (6.0, 0.15)),
    "efh": ((1.0, 0.3), (1.5, 0.35), (2.0, 0.35)),
    "rh": ((1.5, 0.3), (2.0, 0.7)),
    "postwar": ((3.0, 0.5), (4.0, 0.5)),
    "estate": ((4.0, 0.25), (5.0, 0.2), (6.0, 0.2), (7.0, 0.15), (8.0, 0.2)),
    "nwg": ((2.0, 0.25), (3.0, 0.4), (4.0, 0.35)),
    "hall": ((1.0, 0.4), (2.0, 0.6)),
}
#: style -> (building type, storeys key, ages key, NWG share on the front)
_STYLE_TYPES: dict[str, tuple[str, str, str, float]] = {
    "perimeter_grz": ("MFH", "grz", "grz", 0.05),
    "perimeter_mixed": ("MFH", "mixed", "mixed", 0.25),
    "colliery_pairs": ("EFH", "colliery", "colliery", 0.0),
    "colliery_terrace": ("RH", "colliery", "colliery", 0.0),
    "efh_detached": ("EFH", "efh", "suburb", 0.0),
    "rh_terrace": ("RH", "rh", "suburb", 0.0),
    "slab_postwar": ("MFH", "postwar", "postwar", 0.0),
    "slab_estate": ("GMH", "estate", "estate", 0.0),
    "yard_hall": ("NWG", "hall", "hall", 1.0),
}
#: Styles whose buildings draw their age one by one (perimeter blocks grew lot by lot).
_AGE_PER_BUILDING = ("perimeter_grz", "perimeter_mixed", "yard_hall")
#: Storey keys whose rows share one storey count (a terrace or a slab row built at once).
_STOREYS_PER_ROW = ("colliery", "rh", "postwar")
_HOUSES = ("EFH", "RH")
_FLATS = ("MFH", "GMH", "HH")


def _draw(rng: np.random.Generator, table: _P, n: int) -> np.ndarray:
    values = np.array([v for v, _ in table])
    p = np.array([w for _, w in table], float)
    return values[rng.choice(len(values), size=n, p=p / p.sum())]


def sample_typology(buildings: pd.DataFrame, *, rng: np.random.Generator) -> pd.DataFrame:
    """Building type, storeys and age class from the style of each footprint.

    Rows of houses and slabs share one age (they were built together; 15 % of the
    buildings are redrawn individually as infill), terraces and slab rows also one storey
    count; buildings of perimeter blocks draw their age one by one. In mixed inner-city blocks a
    building of five or more storeys is a GMH. Returns a new frame on the same index.
    """
    n = len(buildings)
    row = buildings["row"].to_numpy()
    row_id = np.where(row >= 0, row, -1 - np.arange(n))  # a courtyard hall is its own row
    btype = np.empty(n, dtype=object)
    storeys = np.zeros(n)
    age = np.empty(n, dtype=object)
    style = buildings["style"].to_numpy()
    for name, (kind, skey, akey, nwg_share) in _STYLE_TYPES.items():
        m = np.flatnonzero(style == name)
        if not len(m):
            continue
        rows = row_id[m]
        uniq, inv = np.unique(rows, return_inverse=True)
        row_age = _draw(rng, _AGES[akey], len(uniq))[inv]
        own_age = _draw(rng, _AGES[akey], len(m))
        own = (rng.random(len(m)) < 0.15) | (name in _AGE_PER_BUILDING)
        age[m] = np.where(own, own_age, row_age)
        per_row = skey in _STOREYS_PER_ROW
        st = (
            _draw(rng, _STOREYS[skey], len(uniq))[inv]
            if per_row
            else _draw(rng, _STOREYS[skey], len(m))
        )
        t = np.full(len(m), kind, dtype=object)
        if kind == "MFH" and skey == "mixed":
            t[st >= 5] = "GMH"
        nwg = rng.random(len(m)) < nwg_share
        t[nwg] = "NWG"
        st = np.where(nwg & (kind != "NWG"), _draw(rng, _STOREYS["nwg"], len(m)), st)
        tower = buildings["tower"].to_numpy()[m]
        t[tower] = "HH"
        st = np.where(tower, rng.integers(10, 17, len(m)).astype(float), st)
        btype[m], storeys[m] = t, st
    return pd.DataFrame(
        {"building_type": btype.astype(str), "storeys": storeys, "age_class": age.astype(str)},
        index=buildings.index,
    )


def housing_figures(
    building_type: pd.Series, floor_area_m2: pd.Series, *, area_per_resident_m2: float
) -> pd.DataFrame:
    """Modelled residents and dwellings.

    residents = A_C / area_per_resident (residential buildings; 0 for NWG);
    dwellings = 1 per EFH/RH (2 for an EFH from 180 m² A_C: a two-family house),
    round(A_C / :data:`DWELLING_AREA_M2`) but at least 3 for MFH/GMH/HH, 0 for NWG.
    """
    res = building_type.ne("NWG")
    residents = (floor_area_m2 / area_per_resident_m2).where(res, 0.0)
    flats = np.maximum(3, np.round(floor_area_m2 / DWELLING_AREA_M2)).astype(int)
    houses = np.where((building_type == "EFH") & (floor_area_m2 >= 180), 2, 1)
    dwellings = np.where(building_type.isin(_FLATS), flats, np.where(res, houses, 0))
    return pd.DataFrame(
        {"residents": residents.astype(float), "dwellings": dwellings.astype(int)},
        index=building_type.index,
    )


def _pick(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """Boolean mask of exactly ``k`` items drawn without replacement, ∝ ``weights``.

    Efraimidis-Spirakis keys u^(1/w); items with weight 0 come last.
    """
    w = np.asarray(weights, float)
    n = len(w)
    k = int(min(max(k, 0), int((w > 0).sum())))
    u = rng.random(n)
    with np.errstate(divide="ignore"):
        keys = np.where(w > 0, np.log(u) / np.where(w > 0, w, 1.0), -np.inf)
    mask = np.zeros(n, bool)
    mask[np.argsort(-keys, kind="stable")[:k]] = True
    return mask


def assign_energy_and_owner(
    b: pd.DataFrame,
    profile: pd.Series,
    *,
    central_zone: str,
    network_distance_m: np.ndarray | None,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Refurbishment state, heating carrier and system, owner type, listed flag.

    ``b`` needs building_type, age_class, zone; ``profile`` is the quarter's row of
    quarter_profiles.csv. ``network_distance_m`` is each building's distance to the
    (synthetic) district-heating line, or None when the quarter has none.

    Rules (counts are exact, ``round(share x n)``):
    existing_state_share of the buildings stay ``existing`` (new classes J-L first), the
    rest ``usual`` with :data:`ADVANCED_SHARE` ``advanced``; district heating ``core``
    connects 40-60 % of the MFH/GMH/HH/NWG of the central zone (nearest to the line
    first), ``nearby`` 2-4 % of them; night_storage_share_efh of the EFH/RH heat with
    storage heaters; :data:`HEAT_PUMP_SHARE` heat pumps in newer buildings; further
    non-fossil buildings up to ``1 - fossil_share`` get pellets (houses) or storage
    heaters (flats); the rest is fossil: coal in a few colliery houses, oil, gas.
    housing_company_share of the MFH/GMH/HH belong to housing companies;
    listed_share_colliery of the colliery houses are listed.
    """
    n = len(b)
    bt, age, zone = (b[c].to_numpy() for c in ("building_type", "age_class", "zone"))
    new = np.isin(age, ["J", "K", "L"])
    house, flat = np.isin(bt, _HOUSES), np.isin(bt, _FLATS)

    existing = _pick(rng, np.where(new, 20.0, 1.0), round(profile["existing_state_share"] * n))
    advanced = _pick(rng, (~existing).astype(float), round(ADVANCED_SHARE * (~existing).sum()))
    state = np.where(existing, "existing", np.where(advanced, "advanced", "usual"))

    system = np.full(n, "", dtype=object)
    target_nonfossil = round((1.0 - profile["fossil_share"]) * n)
    storage = _pick(
        rng,
        house * np.where(np.isin(age, ["E", "F", "G"]), 3.0, 1.0),
        round(profile["night_storage_share_efh"] * house.sum()),
    )
    system[storage] = "storage_heater"
    # newest classes first, then H, then refurbished older buildings; houses twice as likely
    hp_w = np.select(
        [np.isin(age, ["I", "J", "K", "L"]), age == "H", state != "existing"], [8.0, 1.0, 0.2], 0.0
    )
    hp_w = hp_w * (system == "") * (1 + house)
    heat_pump = _pick(rng, hp_w, max(1, round(HEAT_PUMP_SHARE * n)) if n >= 50 else 0)
    ground = rng.random(n) < 0.3
    system[heat_pump] = np.where(ground[heat_pump], "heat_pump_ground", "heat_pump_air")
    mode = str(profile["district_heating"])
    if network_distance_m is not None and mode in ("core", "nearby"):
        eligible = (flat | (bt == "NWG")) & (system == "")
        if mode == "core":
            eligible &= zone == central_zone
            room = target_nonfossil - int((system != "").sum())
            k = round(rng.uniform(0.4, 0.6) * eligible.sum())
            k = int(np.clip(k, round(0.4 * eligible.sum()), max(room, round(0.4 * eligible.sum()))))
            scale = 400.0
        else:
            k, scale = round(rng.uniform(0.02, 0.04) * eligible.sum()), 150.0
        w = eligible * np.exp(-np.asarray(network_distance_m) / scale) + eligible * 1e-9
        system[_pick(rng, w, k)] = "district_heating"
    rest = target_nonfossil - int((system != "").sum())
    if rest > 0:
        free = system == ""
        k_bio = round(BIOMASS_SHARE_OF_REST * rest)
        system[_pick(rng, free * np.where(house, 1.0, 0.05), k_bio)] = "pellet_boiler"
        free = system == ""
        old_flat = flat & np.isin(age, ["D", "E", "F", "G"])
        system[_pick(rng, free * np.where(old_flat, 1.0, 0.05), rest - k_bio)] = "storage_heater"
    free = system == ""
    colliery_old = (zone == "colliery") & house & np.isin(age, ["B", "C", "D"])
    coal = _pick(
        rng, free * colliery_old, round(COAL_SHARE_COLLIERY * (free & (zone == "colliery")).sum())
    )
    system[coal] = "coal_stove"
    free = system == ""
    oil = _pick(rng, free * np.where(house, 3.0, 1.0), round(OIL_SHARE * free.sum()))
    refurbished = state != "existing"
    p_cond = np.where(np.isin(age, ["H", "I", "J", "K", "L"]), 0.8, np.where(refurbished, 0.6, 0.2))
    condensing = rng.random(n) < p_cond
    system[oil] = np.where(condensing[oil], "oil_condensing", "oil_low_temp")
    gas = system == ""
    system[gas] = np.where(condensing[gas], "gas_condensing", "gas_low_temp")

    hc_w = flat * np.where(np.isin(zone, ["estate_6070", "postwar_rows"]), 3.0, 1.0)
    housing_company = _pick(rng, hc_w, round(profile["housing_company_share"] * flat.sum()))
    owner = np.empty(n, dtype=object)
    draw = rng.random(n)
    owner[flat] = np.where(
        draw[flat] < 0.6, "private_landlord", np.where(draw[flat] < 0.9, "self_user", "public")
    )
    colliery_house = house & (zone == "colliery")
    owner[house] = np.where(draw[house] < 0.8, "self_user", "private_landlord")
    owner[colliery_house] = np.where(
        draw[colliery_house] < 0.6,
        "self_user",
        np.where(draw[colliery_house] < 0.8, "private_landlord", "housing_company"),
    )
    owner[bt == "NWG"] = np.where(draw[bt == "NWG"] < 0.8, "commercial", "public")
    owner[housing_company] = "housing_company"

    listed = _pick(
        rng,
        colliery_house * np.where(np.isin(age, ["B", "C"]), 1.0, 0.02),
        round(profile["listed_share_colliery"] * colliery_house.sum()),
    )
    grz_old = (zone == "gruenderzeit") & (age == "B")
    listed |= _pick(rng, grz_old.astype(float), round(LISTED_SHARE_GRUENDERZEIT * grz_old.sum()))
    return pd.DataFrame(
        {
            "heating_system": system.astype(str),
            "refurbishment_state": state.astype(str),
            "owner_type": owner.astype(str),
            "listed": listed,
        },
        index=b.index,
    )
