"""stale_figures: the stale-figure warnings shown under a decision — its own, those of every
decision it rests on at any depth, and of their figures — found once per explanation.

Walking the decisions beneath each answer anew costs the size of the graph per answer: for a chain
of n decisions that is n² steps. Here the decisions that carry a warning are listed once for each
decision, in the order of that walk (depth first, reads in order, each decision once), from the
lists of the decisions it reads; the warnings follow from them. A trace whose decisions read each
other in a circle (only a hand-made one can) is walked as before.
"""
from __future__ import annotations


class Beneath:
    """One explanation's warnings beneath each decision."""

    def __init__(self, by_name: dict, warnings_by_name: dict):
        self.by_name, self.warnings_by_name = by_name, warnings_by_name
        self._order: dict = {}   # decision name → the names beneath it (itself first) that carry warnings
        self._owned: dict = {}   # name → its warnings and its figures'
        self._read: dict = {}    # name → the decisions it reads
        self._circular = False
        self._passed = False     # the one pass over all decisions tried

    def warnings(self, name: str) -> list:
        """The warnings beneath `name`, each (name, checked) once, as `stale_beneath` lists them."""
        if not self.warnings_by_name:
            return []
        if not self._passed:
            self._passed = True
            self._in_one_pass()
        order = None if self._circular else self._names(name)
        if order is None:
            self._circular = True
            return stale_beneath(name, self.by_name, self.warnings_by_name)
        found = []
        for beneath in order:
            found.extend(self._own(beneath))
        return _unique(found)

    def _own(self, name: str) -> list:
        found = self._owned.get(name)
        if found is None:
            found = self._owned[name] = self._own_found(name)
        return found

    def _own_found(self, name: str) -> list:
        found = list(self.warnings_by_name.get(name, []))
        entry = self.by_name.get(name)
        if entry is not None:
            for parameter in entry.get("parameters", []):
                found.extend(self.warnings_by_name.get(parameter["name"], []))
        return found

    def _reads(self, name: str) -> list:
        found = self._read.get(name)
        if found is None:
            entry = self.by_name.get(name)
            found = self._read[name] = [r for r in entry.get("reads", []) if r in self.by_name] \
                if entry is not None else []
        return found

    def _in_one_pass(self) -> None:
        """Every decision's list at once, when each comes after the decisions it reads (the engine
        writes them so); else (a hand-made trace) they are found by walking, as they are asked for."""
        order, by_name, carriers = self._order, self.by_name, self.warnings_by_name
        for name, entry in by_name.items():
            lists = []
            for read in entry.get("reads", []):
                if read in by_name:
                    found = order.get(read)
                    if found is None:
                        order.clear()
                        return
                    if found:
                        lists.append(found)
            if lists or name in carriers or any(p["name"] in carriers for p in entry.get("parameters", [])):
                order[name] = self._merged(name, lists)
            else:
                order[name] = ()  # nothing beneath it carries a warning: most decisions

    def _merged(self, name: str, lists: list) -> tuple:
        """`name` (if it carries a warning), then the names of `lists` in turn, each once."""
        own = bool(self._own(name))
        if not lists:
            return (name,) if own else ()
        if len(lists) == 1 and not own:
            return lists[0]
        names = [name] if own else []
        listed = set(names)
        for found in lists:
            for beneath in found:
                if beneath not in listed:
                    listed.add(beneath)
                    names.append(beneath)
        return tuple(names)

    def _names(self, start: str):
        """The warned names beneath `start` in walking order, or None if the reads go round."""
        if start in self._order:
            return self._order[start]
        order, walking, stack = self._order, set(), [(start, False)]
        while stack:
            name, finished = stack.pop()
            if finished:
                walking.discard(name)
                order[name] = self._merged(name, [order[read] for read in self._reads(name) if order[read]])
                continue
            if name in order:
                continue
            if name in walking:
                return None
            walking.add(name)
            stack.append((name, True))
            stack.extend((read, False) for read in reversed(self._reads(name)) if read not in order)
        return order[start]


def stale_beneath(name: str, by_name: dict, warnings_by_name: dict) -> list:
    """The walk itself, depth first from `name`: its warnings and those of all beneath it."""
    found, seen, stack = [], set(), [name]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        found.extend(warnings_by_name.get(name, []))
        entry = by_name.get(name)
        if entry is None:
            continue
        for parameter in entry.get("parameters", []):
            found.extend(warnings_by_name.get(parameter["name"], []))
        stack.extend(reversed([r for r in entry.get("reads", []) if r in by_name]))
    return _unique(found)


def _unique(found: list) -> list:
    unique, keys = [], set()
    for warning in found:
        key = (warning["name"], warning["checked"])
        if key not in keys:
            keys.add(key)
            unique.append(warning)
    return unique
