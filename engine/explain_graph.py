"""explain_graph: what the walks over a trace's decisions find — the decisions the requested ones
rest on, the names some decision reads, the stale-figure warnings beneath each — kept for each
sequence of decision plans (engine/explain_plan.py), which holds all those walks read: each
decision's name, the names it reads, its figures, its table's columns and its rules' holes.

A household's trace has the bundled ruleset's decisions in the same shapes as the last one's
more often than not; then none of the walks is made again. Bounded: GRAPHS_KEPT sequences per
context, WARNINGS_KEPT sets of warnings per sequence.
"""
from __future__ import annotations

from collections import deque
from typing import Optional

GRAPHS_KEPT = 1_024
WARNINGS_KEPT = 64


class Graph:
    """The walks over the decisions of one sequence of plans."""

    def __init__(self, plans: tuple):
        self.plans = plans
        self.by_name = {plan.name: plan for plan in plans}
        self._support: dict = {}   # requested names → the names they rest on, nearest first
        self._read: Optional[frozenset] = None
        self._warnings: dict = {}  # (warnings, as of) → {decision name: its warning lines}

    def supporting(self, requested: tuple) -> tuple:
        """explain._supporting's names: the decisions the requested ones rest on, each once."""
        found = self._support.get(requested)
        if found is None:
            seen, order, queue = set(requested), [], deque(requested)
            while queue:
                plan = self.by_name.get(queue.popleft())
                for read in plan.reads if plan is not None else ():
                    if read in self.by_name and read not in seen:
                        seen.add(read)
                        order.append(read)
                        queue.append(read)
            if len(self._support) >= WARNINGS_KEPT:
                self._support.clear()
            found = self._support[requested] = tuple(order)
        return found

    def read(self) -> frozenset:
        """What explain._assumed gathers: every name some decision reads, a column of its table
        names or a hole of its rules holds."""
        if self._read is None:
            names = set()
            for plan in self.plans:
                names.update(plan.reads)
                names.update(plan.inputs)
                for holes in plan.holes:
                    names.update(holes)
            self._read = frozenset(names)
        return self._read

    def warning_lines(self, warnings: tuple, as_of: str) -> dict:
        """decision name → its warnings' lines, for this trace's warnings and date (filled by
        explain.py as decisions ask for them)."""
        key = (warnings, as_of)
        found = self._warnings.get(key)
        if found is None:
            if len(self._warnings) >= WARNINGS_KEPT:
                self._warnings.clear()
            found = self._warnings[key] = {}
        return found


def graph_for(context, shapes: list) -> Graph:
    plans = tuple([shape.plan for shape in shapes])
    graph = context.graphs.get(plans)
    if graph is None:
        if len(context.graphs) >= GRAPHS_KEPT:
            context.graphs.clear()
        graph = context.graphs[plans] = Graph(plans)
    return graph


def warnings_key(trace: dict) -> Optional[tuple]:
    """The trace's warnings as their lines depend on them (name, date checked, source), or None
    if one is not text (not kept)."""
    key = []
    for warning in trace.get("warnings", []):
        name, checked, source = warning["name"], warning["checked"], warning.get("source")
        if name.__class__ is not str or checked.__class__ is not str or not (
                source is None or source.__class__ is str):
            return None
        key.append((name, checked, source))
    return tuple(key)
