"""plan: a decision's lines in an explanation from a plan made once per shape of decision,
so that a new household costs the formatting of its values, not the layout of every decision (#15).

From one verdict to the next most of what a decision's lines say stays: the rules that fired, their
`because` templates, the sources they cite, the columns a table tested, the decisions it rests on,
its figures' names. The values change: the holes', the columns', the answers it rests on, the
figures'. `split` cuts a decision entry of the trace into

- its shape: every part its lines are made of that is not a value (the template chosen for the
  language, each rule with its line and cited source, each tested column's name and type, the names
  of the decisions read and whether they answered, the figures' names and sources), a hashable tuple;
- its values, in the order the plan's holes take them.

A `Plan` is made from the shape alone, so nothing outside the shape can change its text, and kept
per shape; the lines it gives for values it has seen are kept too. Plans live in a `Context`: the
language, the decimal context (Babel rounds money in it), the trace's first language (its fallback
for templates and titles) and the trace's titles and types, kept as a snapshot and compared
by value with each trace's, so a trace whose labels or types differ in anything gets other plans.
The lines of what a decision rests on are kept apart from its own: an answer beneath (the age)
changes more often than the decision's text. What the values are keyed by is engine/explain/keys.py.
What a plan does not cover (function calls, a part of an unexpected type, a trace whose labels or
types are not all text) `split` leaves to the general code in explain/render.py: it returns None and the
text is what it always was.

What is kept is bounded: CONTEXTS_KEPT contexts, PLANS_KEPT plans in each, RENDERED_KEPT texts.
"""
from __future__ import annotations

import copy
import decimal
import itertools
from typing import Optional

from engine.explain.graph import node_of
from engine.explain.keys import frozen, rendered_key, symbolic
from engine.explain.reading import Reading, failed_columns
from engine.explain.values import template_parts
from engine.explain.writer import cited, file_line
from engine.explain.i18n import colon, joined, parenthesised
from engine.trace.shared import SharedDict, SharedList
from engine.locale import formatting

CONTEXTS_KEPT = 16     # readings (language, titles, types) whose plans are kept at once
PLANS_KEPT = 4_096     # shapes of decision kept per context
RENDERED_KEPT = 20_000  # (plan, values) → lines kept in all
_CONTEXTS: list = []
_RENDERED: dict = {}
# A trace's parts that do not depend on the facts are read-only dicts and lists shared by other
# traces (engine/trace/shared.py): they read, compare and copy as dicts and lists do.
_DICTS, _LISTS = frozenset((dict, SharedDict)), frozenset((list, SharedList))
_MISSING = object()  # a hole the fired rule gave no value for: written `{name}`, as the template has it
_ABSENT, _ANSWERED, _UNANSWERED = object(), object(), object()  # a decision read, in the trace or not


def _plain(value) -> bool:
    """A str, or a dict of str keys whose values are plain: what a snapshot compared with `==`
    tells apart exactly (`1 == True`, so an int or a bool among them could be mistaken)."""
    if type(value) is str:
        return True
    return type(value) in _DICTS and all(type(k) is str and _plain(v) for k, v in value.items())


class Context:
    """One reading of traces: plans made in it hold for any trace whose reading compares equal."""

    def __init__(self, key: tuple, reading: Reading):
        self.key = key
        self.lang, self.fallback = key[0], key[1]
        # snapshots: a caller changing its trace afterwards does not change what was compared
        self.titles, self.default_titles = dict(reading.titles), dict(reading.default_titles)
        self.types = copy.deepcopy(reading.types)
        # what plans are made with: no symbols (a trace carries those its values use, so they vary
        # from one household to the next); the values are written by each trace's own reading
        self.reading = Reading({"languages": [self.fallback], "types": self.types, "labels": {
            self.fallback: {"titles": self.default_titles}, self.lang: {"titles": self.titles}}}, self.lang)
        self.plans: dict = {}
        self.assumed: dict = {}  # the defaults read, their values → their lines
        self.nodes: dict = {}   # what the walks over a trace read of a decision → engine/explain_graph.Node
        self.graphs: dict = {}  # the nodes of a trace's decisions in order → engine/explain_graph.Graph

    def matches(self, key: tuple, reading: Reading) -> bool:
        return self.key == key and self.titles == reading.titles and self.types == reading.types \
            and self.default_titles == reading.default_titles


