"""A sign-in that survives a reload, a new tab and a pasted link: a signed, expiring token in an HttpOnly,
SameSite=Strict cookie (`tracker_session`), set and cleared by the server's own routes (ui/server.py).

A token names the user, when it was issued and when it ends, a random id, and a fingerprint of the user's credential
(an HMAC of the stored password hash or identity-provider name: it names no secret and cannot be turned back into
one). It is signed with HMAC-SHA256 under a key derived from the server's cookie secret (`server.cookieSecret`, the
same in every app process). It stops being honoured when it ends, when 退出登录 ends it (its id goes into a file every
process reads), when the password is reset (the fingerprint no longer matches) and when the user leaves the users
file.

The page signs a user in by name and password; it cannot set an HttpOnly cookie itself, so it hands the browser a
grant (a token of the same form, good for GRANT_SECONDS, of purpose "grant") that the browser posts to
/auth/session, which answers with the cookie.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from tracker.core import access, outfile, store

COOKIE = "tracker_session"
GRANT_SECONDS = 60


def key(secret: str) -> bytes:
    """The signing key of session tokens, derived from the server's cookie secret."""
    return hmac.new(secret.encode(), b"tracker-session-v1", hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def fingerprint(user: access.User, signing_key: bytes) -> str:
    """What a token holds of the user's credential: changes when the password is reset or the identity changes."""
    credential = f"{user.password or ''}|{user.oidc or ''}".encode()
    return _b64(hmac.new(signing_key, credential, hashlib.sha256).digest()[:16])


@dataclass(frozen=True)
class Token:
    name: str
    issued: int  # seconds since the epoch
    ends: int
    id: str
    fingerprint: str
    purpose: str = "session"  # or "grant": exchanged at /auth/session for the cookie


def sign(token: Token, signing_key: bytes) -> str:
    body = _b64(json.dumps({"n": token.name, "i": token.issued, "e": token.ends, "j": token.id,
                            "f": token.fingerprint, "p": token.purpose}, separators=(",", ":")).encode())
    return body + "." + _b64(hmac.new(signing_key, body.encode(), hashlib.sha256).digest())


def read(text: str | None, signing_key: bytes, now: float, purpose: str = "session") -> Token | None:
    """The token in `text` when its signature holds, it has not ended and it is of `purpose`; else None."""
    if not text or text.count(".") != 1 or len(text) > 2048:
        return None
    body, signature = text.split(".")
    expected = _b64(hmac.new(signing_key, body.encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(signature, expected):
        return None
    try:
        raw = json.loads(_unb64(body))
        token = Token(str(raw["n"]), int(raw["i"]), int(raw["e"]), str(raw["j"]), str(raw["f"]), str(raw["p"]))
    except (ValueError, KeyError, TypeError, binascii.Error):
        return None
    return token if token.purpose == purpose and now < token.ends else None


def grant(user: access.User, signing_key: bytes, now: float, minutes: int) -> tuple[Token, str]:
    """A new session of `user` from `now` for `minutes`, and the grant the browser exchanges for its cookie."""
    session = Token(user.name, int(now), int(now) + 60 * minutes, secrets.token_urlsafe(16),
                    fingerprint(user, signing_key))
    handed = Token(session.name, session.issued, min(session.ends, int(now) + GRANT_SECONDS), session.id,
                   session.fingerprint, "grant")
    return session, sign(handed, signing_key)


def exchange(grant_text: str, signing_key: bytes, now: float, minutes: int) -> Token | None:
    """The session token a valid grant stands for (it ends `minutes` after it was issued)."""
    handed = read(grant_text, signing_key, now, "grant")
    if handed is None:
        return None
    return Token(handed.name, handed.issued, handed.issued + 60 * minutes, handed.id, handed.fingerprint)


def user_of(token: Token | None, users: access.Access, signing_key: bytes, ended: EndedSessions) -> access.User | None:
    """The user a session token signs in: None when there is none, the user left the users file, the password was
    reset since, or the session was ended by 退出登录."""
    if token is None:
        return None
    user = users.users.get(token.name)
    if user is None or not hmac.compare_digest(fingerprint(user, signing_key), token.fingerprint):
        return None
    return None if ended.has(token.id) else user


class EndedSessions:
    """The ids of sessions ended by 退出登录 before their time, in a file every app process reads (one line each:
    id and when the token would have ended; lines past their end are dropped when the file is written)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._seen: tuple[int, set[str]] = (-1, set())

    def _ids(self) -> set[str]:
        try:
            modified = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            return set()
        if modified != self._seen[0]:
            lines = self.path.read_text(encoding="utf-8").splitlines()
            self._seen = (modified, {line.split(" ")[0] for line in lines if line.strip()})
        return self._seen[1]

    def has(self, token_id: str) -> bool:
        return token_id in self._ids()

    def end(self, token: Token, now: float) -> None:
        """End a session: its token is refused from now on, by every process."""
        with store.write_lock(self.path):
            kept = []
            if self.path.exists():
                kept = [line for line in self.path.read_text(encoding="utf-8").splitlines()
                        if line.strip() and int(line.split(" ")[1]) > now]
            kept.append(f"{token.id} {token.ends}")
            with outfile.writing(self.path, force=True) as part:
                part.write_text("\n".join(kept) + "\n", encoding="utf-8")


def now() -> float:
    return time.time()
