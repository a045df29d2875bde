"""目标测算's drafts panel: save a candidate as a draft target of the plan its deadline falls in, record a draft's
adoption (印发) or withdraw it, and the changes kept (留痕) — tracker.core.drafts behind it; drafts are shown here only,
adopted targets everywhere."""

from __future__ import annotations

import streamlit as st

from tracker.core import drafts
from tracker.core.i18n import md_escape, pick, t
from tracker.queries.propose import as_target
from tracker.views import catalogue as catalogue_view
from tracker.views import propose as view
from ui import data, filters, widgets


def section(found: list, labels: list[str], user, area: str, deadline: int, group: str | None, unit: str,
            lang: str) -> None:
    """The panel under the proposals `found` (`labels`: each candidate in words) for the signed-in `user`."""
    catalogue = data.catalogue()
    st.subheader(t("propose.drafts", lang))
    plan_of_draft = view.draft_plan(catalogue, deadline)
    if not user.may_lead(area):
        st.caption(t("propose.draft.who", lang))
    elif plan_of_draft is None or plan_of_draft.end_year < data.plans_in_view()[1].start_year:
        st.caption(t("propose.draft.no_plan", lang, deadline=deadline))
    else:
        # the form is built once its panel is opened: a page switch neither builds nor sends it
        with widgets.folded(t("propose.draft.open", lang), "propose.draft.open", icon=":material/edit_note:") as box:
            if box.open:
                _draft_form(found, labels, plan_of_draft, area, group, unit, lang)

    catalogue = data.catalogue()  # as just saved
    names = data.names(catalogue_view.region_codes(catalogue))
    shown = view.draft_rows(catalogue, area)
    if not shown:
        st.caption(t("propose.drafts.none", lang))
    for draft in shown:  # each built once opened: an office with a dozen drafts sends no dozen forms on a switch
        with widgets.folded(f"{t('propose.draft.badge', lang)} · {draft.name(lang)} · `{draft.id}`",
                            f"propose.draft.{draft.id}.open") as box:
            if box.open:
                _draft_panel(catalogue, draft, names, user, lang)

    changes = view.changes(drafts.history(catalogue), area, lang)
    if not changes.empty:
        with widgets.folded(t("propose.history", lang), "propose.history.open") as box:
            if box.open:
                st.dataframe(changes, hide_index=True)


def _draft_panel(catalogue, draft, names: dict[str, str], user, lang: str) -> None:
    """A draft target: what it says, and for who may lead its region, the form recording its adoption (印发) and its
    withdrawal."""
    st.markdown(catalogue_view.target_markdown(catalogue, draft, names, {}, lang))
    if user.may_lead(draft.population.region):
        with st.form(f"propose.adopt.{draft.id}"):
            st.markdown(t("propose.adopt.intro", lang))
            left, right = st.columns(2)
            doc_zh = left.text_input(t("propose.adopt.document", lang), key=f"adopt.zh.{draft.id}")
            number_ = right.text_input(t("propose.adopt.number", lang), key=f"adopt.number.{draft.id}")
            issuer = left.text_input(t("propose.adopt.issuer", lang), key=f"adopt.issuer.{draft.id}")
            issued = right.text_input(t("propose.adopt.date", lang), key=f"adopt.date.{draft.id}",
                                      placeholder="2026-12-31")
            clause = left.text_input(t("propose.adopt.clause", lang), key=f"adopt.clause.{draft.id}")
            quote = right.text_input(t("propose.adopt.quote", lang), key=f"adopt.quote.{draft.id}",
                                     placeholder=draft.zh)
            doc_en = st.text_input(t("propose.adopt.document_en", lang), key=f"adopt.en.{draft.id}")
            if st.form_submit_button(t("propose.adopt.button", lang), type="primary"):
                document = {"zh": doc_zh.strip(), "en": doc_en.strip() or doc_zh.strip(),
                            "issuer": issuer.strip(), "number": number_.strip(), "date": issued.strip()}
                try:
                    data.change_drafts("adopt", draft.id, document, clause.strip(), quote.strip() or draft.zh)
                    st.success(t("propose.adopt.done", lang, name=md_escape(draft.name(lang))))
                    st.rerun()  # the app reassesses with the adopted target before any page reads
                except drafts.DraftRefused as e:
                    st.error(t("propose.draft.refused", lang))
                    st.code("\n".join(e.problems), language=None)
        reason = st.text_input(t("propose.withdraw.why", lang), key=f"withdraw.why.{draft.id}")
        if st.button(t("propose.withdraw.button", lang), key=f"withdraw.{draft.id}",
                     disabled=not reason.strip()):
            data.change_drafts("withdraw", draft.id, reason.strip())
            st.rerun()


def _draft_form(found: list, labels: list[str], plan_of_draft, area: str, group: str | None, unit: str,
                lang: str) -> None:
    """Save a candidate as a draft target of `plan_of_draft`: its names, theme, card on the briefing, and why."""
    catalogue = data.catalogue()
    measure_id = found[0].measure.id
    with st.form("propose.draft"):
        st.markdown(t("propose.draft.intro", lang, plan=plan_of_draft.name(lang)))
        picked = st.selectbox(t("propose.draft.candidate", lang), range(len(found)),
                              format_func=lambda i: labels[i], key="propose.draft.candidate")
        name_zh = st.text_input(t("propose.draft.zh", lang), key="propose.draft.zh",
                                placeholder=t("propose.draft.name_default", lang))
        name_en = st.text_input(t("propose.draft.en", lang), key="propose.draft.en",
                                placeholder=t("propose.draft.name_default", lang))
        themes = list(catalogue.themes)
        used = next((x.theme for x in catalogue.targets.values() if x.measure == measure_id), themes[0])
        theme = st.selectbox(t("propose.draft.theme", lang), themes, index=themes.index(used),
                             format_func=lambda x: catalogue.themes[x].name(lang), key="propose.draft.theme")
        headline = st.checkbox(t("propose.draft.headline", lang), key="propose.draft.headline")
        why = st.text_area(t("propose.draft.why", lang), key="propose.draft.why")
        if st.form_submit_button(t("propose.draft.save", lang), type="primary"):
            chosen = found[picked]
            default_zh, default_en = view.draft_names(
                catalogue, chosen, (data.region(area, "zh")["name"], data.region(area, "en")["name"]), group, unit)
            entry = as_target(chosen, plan_of_draft.id, plan_of_draft.base_year, theme,
                              name_zh.strip() or default_zh, name_en.strip() or default_en, group, headline)
            if not why.strip():
                st.error(t("propose.draft.why_needed", lang))
                filters.stop()
            try:
                data.change_drafts("save", entry, why.strip())
                st.success(t("propose.draft.saved", lang, name=md_escape(pick(entry["zh"], entry["en"], lang)),
                             id=entry["id"]))
            except drafts.DraftRefused as e:
                st.error(t("propose.draft.refused", lang))
                st.code("\n".join(e.problems), language=None)
