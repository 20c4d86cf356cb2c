"""Translations of user-facing strings (French, Arabic right-to-left, English).

Messages live in ``mapping/locales/*.json``, one file per part of the product,
each mapping a key to its three translations::

    {"map.title": {"fr": "Carte", "ar": "الخريطة", "en": "Map"}}

Keys must be unique across files. :func:`t` formats a message with
``str.format`` keyword arguments.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from mapping.catalogue import LANGS

LOCALES_DIR = Path(__file__).with_name("locales")
DEFAULT_LANG = "fr"
RTL_LANGS = frozenset({"ar"})
LANGUAGE_NAMES = {"fr": "Français", "ar": "العربية", "en": "English"}


@cache
def messages() -> dict[str, dict[str, str]]:
    """All messages, keyed by message key, read once from the locale files.

    Raises
    ------
    ValueError
        If a key is defined in two files.
    """
    out: dict[str, dict[str, str]] = {}
    for path in sorted(LOCALES_DIR.glob("*.json")):
        for key, value in json.loads(path.read_text(encoding="utf-8")).items():
            if key in out:
                raise ValueError(f"message {key!r} defined twice (again in {path.name})")
            out[key] = value
    return out


def t(key: str, lang: str = DEFAULT_LANG, **kwargs: object) -> str:
    """Translate *key* into *lang*, then fill ``{placeholders}`` from *kwargs*.

    Falls back to French, then to the key itself, so a missing translation
    shows up visibly instead of crashing.

    Examples
    --------
    >>> t("app.title", "en")
    'School map — Marrakech-Safi'
    """
    entry = messages().get(key)
    text = key if entry is None else entry.get(lang) or entry.get(DEFAULT_LANG) or key
    return text.format(**kwargs) if kwargs else text


def is_rtl(lang: str) -> bool:
    """Whether *lang* is written right to left."""
    return lang in RTL_LANGS


def normalise_lang(lang: str | None) -> str:
    """Return *lang* if supported, else the default language."""
    return lang if lang in LANGS else DEFAULT_LANG
