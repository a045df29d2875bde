"""Who may see what: users, roles and region scopes, kept in a TOML file outside the repository.

    [session]
    minutes = 480                 # a sign-in lasts this long

    [[users]]
    name = "yugan"                # what the user types
    display = "余干县乡村振兴局"    # shown in the sidebar
    role = "viewer"               # viewer: pages and downloads; loader: also loads data; admin: everything
    scope = "361127"              # a province, city or county code: nothing outside it is visible
    password = "scrypt$16384$8$1$<salt>$<hash>"   # `python -m tracker user yugan ...` writes it
    # oidc = "someone@example.gov.cn"             # or: signed in by the intranet's OIDC provider

    [oidc]                        # optional: Streamlit's st.login, configured in .streamlit/secrets.toml
    provider = "intranet"         # the [auth.<provider>] section there; users are matched by e-mail

Passwords are hashed with scrypt (RFC 7914; hashlib), a random 16-byte salt each, and compared in
constant time. The file is found at $TRACKER_USERS, else config/users.toml; config/users.example.toml
is the example kept in the repository.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal, get_args

import tomlkit
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from tracker.core import codes, outfile, settings, store

Role = Literal["viewer", "loader", "admin"]  # viewer: pages and downloads; loader: also loads; admin: all
ROLES = get_args(Role)
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
DEFAULT_MINUTES = 480


@dataclass(frozen=True)
class User:
    name: str
    display: str
    role: str
    scope: str  # '' for everything (an admin without a scope, or the open demo)
    password: str | None = field(default=None, repr=False)
    oidc: str | None = None

    @property
    def may_load(self) -> bool:
        return self.role in ("loader", "admin")

    def may_explain(self, region_code: str) -> bool:
        """Whether the user answers a 数据审核 finding of this unit (说明 / 待更正): a loader of its area."""
        return self.may_load and region_code.startswith(self.scope)

    def may_review(self, region_code: str) -> bool:
        """Whether the user accepts or returns a finding of this unit: a reviewer one level up from the county
        that reported it (a city's or province's loader) or an administrator."""
        return self.role == "admin" or (self.may_explain(region_code) and len(self.scope) < 6)

    def may_lead(self, area: str) -> bool:
        """Whether the user acts as the office of a province or city `area`: drafts and adopts its targets
        (目标测算), opens its reporting round (报送). A loader or admin of that office or one above it."""
        return (self.may_load and len(self.scope) in (0, 2, 4) and area.startswith(self.scope)
                and codes.area_level(area) in ("province", "city"))


@dataclass(frozen=True)
class Access:
    """The users file, read and checked."""

    users: dict[str, User]
    minutes: int
    oidc_provider: str | None

    @property
    def enabled(self) -> bool:
        """Whether sign-in is required (any user is configured)."""
        return bool(self.users)


class AccessError(Exception):
    """The users file has problems; the message names the file and each problem."""


def hash_password(password: str) -> str:
    """'scrypt$n$r$p$salt$hash' (base64) for a password."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, **SCRYPT, dklen=32)
    return "scrypt${n}${r}${p}$".format(**SCRYPT) + base64.b64encode(salt).decode() + "$" + \
        base64.b64encode(digest).decode()


