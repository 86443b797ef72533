"""FEEL lists as verdict lists (h16-dmn): list literals `[a, b]`, `for x in L return E`,
`some`/`every x in L satisfies C`, the filter `L[C]` and the index `L[n]`, `x in L` and
`x in [a..b]`, and named arguments `f(name: value)`.

The parsing half is called by engine/dmn/feel.py's parser at the places these forms begin; the
translating half by engine/dmn/feel_to_rules.py's Translator for the tree kinds below. A FEEL
variable bound by for/some/every (or `item` and a record's fields inside a filter) is in scope
only while its body is translated, as in verdict (docs/language.md "Lists").
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from decimal import Decimal
from typing import Optional

from engine.dmn.feel import FeelError
from engine.dmn.types import Names, VType

LIST_KINDS = {"list", "for", "some", "every", "filter", "in_value", "in_range", "let"}
FILTER_VARIABLE = "item"  # FEEL's and verdict's name of the element in a filter


# ---------------------------------------------------------------------------- parsing

def iteration(parser, word: str):
    """`for x in L return E`, `some x in L satisfies C`, `every x in L satisfies C`."""
    parser.take()
    token = parser.take()
    if token[0] != "name":
        raise FeelError(f"`{word}` needs the name of a variable after it")
    parser.expect("kw", "in")
    source = parser.expression()
    if parser.at("op", ".."):
        raise FeelError(f"`{word}` over a range of numbers (a..b) is not translated; over a list it is")
    if parser.at("op", ","):
        raise FeelError(f"`{word}` over several lists at once is not translated; over one list it is")
    parser.expect("kw", "return" if word == "for" else "satisfies")
    return (word, token[1], source, parser.expression())


def interval_ahead(parser) -> bool:
    """Whether a range `(a..b]` comes next (and not a parenthesised list `(a, b)`)."""
    start = parser.i
    try:
        parser.interval()
        return True
    except FeelError:
        return False
    finally:
        parser.i = start


def in_test(parser, left):
    """`x in [a..b]` (a range), `x in < 5` (a comparison), `x in L` or `x in v` (a list or a value)."""
    if parser.at("op", "[") or parser.at("op", "]") or parser.at("op", "("):
        start = parser.i
        try:
            return ("in_range", left, parser.interval())
        except FeelError:
            parser.i = start  # `x in [1, 2]`: a list literal
    token = parser.peek()
    if token[0] == "op" and token[1] in ("<", "<=", ">", ">="):
        parser.take()
        return ("bin", token[1], left, parser.endpoint())
    return ("in_value", left, parser.additive())


def argument(parser):
    """One argument of a call: an expression, or `name: expression` (a name may have spaces)."""
    j, words = 0, []
    while parser.peek(j)[0] in ("name", "kw") and parser.peek(j)[1] not in ("not", "true", "false", "null", "if"):
        words.append(parser.peek(j)[1])
        j += 1
    if words and parser.peek(j) == ("op", ":"):
        parser.i += j + 1
        return ("named", " ".join(words), parser.expression())
    return parser.expression()


# ---------------------------------------------------------------------------- translating

def _variable(translator, dmn: str) -> str:
    """The verdict name of a bound FEEL variable: its own, unless an input or decision has it."""
    base = Names().allocate(dmn)
    names = getattr(translator, "names", None)
    if names is not None and base in names.used:
        base = names.allocate(f"{dmn} each")
    around, n = getattr(translator, "bound_names", frozenset()), 2
    variable = base
    while variable in around:  # a variable bound around it (verdict: `duplicate-name`)
        variable, n = f"{base}_{n}", n + 1
    return variable


@contextmanager
def bound(translator, entries, variables: bool = True):
    """`entries` ((DMN name, verdict text, VType), …) in scope while a body is translated; as
    verdict's bound variables unless `variables` is false (a context's entries, put in place)."""
    saved, saved_bound = dict(translator.scope.entries), getattr(translator, "bound_names", frozenset())
    for dmn, verdict, vtype in entries:
        translator.scope.add(dmn, verdict, vtype)
    translator.bound_names = saved_bound | ({dmn for dmn, _, _ in entries} if variables else frozenset())
    try:
        yield
    finally:
        translator.scope.entries.clear()
        translator.scope.entries.update(saved)
        translator.bound_names = saved_bound


def _element(translator, source, what: str) -> Optional[VType]:
    vtype = translator.type_of(source)
    if vtype is not None and vtype.kind != "list":
        raise FeelError(f"{what} needs a list; this is {vtype.text()}")
    return vtype.element if vtype is not None else None


def _filter_entries(translator, element: Optional[VType]):
    names = getattr(translator, "names", None)
    if names is not None and FILTER_VARIABLE in names.used:
        raise FeelError(f"a filter in a model with an input or decision named `{FILTER_VARIABLE}` is not translated "
                        f"(verdict names the element `{FILTER_VARIABLE}`)")
    entries = [(FILTER_VARIABLE, FILTER_VARIABLE, element)]
    if element is not None and element.kind == "record":  # FEEL reads a record's fields by their names
        entries += [(dmn, f"{FILTER_VARIABLE}.{column}", ftype) for dmn, column, ftype in element.fields]
    return entries


def _names_in(tree) -> set:
    if isinstance(tree, tuple) and tree and tree[0] == "name":
        return {tree[1]}
    found = set()
    for part in tree if isinstance(tree, (tuple, list)) else ():
        if isinstance(part, (tuple, list)):
            found |= _names_in(part)
    return found


def _hoisted(translator, tree, element) -> Optional[str]:
    """A filter in another filter's condition that reads nothing bound around it, as the name of a
    helper decision giving it (`translator.hoist`, set for a decision's expression by to_rules):
    verdict's `item` cannot be bound twice, one inside the other."""
    hoist, outer = getattr(translator, "hoist", None), getattr(translator, "bound_names", frozenset())
    if hoist is None or FILTER_VARIABLE not in outer:
        return None
    own = {dmn for dmn, _, _ in _filter_entries(translator, element)}
    if (_names_in(tree[1]) | (_names_in(tree[2]) - own)) & outer:
        return None
    vtype = translator.type_of(tree)
    if vtype is None:
        return None
    translator.bound_names = frozenset()  # it reads nothing of them: translated as if alone
    try:
        source_text = _source_text(translator, tree[1])
        with bound(translator, _filter_entries(translator, element)):
            text = f"{source_text}[{translator.expr(tree[2])}]"
    finally:
        translator.bound_names = outer
    return hoist(text, vtype)


def _is_position(translator, tree) -> bool:
    """`L[2]`: the condition is a number, not a truth."""
    with bound(translator, _filter_entries(translator, _element(translator, tree[1], "a filter"))):
        vtype = translator.type_of(tree[2])
    return tree[2][0] == "num" or (vtype is not None and vtype.kind in ("number", "integer"))


def grouped(text: str) -> str:
    """`text` in parentheses, unless it is one name, one number or one parenthesised group already."""
    if re.fullmatch(r"[\w.]+", text):
        return text
    bare = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)  # brackets inside strings do not count
    if (bare[:1], bare[-1:]) in (("(", ")"), ("[", "]")):
        depth = 0
        for index, char in enumerate(bare):
            depth += {"(": 1, ")": -1, "[": 1, "]": -1}.get(char, 0)
            if depth == 0 and index < len(bare) - 1:
                break
        else:
            return text
    return f"({text})"


