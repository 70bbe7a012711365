"""Projektphasen: timeline of all 20 quarters, modules, phase map, funding."""

from quartier_geo.ui import frame, phasesview, publishing

ctx = frame.context()
phasesview.header(ctx)
as_of = phasesview.pick_date(ctx)
phasesview.overview(ctx, as_of)
if frame.programme_quarter(ctx):
    phasesview.modules(ctx, as_of)
    phasesview.edit_modules(ctx)
    phasesview.module_edits(ctx)
    publishing.phases_controls(ctx)
    phasesview.funding(ctx)
