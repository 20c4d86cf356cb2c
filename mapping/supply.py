"""Placeholder: filled by the supply work."""

from __future__ import annotations

from mapping.catalogue import Indicator

INDICATORS: list[Indicator] = []
