"""The section "Baublöcke (WPG Anlage 2 I)" of the Wärmeplanung page (ui/blockplanview.py)
in planner and public mode: every block in the planner's table, those under the privacy
minimum without values; on the public server no block with 1 to N - 1 buildings."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from streamlit.testing.v1 import AppTest

from quartier_geo.base.i18n import t
from quartier_geo.base.modes import Mode
from quartier_geo.base.settings import MIN_BUILDINGS_DEFAULT

NewApp = Callable[..., AppTest]
PAGE = "app_pages/waermeplanung.py"
N = MIN_BUILDINGS_DEFAULT  # QUARTIER_MIN_BUILDINGS is not set in the tests


def _block_table(at: AppTest, lang: str = "de") -> pd.DataFrame:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert t("bplan_title", lang) in [h.value for h in at.header]
    header = t("bplan_block", lang)
    tables = [d.value for d in at.dataframe if header in d.value.columns]
    assert len(tables) == 1
    return tables[0]


def _counts(table: pd.DataFrame) -> list[int]:
    return [int(v.replace(".", "")) for v in table[t("buildings", "de")]]


def test_planner_sees_every_block_small_ones_without_values(new_app: NewApp) -> None:
    at = new_app(Mode.PLANNER.value).switch_page(PAGE).run()
    table = _block_table(at)
    counts = _counts(table)
    small = [i for i, c in enumerate(counts) if 0 < c < N]
    assert small, "the demo quarter has blocks under the minimum: the check below must bite"
    density = table[f"{t('bplan_density', 'de')} [MWh/(ha·a)]"]
    assert all(density.iloc[i] == "–" for i in small)
    big = [i for i, c in enumerate(counts) if c >= N]
    assert big and all(density.iloc[i] != "–" for i in big)
    # German number format: thousands with a point, decimals with a comma
    area = table[f"{t('bplan_area', 'de')} [ha]"]
    assert all("," in v for v in area)
    captions = " ".join(c.value for c in at.caption)
    assert t("bplan_source_streets", "de").split(":")[0] in captions  # which blocks
    assert t("bplan_modelled", "de").split(":")[0] in captions


def test_public_shows_no_block_under_the_minimum(new_app: NewApp) -> None:
    planner = _counts(_block_table(new_app(Mode.PLANNER.value).switch_page(PAGE).run()))
    at = new_app(Mode.PUBLIC.value).switch_page(PAGE).run()
    public = _counts(_block_table(at))
    assert public and all(c == 0 or c >= N for c in public)
    assert len(public) < len(planner)  # the small blocks (and their partners) are left out
    captions = " ".join(c.value for c in at.caption)
    assert t("privacy_rule", "de").format(n=N) in captions


def test_the_section_speaks_english(new_app: NewApp) -> None:
    at = new_app(Mode.PUBLIC.value, lang="en").switch_page(PAGE).run()
    table = _block_table(at, "en")
    assert f"{t('bplan_density', 'en')} [MWh/(ha·a)]" in table.columns
