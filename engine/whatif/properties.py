"""check: `assert` declarations → proved, or `property-refuted` with a counterexample.

    assert css_status = free implies annual_resources <= css_free_ceiling
    assert enrolment != register_student_portal when holds_ceam and zone = eu_eea_ch
    assert css_monthly_participation is monotone increasing in age_on_1_january

A property is decided over every input it reads, exactly: for each period in which the versions
and parameters it reads stay the same (its first day is evaluated), the inputs are taken one by
one, each split into its pieces (space.py) given the ones already chosen — so every combination
of pieces is evaluated once, and between the pieces' thresholds nothing changes. `x is monotone
increasing in v` compares, for every combination of the other inputs, the values on v's pieces in
order (a decision v is cut: given its value directly). A point where the property has no value
(a `no answer` row, a gap) does not refute it. What cannot be split exactly, or needs more than
MAX_POINTS evaluations, is left undecided, with a note.
"""
from __future__ import annotations

import datetime as dt

from engine import ast
from engine.errors import Diagnostic
from engine.values import BOOL, to_json_value
from engine.whatif.space import NO_VALUE, NotCovered, Space

MAX_POINTS = 50_000


class _Undecided(Exception):
    pass


class _Refuted(Exception):
    def __init__(self, example: dict, detail: str):
        super().__init__(detail)
        self.example = example
        self.detail = detail


def assertions(ruleset) -> list:
    return [d for f in ruleset.parsed for d in f.declarations if isinstance(d, ast.AssertDecl)]


_DECIDED: dict = {}  # ruleset sha256 → diagnostics: a ruleset's files decide its properties


def check_properties(ruleset) -> list:
    key = ruleset.sha256
    if key not in _DECIDED:
        if len(_DECIDED) > 32:
            _DECIDED.clear()
        _DECIDED[key] = _check_properties(ruleset)
    return list(_DECIDED[key])


def _check_properties(ruleset) -> list:
    found = []
    for decl in assertions(ruleset):
        problem = _names_problem(ruleset, decl)
        if problem is not None:
            found.append(problem)
            continue
        try:
            _Prover(ruleset, decl).run()
        except _Refuted as refuted:
            found.append(Diagnostic("error", "property-refuted",
                                    f"property refuted: `{_text(decl)}` fails for {refuted.detail}", decl.span,
                                    hint="correct the rules, or the property",
                                    example=refuted.example))
        except _Undecided as why:
            found.append(Diagnostic("note", "property-undecided",
                                    f"property not decided: `{_text(decl)}`: {why}", decl.span))
    return found


def _text(decl) -> str:
    if decl.kind == "monotone":
        return f"{decl.subject} is monotone {decl.direction} in {decl.variable}"
    claim = _expr_text(decl.claim)
    return claim if decl.kind == "plain" else f"{_expr_text(decl.condition)} implies {claim}"


def _expr_text(expr) -> str:
    match expr:
        case ast.Literal(kind=kind, value=value):
            if kind == "money":
                return f"{value} €"
            if kind == "bool":
                return "true" if value else "false"
            if kind == "text":
                return f'"{value}"'
            return str(value)
        case ast.Name(name=name):
            return name
        case ast.Field(base=base, field=field):
            return f"{_expr_text(base)}.{field}"
        case ast.Unary(op=op, operand=operand):
            return f"{op} {_expr_text(operand)}" if op == "not" else f"-{_expr_text(operand)}"
        case ast.Binary(op=op, left=left, right=right):
            return f"{_expr_text(left)} {op} {_expr_text(right)}"
        case ast.InExpr(value=value, options=options):
            return f"{_expr_text(value)} in {{{', '.join(_expr_text(o) for o in options)}}}"
        case ast.Call(function=function, args=args):
            return f"{function}({', '.join(_expr_text(a) for a in args)})"
    return "…"


