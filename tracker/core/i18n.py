"""User-facing messages in Chinese (the default) and English, from gettext catalogues.

The messages live in tracker/core/messages/{zh,en}.po, one entry per message id (e.g. "overview.title"),
compiled by Babel when first used. A message with plural forms is chosen by its `n` placeholder
("1 village", "3 villages"); Chinese has one form. Each Chinese term has one English name used
everywhere. Names that come with the catalogue (targets, measures, groups) are its data, not messages:
they are read with `Named.name(lang)` (tracker.core.catalogue).
"""

from __future__ import annotations

import functools
import gettext
import io
from pathlib import Path
from string import Formatter

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
MESSAGES_DIR = Path(__file__).with_name("messages")
LOCALES = {"zh": "zh_Hans_CN", "en": "en"}


@functools.cache
def catalogue(lang: str):
    """The Babel catalogue of a language (its .po file, read once)."""
    with open(MESSAGES_DIR / f"{lang}.po", "rb") as f:
        return read_po(f, locale=LOCALES[lang])


@functools.cache
def _compiled(lang: str) -> tuple[gettext.GNUTranslations, frozenset[str], frozenset[str]]:
    """The language's messages compiled by Babel (.mo in memory), with the ids of all its messages and of its
    plural ones."""
    found = catalogue(lang)
    buffer = io.BytesIO()
    write_mo(buffer, found)
    buffer.seek(0)
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in found if m.id}
    plural = {m.id[0] for m in found if m.id and not isinstance(m.id, str)}
    return gettext.GNUTranslations(buffer), frozenset(ids), frozenset(plural)


def placeholders(text: str) -> set[str]:
    """The {names} a message fills in."""
    return {name for _, name, _, _ in Formatter().parse(text) if name}


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The message `key` in `lang`, with {placeholders} filled; KeyError for unknown keys. A plural message
    takes its form from the integer `n`."""
    translations, ids, plural = _compiled(lang if lang in LANGS else DEFAULT_LANG)
    if key not in ids:
        raise KeyError(key)
    text = translations.ngettext(key, key, int(values["n"])) if key in plural else translations.gettext(key)
    return text.format(**values) if values else text


def pick(zh: str, en: str, lang: str) -> str:
    """One of a pair of texts that come as data (catalogue entries, the assessment method): en for English."""
    return en if lang == "en" else zh


MARKDOWN_SPECIALS = set("\\`*_{}[]()#+-.!|<>~$:")


def md_escape(text: str) -> str:
    """Text shown literally where Streamlit reads markdown: every markdown character backslash-escaped, so a
    name like `![x](http://…)` or `<img …>` loaded from a file shows as those characters (no image, no link,
    no request). Chinese names have none of these characters and are unchanged."""
    return "".join("\\" + c if c in MARKDOWN_SPECIALS else c for c in str(text))