def _let(translator, entries, result, want: Optional[VType], translate: bool):
    """A context's result with its entries in scope, each as its translated text (boxed.py)."""
    scope = []
    for dmn, tree in entries:
        with bound(translator, scope, variables=False):
            vtype = translator.type_of(tree)
            text = translator.expr(tree, vtype) if translate else dmn
        scope.append((dmn, grouped(text), vtype))
    with bound(translator, scope, variables=False):
        return translator.expr(result, want) if translate else translator.type_of(result)


def type_of(translator, tree) -> Optional[VType]:
    kind = tree[0]
    if kind == "let":
        return _let(translator, tree[1], tree[2], None, translate=False)
    if kind in ("some", "every", "in_value", "in_range"):
        return VType("bool")
    if kind == "list":
        items = tree[1]
        element = translator.siblings_type(items) or (VType("number") if any(i[0] == "num" for i in items) else None)
        return VType("list", element=element) if element is not None else None
    if kind == "for":
        element = _element(translator, tree[2], "`for`")
        with bound(translator, [(tree[1], _variable(translator, tree[1]), element)]):
            body = translator.type_of(tree[3])
        return VType("list", element=body) if body is not None else None
    if kind == "filter":
        source = translator.type_of(tree[1])
        if _is_position(translator, tree):
            return source.element if source is not None and source.kind == "list" else None
        return source
    return None


