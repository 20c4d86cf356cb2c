"""Every message is translated in the three languages."""

from __future__ import annotations

import string

from mapping.catalogue import LANGS
from mapping.i18n import is_rtl, messages, t


def test_every_message_has_three_translations() -> None:
    for key, entry in messages().items():
        assert set(entry) == set(LANGS), key
        fields = {tuple(sorted(f[1] for f in string.Formatter().parse(entry[lang]) if f[1]))
                  for lang in LANGS}
        assert len(fields) == 1, f"{key}: placeholders differ between languages"


def test_translate_and_fallback() -> None:
    assert t("app.title", "ar").startswith("الخريطة")
    assert t("no.such.key", "en") == "no.such.key"
    assert is_rtl("ar") and not is_rtl("fr")
