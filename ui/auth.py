"""Sign-in for the app: who the session's user is, and the region scope every query runs in.

With users configured (tracker.core.access), nothing shows before sign-in: by name and password, or by the
intranet's OIDC provider (st.login) when the users file names one. A sign-in survives a reload, a new tab and a
pasted link: the browser holds it in an HttpOnly cookie (tracker.core.sessions; the page hands it a grant that
/auth/session of ui/server.py turns into the cookie). With none configured the app is open only on the demo data
(or a store with no statistics loaded yet), and says so.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import streamlit as st

from tracker.core import access, sessions, settings
from tracker.core.i18n import t
from ui import data, registry, server
from ui.load_report import discard_uploads

OPEN = access.User("open", "", "admin", "")  # no users configured: the demo, open to all


@st.cache_resource(show_spinner=False)
def _lockout(path: Path) -> access.Lockout:
    return access.Lockout(path)


def lockout() -> access.Lockout:
    """Wrong passwords counted across every session and every app process on this store, by user name and client
    address (in .tracker-sign-in/ beside the store)."""
    return _lockout(settings.current().sign_in_state / "wrong-passwords.json")


users_config = server.read_users  # the users file, read again when it changes; AccessError when it is broken


def _begin(user: access.User, config: access.Access, **more) -> None:
    """Sign the session in, and hand the browser the grant of its cookie (shown by sidebar() on the next run)."""
    session, grant = sessions.grant(user, server.signing_key(), sessions.now(), config.minutes)
    st.session_state.update({"auth.user": user, "auth.at": datetime.fromtimestamp(session.issued, timezone.utc),
                             "auth.token": session, "auth.grant": grant, **more})


def _from_cookie(config: access.Access) -> access.User | None:
    """The user the browser's session cookie signs in (a reload, a new tab, a pasted link), or None."""
    key = server.signing_key()
    token = sessions.read(st.context.cookies.get(sessions.COOKIE), key, sessions.now())
    user = sessions.user_of(token, config, key, server.ended())
    if user is not None:
        st.session_state.update({"auth.user": user, "auth.token": token,
                                 "auth.at": datetime.fromtimestamp(token.issued, timezone.utc)})
    return user


def _sign_out() -> None:
    """Sign out at the start of the next run (finish_sign_out), before any widget holds its state."""
    st.session_state["auth.signing_out"] = True


def finish_sign_out() -> None:
    """End a sign-out asked for: forget everything the session held (checks, uploads, choices, the page's
    widgets), so the next person at the same browser starts as a stranger. app.py calls this first."""
    if not st.session_state.get("auth.signing_out"):
        return
    oidc = st.session_state.get("auth.oidc")
    token = st.session_state.get("auth.token")
    if token is not None:  # its cookie is refused from now on, by every process (downloads included)
        server.ended().end(token, sessions.now())
    discard_uploads()
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if oidc:
        st.logout()


def _forget_user() -> None:
    """The session's sign-in ends (expired, or the user removed); the sign-in form follows in this run."""
    for key in ("auth.user", "auth.at", "auth.token", "auth.grant"):
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
            _begin(user, config)
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
    if user is None:
        user = _from_cookie(config)
    if user is None and config.oidc_provider and st.user.is_logged_in:
        user = access.oidc_user(config, st.user.get("email"))
        if user is None:
            st.error(t("auth.oidc_unknown", lang, who=st.user.get("email") or "?"))
            st.button(t("auth.sign_out", lang), on_click=st.logout)
            st.stop()
        _begin(user, config, **{"auth.oidc": True})
    if user is None:
        st.session_state["auth.scope"] = None
        registry.navigation(lang, may_load=True)  # keeps a deep link's page for after sign-in (no menu)
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
    grant = st.session_state.get("auth.grant")
    if grant and sessions.read(grant, server.signing_key(), sessions.now(), "grant"):  # the browser keeps the sign-in
        st.sidebar.html("<script>fetch('/auth/session', {method: 'POST', body: " + json.dumps(grant)
                        + ", credentials: 'same-origin'});</script>", unsafe_allow_javascript=True)
    elif grant:
        del st.session_state["auth.grant"]
    st.sidebar.button(t("auth.sign_out", lang), on_click=_sign_out, key="signout")
