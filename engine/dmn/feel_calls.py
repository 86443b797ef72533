"""FEEL calls verdict has a counterpart for, beyond engine/dmn/feel_to_rules.py's FUNCTIONS
(h16-dmn): the string functions (`upper case(s)` → `upper(s)`, …), the list functions over one
list (`sum(L)`, `min(L)`, `all(L)`, …), calls of business knowledge models (engine/dmn/bkm.py),
and named arguments (`substring(string: s, start position: 2)`), put in their positions.
"""
from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from typing import Optional

import attrs

from engine.dmn.feel import FeelError, number_text
from engine.dmn.types import VType

# FEEL's parameter names, for named arguments (DMN 1.5, 10.3.4)
PARAMETERS = {
    "substring": ("string", "start position", "length"), "string length": ("string",),
    "upper case": ("string",), "lower case": ("string",), "starts with": ("string", "match"),
    "ends with": ("string", "match"), "contains": ("string", "match"), "list contains": ("list", "element"),
    "abs": ("n",), "floor": ("n",), "ceiling": ("n",), "round half up": ("n", "scale"), "count": ("list",),
    "sum": ("list",), "min": ("list",), "max": ("list",), "all": ("list",), "any": ("list",),
    "date": ("from",), "duration": ("from",), "years and months duration": ("from", "to"),
}
TEXT_FUNCTIONS = {"upper case": "upper", "lower case": "lower", "string length": "string_length",
                  "substring": "substring", "starts with": "starts_with", "ends with": "ends_with",
                  "contains": "contains"}
LIST_FUNCTIONS = ("sum", "all", "any", "min", "max")


@attrs.frozen
class Signature:
    """A business knowledge model as a verdict function."""

    verdict: str
    params: tuple            # ((DMN name, verdict name, VType), …)
    result: Optional[VType]


def _functions(translator) -> dict:
    return getattr(translator.scope, "functions", {})


def positional(translator, name: str, args: list) -> list:
    """The arguments in their positions; named ones put where their parameter is."""
    bkm = _functions(translator).get(name)
    if not any(a[0] == "named" for a in args):
        if bkm is not None and len(args) != len(bkm.params):
            raise FeelError(f"`{name}` takes {len(bkm.params)} argument(s); {len(args)} given")
        return args
    if not all(a[0] == "named" for a in args):
        raise FeelError(f"the call of `{name}` mixes named and positional arguments")
    params = tuple(p[0] for p in bkm.params) if bkm is not None else PARAMETERS.get(name)
    if params is None:
        raise FeelError(f"named arguments of `{name}` are not translated (its parameter names are not known)")
    given = {" ".join(a[1].split()): a[2] for a in args}
    for key in given:
        if key not in params:
            raise FeelError(f"`{name}` has no parameter `{key}` (its parameters: {', '.join(params)})")
    ordered = []
    for param in params:
        if param not in given:
            break
        ordered.append(given[param])
    if len(ordered) != len(given) or (bkm is not None and len(ordered) != len(params)):
        missing = next(p for p in params if p not in given)
        raise FeelError(f"the argument `{missing}` of `{name}` is not given (DMN would give null)")
    return ordered


def type_of(translator, name: str, args: list) -> Optional[VType]:
    bkm = _functions(translator).get(name)
    if bkm is not None:
        return bkm.result
    if name in ("upper case", "lower case", "substring"):
        return VType("text")
    if name == "string length":
        return VType("integer")
    if name in ("starts with", "ends with", "contains", "all", "any"):
        return VType("bool")
    if name in LIST_FUNCTIONS and len(args) == 1:
        listed = translator.type_of(args[0])
        if listed is not None and listed.kind == "list":
            return listed.element
    if name == "sum":
        return translator.siblings_type(args) or VType("number")
    return None


def _whole(translator, tree) -> str:
    """A position or a length: FEEL truncates a fraction (`substring("foobar", 3, 3.8)` is "oba")."""
    if tree[0] == "num":
        return number_text(str(Decimal(tree[1]).to_integral_value(ROUND_DOWN)))
    return translator.expr(tree)


def _constant(tree) -> Optional[Decimal]:
    """The value of a number literal, or of `+ - *` over them (`(-6111 - 1)`); None for others."""
    if tree[0] == "num":
        return Decimal(tree[1])
    if tree[0] == "neg":
        inner = _constant(tree[1])
        return None if inner is None else -inner
    if tree[0] == "bin" and tree[1] in ("+", "-", "*"):
        left, right = _constant(tree[2]), _constant(tree[3])
        if left is None or right is None:
            return None
        return left + right if tree[1] == "+" else left - right if tree[1] == "-" else left * right
    return None


MAX_PLACES = 27  # verdict's 28 significant digits, one before the point
SCALES = (-6111, 6176)  # FEEL's rounding functions give null for a scale outside these (DMN 1.5, 10.3.4.4)


def _checked_scale(name: str, args: list):
    """A written scale outside FEEL's range is refused: FEEL gives null, verdict would round (h16-dmn-dur)."""
    scale = _constant(args[1]) if len(args) == 2 else None
    if scale is not None and not SCALES[0] <= scale <= SCALES[1]:
        raise FeelError(f"{name}(n, {format(scale, 'f')}): FEEL gives null for a scale outside "
                        f"{SCALES[0]}..{SCALES[1]}, where verdict would round")
    if scale is not None and scale > MAX_PLACES:
        raise FeelError(f"{name}(n, {format(scale, 'f')}): verdict's numbers have 28 significant digits, so it "
                        f"rounds to {MAX_PLACES} decimal places at most (FEEL keeps the number)")


def call(translator, name: str, args: list, want: Optional[VType]) -> Optional[str]:
    """The rule text of a call handled here, or None for the others."""
    if name == "round half up":
        _checked_scale(name, args)
    bkm = _functions(translator).get(name)
    if name in getattr(translator.scope, "refused_functions", ()):
        raise FeelError(f"it calls the business knowledge model `{name}`, which is not translated (its refusal says why)")
    if bkm is not None:
        shown = ", ".join(translator.expr(a, p[2]) for a, p in zip(args, bkm.params))
        return f"{bkm.verdict}({shown})"
    if name in TEXT_FUNCTIONS:
        if name == "substring":
            if len(args) not in (2, 3):
                raise FeelError("substring takes a string, a start position and perhaps a length")
            shown = [translator.expr(args[0])] + [_whole(translator, a) for a in args[1:]]
        else:
            shown = [translator.expr(a) for a in args]
        return f"{TEXT_FUNCTIONS[name]}({', '.join(shown)})"
    if name in LIST_FUNCTIONS and len(args) == 1:
        listed = translator.type_of(args[0])
        if name in ("min", "max") and (listed is None or listed.kind != "list"):
            return None  # min(x) of one value: the message of feel_to_rules
        return f"{name}({translator.expr(args[0], want if listed is None else VType('list', element=want))})"
    if name in ("sum", "all", "any"):
        each = translator.siblings_type(args) or want
        return f"{name}({', '.join(translator.expr(a, each) for a in args)})"
    return None
