"""Schools page: add, edit, move, close or reopen a school; its history (editors only).

Every change goes through the school database with optimistic locking: the
version shown when a school is opened is the one the save names, so a change
made meanwhile by someone else is refused with what they changed.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import streamlit as st

from mapping.errors import MappingError
from mapping.i18n import t
from mapping.numbers import format_auto
from mapping.provenance import quality_label, source_label
from mapping.roles import Actor
from mapping.schema import CYCLES, SECTORS
from mapping.store import EditConflict, SchoolRecord, Store
from ui import auth, state
from ui.mapview import places

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")
_TEXT_FIELDS = ("name_fr", "name_ar", "kind", "parent_id", "status", "source",
                "location_quality", "capacity_quality")
_NUMBER_FIELDS = ("classrooms", "seats", "pupils", "pupils_girls", "year")
_CENTRE = (31.63, -8.0)


def _label(field: str) -> str:
    """The field's name in the interface language: the label of its input."""
    return state.t(f"report.field.{field}")


def _help(field: str) -> str:
    """The field's column name in registry files, shown as the help of its input."""
    return state.t("store.schools.column", column=field)


def _md(text: object) -> str:
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def _seen_key(school_id: str) -> str:
    return f"school_seen_{school_id}"


def _seen(record: SchoolRecord) -> int:
    """The version this session opened (kept across reruns until a save or a reload)."""
    key = _seen_key(record.school_id)
    if key not in st.session_state:
        st.session_state[key] = record.row_version
    return int(st.session_state[key])


def _saved(record: SchoolRecord) -> None:
    st.session_state[_seen_key(record.school_id)] = record.row_version
    st.success(state.t("store.schools.saved", version=record.row_version))


def _run(action: Any, *args: Any) -> SchoolRecord | None:
    try:
        record: SchoolRecord = action(*args)
    except EditConflict as exc:
        st.error(state.t("store.schools.conflict", message=_md(exc)))
        return None
    except MappingError as exc:
        st.error(_md(exc))
        return None
    return record


def _click_map(key: str, lat: float, lon: float,
               fill: tuple[str, str] | None = None) -> tuple[float, float] | None:
    """A small map to place the school; returns the clicked point (lat, lon), if any.

    The persistent map in "add" mode: a click comes back as its ``map_click``
    event, is drawn on the map and kept until the next click. *fill* names the
    keys ``(lon_key, lat_key)`` of keyed number inputs that the click fills
    (a keyed widget keeps its own value otherwise).
    """
    return places.place_map(key, lat, lon, fill=fill, height=320)


def _edit(store: Store, who: Actor, record: SchoolRecord) -> None:
    seen = _seen(record)
    s = record.state
    st.caption(state.t("store.schools.version", version=record.row_version,
                       by=_md(record.updated_by),
                       at=dt.datetime.fromtimestamp(record.updated_at, dt.UTC)
                       .strftime("%Y-%m-%d %H:%M UTC")))
    if not record.active:
        st.warning(state.t("store.schools.closed"))
    reason = st.text_input(state.t("store.schools.reason"), key=f"reason_{record.school_id}")
    with st.form(f"edit_{record.school_id}"):
        changes: dict[str, object] = {}
        for name in _TEXT_FIELDS:
            changes[name] = st.text_input(_label(name), value=s.get(name) or "", help=_help(name),
                                          key=f"edit_{name}_{record.school_id}")
        cycle = s.get("cycle")
        lang = state.lang()
        changes["cycle"] = st.selectbox(_label("cycle"), CYCLES, help=_help("cycle"),
                                        key=f"edit_cycle_{record.school_id}",
                                        format_func=lambda c: t(f"cycle.{c}", lang),
                                        index=CYCLES.index(cycle) if cycle in CYCLES else 0)
        sector = s.get("sector")
        changes["sector"] = st.selectbox(_label("sector"), SECTORS, help=_help("sector"),
                                         key=f"edit_sector_{record.school_id}",
                                         format_func=lambda c: t(f"sector.{c}", lang),
                                         index=SECTORS.index(sector) if sector in SECTORS else 0)
        for name in _NUMBER_FIELDS:
            value = s.get(name)
            changes[name] = st.number_input(_label(name),
                                            value=None if value is None else float(value),
                                            min_value=0.0, step=1.0, help=_help(name),
                                            key=f"edit_{name}_{record.school_id}")
        if st.form_submit_button(state.t("store.schools.save"), type="primary"):
            done = _run(store.edit_school, who, record.school_id,
                        {k: (v if v != "" else None) for k, v in changes.items()}, seen,
                        reason or None)
            if done is not None:
                _saved(done)
    st.subheader(state.t("store.schools.move"))
    lat0, lon0 = float(s.get("lat") or _CENTRE[0]), float(s.get("lon") or _CENTRE[1])
    lon_key, lat_key = f"move_lon_{record.school_id}", f"move_lat_{record.school_id}"
    st.session_state.setdefault(lon_key, lon0)  # a map click then fills both inputs
    st.session_state.setdefault(lat_key, lat0)
    _click_map(f"move_map_{record.school_id}", lat0, lon0, fill=(lon_key, lat_key))
    c1, c2, c3 = st.columns(3)
    lon = c1.number_input(_label("lon"), format="%.5f", key=lon_key, help=_help("lon"))
    lat = c2.number_input(_label("lat"), format="%.5f", key=lat_key, help=_help("lat"))
    if c3.button(state.t("store.schools.move"), key=f"move_{record.school_id}"):
        done = _run(store.move_school, who, record.school_id, float(lon), float(lat), seen,
                    reason or None)
        if done is not None:
            _saved(done)
    if record.active:
        if st.button(state.t("store.schools.close"), key=f"close_{record.school_id}"):
            done = _run(store.close_school, who, record.school_id, seen, reason or None)
            if done is not None:
                _saved(done)
    elif st.button(state.t("store.schools.reopen"), key=f"reopen_{record.school_id}"):
        done = _run(store.reopen_school, who, record.school_id, seen, reason or None)
        if done is not None:
            _saved(done)
    st.subheader(state.t("store.schools.history"))
    history = store.history(record.school_id)
    lang = state.lang()
    for col in ("before", "after"):  # mixed text and numbers: shown as text
        history[col] = [_history_cell(f, v, lang)
                        for f, v in zip(history["field"], history[col], strict=True)]
    fields = history["field"].copy()
    history["field"] = [_word(f"report.field.{v}", v) for v in fields]
    history["operation"] = [_word(f"table.op.{v}", v) for v in history["operation"]]
    history["at"] = [v.strftime("%Y-%m-%d %H:%M") if hasattr(v, "strftime") and v == v
                     else "" for v in history["at"]]
    heads = {c: f"table.col.{c}" for c in ("change_id", "at", "account", "delivery_id",
                                            "reason", "field", "before", "after")}
    heads["operation"] = "table.col.change"
    st.dataframe(history, hide_index=True, width="stretch",
                 column_config={c: st.column_config.Column(state.t(k))
                                for c, k in heads.items() if c in history})


