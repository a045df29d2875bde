"""The sign-in cookie's tokens (tracker.core.sessions): what makes one honoured, and every way it stops being —
expiry, 退出登录 (seen by another process), a password reset, removal from the users file, a forged or
re-purposed token."""

from __future__ import annotations

import base64
import json

from tracker.core import access, sessions

KEY = sessions.key("a-secret-every-process-shares")
NOW = 1_800_000_000.0


def users_of(*entries: access.User) -> access.Access:
    return access.Access({u.name: u for u in entries}, 480, None)


CLERK = access.User("yushan", "玉山县", "viewer", "361123", password=access.hash_password("right-password-1"))


def signed_in(tmp_path, user: access.User = CLERK, minutes: int = 480):
    _, grant = sessions.grant(user, KEY, NOW, minutes)
    token = sessions.exchange(grant, KEY, NOW + 5, minutes)
    return token, sessions.EndedSessions(tmp_path / "ended.txt")


def test_a_grant_becomes_a_session_that_signs_the_user_in_until_it_ends(tmp_path):
    token, ended = signed_in(tmp_path)
    cookie = sessions.sign(token, KEY)
    read = sessions.read(cookie, KEY, NOW + 60)
    assert sessions.user_of(read, users_of(CLERK), KEY, ended) == CLERK
    assert read.ends - read.issued == 480 * 60  # from the sign-in, not from the exchange
    assert sessions.read(cookie, KEY, NOW + 480 * 60) is None  # ended: the form again
    assert sessions.read(cookie, KEY, NOW + 480 * 60 - 1) is not None


def test_a_grant_is_good_for_a_minute_and_is_no_cookie(tmp_path):
    _, grant = sessions.grant(CLERK, KEY, NOW, 480)
    assert sessions.exchange(grant, KEY, NOW + sessions.GRANT_SECONDS, 480) is None
    assert sessions.read(grant, KEY, NOW + 1) is None  # a grant posted as the cookie is refused
    token, _ = signed_in(tmp_path)
    assert sessions.exchange(sessions.sign(token, KEY), KEY, NOW + 1, 480) is None  # and a cookie is no grant


def test_a_forged_or_foreign_token_is_refused(tmp_path):
    token, _ = signed_in(tmp_path)
    cookie = sessions.sign(token, KEY)
    body, signature = cookie.split(".")
    raw = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    raw["n"] = "admin"  # someone else's name under the clerk's signature
    forged = base64.urlsafe_b64encode(json.dumps(raw).encode()).rstrip(b"=").decode() + "." + signature
    assert sessions.read(forged, KEY, NOW + 1) is None
    assert sessions.read(cookie, sessions.key("another-server"), NOW + 1) is None
    for junk in ("", "x", "a.b.c", "." * 3000, "e30.AAAA"):
        assert sessions.read(junk, KEY, NOW + 1) is None


def test_a_reset_a_removal_or_a_sign_out_ends_the_session_for_every_process(tmp_path):
    token, ended = signed_in(tmp_path)
    reset = access.User(**{**CLERK.__dict__, "password": access.hash_password("a-new-password-2")})
    assert sessions.user_of(token, users_of(reset), KEY, ended) is None
    assert sessions.user_of(token, users_of(), KEY, ended) is None
    moved = access.User(**{**CLERK.__dict__, "scope": "361124"})  # a new scope applies; the session holds
    assert sessions.user_of(token, users_of(moved), KEY, ended) == moved
    other_process = sessions.EndedSessions(tmp_path / "ended.txt")
    assert sessions.user_of(token, users_of(CLERK), KEY, other_process) == CLERK
    ended.end(token, NOW + 10)
    assert sessions.user_of(token, users_of(CLERK), KEY, other_process) is None
    later, _ = signed_in(tmp_path)  # a new sign-in is a new session
    assert sessions.user_of(later, users_of(CLERK), KEY, other_process) == CLERK
    ended.end(later, token.ends + 1)  # an ended session past its own end leaves the file
    assert (tmp_path / "ended.txt").read_text().split() == [later.id, str(later.ends)]


def test_the_token_names_no_secret(tmp_path):
    token, _ = signed_in(tmp_path)
    cookie = sessions.sign(token, KEY)
    text = base64.urlsafe_b64decode(cookie.split(".")[0] + "==").decode()
    assert CLERK.password not in text and CLERK.password.split("$")[-1] not in text
    assert set(json.loads(text)) == {"n", "i", "e", "j", "f", "p"}


def test_the_gate_before_streamlits_file_routes(tmp_path):
    """ui/server.Gate, as an ASGI app in front of one that answers 200: without a sign-in cookie honoured now, no
    upload and no download (403); metrics closed (404); a session's uploads held at most the cap (413 past it), a
    removed file giving its room back; the open demo (no users) guards nothing."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from tracker.core import settings
    from ui import server

    async def inner(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    def ask(gate, method: str, path: str, cookie: str | None = None, size: int = 0) -> int:
        headers = [(b"content-length", str(size).encode())]
        if cookie:
            headers.append((b"cookie", f"{sessions.COOKIE}={cookie}".encode()))
        scope = {"type": "http", "method": method, "path": path, "headers": headers, "query_string": b""}
        answered = []

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            if message["type"] == "http.response.start":
                answered.append(message["status"])
        with ThreadPoolExecutor(1) as pool:  # a loop of its own (a browser test may have left one running here)
            pool.submit(asyncio.run, gate(scope, receive, send)).result()
        return answered[0]

    users = tmp_path / "users.toml"
    access.write_user(users, "yushan", "viewer", "361123", "right-password-1")
    with settings.use(users=users, db=tmp_path / "tracker.duckdb", uploads_per_session_mb=1):
        gate, key = server.Gate(inner), server.signing_key()
        user = access.load_access(users).users["yushan"]
        token = sessions.exchange(sessions.grant(user, key, sessions.now(), 480)[1], key, sessions.now(), 480)
        cookie, upload = sessions.sign(token, key), "/_stcore/upload_file/session-1/"
        assert ask(gate, "PUT", upload + "a", size=600_000) == 403  # before sign-in
        assert ask(gate, "GET", "/media/abc.docx") == 403
        assert ask(gate, "GET", "/media/abc.docx", cookie) == 200
        assert ask(gate, "GET", "/_stcore/metrics", cookie) == 404
        assert ask(gate, "GET", "/media/abc.docx", "forged." + cookie.split(".")[1]) == 403
        assert ask(gate, "PUT", upload + "a", cookie, 600_000) == 200
        assert ask(gate, "PUT", upload + "b", cookie, 600_000) == 413  # 1.2 MB past the 1 MB room
        assert ask(gate, "PUT", "/_stcore/upload_file/session-2/b", cookie, 600_000) == 200  # another session's room
        assert ask(gate, "DELETE", upload + "a", cookie) == 200
        assert ask(gate, "PUT", upload + "b", cookie, 600_000) == 200
        server.ended().end(token, sessions.now())  # 退出登录
        assert ask(gate, "GET", "/media/abc.docx", cookie) == 403
    with settings.use(users=tmp_path / "none.toml", db=tmp_path / "tracker.duckdb"):
        assert ask(server.Gate(inner), "GET", "/media/abc.docx") == 200  # the open demo
