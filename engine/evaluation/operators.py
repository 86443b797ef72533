"""operators: text concatenation with `+`, exponentiation with `**`, and `string(x)`.

    "Dear " + name + "!"          two texts joined; a text and a number is a type error
    (1 + rate) ** years           a whole-number exponent, exact (`2 ** -2` is 0.25)
    "Age " + string(age)          a value as the explanations write it

Their types are checked here (`binary_type`, `STRING_ARGUMENTS`), called by engine.semantics.typecheck;
both evaluation paths — the closures of compiler/compile.py and the code compiler/codegen.py generates — call
`join` and `power` below, so they agree by construction on values and on errors.

Both operators are bounded, so a rule file cannot make the engine build a gigantic value: a
text joined by `+` has at most MAX_TEXT characters (a chain of decisions `x + x` doubles it each
time), an exponent is at most MAX_EXPONENT in size, and a power's magnitude lies strictly between
10^-MAX_POWER_DIGITS and 10^MAX_POWER_DIGITS. Past a bound, evaluation stops with an error at the
operator's place, which the ruleset's evaluation names with its decision and the facts it read.

A power is computed exactly, then rounded once to the engine's 28 digits: a whole-number base to
a non-negative exponent gives the whole number itself; otherwise base = c × 10^e gives c^n exactly
and one correctly rounded division or scaling (`3 ** -1` is 1/3 at 28 digits), never decimal's
own power, whose last digit may differ.
"""
from __future__ import annotations

import decimal
from decimal import Decimal
from typing import Callable

from engine import ast
from engine.values import BOOL, COUNTRY, DATE, DAYS_DURATION, INTEGER, MONEY, MONTHS_DURATION, NUMBER, TEXT, \
    EnumType, format_money, format_value, is_numeric

MAX_TEXT = 1_000_000        # characters of a text made by `+`
MAX_EXPONENT = 1000         # |n| of `x ** n`
MAX_POWER_DIGITS = 1000     # a power lies strictly between 10^-1000 and 10^1000
ARITIES = {"string": (1, 1)}
JOIN_HINT = 'join texts only; write `string(x)` for a number, an amount, a date or a symbol: "Age " + string(age)'


def applies(compiler, expr: ast.Binary) -> bool:
    """Whether a checked `+` or `**` is one of this module's: a power, or texts joined."""
    return expr.op == "**" or (expr.op == "+" and compiler.type_of(expr.left) == TEXT)


# ---------------------------------------------------------------------------- types

def binary_type(typer, op: str, left, right, expr: ast.Binary, report: bool):
    """The type of `left op right` when it is a power or involves a text; None for the others."""
    if op == "**":
        return _power_type(typer, left, right, expr, report)
    if op != "+" or TEXT not in (left, right):
        return None
    if left == right == TEXT:
        return TEXT
    from engine.semantics.typecheck import UNKNOWN
    if report:
        typer.error("type-mismatch", f"`+` joins two texts; this adds {left.describe()} and {right.describe()}",
                    expr.span, JOIN_HINT)
    return UNKNOWN


def _power_type(typer, base, exponent, expr: ast.Binary, report: bool):
    from engine.semantics.typecheck import UNKNOWN
    if MONEY in (base, exponent) or not (is_numeric(base) and is_numeric(exponent)):
        if report:
            what = ("cannot raise money to a power" if base == MONEY else "cannot take money as an exponent"
                    if exponent == MONEY else f"needs numbers; got {base.describe()} and {exponent.describe()}")
            typer.error("type-mismatch", f"`**` {what}", expr.span,
                        "raise a rate, then multiply the amount: `amount * (1 + rate) ** years`"
                        if MONEY in (base, exponent) else None)
        return UNKNOWN
    literal = expr.right if isinstance(expr.right, ast.Literal) else None
    if literal is not None and report:
        if literal.value != int(literal.value):
            typer.error("type-mismatch", f"the exponent of `**` must be a whole number; this is {literal.value}",
                        literal.span, "powers are exact: a root such as `x ** 0.5` is not")
        elif abs(literal.value) > MAX_EXPONENT:
            typer.error("type-mismatch", f"the exponent of `**` is at most {MAX_EXPONENT:,} in size; this is "
                        f"{literal.value}", literal.span)
    if base == INTEGER and literal is not None and literal.kind == "integer" and literal.value >= 0:
        return INTEGER
    return NUMBER


def can_be_text(type_) -> bool:
    """What `string(x)` converts: one value, as the explanations write it."""
    return type_ in (INTEGER, NUMBER, MONEY, DATE, BOOL, TEXT, COUNTRY, DAYS_DURATION, MONTHS_DURATION) \
        or isinstance(type_, EnumType)


STRING_ARGUMENTS = "a number, an amount, a date, a duration, a bool, a symbol or a text"


# ---------------------------------------------------------------------------- evaluation

def _fail(as_of, span, message: str):
    from engine.evaluation.runtime import fail  # runtime imports the evaluator, which imports the compiler
    fail(as_of, span, message)


def join(as_of, span, left: str, right: str) -> str:
    """`left + right` on texts, refused past MAX_TEXT characters."""
    if len(left) + len(right) > MAX_TEXT:
        _fail(as_of, span, f"`+` would make a text of {len(left) + len(right):,} characters, more than the "
                           f"{MAX_TEXT:,} a text may have")
    return left + right


