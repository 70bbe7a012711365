"""Quartierskarte: building footprints by attribute, layers, building card, fact panel."""

from quartier_geo.ui import frame, quartermap

ctx = frame.context()
quartermap.header(ctx)
view = quartermap.choose_view(ctx)
quartermap.map_and_card(ctx, view)
quartermap.fact_panel(ctx)
