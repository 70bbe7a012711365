"""``python -m quartier_geo``: see :mod:`quartier_geo.cli`."""

import sys

from quartier_geo.cli import main

sys.exit(main())