def context_for(reading: Reading, fallback: str) -> Optional[Context]:
    """The context of traces read as `reading` is, with `fallback` their first language; None if
    its labels or types are not all text (a hand-made trace), which leaves it to the general code."""
    ctx = decimal.getcontext()
    key = (reading.lang, fallback, ctx.prec, ctx.rounding, ctx.Emax, ctx.Emin)
    for found in _CONTEXTS:
        if found.matches(key, reading):
            return found
    if type(fallback) is not str or not all(_plain(part) for part in (
            reading.titles, reading.default_titles, reading.types)):
        return None
    if len(_CONTEXTS) >= CONTEXTS_KEPT:
        del _CONTEXTS[0]
    found = Context(key, reading)
    if found.reading.titles != reading.titles or found.reading.default_titles != reading.default_titles:
        return None  # a reading the snapshot does not give back (a language named twice): not kept
    _CONTEXTS.append(found)
    return found


_SHOWN = (str, int)  # a part written with str(): a str or an int, not a bool (`True` is `1` to a dict)
_STR = frozenset((str,))
_NAME = itertools.repeat("name")


_HOLES: dict = {}  # template → the names of its holes, each once, in order


def hole_names(template: str) -> tuple:
    """The names a rule's holes are given under (a hole named twice is given once)."""
    names = _HOLES.get(template)
    if names is None:
        if len(_HOLES) >= PLANS_KEPT:
            _HOLES.clear()
        names = _HOLES[template] = tuple(dict.fromkeys(template_parts(template)[1::2]))
    return names


def split(decision: dict, lang: str, fallback: str) -> Optional[tuple]:
    """A decision entry cut in two: (its shape, all its lines are made of but values; its values,
    in the order its plan takes them; what a decision reading it says of it, `_ANSWERED` and its
    output or `_UNANSWERED`), or None for one the plans leave to explain/render.py. Reads the entry as
    explain._decision does; any error there is left to that code to raise."""
    try:
        return _split(decision, lang, fallback)
    except Exception:  # a malformed entry: explain/render.py's general code says what it always said
        return None


def _split(decision: dict, lang: str, fallback: str) -> Optional[tuple]:
    fired = decision["fired"]
    if fired.__class__ not in _LISTS or decision.get("calls"):
        return None
    name, file = decision["name"], decision["location"]["file"]
    valid_from = decision.get("valid_from") or None
    if name.__class__ is not str or file.__class__ is not str or not (
            valid_from is None or valid_from.__class__ is str):
        return None
    values: list = []
    rules = []
    sources = decision.get("sources", [])
    given = True
    for entry in fired:
        holes = entry.get("holes", {})
        if holes.__class__ not in _DICTS:
            return None
        if "because" in entry:
            given = False
            because = entry["because"]
        else:
            because = None
        if because:
            template = because.get(lang) or (because.get(fallback) if fallback else None)
            if template is None:
                template = next(iter(because.values()))
            if template.__class__ is not str:
                return None
            names, keys = hole_names(template), tuple(holes)
            if keys == names:  # the holes the rule gave are the template's, in its order: most often
                values += holes.values()
            else:
                values += [holes.get(hole, _MISSING) for hole in names]
            said = template
        elif "tests" in entry:
            said = _tested(decision, entry["tests"], values)
            if said is None:
                return None
        else:
            said = None
        rule, line, wanted = entry["rule"], entry["line"], entry.get("source")
        citation = None
        for candidate in sources:
            if candidate and candidate.get("id") == wanted:
                citation = (candidate["id"], candidate.get("status", ""))
                if citation[0].__class__ not in _SHOWN or citation[1].__class__ is not str:
                    return None
                break
        if rule.__class__ not in _SHOWN or line.__class__ not in _SHOWN:
            return None
        rules.append((said, rule, line, citation, keys if because else tuple(holes)))
    nothing = None
    if not fired:  # no rule applies: the location's line, and for a table the facts its rows failed on
        given, line = False, decision["location"].get("line")
        if not (line is None or line.__class__ in _SHOWN):
            return None
        unmatched = _unmatched(decision, values) if decision.get("kind") == "table" else None
        if unmatched is False:
            return None
        nothing = (line, unmatched)
    reads = tuple(decision.get("reads", []))
    if reads and not _STR.issuperset(map(type, reads)):
        return None
    figures = []
    for parameter in decision.get("parameters", []):
        figure, source = parameter["name"], parameter.get("source") or None
        if figure.__class__ is not str or not (source is None or source.__class__ in _SHOWN):
            return None
        figures.append((figure, source))
        values.append(parameter["value"])
        values.append(parameter["effective_from"])
    inputs = ()
    if "inputs" in decision:  # what a table saw: its columns' names are read (explain._assumed, a set)
        inputs = tuple(map(dict.get, decision["inputs"], _NAME))
    answer = (_ANSWERED, decision.get("output", _ABSENT)) if decision.get("status", "answered") == "answered" \
        else (_UNANSWERED, None)
    return (name, file, valid_from, given, tuple(rules), reads, tuple(figures), inputs, nothing), values, answer


