"""The server around the pages (serve.py): the sign-in cookie's routes and a gate before Streamlit's own file routes.

- POST /auth/session: a grant the page handed the browser (tracker/core/sessions.py) becomes the HttpOnly,
  SameSite=Strict session cookie; POST /auth/signout ends the cookie's session for every process and clears it.
- With users configured, /media/ (downloads, images) and /_stcore/upload_file (uploads) answer only a request
  carrying a session cookie that is honoured now: nothing is uploaded before sign-in, and a document's address
  stops working at 退出登录 or when the sign-in ends; what one session's uploads hold at once is bounded
  (TRACKER_UPLOADS_PER_SESSION_MB). /_stcore/metrics is closed.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from streamlit import config

from tracker.core import access, sessions, settings

GUARDED = ("/media/", "/_stcore/upload_file")
UPLOADS = "/_stcore/upload_file/"
CLOSED = ("/_stcore/metrics",)
MAX_GRANT = 2048  # bytes of a grant posted to /auth/session


def signing_key() -> bytes:
    return sessions.key(config.get_option("server.cookieSecret"))


@lru_cache(maxsize=4)
def _users(path: str, modified_ns: int) -> access.Access:
    return access.load_access(Path(path))


def read_users() -> access.Access:
    """The users file, read again when it changes; AccessError when it is broken."""
    path = settings.current().users
    return _users(str(path), path.stat().st_mtime_ns if path.exists() else 0)


def users() -> access.Access | None:
    """The users file; None when it is broken (nothing is honoured, nothing open)."""
    try:
        return read_users()
    except access.AccessError:
        return None


@lru_cache(maxsize=4)
def ended_sessions(folder: Path) -> sessions.EndedSessions:
    return sessions.EndedSessions(folder / "ended-sessions.txt")


def ended() -> sessions.EndedSessions:
    """The sessions ended by 退出登录, shared by every process on this store."""
    return ended_sessions(settings.current().sign_in_state)


def honoured(cookie: str | None) -> access.User | None:
    """The user a session cookie signs in now, or None."""
    found, key = users(), signing_key()
    if found is None:
        return None
    return sessions.user_of(sessions.read(cookie, key, sessions.now()), found, key, ended())


def _same_origin(request: Request) -> bool:
    """A browser's post from one of our own pages (its Origin, when it sends one, is this host)."""
    origin = request.headers.get("origin")
    return origin is None or origin.split("://", 1)[-1] == request.headers.get("host")


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


async def start_session(request: Request) -> Response:
    """A grant becomes the session cookie."""
    found = users()
    if found is None or not found.enabled or not _same_origin(request):
        return PlainTextResponse("refused", status_code=403)
    body = (await request.body())[:MAX_GRANT].decode("ascii", errors="replace").strip()
    key, now = signing_key(), sessions.now()
    token = sessions.exchange(body, key, now, found.minutes)
    if sessions.user_of(token, found, key, ended()) is None:
        return PlainTextResponse("refused", status_code=403)
    response = Response(status_code=204)
    response.set_cookie(sessions.COOKIE, sessions.sign(token, key), max_age=max(token.ends - int(now), 1), path="/",
                        httponly=True, samesite="strict", secure=_secure(request))
    return response


async def end_session(request: Request) -> Response:
    """退出登录: the cookie's session ends for every process, and the cookie goes."""
    if not _same_origin(request):
        return PlainTextResponse("refused", status_code=403)
    token = sessions.read(request.cookies.get(sessions.COOKIE), signing_key(), sessions.now())
    if token is not None:
        ended().end(token, sessions.now())
    response = Response(status_code=204)
    response.delete_cookie(sessions.COOKIE, path="/", httponly=True, samesite="strict", secure=_secure(request))
    return response


def _guarding() -> bool:
    """Whether the file routes need a session: users configured, or a users file that cannot be read."""
    found = users()
    return found is None or found.enabled


class Gate:
    """Before Streamlit's routes: closed paths answer 404; guarded ones 403 without a session honoured now (with users
    configured; the open demo guards nothing); an upload that would take a session's uploads past
    `uploads_per_session_mb` answers 413 (a file removed from its box gives its room back)."""

    def __init__(self, app):
        self.app = app
        self.held: dict[str, dict[str, int]] = {}  # Streamlit session → its uploaded files' sizes, in this process

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, refusal = scope["path"], None
        if path.startswith(CLOSED):
            refusal = PlainTextResponse("not found", status_code=404)
        elif path.startswith(GUARDED) and _guarding() and honoured(Request(scope).cookies.get(sessions.COOKIE)) is None:
            refusal = PlainTextResponse("sign in first", status_code=403)
        elif path.startswith(UPLOADS):
            refusal, send = self._upload(scope, send)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _upload(self, scope, send):
        """An upload (PUT /_stcore/upload_file/{session}/{file}) within the session's room, counted once Streamlit
        accepts it; a removal (DELETE) frees its room. Returns (a refusal or None, the `send` to answer with)."""
        parts = scope["path"][len(UPLOADS):].split("/")
        if len(parts) != 2:
            return None, send
        session, file = parts
        files = self.held.setdefault(session, {})
        if scope["method"] == "DELETE":
            files.pop(file, None)
            return None, send
        if scope["method"] != "PUT":
            return None, send
        size = int(Request(scope).headers.get("content-length") or 0)
        room = settings.current().uploads_per_session_mb * 1024 * 1024
        if sum(files.values()) - files.get(file, 0) + size > room:
            return PlainTextResponse("this session's uploads are full: remove a file first", status_code=413), send

        async def counted(message):
            if message["type"] == "http.response.start" and 200 <= message["status"] < 300:
                files[file] = size
            await send(message)
        return None, counted


def routes() -> list[Route]:
    return [Route("/auth/session", start_session, methods=["POST"]),
            Route("/auth/signout", end_session, methods=["POST"])]


def middleware() -> list[Middleware]:
    return [Middleware(Gate)]