def _names_problem(ruleset, decl):
    model = ruleset.model
    if decl.kind == "monotone":
        for name in (decl.subject, decl.variable):
            if name not in model.decisions and name not in model.inputs:
                return Diagnostic("error", "unknown-name", f"unknown name `{name}` in a property", decl.span,
                                  hint="a property speaks of inputs and decisions")
        for name in (decl.subject, decl.variable):
            kind = (model.inputs[name].type if name in model.inputs else model.decisions[name].type)
            if getattr(kind, "name", None) not in ("integer", "number", "money", "date"):
                return Diagnostic("error", "type-mismatch", f"`{name}` is not ordered: monotone needs numbers, "
                                  "money or dates", decl.span)
        return None
    compiler = ruleset.plans.compiler
    for expr in (decl.claim, decl.condition):
        if expr is None:
            continue
        type_ = compiler.type_of(expr)
        if type_ != BOOL:
            return Diagnostic("error", "type-mismatch", f"`{_expr_text(expr)}` is not a condition (true or false)",
                              expr.span, hint="a property compares values: `a = b`, `a <= b`, `a and b`")
    return None


class _Prover:
    def __init__(self, ruleset, decl):
        self.ruleset = ruleset
        self.decl = decl
        self.model = ruleset.model
        self.points = 0

    def names(self) -> list:
        if self.decl.kind == "monotone":
            return [self.decl.subject]
        exprs = [e for e in (self.decl.claim, self.decl.condition) if e is not None]
        return [n for e in exprs for n in ast.names_in(e) if n in self.model.decisions or n in self.model.inputs]

    def days(self) -> list:
        """The first day of every period in which what the property reads stays the same."""
        reads = set(self.names())
        for name in list(reads):
            for info in (self.model.decisions.get(name),):
                for version in (info.versions if info else ()):
                    reads.update(version.dependencies)
        grown = True
        while grown:  # every version of everything read, transitively
            grown = False
            for name in list(reads):
                info = self.model.decisions.get(name)
                for version in (info.versions if info else ()):
                    new = set(version.dependencies) - reads
                    if new:
                        reads |= new
                        grown = True
        starts = set()
        for name in reads:
            info = self.model.decisions.get(name)
            for version in (info.versions if info else ()):
                if version.decl.valid_from:
                    starts.add(version.decl.valid_from)
                if version.decl.valid_to:
                    starts.add(version.decl.valid_to + dt.timedelta(days=1))
            if name in self.model.parameters:
                starts.update(v.start for v in self.model.parameters[name].values)
        names = self.names()
        days = []
        for day in sorted(starts) or [dt.date.today()]:
            space = Space(self.ruleset, day)
            if all(n in self.model.inputs or space.version(n) is not None for n in names):
                days.append(day)
        return days

    def run(self) -> None:
        claims = () if self.decl.kind == "monotone" else (self.decl.claim, self.decl.condition)
        for day in self.days():
            space = Space(self.ruleset, day, claims)
            within = space.cone(self.names())
            if self.decl.kind == "monotone" and self._abstract(space, within, day):
                continue
            cut = None
            variable = self.decl.variable if self.decl.kind == "monotone" else None
            if variable in self.model.decisions:
                cut = variable
            variables = self._inputs(space, within, cut)
            if variable in self.model.inputs and variable in variables:
                variables.remove(variable)
            order = self._order(space, variables, within)
            self._walk(space, within, order, {}, day)

    def _abstract(self, space, within, day) -> bool:
        """Monotone: first over every value of the subject's own enumeration and boolean
        arguments, as if they were free (more combinations than the inputs can make, far fewer
        pieces): proved there is proved. False when that does not settle it."""
        version = space.version(self.decl.subject)
        if version is None:
            return False
        others = [d for d in version.dependencies if d != self.decl.variable]
        if not others or any(d in self.model.inputs for d in others):
            return False
        choices = []
        for name in others:
            type_ = self.model.decisions[name].type if name in self.model.decisions else None
            symbols = getattr(type_, "symbols", None) or ((False, True) if type_ == BOOL else None)
            if not symbols:
                return False
            choices.append((name, symbols))
        saved = self.points
        try:
            self._free(space, within, choices, {}, day)
        except (_Refuted, _Undecided):
            self.points = saved
            return False
        return True

    def _free(self, space, within, choices, cut, day) -> None:
        if len(cut) == len(choices):
            self._leaf(space, within, {}, day, cut)
            return
        name, symbols = choices[len(cut)]
        for symbol in symbols:
            cut[name] = symbol
            self._free(space, within, choices, cut, day)
            del cut[name]

    def _inputs(self, space, within, cut) -> list:
        """The inputs the decisions `within` read, not counting those read only through `cut`."""
        seen, stack, found = set(), list(self.names()), []
        while stack:
            name = stack.pop()
            if name in seen or name == cut:
                continue
            seen.add(name)
            if name in self.model.inputs:
                found.append(name)
                continue
            version = space.version(name)
            stack.extend(version.dependencies if version else ())
        return [n for n in self.model.inputs if n in found]

    def _order(self, space, variables, within) -> list:
        """Inputs whose thresholds read other inputs come after those inputs."""
        needs = {}
        for var in variables:
            uses = space.uses(var, within)
            needs[var] = {o for o in variables if o != var and uses.supported
                          and any(space.depends(expr, o) for _, expr, _ in uses.bounds)}
        order, placed = [], set()
        while len(order) < len(variables):
            ready = [v for v in variables if v not in placed and needs[v] <= placed]
            if not ready:
                raise _Undecided("the thresholds of " + ", ".join(v for v in variables if v not in placed)
                                 + " depend on each other")
            order.append(ready[0])
            placed.add(ready[0])
        return order

    def _walk(self, space, within, order, facts, day) -> None:
        if len(facts) == len(order):
            self._leaf(space, within, facts, day)
            return
        var = order[len(facts)]
        try:
            pieces = space.pieces(var, facts, within)
        except NotCovered as why:
            raise _Undecided(str(why)) from None
        for piece in pieces:
            facts[var] = piece.sample
            self._walk(space, within, order, facts, day)
            del facts[var]

    def _count(self, n: int = 1) -> None:
        self.points += n
        if self.points > MAX_POINTS:
            raise _Undecided(f"more than {MAX_POINTS:,} combinations of inputs to evaluate")

    def _leaf(self, space, within, facts, day, given=None) -> None:
        decl = self.decl
        if decl.kind != "monotone":
            self._count()
            exprs = [(decl.claim, None)] + ([(decl.condition, None)] if decl.condition is not None else [])
            values = space.expressions(exprs, dict(facts))
            if decl.condition is not None and values[1] is not True:
                return
            if values[0] is False:
                raise _Refuted(_example(facts, day), _shown(facts, day))
            return
        var = decl.variable
        is_decision = var in self.model.decisions
        try:
            pieces = space.pieces(var, facts, within)
        except NotCovered as why:
            raise _Undecided(str(why)) from None
        self._count(len(pieces))
        previous = None
        for piece in pieces:
            trial = dict(facts)
            cut = dict(given or {})
            if is_decision:
                cut[var] = piece.sample
            if not is_decision:
                trial[var] = piece.sample
            value = space.value(trial, decl.subject, cut)
            if value is NO_VALUE:
                continue
            if previous is not None:
                before, sample = previous
                wrong = value < before if decl.direction == "increasing" else value > before
                if wrong:
                    example = dict(_example(facts, day))
                    detail = (f"{_shown(facts, day)}: {var} = {_fmt(sample)} gives {decl.subject} = {_fmt(before)}"
                              f", but {var} = {_fmt(piece.sample)} gives {_fmt(value)}")
                    example.update({var: [to_json_value(sample), to_json_value(piece.sample)]})
                    raise _Refuted(example, detail)
            previous = (value, piece.sample)


def _example(facts: dict, day) -> dict:
    out = {name: to_json_value(v) for name, v in facts.items()}
    out["as_of"] = day.isoformat()
    return out


def _fmt(value) -> str:
    return str(to_json_value(value))


def _shown(facts: dict, day) -> str:
    parts = [f"{k} = {_fmt(v)}" for k, v in facts.items()]
    return ", ".join(parts + [f"as of {day.isoformat()}"])