def _unmatched(decision: dict, values: list):
    """What explain_reading.nothing_matched says of a table no row of which applied: its number of
    rows and the columns they failed on (named, title or column, type code), their values in
    `values`; False for a part of an unexpected type."""
    rows = decision.get("rows", [])
    failed = failed_columns(decision)
    columns = []
    for column in failed:
        named, code = bool(column.get("name")), column.get("type")
        title = column["name"] if named else column["column"]
        if title.__class__ is not str or not (code is None or code.__class__ is str):
            return False
        columns.append((named, title, code))
        values.append(column["value"])
    return len(rows), tuple(columns)


def _tested(decision: dict, tests: list, values: list) -> Optional[tuple]:
    """The columns a row without a template tested (`given` Persons in the household: 1; …)."""
    inputs = decision.get("inputs", [])
    columns = []
    for test in tests:
        column = inputs[test["column"]]
        name, code = column.get("name"), column.get("type")
        title = name or column["column"]
        if title.__class__ is not str or not (code is None or code.__class__ is str):
            return None
        columns.append((bool(name), title, code))
        values.append(column["value"])
    return tuple(columns)


def plan_of(shape: tuple, context: Context, out) -> "Plan":
    plan = context.plans.get(shape)
    if plan is None:
        if len(context.plans) >= PLANS_KEPT:
            context.plans.clear()
        plan = context.plans[shape] = Plan(shape, context, out)
    return plan


def write_decision(planned: tuple, heading, rests: bool, planned_by_name: dict, by_name: dict, reading: Reading,
                   out, said: tuple) -> None:
    """A decision's heading (its title and `heading`, its answer) and lines (why, rules, what it
    rests on if `rests`, figures; not its warnings), its values written by the trace's `reading`,
    whose words for yes and no are `said` (`yes_no`). What it rests on is kept apart: an answer
    beneath changes more often than the decision's own."""
    plan, values, _answer = planned
    symbols = reading.symbols
    values = values + [heading]
    key = rendered_key(plan, values, plan.symbolic, symbols, said)
    found = _RENDERED.get(key) if key is not None else None
    if found is None:
        found = plan.lines(values, out, reading)
        _keep(key, found)
    lines = out.lines
    lines += found[0]
    if rests:
        values = []  # each decision read: absent from the trace, without an answer, or its answer
        for read in plan.reads:
            read_planned = planned_by_name.get(read)
            if read_planned is not None and read_planned[2][1] is not _ABSENT:
                values += read_planned[2]
                continue
            dep = by_name.get(read)
            if dep is None:
                values += (_ABSENT, None)
            elif dep.get("status", "answered") == "answered":
                values += (_ANSWERED, dep["output"])  # a KeyError here is explain._decision's
            else:
                values += (_UNANSWERED, None)
        key = rendered_key(plan.node, values, plan.symbolic_rests, symbols, said)
        rested = _RENDERED.get(key) if key is not None else None
        if rested is None:
            rested = plan.rests_lines(values, out, reading)
            _keep(key, rested)
        lines += rested
    lines += found[1]


def _keep(key: Optional[tuple], lines) -> None:
    if key is None:
        return
    if len(_RENDERED) >= RENDERED_KEPT:
        _RENDERED.clear()
    _RENDERED[key] = lines


def assumed_lines(context: Context, assumed: dict, reading: Reading, out, make) -> tuple:
    """The `assumed` lines of these defaults, as `make()` writes them, kept per context and values."""
    said = [reading.symbols.get("true"), reading.symbols.get("false")]
    items = frozen(assumed, said, reading.symbols)
    if items is None or any(word is not None and word.__class__ is not str for word in said):
        return make()
    key = (items, tuple(said))
    lines = context.assumed.get(key)
    if lines is None:
        if len(context.assumed) >= PLANS_KEPT:
            context.assumed.clear()
        lines = context.assumed[key] = make()
    return lines


