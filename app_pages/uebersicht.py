"""Übersicht: the 20 quarters on the Ruhr map, key figures of the region and the selection."""

from quartier_geo.ui import allbuildings, frame, overview

ctx = frame.context()
overview.header(ctx)
overview.region_metrics(ctx)
colour = overview.pick_colouring(ctx)
overview.map_and_table(ctx, colour)
allbuildings.section(ctx)
overview.selection_panel(ctx)
