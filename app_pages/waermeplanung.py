"""Wärmeplanung: the WPG deliverables of a quarter (blocks, supply areas, indicators)."""

from quartier_geo.ui import blockplanview, frame, heatplanview

ctx = frame.context()
heatplanview.header(ctx)
blockplanview.section(ctx)