class Plan:
    """The lines of every decision of one shape, from its values."""

    def __init__(self, key: tuple, context: Context, out):
        name, file, valid_from, given, rules, self.reads, figures, self.inputs, nothing = key
        self.node = node_of(context, name, self.reads, tuple([figure for figure, _source in figures]), self.inputs,
                            tuple([holes for _said, _rule, _line, _citation, holes in rules]))
        reading, lang, w = context.reading, context.lang, out.w
        self.name = name
        self.label = "given" if given else "because"
        self.space = "" if lang == "zh" else " "
        # per rule: None, ("template", its parts, each hole's place among its names, their type
        # codes) or ("tests", the tested columns)
        self.said = []
        since = " · " + w["valid_from"].format(date=reading.date(valid_from)) if valid_from else ""
        rule_lines = []
        for index, (said, rule, line, citation, _holes) in enumerate(rules):
            if isinstance(said, str):
                parts, names = template_parts(said), hole_names(said)
                self.said.append(("template", parts, [names.index(n) for n in parts[1::2]],
                                  [reading.type_of(n) for n in names]))
            elif said is not None:
                self.said.append(("tests", said))
            else:
                self.said.append(None)
            shown = cited({"id": citation[0], "status": citation[1]}, w, lang) if citation else ""
            rule_lines.extend(out.wrapped_lines("rule", f"{rule} · {file_line(file, line)}{shown}"
                                                f"{since if index == 0 else ''}", first=index == 0))
        self.unmatched = None
        if nothing is not None:
            line, unmatched = nothing
            rule_lines.append(out.labelled("rule", f"{w['no_row']} · {file_line(file, line)}"))
            if unmatched is not None:
                count, columns = unmatched
                self.unmatched = (w["nothing_matched"].format(count=count),
                                  [(reading.title(title) if named else title, code) for named, title, code in columns])
        self.rule_lines = tuple(rule_lines)
        self.unanswered = {read: f"{reading.title(read)}{colon(lang)}{w['no_answer']}" for read in self.reads}
        self.figures = figures
        codes = []  # the type code each value is written with, in the order of the values
        for said in self.said:
            if said is not None and said[0] == "template":
                codes += said[3]
            elif said is not None:
                codes += [reading.type_of(title) if named and code is None else code for named, title, code in said[1]]
        codes += [code for _title, code in self.unmatched[1]] if self.unmatched is not None else []
        for figure, _source in figures:
            codes += [reading.type_of(figure), "date"]
        codes.append(reading.type_of(name))
        self.symbolic = tuple(index for index, code in enumerate(codes) if symbolic(code))
        codes = [code for read in self.reads for code in (None, reading.type_of(read))]
        self.symbolic_rests = tuple(index for index, code in enumerate(codes) if symbolic(code))
        self.gap = "" if lang == "zh" else " "
        self.sep = "，" if lang == "zh" else ", "

    def lines(self, values: list, out, reading: Reading) -> tuple:
        """(heading, why and rules; figures) from the values of its holes, figures and answer."""
        w, lang = out.w, out.lang
        at, texts = 0, []
        for said in self.said:
            if said is None:
                continue
            if said[0] == "template":
                parts, slots, codes = said[1], said[2], said[3]
                if len(parts) == 1:
                    texts.append(parts[0])
                    continue
                written = [parts[0]]
                for index in range(1, len(parts), 2):
                    slot = slots[index // 2]
                    value = values[at + slot]
                    written.append("{" + parts[index] + "}" if value is _MISSING
                                   else reading.value(value, codes[slot]))
                    written.append(parts[index + 1])
                at += len(codes)
                texts.append("".join(written))
            else:
                stated = []
                for named, title, code in said[1]:
                    value = values[at]
                    at += 1
                    stated.append(reading.stated(title, value, code) if named
                                  else f"{title}{colon(lang)}{reading.value(value, code)}")
                texts.append(w["given_text"].format(conditions=joined(stated, lang, ";")) if stated else "")
        if self.unmatched is not None:
            text, columns = self.unmatched
            if columns:
                conditions = []
                for title, code in columns:
                    conditions.append(w["condition"].format(title=title, value=reading.value(values[at], code)))
                    at += 1
                text += w["failed_on"].format(conditions=formatting.format_list(conditions, lang))
            texts.append(text)
        figures = []
        for index, (name, source) in enumerate(self.figures):
            value, since = values[at], values[at + 1]
            at += 2
            note = w["from"].format(date=reading.date(since))
            if source:
                note += f"{self.sep}{w['source']} {source}"
            figures.extend(out.wrapped_lines("figures", f"{reading.stated(name, value)}{self.gap}"
                                             f"{parenthesised(note, lang)}", first=index == 0))
        lines = list(out.heading_lines(reading.stated(self.name, values[at])))
        explanation = self.space.join([t for t in texts if t])
        if explanation:
            lines.extend(out.wrapped_lines(self.label, explanation))
        lines.extend(self.rule_lines)
        return tuple(lines), tuple(figures)

    def rests_lines(self, values: list, out, reading: Reading) -> tuple:
        """The `rests on` lines, from a (marker, answer) pair per name read."""
        lines, index = [], 0
        for at, read in enumerate(self.reads):
            said, output = values[2 * at], values[2 * at + 1]
            if said is _ABSENT:
                continue
            shown = reading.stated(read, output) if said is _ANSWERED else self.unanswered[read]
            lines.extend(out.wrapped_lines("rests_on", shown, first=index == 0))
            index += 1
        return tuple(lines)
