"""数据管理: upload returns, read the report before publishing, publish, batch history, template."""

import streamlit as st

from etl import load
from tracker.core import codes, settings
from tracker.core.clock import today
from tracker.core.i18n import t
from ui import data, filters
from ui.load_report import SHOWN_REJECTS, saved_uploads, show_rejects, show_report

f = filters.current()
lang = f.lang
area = data.region(f.area, lang)
st.title(t("page.data.title", lang))
st.caption(t("page.data.description", lang))


def upload() -> None:
    """上传与发布: check the files sent, read the report, publish."""
    mb = st.get_option("server.maxUploadSize")
    st.caption(t("data.limits", lang, mb=mb, rows=load.MAX_ROWS) + " " + t("data.uploader_note", lang, mb=mb))
    files = st.file_uploader(t("data.files", lang), type=["csv", "txt", "xlsx", "xls"],
                             accept_multiple_files=True, key="returns_upload")
    # offered where it changes something: an area narrower than what the account may load (a county user's rows
    # outside the county are refused either way; the whole country has nothing to keep out)
    only_area = len(f.area) > len(data.scope()) and st.checkbox(t("data.only_area", lang, area=area["name"]),
                                                                key="only_area")
    scope = f.area if only_area else (data.scope() or None)  # a loader's rows outside their region are refused
    if files:
        paths = saved_uploads(files)
        left, right = st.columns(2)
        if left.button(t("data.check", lang), key="check_button"):
            st.session_state["check_reports"] = load.check_files(settings.current().db, paths, scope=scope,
                                                                 rejects_dir=paths[0].parent.parent / "rejects")
        checked = st.session_state.get("check_reports") or []
        accept = any(load.mostly_rejected(r) for r in checked) and st.checkbox(
            t("data.accept_rejections", lang), key="accept_rejections")
        if right.button(t("data.publish", lang), type="primary", key="publish_button",
                        disabled=not any(r.status in ("checked", "held") for r in checked)):
            with st.status(t("data.publishing", lang), expanded=True) as status:
                bar = st.progress(0.0)
                results = load.load_files(settings.current().db, paths, scope=scope, accept_rejections=accept, loaded_by=data.user_name(),
                                          progress=lambda x, step: bar.progress(min(x, 1.0), text=step))
                status.update(label=t("data.published", lang), state="complete", expanded=False)
            st.session_state["check_reports"] = results
        for i, report in enumerate(st.session_state.get("check_reports") or []):
            show_report(report, lang, key=str(i), catalogue=data.catalogue())


def history() -> None:
    """导入批次: every batch, a batch's rejected rows, where a value came from."""
    history = data.batches()
    if history.empty:
        st.info(t("data.no_batches", lang))
    else:
        shown = history.assign(kind=[t(f"data.kind.{k}", lang) for k in history["kind"]])
        st.dataframe(shown.rename(columns={c: t(f"data.col.{c}", lang) for c in history.columns}),
                     hide_index=True, key="batches_table")
        chosen = st.selectbox(t("data.pick_batch", lang), history["batch_id"].tolist(),
                              format_func=lambda b: f"{b} · {history.set_index('batch_id').at[b, 'source_name']}",
                              key="batch_pick")
        count = data.batch_reject_count(int(chosen))
        st.caption(t("data.batch_rejects", lang, n=count))
        if count:  # a page of them at a time; the download has them all
            pages = -(-count // SHOWN_REJECTS)
            page = st.number_input(t("data.rejects_page", lang, pages=pages, n=SHOWN_REJECTS), 1, pages, 1,
                                   key=f"rejects_page_{chosen}") if pages > 1 else 1
            show_rejects(data.batch_rejects(int(chosen), SHOWN_REJECTS, (page - 1) * SHOWN_REJECTS), lang,
                         data.catalogue(), "batch", t("file.batch_rejects", lang, batch=chosen) + ".xlsx",
                         lambda: data.batch_rejects_xlsx(int(chosen), lang))

    st.subheader(t("data.sources", lang))
    code = st.text_input(t("data.source_code", lang), key="source_code").strip()
    if code:
        sources = data.value_sources(code)
        if sources.empty:
            st.info(t("data.no_sources", lang, code=code))
        else:
            st.dataframe(sources.rename(columns={c: t(f"data.col.{c}", lang) for c in sources.columns}),
                         hide_index=True, key="sources_table")


def template() -> None:
    """填报模板: the return form of the area and a year."""
    if f.area == codes.NATION:  # a form lists every village of its area: one per province at most
        st.info(t("data.template_pick", lang))
        return
    st.markdown(t("data.template_help", lang, area=area["name"]))
    # the form of the year being reported by default (2026 in December 2026), any year of the catalogue's plans
    years = list(data.catalogue().years())
    reporting = data.catalogue().reporting_year(today().year) or f.year
    form_year = st.selectbox(t("data.template_year", lang), years, index=years.index(reporting) if reporting in years
                             else len(years) - 1, key="template_year")
    st.download_button(t("data.download_template", lang), data.template_bytes(f.area, form_year),
                       file_name=t("file.template", lang, name=area["name"], year=form_year) + ".xlsx",
                       key="template_download")


# each tab built only while it is shown: a visit sends neither the batches' table nor the village form unasked
tabs = st.tabs([t("data.tab.upload", lang), t("data.tab.history", lang), t("data.tab.template", lang)],
               key="data.tab", on_change="rerun")
for tab, show in zip(tabs, (upload, history, template)):
    with tab:
        if tab.open:
            show()
