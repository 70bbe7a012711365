"""Accessibility checks of the browser tests: axe-core and the keyboard.

axe-core comes from npm (``package.json`` pins it, ``package-lock.json`` fixes the build,
``.ci/run`` installs it with ``npm ci`` into ``node_modules/``, which git ignores). It is
injected into the page and into each same-origin frame (the map iframes) and run there;
violations of impact "serious" or "critical" fail. :data:`AXE_IGNORE` lists the only
exceptions, each a rule and a selector with the reason it cannot be fixed from the app.

The keyboard check presses Tab from the top of the page and records which of the visible,
enabled controls of the sidebar and the main area received the focus.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from tests.browser.harness import ROOT, wait_idle

#: axe-core from npm (package.json pins it; .ci/run installs it with ``npm ci``).
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: Impacts that fail the accessibility check (axe's scale: minor, moderate, serious, critical).
AXE_FAILING = ("serious", "critical")
#: Violations that come from Streamlit's own frontend and cannot be fixed from the app:
#: rule id -> CSS selectors (``closest``) of the nodes that are not counted.
AXE_IGNORE: dict[str, tuple[str, ...]] = {
    # The label of a disabled widget (Daten: "CSV-Variante" while the format is not CSV).
    # Streamlit greys it out and hides it from assistive technology (aria-hidden; the input
    # carries the name as aria-label), so axe cannot tell that it labels a disabled control.
    # WCAG 1.4.3 exempts inactive components; enabled labels are still checked.
    "color-contrast": ('label[data-testid="stWidgetLabel"][disabled]',),
}

_AXE_RUN_JS = """async () => {
    const r = await axe.run(document, {resultTypes: ['violations'], iframes: false});
    return r.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.join(' '), impact: n.impact,
                                  html: n.html.slice(0, 200),
                                  summary: (n.failureSummary || '').slice(0, 300)}))
    }));
}"""


def axe_violations(
    page: Any, *, ignore: Mapping[str, tuple[str, ...]] | None = None
) -> list[dict[str, Any]]:
    """axe-core's violations in the page and in each same-origin frame (map iframes).

    axe is injected into every frame separately and runs with ``iframes: false`` (the
    frames are checked on their own, each with its frame's URL in the result). ``ignore``
    maps a rule id to CSS selectors whose nodes are not counted for that rule (documented
    exceptions only). Returns one dict per (frame, rule, node): frame, id, impact, help,
    target, html, summary.
    """
    if not AXE_JS.exists():  # a failure, not a skip: the check would silently go missing
        pytest.fail(f"{AXE_JS} is missing: run `npm ci` (package.json; .ci/run does)")
    source = AXE_JS.read_text(encoding="utf-8")
    ignore = ignore or {}
    out: list[dict[str, Any]] = []
    for frame in page.frames:
        try:
            if not frame.evaluate("() => !!document.body"):
                continue
            if not frame.evaluate("() => !!window.axe"):
                frame.add_script_tag(content=source)
            found = frame.evaluate(_AXE_RUN_JS)
        except Exception as e:  # a cross-origin frame: say so, do not hide it
            if frame is page.main_frame:
                raise
            if frame.is_detached():  # replaced by a rerun meanwhile: nothing left to check
                continue
            out.append(
                {
                    "frame": frame.url[:80],
                    "id": "axe-not-run",
                    "impact": "n/a",
                    "help": str(e)[:200],
                    "target": "",
                    "html": "",
                    "summary": "",
                }
            )
            continue
        where = "top" if frame is page.main_frame else (frame.name or frame.url[:60])
        for v in found:
            for n in v["nodes"]:
                skip = ignore.get(v["id"], ())
                if skip and frame.evaluate(
                    "([t, sels]) => { const el = document.querySelector(t);"
                    " return !!el && sels.some(s => el.closest(s)); }",
                    [n["target"], list(skip)],
                ):
                    continue
                out.append(
                    {
                        "frame": where,
                        "id": v["id"],
                        "impact": n["impact"] or v["impact"],
                        "help": v["help"],
                        "target": n["target"],
                        "html": n["html"],
                        "summary": n["summary"],
                    }
                )
    return out


#: Marks every visible, enabled control of the sidebar and the main area with
#: ``data-kb``; returns {id: description}. Radio buttons of one group and the tabs of one
#: tab list count as one control (Tab enters the group once, arrow keys move inside it).
_MARK_CONTROLS_JS = """() => {
    const sel = 'button, input, select, textarea, a[href], [role="slider"], [role="combobox"],'
              + ' [role="switch"], [role="checkbox"], [role="radio"], [role="tab"]';
    const roots = [...document.querySelectorAll(
        '[data-testid="stSidebar"], [data-testid="stMain"]')];
    const out = {};
    let n = 0;
    const groups = {};
    for (const root of roots) {
        for (const el of root.querySelectorAll(sel)) {
            if (el.disabled || el.getAttribute('aria-disabled') === 'true') { continue; }
            if (el.closest('[aria-hidden="true"], [inert]')) { continue; }
            if (el.type === 'hidden') { continue; }
            const r = el.getBoundingClientRect();
            if (!r.width || !r.height
                || !el.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true})) {
                continue;
            }
            // the "Open" and "Remove" buttons of select boxes (react-aria composites) are
            // out of the Tab order by design: the box's input or tag takes the focus and
            // the keys open or remove
            if (el.getAttribute('tabindex') === '-1' && el.closest('[data-rac][role="group"]')) {
                continue;
            }
            let id;
            const role = el.getAttribute('role');
            const box = role === 'tab' ? el.closest('[role="tablist"]')
                      : role === 'radio' ? el.closest('[role="radiogroup"]') : null;
            const group = (el.type === 'radio' && el.name) ? 'radio:' + el.name
                        : box ? role + ':' + [...document.querySelectorAll('[role]')].indexOf(box)
                        : null;
            if (group) {
                if (!(group in groups)) { groups[group] = 'c' + (n++); }
                id = groups[group];
            } else {
                id = 'c' + (n++);
            }
            el.setAttribute('data-kb', id);
            const name = el.getAttribute('aria-label') || el.innerText || el.value
                       || el.title || '';
            out[id] = `${root.dataset.testid} ${el.tagName.toLowerCase()}`
                    + `${el.getAttribute('role') ? '[role=' + el.getAttribute('role') + ']' : ''}`
                    + ` "${String(name).trim().slice(0, 60)}"`;
        }
    }
    return out;
}"""

_ACTIVE_JS = """() => {
    const a = document.activeElement;
    if (!a || a === document.body) { return 'body'; }
    if (a.tagName === 'IFRAME') { return 'iframe:' + (a.title || ''); }
    return a.getAttribute('data-kb') || ('other:' + a.tagName.toLowerCase());
}"""


def keyboard_unreached(page: Any, *, max_presses: int = 400) -> tuple[list[str], int]:
    """Visible controls of the sidebar and main area that pressing Tab never focuses.

    Starts with nothing focused and presses Tab until focus has come back to the first
    control it reached (one full round, frames included: a frame that kept the focus for
    good would end the round early and leave the rest unreached) or ``max_presses``.
    Returns (descriptions of unreached controls, number of presses).
    """
    controls: dict[str, str] = page.evaluate(_MARK_CONTROLS_JS)
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
    seen: set[str] = set()
    first: str | None = None
    presses = 0
    for presses in range(1, max_presses + 1):  # noqa: B007
        page.keyboard.press("Tab")
        active = page.evaluate(_ACTIVE_JS)
        if active.startswith("c"):
            if active == first and len(seen) > 1:
                break
            first = first or active
            seen.add(active)
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
    return [d for k, d in controls.items() if k not in seen], presses


def axe_problems(page: Any, where: str) -> list[str]:
    """axe violations of impact serious or critical, one line each, of the page at rest.

    A rerun that starts while axe runs (a map component reporting its first view) shows
    Streamlit's run indicator for a moment, whose "Stop" button is Streamlit's transient
    chrome: where axe finds something, the check waits for the run to end and looks again,
    three times at most. A violation of the page itself is found every time and fails.
    """
    found: list[str] = []
    for _ in range(3):
        wait_idle(page)
        found = _axe_lines(page, where)
        if not found:
            return found
    return found


def _axe_lines(page: Any, where: str) -> list[str]:
    return [
        f"{where} axe {v['impact']} {v['id']} in {v['frame']}: {v['target']} "
        f"{v['html'][:120]!r} – {v['summary'][:200]}"
        for v in axe_violations(page, ignore=AXE_IGNORE)
        if v["impact"] in AXE_FAILING or v["id"] == "axe-not-run"
    ]


_FRAME_NAMES_JS = """() => [...document.querySelectorAll('iframe')]
    .filter(f => f.getBoundingClientRect().width > 0)
    .map(f => f.title || '')"""


def unnamed_frames(page: Any) -> list[str]:
    """Visible frames whose name says nothing to a screen reader: none, or Streamlit's
    defaults ("st.iframe", "<package>.<component>" of a component such as streamlit-folium)."""
    return [
        repr(n)
        for n in page.evaluate(_FRAME_NAMES_JS)
        if not n.strip() or n == "st.iframe" or n.startswith("streamlit_")
    ]


def page_lang(page: Any) -> str:
    """The ``lang`` of the top document (what a screen reader pronounces the page in)."""
    return str(page.evaluate("() => document.documentElement.lang"))
