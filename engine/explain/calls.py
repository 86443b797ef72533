"""calls: a decision's function calls in its explanation, one line per call.

    calls    share(a = 24) gave €8.00 — rule share#1 (line 6): a <= 29
             share(a = 40), for ages[1], gave €14.00 — rule share#2 (line 7): a >= 30

Rendered from the trace's `calls` and `functions` (docs/trace-format.md): the arguments and the
value in words by the function's declared types, then why — the fired row's `because` filled in
with the call's own values, or its tests, or the expression. A call made inside another function
is indented under it.
"""
from __future__ import annotations

from engine.explain.i18n import colon, joined
from engine.locale.linebreak import wrap
from engine.semantics.resolve import TEMPLATE_HOLE

WIDTH = 100  # as explain.WIDTH: columns of text after the label
OPERATORS = ("<", ">", "=", "!")


def write_calls(out, reading, trace: dict, calls: list) -> None:
    functions = trace.get("functions", {})
    languages = trace.get("languages") or [reading.lang]
    stack = [(call, 0) for call in reversed(calls)]
    first = True
    while stack:
        call, depth = stack.pop()
        text = out._typeset(call_text(call, functions.get(call.get("function"), {}), reading, trace, languages[0]))
        for part in wrap(text, WIDTH - out.label_width - 2 * depth):
            out.line("calls", "  " * depth + part, first=first)  # a call inside a function, under it
            first = False
        stack.extend((inner, depth + 1) for inner in reversed(call.get("calls", [])))


def call_text(call: dict, function: dict, reading, trace: dict, default_lang: str) -> str:
    """`share(a = 24) gave €8.00 — rule share#1 (line 6): a <= 29`, in the reader's language."""
    w, lang = reading.w, reading.lang
    types = {p.get("name"): p.get("type") for p in function.get("parameters", [])}
    arguments = call.get("arguments", {})
    shown = ", ".join(f"{name} = {_argument(value, types.get(name), reading)}" for name, value in arguments.items())
    name = call.get("function", "")
    fired = call.get("fired", [])
    first = fired[0] if fired else {}
    values = {"call": f"{name}({shown})", "value": reading.value(call.get("output"), function.get("type")),
              "rule": first.get("rule", name), "line": first.get("line", "?")}
    if "element" in call:
        values["element"] = _element(call, w)
        text = w["call_element"].format(**values)
    else:
        text = w["call"].format(**values)
    why = joined([t for t in (_why(f, call, types, reading, trace, default_lang) for f in fired) if t], lang, ";")
    return f"{text}{colon(lang)}{why}" if why else text


def _argument(value, code, reading) -> str:
    """An argument in words; a record in braces, so its fields do not read as other arguments."""
    text = reading.value(value, code)
    return "{" + text + "}" if isinstance(code, dict) and "record" in code and isinstance(value, dict) else text


def _element(call: dict, w: dict) -> str:
    """`ages[1]`, or `groups[1], members[3]` in nested iterations; `element 3` for an unnamed list.
    The trace counts from 0; a reader, as the language's `L[1]`, from 1."""
    steps = list(call.get("within", [])) + [call]
    parts = [f"{s['of']}[{s['element'] + 1}]" if s.get("of") else w["element"].format(index=s.get("element") + 1)
             for s in steps]
    return ", ".join(parts)


def _why(fired: dict, call: dict, types: dict, reading, trace: dict, default_lang: str) -> str:
    because = fired.get("because")
    if because:
        template = because.get(reading.lang) or because.get(default_lang) or next(iter(because.values()))
        return _filled(template, fired.get("holes", {}), types, reading, trace)
    if "expression" in fired:
        return fired["expression"]
    inputs = call.get("inputs", [])
    parts = []
    for test in fired.get("tests", []):
        column = inputs[test["column"]]["column"] if 0 <= test.get("column", -1) < len(inputs) else "?"
        text = test.get("test", "")
        parts.append(f"{column} {text}" if text.startswith(OPERATORS) else f"{column}{colon(reading.lang)}{text}")
    return joined(parts, reading.lang)


def _filled(template: str, holes: dict, types: dict, reading, trace: dict) -> str:
    """A template's holes filled in: an argument shown by its parameter's type, a figure by its own."""
    def hole(match):
        name = match.group(1).strip()
        if name not in holes:
            return "{" + name + "}"
        head, *steps = [part.strip() for part in name.split(".")]
        if head not in types:  # a figure, or `as_of`
            return reading.value(holes[name], reading.type_of(name))
        code = types[head]
        for step in steps:  # `{person.age}`: a field of a record argument
            code = code.get("record", {}).get(step) if isinstance(code, dict) else None
        return reading.value(holes[name], code)
    return TEMPLATE_HOLE.sub(hole, template)
