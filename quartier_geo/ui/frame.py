"""The app frame: page config, navigation, the shared sidebar and the mode's styling.

Called by ``app.py`` before ``pg.run()``; pages read the shared choices through
:func:`context`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from quartier_geo.base.access import Access
from quartier_geo.base.errors import QuartierGeoError
from quartier_geo.base.i18n import LANGS, Lang, t
from quartier_geo.base.modes import Mode, can_edit, current_mode
from quartier_geo.data.store import WorkspaceState
from quartier_geo.ui import auth, state
from quartier_geo.ui.data import Bundle, current, new_run, programme, workspace
from quartier_geo.ui.widgets import md_escape, quarter_label

STATIC = Path(__file__).resolve().parents[2] / "static"
log = logging.getLogger(__name__)

__all__ = [
    "NARROW_ONLY",
    "NARROW_PX",
    "WIDE_ONLY",
    "Context",
    "configure",
    "context",
    "current_lang",
    "navigation",
    "programme_quarter",
    "reads_drafts",
    "sidebar",
]

#: (file, title key, URL path). The files live in ``app_pages/``, not ``pages/``: Streamlit
#: auto-discovers a ``pages/`` folder and shows its own navigation on a cold server.
#: The first page is the default, served at ``/``; :func:`navigation` keeps its URL path
#: as a hidden alias that forwards to ``/``.
#: No page icons: Streamlit would fetch them as favicons from a font CDN.
_PAGES = (
    ("app_pages/uebersicht.py", "page_overview", "uebersicht"),
    ("app_pages/quartierskarte.py", "page_quarter_map", "quartierskarte"),
    ("app_pages/sanierung.py", "page_refurbishment", "sanierung"),
    ("app_pages/versorgung.py", "page_supply", "versorgung"),
    ("app_pages/waermeplanung.py", "page_heatplan", "waermeplanung"),
    ("app_pages/projektphasen.py", "page_phases", "projektphasen"),
    ("app_pages/jury.py", "page_jury", "jury"),
    ("app_pages/projekttisch.py", "page_projekttisch", "projekttisch"),
    ("app_pages/daten.py", "page_data", "daten"),
    ("app_pages/methodik.py", "page_methods", "methodik"),
)

#: Key prefixes of containers shown only on a wide screen or only on a phone
#: (``st.container(key=WIDE_ONLY + "matrix")``): a chart too dense for a phone and the
#: table that replaces it there.
WIDE_ONLY = "qg_wide_"
NARROW_ONLY = "qg_narrow_"
#: Window width (px) below which the phone layout applies.
NARROW_PX = 640

_SCREEN_CSS = f"""
<style>
@media (max-width: {NARROW_PX}px) {{ [class*="st-key-{WIDE_ONLY}"] {{ display: none; }} }}
@media (min-width: {NARROW_PX + 1}px) {{ [class*="st-key-{NARROW_ONLY}"] {{ display: none; }} }}
</style>
"""

_WORKSHOP_CSS = """
<style>
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li,
[data-testid="stCaptionContainer"], [data-testid="stWidgetLabel"] p,
[data-testid="stTable"] td, [data-testid="stTable"] th { font-size: 1.3rem !important; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] p,
[data-testid="stMetricValue"] div { font-size: 3rem !important; }
[data-testid="stMetricLabel"] p { font-size: 1.2rem !important; }
h1 { font-size: 3rem !important; }
h2, h3 { font-size: 2rem !important; }
[data-testid="stSelectbox"] input, [data-testid="stMultiSelect"] input,
[data-testid="stDateInput"] input, [role="listbox"] [role="option"],
[data-baseweb="select"] div, [data-baseweb="input"] input, [data-baseweb="popover"] li,
[data-testid="stButtonGroup"] button p, [data-testid="stBaseButton-secondary"] p,
[data-testid="stExpander"] summary p, [data-testid="stTable"] td, [data-testid="stTable"] th,
[data-testid="stSliderThumbValue"], [data-testid="stTickBar"] div { font-size: 1.3rem !important; }
</style>
"""

#: Accessibility, all modes (tests/browser/test_a11y.py, WCAG 2.1 AA). Streamlit draws
#: captions at opacity 0.6 (grey text at 3.8:1, links in captions at 3.0:1 against the
#: background) and Plotly's tick labels and axis titles in #808495 (3.7:1); AA needs 4.5:1.
#: Both become an opaque grey of 5.3:1 on the sidebar's grey, 6:1 on white.
_A11Y_CSS = """
<style>
[data-testid="stCaptionContainer"] { opacity: 1 !important; color: #66625c !important; }
.js-plotly-plot .xtick text, .js-plotly-plot .ytick text, .js-plotly-plot .g-xtitle text,
.js-plotly-plot .g-ytitle text, .js-plotly-plot .cbaxis text,
.js-plotly-plot .cbtitle text { fill: #66625c !important; }
</style>
"""

#: The document's language (Streamlit's page says ``lang="en"``, so a screen reader would
#: read the German interface with English pronunciation) and a name for the frames of
#: clickable maps (streamlit-folium's frame is called "streamlit_folium.st_folium"). The
#: frames come and go with reruns: an observer names each new one.
_A11Y_JS = """
<script>
(() => {
  document.documentElement.lang = %(lang)s;
  window.__qgMapTitle = %(title)s;
  if (window.__qgFrameNamer) { window.__qgFrameNamer(); return; }
  // a box that scrolls (a wide table on a phone, a static table) must be reachable by
  // keyboard: it gets a tab stop unless it holds something focusable itself
  const focusable = 'a[href],button,input,select,textarea,[tabindex]';
  const scrollers = () => {
    const boxes = ['stTable', 'stMarkdownContainer', 'stHtml']
      .map((id) => `[data-testid="${id}"] div`).join(',');
    for (const el of document.querySelectorAll(boxes)) {
      const st = getComputedStyle(el);
      const scrolls = /(auto|scroll)/.test(st.overflowX + st.overflowY)
        && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1);
      if (scrolls && !el.hasAttribute('tabindex') && !el.querySelector(focusable)) {
        el.setAttribute('tabindex', '0');
      }
    }
  };
  let pending = false;
  const name = () => {
    for (const f of document.querySelectorAll('iframe[src*="streamlit_folium"]')) {
      if (f.title !== window.__qgMapTitle) { f.title = window.__qgMapTitle; }
    }
    if (!pending) {
      pending = true;
      requestAnimationFrame(() => { pending = false; scrollers(); });
    }
  };
  window.__qgFrameNamer = name;
  new MutationObserver(name).observe(document.body, {
    childList: true, subtree: true, attributes: true, attributeFilter: ['title'],
  });
  name();
})();
</script>
"""


def _a11y_head(lang: Lang) -> str:
    """The accessibility CSS and script of every page (see :data:`_A11Y_JS`)."""
    code = lang if lang in LANGS else "de"

    def js(text: str) -> str:  # a JS string literal that cannot end the script element
        return json.dumps(text).replace("<", "\\u003c")

    return _A11Y_CSS + _A11Y_JS % {
        "lang": js(code),
        "title": js(t("map_frame_title", code)),
    }


@dataclass(frozen=True)
class Context:
    """The shared choices of one run: language, mode, selected quarter, the data, and who
    is visiting (login state and role, :mod:`quartier_geo.ui.auth`)."""

    lang: Lang
    mode: Mode
    quarter_id: int
    data: Bundle
    #: False where the workspace cannot be written (read-only, damaged, unreachable)
    writable: bool = True
    #: login state and role of the visitor; ``None`` (unknown) never edits
    access: Access | None = None

    def t(self, key: str) -> str:
        """The UI text ``key`` in this run's language."""
        return t(key, self.lang)

    @property
    def public(self) -> bool:
        return self.mode is Mode.PUBLIC

    @property
    def workshop(self) -> bool:
        return self.mode is Mode.WORKSHOP

    @property
    def planner(self) -> bool:
        return self.mode is Mode.PLANNER

    @property
    def can_edit(self) -> bool:
        """True where edits may be saved: planner mode, a writable workspace, and a visitor
        who may edit (a logged-in planner; without a login, a server bound to loopback)."""
        return (
            can_edit(self.mode)
            and self.writable
            and self.access is not None
            and self.access.may_edit
        )

    @property
    def sees_audit(self) -> bool:
        """True for who may see the change log: planner mode and a visitor who may edit
        (also while the workspace is read-only)."""
        return self.planner and self.access is not None and self.access.may_edit

    @property
    def quarter(self) -> pd.Series:
        """The selected quarter's row (index quarter_id)."""
        return self.data.quarter(self.quarter_id)

    @property
    def quarter_name(self) -> str:
        """ "Municipality – name" of the selected quarter (for titles)."""
        return quarter_label(self.quarter, self.lang)

    @property
    def reads_drafts(self) -> bool:
        """True where the planners' drafts (edits, own areas) may be shown: see
        :func:`reads_drafts`."""
        return reads_drafts(self.mode, self.access)

    @cached_property
    def programme(self) -> Mapping[str, pd.DataFrame]:
        """The programme tables this audience sees: with the planners' edits (drafts) only
        where drafts may be read. Read once per run (each run builds a new Context)."""
        return programme(drafts=self.reads_drafts)

    @property
    def own_area(self) -> bool:
        """True when the selection is a planner's own (imported) area, no programme quarter."""
        return self.data.is_area(self.quarter_id)


def configure() -> Mode:
    """Set the page config once; return the server's mode."""
    mode = current_mode()
    st.set_page_config(
        page_title="Quartiere Ruhr",
        page_icon=str(STATIC / "favicon.png"),
        layout="wide",
        initial_sidebar_state="collapsed" if mode is Mode.WORKSHOP else "auto",
        menu_items={"About": "Quartiere Ruhr – InnovationCity roll out (2016–2019)"},
    )
    st.html(_SCREEN_CSS)
    if mode is Mode.WORKSHOP:
        st.html(_WORKSHOP_CSS)
    if mode is not Mode.PLANNER:
        # belt and braces to deploy/*.env: no tracebacks, no developer menu for the audience
        st.set_option("client.showErrorDetails", "none")
        st.set_option("client.toolbarMode", "viewer")
    return mode


def current_lang() -> Lang:
    """The language of this run (URL on first visit, then the sidebar switch)."""
    return state.init_from_query(state.LANG, "de", options=list(LANGS))


def navigation(lang: Lang) -> Any:
    """The app's navigation; returns the page to run.

    Every page has one URL; the default page's is ``/`` (Streamlit serves the default page
    there only). Its own path (``/uebersicht``: typed, or kept from an older version) opens
    a hidden alias page that forwards to ``/`` with the same query, instead of Streamlit's
    "page not found" dialog.
    """
    (home_file, home_key, home_url), *rest = _PAGES
    title = t(home_key, lang)
    # url paths must be unique, also the default page's: it gets a private one, never shown
    home = st.Page(home_file, title=title, url_path="start", default=True)
    pages = [st.Page(path, title=t(key, lang), url_path=url) for path, key, url in rest]
    alias = st.Page(_forward_home, title=title, url_path=home_url, visibility="hidden")
    page = st.navigation([home, *pages, alias], position="sidebar")
    if page.url_path == alias.url_path:
        st.switch_page(home, query_params=st.query_params.to_dict())
    return page


def _forward_home() -> None:  # pragma: no cover - navigation() switches before it runs
    """The body of the alias page (never runs: :func:`navigation` forwards first)."""


def reads_drafts(mode: Mode, access: Access | None) -> bool:
    """Drafts (edits, own areas) are for the planners' server only, and there for logged-in
    people (planners and viewers) where a login is configured, otherwise only at a server
    bound to loopback. Workshop and public servers never show them."""
    if mode is not Mode.PLANNER or access is None:
        return False
    return access.logged_in if access.login else access.local


def sidebar(mode: Mode) -> Context:
    """The cross-page widgets: quarter, language; the mode and the demo-data note."""
    new_run()  # the published snapshot is read once per run, afresh in every run
    data = _data_or_stop()
    access = auth.resolve()
    # own (imported) areas are listed after the programme's quarters: on the planners'
    # server the drafts, to those who may read drafts; on public and workshop servers the
    # published ones (the only ones they load, see data.current)
    shows_areas = mode is not Mode.PLANNER or reads_drafts(mode, access)
    ids = data.quarter_ids + (data.area_ids if shows_areas else [])
    state.init_from_query(state.LANG, "de", options=list(LANGS))
    state.init_from_query(state.QUARTER, ids[0], options=ids, parse=int)
    if state.get(state.QUARTER, ids[0]) not in ids:  # an area deleted in another session
        st.session_state[state.QUARTER] = ids[0]
    lang: Lang = state.get(state.LANG, "de")
    names = data.quarters.set_index("quarter_id")
    with st.sidebar:
        st.html(_a11y_head(lang), unsafe_allow_javascript=True)
        st.markdown(f"### {t('app_title', lang)}")
        st.selectbox(
            t("quarter", lang),
            ids,
            format_func=lambda q: quarter_label(data.quarter(q), lang),
            **state.widget_kwargs(state.QUARTER),
        )
        st.segmented_control(
            t("language", lang),
            list(LANGS),
            format_func=lambda code: t("language_name", code),
            **state.widget_kwargs(state.LANG),
        )
        st.caption(
            f"{t('mode', lang)}: **{t('mode_' + mode.value, lang)}** – "
            f"{t('mode_note_' + mode.value, lang)}"
        )
        st.caption(t("synthetic_note", lang))
    state.write_query(state.QUARTER, state.LANG)
    qid = int(state.get(state.QUARTER, ids[0]))
    if mode is Mode.WORKSHOP:
        qid = _tour(data.quarter_ids, qid, names, lang)
    ws = workspace()
    if mode is Mode.PLANNER and not ws.writable:
        reason = ws.reason[LANGS.index(lang)] if ws.reason else ""
        key = "workspace_read_only" if ws.state is WorkspaceState.READ_ONLY else "workspace_down"
        st.warning(t(key, lang).format(reason=reason), icon=":material/lock:")
    auth.show(access, mode=mode, lang=lang)
    ctx = Context(
        lang=lang, mode=mode, quarter_id=qid, data=data, writable=ws.writable, access=access
    )
    st.session_state["_context"] = ctx
    return ctx


def _data_or_stop() -> Bundle:
    """The data of this run; if they cannot be loaded (database down, GeoPackage missing),
    say what is wrong and what to do, and stop the run (nothing is cached: the next run
    tries again)."""
    try:
        return current()
    except QuartierGeoError as exc:
        lang: Lang = state.get(state.LANG, "de")
        log.error("data unavailable: %s", exc)
        st.error(t("data_unavailable", lang).format(reason=str(exc)), icon=":material/error:")
        st.stop()
        raise  # st.stop() raises; this line is for the type checker


def _select(quarter_id: int) -> None:
    st.session_state[state.QUARTER] = quarter_id
    st.session_state[f"_w_{state.QUARTER}"] = quarter_id
    st.query_params[state.QUARTER] = str(quarter_id)


def _tour(ids: list[int], qid: int, names: object, lang: Lang) -> int:
    """Workshop: a guided tour from quarter to quarter (previous / next) above every page."""
    i = ids.index(qid)
    prev_col, mid, next_col = st.columns([1, 4, 1])
    prev_col.button(
        "◀ " + t("tour_prev", lang),
        key="tour_prev",
        on_click=_select,
        args=(ids[(i - 1) % len(ids)],),
        width="stretch",
    )
    next_col.button(
        t("tour_next", lang) + " ▶",
        key="tour_next",
        on_click=_select,
        args=(ids[(i + 1) % len(ids)],),
        width="stretch",
    )
    row = names.loc[qid]  # type: ignore[attr-defined]
    position = t("tour_position", lang).format(n=i + 1, total=len(ids))
    mid.markdown(f"**{position}: {md_escape(row['municipality'])} – {md_escape(row['name'])}**")
    return qid


def programme_quarter(ctx: Context) -> bool:
    """True for a programme quarter; for an own area, say plainly why a part does not apply."""
    if ctx.own_area:
        st.info(t("own_area_not_programme", ctx.lang).format(name=ctx.quarter["name"]))
        return False
    return True


def context() -> Context:
    """The context that :func:`sidebar` set in this run (app.py runs it before every page)."""
    ctx = st.session_state.get("_context")
    if ctx is None:
        raise RuntimeError("frame.context() needs frame.sidebar(): run the app through app.py")
    return ctx
