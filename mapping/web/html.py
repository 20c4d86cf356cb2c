"""HTML escaping of untrusted text (school names, registry fields, uploaded values)."""

from __future__ import annotations

import html
import math

import pandas as pd


def esc(value: object) -> str:
    """HTML-escape *value* for text and attributes; also neutralises JS template syntax.

    ``None`` and NaN become an empty string.

    Examples
    --------
    >>> esc("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert(1)&gt;'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if value is pd.NA:
        return ""
    text = html.escape(str(value), quote=True)
    return text.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")