def _word(key: str, value: object) -> object:
    """The translation of *key*, or *value* itself when the catalogue has none."""
    if value is None or value != value:
        return ""
    text = state.t(key)
    return value if text == key else text


def _history_cell(field: object, value: object, lang: str) -> str:
    """A value of the change log as a person reads it (numbers and provenance in *lang*)."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_auto(value, lang)
    if field == "source":
        return source_label(value, lang)
    if field in ("location_quality", "capacity_quality"):
        return quality_label(str(value), lang)
    return str(value)


def _add(store: Store, who: Actor) -> None:
    st.subheader(state.t("store.schools.add"))
    st.caption(state.t("store.schools.map_click"))
    st.session_state.setdefault("add_lon", _CENTRE[1])  # a map click fills both inputs
    st.session_state.setdefault("add_lat", _CENTRE[0])
    _click_map("add_map", *_CENTRE, fill=("add_lon", "add_lat"))
    with st.form("add_school"):
        lang = state.lang()
        school_id = st.text_input(_label("school_id"), help=_help("school_id"),
                                  key="add_school_id")
        name_fr = st.text_input(_label("name_fr"), help=_help("name_fr"), key="add_name_fr")
        name_ar = st.text_input(_label("name_ar"), help=_help("name_ar"), key="add_name_ar")
        cycle = st.selectbox(_label("cycle"), CYCLES, index=1, help=_help("cycle"),
                             format_func=lambda c: t(f"cycle.{c}", lang), key="add_cycle")
        sector = st.selectbox(_label("sector"), SECTORS, help=_help("sector"),
                              format_func=lambda c: t(f"sector.{c}", lang), key="add_sector")
        c1, c2 = st.columns(2)
        lon = c1.number_input(_label("lon"), format="%.5f", help=_help("lon"), key="add_lon")
        lat = c2.number_input(_label("lat"), format="%.5f", help=_help("lat"), key="add_lat")
        classrooms = st.number_input(_label("classrooms"), value=None, min_value=0.0, step=1.0,
                                     help=_help("classrooms"), key="add_classrooms")
        if st.form_submit_button(state.t("store.schools.add_button"), type="primary"):
            fields = {"school_id": school_id, "name_fr": name_fr, "name_ar": name_ar,
                      "cycle": cycle, "sector": sector, "lon": lon, "lat": lat,
                      "classrooms": classrooms, "location_quality": "surveyed"}
            done = _run(store.add_school, who, fields)
            if done is not None:
                _saved(done)


who = auth.require_page("edit")
st.title(state.t("store.schools.title"))
store = state.store()
if store is None:
    st.warning(state.t("store.unavailable", message=_md(state.store_error())))
    st.stop()
assert store is not None
ids = store.current_registry(include_closed=True)["school_id"].tolist()
tab_edit, tab_add = st.tabs([state.t("store.schools.pick"), state.t("store.schools.add")])
with tab_edit:
    if not ids:
        st.info(state.t("store.schools.no_school"))
    else:
        chosen = st.selectbox(state.t("store.schools.pick"), ids, key="school_pick")
        if st.button("↻", key="school_reload", help=state.t("table.reload_help")):
            st.session_state.pop(_seen_key(str(chosen)), None)
        _edit(store, who, store.school(str(chosen)))
with tab_add:
    _add(store, who)
