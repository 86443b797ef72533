"""stage: facts + an output → the smallest changes of the facts that change it (or give a wanted value).

One fact first: for each fact that is not fixed, its pieces (space.py) with the other facts as
given, one evaluation per piece, and the pieces that give another value merged into regions.
Then two facts, only those pairs of which neither fact alone reaches the goal (a pair that
contains a sufficient single change is not a smallest change): the outer fact's pieces, and for
each the inner fact's pieces with the outer one changed — so a threshold that depends on the
outer fact (a ceiling read by household size) is the right one. An outer fact whose own
thresholds move with the inner one is taken as the inner one instead.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

import attrs

from engine.errors import Diagnostic, FactError, VerdictError, suggestion_hint
from engine.values import coerce_fact, to_json_value
from engine.whatif.pieces import Piece
from engine.whatif.space import NO_VALUE, NotCovered, Space, step_of

MAX_OPTIONS_PER_PAIR = 3


@attrs.frozen
class Region:
    """Values of one fact: an interval (ordered facts) or a set (finite ones); `others` marks the
    set of every value not named in `excluded` (countries or texts the rules do not name)."""

    lo: object = None
    lo_closed: bool = True
    hi: object = None
    hi_closed: bool = True
    values: Optional[tuple] = None
    others: bool = False
    excluded: tuple = ()

    def to_dict(self) -> dict:
        if self.values is not None or self.others:
            out = {"values": [_json(v) for v in (self.values or ())]}
            if self.others:
                out["any_other_than"] = [_json(v) for v in self.excluded]
            return out
        out = {}
        if self.lo is not None:
            out["min" if self.lo_closed else "above"] = _json(self.lo)
        if self.hi is not None:
            out["max" if self.hi_closed else "below"] = _json(self.hi)
        return out


@attrs.frozen
class Change:
    fact: str
    current: object
    regions: tuple  # of Region, ascending
    nearest: object  # the value of the regions closest to the current one

    def to_dict(self) -> dict:
        return {"fact": self.fact, "from": _json(self.current), "to": [r.to_dict() for r in self.regions],
                "nearest": _json(self.nearest)}


@attrs.frozen
class Counterfactual:
    changes: tuple  # one or two Change
    value: object    # the output's value with these changes

    def to_dict(self) -> dict:
        return {"changes": [c.to_dict() for c in self.changes], "value": _json(self.value)}


@attrs.frozen
class WhatIf:
    output: str
    as_of: dt.date
    current: object          # the output's value with the facts as given (NO_VALUE: none)
    want: object             # None: any other value
    fixed: tuple
    single: tuple            # Counterfactual with one change
    pairs: tuple             # Counterfactual with two changes (only where no single one suffices)
    not_covered: tuple       # (fact, why) — facts whose changes were not explored
    pairs_truncated: bool = False

    def to_dict(self) -> dict:
        return {
            "output": self.output, "as_of": self.as_of.isoformat(),
            "value": _json(self.current), "want": _json(self.want) if self.want is not None else None,
            "fixed": list(self.fixed),
            "single": [c.to_dict() for c in self.single],
            "pairs": [c.to_dict() for c in self.pairs],
            "pairs_truncated": self.pairs_truncated,
            "not_covered": [{"fact": f, "why": w} for f, w in self.not_covered],
        }


def _json(value):
    if value is NO_VALUE:
        return None
    return to_json_value(value)


# ---------------------------------------------------------------------------- entry point

def counterfactuals(ruleset, facts, output: str, want=None, fixed=(), as_of=None) -> WhatIf:
    """The smallest changes of `facts` that change `output` (or make it `want`), as of a day."""
    from engine.ruleset import _as_date
    day = _as_date(as_of, "as_of") if as_of is not None else dt.date.today()
    model = ruleset.model
    if output not in model.decisions:
        raise VerdictError(Diagnostic("error", "unknown-output", f"unknown decision `{output}`",
                                      hint=suggestion_hint(output, model.decisions)
                                      or f"the decisions are: {', '.join(model.decisions)}"))
    for name in fixed:
        if name not in model.inputs:
            raise VerdictError(Diagnostic("error", "unknown-fact", f"--fixed: unknown fact `{name}`",
                                          hint=suggestion_hint(name, model.inputs)
                                          or f"the inputs are: {', '.join(model.inputs)}"))
    prepared = ruleset.prepare_facts(facts, [output], day)
    if want is not None:
        try:
            want = coerce_fact(output, model.decisions[output].type, want)
        except FactError as error:
            first = error.diagnostics[0]
            raise VerdictError(Diagnostic("error", "usage", first.message.replace("fact `", "wanted value of `", 1),
                                          hint=first.hint)) from None
    return Search(Space(ruleset, day), prepared, output, want, tuple(fixed)).run()


class Search:
    def __init__(self, space: Space, facts: dict, output: str, want, fixed: tuple):
        self.space = space
        self.facts = facts
        self.output = output
        self.want = want
        self.fixed = fixed
        self.within = space.cone([output])
        self.current = space.value(facts, output)

    def goal(self, value) -> bool:
        if value is NO_VALUE:
            return False
        return value == self.want if self.want is not None else value != self.current

    def variables(self) -> list:
        reads = self.space.reads(self.output)
        return [n for n in self.space.model.inputs if n in reads and n not in self.fixed and n in self.facts]

    def run(self) -> WhatIf:
        single, not_covered, pieces_of, alone = [], [], {}, set()
        for var in self.variables():
            try:
                pieces = self.space.pieces(var, self.facts, self.within)
            except NotCovered as why:
                not_covered.append((var, str(why)))
                continue
            pieces_of[var] = pieces
            found = self._one(var, pieces, self.facts)
            single.extend(found)
            if found:
                alone.add(var)
        pairs, truncated = [], False
        if self.want is None or not single:
            rest = [v for v in pieces_of if v not in alone]
            for i, a in enumerate(rest):
                for b in rest[i + 1:]:
                    found, cut = self._two(a, b, pieces_of)
                    pairs.extend(found)
                    truncated = truncated or cut
        return WhatIf(self.output, self.space.day, self.current, self.want, self.fixed,
                      tuple(single), tuple(pairs), tuple(not_covered), truncated)

    def _outcomes(self, var, pieces, facts) -> list:
        out = []
        for piece in pieces:
            if piece.contains(facts[var]):
                out.append((piece, self.current if facts is self.facts else None, True))
                continue
            trial = dict(facts)
            trial[var] = piece.sample
            out.append((piece, self.space.value(trial, self.output), False))
        return out

    def _one(self, var, pieces, facts) -> list:
        """Counterfactuals changing `var` alone (from `facts`): one per value reached."""
        by_value: dict = {}
        for piece, value, is_current in self._outcomes(var, pieces, facts):
            if is_current or not self.goal(value):
                continue
            by_value.setdefault(_key(value), (value, []))[1].append(piece)
        found = []
        for value, chosen in by_value.values():
            regions = _regions(chosen, pieces)
            change = Change(var, facts[var], regions, _nearest(chosen, facts[var], step_of(self.space.type_of(var))))
            found.append(Counterfactual((change,), value))
        return found

    def _two(self, a, b, pieces_of) -> tuple:
        order = self._pair_order(a, b)
        if order is None:
            return [], False
        outer, inner = order
        groups: dict = {}  # (inner regions, value) → outer pieces giving them: one option each
        for piece in pieces_of[outer]:
            if piece.contains(self.facts[outer]):
                continue
            trial = dict(self.facts)
            trial[outer] = piece.sample
            try:
                inner_pieces = self.space.pieces(inner, trial, self.within)
            except NotCovered:
                continue
            for cf in self._one(inner, inner_pieces, trial):
                change = cf.changes[0]
                key = (change.regions, _key(cf.value))
                entry = groups.setdefault(key, (cf.value, change, []))
                entry[2].append(piece)
        options = []
        for value, change, outer_pieces in groups.values():
            first = Change(outer, self.facts[outer], _regions(outer_pieces, pieces_of[outer]),
                           _nearest(outer_pieces, self.facts[outer], step_of(self.space.type_of(outer))))
            change = attrs.evolve(change, current=self.facts[inner])
            distance = min(_distance(p, self.facts[outer]) for p in outer_pieces)
            options.append((distance, Counterfactual((first, change), value)))
        options.sort(key=lambda item: item[0])
        kept = [cf for _, cf in options]
        return kept[:MAX_OPTIONS_PER_PAIR], len(kept) > MAX_OPTIONS_PER_PAIR

    def _pair_order(self, a, b):
        """(outer, inner): the outer fact's thresholds must not move with the inner fact."""
        if not self._moves_with(a, b):
            return a, b
        if not self._moves_with(b, a):
            return b, a
        return None

    def _moves_with(self, var, other) -> bool:
        uses = self.space.uses(var, self.within)
        if not uses.supported:  # enumerated, or finite: pieces are single values either way
            return False
        return any(self.space.depends(expr, other) for _, expr, _ in uses.bounds)


