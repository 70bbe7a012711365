"""Methodik & Quellen: formulas, factors, thresholds and sources."""

from quartier_geo.ui import frame, methods

methods.show(frame.context())
