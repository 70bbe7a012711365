"""Wärmeplanung: the WPG deliverables of a quarter (blocks, supply areas, indicators)."""

from quartier_geo.ui import frame, heatplan_areas, heatplan_measures, heatplanview

ctx = frame.context()
heatplanview.header(ctx)
heatplan_areas.section(ctx)
heatplan_measures.section(ctx)
