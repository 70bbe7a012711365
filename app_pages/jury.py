"""Jury: criteria of all 20, weights and ranking with its sensitivity, small multiples,
representativeness of the selection for the Ruhr's settlement types."""

from quartier_geo.ui import frame, juryview

ctx = frame.context()
juryview.header(ctx)
juryview.criteria(ctx)
chosen = juryview.weights(ctx)
if chosen is not None:
    juryview.ranking(ctx, chosen)
    juryview.small_multiples(ctx)
    juryview.representativeness(ctx)
