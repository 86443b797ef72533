"""check: table analysis (overlaps, gaps, masked rows) as diagnostics. Filled in by the analysis stage."""
from __future__ import annotations


def analyse_tables(ruleset) -> list:
    return []
