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
import os
import secrets
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from tracker.core import codes, settings

ROLES = ("viewer", "loader", "admin")
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
        assert scheme == "scrypt"
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(base64.b64decode(digest)))
    except (ValueError, AssertionError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


def _scope(value: str, where: str, problems: list[str]) -> str:
    if value == "":
        return ""
    try:
        level = codes.level_of(value)
    except ValueError:
        problems.append(f"{where}.scope: {value!r} is not a region code")
        return value
    if level not in ("province", "city", "county"):
        problems.append(f"{where}.scope: {value} is a {level}; a scope is a province, city or county")
    return value


def load_access(path: Path | None = None) -> Access:
    """The users file; no file means no users (the app then runs open only on demo data)."""
    path = Path(path or settings.users_path())
    if not path.exists():
        return Access({}, DEFAULT_MINUTES, None)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise AccessError(f"{path}: not valid TOML: {e}") from None
    problems: list[str] = []
    users: dict[str, User] = {}
    for i, entry in enumerate(raw.get("users", [])):
        where = f"users[{i}]"
        name = str(entry.get("name", "")).strip()
        if not name:
            problems.append(f"{where}.name: missing")
            continue
        where = f"users[{i}] ({name})"
        unknown = set(entry) - {"name", "display", "role", "scope", "password", "oidc"}
        if unknown:
            problems.append(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        role = entry.get("role", "viewer")
        if role not in ROLES:
            problems.append(f"{where}.role: {role!r} is not one of {', '.join(ROLES)}")
        if "scope" not in entry and role != "admin":
            problems.append(f"{where}.scope: missing (only an admin may see everything)")
        if not entry.get("password") and not entry.get("oidc"):
            problems.append(f"{where}: neither a password nor an oidc identity")
        if name in users:
            problems.append(f"{where}.name: {name} appears twice")
        users[name] = User(name, str(entry.get("display", name)), role, _scope(str(entry.get("scope", "")), where,
                                                                                  problems),
                           entry.get("password"), entry.get("oidc"))
    minutes = int(raw.get("session", {}).get("minutes", DEFAULT_MINUTES))
    if problems:
        raise AccessError(f"{path}: {len(problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in problems))
    return Access(users, minutes, raw.get("oidc", {}).get("provider"))


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


def expired(signed_in_at: datetime, now: datetime, minutes: int) -> bool:
    """Whether a sign-in made at `signed_in_at` has run out by `now`."""
    return now - signed_in_at >= timedelta(minutes=minutes)


def write_user(path: Path, name: str, role: str, scope: str, password: str | None, display: str | None = None,
               oidc: str | None = None) -> None:
    """Add a user to the file or replace its entry (creating the file), keeping the other entries."""
    assert role in ROLES, f"role must be one of {', '.join(ROLES)}"
    problems: list[str] = []
    _scope(scope, "scope", problems)
    assert not problems, problems[0]
    assert password or oidc, "a user needs a password or an oidc identity"
    path = Path(path)
    current = load_access(path) if path.exists() else Access({}, DEFAULT_MINUTES, None)
    users = {**current.users, name: User(name, display or name, role, scope,
                                         hash_password(password) if password else None, oidc)}
    lines = ["# Users of 乡村振兴目标监测 (see tracker/access.py). Keep this file out of the repository.",
             "", "[session]", f"minutes = {current.minutes}", ""]
    if current.oidc_provider:
        lines += ["[oidc]", f"provider = {_toml(current.oidc_provider)}", ""]
    for u in users.values():
        lines += ["[[users]]", f"name = {_toml(u.name)}", f"display = {_toml(u.display)}", f"role = {_toml(u.role)}",
                  f"scope = {_toml(u.scope)}"]
        lines += [f"password = {_toml(u.password)}"] if u.password else []
        lines += [f"oidc = {_toml(u.oidc)}"] if u.oidc else []
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    os.chmod(path, 0o600)


def _toml(text: str) -> str:
    """A TOML basic string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
