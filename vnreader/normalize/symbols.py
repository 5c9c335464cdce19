"""Placeholder: rules of this class are being written (see the foundation issue)."""

from __future__ import annotations

from vnreader.normalize.engine import Rule


def rules() -> list[Rule]:
    return []
