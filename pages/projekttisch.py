"""Projekttisch Ruhr: meetings, lessons learned, similar quarters for knowledge transfer."""

import streamlit as st

from quartier_geo.base.i18n import t
from quartier_geo.domain import phases, selection
from quartier_geo.ui import frame, widgets
from quartier_geo.ui.data import jury_criteria

ctx = frame.context()
lang, data, qid = ctx.lang, ctx.data, ctx.quarter_id
names = data.quarters.set_index("quarter_id")
suffix = "de" if lang == "de" else "en"
labels = phases.LABELS[lang]


def quarter_names(ids: object) -> str:
    out = []
    for part in str(ids or "").split(","):
        part = part.strip()
        if part.isdigit() and int(part) in names.index:
            out.append(str(names.loc[int(part), "municipality"]))
    return ", ".join(out) if out else "–"


st.title(t("page_projekttisch", lang))
st.caption(t("projekttisch_intro", lang))

st.subheader(t("meetings", lang))
meetings = data.programme["meetings"].copy()
meetings["quarter_names"] = [quarter_names(v) for v in meetings["quarters"]]
meetings["date_label"] = [widgets.fmt_date(str(v)[:10], lang) for v in meetings["date"]]
meetings["status_label"] = meetings["date_status"].map(labels).fillna(meetings["date_status"])
widgets.table(
    meetings,
    columns={
        "number": ("Nr.", None, None),
        "date_label": (t("date", lang), None, 0),
        "place": (t("place", lang), None, 0),
        f"topics_{suffix}": (t("topics", lang), None, 0),
        "quarter_names": (t("quarters", lang), None, 0),
        "status_label": (t("date_quality", lang), None, 0),
        "source": (t("source", lang), None, 0),
    },
    lang=lang,
    static=True,
)

st.subheader(t("lessons", lang))
for row in data.programme["lessons"].itertuples():
    text = getattr(row, f"text_{suffix}")
    st.markdown(f"- {widgets.md_escape(text)}")
    st.caption(
        f"{t('source', lang)}: {widgets.source_links(row.source)} "
        f"({widgets.md_escape(labels.get(row.status, row.status))})"
    )

quarter = names.loc[qid]
st.subheader(
    t("similar_quarters", lang).format(name=f"{quarter['municipality']} – {quarter['name']}")
)
similar = selection.similar_quarters(jury_criteria(), qid, n=3).join(
    names[["name", "municipality"]]
)
similar["label"] = similar["municipality"] + " – " + similar["name"]
widgets.table(
    similar.reset_index(),
    columns={
        "label": (t("quarter", lang), None, 0),
        "distance": (t("distance", lang), None, 2),
        f"reasons_{suffix}": (t("reasons", lang), None, 0),
    },
    lang=lang,
    static=True,
)
st.caption(t("similar_note", lang))
