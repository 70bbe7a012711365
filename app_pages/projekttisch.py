"""Projekttisch Ruhr: meetings, lessons learned, similar quarters for knowledge transfer."""

from quartier_geo.ui import frame, roundtable

ctx = frame.context()
roundtable.header(ctx)
roundtable.meetings(ctx)
roundtable.lessons(ctx)
if frame.programme_quarter(ctx):
    roundtable.similar(ctx)