def _field(listed: VType, field: str):
    element = listed.element
    if element is None or element.kind != "record":
        raise FeelError(f"the path `.{field}` on a list of {element.text() if element else 'values'} is not "
                        "translated; on a list of structures it gives each one's component")
    for found in element.fields:
        if found[0] == field:
            return found
    raise FeelError(f"`{field}` is not a component of the list's structures "
                    f"({', '.join(f[0] for f in element.fields)})")


def projection_type(translator, listed: VType, field: str) -> Optional[VType]:
    """`L.name` on a list of structures: the list of their components `name`."""
    return VType("list", element=_field(listed, field)[2])


def projection(translator, source, listed: VType, field: str) -> str:
    column = _field(listed, field)[1]
    variable = _variable(translator, "each")
    return f"(for {variable} in {translator.expr(source)} return {variable}.{column})"


def _source_text(translator, source) -> str:
    text = translator.expr(source)
    return text if source[0] in ("name", "list", "path") else f"({text})"


def expr(translator, tree, want: Optional[VType]) -> str:
    kind = tree[0]
    if kind == "let":
        return _let(translator, tree[1], tree[2], want, translate=True)
    wanted_element = want.element if want is not None and want.kind == "list" else None
    if kind == "list":
        each = wanted_element or translator.siblings_type(tree[1])
        return "[" + ", ".join(translator.expr(item, each) for item in tree[1]) + "]"
    if kind in ("for", "some", "every", "filter") and tree[-2] == ("list", []):
        # over the empty list written out: the value is known (verdict cannot type the variable of `[]`)
        return {"for": "[]", "some": "false", "every": "true", "filter": "[]"}[kind]
    if kind in ("for", "some", "every"):
        _, dmn, source, body = tree
        element = _element(translator, source, f"`{kind}`")
        variable = _variable(translator, dmn)
        source_text = translator.expr(source)
        with bound(translator, [(dmn, variable, element)]):
            body_text = translator.expr(body, wanted_element if kind == "for" else None)
        word = "return" if kind == "for" else "satisfies"
        return f"({kind} {variable} in {source_text} {word} {body_text})"
    if kind == "filter":
        if _is_position(translator, tree):
            source_text = _source_text(translator, tree[1])
            position = tree[2]
            if position[0] == "num" and Decimal(position[1]) != Decimal(position[1]).to_integral_value():
                raise FeelError(f"the position {position[1]} in a list is not a whole number")
            return f"{source_text}[{translator.expr(position)}]"
        element = _element(translator, tree[1], "a filter")
        helper = _hoisted(translator, tree, element)
        if helper is not None:
            return helper
        if FILTER_VARIABLE in getattr(translator, "bound_names", frozenset()):
            raise FeelError("a filter inside another filter's condition that reads the outer one's element (or is "
                            f"in a function) is not translated: verdict binds `{FILTER_VARIABLE}` once")
        source_text = _source_text(translator, tree[1])
        with bound(translator, _filter_entries(translator, element)):
            return f"{source_text}[{translator.expr(tree[2])}]"
    if kind == "in_value":
        left, right = tree[1], tree[2]
        listed = translator.type_of(right)
        if listed is not None and listed.kind == "list":
            return f"({translator.expr(left, listed.element)} in {translator.expr(right)})"
        return f"({translator.expr(left, listed)} = {translator.expr(right, translator.type_of(left))})"
    if kind == "in_range":
        left, (_, lo_closed, lo, hi, hi_closed) = tree[1], tree[2]
        vtype = translator.type_of(left)
        value = translator.expr(left)
        return f"({value} {'>=' if lo_closed else '>'} {translator.expr(lo, vtype)} and " \
               f"{value} {'<=' if hi_closed else '<'} {translator.expr(hi, vtype)})"
    raise FeelError(f"{kind} is not translated")
