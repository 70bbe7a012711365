"""Versorgung: density maps with adjustable thresholds, options, suitability of all quarters."""

from quartier_geo.ui import frame, supplyview

ctx = frame.context()
supplyview.header(ctx)
thresholds = supplyview.threshold_controls(ctx)
supplyview.density_maps(ctx, thresholds)
option_table = supplyview.options(ctx, thresholds)
if option_table is not None:
    supplyview.suitability_matrix(ctx, thresholds, option_table)
