"""Quartiere Ruhr – router: page config, navigation over pages/, the shared sidebar."""

import quartier_geo  # noqa: F401  (sets GDAL_SKIP before any GDAL import)
from quartier_geo.ui import frame

mode = frame.configure()
pg = frame.navigation(frame.current_lang())
frame.sidebar(mode)
pg.run()
