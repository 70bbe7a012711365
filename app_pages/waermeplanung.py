"""Wärmeplanung: the WPG deliverables of a quarter, in the order of a heat plan."""

from quartier_geo.ui import (
    blockplanview,
    frame,
    heatplan_areas,
    heatplan_costs,
    heatplan_measures,
    heatplan_network,
    heatplanview,
)

ctx = frame.context()
heatplanview.header(ctx)
blockplanview.section(ctx)
heatplan_costs.section(ctx)
heatplan_areas.section(ctx)
heatplan_network.section(ctx)
heatplan_measures.section(ctx)
