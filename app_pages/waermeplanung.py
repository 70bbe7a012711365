"""Wärmeplanung: the WPG deliverables of a quarter (blocks, supply areas, indicators)."""

from quartier_geo.ui import frame, heatplan_network, heatplanview

ctx = frame.context()
heatplanview.header(ctx)
heatplan_network.section(ctx)
