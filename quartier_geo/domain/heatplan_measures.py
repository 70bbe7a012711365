"""The implementation strategy of a heat plan (§ 20 WPG): measures with the responsible
actor, timing, cost and funding, for one quarter.

The measures are the illustrative templates (geodata/reference/measure_templates.csv)
that the programme tables assign to the quarter (measure ids ``M<qid>-<key>``: a
district-heating measure only where there is district heating). The plan looks ahead: its
timing is the template's year of implementation (``year_offset`` + 1, year 1 = the year
the heat plan is adopted), not the programme's historic year; actor, cost and today's
funding programme come from the template row, each with its source or its note.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["PLAN_COLUMNS", "implementation_measures"]

#: Template columns carried into the plan (besides key, year and status).
PLAN_COLUMNS = (
    "title_de",
    "title_en",
    "year_offset",
    "category",
    "actor_de",
    "actor_en",
    "actor_status",
    "cost_eur",
    "cost_unit",
    "cost_source",
    "cost_note_de",
    "cost_note_en",
    "funding_programme",
    "funding_programme_de",
    "funding_programme_en",
    "funding_rate_de",
    "funding_rate_en",
    "funding_max_pct",
    "funding_url",
    "funding_status",
    "funding_note_de",
    "funding_note_en",
)


def implementation_measures(
    templates: pd.DataFrame, measures: pd.DataFrame, quarter_id: int
) -> pd.DataFrame:
    """One row per template measure of ``quarter_id`` (ordered by ``implementation_year``,
    then key): ``key``, ``implementation_year`` (1 = the first year) and
    :data:`PLAN_COLUMNS`.

    >>> templates = pd.DataFrame({"key": ["S2", "R1", "S1"],
    ...     **{c: ["", "", ""] for c in PLAN_COLUMNS}, "year_offset": [2, 0, 1]})
    >>> measures = pd.DataFrame({"measure_id": ["M03-R1", "M03-S2", "M04-S1", "M03-C"],
    ...     "quarter_id": [3, 3, 4, 3]})
    >>> plan = implementation_measures(templates, measures, 3)
    >>> plan[["key", "implementation_year"]].to_dict("list")
    {'key': ['R1', 'S2'], 'implementation_year': [1, 3]}
    """
    mine = measures[measures["quarter_id"] == quarter_id]
    key = mine["measure_id"].astype(str).str.split("-", n=1).str[1]
    found = pd.DataFrame({"key": key.drop_duplicates()})
    plan = found.merge(templates[["key", *PLAN_COLUMNS]], on="key", how="inner")
    plan.insert(1, "implementation_year", pd.to_numeric(plan["year_offset"]).astype(int) + 1)
    return plan.sort_values(["implementation_year", "key"], ignore_index=True)
