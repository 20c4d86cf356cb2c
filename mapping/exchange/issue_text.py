"""Package validation issues in the reader's language.

Issue messages are written in English by the validator (and by frictionless);
each issue has a stable ``code``. A person reads the message of that code in
their language (``mapping/locales/exchange_issues.json``); the English message,
more detailed, stays in the English interface and in the command's receipt.
"""

from __future__ import annotations

import pandas as pd

from mapping.i18n import messages, t


def issue_message(code: object, message: object, lang: str) -> str:
    """The message of an issue *code* in *lang*; the validator's *message* when no
    translation of the code exists or *lang* is English."""
    key = f"exchange.issue.{code}"
    if lang == "en" or key not in messages():
        return "" if message is None else str(message)
    return t(key, lang)


def translate_issues(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A copy of a receipt's issue table with its ``message`` column in *lang*."""
    out = frame.copy()
    if {"code", "message"} <= set(out.columns):
        out["message"] = [issue_message(c, m, lang)
                          for c, m in zip(out["code"], out["message"], strict=True)]
    return out
