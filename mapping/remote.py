"""Placeholder: filled by the remote work."""

from __future__ import annotations

from mapping.catalogue import Indicator

INDICATORS: list[Indicator] = []