def power(as_of, span, base, exponent):
    """`base ** exponent`, exact: an int for a whole base and a non-negative exponent, else a
    Decimal rounded once to the context's precision."""
    if type(exponent) is not int:
        if exponent != exponent.to_integral_value():
            _fail(as_of, span, f"the exponent of `**` must be a whole number, not {format_value(exponent)}")
        exponent = int(exponent)
    if abs(exponent) > MAX_EXPONENT:
        _fail(as_of, span, f"the exponent of `**` is at most {MAX_EXPONENT:,} in size, not {exponent:,}")
    if not base:
        if exponent < 0:
            _fail(as_of, span, f"0 ** {exponent} divides by zero")
        return (1 if exponent == 0 else 0) if type(base) is int else Decimal(1 if exponent == 0 else 0)
    _check_magnitude(as_of, span, base, exponent)
    if type(base) is int:
        if exponent >= 0:
            return base ** exponent
        coefficient, scale = base, 0
    else:  # base = coefficient × 10^scale; a Decimal of the engine has at most 60 digits
        sign, digits, scale = base.as_tuple()
        coefficient = int("".join(map(str, digits))) * (-1 if sign else 1)
    n = abs(exponent)
    if exponent >= 0:
        value = _ratio(abs(coefficient) ** n, 1, scale * n)
    else:
        value = _ratio(1, abs(coefficient) ** n, -scale * n)
    return -value if coefficient < 0 and n % 2 == 1 else value


def _check_magnitude(as_of, span, base, exponent: int):
    """Refuses a power of 10^1000 or more (or of 10^-1000 or less): its digits would explode."""
    number = Decimal(base).copy_abs()
    if number == 1:
        return
    adjusted = number.adjusted()  # log10(number) lies in [adjusted, adjusted + 1)
    if (abs(adjusted) + 1) * abs(exponent) < MAX_POWER_DIGITS:
        return
    with decimal.localcontext(decimal.Context(prec=16)):
        magnitude = number.log10() * exponent
    if abs(magnitude) >= MAX_POWER_DIGITS:
        _fail(as_of, span, f"`**` would give a number of about 10^{int(magnitude):,}; a power lies between "
                           f"10^-{MAX_POWER_DIGITS:,} and 10^{MAX_POWER_DIGITS:,}")


def _ratio(numerator: int, denominator: int, scale: int) -> Decimal:
    """numerator / denominator × 10^scale (both positive), rounded once to the context's precision.

    The quotient is taken to a few more digits than the precision; when it is not exact its last
    digit marks the remainder, so a tie is never wrongly made. An exact result keeps the exponent
    decimal's own division would give (`scale`, or the fewest places beyond it): 0.25, 2.25, 8."""
    guard = decimal.getcontext().prec + 3
    # digits of each, within one, from the bit lengths: str() of a 10,000-digit number is refused
    shift = guard - int((numerator.bit_length() - denominator.bit_length()) * 0.30103)
    if shift >= 0:
        quotient, remainder = divmod(numerator * 10 ** shift, denominator)
    else:
        quotient, remainder = divmod(numerator, denominator * 10 ** -shift)
    if remainder:
        return Decimal(quotient * 10 + 1).scaleb(scale - shift - 1)
    exponent = scale - shift
    while exponent < scale and quotient % 10 == 0:
        quotient //= 10
        exponent += 1
    return Decimal(quotient).scaleb(exponent)


def to_text(type_, span=None) -> Callable:
    """The implementation of `string(x)` for an argument of `type_`: as the explanations write it
    (in English: `1,234.50 €`, `2025-04-01`, `30 days`, `true`, `0.25`, a symbol's name)."""
    if type_ == MONEY:
        return lambda value: format_money(Decimal(value))
    if type_ == TEXT:
        return lambda value: value
    if type_ in (INTEGER, NUMBER):
        from engine.evaluation.evaluate import finish_integer
        return lambda value: _number_text(finish_integer(value, span))  # a whole number of 28 digits at most
    return format_value


def _number_text(value) -> str:
    """A number by its value alone: 0.1 whether a fact said 0.1 or 0.10 (the column-wise path keeps
    a whole column at one scale), 4 for 2.0 ** 2."""
    text = format_value(value)
    return text.rstrip("0").rstrip(".") if isinstance(value, Decimal) and "." in text else text


# ---------------------------------------------------------------------------- the two paths

def compile_binary(compiler, expr: ast.Binary) -> Callable:
    """The closure of a power or of texts joined (compile.Compiler.expr)."""
    a, b, span = compiler.expr(expr.left), compiler.expr(expr.right), expr.span
    operation = power if expr.op == "**" else join
    return lambda ctx: operation(ctx.as_of, span, a(ctx), b(ctx))


def generate_binary(generator, expr: ast.Binary) -> str:
    """Python source of a power or of texts joined (codegen.Generator.expr): a call of the same function."""
    u = generator.unit
    operation = u.obj(power if expr.op == "**" else join)
    return f"{operation}(a, {u.obj(expr.span)}, {generator.expr(expr.left)}, {generator.expr(expr.right)})"


def compile_string(compiler, expr: ast.Call, args: tuple) -> Callable:
    convert, only = to_text(compiler.type_of(expr.args[0]), expr.span), args[0]
    return lambda ctx: convert(only(ctx))


def generate_string(generator, expr: ast.Call, args: list) -> str:
    convert = to_text(generator.compiler.type_of(expr.args[0]), expr.span)
    return f"{generator.unit.obj(convert)}({args[0]})"

