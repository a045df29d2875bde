"""Sign-in for the app: who the session's user is, and the region scope every query runs in.

With users configured (tracker.core.access), nothing shows before sign-in: by name and password, or by the
intranet's OIDC provider (st.login) when the users file names one. With none configured the app is
open only on the demo data (or a store with no statistics loaded yet), and says so.
"""

from __future__ import annotations

from datetime import datetime, timezone

import streamlit as st

from tracker.core import access, settings
from tracker.core.i18n import t
from ui import data, registry
from ui.load_report import discard_uploads

OPEN = access.User("open", "", "admin", "")  # no users configured: the demo, open to all


@st.cache_resource(show_spinner=False)
def lockout() -> access.Lockout:
    """Wrong passwords counted across every session of this process, by user name and client address."""
    return access.Lockout()


@st.cache_resource(show_spinner=False)
def _access(path: str, modified_ns: int) -> access.Access:
    return access.load_access(path)


def users_config() -> access.Access:
    """The users file, read again when it changes; AccessError when it is broken."""
    path = settings.current().users
    return _access(str(path), path.stat().st_mtime_ns if path.exists() else 0)


def _sign_out() -> None:
    """Sign out at the start of the next run (finish_sign_out), before any widget holds its state."""
    st.session_state["auth.signing_out"] = True


def finish_sign_out() -> None:
    """End a sign-out asked for: forget everything the session held (checks, uploads, choices, the page's
    widgets), so the next person at the same browser starts as a stranger. app.py calls this first."""
    if not st.session_state.get("auth.signing_out"):
        return
    oidc = st.session_state.get("auth.oidc")
    discard_uploads()
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if oidc:
        st.logout()


def _forget_user() -> None:
    """The session's sign-in ends (expired, or the user removed); the sign-in form follows in this run."""
    for key in ("auth.user", "auth.at"):
        st.session_state.pop(key, None)
    if st.session_state.pop("auth.oidc", None):
        st.logout()  # the identity provider's sign-in ends too, or it would sign the session in again


def _form(config: access.Access, lang: str) -> None:
    st.title(t("app.title", lang))
    st.subheader(t("auth.title", lang))
    with st.form("signin"):
        name = st.text_input(t("auth.name", lang), key="signin.name")
        password = st.text_input(t("auth.password", lang), type="password", key="signin.password")
        submitted = st.form_submit_button(t("auth.submit", lang), type="primary")
    if submitted:
        now, address = datetime.now(timezone.utc), st.context.ip_address
        until = lockout().locked_until(name, address, now)
        if until is not None:
            st.error(t("auth.locked", lang, n=max(1, int((until - now).total_seconds() // 60) + 1)))
            return
        user = access.sign_in(config, name, password)
        if user is None:
            lockout().failed(name, address, now)
            st.error(t("auth.wrong", lang))
        else:
            lockout().succeeded(name)
            st.session_state.update({"auth.user": user, "auth.at": now})
            st.rerun()
    if config.oidc_provider:
        st.button(t("auth.oidc", lang), on_click=st.login, args=(config.oidc_provider,), key="signin.oidc")


def current_user(lang: str) -> access.User:
    """The signed-in user (stops the page with the sign-in form when there is none)."""
    try:
        config = users_config()
    except access.AccessError as e:
        st.error(t("auth.broken", lang))
        st.code(str(e), language=None)
        st.stop()
    if not config.enabled:
        if data.store_is_open():
            st.session_state["auth.scope"] = ""
            return OPEN
        st.error(t("auth.no_users", lang))
        st.stop()
    user, signed_at = st.session_state.get("auth.user"), st.session_state.get("auth.at")
    if user is not None and access.expired(signed_at, datetime.now(timezone.utc), config.minutes):
        _forget_user()
        user = None
        st.info(t("auth.expired", lang))
    elif user is not None:  # the users file is read again when it changes: a removed user is out at once
        user = access.current_record(config, user)
        if user is None:
            _forget_user()
            st.info(t("auth.removed", lang))
        else:
            st.session_state["auth.user"] = user
    if user is None and config.oidc_provider and st.user.is_logged_in:
        user = access.oidc_user(config, st.user.get("email"))
        if user is None:
            st.error(t("auth.oidc_unknown", lang, who=st.user.get("email") or "?"))
            st.button(t("auth.sign_out", lang), on_click=st.logout)
            st.stop()
        st.session_state.update({"auth.user": user, "auth.at": datetime.now(timezone.utc), "auth.oidc": True})
    if user is None:
        st.session_state["auth.scope"] = None
        registry.navigation(lang, may_load=True, hidden=True)  # keeps a deep link's page for after sign-in
        _form(config, lang)
        st.stop()
    st.session_state["auth.scope"] = user.scope
    return user


def sidebar(user: access.User, lang: str) -> None:
    """Who is signed in, and the sign-out button (or: this demo is open to everyone)."""
    if user is OPEN:
        st.sidebar.caption(t("auth.open", lang))
        return
    st.sidebar.caption(t("auth.signed_in", lang, who=user.display, role=t(f"auth.role.{user.role}", lang)))
    st.sidebar.button(t("auth.sign_out", lang), on_click=_sign_out, key="signout")
