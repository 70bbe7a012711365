"""The cost method caption takes its numbers from cost_parameters.csv (ui/heatplan_costs)."""

from __future__ import annotations

import dataclasses

from quartier_geo.data.cost_tables import load_cost_tables
from quartier_geo.ui.heatplan_costs import costs_note


def test_note_formats_interest_period_and_hours_from_the_table():
    # cost_parameters.csv: interest_rate 0.05 (-> 5 %), period_a 20, full_load_hours 1800
    de = costs_note("de")
    assert "1.800 Volllaststunden" in de and "5 % Zins über 20 Jahre" in de
    assert "enet Wärmepumpenstrom (ohne Jahresangabe)" in de
    assert "Verbrauch" in de
    en = costs_note("en")
    assert "1,800 full-load hours" in en and "5 % interest over 20 years" in en
    assert "(no year given)" in en


def test_note_follows_a_changed_table():
    tables = load_cost_tables()
    params = tables.params.copy()
    params.loc["interest_rate", "value"] = 0.035
    params.loc["period_a", "value"] = 25
    changed = dataclasses.replace(tables, params=params)
    assert "3,5 % Zins über 25 Jahre" in costs_note("de", changed)