def check_password(password: str, stored: str) -> bool:
    """Whether `password` matches a stored scrypt hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(base64.b64decode(digest)))
    except ValueError:
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


class UserEntry(BaseModel):
    """One [[users]] entry of the users file, as written."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1)
    display: str | None = None
    role: Role = "viewer"
    scope: str | None = None
    password: str | None = None
    oidc: str | None = None

    @field_validator("name")
    @classmethod
    def _stripped(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("missing")
        return value.strip()

    @field_validator("scope")
    @classmethod
    def _area(cls, value: str | None) -> str | None:
        if value:
            try:
                level = codes.level_of(value)
            except ValueError:
                raise ValueError(f"{value!r} is not a region code") from None
            if level not in ("province", "city", "county"):
                raise ValueError(f"{value} is a {level}; a scope is a province, city or county")
        return value

    def missing(self) -> list[str]:
        """What the entry lacks, each as '.part: message' or ': message' after the entry's place."""
        found = []
        if self.scope is None and self.role != "admin":
            found.append(".scope: missing (only an admin may see everything)")
        if not self.password and not self.oidc:
            found.append(": neither a password nor an oidc identity")
        return found

    def user(self) -> User:
        return User(self.name, self.display or self.name, self.role, self.scope or "", self.password, self.oidc)


class SessionSection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    minutes: int = Field(DEFAULT_MINUTES, gt=0)


class OidcSection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    provider: str | None = None


class UsersFile(BaseModel):
    """The whole users file: [session], [oidc] and [[users]]."""

    model_config = ConfigDict(extra="forbid")
    session: SessionSection = SessionSection()
    oidc: OidcSection = OidcSection()
    users: list[dict] = Field(default_factory=list)  # each checked as a UserEntry, so every problem is named


def _where(raw: dict, index: int) -> str:
    name = str(raw.get("name", "")).strip() if isinstance(raw, dict) else ""
    return f"users[{index}] ({name})" if name else f"users[{index}]"


def _problems(error: ValidationError, prefix: str) -> list[str]:
    """A pydantic error as 'path: message' lines ('users[0] (a).role: ...')."""
    found = []
    for err in error.errors():
        loc = ".".join(str(part) for part in err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "literal_error" and err["loc"] == ("role",):
            message = f"{err['input']!r} is not one of {', '.join(ROLES)}"
        found.append(f"{prefix}.{loc}: {message}" if loc else f"{prefix}: {message}")
    return found


def parse_access(raw: dict, path: Path) -> Access:
    """The users file's content checked; AccessError naming every problem with its place."""
    problems: list[str] = []
    try:
        whole = UsersFile.model_validate(raw)
    except ValidationError as e:
        raise AccessError(f"{path}: " + "; ".join(_problems(e, "file"))) from None
    users: dict[str, User] = {}
    for i, entry in enumerate(whole.users):
        where = _where(entry, i)
        try:
            checked = UserEntry.model_validate(entry)
        except ValidationError as e:
            problems += _problems(e, where)
            continue
        problems += [where + gap for gap in checked.missing()]
        user = checked.user()
        if user.name in users:
            problems.append(f"{where}.name: {user.name} appears twice")
        users[user.name] = user
    if problems:
        raise AccessError(f"{path}: {len(problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in problems))
    return Access(users, whole.session.minutes, whole.oidc.provider)


def load_access(path: Path | None = None) -> Access:
    """The users file; no file means no users (the app then runs open only on demo data)."""
    path = Path(path or settings.current().users)
    if not path.exists():
        return Access({}, DEFAULT_MINUTES, None)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise AccessError(f"{path}: not valid TOML: {e}") from None
    return parse_access(raw, path)


def sign_in(access: Access, name: str, password: str) -> User | None:
    """The user when the name and password match; None otherwise (same work either way)."""
    user = access.users.get(name.strip())
    stored = user.password if user and user.password else hash_password(secrets.token_hex(8))
    ok = check_password(password, stored)
    return user if ok and user is not None and user.password else None


def oidc_user(access: Access, email: str | None) -> User | None:
    """The configured user an OIDC identity (its e-mail) maps to; None for anyone else."""
    if not email:
        return None
    return next((u for u in access.users.values() if u.oidc and u.oidc.lower() == email.lower()), None)


class Lockout:
    """Wrong passwords counted per user name and per client address; after `limit` failures within `minutes`, that
    name or address is locked for `minutes` (right password or not). With a `path`, the count lives in that file
    (under a file lock), shared by every app process on the machine: a reload, a new browser session or another
    process behind the proxy starts no new count."""

    def __init__(self, path: Path | None = None, limit: int = 5, minutes: int = 15):
        self.path = Path(path) if path else None
        self.limit, self.window = limit, timedelta(minutes=minutes)
        self._failures: dict[str, list[datetime]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _keys(name: str, address: str | None) -> list[str]:
        return [f"name:{name.strip().lower()}"] + ([f"address:{address}"] if address else [])

    @contextmanager
    def _counts(self) -> Iterator[dict[str, list[datetime]]]:
        """The failures, for reading and changing: this process's own, or the shared file's (written back)."""
        with self._lock:
            if self.path is None:
                yield self._failures
                return
            with store.write_lock(self.path):
                try:
                    raw = json.loads(self.path.read_text(encoding="utf-8")) if self.path.exists() else {}
                except ValueError:
                    raw = {}  # a torn file counts as no failures rather than locking everyone out
                counts = {k: [datetime.fromisoformat(at) for at in v] for k, v in raw.items()}
                yield counts
                kept = {k: [at.isoformat() for at in v] for k, v in counts.items() if v}
                with outfile.writing(self.path, force=True) as part:
                    part.write_text(json.dumps(kept), encoding="utf-8")

    def locked_until(self, name: str, address: str | None, now: datetime) -> datetime | None:
        """When the lock on this name or address ends; None when neither is locked."""
        with self._counts() as failures:
            ends = []
            for key in self._keys(name, address):
                recent = [at for at in failures.get(key, []) if now - at < self.window]
                failures[key] = recent
                if len(recent) >= self.limit:
                    ends.append(recent[-1] + self.window)
            return max(ends, default=None)

    def failed(self, name: str, address: str | None, now: datetime) -> None:
        with self._counts() as failures:
            for key in self._keys(name, address):
                failures[key] = [at for at in failures.get(key, []) if now - at < self.window] + [now]

    def succeeded(self, name: str) -> None:
        with self._counts() as failures:
            failures.pop(self._keys(name, None)[0], None)


def current_record(access: Access, user: User) -> User | None:
    """The signed-in user as the users file says now: None when removed, or when the password was changed
    since (a reset ends the sessions signed in with the old one); else its entry (a new role or scope
    applies at once)."""
    found = access.users.get(user.name)
    if found is None or found.password != user.password or found.oidc != user.oidc:
        return None
    return found


def expired(signed_in_at: datetime, now: datetime, minutes: int) -> bool:
    """Whether a sign-in made at `signed_in_at` has run out by `now`."""
    return now - signed_in_at >= timedelta(minutes=minutes)


HEADER = "Users of 乡村振兴目标监测: who may sign in, with which role and region. Keep this file out of the repository."


def write_user(path: Path, name: str, role: str, scope: str, password: str | None, display: str | None = None,
               oidc: str | None = None) -> None:
    """Add a user to the file or replace its entry (creating the file); every other line of the file, its
    comments included, stays as it was. AccessError when the entry or the file it would make is invalid."""
    path = Path(path)
    entry = {"name": name, "display": display or name, "role": role, "scope": scope or None,
             "password": hash_password(password) if password else None, "oidc": oidc}
    entry = {k: v for k, v in entry.items() if v is not None}
    try:
        missing = UserEntry.model_validate(entry).missing()
    except ValidationError as e:
        raise AccessError("; ".join(_problems(e, name))) from None
    if missing:
        raise AccessError("; ".join(name + gap for gap in missing))
    if path.exists():
        doc = tomlkit.parse(path.read_text(encoding="utf-8"))
    else:
        doc = tomlkit.document()
        doc.add(tomlkit.comment(HEADER))
        doc.add(tomlkit.nl())
        doc["session"] = {"minutes": DEFAULT_MINUTES}
    users = doc.setdefault("users", tomlkit.aot())
    table = next((u for u in users if str(u.get("name", "")).strip() == name), None)
    if table is None:
        table = tomlkit.table()
        users.append(table)
    elif display is None and "display" in table:
        entry["display"] = table["display"]  # a new password or role keeps the name shown
    for key in [k for k in table if k not in entry]:
        del table[key]  # e.g. the password of a user now signed in by OIDC
    for key, value in entry.items():
        table[key] = value  # in place: comments and other entries stay
    text = tomlkit.dumps(doc)
    parse_access(tomllib.loads(text), path)  # never write a file the app would refuse
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o600)
