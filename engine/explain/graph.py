"""graph: what the walks over a trace's decisions find — the decisions the requested ones
rest on, the names some decision reads, the stale-figure warnings beneath each — kept for each
sequence of `Node`s, one per decision: all those walks read of it (its name, the names it reads,
its figures', its table's columns' and its rules' holes').

A household's trace has the bundled ruleset's decisions linked as the last one's more often than
not (which rules fired changes more often: that is the plans', engine/explain/plan.py); then none
of the walks is made again. Bounded: GRAPHS_KEPT sequences and NODES_KEPT nodes per context,
WARNINGS_KEPT sets of warnings per sequence.
"""
from __future__ import annotations

from collections import deque
from typing import Optional

GRAPHS_KEPT = 1_024
NODES_KEPT = 4_096
WARNINGS_KEPT = 64


class Node:
    """What the walks read of a decision; one object per content in a context, so that a sequence
    of them is compared by identity."""

    __slots__ = ("name", "reads", "figures", "inputs", "holes")

    def __init__(self, name: str, reads: tuple, figures: tuple, inputs: tuple, holes: tuple):
        self.name, self.reads, self.figures, self.inputs, self.holes = name, reads, figures, inputs, holes


def node_of(context, name: str, reads: tuple, figures: tuple, inputs: tuple, holes: tuple) -> Node:
    key = (name, reads, figures, inputs, holes)
    node = context.nodes.get(key)
    if node is None:
        if len(context.nodes) >= NODES_KEPT:
            context.nodes.clear()
            context.graphs.clear()  # its sequences name nodes no longer kept: they would not be found again
        node = context.nodes[key] = Node(*key)
    return node


class Graph:
    """The walks over the decisions of one sequence of nodes."""

    def __init__(self, nodes: tuple):
        self.nodes = nodes
        self.by_name = {node.name: node for node in nodes}
        self._support: dict = {}   # requested names → the names they rest on, nearest first
        self._read: Optional[frozenset] = None
        self._warnings: dict = {}  # (warnings, as of) → {decision name: its warning lines}

    def supporting(self, requested: tuple) -> tuple:
        """explain._supporting's names: the decisions the requested ones rest on, each once."""
        found = self._support.get(requested)
        if found is None:
            seen, order, queue = set(requested), [], deque(requested)
            while queue:
                node = self.by_name.get(queue.popleft())
                for read in node.reads if node is not None else ():
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
            for node in self.nodes:
                names.update(node.reads)
                names.update(node.inputs)
                for holes in node.holes:
                    names.update(holes)
            self._read = frozenset(names)
        return self._read

    def warning_lines(self, warnings: tuple, as_of: str) -> dict:
        """decision name → its warnings' lines, for this trace's warnings and date (filled by
        explain/render.py as decisions ask for them)."""
        key = (warnings, as_of)
        found = self._warnings.get(key)
        if found is None:
            if len(self._warnings) >= WARNINGS_KEPT:
                self._warnings.clear()
            found = self._warnings[key] = {}
        return found


def graph_for(context, plans: list) -> Graph:
    nodes = tuple([plan.node for plan in plans])
    graph = context.graphs.get(nodes)
    if graph is None:
        if len(context.graphs) >= GRAPHS_KEPT:
            context.graphs.clear()
        graph = context.graphs[nodes] = Graph(nodes)
    return graph


def warnings_key(trace: dict) -> Optional[tuple]:
    """The trace's warnings as their lines depend on them (name, date checked, source), or None
    if one is not text (not kept)."""
    key = []
    for warning in trace.get("warnings", []):
        name, checked, source = warning.get("name"), warning.get("checked"), warning.get("source")
        if name.__class__ is not str or checked.__class__ is not str or not (
                source is None or source.__class__ is str):
            return None  # (a warning without its date raises where explain/render.py writes it, if it does)
        key.append((name, checked, source))
    return tuple(key)