def _key(value):
    try:
        hash(value)
        return value
    except TypeError:
        return repr(value)


def _regions(chosen: list, pieces: list) -> tuple:
    """The chosen pieces, neighbours in `pieces` merged (finite pieces: one set)."""
    if chosen and chosen[0].values is not None:
        named, others = [], None
        for p in chosen:
            if len(p.values) == 1 and not hasattr(p.values, "named"):
                named.extend(p.values)
            else:
                others = p
        if others is None:
            return (Region(values=tuple(sorted(named, key=_sort_key))),)
        excluded = tuple(sorted({v for q in pieces if q is not others and q.values is not None
                                 for v in q.values if len(q.values) == 1}, key=_sort_key))
        if not hasattr(others.values, "named") and len(others.values) > 1:
            excluded = tuple(sorted(set(excluded), key=_sort_key))
        return (Region(values=tuple(sorted(named, key=_sort_key)), others=True, excluded=excluded),)
    index = {id(p): i for i, p in enumerate(pieces)}
    runs: list = []
    for p in sorted(chosen, key=lambda q: index[id(q)]):
        if runs and index[id(runs[-1][-1])] + 1 == index[id(p)]:
            runs[-1].append(p)
        else:
            runs.append([p])
    return tuple(Region(run[0].lo, run[0].lo_closed, run[-1].hi, run[-1].hi_closed) for run in runs)


def _sort_key(value):
    return (str(type(value)), value)


def _nearest(chosen: list, current, step=None):
    best = None
    for p in chosen:
        value = _closest_in(p, current, step)
        if best is None or _gap(value, current) < _gap(best, current):
            best = value
    return best


def _closest_in(piece: Piece, current, step=None):
    """The value of `piece` closest to `current`: its end, or, an open end, one step inside it
    (10,339.01 € above a ceiling of 10,339 €) when the fact's type has a smallest step."""
    if piece.values is not None:
        return piece.sample
    if piece.hi is not None and current > piece.hi:
        return _inside(piece, piece.hi, -step if step else None) if not piece.hi_closed else piece.hi
    if piece.lo is not None and current < piece.lo:
        return _inside(piece, piece.lo, step) if not piece.lo_closed else piece.lo
    return piece.sample


def _inside(piece: Piece, end, step):
    value = end + step if step is not None else None
    return value if value is not None and piece.contains(value) else piece.sample


def _gap(value, current):
    try:
        d = value - current
        return abs(d.days) if isinstance(d, dt.timedelta) else abs(d)
    except TypeError:
        return 0


def _distance(piece: Piece, current):
    return _gap(_closest_in(piece, current), current)
