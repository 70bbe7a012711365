"""Every text the import gate shows, in German and English, keyed by a message key.

A key is ``code`` or ``code.variant``; the part before the dot is the machine-readable
code of the result (``Rejected.code``, ``Issue.code``). Templates are ``str.format``
strings; a pair of templates ``(singular, plural)`` is chosen by the ``count`` parameter.
The worker process returns only keys and parameters; the texts are rendered here, in the
app process, so that nothing the parser read can pick its own wording.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FORMAT_NAMES", "MESSAGES", "render"]

#: Human names of the formats, used in messages ("GeoJSON ist unvollständig …").
FORMAT_NAMES: dict[str, tuple[str, str]] = {
    "geojson": ("GeoJSON", "GeoJSON"),
    "gpkg": ("GeoPackage", "GeoPackage"),
    "zip": ("ZIP-Datei", "ZIP file"),
    "shapefile": ("Shapefile", "Shapefile"),
    "csv": ("CSV-Datei", "CSV file"),
    "citygml": ("CityGML-Datei", "CityGML file"),
    "file": ("Die Datei", "The file"),
}

_T = str | tuple[str, str]
#: key -> (German, English); each a template or a (singular, plural) pair of templates.
MESSAGES: dict[str, tuple[_T, _T]] = {
    # --- rejections ---------------------------------------------------------------------
    "too_large": (
        "Die Datei ist {size_mb} MB groß; erlaubt sind höchstens {limit_mb} MB. "
        "Bitte nur das Quartier ausschneiden (z. B. in QGIS) und erneut hochladen.",
        "The file is {size_mb} MB; at most {limit_mb} MB are allowed. "
        "Please clip it to the quarter (e.g. in QGIS) and upload again.",
    ),
    "unreadable_file": (
        "{format_de} ist unvollständig oder beschädigt. Bitte die Datei neu exportieren "
        "und erneut hochladen.",
        "{format_en} is incomplete or damaged. Please export the file again and re-upload it.",
    ),
    "unreadable_file.empty": (
        "Die Datei ist leer (0 Bytes). Bitte die richtige Datei wählen.",
        "The file is empty (0 bytes). Please choose the right file.",
    ),
    "unreadable_file.encoding": (
        "{format_de} ist unvollständig oder beschädigt: die Zeichenkodierung ist weder UTF-8 "
        "noch Windows-1252 (z. B. UTF-16). Bitte als UTF-8 speichern.",
        "{format_en} is incomplete or damaged: the text encoding is neither UTF-8 nor "
        "Windows-1252 (e.g. UTF-16). Please save it as UTF-8.",
    ),
    "unreadable_file.attribute": (
        "{format_de} ist unvollständig oder beschädigt: ein Attributwert ist {size_kb} KB lang "
        "(erlaubt: {limit_kb} KB). Bitte nur Gebäudeattribute exportieren.",
        "{format_en} is incomplete or damaged: one attribute value is {size_kb} KB long "
        "(allowed: {limit_kb} KB). Please export building attributes only.",
    ),
    "unsupported_format": (
        "Dateiformat nicht unterstützt ({reason}). Erlaubt sind GeoJSON, GeoPackage, "
        "gezipptes Shapefile, CSV mit Koordinaten und CityGML (LoD2).",
        "File format not supported ({reason}). Allowed are GeoJSON, GeoPackage, zipped "
        "Shapefile, CSV with coordinates and CityGML (LoD2).",
    ),
    "no_features": (
        "Die Datei enthält keine Gebäude. Bitte prüfen, ob die richtige Ebene exportiert wurde.",
        "The file contains no buildings. Please check that the right layer was exported.",
    ),
    "no_geometry": (
        "Die Datei enthält keine Geometrie (keine Geodaten-Ebene). Bitte Gebäude-Umringe "
        "als Polygone liefern.",
        "The file contains no geometry (no spatial layer). Please provide building "
        "footprints as polygons.",
    ),
    "no_geometry.csv": (
        "Die CSV-Datei hat keine Koordinaten: erwartet werden Spalten x/y, lon/lat, "
        "Rechtswert/Hochwert oder eine WKT-Spalte.",
        "The CSV file has no coordinates: expected columns x/y, lon/lat, "
        "Rechtswert/Hochwert or a WKT column.",
    ),
    "non_finite_or_out_of_range_coordinates": (
        "Ungültige Koordinaten (NaN, unendlich oder außerhalb jedes Wertebereichs) in "
        "Objekt {index}. Bitte die Geometrie in QGIS prüfen.",
        "Invalid coordinates (NaN, infinite or out of any range) in feature {index}. "
        "Please check the geometry in QGIS.",
    ),
    "too_complex.vertices_per_feature": (
        "Objekt {index} hat {vertices} Stützpunkte; erlaubt sind höchstens {limit} je "
        "Gebäude. Bitte vereinfachen (QGIS: Vektor › Geometrie-Werkzeuge › Vereinfachen).",
        "Feature {index} has {vertices} vertices; at most {limit} per building are "
        "allowed. Please simplify it (QGIS: Vector › Geometry Tools › Simplify).",
    ),
    "too_complex.vertices_total": (
        "Die Datei hat {vertices} Stützpunkte; erlaubt sind höchstens {limit}. "
        "Bitte auf das Quartier zuschneiden oder vereinfachen.",
        "The file has {vertices} vertices; at most {limit} are allowed. "
        "Please clip it to the quarter or simplify it.",
    ),
    "too_complex.features": (
        "Die Datei hat {features} Objekte; erlaubt sind höchstens {limit}. "
        "Bitte auf das Quartier zuschneiden.",
        "The file has {features} features; at most {limit} are allowed. "
        "Please clip it to the quarter.",
    ),
    "shapefile_incomplete": (
        "Das Shapefile ist unvollständig: {missing} fehlt. Bitte alle Teile (.shp, .shx, "
        ".dbf, .prj, .cpg) zusammen in eine ZIP-Datei packen.",
        "The shapefile is incomplete: {missing} is missing. Please zip all parts "
        "(.shp, .shx, .dbf, .prj, .cpg) together.",
    ),
    "shapefile_incomplete.no_shp": (
        "Die ZIP-Datei enthält keine .shp-Datei (nur {found}). Bitte das ganze Shapefile "
        "(.shp, .shx, .dbf, .prj) zippen.",
        "The ZIP file contains no .shp file (only {found}). Please zip the whole shapefile "
        "(.shp, .shx, .dbf, .prj).",
    ),
    "archive_limits.entries": (
        "Die ZIP-Datei hat {entries} Einträge; erlaubt sind höchstens {limit}.",
        "The ZIP file has {entries} entries; at most {limit} are allowed.",
    ),
    "archive_limits.size": (
        "Die ZIP-Datei würde entpackt {size_mb} MB groß; erlaubt sind höchstens {limit_mb} MB.",
        "The ZIP file would unpack to {size_mb} MB; at most {limit_mb} MB are allowed.",
    ),
    "archive_limits.ratio": (
        "Ein Eintrag der ZIP-Datei ist ungewöhnlich stark komprimiert (1:{ratio}; erlaubt "
        "1:{limit}). Die Datei wird aus Sicherheitsgründen nicht geöffnet.",
        "An entry of the ZIP file is unusually highly compressed (1:{ratio}; allowed "
        "1:{limit}). The file is not opened for safety.",
    ),
    "nested_archive": (
        "Die ZIP-Datei enthält ein weiteres Archiv ({name}). Bitte die Daten direkt zippen.",
        "The ZIP file contains another archive ({name}). Please zip the data directly.",
    ),
    "unsafe_archive_names": (
        "Die ZIP-Datei enthält unzulässige Pfade ({name}). Sie wird nicht geöffnet.",
        "The ZIP file contains unsafe paths ({name}). It is not opened.",
    ),
    "unsafe_crs": (
        "Die Datei verweist für ihr Koordinatensystem auf eine externe Adresse. "
        "Das wird nicht geladen: bitte mit EPSG-Code speichern (z. B. EPSG:25832).",
        "The file refers to an external address for its coordinate system. This is not "
        "loaded: please save it with an EPSG code (e.g. EPSG:25832).",
    ),
    "unsafe_xml": (
        "Die XML-Datei enthält eine DTD oder Entitäten. Das wird aus Sicherheitsgründen "
        "nicht gelesen; CityGML-Kacheln von Geobasis NRW enthalten keine.",
        "The XML file contains a DTD or entities. This is not read for safety; CityGML "
        "tiles of Geobasis NRW contain none.",
    ),
    "outside_region": (
        "Die Gebäude liegen nicht in NRW (Länge {lon_min}–{lon_max}°, Breite "
        "{lat_min}–{lat_max}°). Bitte Koordinatensystem der Datei prüfen.",
        "The buildings are not in NRW (longitude {lon_min}–{lon_max}°, latitude "
        "{lat_min}–{lat_max}°). Please check the file's coordinate system.",
    ),
    "worker_timeout": (
        "Das Lesen der Datei dauerte länger als {seconds} s und wurde abgebrochen. "
        "Bitte auf das Quartier zuschneiden oder vereinfachen.",
        "Reading the file took longer than {seconds} s and was stopped. "
        "Please clip it to the quarter or simplify it.",
    ),
    "worker_memory": (
        "Die Datei braucht zum Lesen mehr als {limit_mb} MB Speicher. "
        "Bitte auf das Quartier zuschneiden oder vereinfachen.",
        "Reading the file needs more than {limit_mb} MB of memory. "
        "Please clip it to the quarter or simplify it.",
    ),
    "worker_crashed": (
        "{format_de} konnte nicht gelesen werden (der Leseprozess brach ab). "
        "Bitte die Datei neu exportieren.",
        "{format_en} could not be read (the reader process stopped). Please export the file again.",
    ),
    "validation_failed": (
        "Die Gebäude passen nach der Zuordnung nicht zum Schema: {problems}",
        "After mapping, the buildings do not fit the schema: {problems}",
    ),
    "internal_error": (
        "Beim Prüfen der Datei ist ein interner Fehler aufgetreten. Bitte die Datei an das "
        "Projektteam schicken; die Arbeitsdaten sind unverändert.",
        "An internal error occurred while checking the file. Please send the file to the "
        "project team; the workspace is unchanged.",
    ),
    # --- choices the user has to make ----------------------------------------------------
    "layer_choice": (
        "Die Datei enthält {count} Ebenen ({names}). Bitte eine Ebene wählen.",
        "The file contains {count} layers ({names}). Please choose one.",
    ),
    "crs_missing": (
        "Die Datei hat kein Koordinatensystem. Koordinaten sehen nach {guess_de} aus; "
        "bitte bestätigen oder ein anderes wählen.",
        "The file has no coordinate system. The coordinates look like {guess_en}; "
        "please confirm or choose another.",
    ),
    "crs_missing.unknown": (
        "Die Datei hat kein Koordinatensystem, und die Koordinaten passen zu keinem in NRW "
        "üblichen System. Bitte das Koordinatensystem wählen.",
        "The file has no coordinate system and the coordinates fit no system common in "
        "NRW. Please choose the coordinate system.",
    ),
    "crs_mismatch": (
        "Koordinaten sehen nach {guess_de} aus, die Datei gibt aber {declared} an. "
        "Bitte bestätigen.",
        "The coordinates look like {guess_en}, but the file states {declared}. Please confirm.",
    ),
    "axis_swapped": (
        "Koordinaten scheinen vertauscht (Breite/Länge). Sollen sie getauscht werden?",
        "Coordinates seem to be swapped (latitude/longitude). Swap them?",
    ),
    # --- warnings of accepted files --------------------------------------------------------
    "null_geometry": (
        (
            "{count} Objekt ohne Geometrie übersprungen",
            "{count} Objekte ohne Geometrie übersprungen",
        ),
        ("{count} feature without geometry skipped", "{count} features without geometry skipped"),
    ),
    "non_polygon": (
        ("{count} Nicht-Fläche ignoriert ({types})", "{count} Nicht-Flächen ignoriert ({types})"),
        ("{count} non-polygon ignored ({types})", "{count} non-polygons ignored ({types})"),
    ),
    "rings_closed": (
        ("{count} offener Ring geschlossen", "{count} offene Ringe geschlossen"),
        ("{count} unclosed ring closed", "{count} unclosed rings closed"),
    ),
    "repaired": (
        (
            "{count} ungültige Geometrie repariert (make_valid)",
            "{count} ungültige Geometrien repariert (make_valid)",
        ),
        ("{count} invalid geometry repaired (make_valid)", "{count} invalid geometries repaired"),
    ),
    "area_changed": (
        "Bei {count} reparierten Geometrien änderte sich die Fläche um mehr als 1 % "
        "(Objekte {indices}): bitte in der Vorschau prüfen.",
        "For {count} repaired geometries the area changed by more than 1 % "
        "(features {indices}): please check the preview.",
    ),
    "degenerate_dropped": (
        ("{count} Fläche ohne Inhalt entfernt", "{count} Flächen ohne Inhalt entfernt"),
        ("{count} empty polygon removed", "{count} empty polygons removed"),
    ),
    "encoding_fallback": (
        "Die Texte sind nicht UTF-8 kodiert{cpg_note}; sie wurden als {encoding} gelesen. "
        "Bitte Umlaute in der Vorschau prüfen.",
        "The texts are not UTF-8 encoded{cpg_note_en}; they were read as {encoding}. "
        "Please check umlauts in the preview.",
    ),
    "no_attributes": (
        "Das Shapefile hat keine .dbf-Datei: Geometrien ohne Attribute übernommen "
        "(keine Attribute).",
        "The shapefile has no .dbf file: geometries taken without attributes.",
    ),
    "outside_ruhr": (
        "Die Daten liegen in NRW, aber außerhalb des Ruhrgebiets. Bitte prüfen.",
        "The data lie in NRW but outside the Ruhr area. Please check.",
    ),
    "crs_zone_prefix": (
        "Rechtswerte mit Zonenkennung 32 erkannt: als ETRS89/UTM 32N mit Zonenkennung "
        "(EPSG:4647) gelesen.",
        "Eastings with zone prefix 32 found: read as ETRS89/UTM 32N with zone prefix (EPSG:4647).",
    ),
    "crs_chosen": (
        "Koordinatensystem {crs} wie gewählt verwendet.",
        "Coordinate system {crs} used as chosen.",
    ),
    "axes_swapped": (
        "Breite und Länge wurden wie gewählt getauscht.",
        "Latitude and longitude were swapped as chosen.",
    ),
    "point_footprint": (
        (
            "{count} Gebäude nur als Punkt: als Quadrat von {area_m2} m² dargestellt (Annahme).",
            "{count} Gebäude nur als Punkt: als Quadrate von {area_m2} m² dargestellt (Annahme).",
        ),
        (
            "{count} building given as a point: drawn as a {area_m2} m² square (assumption).",
            "{count} buildings given as points: drawn as {area_m2} m² squares (assumption).",
        ),
    ),
    "citygml_no_footprint": (
        (
            "{count} Gebäude ohne Grundriss übersprungen",
            "{count} Gebäude ohne Grundriss übersprungen",
        ),
        (
            "{count} building without footprint skipped",
            "{count} buildings without footprint skipped",
        ),
    ),
}


def render(key: str, params: dict[str, Any] | None = None) -> tuple[str, str]:
    """German and English text of ``key`` filled with ``params``.

    Unknown keys fall back to the code part; a missing parameter renders as ``?`` rather
    than raising, because a message must never turn a domain result into an exception.

    >>> render("null_geometry", {"count": 1})[0]
    '1 Objekt ohne Geometrie übersprungen'
    >>> render("non_polygon", {"count": 2, "types": "Point, LineString"})[0]
    '2 Nicht-Flächen ignoriert (Point, LineString)'
    """
    params = dict(params or {})
    fmt = params.get("format", "file")
    names = FORMAT_NAMES.get(str(fmt), FORMAT_NAMES["file"])
    params.setdefault("format_de", names[0])
    params.setdefault("format_en", names[1])
    entry = MESSAGES.get(key) or MESSAGES.get(key.split(".")[0])
    if entry is None:
        return key, key
    return _fill(entry[0], params), _fill(entry[1], params)


class _Lenient(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


def _fill(template: _T, params: dict[str, Any]) -> str:
    if isinstance(template, tuple):
        template = template[0] if params.get("count") == 1 else template[1]
    return template.format_map(_Lenient(params))
